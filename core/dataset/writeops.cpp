#include "dataset/writeops.h"

#include "dataset/writetx.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pairlens::writeops {
namespace {

constexpr int kReadPage = 20000; // ids read per step of the staging, outside any lock
// The largest op applied in time order (its row ids are held in memory: 8 bytes each).
constexpr qint64 kTimeOrderLimit = 4000000;

QString actionName(Action a)
{
    switch (a) {
    case Action::Delete:
        return u"delete"_s;
    case Action::Restore:
        return u"restore"_s;
    case Action::Purge:
        return u"purge"_s;
    case Action::Review:
        return u"review"_s;
    }
    return {};
}

std::optional<Action> actionFromName(const QString &name)
{
    for (Action a : {Action::Delete, Action::Restore, Action::Purge, Action::Review})
        if (actionName(a) == name)
            return a;
    return std::nullopt;
}

QString nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString ownerTag()
{
    return u"%1:%2"_s.arg(QSysInfo::machineHostName()).arg(qint64(::getpid()));
}

// True when the process that staged an op can no longer commit it.
bool ownerIsGone(const QString &owner, const QString &createdAt)
{
    const qsizetype colon = owner.lastIndexOf(u':');
    const QString host = owner.left(colon);
    bool ok = false;
    const qint64 pid = owner.mid(colon + 1).toLongLong(&ok);
    if (host == QSysInfo::machineHostName() && ok && pid > 0) {
        if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
            return true;
        // A killed process that its parent has not reaped yet is a zombie: gone as well.
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (stat.open(QIODevice::ReadOnly)) {
            const QByteArray line = stat.readAll();
            const qsizetype close = line.lastIndexOf(')');
            return close > 0 && line.size() > close + 2 && line.at(close + 2) == 'Z';
        }
        return false;
    }
    // Another machine (a shared folder): give its process a day.
    const QDateTime created = QDateTime::fromString(createdAt, Qt::ISODateWithMs);
    return !created.isValid() || created.secsTo(QDateTime::currentDateTimeUtc()) > 24 * 3600;
}

QString idsJson(const QList<qint64> &ids, qsizetype from, qsizetype to)
{
    QString out;
    out.reserve((to - from) * 8 + 2);
    out += u'[';
    for (qsizetype i = from; i < to; ++i) {
        if (i > from)
            out += u',';
        out += QString::number(ids.at(i));
    }
    out += u']';
    return out;
}

bool fail(QString *error, const QSqlQuery &q)
{
    if (error)
        *error = q.lastError().text();
    return false;
}

// The staged rows of an op that a chunk applies: the next `limit` in row id order, or those of
// `listed` (a JSON array of row ids) that are still staged. Only staged rows are ever applied, in
// the transaction that removes them from the staging: a row that another process applied (and
// that a later op may have changed again since) is left alone.
struct ChunkRows
{
    int limit = 0;
    QString listed;

