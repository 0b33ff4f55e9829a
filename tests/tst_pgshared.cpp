// Several people at once on one PostgreSQL dataset (issue 18), against the real PostgreSQL 15 of
// the CTest fixture pg_cluster: change notification (a recorder's INSERT, deletes and reviews made
// by another process are announced to a listening store), a lost connection (the store's backend
// ended by an administrator: reads go on, a write runs once more on the new connection, a second
// loss says so in one sentence, and nothing is half-done or done twice), and concurrent edits of
// one pair.
#include "pgtestutil.h"
#include "storage/pgstorage.h"

#include "testutil.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QTest>
#include <QThread>
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

    // What an administrator does to a connection (the server restarting does the same to all of
    // them): ends its backend with pg_terminate_backend(), then waits until it is gone. The shared
    // cluster itself is never restarted (other tests use it meanwhile).
    void endBackend(int pid)
    {
        QVERIFY(pid > 0);
        QCOMPARE(psql(m_owner, u"SELECT pg_terminate_backend(%1)"_s.arg(pid)), u"t"_s);
        QTRY_COMPARE_WITH_TIMEOUT(
            psql(m_owner, u"SELECT count(*) FROM pg_stat_activity WHERE pid = %1"_s.arg(pid)), u"0"_s, 30000);
    }

    // The sentences of a lost connection to the fixture's server.
    QString lost() const
    {
        const QUrl url(m_owner);
        return u"The connection to the PostgreSQL server at %1:%2 was lost; PairLens reconnected. Nothing "
               u"was "
               "changed; try again."_s.arg(url.host())
                   .arg(url.port());
    }
    QString lostInCommit() const
    {
        const QUrl url(m_owner);
        return u"The connection to the PostgreSQL server at %1:%2 was lost while the change was being "
               "committed; PairLens reconnected. Whether the change was made is unknown: look before trying "
               "again."_s.arg(url.host())
                   .arg(url.port());
    }

    // A psql session (another process) holding a transaction-level advisory lock until release().
    struct LockHolder
    {
        QProcess psql;
        QString key;
        void hold(const QString &url, const QString &lockKey)
        {
            key = lockKey;
            psql.start(QStringLiteral(PAIRLENS_PSQL), {url, u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s});
            psql.waitForStarted();
            psql.write(u"BEGIN; SELECT pg_advisory_xact_lock(hashtext('%1'));\n"_s.arg(key).toUtf8());
        }
        void release()
        {
            psql.write("COMMIT;\n");
            psql.closeWriteChannel();
            psql.waitForFinished(30000);
        }
    };
    // The backends waiting for (granted false) or holding the advisory lock `key`.
    QString lockPids(const QString &key, bool granted)
    {
        return psql(m_owner,
                    u"SELECT coalesce(string_agg(pid::text, ','), '') FROM pg_locks WHERE "
                    "locktype = 'advisory' AND granted = %1 AND objid::bigint = "
                    "(hashtext('%2')::bigint & 4294967295)"_s.arg(granted ? u"true"_s : u"false"_s, key));
    }
    QString auditCount() { return psql(m_owner, u"SELECT count(*) FROM %1.audit_log"_s.arg(m_schema)); }

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
        QCOMPARE(s->formatVersion(), PgStorage::kFormatVersion);
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
        // Its own changes are not announced to it (PostgreSQL delivers a session's own notification
        // with its COMMIT, so it would be counted at once), as a file's data_version leaves out its
        // own connection's commits ...
        QCOMPARE(s->deriveMissing(defaultDeriver(), &error), 2);
        QCOMPARE(s->takeChanges(&error), 0);
        // ... and another program's change that arrives with one of its own is still announced (a
        // window missed a plain UPDATE when its own review's notification came in the same poll).
        QCOMPARE(s->setReviewStatus(Filter(), ReviewStatus::Rejected, &error), 2);
        QCOMPARE(
            psql(m_owner, u"UPDATE %1.pairs SET reviewer_note = 'by psql' WHERE natural_language_query = "
                          "'list dogs'"_s.arg(m_schema)),
            QString());
        QCOMPARE(waitForChanges(*s, &error), 1);
        QCOMPARE(s->setReviewStatus(Filter(), ReviewStatus::Unreviewed, &error), 2);
        QCOMPARE(s->takeChanges(&error), 0);

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
        // that it announces nothing; the owner's open adds the trigger and sets the current version.
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
                     "the next open by a role that may change it brings it to version %2."_s.arg(schema)
                         .arg(PgStorage::kFormatVersion));
        }
        auto owner = open(m_owner + u"?schema="_s + schema);
        QVERIFY(owner);
        QCOMPARE(owner->formatVersion(), PgStorage::kFormatVersion);
        QCOMPARE(psql(m_owner, u"SELECT value FROM %1.settings WHERE key = 'format_version'"_s.arg(schema)),
                 QString::number(PgStorage::kFormatVersion));
        QVERIFY2(owner->listenForChanges(&error), qPrintable(error));
        QCOMPARE(psql(m_owner, u"INSERT INTO %1.pairs (sql_query) VALUES ('SELECT 5')"_s.arg(schema)),
                 QString());
        QCOMPARE(waitForChanges(*owner, &error), 1);
        psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(schema));
    }

    void readsGoOnAfterTheConnectionIsLost()
    {
        auto s = open(m_url);
        QVERIFY(s);
        QString error;
        QVERIFY2(s->listenForChanges(&error), qPrintable(error));
        const qint64 total = s->count(Filter(), &error);
        QVERIFY2(total > 0, qPrintable(error));

        // Each read is run again on a new connection, as if nothing had happened.
        int pid = s->backendPid();
        endBackend(pid);
        QCOMPARE(s->count(Filter(), &error), total);
        QVERIFY(s->backendPid() != pid);
        // What changed meanwhile was not announced: the listener hears of it as one change, and
        // listens again.
        QCOMPARE(s->takeChanges(&error), 1);
        QCOMPARE(s->takeChanges(&error), 0);
        QCOMPARE(psql(m_owner, u"INSERT INTO %1.pairs (sql_query) VALUES ('SELECT 6')"_s.arg(m_schema)),
                 QString());
        QCOMPARE(waitForChanges(*s, &error), 1);
        QVERIFY(s->deriveMissing(defaultDeriver(), &error) >= 0);
        QCOMPARE(s->takeChanges(&error), 0); // its own analysis: not announced to itself
        const qint64 live = s->count(Filter(), &error);

        endBackend(s->backendPid());
        QList<Pair> page;
        QVERIFY2(s->page(Filter(), 100, 0, &page, &error), qPrintable(error));
        QCOMPARE(page.size(), live);
        endBackend(s->backendPid());
        Statistics stats;
        QVERIFY2(s->statistics(Filter(), &stats, &error), qPrintable(error));
        QCOMPARE(stats.totalPairs, live);
        endBackend(s->backendPid());
        auto rows = s->readRows(Filter(), &error);
        QVERIFY2(rows, qPrintable(error));
        qint64 read = 0;
        while (rows->fetch(100, [&](const StoredRow &) { ++read; }) > 0) {
        }
        QVERIFY2(rows->errorString().isEmpty(), qPrintable(rows->errorString()));
        QCOMPARE(read, live);
        rows.reset();
        endBackend(s->backendPid());
        QList<Storage::AuditEntry> log;
        QVERIFY2(s->auditLog(10, &log, &error), qPrintable(error));
        QVERIFY(!log.isEmpty());
        endBackend(s->backendPid());
        QVERIFY(!test::storedSettings(*s).isEmpty());

        // Those reads reconnected while listening: one change, for all of them.
        QCOMPARE(s->takeChanges(&error), 1);
        QCOMPARE(s->takeChanges(&error), 0);

        // A poll that finds the connection lost reconnects and listens again, and answers one change
        // (read everything again) without a sentence: nothing of the caller's was stopped.
        const int before = s->backendPid();
        endBackend(before);
        error.clear();
        QCOMPARE(s->takeChanges(&error), 1);
        QCOMPARE(error, QString());
        QVERIFY(s->backendPid() != before && s->backendPid() > 0);
        QCOMPARE(s->takeChanges(&error), 0);
        QCOMPARE(psql(m_owner, u"INSERT INTO %1.pairs (sql_query) VALUES ('SELECT 7')"_s.arg(m_schema)),
                 QString());
        QCOMPARE(waitForChanges(*s, &error), 1);
    }

    void aWriteRunsOnceMoreAfterALostConnection()
    {
        // The backend is ended while the store is idle (what a server restart does): the write's
        // first statement finds the connection gone, PairLens reconnects, and the whole write runs
        // again on the new connection, exactly once.
        auto s = open(m_url);
        QVERIFY(s);
        QString error;
        QVERIFY(s->deriveMissing(defaultDeriver(), &error) >= 0);
        Filter one;
        one.pairIds = {u"from-import"_s};
        const auto audits = [this] { return auditCount().toInt(); };
        const int before = audits();

        int pid = s->backendPid();
        endBackend(pid);
        QCOMPARE(s->setReviewStatus(one, ReviewStatus::Approved, &error), 1);
        QVERIFY(s->backendPid() != pid);
        QCOMPARE(audits(), before + 1);
        QCOMPARE(psql(m_owner,
                      u"SELECT review_status FROM %1.pairs WHERE pair_id = 'from-import'"_s.arg(m_schema)),
                 u"1"_s);

        // A pair without a pair_id gets a new one from the server: added twice, it would be two rows.
        QList<Pair> pairs(2);
        pairs[0].pairId = u"after-loss"_s;
        pairs[0].sqlQuery = u"SELECT 8"_s;
        pairs[1].sqlQuery = u"SELECT 'no pair_id'"_s;
        const qint64 stored = s->count(&error);
        endBackend(pid = s->backendPid());
        QCOMPARE(s->addBatch(pairs, &error), 2);
        QVERIFY(s->backendPid() != pid);
        QCOMPARE(s->count(&error), stored + 2);
        QCOMPARE(
            psql(m_owner,
                 u"SELECT count(*) FROM %1.pairs WHERE sql_query = 'SELECT ''no pair_id'''"_s.arg(m_schema)),
            u"1"_s);

        endBackend(s->backendPid());
        const auto deleted = s->softDelete(one, &error);
        QVERIFY2(deleted && deleted->count == 1, qPrintable(error));
        QCOMPARE(audits(), before + 2);
        endBackend(s->backendPid());
        QCOMPARE(s->restoreBatch(deleted->batch, &error), 1);
        QCOMPARE(audits(), before + 3);
        QCOMPARE(psql(m_owner, u"INSERT INTO %1.pairs (sql_query) VALUES ('SELECT 9')"_s.arg(m_schema)),
                 QString());
        const QString underived =
            psql(m_owner, u"SELECT count(*) FROM %1.pairs WHERE normalized_key IS NULL"_s.arg(m_schema));
        QCOMPARE(underived, u"3"_s); // the two added by addBatch() and the recorder's
        endBackend(s->backendPid());
        QCOMPARE(s->deriveMissing(defaultDeriver(), &error), 3);
        endBackend(s->backendPid());
        QVERIFY2(s->updateSettings({{u"test.after_loss"_s, u"kept"_s}}, u"settings"_s, {}, &error),
                 qPrintable(error));
        QCOMPARE(audits(), before + 4);
        QCOMPARE(
            psql(m_owner, u"SELECT value FROM %1.settings WHERE key = 'test.after_loss'"_s.arg(m_schema)),
            u"kept"_s);
    }

    void anInterruptedWriteIsNotHalfDone()
    {
        // The write waits for the curation lock inside its transaction (a psql session holds it);
        // its backend is ended there. PostgreSQL rolls the transaction back: nothing changed. The
        // write runs once more on a new connection and waits again; that backend is ended too: the
        // second loss is said in one sentence.
        auto s = open(m_url);
        QVERIFY(s);
        const int pid = s->backendPid();
        const QString key = u"pairlens-curate:"_s + m_schema;
        LockHolder holder;
        holder.hold(m_owner, key);
        QTRY_VERIFY_WITH_TIMEOUT(!lockPids(key, true).isEmpty(), 30000);
        const QString before = auditCount();
        qint64 result = 0;
        QString error;
        std::unique_ptr<QThread> write(QThread::create([&] {
            Filter all;
            result = s->setReviewerNote(all, u"interrupted"_s, &error);
        }));
        write->start();
        QTRY_COMPARE_WITH_TIMEOUT(lockPids(key, false), QString::number(pid), 30000);
        endBackend(pid);
        QTRY_VERIFY_WITH_TIMEOUT(!lockPids(key, false).isEmpty(), 30000);
        const int again = lockPids(key, false).toInt();
        QVERIFY(again != pid);
        QCOMPARE(psql(m_owner,
                      u"SELECT count(*) FROM %1.pairs WHERE reviewer_note = 'interrupted'"_s.arg(m_schema)),
                 u"0"_s);
        endBackend(again);
        QVERIFY(write->wait(60000));
        QCOMPARE(result, -1);
        QCOMPARE(error, lost());
        holder.release();
        QCOMPARE(psql(m_owner,
                      u"SELECT count(*) FROM %1.pairs WHERE reviewer_note = 'interrupted'"_s.arg(m_schema)),
                 u"0"_s);
        QCOMPARE(auditCount(), before);
    }

    void aLostCommitIsAnUnknownOutcome()
    {
        // A deferred constraint trigger makes COMMIT wait for a lock a psql session holds; the
        // backend is ended while COMMIT runs. PairLens cannot know whether it committed and says so.
        const QString gate = u"gate:"_s + m_schema;
        QCOMPARE(psql(m_owner, uR"(CREATE FUNCTION %1.gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_advisory_xact_lock(hashtext('%2')); RETURN NULL; END $$;
CREATE CONSTRAINT TRIGGER gate AFTER UPDATE ON %1.pairs DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION %1.gate())"_s.arg(m_schema, gate)),
                 QString());
        auto s = open(m_url);
        QVERIFY(s);
        const int pid = s->backendPid();
        LockHolder holder;
        holder.hold(m_owner, gate);
        QTRY_VERIFY_WITH_TIMEOUT(!lockPids(gate, true).isEmpty(), 30000);
        const QString before = auditCount();
        qint64 result = 0;
        QString error;
        std::unique_ptr<QThread> write(QThread::create([&] {
            Filter one;
            one.pairIds = {u"from-import"_s};
            result = s->setReviewerNote(one, u"at commit"_s, &error);
        }));
        write->start();
        QTRY_COMPARE_WITH_TIMEOUT(lockPids(gate, false), QString::number(pid), 30000);
        endBackend(pid);
        QVERIFY(write->wait(60000));
        holder.release();
        QCOMPARE(result, -1);
        QCOMPARE(error, lostInCommit());
        // (It was rolled back: the backend ended before its commit was done.)
        QCOMPARE(
            psql(m_owner, u"SELECT count(*) FROM %1.pairs WHERE reviewer_note = 'at commit'"_s.arg(m_schema)),
            u"0"_s);
        QCOMPARE(auditCount(), before);
        QCOMPARE(psql(m_owner, u"DROP TRIGGER gate ON %1.pairs; DROP FUNCTION %1.gate()"_s.arg(m_schema)),
                 QString());
    }

    void theCommandLineSaysItInOneSentence()
    {
        // pairlens review (a process of its own) waits for the curation lock; its backend is ended,
        // and the backend of its second try too.
        const QString key = u"pairlens-curate:"_s + m_schema;
        LockHolder holder;
        holder.hold(m_owner, key);
        QTRY_VERIFY_WITH_TIMEOUT(!lockPids(key, true).isEmpty(), 30000);
        const QString before = auditCount();
        QProcess review;
        review.setProcessEnvironment(pairlens::test::englishEnvironment());
        review.start(QStringLiteral(PAIRLENS_EXE),
                     {u"review"_s, m_url, u"--id"_s, u"after-loss"_s, u"--status"_s, u"rejected"_s});
        QTRY_VERIFY_WITH_TIMEOUT(!lockPids(key, false).isEmpty(), 30000);
        const int first = lockPids(key, false).toInt();
        endBackend(first);
        QTRY_VERIFY_WITH_TIMEOUT(!lockPids(key, false).isEmpty() && lockPids(key, false).toInt() != first,
                                 30000);
        endBackend(lockPids(key, false).toInt());
        QVERIFY(review.waitForFinished(60000));
        holder.release();
        QCOMPARE(review.exitCode(), 1);
        QCOMPARE(QString::fromUtf8(review.readAllStandardError()), lost() + u'\n');
        QCOMPARE(review.readAllStandardOutput(), QByteArray());
        QCOMPARE(auditCount(), before);
        QCOMPARE(
            psql(m_owner, u"SELECT review_status FROM %1.pairs WHERE pair_id = 'after-loss'"_s.arg(m_schema)),
            u"0"_s);
    }

    void twoReviewersEditOnePairAtOnce()
    {
        // Two reviewers with roles of their own, each in its own connection, set the status and
        // the note of one pair at the same time: a psql session holds the schema's curation lock,
        // the first reviewer's change starts waiting for it, then the second's. PostgreSQL lets them
        // in in that order; the one committed last wins, and the audit log lists both, in that order,
        // each with its role. The second role is made by the cluster's superuser (over its socket).
        const QString dir = qEnvironmentVariable("PAIRLENS_PG_DIR");
        const QString admin = u"postgresql://postgres@/pairlens?host=%1&port=%2"_s.arg(
            dir, pairlens::test::readTrimmed(dir + u"/port"_s));
        const QString role = pairlens::test::uniqueSchema(u"t_reviewer"_s);
        QCOMPARE(
            psql(admin, u"CREATE ROLE %1 LOGIN PASSWORD 'second-reviewer'; GRANT USAGE ON SCHEMA %2 TO %1; "
                        "GRANT SELECT ON ALL TABLES IN SCHEMA %2 TO %1; GRANT UPDATE ON %2.pairs TO %1; "
                        "GRANT INSERT ON %2.audit_log TO %1"_s.arg(role, m_schema)),
            QString());
        QUrl second(m_url);
        second.setUserName(role);
        second.setPassword(u"second-reviewer"_s);
        auto first = open(m_url);
        auto other = open(second.toString());
        QVERIFY(first && other);
        QString error;
        QVERIFY(first->deriveMissing(defaultDeriver(), &error) >= 0);
        Filter one;
        one.pairIds = {u"after-loss"_s};
        const QString key = u"pairlens-curate:"_s + m_schema;
        const int firstPid = first->backendPid();
        const auto concurrently = [&](const std::function<qint64(Storage &)> &change) {
            LockHolder holder;
            holder.hold(m_owner, key);
            QTRY_VERIFY_WITH_TIMEOUT(!lockPids(key, true).isEmpty(), 30000);
            qint64 a = 0, b = 0;
            std::unique_ptr<QThread> ta(QThread::create([&] { a = change(*first); }));
            std::unique_ptr<QThread> tb(QThread::create([&] { b = change(*other); }));
            ta->start();
            QTRY_COMPARE_WITH_TIMEOUT(lockPids(key, false), QString::number(firstPid), 30000);
            tb->start();
            QTRY_COMPARE_WITH_TIMEOUT(lockPids(key, false).split(u',').size(), 2, 30000);
            holder.release();
            QVERIFY(ta->wait(60000) && tb->wait(60000));
            QCOMPARE(a, 1);
            QCOMPARE(b, 1);
        };
        // Each thread answers its own storage's change; which status each sets depends on it.
        concurrently([&](Storage &s) {
            QString e;
            return s.setReviewStatus(one, &s == first.get() ? ReviewStatus::Approved : ReviewStatus::Rejected,
                                     &e);
        });
        if (QTest::currentTestFailed())
            return;
        concurrently([&](Storage &s) {
            QString e;
            return s.setReviewerNote(one, &s == first.get() ? u"first says fine"_s : u"second says wrong"_s,
                                     &e);
        });
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(psql(m_owner,
                      u"SELECT review_status, reviewer_note FROM %1.pairs WHERE pair_id = 'after-loss'"_s.arg(
                          m_schema)),
                 u"2|second says wrong"_s);
        QCOMPARE(psql(m_owner,
                      u"SELECT string_agg(action || ' ' || coalesce(detail->>'status', detail->>'note') || "
                      "' by ' || role, ', ' ORDER BY id) FROM %1.audit_log "
                      "WHERE detail->'filter'->'pair_ids' ? 'after-loss'"_s.arg(m_schema)),
                 u"review approved by pairlens, review rejected by %1, note first says fine by pairlens, "
                 "note second says wrong by %1"_s.arg(role));
        first.reset();
        other.reset();
        psql(admin, u"DROP OWNED BY %1; DROP ROLE %1"_s.arg(role));
    }

    void cleanupTestCase()
    {
        if (!m_schema.isEmpty() && !m_owner.isEmpty())
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema));
    }
};

QTEST_GUILESS_MAIN(TstPgShared)
#include "tst_pgshared.moc"
