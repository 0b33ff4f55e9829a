#pragma once

// `pairlens import` into a Storage (issue 18): the records go through the importer of dataset files
// (dataset/importer.h) unchanged, so every format, check, line number, message and derived field is
// the same; only where the pairs end up differs.

#include "common/progress.h"
#include "dataset/importer.h"

#include <QJsonObject>

namespace pairlens {

class Storage;

// Imports one file into `storage`. The importer reads and analyses the records on two threads as for
// a dataset file and hands each batch of up to 5,000 pairs, seed and derived fields, to one
// Storage::addBatch() (COPY for PostgreSQL): no temporary copy of the pairs is made on disk. The
// report is the importer's, pair_ids taken by another question or SQL named with their line as for a
// file (in the store before the import, or by an earlier record of the file). The records are
// analysed with the storage's privacy settings (custom patterns, metadata scanning, decisions), so
// the PII kinds are those the storage's own analysis finds. `auditDetail` is added to the import's
// audit entry (the window's {"source": "window"}), written once the pairs are in.
ImportReport importIntoStorage(Storage &storage, const QString &file, ImportFormat format,
                               const Progress &progress = {}, const QJsonObject &auditDetail = {});

} // namespace pairlens
