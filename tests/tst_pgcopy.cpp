// `pairlens copy` (issue 18): a dataset file with reviews, notes, a trash batch, audit entries and
// its own privacy settings goes to PostgreSQL and back into a new file, through the real binary and
// the real PostgreSQL 15 of the CTest fixture pg_cluster. The copies list, count and export (with
// the anonymization key) the same; the audit log is kept; the trash restores; a target with pairs
// and a read-only role are refused; a copy killed mid-way leaves no pairs behind and runs again.
#include "pgtestutil.h"
#include "testutil.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

using namespace Qt::StringLiterals;
using pairlens::test::psql;

class TstPgCopy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_owner;    // the owner's URL (for psql), default schema
    QString m_readOnly; // the read-only role's URL, default schema
    QString m_prefix;   // schema names of this run start with it
    QString m_source;   // the dataset file copied

    using Run = pairlens::test::CliRun;
    Run run(const QStringList &args)
    {
        return pairlens::test::runHeadless(QStringLiteral(PAIRLENS_EXE), args, m_dir.path());
    }
    QString schema(const QString &name) const { return m_prefix + u"_"_s + name; }
    QString url(const QString &name) const { return m_owner + u"?schema="_s + schema(name); }
    QString file(const QString &name) const { return m_dir.filePath(name + u".pairlens"_s); }
    qint64 pgCount(const QString &name)
    {
        return psql(m_owner, u"SELECT count(*) FROM %1.pairs"_s.arg(schema(name))).toLongLong();
    }

    // Rows of a dataset file's table through a read-only SQLite connection, one string per row.
    static QStringList fileRows(const QString &path, const QString &sql)
    {
        QStringList out;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"read"_s);
            db.setDatabaseName(path);
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
            if (db.open()) {
                QSqlQuery q(db);
                if (!q.exec(sql))
                    out << u"error: "_s + sql;
                while (q.next()) {
                    QStringList fields;
                    for (int i = 0; i < q.record().count(); ++i)
                        fields << (q.value(i).isNull() ? u"NULL"_s : q.value(i).toString());
                    out << fields.join(u'|');
                }
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(u"read"_s);
        return out;
    }

    // What the views of a dataset show: the list, the statistics, the anonymized export's bytes.
    // PostgreSQL sums the execution times in another order than SQLite, so the average of a
    // PostgreSQL dataset can differ from the file's in its last rounded digit (207.48 for 207.49:
    // the statistics of the PostgreSQL backend, whatever wrote its pairs); `pg` leaves it out.
    QByteArray views(const QString &dataset, const QString &name, bool pg = false)
    {
        QByteArray all;
        for (const QStringList &filter : {QStringList{}, QStringList{u"--status"_s, u"approved"_s},
                                          QStringList{u"--search"_s, u"how many"_s}}) {
            const Run list =
                run(QStringList{u"list"_s, dataset, u"--json"_s, u"--limit"_s, u"100000"_s} << filter);
            const Run stats = run(QStringList{u"stats"_s, dataset, u"--json"_s} << filter);
            if (list.code != 0 || stats.code != 0)
                return "failed: " + list.err.toUtf8() + stats.err.toUtf8();
            QJsonObject statistics = QJsonDocument::fromJson(stats.rawOut).object();
            if (pg) {
                QJsonObject times = statistics.value(u"execution_time_ms"_s).toObject();
                times.remove(u"avg"_s);
                statistics.insert(u"execution_time_ms"_s, times);
            }
            all += list.rawOut + QJsonDocument(statistics).toJson();
        }
        const QString out = m_dir.filePath(name + u".jsonl"_s);
        const Run exported = run({u"export"_s, dataset, u"-o"_s, out});
        if (exported.code != 0)
            return "export failed: " + exported.err.toUtf8();
        QFile f(out);
        if (!f.open(QIODevice::ReadOnly))
            return "no export";
        const QByteArray bytes = f.readAll();
        if (bytes.isEmpty())
            return "empty export";
        return all + bytes;
    }

    static const inline QString kAudit =
        u"SELECT at, action, pair_count, detail FROM audit_log WHERE action <> 'copy' ORDER BY id"_s;

    // Starts `pairlens copy` and kills it (SIGKILL, or SIGTERM as Ctrl-C would) once `started` says
    // it is writing; returns its exit code.
    int interrupted(const QString &source, const QString &target, bool hard,
                    const std::function<bool(qint64 pid)> &started)
    {
        QProcess p;
        p.setProcessEnvironment(pairlens::test::englishEnvironment());
        p.start(QStringLiteral(PAIRLENS_EXE), {u"copy"_s, source, target});
        if (!p.waitForStarted())
            return -1;
        QDeadlineTimer deadline(60000);
        while (!started(p.processId()) && p.state() == QProcess::Running && !deadline.hasExpired())
            QThread::msleep(5);
        if (p.state() != QProcess::Running)
            return -2; // finished before it could be interrupted
        if (hard)
            p.kill();
        else
            p.terminate();
        p.waitForFinished(60000);
        return p.exitStatus() == QProcess::CrashExit ? 9 : p.exitCode();
    }

    // The definitions of the two indexes a copy into a new schema builds after its pairs.
    static inline const QString kCopiedIndexes =
        u"CREATE INDEX pairs_live_ts ON pairs USING btree (ts COLLATE \"C\", id) WHERE (query_type IS NOT "
        "NULL) | CREATE INDEX pairs_search ON pairs USING gin (search_vector)"_s;
    QString indexDefinitions(const QString &name)
    {
        return pairlens::test::bulkIndexDefinitions(m_owner, schema(name));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_owner = server.owner;
        m_readOnly = server.readOnly;
        m_prefix = pairlens::test::uniqueSchema(u"t_copy"_s);
        m_source = file(u"source"_s);
        // Reviews, notes, a trash batch and privacy settings of its own, each with its audit entry.
        for (const QStringList &args :
             {QStringList{u"demo"_s, m_source, u"--pairs"_s, u"600"_s, u"--seed"_s, u"7"_s},
              QStringList{u"review"_s, m_source, u"--search"_s, u"how many"_s, u"--status"_s, u"approved"_s,
                          u"--note"_s, u"checked\ttwice\nby \\ann"_s},
              QStringList{u"review"_s, m_source, u"--failed-only"_s, u"--status"_s, u"rejected"_s},
              QStringList{u"delete"_s, m_source, u"--db-type"_s, u"mysql"_s, u"--yes"_s},
              QStringList{u"privacy"_s, m_source, u"--operator"_s, u"EMAIL=mask"_s, u"--add-pattern"_s,
                          u"ticket=TCK-[0-9]+"_s},
              QStringList{u"privacy"_s, m_source, u"--not-pii"_s, u"Berlin"_s}}) {
            const Run r = run(args);
            QVERIFY2(r.code == 0,
                     qPrintable(args.first() + u" "_s + QString::number(r.code) + u": "_s + r.err + r.out));
        }
        QVERIFY(fileRows(m_source, u"SELECT count(*) FROM pairs WHERE deleted = 1"_s).value(0).toInt() > 0);
        QVERIFY(
            fileRows(m_source, u"SELECT count(*) FROM pairs WHERE reviewer_note <> ''"_s).value(0).toInt() >
            0);
    }

    void fileToPostgresToFileIsLossless()
    {
        const QString pg = url(u"round"_s), back = file(u"back"_s);
        Run r = run({u"copy"_s, m_source, pg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.startsWith(u"Copied 600 pairs ("_s), qPrintable(r.out));
        QVERIFY(!r.out.contains(QUrl(m_owner).password()));
        QCOMPARE(pgCount(u"round"_s), 600);
        // The schema the copy created got its search and time indexes after its pairs, with the
        // definitions of the schema's DDL.
        QCOMPARE(indexDefinitions(u"round"_s), kCopiedIndexes);
        r = run({u"copy"_s, pg, back});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFileInfo::exists(back));

        // Every stored field of every pair, in row id order, the trash and the settings (the key too).
        const QString pairs =
            u"SELECT id, pair_id, natural_language_query, sql_query, timestamp, database_type, "
            "database_name, success, execution_time_ms, metadata, ts, query_type, table_names, "
            "pii_mask, question_length, sql_length, review_status, reviewer_note, deleted, "
            "deleted_at, delete_batch FROM pairs ORDER BY id"_s;
        const QStringList sourcePairs = fileRows(m_source, pairs);
        QCOMPARE(sourcePairs.size(), 600);
        QCOMPARE(fileRows(back, pairs), sourcePairs);
        const QString settings = u"SELECT key, value FROM settings ORDER BY key"_s;
        QCOMPARE(fileRows(back, settings), fileRows(m_source, settings));
        QVERIFY(fileRows(back, settings).join(u'\n').contains(u"privacy.secret|"_s));
        // The full-text index and pair_tables were built for the copy.
        const QString fts = u"SELECT count(*) FROM pairs_fts WHERE pairs_fts MATCH 'select'"_s;
        QCOMPARE(fileRows(back, fts), fileRows(m_source, fts));
        const QString tables = u"SELECT name, pair FROM pair_tables ORDER BY pair, name"_s;
        QCOMPARE(fileRows(back, tables), fileRows(m_source, tables));

        // The audit log as it was, then one copy entry naming the source without a password.
        const QStringList audit = fileRows(m_source, kAudit);
        QVERIFY(audit.size() >= 5);
        QCOMPARE(fileRows(back, kAudit), audit);
        const QStringList copies =
            fileRows(back, u"SELECT detail FROM audit_log WHERE action = 'copy' ORDER BY id"_s);
        QCOMPARE(copies.size(), 2); // the one into PostgreSQL, then the one into this file
        QCOMPARE(QJsonDocument::fromJson(copies.at(0).toUtf8()).object().value(u"source"_s).toString(),
                 m_source);
        QVERIFY(copies.at(1).contains(schema(u"round"_s)));
        QVERIFY(!copies.at(1).contains(QUrl(m_owner).password()));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log"_s.arg(schema(u"round"_s))).toInt(),
                 audit.size() + 1);

        // The views of the three are the same (the anonymized export too: the same key and settings).
        const QByteArray fromSource = views(m_source, u"source"_s);
        QVERIFY2(fromSource.size() > 1000, fromSource.constData());
        QCOMPARE(views(back, u"back"_s), fromSource);
        QCOMPARE(views(pg, u"pg"_s, true), views(m_source, u"source"_s, true));

        // The trash came along: restoring it gives the same pairs back everywhere.
        for (const QString &dataset : {m_source, back, pg}) {
            r = run({u"restore"_s, dataset, u"--all"_s});
            QVERIFY2(r.code == 0 && r.out.startsWith(u"Restored "_s), qPrintable(r.out + r.err));
        }
        const QByteArray restored = views(m_source, u"source2"_s);
        QCOMPARE(views(back, u"back2"_s), restored);
        QCOMPARE(views(pg, u"pg2"_s, true), views(m_source, u"source2"_s, true));
    }

    void targetWithPairsIsRefused()
    {
        const QString pg = url(u"full"_s);
        QCOMPARE(run({u"copy"_s, m_source, pg}).code, 0);
        const QString audit = psql(m_owner, u"SELECT count(*) FROM %1.audit_log"_s.arg(schema(u"full"_s)));
        for (const QString &target : {pg, m_source}) {
            const QString other = target == pg ? file(u"other"_s) : pg;
            if (target == pg)
                QCOMPARE(run({u"copy"_s, m_source, other}).code, 0);
            const Run r = run({u"copy"_s, other, target});
            QCOMPARE(r.code, 1);
            QCOMPARE(r.out, QString());
            QVERIFY2(r.err.trimmed().count(u'\n') == 0 &&
                         r.err.contains(u"already holds 600 pairs; pairlens copy writes only into a new or "
                                        "empty dataset. Nothing was written."_s),
                     qPrintable(r.err));
        }
        QCOMPARE(pgCount(u"full"_s), 600);
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log"_s.arg(schema(u"full"_s))), audit);

        // The same dataset twice, and a source that does not exist.
        Run r = run({u"copy"_s, pg, pg});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"same dataset"_s), qPrintable(r.err));
        r = run({u"copy"_s, m_dir.filePath(u"missing.pairlens"_s), file(u"never"_s)});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"does not exist"_s), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(file(u"never"_s)));
        // A schema without PairLens tables is no source (and is not created by the copy).
        r = run({u"copy"_s, url(u"nothing"_s), file(u"never"_s)});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"holds no PairLens dataset"_s), qPrintable(r.err));
        QCOMPARE(psql(m_owner,
                      u"SELECT count(*) FROM pg_namespace WHERE nspname = '%1'"_s.arg(schema(u"nothing"_s))),
                 u"0"_s);
        QVERIFY(!QFileInfo::exists(file(u"never"_s)));
    }

    void interruptedCopyRunsAgain()
    {
        const QString big = file(u"big"_s);
        Run r = run({u"demo"_s, big, u"--pairs"_s, u"30000"_s});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString pg = url(u"killed"_s);
        const QString writing =
            u"SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE 'COPY %' "
            "AND query LIKE '%\"%1\".pairs%'"_s.arg(schema(u"killed"_s));
        const auto copying = [&](qint64) { return psql(m_owner, writing) == u"1"_s; };
        // Killed, then Ctrl-C (SIGTERM): the target has no pairs and no entries either time.
        QCOMPARE(interrupted(big, pg, true, copying), 9);
        // The server notices the lost connection and rolls back (its COPY leaves the activity list),
        // the drop of the indexes with it.
        QTRY_VERIFY_WITH_TIMEOUT(!copying(0), 30000);
        QCOMPARE(indexDefinitions(u"killed"_s), kCopiedIndexes);
        QCOMPARE(interrupted(big, pg, false, copying), 130);
        QCOMPARE(pgCount(u"killed"_s), 0);
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log"_s.arg(schema(u"killed"_s))), u"0"_s);
        r = run({u"copy"_s, big, pg});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(pgCount(u"killed"_s), 30000);

        // Into a file: nothing at the target until the copy is complete.
        const QString back = file(u"bigback"_s);
        const auto building = [&](qint64 pid) {
            return QFileInfo::exists(m_dir.filePath(u"bigback.pairlens.importing-%1"_s.arg(pid)));
        };
        QCOMPARE(interrupted(pg, back, true, building), 9);
        QVERIFY(!QFileInfo::exists(back));
        QCOMPARE(interrupted(pg, back, false, building), 130);
        QVERIFY(!QFileInfo::exists(back));
        r = run({u"copy"_s, pg, back});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString pairs = u"SELECT id, pair_id, metadata, ts, pii_mask FROM pairs ORDER BY id"_s;
        QCOMPARE(fileRows(back, pairs), fileRows(big, pairs));
        // The killed copy's temporary file was removed by the next one.
        QCOMPARE(QDir(m_dir.path()).entryList({u"bigback.pairlens.importing-*"_s}), QStringList());
    }

    // A connection lost midway (its backend ended, as by a server restart): the copy starts again
    // from the beginning on a new connection, says so, and the target is whole; both directions.
    void aLostConnectionCopiesAgainFromTheStart()
    {
        const QString big = file(u"lostsource"_s);
        Run r = run({u"demo"_s, big, u"--pairs"_s, u"30000"_s, u"--seed"_s, u"5"_s});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto copyEnding = [&](const QString &source, const QString &target,
                                    const std::function<bool(qint64 pid)> &started, const QString &backends) {
            QProcess p;
            p.setProcessEnvironment(pairlens::test::englishEnvironment());
            p.start(QStringLiteral(PAIRLENS_EXE), {u"copy"_s, source, target});
            if (!p.waitForStarted())
                return Run{-1, {}, {}, {}};
            QDeadlineTimer deadline(60000);
            while (!started(p.processId()) && p.state() == QProcess::Running && !deadline.hasExpired())
                QThread::msleep(5);
            const QString ended =
                psql(m_owner, u"SELECT count(*) FROM pg_stat_activity WHERE pid <> "
                              "pg_backend_pid() AND %1 AND pg_terminate_backend(pid)"_s.arg(backends));
            p.waitForFinished(60000);
            const QByteArray out = p.readAllStandardOutput();
            return Run{ended == u"1"_s ? p.exitCode() : -2, QString::fromUtf8(out),
                       QString::fromUtf8(p.readAllStandardError()), out};
        };
        const QString said = u"The connection was lost during the copy ("_s;
        const QString again = u"PairLens reconnected and copied again from the start."_s;

        // Into PostgreSQL: the target's COPY is cut off, rolled back, and written again whole.
        const QString pg = url(u"lost"_s);
        const QString copyInto =
            u"query LIKE 'COPY %' AND query LIKE '%\"%1\".pairs%'"_s.arg(schema(u"lost"_s));
        r = copyEnding(
            big, pg,
            [&](qint64) {
                return psql(m_owner,
                            u"SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "_s +
                                copyInto) == u"1"_s;
            },
            copyInto);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(said) && r.err.contains(again), qPrintable(r.err));
        QCOMPARE(pgCount(u"lost"_s), 30000);
        QCOMPARE(psql(m_owner,
                      u"SELECT count(*) FROM %1.audit_log WHERE action = 'copy'"_s.arg(schema(u"lost"_s))),
                 u"1"_s);

        // Out of PostgreSQL: the source's read is held at its 100th pair (a row-level security policy
        // waits there for an advisory lock this test holds), its backend ended while it waits, and
        // the next attempt held there again on a new backend until the lock is released.
        const QString s = schema(u"lost"_s);
        QCOMPARE(
            psql(m_owner,
                 u"CREATE FUNCTION %1.gate(bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                 "IF $1 = 100 AND current_setting('transaction_isolation') = 'repeatable read' THEN "
                 "PERFORM pg_advisory_lock_shared(4343); PERFORM pg_advisory_unlock_shared(4343); END IF; "
                 "RETURN true; END $$; ALTER TABLE %1.pairs ENABLE ROW LEVEL SECURITY; "
                 "ALTER TABLE %1.pairs FORCE ROW LEVEL SECURITY; "
                 "CREATE POLICY gate ON %1.pairs FOR SELECT USING (%1.gate(id))"_s.arg(s)),
            QString());
        const QString back = file(u"lostback"_s);
        QProcess p;
        p.setProcessEnvironment(pairlens::test::englishEnvironment());
        {
            const pairlens::test::AdvisoryLock lock(m_owner, 4343);
            QVERIFY(lock.held());
            p.start(QStringLiteral(PAIRLENS_EXE), {u"copy"_s, pg, back});
            QVERIFY(p.waitForStarted());
            const QString first = pairlens::test::endAdvisoryWaiter(m_owner, 4343);
            QVERIFY2(!first.isEmpty(), p.readAllStandardError().constData());
            QVERIFY2(!pairlens::test::advisoryWaiter(m_owner, 4343, first).isEmpty(),
                     p.readAllStandardError().constData());
        } // the lock is released: the second attempt reads on
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains(said) && err.contains(again), qPrintable(err));
        const QString pairs = u"SELECT id, pair_id, metadata, ts, pii_mask FROM pairs ORDER BY id"_s;
        QCOMPARE(fileRows(back, pairs), fileRows(big, pairs));
        QCOMPARE(QDir(m_dir.path()).entryList({u"lostback.pairlens.importing-*"_s}), QStringList());
    }

    // SQLite's integers have 64 bits, PostgreSQL's INTEGER columns 32: a file whose pair holds more
    // (written by another program) is refused in one sentence naming the pair and the column, and the
    // target keeps no pair of it.
    void integerTooLargeForPostgresIsRefused()
    {
        const QString wide = file(u"wide"_s);
        QVERIFY(QFile::copy(m_source, wide));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"wide"_s);
            db.setDatabaseName(wide);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"UPDATE pairs SET question_length = 5000000000 WHERE id = 7"_s));
            QCOMPARE(q.numRowsAffected(), 1);
            db.close();
        }
        QSqlDatabase::removeDatabase(u"wide"_s);
        const Run r = run({u"copy"_s, wide, url(u"wide"_s)});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.trimmed().count(u'\n') == 0 &&
                     r.err.contains(u"the pair with id 7 holds 5000000000 in question_length, more than "
                                    "PostgreSQL's INTEGER column holds."_s),
                 qPrintable(r.err));
        QCOMPARE(pgCount(u"wide"_s), 0);
    }

    void readOnlyRoleTargetIsRefused()
    {
        const QString name = schema(u"ro"_s);
        QCOMPARE(run({u"stats"_s, url(u"ro"_s)}).code, 0); // the owner creates the empty schema
        QCOMPARE(
            psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN SCHEMA "
                          "%1 TO pairlens_ro"_s.arg(name)),
            QString());
        const Run r = run({u"copy"_s, m_source, m_readOnly + u"?schema="_s + name});
        QCOMPARE(r.code, 1);
        QVERIFY2(
            r.err.trimmed().count(u'\n') == 0 &&
                r.err.contains(
                    u"is read-only for this PostgreSQL role: it may not add pairs to schema %1."_s.arg(name)),
            qPrintable(r.err));
        QVERIFY(!r.err.contains(QUrl(m_readOnly).password()));
        QCOMPARE(pgCount(u"ro"_s), 0);
        // It may copy out of a schema it reads.
        QCOMPARE(
            psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN SCHEMA "
                          "%1 TO pairlens_ro"_s.arg(schema(u"round"_s))),
            QString());
        const Run out = run({u"copy"_s, m_readOnly + u"?schema="_s + schema(u"round"_s), file(u"fromro"_s)});
        QVERIFY2(out.code == 0, qPrintable(out.err));
    }

    void unreachableServerAndWrongPassword()
    {
        QUrl wrong(m_owner);
        wrong.setPassword(u"not-the-password"_s);
        Run r = run({u"copy"_s, m_source, wrong.toString() + u"?schema="_s + schema(u"x"_s)});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"password authentication failed"_s), qPrintable(r.err));
        QVERIFY(!r.err.contains(u"not-the-password"_s));
        QUrl closed(m_owner);
        closed.setPort(1);
        r = run({u"copy"_s, closed.toString(), file(u"none"_s)});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith(u"Cannot connect to PostgreSQL at "_s), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(file(u"none"_s)));
    }

    void cleanupTestCase()
    {
        for (const QString &name : {u"round"_s, u"full"_s, u"killed"_s, u"ro"_s, u"x"_s, u"wide"_s})
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(schema(name)));
    }
};

QTEST_GUILESS_MAIN(TstPgCopy)
#include "tst_pgcopy.moc"
