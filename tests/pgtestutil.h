// What the PostgreSQL tests share: the throwaway server of the pg_cluster CTest fixture
// (tests/CMakeLists.txt, scripts/pg-cluster.sh) and psql, run as a recorder or an admin would.
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QString>
#include <QThread>

namespace pairlens::test {

// A file's text without its surrounding white space; empty when it cannot be read.
inline QString readTrimmed(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).trimmed();
}

// The fixture's server: the URL of its owner role and of its read-only role (empty when the
// fixture did not run).
struct PgServer
{
    QString owner, readOnly;
    bool found() const { return !owner.isEmpty() && !readOnly.isEmpty(); }
};

inline PgServer pgServer()
{
    const QString dir = qEnvironmentVariable("PAIRLENS_PG_DIR");
    return {readTrimmed(dir + QStringLiteral("/url")), readTrimmed(dir + QStringLiteral("/url-readonly"))};
}

// A schema name of its own for one run of a test, e.g. t_cli_0a1b2c3d.
inline QString uniqueSchema(const QString &prefix)
{
    return QStringLiteral("%1_%2").arg(prefix).arg(QRandomGenerator::global()->generate(), 8, 16,
                                                   QChar(u'0'));
}

#ifdef PAIRLENS_PSQL
// Runs SQL through psql (a separate process, not PairLens); its output, or "psql failed: ...".
inline QString psql(const QString &url, const QString &sql)
{
    QProcess p;
    p.start(QStringLiteral(PAIRLENS_PSQL),
            {url, QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-tA"), QStringLiteral("-v"),
             QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-c"), sql});
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QStringLiteral("psql failed: ") + QString::fromUtf8(p.readAllStandardError());
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

// Waits (up to 30 s) until a backend of the server at `url` (other than backend `other`) waits for
// the advisory lock `key` (a test holds a write or a read at a row with it, then ends that backend;
// the key keeps tests that run at once apart); its pid, empty when none came.
inline QString advisoryWaiter(const QString &url, int key, const QString &other = QStringLiteral("0"))
{
    QElapsedTimer t;
    t.start();
    for (;;) {
        const QString pid =
            psql(url, QStringLiteral("SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' "
                                     "AND NOT granted AND objid = %1 AND pid <> %2")
                          .arg(key)
                          .arg(other));
        if (pid.startsWith(QStringLiteral("psql failed")))
            return {};
        if (!pid.isEmpty() || t.elapsed() > 30000)
            return pid;
        QThread::msleep(50);
    }
}

// A psql session reading its statements from a pipe (send()), so that a transaction stays open
// between them without a statement running; ended (its open transaction rolled back) by finish().
class PsqlSession
{
public:
    explicit PsqlSession(const QString &url)
    {
        m_psql.start(QStringLiteral(PAIRLENS_PSQL),
                     {url, QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-tA"),
                      QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1")});
        m_psql.waitForStarted();
    }
    ~PsqlSession() { finish(QByteArrayLiteral("ROLLBACK;\n")); }
    void send(const QByteArray &statements) { m_psql.write(statements); }
    // True once the output holds `marker` (false when psql failed or took longer than `ms`).
    bool waitFor(const QByteArray &marker, int ms = 30000)
    {
        QElapsedTimer t;
        t.start();
        while (!m_out.contains(marker) && m_psql.state() == QProcess::Running && t.elapsed() < ms) {
            m_psql.waitForReadyRead(100);
            m_out += m_psql.readAllStandardOutput();
        }
        return m_out.contains(marker);
    }
    // Sends `last`, ends the session and waits for psql to exit; its exit code (-1 when it did not).
    int finish(const QByteArray &last = {})
    {
        if (m_psql.state() == QProcess::NotRunning)
            return m_psql.exitStatus() == QProcess::NormalExit ? m_psql.exitCode() : -1;
        m_psql.write(last + "\\q\n");
        m_psql.closeWriteChannel();
        if (!m_psql.waitForFinished(30000)) {
            m_psql.kill();
            return -1;
        }
        return m_psql.exitStatus() == QProcess::NormalExit ? m_psql.exitCode() : -1;
    }
    QByteArray errors() { return m_psql.readAllStandardError(); }

private:
    QProcess m_psql;
    QByteArray m_out;
};

// Advisory lock `key` held by a psql session of its own until destroyed (a test's gate: a trigger or
// a row-level security policy waits for it at one row). held() says whether it was taken.
class AdvisoryLock
{
public:
    AdvisoryLock(const QString &url, int key) : m_session(url)
    {
        m_session.send(QStringLiteral("SELECT 'locked' FROM pg_advisory_lock(%1);\n").arg(key).toUtf8());
        m_held = m_session.waitFor(QByteArrayLiteral("locked"));
    }
    bool held() const { return m_held; }

private:
    PsqlSession m_session;
    bool m_held = false;
};

// Ends the backend that advisoryWaiter() finds waiting for `key` (other than `other`); its pid,
// empty when none came or it could not be ended.
inline QString endAdvisoryWaiter(const QString &url, int key, const QString &other = QStringLiteral("0"))
{
    const QString pid = advisoryWaiter(url, key, other);
    if (pid.isEmpty() ||
        psql(url, QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)) != QStringLiteral("t"))
        return {};
    return pid;
}

// Another session that holds `table` locked (ACCESS EXCLUSIVE, in an open transaction) from its
// start until release() or its end: every statement that reads the table waits meanwhile.
class TableLock
{
public:
    // `mode`: ACCESS SHARE holds the table as a reader's open transaction does (only a change of its
    // structure, such as DROP INDEX, waits).
    TableLock(const QString &url, const QString &table,
              const QString &mode = QStringLiteral("ACCESS EXCLUSIVE"))
        : m_session(url)
    {
        m_session.send(
            QStringLiteral("BEGIN; LOCK TABLE %1 IN %2 MODE; SELECT 'locked';\n").arg(table, mode).toUtf8());
    }
    // True once the lock is held (false when psql failed or took longer than `ms`).
    bool held(int ms = 30000) { return m_session.waitFor("locked", ms); }
    void release() { m_session.finish("ROLLBACK;\n"); }

private:
    PsqlSession m_session;
};

// The definitions of the two indexes a bulk load or a copy into a new schema builds after its pairs
// (pairs_live_ts, pairs_search), in that order, " | " between, the schema's name left out.
inline QString bulkIndexDefinitions(const QString &url, const QString &schema)
{
    return psql(url,
                QStringLiteral("SELECT string_agg(replace(indexdef, '%1.', ''), ' | ' ORDER BY indexname) "
                               "FROM pg_indexes WHERE schemaname = '%1' AND indexname IN "
                               "('pairs_search', 'pairs_live_ts')")
                    .arg(schema));
}

// How many sessions wait for a lock on `table` (a statement stuck behind TableLock).
inline int waitingOn(const QString &url, const QString &table)
{
    return psql(url, QStringLiteral(
                         "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '%1'::regclass")
                         .arg(table))
        .toInt();
}
#endif

} // namespace pairlens::test
