#include "stats/sqliteaggregate.h"

#include <QFileInfo>
#include <QHash>
#include <QSqlDriver>
#include <QThread>
#include <QVariant>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;

namespace pairlens::stats {
namespace {

constexpr const char *kFunction = "pairlens_stats";
constexpr int kArguments = 11;
// A parallel scan splits the live pairs into this many ts ranges; each thread takes the next range
// when it is done with one, so an uneven spread of the pairs over time evens out.
constexpr int kChunks = 16;
// Smaller dataset files are scanned on the dataset's connection: opening others costs more than it
// saves.
constexpr qint64 kOwnConnectionBytes = qint64(8) << 20;
constexpr int kMaxThreads = 4;
// 2M execution times: 16 MB, and less than 32 MB with the threads' parts before they are merged.
constexpr int kTimeLimit = 2'000'000;

thread_local ScanReport t_lastScan;

QString selectStats()
{
    return u"SELECT pairlens_stats(p.query_type, p.database_type, p.database_name, p.success, "
           "p.review_status, p.pii_mask, p.ts, p.question_length, p.sql_length, p.execution_time_ms, "
           "p.table_names) FROM pairs p"_s;
}

void step(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    static_cast<StatsAccumulator *>(sqlite3_user_data(ctx))->add(argv);
}

void final(sqlite3_context *ctx)
{
    sqlite3_result_int64(ctx, static_cast<StatsAccumulator *>(sqlite3_user_data(ctx))->total());
}

int bindValue(sqlite3_stmt *s, int i, const QVariant &v)
{
    if (v.isNull())
        return sqlite3_bind_null(s, i);
    switch (v.typeId()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
        return sqlite3_bind_int64(s, i, v.toLongLong());
    case QMetaType::Double:
        return sqlite3_bind_double(s, i, v.toDouble());
    case QMetaType::QByteArray: {
        const QByteArray b = v.toByteArray();
        return sqlite3_bind_blob(s, i, b.constData(), int(b.size()), SQLITE_TRANSIENT);
    }
    default: {
        const QByteArray t = v.toString().toUtf8();
        return sqlite3_bind_text(s, i, t.constData(), int(t.size()), SQLITE_TRANSIENT);
    }
    }
}

// The first column of the first row, or an invalid QVariant (no row, or an error).
QVariant scalar(sqlite3 *db, const QString &sql, const QVariantList &bindings = {})
{
    sqlite3_stmt *s = nullptr;
    const QByteArray text = sql.toUtf8();
    QVariant result;
    if (sqlite3_prepare_v2(db, text.constData(), int(text.size()), &s, nullptr) == SQLITE_OK) {
        for (int i = 0; i < bindings.size(); ++i)
            bindValue(s, i + 1, bindings.at(i));
        if (sqlite3_step(s) == SQLITE_ROW) {
            if (sqlite3_column_type(s, 0) == SQLITE_INTEGER)
                result = sqlite3_column_int64(s, 0);
            else
                result = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(s, 0)),
                                           sqlite3_column_bytes(s, 0));
        }
    }
    sqlite3_finalize(s);
    return result;
}

// Changes whenever another connection has committed since this one's previous read transaction.
qint64 dataVersion(sqlite3 *db)
{
    const QVariant v = scalar(db, u"PRAGMA data_version"_s);
    return v.isValid() ? v.toLongLong() : -1;
}

// One statement of the scan: the rows of one ts range (or all of them).
struct Chunk
{
    QString sql;
    QVariantList bindings;
};

// One connection's part of the scan: the aggregate registered on it, folding into one accumulator.
class Scan
{
public:
    Scan(sqlite3 *db, StatsAccumulator *acc) : m_db(db), m_acc(acc) {}
    ~Scan()
    {
        for (sqlite3_stmt *s : std::as_const(m_statements))
            sqlite3_finalize(s);
        // The function refers to the accumulator: unregister it before it goes away.
        if (m_registered)
            sqlite3_create_function_v2(m_db, kFunction, kArguments, SQLITE_UTF8, nullptr, nullptr, nullptr,
                                       nullptr, nullptr);
    }
    Scan(const Scan &) = delete;
    Scan &operator=(const Scan &) = delete;

