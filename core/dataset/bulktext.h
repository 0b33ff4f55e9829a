#pragma once

// The full-text index and pair_tables of a bulk load, built on a worker thread while the bulk
// load's own connection builds the secondary indexes (bulkload.cpp), then copied in.
//
// Building them in place took a third of a bulk load's last step (1M pairs: 4.5 s of 14 s) on one
// core, while the index builds left the other one mostly idle. The worker reads the pairs through
// a connection of its own that opens the bulk load's file as immutable: the index builds only add
// index pages and schema entries, the table's pages stay as they are, and nothing else knows the
// file. It writes a contentless FTS5 table of the same columns and tokenizer (the shadow tables of
// an external-content table and of a contentless one hold the same index) and the rows of
// pair_tables into a side file, `TEMPORARY-text`, which the bulk load copies from and removes.

#include <QFuture>
#include <QString>
#include <QStringList>

namespace pairlens {

class BulkTextBuild
{
public:
    // Starts reading `source` (a bulk load's file, its pairs all written and committed) on a
    // worker thread, writing `sideFile`.
    BulkTextBuild(const QString &source, const QString &sideFile);
    ~BulkTextBuild(); // waits for the worker

    BulkTextBuild(const BulkTextBuild &) = delete;
    BulkTextBuild &operator=(const BulkTextBuild &) = delete;

    // Waits for the worker; false with SQLite's words in *error when it could not build them.
    bool wait(QString *error);

    // The statements that copy the side file's full-text index and pair_tables into the bulk
    // load's (attached as `side`; pairs_fts and pair_tables empty), in one transaction.
    static QStringList copyStatements();

    // The side file of a bulk load's temporary file.
    static QString sideFileFor(const QString &temporary) { return temporary + QStringLiteral("-text"); }

private:
    QFuture<QString> m_done; // SQLite's words when the build failed, else empty
};

} // namespace pairlens
