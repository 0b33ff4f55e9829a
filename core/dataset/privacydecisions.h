#pragma once

// A reviewer's privacy decisions ("not personal data", "mark as personal data") and the dataset's
// anonymization settings (operators, custom patterns), kept in its settings table, each changed in
// one write transaction with an audit entry and followed by a rescan of the PII kinds when what
// detection finds changes.

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

// The anonymization settings as shown by `pairlens privacy --json` and kept in the audit log:
// {"operators": {kind: op, ..., "database_name": op}, "custom_patterns": [...], "scan_metadata"}.
QJsonObject privacySettingsJson(const privacy::Config &config);
// True when both lists have the same patterns (names and expressions) in the same order.
bool sameCustomPatterns(const QList<privacy::CustomPattern> &a, const QList<privacy::CustomPattern> &b);

// Stores the anonymization settings of `config` (operators, database name operator, custom
// patterns, metadata scanning; never its key or decisions) with an audit entry ("settings"), in one
// transaction; when the custom patterns changed, owes and runs a rescan of the PII kinds. Returns
// the number of pairs whose kinds changed (0 without a rescan), or -1 with *error set: one
// sentence per invalid pattern (nothing changed), or the failing write.
qint64 savePrivacySettings(Dataset &dataset, const privacy::Config &config, QString *error,
                           const std::function<bool(qint64, qint64)> &progress = {});

} // namespace pairlens
