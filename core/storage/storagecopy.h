#pragma once

// `pairlens copy SOURCE TARGET` (issue 18): a dataset copied between a dataset file and PostgreSQL
// (either way, or file to file, PostgreSQL to PostgreSQL) without losing anything: every pair with
// its row id (so the order pairs were added), seed, derived, review and trash fields (the metadata
// as the same bytes), the audit log, and the settings including the anonymization secret, so an
// export of the copy is the same bytes as an export of the source.
//
// The source is read in one snapshot (a read transaction) in batches of 5,000 pairs, each batch
// written before the next is read: constant memory. The target is new or has no pairs, and a copy
// never leaves it half-written:
// - a file is built as a bulk load (dataset/bulkload.h) under DATASET.importing-PID and renamed to
//   DATASET at the end; an interrupted copy leaves no DATASET (its temporary file is removed then,
//   or by the next bulk load beside it when the process was killed);
// - PostgreSQL is written in one transaction (COPY ... FROM STDIN of every pair, then the audit log
//   and the settings) with the tables locked against other writers; an interrupted copy (Ctrl-C, a
//   lost connection, a killed process) is rolled back by the server, so the target has no pairs and
//   a second copy starts over.
// A copy cut off by a lost connection (either side's server restarting) therefore starts again from
// the beginning by itself, once, when both sides open again within 15 s (CopyReport::warnings).

#include "common/progress.h"

#include <QString>
#include <QStringList>

namespace pairlens {

struct CopyReport
{
    qint64 pairs = 0;        // pairs copied
    qint64 trashed = 0;      // of them in the trash
    qint64 auditEntries = 0; // audit log entries copied (the copy's own entry not counted)
    bool cancelled = false;  // stopped through the progress; nothing was written
    QString error;           // one sentence; nothing was written
    QStringList warnings;    // e.g. that a lost connection made the copy start again
};

// Copies SOURCE (a dataset file or postgresql:// URL) to TARGET. Progress counts pairs.
CopyReport copyDataset(const QString &source, const QString &target, const Progress &progress = {});

} // namespace pairlens