    bool run(const Chunk &chunk, int index, QString *error)
    {
        if (!m_registered) {
            if (sqlite3_create_function_v2(m_db, kFunction, kArguments, SQLITE_UTF8, m_acc, nullptr, step,
                                           final, nullptr) != SQLITE_OK)
                return fail(error);
            m_registered = true;
        }
        sqlite3_stmt *&s = m_statements[chunk.sql];
        if (!s) {
            const QByteArray sql = chunk.sql.toUtf8();
            if (sqlite3_prepare_v2(m_db, sql.constData(), int(sql.size()), &s, nullptr) != SQLITE_OK)
                return fail(error);
        }
        for (int i = 0; i < chunk.bindings.size(); ++i) {
            if (bindValue(s, i + 1, chunk.bindings.at(i)) != SQLITE_OK)
                return fail(error);
        }
        m_acc->beginChunk(index);
        const bool ok = sqlite3_step(s) == SQLITE_ROW;
        if (!ok)
            fail(error);
        sqlite3_reset(s);
        return ok;
    }

private:
    bool fail(QString *error) const
    {
        *error = QString::fromUtf8(sqlite3_errmsg(m_db));
        return false;
    }

    sqlite3 *m_db;
    StatsAccumulator *m_acc;
    bool m_registered = false;
    QHash<QString, sqlite3_stmt *> m_statements;
};

// The live pairs matching the filter as consecutive ts ranges, in index order: the pairs without
// ts (only without a date filter), then `count` ranges of equal length in time between the first
// and the last ts in range. Empty when the range can't be split (no pairs, timestamps that are not
// normalised, all at one instant).
QList<Chunk> planChunks(sqlite3 *db, const Filter &filter, int count)
{
    Filter rest = filter;
    rest.from = QDateTime();
    rest.to = QDateTime();
    const SqlCondition c = buildCondition(rest);
    const QString from = filter.from.isValid() ? normalisedTimestamp(filter.from) : QString();
    const QString to = filter.to.isValid() ? normalisedTimestamp(filter.to) : QString();
    auto edge = [&](const char *order) {
        QString sql =
            u"SELECT p.ts FROM pairs p INDEXED BY pairs_stats WHERE p.deleted = 0 AND p.query_type IS NOT NULL AND p.ts "_s +
            (from.isEmpty() ? u"> ?"_s : u">= ?"_s);
        QVariantList b{from};
        if (!to.isEmpty()) {
            sql += u" AND p.ts <= ?"_s;
            b << to;
        }
        return scalar(db, sql + u" ORDER BY p.ts "_s + QLatin1String(order) + u" LIMIT 1"_s, b).toString();
    };
    const QString first = edge("ASC"), last = edge("DESC");
    const QDateTime t0 = QDateTime::fromString(first, Qt::ISODateWithMs);
    const QDateTime t1 = QDateTime::fromString(last, Qt::ISODateWithMs);
    if (!t0.isValid() || !t1.isValid() || t1 <= t0)
        return {};
    QStringList bounds; // between the ranges
    const qint64 span = t0.msecsTo(t1);
    for (int k = 1; k < count; ++k) {
        const QString b = normalisedTimestamp(t0.addMSecs(span * k / count));
        if (b > (bounds.isEmpty() ? first : bounds.last()))
            bounds << b;
    }
    if (bounds.isEmpty())
        return {};
    const QString head = selectStats() + u" INDEXED BY pairs_stats WHERE ("_s + c.where + u")"_s;
    QList<Chunk> chunks;
    if (from.isEmpty() && to.isEmpty())
        chunks.append({head + u" AND p.ts IS NULL"_s, c.bindings});
    for (qsizetype k = 0; k <= bounds.size(); ++k) {
        Chunk chunk{head, c.bindings};
        const QString lower = k > 0 ? bounds.at(k - 1) : from;
        if (!lower.isEmpty()) {
            chunk.sql += u" AND p.ts >= ?"_s;
            chunk.bindings << lower;
        }
        if (k < bounds.size()) {
            chunk.sql += u" AND p.ts < ?"_s;
            chunk.bindings << bounds.at(k);
        } else if (!to.isEmpty()) {
            chunk.sql += u" AND p.ts <= ?"_s;
            chunk.bindings << to;
        }
        chunks.append(chunk);
    }
    return chunks;
}

