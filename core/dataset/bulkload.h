#pragma once

// A large import into a dataset that does not exist yet, at the speed of one writer with no
// readers. The pairs go into a new file beside the target (`TARGET.importing-PID`) that no other
// program knows of: without the secondary indexes, the full-text index and pair_tables, in large
// transactions with no journal. finish() then builds those once (sorting beats inserting 1M
// entries at random places), turns the file to WAL and renames it to the target, refusing to
// replace a file that appeared there meanwhile. Until that rename the target does not exist: a
// process killed during a bulk load leaves no dataset (the next bulk load beside it removes the
// abandoned file), never a half-built one.
//
// SQLite-specific: a PostgreSQL backend would COPY into the real tables instead.

#include "dataset/dataset.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace pairlens {

class BulkLoad
{
public:
    // True when `location` names a dataset file that does not exist (a bulk load can create it).
    static bool canCreate(const QString &location);

    // Creates the temporary dataset; nullptr with one sentence in *error on failure.
    static std::unique_ptr<BulkLoad> begin(const QString &location, QString *error);
    ~BulkLoad(); // without finish(): removes the temporary file

    BulkLoad(const BulkLoad &) = delete;
    BulkLoad &operator=(const BulkLoad &) = delete;

    // The temporary dataset to add the pairs to (PairStore::setBulkLoad(true) on its store).
    Dataset &dataset() { return *m_dataset; }
    QString temporaryPath() const { return m_temp; }

    // Builds the indexes, the full-text index and pair_tables, and moves the file to the target.
    // Close every PairStore and connection of dataset() first except the one given back here.
    // Returns false with one sentence in *error (the temporary file is then removed).
    bool finish(QString *error);

    // The name of the temporary file for a target (exposed for tests).
    static QString temporaryPathFor(const QString &location, qint64 pid);

private:
    BulkLoad() = default;
    bool dropIndexes(QString *error);
    bool buildIndexes(QString *error);
    void discard();

    std::unique_ptr<Dataset> m_dataset;
    QString m_location;
    QString m_temp;
    QStringList m_indexes; // CREATE INDEX statements dropped by begin(), run again by finish()
    bool m_finished = false;
};

} // namespace pairlens