    QString select() const
    {
        return listed.isNull()
                   ? u"SELECT pair FROM write_op_rows WHERE op = ? ORDER BY pair LIMIT ?"_s
                   : u"SELECT pair FROM write_op_rows WHERE op = ? AND pair IN (SELECT value FROM json_each(?))"_s;
    }
    void bind(QSqlQuery &q, qint64 opId) const
    {
        q.addBindValue(opId);
        if (listed.isNull())
            q.addBindValue(limit);
        else
            q.addBindValue(listed);
    }
};

// Applies one chunk of an op's staged rows inside a write transaction: *changed rows changed,
// *taken staged rows consumed. When a chunk in row id order finds nothing left, the op is removed.
// False on error.
bool applyChunk(QSqlDatabase &db, qint64 opId, Action action, const QString &value, qint64 batch,
                const ChunkRows &rows, qint64 *changed, qint64 *taken, qint64 *heldMs, QString *error)
{
    WriteTransaction tx(db);
    if (!tx.begin(error))
        return false;
    QSqlQuery q(db);
    const QString staged = rows.select();
    switch (action) {
    case Action::Delete:
        q.prepare(
            u"UPDATE pairs SET deleted = 1, deleted_at = ?, delete_batch = ? WHERE deleted = 0 AND id IN ("_s +
            staged + u")"_s);
        q.addBindValue(value);
        q.addBindValue(batch);
        break;
    case Action::Restore:
        q.prepare(u"UPDATE pairs SET deleted = 0, deleted_at = NULL, delete_batch = NULL "
                  "WHERE deleted = 1 AND id IN ("_s +
                  staged + u")"_s);
        break;
    case Action::Purge:
        q.prepare(u"DELETE FROM pairs WHERE deleted = 1 AND id IN ("_s + staged + u")"_s);
        break;
    case Action::Review:
        q.prepare(u"UPDATE pairs SET review_status = ? WHERE id IN ("_s + staged + u")"_s);
        q.addBindValue(value.toInt());
        break;
    }
    rows.bind(q, opId);
    if (!q.exec())
        return fail(error, q);
    *changed = std::max(0, q.numRowsAffected());
    q.prepare(u"DELETE FROM write_op_rows WHERE op = ? AND pair IN ("_s + staged + u")"_s);
    q.addBindValue(opId);
    rows.bind(q, opId);
    if (!q.exec())
        return fail(error, q);
    *taken = q.numRowsAffected();
    if (*taken == 0 && rows.listed.isNull()) {
        q.prepare(u"DELETE FROM write_ops WHERE id = ?"_s);
        q.addBindValue(opId);
        if (!q.exec())
            return fail(error, q);
    }
    *heldMs = tx.heldMs();
    return tx.commit(error);
}

// The op's staged rows in the order of their pairs' times, read outside the lock; empty for a
// purge, an op of more than kTimeOrderLimit rows, or when the read fails (the rows are then applied
// in row id order). Eight of a pair's indexes lead with its time, or with a column of few values and
// then its time (pairs_ts, pairs_stats, the six (column, ts) ones), so rows close in time share
// their pages: a chunk of them dirties a few pages of each, where a chunk in row id order, random in
// time when the pairs were not added in time order (a shuffled file, the demo), dirties a page per
// row in each. Every dirty page goes to the WAL at each COMMIT, and to the file again at the next
// checkpoint (docs/performance.md, "Deletes in time order").
QList<qint64> stagedInTimeOrder(QSqlDatabase &db, qint64 opId, Action action)
{
    QList<qint64> ids;
    if (action == Action::Purge) // the rows leave the table and the few indexes of the trash
        return ids;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT count(*) FROM write_op_rows WHERE op = ?"_s);
    q.addBindValue(opId);
    if (!q.exec() || !q.next() || q.value(0).toLongLong() > kTimeOrderLimit)
        return ids;
    ids.reserve(q.value(0).toLongLong());
    q.finish();
    q.prepare(u"SELECT w.pair FROM write_op_rows w JOIN pairs p ON p.id = w.pair WHERE w.op = ? "
              "ORDER BY p.ts, w.pair"_s);
    q.addBindValue(opId);
    if (!q.exec())
        return {};
    while (q.next())
        ids.append(q.value(0).toLongLong());
    if (q.lastError().isValid())
        return {};
    return ids;
}

// Applies every staged row of a committed op: first in time order (above), then whatever is still
// staged in row id order (rows the first pass did not list, or all of them), which also removes
// the op. Returns the rows changed, or -1 on error.
qint64 applyAll(QSqlDatabase &db, qint64 opId, Action action, const QString &value, qint64 batch,
                qint64 total, const Progress &progress, QString *error)
{
    ChunkSizer sizer;
    // Each chunk rewrites its rows and their entries in up to 13 indexes: a checkpoint per COMMIT
    // copied the same index pages into the file again and again (writetx.h), and the gaps are left
    // out while no one else writes.
    ChunkCheckpoints checkpoints(db);
    LockPacer pacer(db);
    const QList<qint64> ordered = stagedInTimeOrder(db, opId, action);
    qsizetype next = 0;
    qint64 changed = 0, done = 0;
    while (true) {
        ChunkRows rows;
        rows.limit = sizer.size();
        if (next < ordered.size()) {
            const qsizetype to = std::min<qsizetype>(ordered.size(), next + rows.limit);
            rows.listed = idsJson(ordered, next, to);
            next = to;
        }
        qint64 n = 0, taken = 0, held = 0;
        if (!applyChunk(db, opId, action, value, batch, rows, &n, &taken, &held, error))
            return -1;
        if (taken == 0 && rows.listed.isNull())
            break;
        changed += n;
        done += taken;
        sizer.record(int(taken), held); // nothing when another process took the listed rows
        pacer.pause(held, &checkpoints);
        if (progress)
            progress(std::min(done, total), total);
    }
    return changed;
}

// Applies every committed operation in commit order (all of them, or those committed before
// operation `beforeOp` when it is given). Ops of processes still applying them are applied too:
// applying is idempotent chunk by chunk, and an op's effect must be in place before any later
// op's, whoever applies it. Returns the rows changed, or -1 on error.
qint64 applyCommitted(QSqlDatabase &db, qint64 beforeOp, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (beforeOp > 0) {
        q.prepare(u"SELECT id, action, value, batch FROM write_ops WHERE state = 'applying' AND id <> ? "
                  "AND seq < (SELECT seq FROM write_ops WHERE id = ?) ORDER BY seq"_s);
        q.addBindValue(beforeOp);
        q.addBindValue(beforeOp);
    } else {
        q.prepare(u"SELECT id, action, value, batch FROM write_ops WHERE state = 'applying' ORDER BY seq"_s);
    }
    if (!q.exec()) {
        fail(error, q);
        return -1;
    }
    struct Committed
    {
        qint64 id;
        QString action, value;
        qint64 batch;
    };
    QList<Committed> ops;
    while (q.next())
        ops.append(
            {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong()});
    if (q.lastError().isValid()) { // a step failed: not the end of the rows
        fail(error, q);
        return -1;
    }
    q.finish();
    qint64 changed = 0;
    for (const Committed &c : ops) {
        const std::optional<Action> action = actionFromName(c.action);
        if (!action)
            continue;
        const qint64 n = applyAll(db, c.id, *action, c.value, c.batch, 0, {}, error);
        if (n < 0)
            return -1;
        changed += n;
    }
    return changed;
}

// Removes an op that never reached its commit point, with its staged rows, in short transactions.
bool dropStaged(QSqlDatabase &db, qint64 opId, QString *error)
{
    ChunkSizer sizer(2000);
    while (true) {
        WriteTransaction tx(db);
        if (!tx.begin(error))
            return false;
        QSqlQuery q(db);
        q.prepare(u"DELETE FROM write_op_rows WHERE op = ? AND pair IN (SELECT pair FROM write_op_rows "
                  "WHERE op = ? ORDER BY pair LIMIT ?)"_s);
        q.addBindValue(opId);
        q.addBindValue(opId);
        q.addBindValue(sizer.size());
        if (!q.exec())
            return fail(error, q);
        const qint64 n = q.numRowsAffected();
        if (n == 0) {
            q.prepare(u"DELETE FROM write_ops WHERE id = ? AND state = 'staging'"_s);
            q.addBindValue(opId);
            if (!q.exec())
                return fail(error, q);
        }
        if (!tx.commit(error))
            return false;
        if (n == 0)
            return true;
    }
}

} // namespace

