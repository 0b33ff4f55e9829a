#include "dataset/bulkload.h"

#include "dataset/bulktext.h"
#include "dataset/schema.h"
#include "dataset/writetx.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#ifdef __linux__
#include <fcntl.h>
#endif

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("BulkLoad", text);
}

// Threads for SQLite's sorter while the indexes are built (PRAGMA threads: helpers beside the
// connection's own). One on a machine with two or more cores: three indexes of 1M pairs took 5.5 s
// and 71 MB with it against 6.7 s and 38 MB without, on a quiet 2-core machine (with the other core
// busy it gains nothing). PAIRLENS_BULK_SORT_THREADS overrides it (0: none).
int bulkSortThreads()
{
    bool set = false;
    const int forced = qEnvironmentVariableIntValue("PAIRLENS_BULK_SORT_THREADS", &set);
    if (set)
        return std::clamp(forced, 0, 4);
    return QThread::idealThreadCount() >= 2 ? 1 : 0;
}

void removeWithCompanions(const QString &path)
{
    for (const QString &suffix : {u"-wal"_s, u"-shm"_s, u"-journal"_s, u"-text"_s, QString()})
        QFile::remove(path + suffix);
}

// Temporary files of bulk loads into `location` whose process is gone (killed mid-load).
void removeAbandoned(const QString &location)
{
    const QFileInfo target(location);
    const QString prefix = target.fileName() + u".importing-"_s;
    const QDir dir = target.absoluteDir();
    for (const QString &name : dir.entryList({prefix + u"*"_s}, QDir::Files | QDir::Hidden)) {
        bool ok = false;
        const qint64 pid = QStringView(name).mid(prefix.size()).toLongLong(&ok);
        if (!ok || pid <= 0) // a -wal, -shm or -journal: removed with its file
            continue;
        if (::kill(pid_t(pid), 0) == -1 && errno == ESRCH)
            removeWithCompanions(dir.filePath(name));
    }
}

// Moves `from` to `to` unless `to` exists (then false with errno EEXIST).
bool renameNoReplace(const QString &from, const QString &to)
{
    const QByteArray f = QFile::encodeName(from), t = QFile::encodeName(to);
#if defined(__linux__) && defined(RENAME_NOREPLACE)
    if (::renameat2(AT_FDCWD, f.constData(), AT_FDCWD, t.constData(), RENAME_NOREPLACE) == 0)
        return true;
    if (errno != EINVAL && errno != ENOSYS) // a file system without RENAME_NOREPLACE: link below
        return false;
#endif
    if (::link(f.constData(), t.constData()) != 0)
        return false;
    ::unlink(f.constData());
    return true;
}

bool exec(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    *error = q.lastError().text();
    return false;
}

} // namespace

QString BulkLoad::temporaryPathFor(const QString &location, qint64 pid)
{
    return location + u".importing-%1"_s.arg(pid);
}

bool BulkLoad::canCreate(const QString &location)
{
    return !location.isEmpty() && !location.startsWith(u"postgres"_s) && !QFileInfo::exists(location);
}

std::unique_ptr<BulkLoad> BulkLoad::begin(const QString &location, QString *error)
{
    std::unique_ptr<BulkLoad> load(new BulkLoad);
    load->m_location = location;
    load->m_temp = temporaryPathFor(location, qint64(::getpid()));
    removeAbandoned(location);
    removeWithCompanions(load->m_temp); // our own pid's: a leftover of a process long gone
    load->m_dataset = Dataset::open(load->m_temp, Dataset::Mode::OpenOrCreate, error);
    if (!load->m_dataset) {
        error->replace(load->m_temp, location);
        removeWithCompanions(load->m_temp);
        return nullptr;
    }
    // Nobody else knows this file: no journal (a failure discards the whole file), no syncing, and
    // sorts for the indexes spill to temporary files instead of memory (bounded by the page cache).
    QSqlDatabase &db = load->m_dataset->db();
    QString sqlError;
    if (!exec(db, u"PRAGMA journal_mode = OFF"_s, &sqlError) ||
        !exec(db, u"PRAGMA synchronous = OFF"_s, &sqlError) ||
        !exec(db, u"PRAGMA temp_store = FILE"_s, &sqlError) || !load->dropIndexes(&sqlError)) {
        *error =
            load->m_dataset->failureMessage(Dataset::Access::Write, sqlError).replace(load->m_temp, location);
        return nullptr; // the destructor removes the file
    }
    return load;
}

BulkLoad::~BulkLoad()
{
    if (!m_finished)
        discard();
}

void BulkLoad::discard()
{
    m_dataset.reset();
    removeWithCompanions(m_temp);
}

bool BulkLoad::dropIndexes(QString *error)
{
    // Every secondary index of pairs and pair_tables except the ones inserts need or never touch:
    // the pair_id index (its UNIQUE constraint: no `sql`), and the partial indexes no new row
    // enters (imported rows are analysed and live): pairs_underived, pairs_trash and
    // pairs_delete_batch. Building those afterwards scanned the whole table for nothing (~0.2 s
    // each on 1M pairs).
    QSqlDatabase &db = m_dataset->db();
    QSqlQuery q(db);
    QStringList names;
    if (!q.exec(u"SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('pairs', 'pair_tables') "
                "AND name NOT IN ('pairs_underived', 'pairs_trash', 'pairs_delete_batch') ORDER BY name"_s)) {
        *error = q.lastError().text();
        return false;
    }
    while (q.next()) {
        names << q.value(0).toString();
        m_indexes << q.value(1).toString();
    }
    q.finish();
    WriteTransaction tx(db);
    if (!tx.begin(error))
        return false;
    for (const QString &name : names) {
        if (!exec(db, u"DROP INDEX \"%1\""_s.arg(name), error))
            return false;
    }
    return tx.commit(error);
}

