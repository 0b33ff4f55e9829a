#include "dataset/privacydecisions.h"

#include "dataset/dataset.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/writetx.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace pairlens {

QList<privacy::Decision> withDecision(QList<privacy::Decision> decisions, privacy::Decision decision)
{
    decision.value = decision.value.trimmed();
    if (decision.type == privacy::Decision::Type::Mark)
        decision.pairId.clear();
    if (decisions.contains(decision))
        return decisions; // decided already: nothing changes, not even the order
    const bool global = decision.pairId.isEmpty();
    // A decision replaces the earlier one of its scope; one for every pair also those of single
    // pairs, which it decides too. A pair's decision leaves those for every pair: it is the
    // exception (a value marked everywhere, not personal data here).
    decisions.removeIf([&](const privacy::Decision &d) {
        return d.value.trimmed() == decision.value && (global || d.pairId == decision.pairId);
    });
    if (!global) {
        for (const privacy::Decision &d : std::as_const(decisions)) {
            if (d.type == privacy::Decision::Type::NotPii && d.pairId.isEmpty() &&
                d.value.trimmed() == decision.value)
                return decisions; // already not personal data in every pair
        }
    }
    decisions.append(decision);
    return decisions;
}

QList<privacy::Decision> withoutDecision(QList<privacy::Decision> decisions, const QString &value,
                                         std::optional<QString> pairId)
{
    const QString v = value.trimmed();
    decisions.removeIf([&](const privacy::Decision &d) {
        return d.value.trimmed() == v && (!pairId || d.pairId == *pairId);
    });
    return decisions;
}

qint64 savePrivacyDecisions(Dataset &dataset, const QList<privacy::Decision> &decisions,
                            const QJsonObject &change, QString *error,
                            const std::function<bool(qint64, qint64)> &progress)
{
    if (dataset.isReadOnly()) {
        *error = QCoreApplication::translate("Deriver", "The dataset is read-only.");
        return -1;
    }
    const QString json = privacy::decisionsToJson(decisions);
    WriteTransaction tx(dataset.db());
    if (!tx.begin(error))
        return -1;
    if (!dataset.setSetting(privacy::Config::kDecisionsKey, json) ||
        !dataset.setSetting(Deriver::kRescanPendingKey, u"1"_s)) {
        *error = dataset.errorString();
        return -1;
    }
    QJsonObject detail = change;
    detail.insert(u"decisions"_s, QJsonDocument::fromJson(json.toUtf8()).array());
    PairStore store(dataset);
    if (!store.audit(u"privacy_decisions"_s, 0, detail)) {
        *error = store.errorString();
        return -1;
    }
    if (!tx.commit(error))
        return -1;
    return Deriver::forDataset(dataset).rescanPii(dataset, error, progress);
}

QJsonObject privacySettingsJson(const privacy::Config &config)
{
    QJsonObject operators;
    for (PiiKind kind : allPiiKinds()) {
        if (kind != PiiKind::Custom)
            operators.insert(piiKindName(kind), privacy::operatorName(config.operatorFor(kind)));
    }
    operators.insert(u"database_name"_s, privacy::operatorName(config.databaseNameOperator));
    QJsonArray patterns;
    for (const privacy::CustomPattern &p : config.customPatterns)
        patterns.append(QJsonObject{
            {u"name"_s, p.name}, {u"pattern"_s, p.pattern}, {u"operator"_s, privacy::operatorName(p.op)}});
    return {{u"operators"_s, operators},
            {u"custom_patterns"_s, patterns},
            {u"scan_metadata"_s, config.scanMetadata}};
}

bool sameCustomPatterns(const QList<privacy::CustomPattern> &a, const QList<privacy::CustomPattern> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].pattern != b[i].pattern)
            return false;
    }
    return true;
}

qint64 savePrivacySettings(Dataset &dataset, const privacy::Config &config, QString *error,
                           const std::function<bool(qint64, qint64)> &progress)
{
    if (dataset.isReadOnly()) {
        *error = QCoreApplication::translate("Deriver", "The dataset is read-only.");
        return -1;
    }
    if (const QStringList problems = config.validate(); !problems.isEmpty()) {
        *error = problems.join(u' ');
        return -1;
    }
    WriteTransaction tx(dataset.db());
    if (!tx.begin(error))
        return -1;
    // Read, not assumed: a failed read taken as the defaults would skip the rescan a change owes.
    QHash<QString, QString> stored;
    if (!dataset.readSettings(&stored, error))
        return -1;
    const privacy::Config before = privacy::Config::fromSettings(stored);
    // Custom patterns decide the "custom" PII kind of every pair: a change owes a rescan, committed
    // with the patterns so that one cut short (kill, crash) is finished by the next writable open.
    const bool rescan = !sameCustomPatterns(before.customPatterns, config.customPatterns) ||
                        before.scanMetadata != config.scanMetadata; // metadata counts in the kinds
    const QHash<QString, QString> settings = config.toSettings();
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        if (!dataset.setSetting(it.key(), it.value())) {
            *error = dataset.errorString();
            return -1;
        }
    }
    if (rescan && !dataset.setSetting(Deriver::kRescanPendingKey, u"1"_s)) {
        *error = dataset.errorString();
        return -1;
    }
    PairStore store(dataset);
    if (!store.audit(u"settings"_s, 0, {{u"privacy"_s, privacySettingsJson(config)}})) {
        *error = store.errorString();
        return -1;
    }
    if (!tx.commit(error))
        return -1;
    return rescan ? Deriver::forDataset(dataset).rescanPii(dataset, error, progress) : 0;
}

} // namespace pairlens
