// The bulk load of an import into an empty PostgreSQL schema (PgStorage::beginBulkLoad(), issue 18)
// against the real PostgreSQL 15 of the CTest fixture pg_cluster: the search and time indexes are
// left out while the pairs are copied and built once at the end; a load that dies in between
// (its connection ends, a killed `pairlens import`) leaves them for the next open to build.
#include "pgtestutil.h"
#include "storage/pgstorage.h"
#include "storage/storageimport.h"

#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace pairlens;
using namespace Qt::StringLiterals;
using pairlens::test::psql;

class TstPgBulk : public QObject
{
    Q_OBJECT

    test::PgServer m_server;
    QTemporaryDir m_dir;
    QString m_schema; // each test's own, dropped after it

    QString url(const QString &schema) const { return m_server.owner + u"?schema="_s + schema; }

    // `count` JSON Lines records, every fifth one asking about refunds, pair_ids from `first` on.
    QString writeJsonl(const QString &name, int first, int count)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        for (int i = first; i < first + count; ++i) {
            const QString word = i % 5 == 0 ? u"refunded"_s : u"shipped"_s;
            f.write(
                uR"({"pair_id": "bulk-%1", "natural_language_query": "Which orders were %2 on day %3?", )"
                uR"("sql_query": "SELECT id FROM orders WHERE status = '%2' AND day = %3;", )"
                uR"("timestamp": "2026-0%4-1%5T10:00:00Z", "database_type": "postgresql", "success": true})"
                u"\n"_s.arg(i)
                    .arg(word)
                    .arg(i % 28)
                    .arg(1 + i % 9)
                    .arg(i % 10)
                    .toUtf8());
        }
        return path;
    }

    // Imports `count` such records through importIntoStorage(); true when every one was added.
    bool importRecords(PgStorage &storage, const QString &name, int first, int count)
    {
        const ImportReport r =
            importIntoStorage(storage, writeJsonl(name, first, count), ImportFormat::Auto, {});
        if (r.fatalError.isEmpty() && r.added == count)
            return true;
        qWarning("%s: %s (%lld added)", qPrintable(name), qPrintable(r.fatalError), r.added);
        return false;
    }

    // The two indexes a bulk load rebuilds, by object id ("-" when missing).
    QString indexes(const QString &schema)
    {
        return psql(m_server.owner,
                    u"SELECT coalesce(to_regclass('%1.pairs_search')::oid::text, '-') || ' ' || "
                    "coalesce(to_regclass('%1.pairs_live_ts')::oid::text, '-')"_s.arg(schema));
    }
    QString definitions(const QString &schema) { return test::bulkIndexDefinitions(m_server.owner, schema); }
    static bool missing(const QString &oids) { return oids.contains(u'-'); }
    // True once no session holds the test schema's bulk-load lock: the backend of a process that
    // ended (killed, or closed its connection) lets it go only when the server has noticed, which
    // may come after the process is gone.
    bool bulkLockFree()
    {
        const QString key = u"hashtext('pairlens-bulk'), hashtext('\"%1\"')"_s.arg(m_schema);
        return psql(m_server.owner,
                    u"SELECT pg_try_advisory_lock(%1) AND pg_advisory_unlock(%1)"_s.arg(key)) == u"t"_s;
    }

