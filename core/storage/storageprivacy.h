// A store's anonymization settings and privacy decisions changed through the storage seam, as
// savePrivacySettings() and savePrivacyDecisions() (dataset/privacydecisions.h) change a file's:
// stored with their audit entry and an owed rescan in one transaction, then the PII kinds rescanned
// with the store's own settings (a rescan cut short is finished by the next writable open).
#pragma once

#include "privacy/anonymizer.h"
#include "storage/storage.h"

#include <QJsonObject>

namespace pairlens {

// Checks `config` (one sentence per invalid pattern, nothing changed), stores its settings (never
// its key or decisions) with a "settings" audit entry, and rescans when the custom patterns or the
// metadata scanning changed. Returns the number of pairs whose kinds changed (0 without a rescan),
// or -1 with *error.
qint64 savePrivacySettings(Storage &storage, const privacy::Config &config, QString *error,
                           const Storage::RescanProgress &progress = {});

// Stores `decisions` with a "privacy_decisions" audit entry (`change` and the decisions), then
// rescans. Returns the number of pairs whose kinds changed, or -1 with *error.
qint64 savePrivacyDecisions(Storage &storage, const QList<privacy::Decision> &decisions,
                            const QJsonObject &change, QString *error,
                            const Storage::RescanProgress &progress = {});

} // namespace pairlens