std::optional<Result> run(QSqlDatabase &db, Op &op, const IdSource &source, QString *error,
                          const Progress &progress)
{
    // 0. Operations committed earlier come first, so that the staging below reads the state they
    //    leave (a restore still being applied by a killed or live process, for instance).
    if (applyCommitted(db, 0, error) < 0)
        return std::nullopt;

    // 1. The op, with a new batch number for a delete (allocated under the write lock, so two
    //    processes never share one).
    qint64 opId = 0;
    {
        WriteTransaction tx(db);
        if (!tx.begin(error))
            return std::nullopt;
        QSqlQuery q(db);
        if (op.action == Action::Delete) {
            if (!q.exec(u"SELECT max(coalesce((SELECT max(delete_batch) FROM pairs WHERE delete_batch IS NOT "
                        u"NULL), 0), "
                        "coalesce((SELECT max(batch) FROM write_ops WHERE action = 'delete'), 0)) + 1"_s) ||
                !q.next()) {
                fail(error, q);
                return std::nullopt;
            }
            op.batch = q.value(0).toLongLong();
            q.finish();
        }
        q.prepare(u"INSERT INTO write_ops(action, state, value, batch, owner, created_at) "
                  "VALUES (?, 'staging', ?, ?, ?, ?)"_s);
        q.addBindValue(actionName(op.action));
        q.addBindValue(op.value);
        q.addBindValue(op.batch);
        q.addBindValue(ownerTag());
        q.addBindValue(nowIso());
        if (!q.exec()) {
            fail(error, q);
            return std::nullopt;
        }
        opId = q.lastInsertId().toLongLong();
        if (!tx.commit(error))
            return std::nullopt;
    }
    const auto dropOp = [&db, opId] {
        // Best effort: a leftover staging op is dropped by recover() once this process is gone.
        QString ignored;
        dropStaged(db, opId, &ignored);
    };

    // 2. Staging: ids are read outside the lock and written in short transactions.
    qint64 staged = 0;
    qint64 after = 0;
    ChunkSizer sizer(2000);
    while (true) {
        const std::optional<QList<qint64>> ids = source(after, kReadPage, error);
        if (!ids) {
            dropOp();
            return std::nullopt;
        }
        if (ids->isEmpty())
            break;
        after = ids->last();
        for (qsizetype from = 0; from < ids->size();) {
            const qsizetype to = std::min<qsizetype>(ids->size(), from + sizer.size());
            WriteTransaction tx(db);
            if (!tx.begin(error)) {
                dropOp();
                return std::nullopt;
            }
            QSqlQuery q(db);
            q.prepare(u"INSERT OR IGNORE INTO write_op_rows(op, pair) SELECT ?, value FROM json_each(?)"_s);
            q.addBindValue(opId);
            q.addBindValue(idsJson(*ids, from, to));
            if (!q.exec()) {
                fail(error, q);
                tx.rollback();
                dropOp();
                return std::nullopt;
            }
            const qint64 held = tx.heldMs();
            if (!tx.commit(error)) {
                dropOp();
                return std::nullopt;
            }
            sizer.record(int(to - from), held);
            yieldWriteLock(held);
            staged += to - from;
            from = to;
        }
        if (progress && !progress(staged, 0)) {
            dropOp();
            return Result{0, true};
        }
        if (ids->size() < kReadPage)
            break;
    }

    // 3. The commit point: the op becomes 'applying' together with its audit entry.
    {
        WriteTransaction tx(db);
        if (!tx.begin(error)) {
            dropOp();
            return std::nullopt;
        }
        QSqlQuery q(db);
        // seq orders committed operations: every process applies them in this order (see
        // applyCommitted), so a later operation's effect never lands before an earlier one's.
        q.prepare(u"UPDATE write_ops SET state = 'applying', "
                  "seq = (SELECT coalesce(max(seq), 0) + 1 FROM write_ops) WHERE id = ?"_s);
        q.addBindValue(opId);
        QJsonObject detail = op.detail;
        if (op.action == Action::Delete)
            detail.insert(u"batch"_s, op.batch);
        bool ok = q.exec();
        if (ok && !op.auditName.isEmpty()) {
            QSqlQuery a(db);
            a.prepare(u"INSERT INTO audit_log(at, action, pair_count, detail) VALUES (?, ?, ?, ?)"_s);
            a.addBindValue(nowIso());
            a.addBindValue(op.auditName);
            a.addBindValue(staged);
            a.addBindValue(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
            ok = a.exec();
            if (!ok)
                fail(error, a);
        } else if (!ok) {
            fail(error, q);
        }
        if (!ok) {
            tx.rollback();
            dropOp();
            return std::nullopt;
        }
        if (!tx.commit(error)) {
            dropOp();
            return std::nullopt;
        }
    }

    // 4. Applying. From here on the operation is done as far as the user is concerned. Operations
    //    committed before it (by processes still applying them, or killed) are applied first.
    QString applyError;
    qint64 changed = applyCommitted(db, opId, &applyError);
    if (changed >= 0)
        changed = applyAll(db, opId, op.action, op.value, op.batch, staged, progress, &applyError);
    // The operation's size is what it staged (the audit log says the same): another process's
    // open may finish chunks of it, so the rows this process changed itself can be fewer.
    Result r;
    r.count = staged;
    if (changed < 0)
        r.applyError = applyError.isEmpty() ? QStringLiteral("unknown error") : applyError;
    return r;
}

int recover(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT id, state, owner, created_at FROM write_ops ORDER BY id"_s)) {
        fail(error, q);
        return 0;
    }
    struct Pending
    {
        qint64 id;
        QString state, owner, createdAt;
    };
    QList<Pending> pending;
    while (q.next())
        pending.append(
            {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString()});
    q.finish();
    // Committed operations, in commit order: this open then sees every operation that was
    // committed before it, whether its process is alive, killed or a zombie not yet reaped.
    int handled = 0;
    for (const Pending &p : pending)
        handled += p.state == u"applying"_s ? 1 : 0;
    if (handled > 0 && applyCommitted(db, 0, error) < 0)
        return 0;
    for (const Pending &p : pending) {
        if (p.state == u"applying"_s)
            continue;
        // Staged by a process that died before the commit point: the operation never happened.
        if (ownerIsGone(p.owner, p.createdAt)) {
            if (!dropStaged(db, p.id, error))
                return handled;
            ++handled;
        }
    }
    return handled;
}

int pendingCount(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (q.exec(u"SELECT count(*) FROM write_ops WHERE state = 'applying'"_s) && q.next())
        return q.value(0).toInt();
    return 0;
}

} // namespace pairlens::writeops
