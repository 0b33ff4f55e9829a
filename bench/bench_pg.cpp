// PostgreSQL import throughput (issue 18): bench_pg URL [PAIRS]
// Generates PAIRS demo pairs (DemoGenerator, seed 42), adds them through PgStorage::addBatch
// (COPY FROM STDIN in batches of 10,000, ON CONFLICT by pair_id) into schema bench_pg, and as the
// reference loads the same seed fields with `psql -c "\copy ..."` into a plain table; prints both
// times and the ratio. URL: e.g. the fixture's, `scripts/pg-cluster.sh start /tmp/pgb` then /tmp/pgb/url.
#include "dataset/demogenerator.h"
#include "storage/pgstorage.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

using namespace pairlens;
using namespace Qt::StringLiterals;

static QString copyField(const QString &value)
{
    QString out = value;
    out.replace(u"\\"_s, u"\\\\"_s)
        .replace(u"\t"_s, u"\\t"_s)
        .replace(u"\n"_s, u"\\n"_s)
        .replace(u"\r"_s, u"\\r"_s);
    return out;
}

static bool psql(const QString &url, const QString &command)
{
    QProcess p;
    p.start(u"/usr/lib/postgresql/15/bin/psql"_s,
            {url, u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-c"_s, command});
    p.waitForFinished(-1);
    if (p.exitCode() != 0)
        std::fprintf(stderr, "psql: %s\n", p.readAllStandardError().constData());
    return p.exitCode() == 0;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_pg URL [PAIRS]\n");
        return 2;
    }
    const QString url = QString::fromLocal8Bit(argv[1]);
    const int count = argc > 2 ? std::atoi(argv[2]) : 200000;
    psql(url, u"DROP SCHEMA IF EXISTS bench_pg CASCADE"_s);

    DemoGenerator generator(42);
    const QList<Pair> pairs = generator.generate(count);

    QString error;
    auto storage = PgStorage::open(url + u"?schema=bench_pg"_s, &error);
    if (!storage) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    QElapsedTimer timer;
    timer.start();
    for (qsizetype i = 0; i < pairs.size(); i += 10000) {
        if (storage->addBatch(pairs.mid(i, 10000), &error) < 0) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
    }
    const double pairlensMs = double(timer.nsecsElapsed()) / 1e6;

    QTemporaryDir dir;
    const QString file = dir.filePath(u"pairs.copy"_s);
    {
        QFile f(file);
        if (!f.open(QIODevice::WriteOnly))
            return 1;
        for (const Pair &p : pairs) {
            const QStringList fields{
                copyField(p.pairId),
                copyField(p.naturalLanguageQuery),
                copyField(p.sqlQuery),
                copyField(p.timestamp),
                copyField(p.databaseType),
                copyField(p.databaseName),
                p.success ? u"1"_s : u"0"_s,
                p.executionTimeMs < 0 ? u"\\N"_s : QString::number(p.executionTimeMs, 'g', 17),
                copyField(QString::fromUtf8(QJsonDocument(p.metadata).toJson(QJsonDocument::Compact)))};
            f.write(fields.join(u'\t').toUtf8() + '\n');
        }
    }
    psql(url, u"CREATE TABLE bench_pg.reference (LIKE bench_pg.pairs INCLUDING DEFAULTS)"_s);
    timer.restart();
    if (!psql(url, u"\\copy bench_pg.reference (pair_id, natural_language_query, sql_query, timestamp, "
                   u"database_type, "
                   "database_name, success, execution_time_ms, metadata) FROM '%1'"_s.arg(file)))
        return 1;
    const double psqlMs = double(timer.nsecsElapsed()) / 1e6;
    std::printf("pairs                       %d (stored: %lld)\n", count, storage->count(&error));
    std::printf("PairLens addBatch (COPY)    %.0f ms  %.0f pairs/s\n", pairlensMs, count / pairlensMs * 1000);
    std::printf("psql \\copy (reference)      %.0f ms  %.0f pairs/s\n", psqlMs, count / psqlMs * 1000);
    std::printf("ratio PairLens / psql       %.2f\n", pairlensMs / psqlMs);
    psql(url, u"DROP SCHEMA IF EXISTS bench_pg CASCADE"_s);
    return 0;
}
