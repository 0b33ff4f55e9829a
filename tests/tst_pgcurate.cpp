// `pairlens delete`, `restore` and `review` on a PostgreSQL dataset (issue 18): the real binary
// against the real PostgreSQL 15 of the CTest fixture pg_cluster, each command run beside the same
// command on a dataset file holding the same pairs. Messages, exit codes, what list, stats and export
// show afterwards, and the audit log must be the same; a read-only role is refused; two processes
// reviewing one pair: the later wins, both are logged.
#include "pgtestutil.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using pairlens::test::psql;

// The audit actions of curation, which both logs must hold alike.
const QString kCurationActions = u"'import', 'delete', 'restore', 'purge', 'review', 'note'"_s;

class TstPgCurate : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_owner;    // the owner's URL (for psql)
    QString m_url;      // the owner's URL, with a schema of its own for this run
    QString m_shown;    // m_url as PairLens prints it (without the password)
    QString m_readOnly; // the read-only role's URL, same schema
    QString m_schema;
    QString m_file; // the dataset file beside it

    using Run = pairlens::test::CliRun;
    Run run(const QStringList &args)
    {
        return pairlens::test::runHeadless(QStringLiteral(PAIRLENS_EXE), args, m_dir.path());
    }

    static QJsonObject json(const Run &r) { return QJsonDocument::fromJson(r.rawOut).object(); }

    // Runs the same command on the dataset file and on PostgreSQL and compares what they print and
    // their exit codes, each dataset's location read as DATASET. Returns the PostgreSQL run.
    Run same(const QStringList &command, const QStringList &options = {})
    {
        const Run file = run(QStringList{command} << m_file << options);
        const Run pg = run(QStringList{command} << m_url << options);
        const auto shown = [](QString text, const QString &location) {
            return text.replace(location, u"DATASET"_s);
        };
        const QString what = (QStringList{command} << options).join(u' ');
        [&] {
            QVERIFY2(pg.code == file.code,
                     qPrintable(what + u": file "_s + QString::number(file.code) + u", PostgreSQL "_s +
                                QString::number(pg.code) + u": "_s + pg.err));
            QCOMPARE(shown(pg.out, m_shown), shown(file.out, m_file));
            QCOMPARE(shown(pg.err, m_shown), shown(file.err, m_file));
        }();
        if (QTest::currentTestFailed())
            qWarning("after: %s", qPrintable(what));
        return pg;
    }

    // What list, stats and export show of both datasets is the same.
    void sameViews(const QString &step)
    {
        for (const QStringList &filter : {QStringList{}, QStringList{u"--status"_s, u"rejected"_s},
                                          QStringList{u"--status"_s, u"approved"_s, u"--failed-only"_s},
                                          QStringList{u"--search"_s, u"how many"_s}}) {
            const Run list = same({u"list"_s}, QStringList{u"--json"_s, u"--limit"_s, u"1000"_s} << filter);
            QVERIFY2(list.code == 0, qPrintable(step + u": "_s + list.err));
            const Run stats = same({u"stats"_s}, QStringList{u"--json"_s} << filter);
            QVERIFY2(stats.code == 0, qPrintable(step + u": "_s + stats.err));
        }
        // The export (without anonymization: the two datasets have different keys) leaves the
        // rejected pairs out and writes the same bytes.
        const QString fromFile = m_dir.filePath(u"file.jsonl"_s), fromPg = m_dir.filePath(u"pg.jsonl"_s);
        QFile::remove(fromFile);
        QFile::remove(fromPg);
        const Run f = run({u"export"_s, m_file, u"-o"_s, fromFile, u"--no-anonymize"_s});
        const Run p = run({u"export"_s, m_url, u"-o"_s, fromPg, u"--no-anonymize"_s});
        QVERIFY2(f.code == 0 && p.code == 0, qPrintable(step + u": "_s + f.err + p.err));
        QFile a(fromFile), b(fromPg);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        const QByteArray fileBytes = a.readAll();
        QVERIFY(!fileBytes.isEmpty());
        QVERIFY2(b.readAll() == fileBytes, qPrintable(step));
    }

    qint64 pgCount(const QString &where = u"true"_s)
    {
        return psql(m_owner, u"SELECT count(*) FROM %1.pairs WHERE %2"_s.arg(m_schema, where)).toLongLong();
    }

    // The import and curation entries of the file's audit log (a read-only SQLite connection), oldest first:
    // action, pair count and detail.
    // The curation entries of the file's audit log (or those of `actions`).
    QList<QJsonObject> fileAudit(const QString &actions = kCurationActions)
    {
        QList<QJsonObject> out;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"audit"_s);
            db.setDatabaseName(m_file);
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
            if (db.open()) {
                QSqlQuery q(db);
                q.exec(u"SELECT action, pair_count, detail FROM audit_log WHERE action IN (%1) ORDER BY id"_s
                           .arg(actions));
                while (q.next())
                    out.append({{u"action"_s, q.value(0).toString()},
                                {u"pair_count"_s, q.value(1).toLongLong()},
                                {u"detail"_s, QJsonDocument::fromJson(q.value(2).toByteArray()).object()}});
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(u"audit"_s);
        return out;
    }

    // The same of the PostgreSQL audit log, with the role of each entry.
    QList<QJsonObject> pgAudit(QStringList *roles = nullptr, const QString &actions = kCurationActions)
    {
        QList<QJsonObject> out;
        const QString rows =
            psql(m_owner,
                 u"SELECT json_build_object('action', action, 'pair_count', pair_count, "
                 "'detail', detail, 'role', role) FROM %1.audit_log WHERE action IN (%2) ORDER BY id"_s.arg(
                     m_schema, actions));
        for (const QString &line : rows.split(u'\n', Qt::SkipEmptyParts)) {
            QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            if (roles)
                *roles << o.take(u"role"_s).toString();
            else
                o.remove(u"role"_s);
            out.append(o);
        }
        return out;
    }

    void writeInput(const QString &path)
    {
        // 240 spider pairs with pair_ids, times over two months, failures and three database types.
        PAIRLENS_REQUIRE_TEST_DATA(spider, u"spider.jsonl"_s);
        QFile in(spider);
        QFile out(path);
        QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
        const QStringList types = {u"postgresql"_s, u"mysql"_s, u"sqlite"_s};
        const QDateTime start(QDate(2024, 3, 1), QTime(8, 0), Qt::UTC);
        for (int i = 0; i < 240 && !in.atEnd(); ++i) {
            const QJsonObject s = QJsonDocument::fromJson(in.readLine()).object();
            const QJsonObject o{{u"pair_id"_s, u"p-%1"_s.arg(i)},
                                {u"natural_language_query"_s, s[u"question"_s]},
                                {u"sql_query"_s, s[u"sql"_s]},
                                {u"timestamp"_s, start.addSecs(qint64(i) * 5 * 3571).toString(Qt::ISODate)},
                                {u"database_type"_s, types.at(i % 3)},
                                {u"database_name"_s, s[u"db_id"_s]},
                                {u"success"_s, i % 7 != 3},
                                {u"execution_time_ms"_s, double(i % 37) * 1.25 + 0.5}};
            out.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_schema = pairlens::test::uniqueSchema(u"t_cur"_s);
        m_owner = server.owner;
        m_url = server.owner + u"?schema="_s + m_schema;
        QUrl shown(m_url);
        shown.setPassword({});
        m_shown = shown.toString();
        m_readOnly = server.readOnly + u"?schema="_s + m_schema;
        m_file = m_dir.filePath(u"same.pairlens"_s);
        const QString input = m_dir.filePath(u"pairs.jsonl"_s);
        writeInput(input);
        const Run imported = same({u"import"_s}, {input});
        QVERIFY2(imported.code == 0, qPrintable(imported.err));
        QCOMPARE(pgCount(), 240);
    }

    void deleteAsInAFile()
    {
        // Refused without a selection, and without --yes when no one can answer the prompt.
        QCOMPARE(same({u"delete"_s}).code, 2);
        QCOMPARE(same({u"delete"_s}, {u"--search"_s, u"how many"_s}).code, 2);
        QCOMPARE(pgCount(u"delete_batch IS NOT NULL"_s), 0);

        const Run searched = same({u"delete"_s}, {u"--search"_s, u"department"_s, u"--yes"_s});
        QCOMPARE(searched.code, 0);
        QVERIFY2(searched.out.startsWith(u"Moved "_s) &&
                     searched.out.contains(u"Undo with: pairlens restore %1 --all"_s.arg(m_shown)),
                 qPrintable(searched.out));
        QVERIFY(!searched.out.contains(QUrl(m_url).password()));
        QCOMPARE(same({u"delete"_s}, {u"--id"_s, u"p-3,p-5"_s, u"p-200"_s, u"--yes"_s}).out,
                 u"Moved 3 pairs to the trash. Undo with: pairlens restore %1 --all\n"_s.arg(m_shown));
        QCOMPARE(same({u"delete"_s}, {u"--failed-only"_s, u"--db-type"_s, u"mysql"_s, u"--yes"_s}).code, 0);
        QCOMPARE(same({u"delete"_s}, {u"--search"_s, u"zzzz-nothing"_s, u"--yes"_s}).out,
                 u"No pairs match; nothing was deleted.\n"_s);
        QVERIFY(pgCount(u"delete_batch IS NOT NULL"_s) > 3);
        // Three deletes, three batches.
        QCOMPARE(psql(m_owner, u"SELECT count(DISTINCT delete_batch) FROM %1.pairs"_s.arg(m_schema)), u"3"_s);
        sameViews(u"after the deletes"_s);
    }

    void restoreAsInAFile()
    {
        QCOMPARE(same({u"restore"_s}).code, 2);
        QCOMPARE(same({u"restore"_s}, {u"--id"_s, u"p-3"_s}).out, u"Restored 1 pairs.\n"_s);
        QCOMPARE(same({u"restore"_s}, {u"--id"_s, u"p-4"_s}).out, u"Restored 0 pairs.\n"_s); // live
        sameViews(u"after restoring one"_s);
        const qint64 trashed = pgCount(u"delete_batch IS NOT NULL"_s);
        QCOMPARE(same({u"restore"_s}, {u"--all"_s}).out, u"Restored %1 pairs.\n"_s.arg(trashed));
        QCOMPARE(pgCount(u"delete_batch IS NOT NULL OR deleted_at IS NOT NULL"_s), 0);
        sameViews(u"after restoring all"_s);
    }

    void reviewAsInAFile()
    {
        QCOMPARE(same({u"review"_s}, {u"--all"_s}).code, 2);                   // no status
        QCOMPARE(same({u"review"_s}, {u"--status"_s, u"approved"_s}).code, 2); // no selection
        QCOMPARE(same({u"review"_s}, {u"--db-type"_s, u"sqlite"_s, u"--status"_s, u"approved"_s}).code, 0);
        const Run noted = same({u"review"_s}, {u"--id"_s, u"p-11,p-13"_s, u"--set"_s, u"rejected"_s,
                                               u"--note"_s, u"wrong table"_s, u"--json"_s});
        QCOMPARE(json(noted)[u"changed"_s].toInteger(), 2);
        QCOMPARE(json(noted)[u"notes"_s].toInteger(), 2);
        const Run missing =
            same({u"review"_s}, {u"--id"_s, u"p-14"_s, u"no-such-pair"_s, u"--status"_s, u"approved"_s});
        QCOMPARE(missing.code, 3);
        QVERIFY2(missing.err.contains(u"no-such-pair"_s), qPrintable(missing.err));
        QCOMPARE(same({u"review"_s}, {u"--search"_s, u"average"_s, u"--status"_s, u"rejected"_s, u"--json"_s})
                     .code,
                 0);
        // --status selects by the current status when --set gives the new one.
        QCOMPARE(same({u"review"_s},
                      {u"--status"_s, u"rejected"_s, u"--failed-only"_s, u"--set"_s, u"unreviewed"_s})
                     .code,
                 0);
        QCOMPARE(same({u"review"_s}, {u"--search"_s, u"zzzz-nothing"_s, u"--status"_s, u"approved"_s}).out,
                 u"No pairs match; nothing was changed.\n"_s);
        QCOMPARE(
            psql(m_owner,
                 u"SELECT review_status, reviewer_note FROM %1.pairs WHERE pair_id = 'p-11'"_s.arg(m_schema)),
            u"2|wrong table"_s);
        sameViews(u"after the reviews"_s);
        // A reviewed pair keeps its review through the trash.
        QCOMPARE(same({u"delete"_s}, {u"--id"_s, u"p-11"_s, u"--yes"_s}).code, 0);
        sameViews(u"after deleting a reviewed pair"_s);
        QCOMPARE(same({u"restore"_s}, {u"--all"_s}).code, 0);
        QCOMPARE(json(same({u"list"_s}, {u"--json"_s, u"--status"_s, u"rejected"_s, u"--search"_s,
                                         u"wrong"_s}))[u"total"_s]
                     .toInteger(),
                 0); // notes are not searched, in a file neither
        sameViews(u"after restoring the reviewed pair"_s);
    }

    void auditLogAsInAFile()
    {
        QStringList roles;
        const QList<QJsonObject> pg = pgAudit(&roles);
        const QList<QJsonObject> file = fileAudit();
        QVERIFY(pg.size() >= 12);
        QCOMPARE(pg, file);
        // The exports are in both logs too, with their counts (their files' paths differ).
        const auto counts = [](const QList<QJsonObject> &entries) {
            QList<qint64> out;
            for (const QJsonObject &e : entries)
                out << e.value(u"pair_count"_s).toInteger();
            return out;
        };
        const QList<qint64> exports = counts(fileAudit(u"'export'"_s));
        QVERIFY(exports.size() >= 5);
        QCOMPARE(counts(pgAudit(nullptr, u"'export'"_s)), exports);
        QCOMPARE(roles, QStringList(pg.size(), QUrl(m_owner).userName()));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log WHERE at !~ "
                               "'^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$'"_s.arg(m_schema)),
                 u"0"_s);
    }

    void readOnlyRoleIsRefused()
    {
        QCOMPARE(
            psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN SCHEMA %1 "
                          "TO pairlens_ro"_s.arg(m_schema)),
            QString());
        const QString before =
            psql(m_owner, u"SELECT count(*), sum(review_status), count(delete_batch), "
                          "(SELECT count(*) FROM %1.audit_log) FROM %1.pairs"_s.arg(m_schema));
        for (const QStringList &args :
             {QStringList{u"delete"_s, m_readOnly, u"--failed-only"_s, u"--yes"_s},
              QStringList{u"restore"_s, m_readOnly, u"--all"_s},
              QStringList{u"review"_s, m_readOnly, u"--all"_s, u"--status"_s, u"approved"_s},
              QStringList{u"review"_s, m_readOnly, u"--id"_s, u"p-1"_s, u"--status"_s, u"rejected"_s,
                          u"--note"_s, u"x"_s}}) {
            const Run r = run(args);
            QCOMPARE(r.code, 1);
            QCOMPARE(r.out, QString());
            QVERIFY2(r.err.trimmed().count(u'\n') == 0 &&
                         r.err.contains(u"is read-only for this PostgreSQL role: it may not change pairs in "
                                        "schema %1."_s.arg(m_schema)),
                     qPrintable(args.first() + u": "_s + r.err));
            QVERIFY(!r.err.contains(u":"_s + QUrl(m_readOnly).password() + u"@"_s));
        }
        QCOMPARE(psql(m_owner, u"SELECT count(*), sum(review_status), count(delete_batch), "
                               "(SELECT count(*) FROM %1.audit_log) FROM %1.pairs"_s.arg(m_schema)),
                 before);
        // It still lists and counts, the trash and the reviews included.
        const Run list = run({u"list"_s, m_readOnly, u"--json"_s, u"--status"_s, u"rejected"_s});
        QVERIFY2(list.code == 0, qPrintable(list.err));
        QCOMPARE(json(list)[u"total"_s],
                 json(run({u"list"_s, m_url, u"--json"_s, u"--status"_s, u"rejected"_s}))[u"total"_s]);
    }

    void twoProcessesReviewOnePair()
    {
        // A psql session holds the schema's curation lock; two pairlens processes then review the same
        // pair, the second started once the first waits for the lock, so PostgreSQL lets them in in
        // that order when the session ends.
        const QString lockKey = u"pairlens-curate:"_s + m_schema;
        QProcess holder;
        holder.start(QStringLiteral(PAIRLENS_PSQL),
                     {m_owner, u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s});
        QVERIFY(holder.waitForStarted());
        holder.write(u"BEGIN; SELECT pg_advisory_xact_lock(hashtext('%1'));\n"_s.arg(lockKey).toUtf8());
        // The lock's entries in pg_locks (a bigint key: its low 32 bits are the objid), granted or not.
        const auto locks = [&](bool granted) {
            return psql(m_owner,
                        u"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = %1 "
                        "AND objid::bigint = (hashtext('%2')::bigint & 4294967295)"_s.arg(
                            granted ? u"true"_s : u"false"_s, lockKey))
                .toInt();
        };
        const auto waiting = [&] { return locks(false); };
        const auto granted = [&] { return locks(true); };
        QTRY_COMPARE_WITH_TIMEOUT(granted(), 1, 30000);
        QProcess first, second;
        for (QProcess *p : {&first, &second})
            p->setProcessEnvironment(pairlens::test::englishEnvironment());
        first.start(QStringLiteral(PAIRLENS_EXE),
                    {u"review"_s, m_url, u"--id"_s, u"p-20"_s, u"--status"_s, u"approved"_s});
        QTRY_COMPARE_WITH_TIMEOUT(waiting(), 1, 30000);
        second.start(QStringLiteral(PAIRLENS_EXE),
                     {u"review"_s, m_url, u"--id"_s, u"p-20"_s, u"--status"_s, u"rejected"_s});
        QTRY_COMPARE_WITH_TIMEOUT(waiting(), 2, 30000);
        holder.write("COMMIT;\n");
        holder.closeWriteChannel();
        QVERIFY(holder.waitForFinished(30000));
        QVERIFY(first.waitForFinished(60000) && second.waitForFinished(60000));
        QCOMPARE(first.exitCode(), 0);
        QCOMPARE(second.exitCode(), 0);
        QCOMPARE(first.readAllStandardOutput(), QByteArray("Marked 1 pairs approved.\n"));
        QCOMPARE(second.readAllStandardOutput(), QByteArray("Marked 1 pairs rejected.\n"));
        // The later one wins; both are in the audit log, in the order they took effect.
        QCOMPARE(psql(m_owner, u"SELECT review_status FROM %1.pairs WHERE pair_id = 'p-20'"_s.arg(m_schema)),
                 u"2"_s);
        QCOMPARE(
            psql(m_owner,
                 u"SELECT string_agg(detail->>'status', ',' ORDER BY id) FROM %1.audit_log "
                 "WHERE action = 'review' AND detail->'filter'->'pair_ids' = '[\"p-20\"]'"_s.arg(m_schema)),
            u"approved,rejected"_s);
    }

    void cleanupTestCase()
    {
        if (!m_schema.isEmpty() && !m_owner.isEmpty())
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema));
    }
};

QTEST_GUILESS_MAIN(TstPgCurate)
#include "tst_pgcurate.moc"
