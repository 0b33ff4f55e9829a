#include "storage/storageprivacy.h"

#include "dataset/deriver.h"
#include "dataset/privacydecisions.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace pairlens {

qint64 savePrivacySettings(Storage &storage, const privacy::Config &config, QString *error,
                           const Storage::RescanProgress &progress)
{
    if (const QStringList problems = config.validate(); !problems.isEmpty()) {
        *error = problems.join(u' ');
        return -1;
    }
    // Read, not assumed: a failed read taken as the defaults would skip the rescan a change owes.
    QHash<QString, QString> stored;
    if (!storage.readSettings(&stored, error))
        return -1;
    const privacy::Config before = privacy::Config::fromSettings(stored);
    const bool rescan = !sameCustomPatterns(before.customPatterns, config.customPatterns) ||
                        before.scanMetadata != config.scanMetadata;
    QHash<QString, QString> values = config.toSettings();
    if (rescan)
        values.insert(Deriver::kRescanPendingKey, u"1"_s);
    if (!storage.updateSettings(values, u"settings"_s, {{u"privacy"_s, privacySettingsJson(config)}}, error))
        return -1;
    return rescan ? storage.rescanPii(storageDeriver(storage), progress, error) : 0;
}

qint64 savePrivacyDecisions(Storage &storage, const QList<privacy::Decision> &decisions,
                            const QJsonObject &change, QString *error,
                            const Storage::RescanProgress &progress)
{
    const QString json = privacy::decisionsToJson(decisions);
    QJsonObject detail = change;
    detail.insert(u"decisions"_s, QJsonDocument::fromJson(json.toUtf8()).array());
    if (!storage.updateSettings(
            {{privacy::Config::kDecisionsKey, json}, {Deriver::kRescanPendingKey, u"1"_s}},
            u"privacy_decisions"_s, detail, error))
        return -1;
    return storage.rescanPii(storageDeriver(storage), progress, error);
}

} // namespace pairlens
