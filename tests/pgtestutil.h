// What the PostgreSQL tests share: the throwaway server of the pg_cluster CTest fixture
// (tests/CMakeLists.txt, scripts/pg-cluster.sh) and psql, run as a recorder or an admin would.
#pragma once

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QString>

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
#endif

} // namespace pairlens::test
