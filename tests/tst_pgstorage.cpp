// PgStorage (issue 18) against the real PostgreSQL 15 of the CTest fixture pg_cluster
// (scripts/pg-cluster.sh; PAIRLENS_PG_DIR names its DIR with the owner's and the read-only URLs).
#include "pgtestutil.h"
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <QUrl>

#include <atomic>
#include <optional>
#include <thread>

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

    // Makes `schema` look as an older PairLens left it: the SQL `changes`, then its format version
    // set to `version`; the read-only role may read it. What psql said (empty when it worked).
    QString asVersion(const QString &schema, int version, const QString &changes)
    {
        return psql(m_url, changes + u" UPDATE %1.settings SET value = '%2' WHERE key = 'format_version'; "
                                     "GRANT USAGE ON SCHEMA %1 TO pairlens_ro; "
                                     "GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro"_s.arg(schema)
                                         .arg(version));
    }

    // The format version stored in `schema`'s settings.
    QString storedVersion(const QString &schema)
    {
        return psql(m_url, u"SELECT value FROM %1.settings WHERE key = 'format_version'"_s.arg(schema));
    }

private slots:
    void initTestCase()
    {
        const QString dir = qEnvironmentVariable("PAIRLENS_PG_DIR");
        m_url = readTrimmed(dir + u"/url"_s);
        m_readOnly = readTrimmed(dir + u"/url-readonly"_s);
        QVERIFY2(!m_url.isEmpty() && !m_readOnly.isEmpty(),
                 "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        psql(m_url, u"DROP SCHEMA IF EXISTS t_first CASCADE; DROP SCHEMA IF EXISTS t_other CASCADE; DROP "
                    u"SCHEMA IF EXISTS t_v1 CASCADE; DROP SCHEMA IF EXISTS t_v2 CASCADE; "
                    "DROP SCHEMA IF EXISTS t_cur CASCADE"_s);
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
        QCOMPARE(storedVersion(u"t_first"_s), QString::number(PgStorage::kFormatVersion));

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

    // A batch its caller found new goes straight into the table; when a pair_id of it was stored
    // meanwhile (a recorder), that COPY fails as a whole and the batch is added as any other: the
    // stored pair kept, the others added once, nothing lost or doubled.
    void freshBatchFallsBackWhenAPairIdWasTakenMeanwhile()
    {
        QString error;
        auto s = PgStorage::open(withSchema(m_url, u"t_fresh"_s), &error);
        QVERIFY2(s, qPrintable(error));
        const auto pairsOf = [](const QStringList &ids) {
            QList<Pair> pairs;
            for (const QString &id : ids) {
                Pair p;
                p.pairId = id;
                p.naturalLanguageQuery = u"question "_s + id;
                p.sqlQuery = u"SELECT 1"_s;
                p.timestamp = u"2024-05-01T10:00:00Z"_s;
                pairs << p;
            }
            return pairs;
        };
        const Deriver deriver = defaultDeriver();
        const auto derivedOf = [&](const QList<Pair> &pairs) {
            QList<DerivedFields> derived;
            for (const Pair &p : pairs)
                derived << deriver.derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp, p.databaseType,
                                          p.pairId, p.metadata);
            return derived;
        };
        QList<Pair> first = pairsOf({u"fresh-1"_s, u"fresh-2"_s});
        Storage::PreparedBatch batch = s->prepareBatch(first, derivedOf(first));
        QVERIFY(batch.complete);
        batch.fresh = true;
        QCOMPARE(s->addPrepared(batch, &error), 2);
        QCOMPARE(psql(m_url,
                      u"SELECT count(*), count(search_vector), count(normalized_key), count(query_type) "
                      "FROM t_fresh.pairs"_s),
                 u"2|2|2|2"_s);

        // "Found none stored" is stale: fresh-2 is there (with another question from a recorder).
        QCOMPARE(psql(m_url, u"UPDATE t_fresh.pairs SET natural_language_query = 'recorded' "
                             "WHERE pair_id = 'fresh-2'"_s),
                 QString());
        QList<Pair> second = pairsOf({u"fresh-3"_s, u"fresh-2"_s, u"fresh-4"_s});
        batch = s->prepareBatch(second, derivedOf(second));
        batch.fresh = true;
        QCOMPARE(s->addPrepared(batch, &error), 2);
        QCOMPARE(
            psql(m_url, u"SELECT string_agg(pair_id || '=' || natural_language_query, ',' ORDER BY pair_id) "
                        "FROM t_fresh.pairs"_s),
            u"fresh-1=question fresh-1,fresh-2=recorded,fresh-3=question fresh-3,fresh-4=question fresh-4"_s);
        psql(m_url, u"DROP SCHEMA t_fresh CASCADE"_s);
    }

    // statementCanceller() stops, from another thread, a read that waits (here for a lock another
    // session holds): it fails with an error at once, and the connection serves the next statement.
    void cancellerStopsTheRunningStatement()
    {
        QString error;
        auto s = PgStorage::open(withSchema(m_url, u"t_cancel"_s), &error);
        QVERIFY2(s, qPrintable(error));
        Pair p;
        p.pairId = u"c1"_s;
        p.naturalLanguageQuery = u"How many orders?"_s;
        p.sqlQuery = u"SELECT count(*) FROM orders"_s;
        QCOMPARE(s->addBatch({p}, &error), 1);
        const std::function<void()> cancel = s->statementCanceller();
        QVERIFY(cancel);

        // Runs `read` on another thread while another session holds the pairs locked, cancels it
        // once it waits, and gives its result and error. The lock is held until the read ended: only
        // the cancel ends it (30 s: a bound for a hang, not a timing).
        const auto stopWhileWaiting = [&](const std::function<bool(QString *)> &read, QString *why) {
            pairlens::test::TableLock lock(m_url, u"t_cancel.pairs"_s);
            if (!lock.held())
                return std::optional<bool>();
            std::atomic<bool> done{false};
            bool result = true;
            std::thread reader([&] {
                result = read(why);
                done = true;
            });
            const bool waited = QTest::qWaitFor(
                [&] { return pairlens::test::waitingOn(m_url, u"t_cancel.pairs"_s) == 1; }, 30000);
            cancel();
            const bool ended = QTest::qWaitFor([&] { return done.load(); }, 30000);
            if (!ended)
                lock.release();
            reader.join();
            const bool stillWaiting = pairlens::test::waitingOn(m_url, u"t_cancel.pairs"_s) != 0;
            return waited && ended && !stillWaiting ? std::optional<bool>(result) : std::optional<bool>();
        };
        QString why;
        const auto counted = stopWhileWaiting([&](QString *e) { return s->count(Filter(), e) >= 0; }, &why);
        QCOMPARE(counted, std::optional<bool>(false));
        QVERIFY2(why.contains(u"cancel"_s, Qt::CaseInsensitive), qPrintable(why));
        QCOMPARE(s->count(&error), qint64(1));

        // The statistics (the window's longest read) after the connection was lost and made again
        // since the canceller was made: the canceller follows the new backend.
        QCOMPARE(psql(m_url, u"SELECT pg_terminate_backend(%1)"_s.arg(s->backendPid())), u"t"_s);
        QCOMPARE(s->count(&error), qint64(1)); // a read is run again on a new connection
        Statistics stats;
        why.clear();
        const auto computed =
            stopWhileWaiting([&](QString *e) { return s->statistics(Filter(), &stats, e); }, &why);
        QCOMPARE(computed, std::optional<bool>(false));
        QVERIFY2(why.contains(u"cancel"_s, Qt::CaseInsensitive), qPrintable(why));
        psql(m_url, u"DROP SCHEMA t_cancel CASCADE"_s);
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
        QCOMPARE(asVersion(u"t_v1"_s, 1, u"DROP INDEX t_v1.pairs_live_ts;"_s), QString());
        auto reader = PgStorage::open(withSchema(m_readOnly, u"t_v1"_s), &error);
        QVERIFY2(reader, qPrintable(error));
        QCOMPARE(reader->formatVersion(), 1);
        QCOMPARE(reader->count(Filter(), &error), 0);
        auto owner = PgStorage::open(withSchema(m_url, u"t_v1"_s), &error);
        QVERIFY2(owner, qPrintable(error));
        QCOMPARE(owner->formatVersion(), PgStorage::kFormatVersion);
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM pg_indexes WHERE schemaname = 't_v1' "
                             "AND indexname = 'pairs_live_ts'"_s),
                 u"1"_s);
        QCOMPARE(storedVersion(u"t_v1"_s), QString::number(PgStorage::kFormatVersion));
    }

    void versionTwoGetsCurationAndSearch()
    {
        // A schema made by the DDL of format version 2 (before review, trash, search and the audit
        // log), with an analysed pair and a recorder's row, as PairLens 2 left it.
        QCOMPARE(psql(m_url, uR"(CREATE SCHEMA t_v2;
CREATE TABLE t_v2.settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE t_v2.pairs (
    id BIGSERIAL PRIMARY KEY,
    pair_id TEXT NOT NULL UNIQUE DEFAULT replace(gen_random_uuid()::text, '-', ''),
    natural_language_query TEXT NOT NULL DEFAULT '',
    sql_query TEXT NOT NULL DEFAULT '',
    timestamp TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    database_type TEXT NOT NULL DEFAULT '',
    database_name TEXT NOT NULL DEFAULT '',
    success INTEGER NOT NULL DEFAULT 1,
    execution_time_ms DOUBLE PRECISION,
    metadata TEXT NOT NULL DEFAULT '{}',
    ts TEXT,
    query_type TEXT,
    table_names TEXT,
    pii_mask INTEGER,
    question_length INTEGER,
    sql_length INTEGER
);
CREATE INDEX pairs_underived ON t_v2.pairs (id) WHERE query_type IS NULL;
CREATE INDEX pairs_timestamp ON t_v2.pairs (timestamp);
CREATE INDEX pairs_live_ts ON t_v2.pairs (ts COLLATE "C", id) WHERE query_type IS NOT NULL;
INSERT INTO t_v2.settings VALUES ('format_version', '2'), ('privacy.secret', repeat('ab', 32));
INSERT INTO t_v2.pairs (pair_id, natural_language_query, sql_query, timestamp, ts, query_type, table_names,
    pii_mask, question_length, sql_length)
VALUES ('old-1', 'Which Crème brûlée orders?', 'SELECT * FROM dessert_orders', '2024-01-02T03:04:05Z',
    '2024-01-02T03:04:05.000Z', 'SELECT', '["dessert_orders"]', 0, 26, 28);
INSERT INTO t_v2.pairs (pair_id, natural_language_query, sql_query) VALUES ('rec-1', 'count the users',
    'SELECT count(*) FROM users');
GRANT USAGE ON SCHEMA t_v2 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN SCHEMA t_v2 TO pairlens_ro)"_s),
                 QString());
        QString error;
        // The read-only role reads version 2 as it is: every pair live and unreviewed, no search.
        {
            auto reader = PgStorage::open(withSchema(m_readOnly, u"t_v2"_s), &error);
            QVERIFY2(reader, qPrintable(error));
            QCOMPARE(reader->formatVersion(), 2);
            QCOMPARE(reader->count(Filter(), &error), 1);
            Filter unreviewed;
            unreviewed.reviewStatuses = {int(ReviewStatus::Unreviewed)};
            QCOMPARE(reader->count(unreviewed, &error), 1);
            Filter trash;
            trash.scope = Filter::Scope::Deleted;
            QCOMPARE(reader->count(trash, &error), 0);
            QList<Pair> page;
            QVERIFY2(reader->page(Filter(), 10, 0, &page, &error), qPrintable(error));
            QCOMPARE(page.size(), 1);
            QCOMPARE(page.first().reviewStatus, ReviewStatus::Unreviewed);
            Statistics stats;
            QVERIFY2(reader->statistics(Filter(), &stats, &error), qPrintable(error));
            QCOMPARE(stats.unreviewedPairs, 1);
            QCOMPARE(stats.deletedPairs, 0);
            Filter search;
            search.search = u"creme"_s;
            QCOMPARE(reader->count(search, &error), -1);
            QVERIFY2(error.contains(u"--search"_s) && error.contains(u"version 3"_s), qPrintable(error));
            QVERIFY(!reader->softDelete(Filter(), &error));
            QVERIFY2(error.contains(u"read-only"_s), qPrintable(error));
        }
        // The owner's open migrates it in one transaction; the analysed pair keeps its fields and
        // gets its search vector, the recorder's row is analysed.
        auto owner = PgStorage::open(withSchema(m_url, u"t_v2"_s), &error);
        QVERIFY2(owner, qPrintable(error));
        QCOMPARE(owner->formatVersion(), PgStorage::kFormatVersion);
        QCOMPARE(storedVersion(u"t_v2"_s), QString::number(PgStorage::kFormatVersion));
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM t_v2.audit_log"_s), u"0"_s);
        QCOMPARE(owner->deriveMissing(defaultDeriver(), &error), 1);
        QCOMPARE(psql(m_url, u"SELECT review_status, reviewer_note, delete_batch IS NULL, question_length, "
                             "search_vector IS NOT NULL FROM t_v2.pairs WHERE pair_id = 'old-1'"_s),
                 u"0||t|26|t"_s);
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM t_v2.pairs WHERE search_vector IS NULL"_s), u"0"_s);
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM t_v2.pairs WHERE normalized_key IS NULL"_s), u"0"_s);
        QCOMPARE(owner->count(Filter(), &error), 2);
        Filter search;
        search.search = u"creme BRULEE ord"_s; // without accents, any case, the last word a prefix
        QCOMPARE(owner->count(search, &error), 1);
        search.search = u"dessert_orders"_s; // as a phrase: dessert, then orders
        QCOMPARE(owner->count(search, &error), 1);
        search.search = u"orders dessert"_s; // both words, anywhere
        QCOMPARE(owner->count(search, &error), 1);
        search.search = u"\"brûlée orders\" select"_s; // punctuation is no part of a word
        QCOMPARE(owner->count(search, &error), 1);
        search.search = u"orders? SELECT"_s; // two words: in the question and in the SQL
        QCOMPARE(owner->count(search, &error), 1);
        search.search = u"orders?SELECT"_s; // one phrase, which never spans the question and the SQL
        QCOMPARE(owner->count(search, &error), 0);
        search.search = u"brûlée_orders"_s; // the phrase "brulee orders" of the question
        QCOMPARE(owner->count(search, &error), 1);
        search.search = u"creme_orders"_s;
        QCOMPARE(owner->count(search, &error), 0);
        search.search = u"count users"_s;
        QCOMPARE(owner->count(search, &error), 1);
        search.search = u"?!"_s; // no word at all: nothing matches
        QCOMPARE(owner->count(search, &error), 0);
        // A second open changes nothing.
        auto again = PgStorage::open(withSchema(m_url, u"t_v2"_s), &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->deriveMissing(defaultDeriver(), &error), 0);
    }

    void versionFourGetsDuplicateKeys()
    {
        // A schema of format version 4 (before the duplicate keys) with three analysed pairs: two
        // with the same question and SQL, a third that differs from them only in its numbers.
        QString error;
        {
            auto s = PgStorage::open(withSchema(m_url, u"t_v4"_s), &error);
            QVERIFY2(s, qPrintable(error));
            QList<Pair> pairs(3);
            QList<DerivedFields> derived;
            for (int i = 0; i < 3; ++i) {
                pairs[i].pairId = u"v4-%1"_s.arg(i);
                pairs[i].naturalLanguageQuery = i < 2 ? u"orders over 10"_s : u"Orders over 250?"_s;
                pairs[i].sqlQuery = i < 2 ? u"SELECT * FROM orders WHERE total > 10"_s
                                          : u"select *  from ORDERS where total > 250"_s;
                pairs[i].databaseType = u"postgresql"_s;
                derived << defaultDeriver().derive(pairs[i].naturalLanguageQuery, pairs[i].sqlQuery, {},
                                                   pairs[i].databaseType, pairs[i].pairId, {});
            }
            QVERIFY2(s->addBatch(pairs, derived, &error) == 3, qPrintable(error));
        }
        QCOMPARE(asVersion(u"t_v4"_s, 4,
                           u"ALTER TABLE t_v4.pairs DROP COLUMN exact_key, DROP COLUMN normalized_key; "
                           "CREATE INDEX pairs_unsearched ON t_v4.pairs (id) WHERE search_vector IS NULL;"_s),
                 QString());
        Filter exact, normalized;
        exact.duplicates = Filter::Duplicates::Exact;
        normalized.duplicates = Filter::Duplicates::Normalized;
        {
            // The read-only role reads version 4 as it is: the duplicates filters are refused in one
            // sentence, and the statistics count the duplicates on the client.
            auto reader = PgStorage::open(withSchema(m_readOnly, u"t_v4"_s), &error);
            QVERIFY2(reader, qPrintable(error));
            QCOMPARE(reader->formatVersion(), 4);
            QCOMPARE(reader->count(exact, &error), -1);
            QCOMPARE(error,
                     u"The filter --duplicates needs the duplicate keys of PostgreSQL format version 5: "
                     "open the schema once with a role that may write to add them."_s);
            Statistics stats;
            QVERIFY2(reader->countDuplicates(Filter(), &stats, &error), qPrintable(error));
            QCOMPARE(stats.exactDuplicates, 1);
            QCOMPARE(stats.normalizedDuplicates, 2);
        }
        // The owner's open adds the columns; the next derivation keys the rows already stored.
        auto owner = PgStorage::open(withSchema(m_url, u"t_v4"_s), &error);
        QVERIFY2(owner, qPrintable(error));
        QCOMPARE(owner->formatVersion(), PgStorage::kFormatVersion);
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM t_v4.pairs WHERE normalized_key IS NULL"_s), u"3"_s);
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM pg_indexes WHERE schemaname = 't_v4' "
                             "AND indexname IN ('pairs_unkeyed', 'pairs_unsearched')"_s),
                 u"1"_s);
        QCOMPARE(owner->count(exact, &error), 0);                    // no keys yet: no pair found a duplicate
        QCOMPARE(owner->deriveMissing(defaultDeriver(), &error), 0); // keyed, not analysed again
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM t_v4.pairs WHERE normalized_key IS NULL "
                             "OR octet_length(exact_key) <> 16"_s),
                 u"0"_s);
        QCOMPARE(owner->count(exact, &error), 2);
        QCOMPARE(owner->count(normalized, &error), 3);
        Statistics stats;
        QVERIFY2(owner->countDuplicates(Filter(), &stats, &error), qPrintable(error));
        QCOMPARE(stats.exactDuplicates, 1);
        QCOMPARE(stats.normalizedDuplicates, 2);
        // An edit keys the pair again: the third pair made the same as the first two.
        QVERIFY2(owner->updateText(
                     psql(m_url, u"SELECT id FROM t_v4.pairs WHERE pair_id = 'v4-2'"_s).toLongLong(),
                     u"orders over 10"_s, u"SELECT * FROM orders WHERE total > 10"_s,
                     defaultDeriver().derive(u"orders over 10"_s, u"SELECT * FROM orders WHERE total > 10"_s,
                                             {}, u"postgresql"_s, u"v4-2"_s, {}),
                     &error),
                 qPrintable(error));
        QCOMPARE(owner->count(exact, &error), 3);
        psql(m_url, u"DROP SCHEMA t_v4 CASCADE"_s);
    }

    void versionFiveLosesTheUnusedTimestampIndex()
    {
        // A schema of format version 5 had pairs_timestamp on the raw timestamp, which no read used
        // and every insert paid for. The read-only role reads version 5 as it is; the owner's open
        // drops the index and nothing else: an index of a recorder's own stays.
        QString error;
        {
            auto s = PgStorage::open(withSchema(m_url, u"t_v5"_s), &error);
            QVERIFY2(s, qPrintable(error));
        }
        const QString indexes = u"SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                                "WHERE schemaname = 't_v5' AND indexname LIKE '%timestamp%'"_s;
        QCOMPARE(psql(m_url, indexes), QString());
        QCOMPARE(
            asVersion(
                u"t_v5"_s, 5,
                u"CREATE INDEX pairs_timestamp ON t_v5.pairs (timestamp); "
                "CREATE INDEX recorder_timestamp ON t_v5.pairs (timestamp DESC); "
                "INSERT INTO t_v5.pairs (natural_language_query, sql_query) VALUES ('users', 'SELECT 1');"_s),
            QString());
        {
            auto reader = PgStorage::open(withSchema(m_readOnly, u"t_v5"_s), &error);
            QVERIFY2(reader, qPrintable(error));
            QCOMPARE(reader->formatVersion(), 5);
            QCOMPARE(reader->count(&error), 1);
        }
        QCOMPARE(psql(m_url, indexes), u"pairs_timestamp,recorder_timestamp"_s);
        auto owner = PgStorage::open(withSchema(m_url, u"t_v5"_s), &error);
        QVERIFY2(owner, qPrintable(error));
        QCOMPARE(owner->formatVersion(), PgStorage::kFormatVersion);
        QCOMPARE(storedVersion(u"t_v5"_s), QString::number(PgStorage::kFormatVersion));
        QCOMPARE(psql(m_url, indexes), u"recorder_timestamp"_s);
        QCOMPARE(owner->count(&error), 1);
        psql(m_url, u"DROP SCHEMA t_v5 CASCADE"_s);
    }

    void curationThroughTheSeam()
    {
        QString error;
        auto s = PgStorage::open(withSchema(m_url, u"t_cur"_s), &error);
        QVERIFY2(s, qPrintable(error));
        QList<Pair> pairs(6);
        QList<DerivedFields> derived;
        for (int i = 0; i < pairs.size(); ++i) {
            Pair &p = pairs[i];
            p.pairId = u"cur-%1"_s.arg(i);
            p.naturalLanguageQuery = u"question %1 about %2"_s.arg(i).arg(i % 2 ? u"cats"_s : u"dogs"_s);
            p.sqlQuery = u"SELECT %1 FROM animals"_s.arg(i);
            p.timestamp = u"2024-02-0%1T10:00:00Z"_s.arg(i + 1);
            p.success = i != 5;
            derived << defaultDeriver().derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                               p.databaseType, p.pairId, p.metadata);
        }
        QCOMPARE(s->addBatch(pairs, derived, &error), 6);
        Filter cats;
        cats.search = u"cats"_s;
        const auto deleted = s->softDelete(cats, &error);
        QVERIFY2(deleted, qPrintable(error));
        QCOMPARE(deleted->count, 3);
        QCOMPARE(deleted->batch, 1);
        Filter failed;
        failed.success = Filter::Success::FailedOnly;
        const auto again = s->softDelete(failed, &error); // cur-5 is in the trash already
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->count, 0);
        QCOMPARE(again->batch, 2);
        Filter one;
        one.pairIds = {u"cur-0"_s};
        const auto third = s->softDelete(one, &error);
        QVERIFY2(third, qPrintable(error));
        QCOMPARE(third->count, 1);
        QCOMPARE(third->batch, 2); // as in a dataset file: one more than the largest batch in the trash
        QCOMPARE(s->count(Filter(), &error), 2);
        Filter trash;
        trash.scope = Filter::Scope::Deleted;
        QCOMPARE(s->count(trash, &error), 4);
        QList<Pair> page;
        QVERIFY2(s->page(trash, 10, 0, &page, &error), qPrintable(error));
        QCOMPARE(page.size(), 4);
        QVERIFY(page.first().deleted);
        QVERIFY(page.first().deletedAt.endsWith(u'Z'));

        // Undo of the first delete; a restore by pair_id; a purge of what is left in the trash.
        QCOMPARE(s->restoreBatch(deleted->batch, &error), 3);
        QCOMPARE(s->count(trash, &error), 1);
        QCOMPARE(s->restore(one, &error), 1);
        QCOMPARE(s->count(Filter(), &error), 6);
        QCOMPARE(s->softDelete(one, &error)->count, 1);
        QCOMPARE(s->purge(Filter(), &error), 1);
        QCOMPARE(s->count(&error), 5);

        // Review and notes: the count is of the matching pairs, whether they had the value or not.
        Filter dogs;
        dogs.search = u"dogs"_s;
        QCOMPARE(s->setReviewStatus(dogs, ReviewStatus::Approved, &error), 2);
        QCOMPARE(s->setReviewStatus(Filter(), ReviewStatus::Approved, &error), 5);
        Filter cat1;
        cat1.pairIds = {u"cur-1"_s};
        QCOMPARE(s->setReviewStatus(cat1, ReviewStatus::Rejected, &error), 1);
        QCOMPARE(s->setReviewerNote(cat1, u"wrong join"_s, &error), 1);
        Filter rejected;
        rejected.reviewStatuses = {int(ReviewStatus::Rejected)};
        QVERIFY2(s->page(rejected, 10, 0, &page, &error), qPrintable(error));
        QCOMPARE(page.size(), 1);
        QCOMPARE(page.first().pairId, u"cur-1"_s);
        QCOMPARE(page.first().reviewerNote, u"wrong join"_s);
        Statistics stats;
        QVERIFY2(s->statistics(Filter(), &stats, &error), qPrintable(error));
        QCOMPARE(stats.approvedPairs, 4);
        QCOMPARE(stats.rejectedPairs, 1);
        QCOMPARE(stats.unreviewedPairs, 0);

        // Every change is in the audit log, newest first, with the role that made it.
        QList<Storage::AuditEntry> log;
        QVERIFY2(s->auditLog(100, &log, &error), qPrintable(error));
        QStringList actions;
        for (const auto &e : log)
            actions << u"%1 %2"_s.arg(e.action).arg(e.pairCount);
        QCOMPARE(actions, QStringList({u"note 1"_s, u"review 1"_s, u"review 5"_s, u"review 2"_s, u"purge 1"_s,
                                       u"delete 1"_s, u"restore 1"_s, u"restore 3"_s, u"delete 1"_s,
                                       u"delete 0"_s, u"delete 3"_s}));
        QCOMPARE(log.last().detail[u"batch"_s].toInteger(), 1);
        QCOMPARE(log.last().detail[u"filter"_s].toObject()[u"search"_s].toString(), u"cats"_s);
        QCOMPARE(log.first().detail[u"note"_s].toString(), u"wrong join"_s);
        QCOMPARE(log.first().role, u"pairlens"_s);
        QVERIFY(log.first().at.endsWith(u'Z'));

        // The read-only role may read all of it and change nothing.
        QCOMPARE(psql(m_url, u"GRANT USAGE ON SCHEMA t_cur TO pairlens_ro; "
                             "GRANT SELECT ON ALL TABLES IN SCHEMA t_cur TO pairlens_ro"_s),
                 QString());
        auto reader = PgStorage::open(withSchema(m_readOnly, u"t_cur"_s), &error);
        QVERIFY2(reader, qPrintable(error));
        QCOMPARE(reader->count(rejected, &error), 1);
        error.clear();
        QVERIFY(!reader->softDelete(Filter(), &error));
        const QString refusal =
            u"is read-only for this PostgreSQL role: it may not change pairs in schema t_cur."_s;
        QVERIFY2(error.endsWith(refusal), qPrintable(error));
        QCOMPARE(reader->setReviewStatus(Filter(), ReviewStatus::Rejected, &error), -1);
        QVERIFY2(error.endsWith(refusal), qPrintable(error));
        QCOMPARE(reader->setReviewerNote(Filter(), u"x"_s, &error), -1);
        QCOMPARE(reader->restore(Filter(), &error), -1);
        QCOMPARE(reader->purge(Filter(), &error), -1);
        QCOMPARE(reader->restoreBatch(1, &error), -1);
        QVERIFY2(error.endsWith(refusal), qPrintable(error));
        QCOMPARE(reader->count(rejected, &error), 1);
        QCOMPARE(psql(m_url, u"SELECT count(*) FROM t_cur.audit_log"_s), QString::number(log.size()));
    }

    // Pairs are sent in COPY's binary form, their search vectors sorted and merged on the client
    // (pg::appendBinarySearchVector); they must be the vectors tsvector's input function makes of
    // the text form (pg::searchVector), on the server itself: words repeated and sharing prefixes
    // (within and past the 8 bytes compared first), lexemes whose UTF-8 sorts above ASCII, a word past
    // 256 positions, positions past 16,383, a text past 900 KiB, a lexeme too long. Half the pairs
    // go straight into the table, half through the staging table. The duplicate keys are compared
    // with their text form too.
    void binarySearchVectorsEqualTheTextInput()
    {
        psql(m_url, u"DROP SCHEMA IF EXISTS t_vec CASCADE"_s);
        QString error;
        auto s = PgStorage::open(withSchema(m_url, u"t_vec"_s), &error);
        QVERIFY2(s, qPrintable(error));

        QList<QPair<QString, QString>> texts;
        const QStringList words = {u"a"_s,         u"ab"_s,         u"abc"_s,      u"abcdefgh"_s,
                                   u"abcdefghi"_s, u"ABCDEFGHIJ"_s, u"abcdefgz"_s, u"abcdefghz"_s,
                                   u"select"_s,    u"SELECT"_s,     u"x1"_s,       u"10"_s,
                                   u"2"_s,         u"Köln"_s,       u"koln"_s,     u"東京"_s,
                                   u"東"_s,        u"ωmega"_s,      u"zz"_s,       u"Straße"_s};
        const QStringList separators = {u" "_s, u", "_s, u"("_s, u") "_s, u"."_s, u"\t"_s, u"'"_s, u"_"_s};
        QRandomGenerator random(20261207);
        const auto sentence = [&](int maxWords) {
            QString out;
            const int n = int(random.bounded(maxWords + 1));
            for (int i = 0; i < n; ++i)
                out +=
                    words.at(random.bounded(words.size())) + separators.at(random.bounded(separators.size()));
            return out;
        };
        for (int i = 0; i < 400; ++i)
            texts.append({sentence(12), sentence(30)});
        texts.append({QString(), QString()});
        texts.append({u"\u0301 a \u0301"_s, u"SELECT 1"_s});
        texts.append({u"a "_s + QString(3000, u'x') + u" b"_s, u"c b a"_s});
        texts.append({u"word "_s.repeated(300), u"word select"_s});
        QString many;
        for (int i = 0; i < 20000; ++i)
            many += u"w"_s + QString::number(i % 500) + u' ';
        texts.append({many, u"w1 tail"_s});
        QString huge;
        for (int i = 0; i < 150000; ++i)
            huge += u"token"_s + QString::number(i) + u' ';
        texts.append({huge, u"tail"_s});

        QList<Pair> pairs;
        QList<DerivedFields> derived;
        // Fields made up here, stored as given: marked as found with the schema's settings (fields
        // found with others are analysed again inside the write, tst_pgfollowsettings).
        const QByteArray settings = storageDeriver(*s).settingsId();
        for (qsizetype i = 0; i < texts.size(); ++i) {
            Pair p;
            p.pairId = u"v-%1"_s.arg(i);
            p.naturalLanguageQuery = texts.at(i).first;
            p.sqlQuery = texts.at(i).second;
            p.timestamp = u"2024-05-01T10:00:00Z"_s;
            p.databaseType = u"postgresql"_s;
            pairs << p;
            DerivedFields d;
            d.ts = u"2024-05-01T10:00:00.000Z"_s;
            d.queryType = u"SELECT"_s;
            d.tableNamesJson = u"[\"t\"]"_s;
            d.piiMask = 5;
            d.questionLength = 7;
            d.sqlLength = 9;
            d.piiSettings = settings;
            derived << d;
        }
        const qsizetype half = pairs.size() / 2;
        Storage::PreparedBatch fresh = s->prepareBatch(pairs.mid(0, half), derived.mid(0, half));
        fresh.fresh = true;
        QCOMPARE(s->addPrepared(fresh, &error), half);
        QCOMPARE(s->addBatch(pairs.mid(half), derived.mid(half), &error), pairs.size() - half);

        // The expected values as SQL literals, sent on psql's standard input (the longest vector
        // is near 1 MB, past what one argument may hold).
        QString sql =
            u"CREATE TEMP TABLE e (id TEXT, v TEXT, exact TEXT, normalized TEXT); INSERT INTO e VALUES "_s;
        const auto literal = [](const QByteArray &text) -> QString {
            return u'\'' + QString::fromUtf8(text).replace(u'\'', u"''"_s) + u'\'';
        };
        for (qsizetype i = 0; i < pairs.size(); ++i) {
            const pg::DuplicateKeys keys = pg::duplicateKeys(pairs.at(i).naturalLanguageQuery,
                                                             pairs.at(i).sqlQuery, pairs.at(i).databaseType);
            sql += (i ? u", ("_s : u"("_s) + literal(pairs.at(i).pairId.toUtf8()) + u", "_s +
                   literal(pg::searchVector(pairs.at(i).naturalLanguageQuery, pairs.at(i).sqlQuery)) +
                   u", "_s + literal(keys.exact) + u", "_s + literal(keys.normalized) + u')';
        }
        sql +=
            u"; SELECT count(*), count(*) FILTER (WHERE p.search_vector = e.v::tsvector "
            "AND p.exact_key = e.exact::bytea AND p.normalized_key = e.normalized::bytea "
            "AND p.ts = '2024-05-01T10:00:00.000Z' AND p.query_type = 'SELECT' AND p.table_names = '[\"t\"]' "
            "AND p.pii_mask = 5 AND p.question_length = 7 AND p.sql_length = 9), "
            "coalesce(string_agg(e.id, ' ') FILTER (WHERE p.search_vector IS DISTINCT FROM e.v::tsvector), "
            "'') "
            "FROM e JOIN t_vec.pairs p ON p.pair_id = e.id;"_s;
        QProcess client;
        client.start(QStringLiteral(PAIRLENS_PSQL),
                     {m_url, u"-X"_s, u"-q"_s, u"-tA"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-f"_s, u"-"_s});
        QVERIFY(client.waitForStarted());
        client.write(sql.toUtf8());
        client.closeWriteChannel();
        QVERIFY(client.waitForFinished(120000));
        QCOMPARE(client.exitCode(), 0);
        const QString n = QString::number(pairs.size());
        QCOMPARE(QString::fromUtf8(client.readAllStandardOutput()).trimmed(), n + u'|' + n + u'|');
        // The cases meant to reach tsvector's limits did.
        QCOMPARE(psql(m_url,
                      u"SELECT length(search_vector) FROM t_vec.pairs WHERE pair_id IN ('v-403', 'v-404') "
                      "ORDER BY pair_id"_s),
                 u"2\n501"_s);
        QCOMPARE(
            psql(m_url,
                 u"SELECT array_length(tsvector_to_array(search_vector), 1) > 1000, "
                 "position('tail' IN search_vector::text) = 0 FROM t_vec.pairs WHERE pair_id = 'v-405'"_s),
            u"t|t"_s);
        psql(m_url, u"DROP SCHEMA IF EXISTS t_vec CASCADE"_s);
    }

    // PairLens speaks UTF-8 to a database in another encoding (LATIN1 here): what it stores is that
    // database's own characters (read right by psql, 14 characters and not the 17 of UTF-8's bytes
    // taken as Latin-1), what a recorder stores PairLens reads and searches right, and a character
    // the encoding lacks is refused in one sentence.
    void databaseInAnotherEncoding()
    {
        const QString dir = qEnvironmentVariable("PAIRLENS_PG_DIR");
        const QStringList admin = {
            u"-X"_s, u"-q"_s,       u"-tA"_s, u"-h"_s,      dir, u"-p"_s, readTrimmed(dir + u"/port"_s),
            u"-U"_s, u"postgres"_s, u"-d"_s,  u"postgres"_s};
        const auto asAdmin = [&](const QString &sql) {
            QProcess p;
            p.start(QStringLiteral(PAIRLENS_PSQL), admin + QStringList{u"-c"_s, sql});
            return p.waitForFinished(60000) && p.exitCode() == 0
                       ? QString()
                       : QString::fromUtf8(p.readAllStandardError());
        };
        QCOMPARE(asAdmin(u"DROP DATABASE IF EXISTS t_latin1"_s), QString());
        QCOMPARE(asAdmin(u"CREATE DATABASE t_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' "
                         "TEMPLATE template0 OWNER pairlens"_s),
                 QString());
        QUrl latin(m_url);
        latin.setPath(u"/t_latin1"_s);
        const QString psqlUrl = latin.toString() + u"?client_encoding=UTF8"_s;
        {
            QString error;
            auto s = PgStorage::open(withSchema(latin.toString(), u"t_enc"_s), &error);
            QVERIFY2(s, qPrintable(error));
            Pair p;
            p.pairId = u"umlauts"_s;
            p.naturalLanguageQuery = u"Grüße aus Köln"_s;
            p.sqlQuery = u"SELECT 'crème'"_s;
            QCOMPARE(s->addBatch({p},
                                 {defaultDeriver().derive(p.naturalLanguageQuery, p.sqlQuery, u""_s, u""_s,
                                                          p.pairId, {})},
                                 &error),
                     1);
            QCOMPARE(psql(psqlUrl,
                          u"SELECT length(natural_language_query), natural_language_query = "
                          "'Grüße aus Köln', sql_query FROM t_enc.pairs WHERE pair_id = 'umlauts'"_s),
                     u"14|t|SELECT 'crème'"_s);
            QCOMPARE(psql(psqlUrl, u"INSERT INTO t_enc.pairs (pair_id, natural_language_query, sql_query) "
                                   "VALUES ('recorded', 'Café für Zoë', 'SELECT 2')"_s),
                     QString());
            QCOMPARE(s->deriveMissing(defaultDeriver(), &error), 1);
            Filter search;
            search.search = u"zoe"_s;
            QList<Pair> page;
            QVERIFY2(s->page(search, 10, 0, &page, &error), qPrintable(error));
            QCOMPARE(page.size(), 1);
            QCOMPARE(page.first().naturalLanguageQuery, u"Café für Zoë"_s);

            p.pairId = u"tokyo"_s;
            p.naturalLanguageQuery = u"Kunden in 東京"_s;
            QCOMPARE(s->addBatch({p}, &error), -1);
            QVERIFY2(error.contains(u"has no equivalent in encoding \"LATIN1\""_s) && !error.contains(u'\n'),
                     qPrintable(error));
            QCOMPARE(s->count(&error), 2);
        }
        QCOMPARE(asAdmin(u"DROP DATABASE t_latin1"_s), QString());
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
        psql(m_url, u"DROP SCHEMA IF EXISTS t_first CASCADE; DROP SCHEMA IF EXISTS t_other CASCADE; DROP "
                    u"SCHEMA IF EXISTS t_v1 CASCADE; DROP SCHEMA IF EXISTS t_v2 CASCADE; "
                    "DROP SCHEMA IF EXISTS t_cur CASCADE"_s);
    }
};

QTEST_GUILESS_MAIN(TstPgStorage)
#include "tst_pgstorage.moc"
