// A PostgreSQL dataset's writers store the PII kinds of the privacy settings as they are when they
// write, as a dataset file's do (tst_followsettings.cpp): pairs analysed before another program
// changed the settings, and written after that change's rescan passed, are found again inside the
// write transaction (under the schema's settings lock), and a rescan overtaken by another change
// starts over. Two PgStorage connections to the pg_cluster fixture's server stand for two programs.
#include "pgtestutil.h"
#include "testutil.h"
#include "ticketpairs.h"

#include "dataset/importer.h"
#include "privacy/anonymizer.h"
#include "privacy/piikind.h"
#include "server/serverstore.h"
#include "storage/pgstorage.h"
#include "storage/storageimport.h"
#include "storage/storageprivacy.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using pairlens::test::psql;

using test::kTicketQuestion;
using test::ticketPair;
constexpr quint32 kCustom = test::kCustomKind;

class TstPgFollowSettings : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_owner;                     // the owner's URL (psql)
    QString m_schema;                    // this test function's schema
    std::unique_ptr<PgStorage> m_writer; // the program that writes pairs
    std::unique_ptr<PgStorage> m_other;  // the program that changes the settings

    // Adds (`add`) or removes the ticket pattern through the other connection (with its rescan).
    void changePatternElsewhere(bool add)
    {
        QHash<QString, QString> settings;
        QString error;
        QVERIFY2(m_other->readSettings(&settings, &error), qPrintable(error));
        QVERIFY2(savePrivacySettings(*m_other, test::withTicketPattern(settings, add), &error) >= 0,
                 qPrintable(error));
    }
    // The pairs whose kinds hold (`withCustom`) or lack the custom kind, read by psql.
    qint64 countCustom(bool withCustom)
    {
        const QString n = psql(
            m_owner, u"SELECT count(*) FROM %1.pairs WHERE (coalesce(pii_mask, 0) & %2) %3 0"_s.arg(m_schema)
                         .arg(kCustom)
                         .arg(withCustom ? u"<>"_s : u"="_s));
        bool ok = false;
        const qint64 v = n.toLongLong(&ok);
        return ok ? v : -1;
    }

    // Stores `pairs` through the writer, analysed with the schema's settings as they are now.
    void addAnalysed(const QList<Pair> &pairs)
    {
        const Deriver deriver = storageDeriver(*m_writer);
        QList<DerivedFields> derived;
        for (const Pair &p : pairs)
            derived << deriver.derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp, p.databaseType,
                                      p.pairId);
        QString error;
        QCOMPARE(m_writer->addBatch(pairs, derived, &error), qint64(pairs.size()));
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

