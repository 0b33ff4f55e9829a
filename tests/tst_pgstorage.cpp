// PgStorage (issue 18) against the real PostgreSQL 15 of the CTest fixture pg_cluster
// (scripts/pg-cluster.sh; PAIRLENS_PG_DIR names its DIR with the owner's and the read-only URLs).
#include "pgtestutil.h"
#include "storage/pgstorage.h"

#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QUrl>

using namespace pairlens;
using namespace Qt::StringLiterals;
using pairlens::test::psql;
using pairlens::test::readTrimmed;

class TstPgStorage : public QObject
{
    Q_OBJECT

    QString m_url;
    QString m_readOnly;

    static QString withSchema(const QString &url, const QString &schema)
    {
        return url + u"?schema="_s + schema;
    }

private slots:
    void initTestCase()
    {
        const QString dir = qEnvironmentVariable("PAIRLENS_PG_DIR");
        m_url = readTrimmed(dir + u"/url"_s);
        m_readOnly = readTrimmed(dir + u"/url-readonly"_s);
        QVERIFY2(!m_url.isEmpty() && !m_readOnly.isEmpty(),
                 "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        psql(
            m_url,
            u"DROP SCHEMA IF EXISTS t_first CASCADE; DROP SCHEMA IF EXISTS t_other CASCADE; DROP SCHEMA IF EXISTS t_v1 CASCADE"_s);
    }

    void locations()
    {
        QVERIFY(isPostgresLocation(u"postgresql://u@h/db"_s));
        QVERIFY(isPostgresLocation(u"postgres://u@h/db"_s));
        QVERIFY(!isPostgresLocation(u"/tmp/postgres.pairlens"_s));
        QVERIFY(!isPostgresLocation(u"postgresdata.pairlens"_s));
    }

    void firstOpenCreatesTheVersionedSchema()
    {
        QString error;
        auto s = PgStorage::open(withSchema(m_url, u"t_first"_s), &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->formatVersion(), PgStorage::kFormatVersion);
        QCOMPARE(s->schema(), u"t_first"_s);
        QCOMPARE(s->count(&error), 0);
        QCOMPARE(psql(m_url, u"SELECT value FROM t_first.settings WHERE key = 'format_version'"_s),
                 QString::number(PgStorage::kFormatVersion));

        // A recorder plain-INSERTs the seed fields; pair_id and timestamp get defaults.
        QCOMPARE(
            psql(m_url,
                 u"INSERT INTO t_first.pairs (natural_language_query, sql_query, database_type, success) "
                 "VALUES ('how many users', 'SELECT count(*) FROM users', 'postgresql', 1), "
                 "('orders today', 'SELECT * FROM orders', 'postgresql', 0)"_s),
            QString());
        QCOMPARE(s->count(&error), 2);
        QCOMPARE(psql(m_url, u"SELECT count(DISTINCT pair_id) FROM t_first.pairs WHERE length(pair_id) = 32 "
                             "AND timestamp LIKE '____-__-__T__:__:__.___Z' AND query_type IS NULL"_s),
                 u"2"_s);

        // A second open finds the version and keeps the rows.
        auto again = PgStorage::open(withSchema(m_url, u"t_first"_s), &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->count(&error), 2);
    }

    void defaultSchemaIsTrainingData()
    {
        QString error;
        auto s = PgStorage::open(m_url, &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->schema(), u"training_data"_s);
        QCOMPARE(psql(m_url,
                      u"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'training_data' "
                      "AND table_name IN ('pairs', 'settings')"_s),
                 u"2"_s);
    }

    void addBatchCopiesAndIsIdempotentByPairId()
    {
        QString error;
        auto s = PgStorage::open(withSchema(m_url, u"t_first"_s), &error);
        QVERIFY2(s, qPrintable(error));
        const qint64 before = s->count(&error);
        QList<Pair> pairs(3);
        pairs[0].pairId = u"copy-a"_s;
        pairs[0].naturalLanguageQuery = u"tab\there, line\nbreak, back\\slash, Grüße 東京"_s;
        pairs[0].sqlQuery = u"SELECT '\\N' FROM t"_s;
        pairs[0].timestamp = u"2024-05-01T10:00:00Z"_s;
        pairs[0].databaseType = u"postgresql"_s;
        pairs[0].executionTimeMs = 12.5;
        pairs[0].metadata = QJsonObject{{u"agent"_s, u"x"_s}};
        pairs[1].pairId = u"copy-b"_s;
        pairs[1].success = false;
        pairs[1].executionTimeMs = -1;
        pairs[2].sqlQuery = u"SELECT 2"_s; // no pair_id: PostgreSQL makes one

        QCOMPARE(s->addBatch(pairs, &error), 3);
        QCOMPARE(s->count(&error), before + 3);
        QCOMPARE(
            psql(m_url, uR"(SELECT natural_language_query = E'tab\there, line\nbreak, back\\slash, Grüße 東京'
                 AND sql_query = E'SELECT ''\\N'' FROM t' AND timestamp = '2024-05-01T10:00:00Z'
                 AND execution_time_ms = 12.5 AND metadata = '{"agent":"x"}' AND success = 1
                 FROM t_first.pairs WHERE pair_id = 'copy-a')"_s),
            u"t"_s);
        QCOMPARE(
            psql(m_url,
                 u"SELECT success, execution_time_ms IS NULL FROM t_first.pairs WHERE pair_id = 'copy-b'"_s),
            u"0|t"_s);

        // The same pairs again: both have a pair_id and are skipped.
        QCOMPARE(s->addBatch(pairs.mid(0, 2), &error), 0);
        QCOMPARE(s->count(&error), before + 3);
        QCOMPARE(s->addBatch({}, &error), 0);
    }

