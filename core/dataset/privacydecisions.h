#pragma once

// A reviewer's privacy decisions ("not personal data", "mark as personal data") kept in a dataset's
// settings (privacy::Config::kDecisionsKey), changed in one write transaction with an audit entry,
// and followed by the same rescan of the PII kinds that a change of custom patterns causes.

#include "privacy/anonymizer.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace pairlens {

class Dataset;

// The decisions with `decision` in place of any earlier one about the same value (exact text,
// surrounding spaces ignored) in the same scope (Decision::pairId); a decision for every pair also
// replaces those of single pairs about the value, and a pair's "not personal data" is not added
// when the value is not personal data in every pair already.
QList<privacy::Decision> withDecision(QList<privacy::Decision> decisions, privacy::Decision decision);
// The decisions without any about `value`: in every scope, or only those of `pairId` (empty: the
// decisions for every pair).
QList<privacy::Decision> withoutDecision(QList<privacy::Decision> decisions, const QString &value,
                                         std::optional<QString> pairId = std::nullopt);

// Stores `decisions` as the dataset's decisions, writes an audit entry ("privacy_decisions" with
// `change` and the decisions) and owes a rescan, in one transaction; then rescans the PII kinds of
// every pair (a rescan cut short is finished by the next writable open). Returns the number of
// pairs whose kinds changed, or -1 with *error set (then nothing was changed when the transaction
// failed, or only the rescan is owed when it failed after the commit).
qint64 savePrivacyDecisions(Dataset &dataset, const QList<privacy::Decision> &decisions,
                            const QJsonObject &change, QString *error,
                            const std::function<bool(qint64, qint64)> &progress = {});

} // namespace pairlens
