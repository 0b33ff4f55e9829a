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

} // namespace pairlens