    void readOnlyRoleReadsButCannotCreate()
    {
        // The cluster grants the read-only role SELECT in training_data (created by the owner above).
        QCOMPARE(
            psql(
                m_url,
                u"INSERT INTO training_data.pairs (natural_language_query, sql_query) VALUES ('q', 'SELECT 1')"_s),
            QString());
        const qint64 rows = psql(m_url, u"SELECT count(*) FROM training_data.pairs"_s).toLongLong();
        QVERIFY(rows >= 1);
        QString error;
        auto s = PgStorage::open(m_readOnly, &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->count(&error), rows);

        auto refused = PgStorage::open(withSchema(m_readOnly, u"t_other"_s), &error);
        QVERIFY(!refused);
        QVERIFY2(error.startsWith(u"Cannot create the PairLens tables in PostgreSQL schema t_other: "_s),
                 qPrintable(error));
        QVERIFY2(error.contains(u"permission denied"_s), qPrintable(error));

        // Import through the read-only role is refused with one sentence and changes nothing.
        QList<Pair> one(1);
        one[0].pairId = u"ro-attempt"_s;
        QCOMPARE(s->addBatch(one, &error), -1);
        QVERIFY2(
            error.startsWith(u"Cannot add pairs to PostgreSQL schema training_data: permission denied"_s),
            qPrintable(error));
        QCOMPARE(s->count(&error), rows);
    }

    void versionOneGetsTheIndexOfTheDefaultOrder()
    {
        // A schema of format version 1 (no pairs_live_ts): the read-only role reads it as it is, the
        // owner's open adds the index and sets version 2 once.
        QString error;
        QVERIFY2(PgStorage::open(withSchema(m_url, u"t_v1"_s), &error), qPrintable(error));
        QCOMPARE(psql(m_url, u"DROP INDEX t_v1.pairs_live_ts; UPDATE t_v1.settings SET value = '1' "
                             "WHERE key = 'format_version'; GRANT USAGE ON SCHEMA t_v1 TO pairlens_ro; "
                             "GRANT SELECT ON ALL TABLES IN SCHEMA t_v1 TO pairlens_ro"_s),
                 QString());
        auto reader = PgStorage::open(withSchema(m_readOnly, u"t_v1"_s), &error);
        QVERIFY2(reader, qPrintable(error));
        QCOMPARE(reader->formatVersion(), 1);
        QCOMPARE(reader->count(Filter(), &error), 0);
        auto owner = PgStorage::open(withSchema(m_url, u"t_v1"_s), &error);
        QVERIFY2(owner, qPrintable(error));
        QCOMPARE(owner->formatVersion(), 2);
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM pg_indexes WHERE schemaname = 't_v1' "
                             "AND indexname = 'pairs_live_ts'"_s),
                 u"1"_s);
        QCOMPARE(psql(m_url, u"SELECT value FROM t_v1.settings WHERE key = 'format_version'"_s), u"2"_s);
    }

    void wrongPasswordIsOneSentenceWithoutThePassword()
    {
        QUrl url(m_url);
        url.setPassword(u"Sekr3t-not-it"_s);
        QString error;
        QVERIFY(!PgStorage::open(url.toString(), &error));
        QVERIFY2(error.startsWith(u"Cannot connect to PostgreSQL at 127.0.0.1:"_s), qPrintable(error));
        QVERIFY2(error.contains(u"password authentication failed"_s), qPrintable(error));
        QVERIFY(!error.contains(u"Sekr3t"_s));
        QVERIFY(!error.contains(u'\n'));
    }

    void closedPortFailsWithoutHanging()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once (connect_timeout
        // bounds the unreachable case).
        QString error;
        QVERIFY(!PgStorage::open(u"postgresql://pairlens:pw@127.0.0.1:1/pairlens"_s, &error));
        QVERIFY2(error.startsWith(u"Cannot connect to PostgreSQL at 127.0.0.1:1: "_s), qPrintable(error));
        QVERIFY(!error.contains(u"pw@"_s));
    }

    void notAUrl()
    {
        QString error;
        QVERIFY(!PgStorage::open(u"postgresql://"_s, &error));
        QVERIFY2(error.contains(u"not a valid URL"_s), qPrintable(error));
    }

    void cleanupTestCase()
    {
        psql(
            m_url,
            u"DROP SCHEMA IF EXISTS t_first CASCADE; DROP SCHEMA IF EXISTS t_other CASCADE; DROP SCHEMA IF EXISTS t_v1 CASCADE"_s);
    }
};

QTEST_GUILESS_MAIN(TstPgStorage)
#include "tst_pgstorage.moc"