private slots:
    void initTestCase()
    {
        m_server = test::pgServer();
        QVERIFY2(m_server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        QVERIFY(m_dir.isValid());
    }
    void init() { m_schema = test::uniqueSchema(u"t_bulk"_s); }
    void cleanup() { psql(m_server.owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema)); }

    void importIntoAnEmptySchemaBuildsTheIndexesOnceAtTheEnd()
    {
        QString error;
        auto storage = PgStorage::open(url(m_schema), &error);
        QVERIFY2(storage, qPrintable(error));
        const QString expected = definitions(m_schema);
        QVERIFY2(expected.contains(u"USING gin (search_vector)"_s), qPrintable(expected));
        const QString before = indexes(m_schema);
        QVERIFY2(!missing(before), qPrintable(before));

        QVERIFY(importRecords(*storage, u"a.jsonl"_s, 0, 3000));
        // Built again (new objects), with the definitions the schema's DDL gives them.
        const QString after = indexes(m_schema);
        QVERIFY2(!missing(after), qPrintable(after));
        QVERIFY2(after.section(u' ', 0, 0) != before.section(u' ', 0, 0),
                 qPrintable(before + u" / "_s + after));
        QVERIFY2(after.section(u' ', 1, 1) != before.section(u' ', 1, 1),
                 qPrintable(before + u" / "_s + after));
        QCOMPARE(definitions(m_schema), expected);
        // ... and used: the search reads the GIN index, the newest first page the time index.
        Filter refunded;
        refunded.search = u"refunded"_s;
        QCOMPARE(storage->count(refunded, &error), 600);
        const QString plan =
            psql(m_server.owner,
                 u"SET enable_seqscan = off; EXPLAIN SELECT id FROM %1.pairs WHERE search_vector @@ "
                 "to_tsquery('simple', 'refunded')"_s.arg(m_schema));
        QVERIFY2(plan.contains(u"pairs_search"_s), qPrintable(plan));

        // A second import finds pairs: nothing is dropped, the new pairs enter the indexes as they come.
        QVERIFY(importRecords(*storage, u"b.jsonl"_s, 3000, 500));
        QCOMPARE(indexes(m_schema), after);
        QCOMPARE(storage->count(refunded, &error), 700);
        storage.reset();
    }

    void aReaderKeepingATransactionOpenOnlyCostsTheBulkLoad()
    {
        // A session idle in a transaction that read the table (ACCESS SHARE) would hold the drop of
        // the indexes, and the import behind it, until it ends: the import gives the drop 2 s and
        // then adds its pairs the ordinary way.
        QString error;
        auto storage = PgStorage::open(url(m_schema), &error);
        QVERIFY2(storage, qPrintable(error));
        const QString before = indexes(m_schema);
        test::TableLock reader(m_server.owner, m_schema + u".pairs"_s, u"ACCESS SHARE"_s);
        QVERIFY(reader.held());
        QVERIFY(importRecords(*storage, u"c.jsonl"_s, 0, 200));
        QCOMPARE(indexes(m_schema), before);
        reader.release();
        storage.reset();
    }

    void aLoadThatEndsWithoutBuildingLeavesThemToTheNextOpen()
    {
        QString error;
        auto loading = PgStorage::open(url(m_schema), &error);
        QVERIFY2(loading, qPrintable(error));
        QVERIFY(loading->beginBulkLoad());
        QVERIFY(missing(indexes(m_schema)));
        QCOMPARE(psql(m_server.owner, u"INSERT INTO %1.pairs (natural_language_query, sql_query) VALUES "
                                      "('recorded meanwhile', 'SELECT 1')"_s.arg(m_schema)),
                 QString());
        // Another open while the load holds the schema's bulk-load lock leaves the indexes to it,
        // and reads right meanwhile (without them).
        QVERIFY(!bulkLockFree());
        {
            auto other = PgStorage::open(url(m_schema), &error);
            QVERIFY2(other, qPrintable(error));
            QCOMPARE(other->count(&error), 1);
            QVERIFY(missing(indexes(m_schema)));
            QVERIFY(!other->beginBulkLoad()); // the table is not empty, and the lock is taken
        }
        // The loading process dies (its connection ends). The read-only role may not build the
        // indexes and reads without them; the owner's next open builds them.
        loading.reset();
        QTRY_VERIFY_WITH_TIMEOUT(bulkLockFree(), 30000);
        QVERIFY(missing(indexes(m_schema)));
        QCOMPARE(
            psql(m_server.owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN "
                                 "SCHEMA %1 TO pairlens_ro"_s.arg(m_schema)),
            QString());
        {
            auto reader = PgStorage::open(m_server.readOnly + u"?schema="_s + m_schema, &error);
            QVERIFY2(reader, qPrintable(error));
            QCOMPARE(reader->count(&error), 1);
            QVERIFY(missing(indexes(m_schema)));
        }
        auto next = PgStorage::open(url(m_schema), &error);
        QVERIFY2(next, qPrintable(error));
        QVERIFY2(!missing(indexes(m_schema)), qPrintable(indexes(m_schema)));
        QCOMPARE(next->count(&error), 1);
        next.reset();
    }

    void aServerRestartDuringTheBuildsBuildsThemAgain()
    {
        // Both builds wait for a session that holds the table in ROW EXCLUSIVE mode; their backends
        // are ended there, as a server restart ends them. The load builds them once more on new
        // connections under the bulk-load lock taken again.
        QString error;
        auto storage = PgStorage::open(url(m_schema), &error);
        QVERIFY2(storage, qPrintable(error));
        QVERIFY(storage->beginBulkLoad());
        QVERIFY(missing(indexes(m_schema)));
        QCOMPARE(psql(m_server.owner, u"INSERT INTO %1.pairs (natural_language_query, sql_query) VALUES "
                                      "('loaded', 'SELECT 1')"_s.arg(m_schema)),
                 QString());
        auto writer =
            std::make_unique<test::TableLock>(m_server.owner, m_schema + u".pairs"_s, u"ROW EXCLUSIVE"_s);
        QVERIFY(writer->held());
        bool built = false;
        QString why;
        std::unique_ptr<QThread> end(QThread::create([&] { built = storage->endBulkLoad(&why); }));
        end->start();
        const auto finish = qScopeGuard([&] { // also when a check fails: never a thread left waiting
            writer.reset();
            end->wait(60000);
        });
        // The builds of this schema waiting for the lock.
        const auto waiting = [this](const QString &what) {
            return psql(m_server.owner, u"SELECT "_s + what +
                                            u" FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
                                            "query LIKE 'CREATE INDEX%' AND query LIKE '%"_s +
                                            m_schema + u"%'"_s);
        };
        QTRY_COMPARE_WITH_TIMEOUT(waiting(u"count(*)"_s), u"2"_s, 30000);
        const QString ended = waiting(u"string_agg(pid::text, ',')"_s);
        QCOMPARE(waiting(u"count(*) FILTER (WHERE pg_terminate_backend(pid))"_s), u"2"_s);
        // The second run waits for the same session on new backends, then builds once it ends.
        QTRY_VERIFY_WITH_TIMEOUT(
            waiting(u"count(*)"_s) == u"2"_s && waiting(u"string_agg(pid::text, ',')"_s) != ended, 30000);
        writer.reset();
        QVERIFY(end->wait(60000));
        QVERIFY2(built, qPrintable(why));
        QVERIFY2(!missing(indexes(m_schema)), qPrintable(indexes(m_schema)));
        QTRY_VERIFY_WITH_TIMEOUT(bulkLockFree(), 30000);
        storage.reset();
    }

    void aKilledImportLosesNoBatchAndItsIndexesComeBack()
    {
        // A real `pairlens import` killed (SIGKILL) while it loads: the pairs of the batches it
        // committed stay, and the next open (here `pairlens stats`) builds the indexes.
        const QString file = writeJsonl(u"big.jsonl"_s, 0, 200000);
        QProcess import;
        import.start(QStringLiteral(PAIRLENS_EXE), {u"import"_s, url(m_schema), file});
        QVERIFY(import.waitForStarted());
        // Killed once some batches are in (or when it ends first on a fast machine).
        QElapsedTimer waited;
        waited.start();
        qint64 inside = 0;
        while (waited.elapsed() < 60000 && import.state() == QProcess::Running) {
            const QString n = psql(m_server.owner, u"SELECT count(*) FROM %1.pairs"_s.arg(m_schema));
            inside = n.toLongLong();
            if (inside > 0)
                break;
            QTest::qWait(20);
        }
        const bool killed = import.state() == QProcess::Running;
        if (killed) {
            QVERIFY(missing(indexes(m_schema)));
            import.kill();
        }
        import.waitForFinished();
        QTRY_VERIFY_WITH_TIMEOUT(bulkLockFree(), 30000);
        const qint64 committed =
            psql(m_server.owner, u"SELECT count(*) FROM %1.pairs"_s.arg(m_schema)).toLongLong();
        QVERIFY(committed >= inside);
        QVERIFY(committed > 0);
        QProcess stats;
        stats.start(QStringLiteral(PAIRLENS_EXE), {u"stats"_s, url(m_schema), u"--json"_s});
        QVERIFY(stats.waitForFinished(120000));
        QCOMPARE(stats.exitCode(), 0);
        QVERIFY2(!missing(indexes(m_schema)), qPrintable(indexes(m_schema)));
        // Every committed pair is whole (derived fields, search words) and found through the index.
        QCOMPARE(psql(m_server.owner,
                      u"SELECT count(*) FROM %1.pairs WHERE query_type IS NULL OR search_vector IS "
                      "NULL"_s.arg(m_schema)),
                 u"0"_s);
        QString error;
        auto s = PgStorage::open(url(m_schema), &error);
        QVERIFY2(s, qPrintable(error));
        Filter refunded;
        refunded.search = u"refunded"_s;
        const qint64 expected =
            psql(m_server.owner, u"SELECT count(*) FROM %1.pairs WHERE natural_language_query "
                                 "LIKE '%refunded%'"_s.arg(m_schema))
                .toLongLong();
        QCOMPARE(s->count(refunded, &error), expected);
        s.reset();
    }
};

QTEST_GUILESS_MAIN(TstPgBulk)
#include "tst_pgbulk.moc"
