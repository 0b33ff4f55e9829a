#pragma once

// `pairlens import` into a Storage (issue 18): the records go through the importer of dataset files
// (dataset/importer.h) unchanged, so every format, check, line number, message and derived field is
// the same; only where the pairs end up differs.

#include "common/progress.h"
#include "dataset/importer.h"

#include <QJsonObject>

namespace pairlens {

class Storage;

// Imports one file into `storage`. The importer writes into a staging dataset (a bulk load in a
// temporary folder, removed at the end); each time it reports progress, the pairs it committed
// there since go on to the storage, seed and derived fields, in one Storage::addBatch() per 5,000
// (COPY for PostgreSQL), written on a worker thread, one batch at a time, while the next records
// are read and analysed. The staging dataset needs about as much temporary disk as a dataset file
// of the file's pairs. The report is the importer's, with `added` and `alreadyPresent` as the
// storage counted them (a pair_id already stored there is already present), and
// conflictsWithDataset the pairs whose pair_id the storage holds with another question or SQL (the
// lines of those records are not known: `conflicts` lists only those within the file).
// The staging dataset analyses with the storage's privacy settings (custom patterns, metadata
// scanning, decisions), so the PII kinds are those the storage's own analysis finds. `auditDetail`
// is added to the import's audit entry (the window's {"source": "window"}).
ImportReport importIntoStorage(Storage &storage, const QString &file, ImportFormat format,
                               const Progress &progress = {}, const QJsonObject &auditDetail = {});

} // namespace pairlens