bool BulkLoad::buildIndexes(QString *error)
{
    // PAIRLENS_TRACE_BULK=1 prints the time of each step on stderr (for the benchmarks).
    static const bool trace = qEnvironmentVariableIntValue("PAIRLENS_TRACE_BULK") == 1;
    QElapsedTimer clock;
    clock.start();
    const auto step = [&](const char *what) {
        if (trace)
            std::fprintf(stderr, "bulk load: %s %lld ms\n", what, static_cast<long long>(clock.restart()));
    };
    QSqlDatabase &db = m_dataset->db();
    // A 16 MiB page cache, which also bounds each sort's memory: measured on 1M pairs, the SQL index
    // took 2.4 s and 37 MB with it, 4.1 s and 137 MB with 64 MiB (smaller runs sort within the CPU's
    // caches). The sorter's helper thread: bulkSortThreads().
    if (!exec(db, u"PRAGMA cache_size = -16384"_s, error))
        return false;
    // The full-text index and pair_tables are built on a worker meanwhile (bulktext.h).
    BulkTextBuild text(m_temp, BulkTextBuild::sideFileFor(m_temp));
    const auto onPairTables = [](const QString &sql) { return sql.contains(u" ON pair_tables"_s); };
    {
        WriteTransaction tx(db);
        if (!tx.begin(error) || !exec(db, u"PRAGMA threads = %1"_s.arg(bulkSortThreads()), error))
            return false;
        for (const QString &sql : std::as_const(m_indexes)) {
            if (onPairTables(sql))
                continue; // built once pair_tables is filled, below
            if (!exec(db, sql, error))
                return false;
            step(qPrintable(sql.section(u' ', 2, 2)));
        }
        if (!exec(db, u"PRAGMA threads = 0"_s, error) || !tx.commit(error))
            return false;
    }
    QString textError;
    const bool built = text.wait(&textError);
    step("full-text index and pair_tables: the rest of the worker's time");
    if (built &&
        !exec(db, u"ATTACH '%1' AS side"_s.arg(BulkTextBuild::sideFileFor(m_temp).replace(u'\'', u"''"_s)),
              error))
        return false;
    // Foreign keys off while pair_tables is copied (every pair it names is in pairs): with them on,
    // each row looked its pair up (1M pairs: 1.5 s), and SQLite's copy of whole pages could not
    // be used. (PRAGMA foreign_keys does nothing inside a transaction.)
    if (!exec(db, u"PRAGMA foreign_keys = OFF"_s, error))
        return false;
    WriteTransaction tx(db);
    if (!tx.begin(error))
        return false;
    if (built) {
        for (const QString &sql : BulkTextBuild::copyStatements()) {
            if (!exec(db, sql, error))
                return false;
            step(qPrintable(sql.section(u' ', 0, 2)));
        }
    } else {
        // In place, as before the worker (its failure is no reason to fail the import). FTS5 writes
        // a segment each time its pending terms pass 'hashsize' (1 MiB by default) and merges them
        // as it goes: with 16 MiB the full-text index of 300k demo pairs took 0.55 s instead of
        // 0.77-0.83 s. The setting is stored in pairs_fts_config, so it is removed again: the
        // dataset is left as the ordinary path writes it.
        if (trace)
            std::fprintf(stderr, "bulk load: full-text index built in place (%s)\n", qPrintable(textError));
        if (!exec(db, u"INSERT INTO pairs_fts(pairs_fts, rank) VALUES ('hashsize', 16777216)"_s, error) ||
            !exec(db, schema::fullTextFill(u"pairs_fts"_s, u"pairs"_s, u"p.query_type IS NOT NULL"_s),
                  error) ||
            !exec(db, u"DELETE FROM pairs_fts_config WHERE k = 'hashsize'"_s, error) ||
            !exec(db, schema::pairTablesFill(u"pair_tables"_s, u"pairs"_s, u"p.table_names IS NOT NULL"_s),
                  error))
            return false;
    }
    step("full-text index and pair_tables copied");
    for (const QString &sql : std::as_const(m_indexes)) {
        if (!onPairTables(sql))
            continue;
        if (!exec(db, sql, error))
            return false;
        step(qPrintable(sql.section(u' ', 2, 2)));
    }
    if (!tx.commit(error) || !exec(db, u"PRAGMA foreign_keys = ON"_s, error))
        return false;
    if (built && !exec(db, u"DETACH side"_s, error))
        return false;
    QFile::remove(BulkTextBuild::sideFileFor(m_temp));
    return true;
}

bool BulkLoad::finish(QString *error)
{
    QString sqlError;
    const auto failed = [&] {
        *error = m_dataset ? m_dataset->failureMessage(Dataset::Access::Write, sqlError) : sqlError;
        error->replace(m_temp, m_location);
        discard();
        m_finished = true;
        return false;
    };
    if (!buildIndexes(&sqlError) || !exec(m_dataset->db(), u"PRAGMA journal_mode = WAL"_s, &sqlError))
        return failed();
    m_dataset.reset(); // the last connection: SQLite removes the -wal and -shm
    if (!renameNoReplace(m_temp, m_location)) {
        const int e = errno;
        sqlError = e == EEXIST ? tr("another program created it while the pairs were imported; nothing "
                                    "was changed")
                               : QString::fromLocal8Bit(std::strerror(e));
        *error = tr("Cannot create %1: %2.").arg(m_location, sqlError);
        discard();
        m_finished = true;
        return false;
    }
    removeWithCompanions(m_temp);
    m_finished = true;
    return true;
}

} // namespace pairlens