// A read-only connection of a scan thread. It reads the file through a memory map instead of
// copying every page into a page cache of its own, and opens a read transaction: from its first
// read on, it sees one state of the dataset.
class ScanConnection
{
public:
    explicit ScanConnection(const QByteArray &file)
    {
        if (sqlite3_open_v2(file.constData(), &m_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
            SQLITE_OK)
            return;
        sqlite3_busy_timeout(m_db, 5000);
        sqlite3_exec(m_db,
                     "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536; PRAGMA mmap_size = 2147418112",
                     nullptr, nullptr, nullptr);
        m_open = sqlite3_exec(m_db, "BEGIN; SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) ==
                 SQLITE_OK;
    }
    ~ScanConnection()
    {
        if (m_open)
            sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
        sqlite3_close_v2(m_db);
    }
    ScanConnection(const ScanConnection &) = delete;
    ScanConnection &operator=(const ScanConnection &) = delete;

    sqlite3 *handle() const { return m_open ? m_db : nullptr; }

private:
    sqlite3 *m_db = nullptr;
    bool m_open = false;
};

// What the threads of a parallel scan share.
struct Shared
{
    std::mutex mutex;
    std::condition_variable changed;
    int arrived = 0; // workers that have opened their connection (or failed to)
    bool decided = false;
    bool go = false; // every open connection reads the same state: scan
    QList<Chunk> chunks;
    std::atomic<int> next{0};
    std::atomic_bool failed{false};
    QString error; // the first one
    const Progress *progress = nullptr;
};

// Scans chunks until none is left, one failed or the progress asked to stop.
void takeChunks(Shared &shared, Scan &scan)
{
    while (!shared.failed.load() && !shared.progress->isCancelled()) {
        const int i = shared.next.fetch_add(1);
        if (i >= shared.chunks.size())
            return;
        QString error;
        if (!scan.run(shared.chunks.at(i), i, &error)) {
            const std::lock_guard lock(shared.mutex);
            if (!shared.failed.exchange(true))
                shared.error = error;
            return;
        }
    }
}

void work(Shared &shared, const QByteArray &file, StatsAccumulator *acc)
{
    const ScanConnection connection(file);
    {
        std::unique_lock lock(shared.mutex);
        ++shared.arrived;
        shared.changed.notify_all();
        shared.changed.wait(lock, [&] { return shared.decided; });
    }
    if (connection.handle() && shared.go) {
        Scan scan(connection.handle(), acc);
        takeChunks(shared, scan);
    }
}

// The scan on connections of its own (`threads` of them, each on a thread of its own), all reading
// the state that `db` (in autocommit mode) then reads in the read transaction this begins
// (*readTransaction). With more than one chunk the threads take them in turn, else one connection
// runs `whole`. Returns false, with nothing scanned, when the state can't be shared (something was
// committed in between); the caller then scans on `db`.
bool scanOnOwnConnections(sqlite3 *db, const QByteArray &file, const QList<Chunk> &chunks, int threads,
                          const Progress &progress, StatsAccumulator *acc, QString *error, bool *cancelled,
                          bool *readTransaction)
{
    // The scan connections open their read transactions, then `db` opens its own. If the data
    // version of `db` is the same as before the scan connections began theirs, nothing was
    // committed in between and every connection reads the same state (SQLite's snapshot API, which
    // would say so directly, is not compiled into every libsqlite3).
    const qint64 before = dataVersion(db);
    Shared shared;
    shared.progress = &progress;
    std::vector<std::unique_ptr<StatsAccumulator>> parts;
    std::vector<std::thread> workers;
    for (int i = 1; i < threads && chunks.size() > 1; ++i) {
        // Each thread keeps its share of the execution times; whatever passes the limit drops them.
        const qint64 share = (acc->timeLimit() + threads - 1) / threads;
        parts.push_back(std::make_unique<StatsAccumulator>(share, acc->isOrdered()));
        try {
            workers.emplace_back(work, std::ref(shared), file, parts.back().get());
        } catch (const std::system_error &) { // no more threads: scan with the ones there are
            parts.pop_back();
            break;
        }
    }
    const ScanConnection own(file);
    {
        std::unique_lock lock(shared.mutex);
        shared.changed.wait(lock, [&] { return shared.arrived == int(workers.size()); });
    }
    *readTransaction = sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
    const qint64 after = dataVersion(db); // the first read of the transaction
    {
        const std::lock_guard lock(shared.mutex);
        shared.go = *readTransaction && before >= 0 && after == before;
        if (shared.go)
            shared.chunks = chunks;
        shared.decided = true;
        shared.changed.notify_all();
    }
    if (shared.go) {
        Scan scan(own.handle() ? own.handle() : db, acc); // `db` reads the same state too
        takeChunks(shared, scan);
    }
    for (std::thread &t : workers)
        t.join();
    if (!shared.go)
        return false;
    if (shared.failed) {
        *error = shared.error;
        return true;
    }
    if (progress.isCancelled()) {
        *cancelled = true;
        return true;
    }
    for (const auto &part : parts)
        acc->merge(*part);
    return true;
}

} // namespace

ScanReport lastScan()
{
    return t_lastScan;
}

bool namesPairs(const Filter &filter)
{
    return !ftsQuery(filter.search).isEmpty() || filter.restrictToRowIds || !filter.rowIds.isEmpty() ||
           !filter.pairIds.isEmpty();
}

int scanConnections(qint64 bytes, bool parallel)
{
    bool set = false;
    const int forced = qEnvironmentVariableIntValue("PAIRLENS_STATS_CONNECTIONS", &set);
    if (set && forced >= 0)
        return std::min(forced, parallel ? kMaxThreads : 1);
    if (bytes < kOwnConnectionBytes)
        return 0;
    return parallel ? std::clamp(QThread::idealThreadCount(), 1, kMaxThreads) : 1;
}

// How many execution times a scan keeps for exact percentiles (PAIRLENS_STATS_TIME_LIMIT sets it
// for tests); past it the caller takes them by ORDER BY + OFFSET, in constant memory.
static int timeLimit()
{
    bool set = false;
    const int forced = qEnvironmentVariableIntValue("PAIRLENS_STATS_TIME_LIMIT", &set);
    return set && forced >= 0 ? forced : kTimeLimit;
}

bool aggregateInOnePass(QSqlDatabase &db, const Filter &filter, const Progress &progress, Statistics *out,
                        QString *error, bool *cancelled, bool *readTransaction, bool *percentiles)
{
    *readTransaction = false;
    *percentiles = false;
    if (!db.driver() || db.driverName() != u"QSQLITE"_s)
        return false;
    const QVariant handle = db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return false;
    sqlite3 *sqlite = *static_cast<sqlite3 *const *>(handle.constData());
    if (!sqlite)
        return false;

    // Without ANALYZE data SQLite tends to scan a small non-covering index and look every row up
    // in the table; the covering pairs_stats index (live pairs only) is the right one, unless the
    // filter names the pairs (a full-text search, a selection): then the planner looks them up by
    // id, which beats testing every index entry against the list.
    const bool indexed =
        filter.scope == Filter::Scope::Live && !namesPairs(filter) &&
        scalar(sqlite, u"SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'pairs_stats'"_s)
            .isValid();
    const SqlCondition c = buildCondition(filter);
    const Chunk whole{selectStats() + (indexed ? u" INDEXED BY pairs_stats"_s : QString()) + u" WHERE "_s +
                          c.where,
                      c.bindings};
    // A large dataset is scanned on connections of its own: in parallel over ts ranges of the
    // index, and through a memory map, leaving the page cache of the dataset's connection alone.
    const bool autocommit = sqlite3_get_autocommit(sqlite) != 0;
    const char *file = sqlite3_db_filename(sqlite, "main");
    const int connections =
        autocommit && file && *file ? scanConnections(QFileInfo(QString::fromUtf8(file)).size(), indexed) : 0;

    StatsAccumulator acc(timeLimit(), indexed);
    bool scanned = false;
    t_lastScan = {};
    if (connections > 0) {
        QList<Chunk> chunks =
            indexed && connections > 1 ? planChunks(sqlite, filter, kChunks) : QList<Chunk>();
        if (chunks.isEmpty())
            chunks = {whole};
        scanned = scanOnOwnConnections(sqlite, QByteArray(file), chunks, connections, progress, &acc, error,
                                       cancelled, readTransaction);
        if (scanned)
            t_lastScan = {chunks.size() > 1 ? connections : 1, int(chunks.size())};
        if (scanned && (!error->isEmpty() || *cancelled))
            return true;
    } else if (autocommit) {
        *readTransaction = sqlite3_exec(sqlite, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    if (!scanned) {
        t_lastScan = {0, 1};
        Scan scan(sqlite, &acc);
        if (!scan.run(whole, 0, error))
            return true;
    }
    acc.finish(out);
    *percentiles = acc.timesComplete();
    t_lastScan.percentiles = *percentiles;
    return true;
}

} // namespace pairlens::stats