private slots:
    void initTestCase()
    {
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_owner = server.owner;
    }

    void init()
    {
        m_schema = pairlens::test::uniqueSchema(u"t_follow"_s);
        const QString url = m_owner + u"?schema="_s + m_schema;
        QString error;
        m_writer = PgStorage::open(url, &error);
        QVERIFY2(m_writer, qPrintable(error));
        m_other = PgStorage::open(url, &error);
        QVERIFY2(m_other, qPrintable(error));
    }

    void cleanup()
    {
        m_writer.reset();
        m_other.reset();
        psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema));
    }

    void pairsAnalysedBeforeAChangeAreWrittenWithIt()
    {
        // As the server's writer, the window and `pairlens demo` do: analysed, then written.
        const Deriver deriver = storageDeriver(*m_writer);
        const Pair first = ticketPair(u"first"_s);
        const DerivedFields before = deriver.derive(first.naturalLanguageQuery, first.sqlQuery,
                                                    first.timestamp, first.databaseType, first.pairId);
        QCOMPARE(before.piiMask & kCustom, 0u);
        changePatternElsewhere(true); // its rescan is over before the pair is written
        if (QTest::currentTestFailed())
            return;
        QString error;
        QCOMPARE(m_writer->addBatch({first}, {before}, &error), qint64(1));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(countCustom(true), qint64(1));

        // Through the staging table (a pair_id that may be stored) and the other way round.
        QVERIFY(deriver.refresh(&error));
        const Pair second = ticketPair(u"second"_s);
        const DerivedFields with = deriver.derive(second.naturalLanguageQuery, second.sqlQuery,
                                                  second.timestamp, second.databaseType, second.pairId);
        QCOMPARE(with.piiMask & kCustom, kCustom);
        changePatternElsewhere(false);
        if (QTest::currentTestFailed())
            return;
        qint64 taken = -1;
        QCOMPARE(m_writer->addBatch({second}, {with}, &error, &taken), qint64(1));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(countCustom(true), qint64(0));

        // An edit analysed before the pattern came back.
        const DerivedFields edited =
            deriver.derive(kTicketQuestion, u"SELECT 2"_s, first.timestamp, first.databaseType, first.pairId);
        changePatternElsewhere(true);
        if (QTest::currentTestFailed())
            return;
        const qint64 row =
            psql(m_owner, u"SELECT id FROM %1.pairs WHERE pair_id = 'first'"_s.arg(m_schema)).toLongLong();
        QVERIFY2(m_writer->updateText(row, kTicketQuestion, u"SELECT 2"_s, edited, &error),
                 qPrintable(error));
        QCOMPARE(psql(m_owner,
                      u"SELECT (pii_mask & %1) <> 0 FROM %2.pairs WHERE pair_id = 'first'"_s.arg(kCustom).arg(
                          m_schema)),
                 u"t"_s);
    }

    void anImportFollowsAChangeMadeWhileItRuns()
    {
        const QString jsonl = m_dir.filePath(u"%1.jsonl"_s.arg(m_schema));
        constexpr int kPairs = 40000;
        QVERIFY(test::writeTicketLines(jsonl, kPairs));
        int reports = 0;
        const Progress progress([&](qint64 done, qint64 total, const QString &) {
            if (++reports == 1 && done < total)
                changePatternElsewhere(true);
        });
        const ImportReport report = importIntoStorage(*m_writer, jsonl, ImportFormat::Auto, progress);
        QVERIFY2(report.fatalError.isEmpty(), qPrintable(report.fatalError));
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY(reports > 2); // the change came before most of the file was written
        QCOMPARE(report.added, qint64(kPairs));
        QCOMPARE(countCustom(false), qint64(0));
        QCOMPARE(countCustom(true), qint64(kPairs));
    }

    void aRescanOvertakenByAnotherChangeStartsOver()
    {
        // 12,000 ticket pairs; the writer adds the pattern and rescans them in batches; after the
        // first batch the other program removes it again (and runs its own rescan to the end).
        constexpr int kPairs = 12000;
        QList<Pair> pairs;
        for (int i = 0; i < kPairs; ++i)
            pairs << ticketPair(u"r%1"_s.arg(i));
        addAnalysed(pairs);
        if (QTest::currentTestFailed())
            return;
        QString error;
        QHash<QString, QString> settings;
        QVERIFY2(m_writer->readSettings(&settings, &error), qPrintable(error));
        const privacy::Config config = test::withTicketPattern(settings, true);
        int reports = 0;
        const qint64 changed = savePrivacySettings(*m_writer, config, &error, [&](qint64 done, qint64 total) {
            if (++reports == 1 && done < total)
                changePatternElsewhere(false);
            return true;
        });
        QVERIFY2(changed >= 0, qPrintable(error));
        QVERIFY(!QTest::currentTestFailed());
        QVERIFY(reports > 1);
        // The settings are the other program's (no pattern), and so are the kinds.
        QCOMPARE(countCustom(true), qint64(0));
        QVERIFY2(m_writer->readSettings(&settings, &error), qPrintable(error));
        QVERIFY(!settings.contains(Deriver::kRescanPendingKey));
    }

    void aServerStoresAndAnswersTheKindsOfAChangeMadeMeanwhile()
    {
        // The server's writer analyses a group of POSTs with its store's deriver, then adds them; a
        // change of the settings committed in between is found inside the add, and the answers
        // (server::writeGroup(), through Deriver::currentFor()) read the kinds with deriver(),
        // which then follows that change too.
        const QString url = m_owner + u"?schema="_s + m_schema;
        QString error;
        std::unique_ptr<Storage> storage = PgStorage::open(url, &error);
        QVERIFY2(storage, qPrintable(error));
        const std::unique_ptr<server::ServerStore> store =
            server::storageServerStore(std::move(storage), [url](QString *e) -> std::unique_ptr<Storage> {
                return PgStorage::open(url, e);
            });
        const Pair posted = ticketPair(u"posted"_s);
        const DerivedFields before =
            store->deriver().derive(posted.naturalLanguageQuery, posted.sqlQuery, posted.timestamp,
                                    posted.databaseType, posted.pairId);
        QCOMPARE(before.piiMask & kCustom, 0u);
        changePatternElsewhere(true);
        if (QTest::currentTestFailed())
            return;
        const PairStore::AddResult added = store->add({posted}, {before}, true, true);
        QVERIFY2(added.error.isEmpty(), qPrintable(added.error));
        QCOMPARE(added.added, qint64(1));
        QCOMPARE(countCustom(true), qint64(1));
        QCOMPARE(store->deriver().currentFor(before, posted).piiMask & kCustom, kCustom);
    }

    void aRescanKeepsTheKindsOfAnEditMadeMeanwhile()
    {
        // The pattern is set and two ticket pairs are stored without its kind (as analysed before
        // it); the rescan reads them outside any transaction, then updates the changed kinds. Another
        // session has edited "victim" to a text without a ticket number and reviewed "other", not yet
        // committed: it commits once the rescan's update waits for those rows. The edit keeps its
        // kinds; the reviewed pair, whose texts did not change, gets the pattern's.
        changePatternElsewhere(true);
        if (QTest::currentTestFailed())
            return;
        addAnalysed({ticketPair(u"victim"_s), ticketPair(u"other"_s)});
        if (QTest::currentTestFailed())
            return;
        psql(m_owner, u"UPDATE %1.pairs SET pii_mask = 0"_s.arg(m_schema));
        QCOMPARE(countCustom(true), qint64(0));

        test::PsqlSession editor(m_owner);
        editor.send(u"BEGIN; UPDATE %1.pairs SET natural_language_query = 'How many tickets are closed?', "
                    "sql_query = 'SELECT count(*) FROM tickets', pii_mask = 0 WHERE pair_id = 'victim'; "
                    "UPDATE %1.pairs SET review_status = 1 WHERE pair_id = 'other'; "
                    "SELECT 'edited';\n"
                    // Commits when a session waits for this one (at most 30 s).
                    "DO $$ BEGIN FOR i IN 1..3000 LOOP EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity "
                    "WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))); PERFORM pg_sleep(0.01); "
                    "END LOOP; END $$; COMMIT;\n"_s.arg(m_schema)
                        .toUtf8());
        QVERIFY2(editor.waitFor("edited"), editor.errors().constData());

        QString error;
        const qint64 changed = m_writer->rescanPii(storageDeriver(*m_writer), {}, &error);
        QVERIFY2(changed >= 0, qPrintable(error));
        QCOMPARE(editor.finish(), 0);
        QCOMPARE(psql(m_owner, u"SELECT natural_language_query || ' ' || (pii_mask & %1) FROM %2.pairs WHERE "
                               "pair_id = 'victim'"_s.arg(kCustom)
                                   .arg(m_schema)),
                 u"How many tickets are closed? 0"_s); // the edit's kinds, not those of the old text
        QCOMPARE(countCustom(true), qint64(1));
        QCOMPARE(changed, qint64(1));
    }
};

QTEST_GUILESS_MAIN(TstPgFollowSettings)
#include "tst_pgfollowsettings.moc"
