#pragma once

// Large writes that never hold the write lock for long and are still all-or-nothing.
//
// Deleting, restoring, purging or reviewing hundreds of thousands of pairs in one transaction
// would hold the dataset's write lock for seconds, and a recorder inserting meanwhile would time
// out. Such an operation is instead:
//   1. staged: the row ids it applies to go into write_op_rows, in chunks, under an op in state
//      'staging' (invisible to every reader; dropped when its process died before step 2);
//   2. committed: one short transaction turns the op to 'applying' and writes the audit entry.
//      This is the operation's commit point;
//   3. applied: chunks of the staged rows are changed, each in a transaction of ~20 ms, until
//      none is left; then the op is removed.
// A process killed during step 3 leaves an 'applying' op that the next writable open of the
// dataset finishes (recover()). Each chunk is idempotent, so two processes may both finish one.

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <optional>

namespace pairlens::writeops {

enum class Action
{
    Delete,  // to the trash as one batch (undo restores the batch)
    Restore, // out of the trash
    Purge,   // trashed pairs removed for good
    Review,  // review_status = value
};

struct Op
{
    Action action = Action::Delete;
    QString value;      // Delete: deleted_at; Review: the status number
    qint64 batch = 0;   // Delete: set by run() to the new batch number
    QString auditName;  // the audit log's action
    QJsonObject detail; // the audit log's detail (the batch is added for deletes)
};

// Returns up to `limit` matching row ids greater than `afterId`, ascending; an empty list ends the
// staging. Called outside any write transaction. Sets *error and returns nullopt on failure.
using IdSource = std::function<std::optional<QList<qint64>>(qint64 afterId, int limit, QString *error)>;
// Progress of the staging and the applying together; returning false before the commit point
// cancels the operation (nothing changes). Ignored after it.
using Progress = std::function<bool(qint64 done, qint64 total)>;

struct Result
{
    qint64 count = 0; // rows the operation changed
    bool cancelled = false;
    // Why applying stopped after the commit point (a full disk, say); empty when it finished. The
    // operation is recorded and completes at the next writable open (recover()).
    QString applyError;
};

// Runs an operation over the ids `source` yields. Returns nullopt with *error set when it failed
// before its commit point (nothing changed). After the commit point it reports success even when
// applying stopped on an error: the operation then completes at the next open (recover()).
std::optional<Result> run(QSqlDatabase &db, Op &op, const IdSource &source, QString *error,
                          const Progress &progress = {});

// Finishes every committed operation left by a process that stopped while applying it, and drops
// the staged rows of operations whose process died before their commit point. Cheap when there is
// nothing to do (one read of a small table). Returns the number of operations finished or dropped.
int recover(QSqlDatabase &db, QString *error);

// How many operations are pending (committed but not fully applied), for tests and status.
int pendingCount(QSqlDatabase &db);

} // namespace pairlens::writeops
