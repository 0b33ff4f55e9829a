// `pairlens export` on a PostgreSQL dataset (issue 18): the real binary against the real PostgreSQL 15
// of the CTest fixture pg_cluster, beside the same export of a dataset file holding the same pairs
// and the same privacy secret, whose bytes it must equal.
#include "pgtestutil.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <csignal>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using pairlens::test::psql;
using pairlens::test::readTrimmed;

class TstPgExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_owner;    // the owner's URL (for psql)
    QString m_url;      // the owner's URL, with a schema of its own for this run
    QString m_readOnly; // the read-only role's URL, same schema
    QString m_roRole;   // the read-only role's URL (for psql: it sees and may end its own sessions)
    QString m_schema;
    QString m_file;  // the dataset file beside it
    QString m_input; // pairs with times, PII, failures, repeats and metadata (JSON Lines)

    using Run = pairlens::test::CliRun;
    Run run(const QStringList &args)
    {
        return pairlens::test::runHeadless(QStringLiteral(PAIRLENS_EXE), args, m_dir.path());
    }

    static QByteArray readAll(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(missing)");
    }

    // The files of the work folder a test may leave (inputs, the dataset file, the outputs named).
    QStringList outputs() const
    {
        QStringList names = QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden);
        names.removeIf([](const QString &n) { return n.startsWith(u"input"_s) || n.startsWith(u"same."_s); });
        return names;
    }

    void removeOutputs()
    {
        for (const QString &name : outputs())
            QFile::remove(m_dir.filePath(name));
    }

    // A data file of one export without what names the export's time (the JSON envelope's
    // exported_at, its second line).
    static QByteArray withoutTime(QByteArray bytes)
    {
        if (bytes.startsWith("{\n\"exported_at\"")) {
            const qsizetype end = bytes.indexOf('\n', 2);
            bytes.remove(2, end - 1);
        }
        return bytes;
    }

    // A manifest without the fields that name the dataset, the output file or the time.
    static QJsonObject comparable(const QString &manifestPath, bool json)
    {
        QJsonObject m = QJsonDocument::fromJson(readAll(manifestPath)).object();
        m.remove(u"dataset"_s);
        m.remove(u"exported_at"_s);
        QJsonArray files = m[u"files"_s].toArray();
        for (qsizetype i = 0; i < files.size(); ++i) {
            QJsonObject f = files.at(i).toObject();
            f.remove(u"name"_s);
            if (json) // the envelope holds the export's time
                f.remove(u"sha256"_s);
            files[i] = f;
        }
        m[u"files"_s] = files;
        return m;
    }

    void writeInput()
    {
        PAIRLENS_REQUIRE_TEST_DATA(spider, u"spider.jsonl"_s);
        QFile in(spider);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(m_input = m_dir.filePath(u"input.jsonl"_s));
        QVERIFY(out.open(QIODevice::WriteOnly));
        const QStringList pii = {u" Mail the result to ana.lopez@example.com."_s, u" Call +1 415 555 0142."_s,
                                 u" Card 4111 1111 1111 1111 was used."_s, QString(), QString()};
        const QStringList types = {u"postgresql"_s, u"mysql"_s, u"sqlite"_s};
        const QDateTime start(QDate(2024, 3, 1), QTime(8, 0), Qt::UTC);
        for (int i = 0; i < 400 && !in.atEnd(); ++i) {
            const QJsonObject s = QJsonDocument::fromJson(in.readLine()).object();
            QJsonObject metadata{{u"agent"_s, u"v%1"_s.arg(i % 4)}};
            if (i % 9 == 0)
                metadata[u"user"_s] = u"bob.miller@example.org"_s;
            QJsonObject o{
                {u"natural_language_query"_s, QString(s[u"question"_s].toString() + pii.at(i % pii.size()))},
                {u"sql_query"_s, s[u"sql"_s]},
                {u"timestamp"_s, start.addSecs(qint64(i) * 7 * 3571).toString(Qt::ISODate)},
                {u"database_type"_s, types.at(i % 3)},
                {u"database_name"_s, s[u"db_id"_s]},
                {u"success"_s, i % 7 != 3},
                {u"metadata"_s, metadata}};
            if (i % 5 != 4)
                o[u"execution_time_ms"_s] = double(i % 37) * 1.25 + 0.5;
            if (i % 2 == 0)
                o[u"pair_id"_s] = u"exp-%1"_s.arg(i);
            out.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            if (i % 50 == 7) { // the same question and SQL again under another id: a duplicate
                o[u"pair_id"_s] = u"again-%1"_s.arg(i);
                out.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            }
        }
        // Texts that COPY's text format escapes (tab, newline, carriage return, backspace, form
        // feed, vertical tab, backslash, a backslash before N), quotes, and values that the
        // filters below pass as parameters (PostgreSQL's rows arrive as COPY lines, with the
        // parameters written into the statement).
        for (int i = 0; i < 6; ++i) {
            QJsonObject o{
                {u"pair_id"_s, u"odd'\\id-%1"_s.arg(i)},
                {u"natural_language_query"_s,
                 u"It's\ta \"tab\"\nand a newline\r, \\N not null, C:\\temp\\%1 \b\f\v\u0001 done"_s.arg(i)},
                {u"sql_query"_s, u"SELECT '\\N', E'\\t' FROM \"o'brien\"\tWHERE x = '$1' -- %1"_s.arg(i)},
                {u"timestamp"_s, u"2024-04-0%1T10:00:00Z"_s.arg(i + 1)},
                {u"database_type"_s, u"postgresql"_s},
                {u"database_name"_s, u"o'brien\\db"_s},
                {u"success"_s, i % 2 == 0},
                {u"metadata"_s, QJsonObject{{u"path"_s, u"C:\\x\ty"_s}, {u"quote"_s, u"'\"'"_s}}}};
            if (i % 3 == 0)
                o[u"execution_time_ms"_s] = 1.5 * i;
            out.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        }
    }

    // The dataset file takes the PostgreSQL dataset's secret, so that both replace values alike.
    static bool setFileSecret(const QString &file, const QString &hex)
    {
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"secret"_s);
            db.setDatabaseName(file);
            if (db.open()) {
                QSqlQuery q(db);
                q.prepare(u"UPDATE settings SET value = ? WHERE key = 'privacy.secret'"_s);
                q.addBindValue(hex);
                ok = q.exec() && q.numRowsAffected() == 1;
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(u"secret"_s);
        return ok;
    }

    // Exports with the same options from the file and from PostgreSQL (the owner's URL unless
    // given) and compares the data files and manifests. Returns the pairs written.
    qint64 compareExport(const QString &format, const QStringList &options, const QString &url = {})
    {
        const QString ext = format == u"csv"_s ? u"csv"_s : format == u"json"_s ? u"json"_s : u"jsonl"_s;
        const QString gz = options.contains(u"--gzip"_s) ? u".gz"_s : QString();
        const QString f = m_dir.filePath(u"file."_s + ext + gz), p = m_dir.filePath(u"pg."_s + ext + gz);
        const QStringList tail = QStringList{u"--format"_s, format, u"--json"_s} << options;
        const Run file = run(QStringList{u"export"_s, m_file, u"-o"_s, f} << tail);
        const Run pg = run(QStringList{u"export"_s, url.isEmpty() ? m_url : url, u"-o"_s, p} << tail);
        const QString what = format + u" "_s + options.join(u' ');
        if (file.code != 0 || pg.code != 0) {
            qWarning() << what << file.err << pg.err;
            return -1;
        }
        // With --split: NAME.train.EXT and NAME.val.EXT beside one manifest.
        const QStringList parts =
            options.contains(u"--split"_s) ? QStringList{u".train."_s, u".val."_s} : QStringList{u"."_s};
        for (const QString &part : parts) {
            const QString fp = m_dir.filePath(u"file"_s + part + ext + gz);
            const QString pp = m_dir.filePath(u"pg"_s + part + ext + gz);
            if (withoutTime(readAll(pp)) != withoutTime(readAll(fp)) || !QFile::exists(fp)) {
                qWarning() << what << "data files differ" << pp;
                return -1;
            }
        }
        const bool json = format == u"json"_s;
        const QJsonObject fm = comparable(f + u".manifest.json"_s, json);
        const QJsonObject pm = comparable(p + u".manifest.json"_s, json);
        if (fm != pm || fm.isEmpty()) {
            qWarning() << what << "manifests differ" << fm << pm;
            return -1;
        }
        // The result JSON too, but for the paths.
        QJsonObject fr = QJsonDocument::fromJson(file.rawOut).object(),
                    pr = QJsonDocument::fromJson(pg.rawOut).object();
        for (QJsonObject *r : {&fr, &pr}) {
            r->remove(u"files"_s);
            r->remove(u"manifest"_s);
        }
        if (!url.isEmpty() && url.startsWith(m_readOnly.section(u'?', 0, 0))) {
            // A read-only role exports, but its export is not in the audit log, and it is told so.
            const QString expected =
                u"The export was not recorded in the audit log: %1 is read-only for this PostgreSQL role: "
                "it may not add pairs to schema %2."_s.arg(
                    QUrl(url).adjusted(QUrl::RemovePassword).toString(), m_schema);
            if (!pg.err.contains(expected)) {
                qWarning() << what << "the read-only role's warning" << pg.err;
                return -1;
            }
        }
        if (fr != pr) {
            qWarning() << what << "results differ" << fr << pr;
            return -1;
        }
        const qint64 count = pm[u"pair_count"_s].toInteger();
        removeOutputs();
        return count;
    }

    // A session that holds advisory lock 4242 while it is open, for the gate below.
    int m_gated = 0;
    // A schema whose pairs the read-only role reads through a row-level security policy that waits
    // for advisory lock 4242 at the 100th row of a REPEATABLE READ read (the export's cursor), never
    // in a count: an export by that role stops right there while a test holds the lock.
    QString gatedSchema()
    {
        const QString schema = m_schema + u"_g"_s + QString::number(m_gated++); // one per test
        const QString url = m_owner + u"?schema="_s + schema;
        if (run({u"import"_s, url, m_input}).code != 0)
            return {};
        const QString setup = psql(
            m_owner,
            u"CREATE FUNCTION %1.gate(bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
            "IF $1 = 100 AND current_setting('transaction_isolation') = 'repeatable read' THEN "
            "PERFORM pg_advisory_lock_shared(4242); PERFORM pg_advisory_unlock_shared(4242); END IF; "
            "RETURN true; END $$; ALTER TABLE %1.pairs ENABLE ROW LEVEL SECURITY; "
            "CREATE POLICY gate ON %1.pairs FOR SELECT USING (%1.gate(id)); "
            "GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro"_s
                .arg(schema));
        return setup.isEmpty() ? schema : QString();
    }

    // The backend (other than `other`) that waits at the gate (advisory lock 4242).
    QString waitingBackend(const QString &other = u"0"_s)
    {
        return pairlens::test::advisoryWaiter(m_roRole, 4242, other);
    }

    // Starts `pairlens export` of the gated `schema` (as the read-only role) into `out`.
    bool startGatedExport(QProcess &p, const QString &schema, const QString &out)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_dir.path());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PAIRLENS_EXE),
                {u"export"_s, QString(m_readOnly).replace(m_schema, schema), u"-o"_s, out});
        return p.waitForStarted();
    }

    // Ends the backend that waits at the gate (other than `other`); its pid, empty when none came.
    QString endWaitingBackend(const QString &other = u"0"_s)
    {
        return pairlens::test::endAdvisoryWaiter(m_roRole, 4242, other);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_schema = pairlens::test::uniqueSchema(u"t_exp"_s);
        m_owner = server.owner;
        m_url = server.owner + u"?schema="_s + m_schema;
        m_readOnly = server.readOnly + u"?schema="_s + m_schema;
        m_roRole = server.readOnly;
        m_file = m_dir.filePath(u"same.pairlens"_s);
        writeInput();
        const Run file = run({u"import"_s, m_file, m_input});
        QCOMPARE(file.code, 0);
        const Run pg = run({u"import"_s, m_url, m_input});
        QCOMPARE(pg.code, 0);
        QCOMPARE(pg.out, file.out);
        // The secret was created with the schema, once, in its settings table as in the file's.
        const QString secret =
            psql(m_owner, u"SELECT value FROM %1.settings WHERE key = 'privacy.secret'"_s.arg(m_schema));
        QCOMPARE(secret.size(), 64);
        QCOMPARE(run({u"list"_s, m_url, u"--limit"_s, u"1"_s}).code, 0);
        QCOMPARE(psql(m_owner, u"SELECT value FROM %1.settings WHERE key = 'privacy.secret'"_s.arg(m_schema)),
                 secret);
        QVERIFY(setFileSecret(m_file, secret));
    }

    void everyFormatIsTheSame()
    {
        const QStringList formats = {
            u"jsonl"_s,       u"json"_s,           u"csv"_s,   u"prompt-completion"_s,
            u"openai-chat"_s, u"anthropic-chat"_s, u"alpaca"_s};
        for (const QString &format : formats) {
            const qint64 n = compareExport(format, {});
            QVERIFY2(n > 300, qPrintable(format + u": "_s + QString::number(n)));
        }
        // Not anonymized, deduplicated, compressed, a field list and a template.
        QVERIFY(compareExport(u"jsonl"_s, {u"--no-anonymize"_s}) > 400);
        QVERIFY(compareExport(u"jsonl"_s, {u"--dedupe"_s}) > 300);
        QVERIFY(compareExport(u"csv"_s, {u"--fields"_s, u"pair_id,natural_language_query,metadata"_s}) > 400);
        QVERIFY(compareExport(u"alpaca"_s, {u"--template"_s, u"{question} ({database_name}: {tables})"_s,
                                            u"--include-failed"_s}) > 300);
        QVERIFY(compareExport(u"jsonl"_s, {u"--gzip"_s}) > 400);
        // A search and a list of pair_ids select the same pairs as in the file.
        QVERIFY(compareExport(u"jsonl"_s, {u"--search"_s, u"how many"_s}) > 10);
        QCOMPARE(compareExport(u"csv"_s, {u"--ids"_s, u"exp-0,exp-2,exp-4,no-such-pair"_s}), 3);
        // Escaped texts and parameters with quotes and backslashes, anonymized and not.
        QCOMPARE(compareExport(u"jsonl"_s, {u"--db-name"_s, u"o'brien\\db"_s, u"--successful-only"_s}), 3);
        QCOMPARE(compareExport(u"jsonl"_s, {u"--db-name"_s, u"o'brien\\db"_s, u"--no-anonymize"_s,
                                            u"--include-failed"_s}),
                 6);
        QCOMPARE(compareExport(u"csv"_s, {u"--ids"_s, u"odd'\\id-0,odd'\\id-4"_s, u"--no-anonymize"_s}), 2);
        QCOMPARE(compareExport(u"jsonl"_s, {u"--search"_s, u"it's C:\\temp"_s, u"--no-anonymize"_s,
                                            u"--include-failed"_s}),
                 6);
        // A split: each group of pairs sharing a normalized question or SQL on one side, by the
        // same keyed hash.
        QVERIFY(compareExport(u"jsonl"_s, {u"--split"_s, u"0.8"_s}) > 400);
        QVERIFY(compareExport(u"openai-chat"_s, {u"--split"_s, u"0.5"_s, u"--db-type"_s, u"mysql"_s}) > 100);
    }

    // A schema whose name holds `$1` (quoted in every statement): the parameters written into the
    // export's COPY statement replace neither it nor the `$1` in a stored text.
    void aSchemaNamedWithADollarSign()
    {
        const QString schema = pairlens::test::uniqueSchema(u"t_d-$1"_s);
        const QString url = m_owner + u"?schema="_s + QString::fromUtf8(QUrl::toPercentEncoding(schema));
        QCOMPARE(run({u"import"_s, url, m_input}).code, 0);
        const QString secret =
            psql(m_owner, u"SELECT value FROM %1.settings WHERE key = 'privacy.secret'"_s.arg(m_schema));
        QCOMPARE(psql(m_owner, u"UPDATE \"%1\".settings SET value = '%2' WHERE key = 'privacy.secret'"_s.arg(
                                   schema, secret)),
                 QString());
        QCOMPARE(compareExport(u"jsonl"_s, {u"--db-name"_s, u"o'brien\\db"_s, u"--no-anonymize"_s}, url), 6);
        QVERIFY(compareExport(u"jsonl"_s, {u"--db-type"_s, u"mysql"_s, u"--from"_s, u"2024-04-01"_s}, url) >
                10);
        psql(m_owner, u"DROP SCHEMA \"%1\" CASCADE"_s.arg(schema));
    }

    void anonymizedByDefault()
    {
        const QString out = m_dir.filePath(u"anon.jsonl"_s);
        const Run r = run({u"export"_s, m_url, u"-o"_s, out});
        QCOMPARE(r.code, 0);
        const QByteArray bytes = readAll(out);
        QVERIFY(bytes.contains("user_"));
        QVERIFY(!bytes.contains("ana.lopez@example.com"));
        QVERIFY(!bytes.contains("bob.miller@example.org"));
        removeOutputs();
    }

    void underAFilterTheSame()
    {
        const QList<QStringList> filters = {
            {u"--failed-only"_s},
            {u"--db-type"_s, u"mysql,sqlite"_s, u"--type"_s, u"SELECT"_s},
            {u"--from"_s, u"2024-04-01"_s, u"--to"_s, u"2024-05-15"_s},
            {u"--pii"_s, u"email"_s},
            {u"--table"_s, u"singer,HEAD"_s},
        };
        for (const QStringList &filter : filters) {
            const qint64 n = compareExport(u"jsonl"_s, filter);
            QVERIFY2(n > 0 && n < 400, qPrintable(filter.join(u' ') + u": "_s + QString::number(n)));
        }
    }

    // scan reads the same rows in the same order with the same key: the same report, examples
    // and all (the examples name pair_ids and show anonymized values, never originals).
    void scanIsTheFilesScan()
    {
        for (const QStringList &options :
             {QStringList{u"--json"_s}, QStringList{}, QStringList{u"--json"_s, u"--pii"_s, u"email"_s},
              QStringList{u"--examples"_s, u"0"_s, u"--failed-only"_s}}) {
            const Run file = run(QStringList{u"scan"_s, m_file} + options);
            const Run pg = run(QStringList{u"scan"_s, m_url} + options);
            QCOMPARE(file.code, 0);
            QCOMPARE(pg.code, file.code);
            QVERIFY2(file.out.size() > 100, qPrintable(file.out));
            QCOMPARE(pg.out, file.out);
            QVERIFY(!pg.out.contains(u"ana.lopez@example.com"_s));
        }
        // The pipeline gate too: email's operator keeps nothing, so --fail-on-any-pii trips on both.
        const Run file = run({u"scan"_s, m_file, u"--fail-on-any-pii"_s});
        const Run pg = run({u"scan"_s, m_url, u"--fail-on-any-pii"_s});
        QCOMPARE(file.code, 4);
        QCOMPARE(pg.code, 4);
        QCOMPARE(pg.err, file.err);
    }

    // `anonymize --dataset` with a PostgreSQL location uses the store's settings and secret: the
    // same replacements as with the file that holds the same secret, for text and for SQL.
    void anonymizeIsTheFilesAnonymize()
    {
        const QByteArray text = "Mail the result to ana.lopez@example.com.\n"
                                "Call +1 415 555 0142 about card 4111 1111 1111 1111\n"
                                "nothing personal here\n";
        const QByteArray sql = "SELECT * FROM users WHERE email = 'ana.lopez@example.com'\n";
        const QString exe = QStringLiteral(PAIRLENS_EXE);
        for (const auto &[options, input] :
             {std::pair{QStringList{}, text}, std::pair{QStringList{u"--sql"_s, u"--json"_s}, sql}}) {
            const QStringList file = QStringList{u"anonymize"_s, u"--dataset"_s, m_file} << options;
            const QStringList pg = QStringList{u"anonymize"_s, u"--dataset"_s, m_url} << options;
            const auto a = pairlens::test::runHeadless(exe, file, m_dir.path(), input);
            const auto b = pairlens::test::runHeadless(exe, pg, m_dir.path(), input);
            QVERIFY2(a.code == 0, qPrintable(a.err));
            QVERIFY2(b.code == 0, qPrintable(b.err));
            QVERIFY(!b.out.isEmpty());
            QCOMPARE(b.out, a.out);
            // --json also echoes the input line; what is written in its place is the "anonymized" text.
            const QString written =
                options.contains(u"--json"_s)
                    ? QJsonDocument::fromJson(b.rawOut).object()[u"anonymized"_s].toString()
                    : b.out;
            QVERIFY2(written.contains(u"@example.com"_s) && !written.contains(u"ana.lopez"_s),
                     qPrintable(b.out));
        }
    }

    // An export is in the audit log, as a file's: the format, the files and their checksums, the
    // filter; written once the read is over (the cursor's read-only transaction ended).
    void exportIsAudited()
    {
        const QString before = psql(m_owner, u"SELECT count(*) FROM %1.audit_log"_s.arg(m_schema));
        const QString out = m_dir.filePath(u"audited.csv"_s);
        const Run r = run({u"export"_s, m_url, u"-o"_s, out, u"--format"_s, u"csv"_s, u"--failed-only"_s});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains(u"audit"_s), qPrintable(r.err));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log"_s.arg(m_schema)).toInt(),
                 before.toInt() + 1);
        const QString entry =
            psql(m_owner, u"SELECT action, pair_count, detail->>'format', detail->>'anonymized', "
                          "detail->'filter'->>'success', detail->'files'->>0 FROM %1.audit_log "
                          "ORDER BY id DESC LIMIT 1"_s.arg(m_schema));
        const QStringList fields = entry.split(u'|');
        QCOMPARE(fields.size(), 6);
        QCOMPARE(fields[0], u"export"_s);
        QVERIFY(fields[1].toInt() > 0 && fields[1].toInt() < 400);
        QCOMPARE(fields.mid(2, 2), (QStringList{u"csv"_s, u"true"_s}));
        QCOMPARE(fields[4], u"failed"_s);
        QCOMPARE(fields[5], QFileInfo(out).absoluteFilePath());
        removeOutputs();
    }

    void readOnlyRoleExports()
    {
        QCOMPARE(
            psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN SCHEMA %1 "
                          "TO pairlens_ro"_s.arg(m_schema)),
            QString());
        const QString before = psql(
            m_owner,
            u"SELECT count(*), string_agg(key || value, ',' ORDER BY key) FROM %1.settings"_s.arg(m_schema));
        QVERIFY(compareExport(u"jsonl"_s, {}, m_readOnly) > 300);
        QVERIFY(compareExport(u"json"_s, {u"--successful-only"_s}, m_readOnly) > 300);
        QCOMPARE(psql(m_owner,
                      u"SELECT count(*), string_agg(key || value, ',' ORDER BY key) FROM %1.settings"_s.arg(
                          m_schema)),
                 before);
    }

    // The duplicates filters (format version 5's stored keys) export the same pairs as a file's.
    void duplicatesAreTheFilesDuplicates()
    {
        // Eight pairs are in twice (i % 50 == 7); Spider repeats some questions and SQL itself.
        const qint64 exact = compareExport(u"jsonl"_s, {u"--duplicates"_s});
        QVERIFY2(exact >= 16 && exact < 100, qPrintable(QString::number(exact)));
        const qint64 normalized = compareExport(u"csv"_s, {u"--normalized-duplicates"_s});
        QVERIFY2(normalized >= exact && normalized < 400, qPrintable(QString::number(normalized)));
        const qint64 failed = compareExport(u"jsonl"_s, {u"--duplicates"_s, u"--failed-only"_s});
        QVERIFY2(failed >= 0 && failed < exact, qPrintable(QString::number(failed)));
    }

    void wrongPasswordFailsWithOneSentence()
    {
        QUrl url(m_url);
        url.setPassword(u"not-the-password"_s);
        const Run r = run({u"export"_s, url.toString(), u"-o"_s, m_dir.filePath(u"denied.jsonl"_s)});
        QCOMPARE(r.code, 1);
        QCOMPARE(r.out, QString());
        QCOMPARE(r.err.trimmed().count(u'\n'), 0);
        QVERIFY2(r.err.contains(u"password authentication failed"_s), qPrintable(r.err));
        QVERIFY(!r.err.contains(u"not-the-password"_s));
        QCOMPARE(outputs(), QStringList());
    }

    // The export's read is cut off midway (its backend ended, as by a server restart): it reconnects,
    // exports again from the start and says so; the file is the one an export without the loss
    // writes.
    void aDroppedConnectionExportsAgainFromTheStart()
    {
        const QString schema = gatedSchema();
        QVERIFY(!schema.isEmpty());
        const QString out = m_dir.filePath(u"dropped.jsonl"_s);
        QProcess p;
        {
            const pairlens::test::AdvisoryLock lock(m_owner, 4242);
            QVERIFY(lock.held());
            QVERIFY(startGatedExport(p, schema, out));
            // The export is in the middle of its read, its output file open.
            const QString pid = endWaitingBackend();
            QVERIFY2(!pid.isEmpty(), p.readAllStandardError().constData());
            // The second attempt reads on a new backend and stops at the same row.
            QVERIFY2(!waitingBackend(pid).isEmpty(), p.readAllStandardError().constData());
        }
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(err.contains(u"was lost during the export; PairLens reconnected and exported again from the "
                              "start."_s),
                 qPrintable(err));
        const QString undropped = m_dir.filePath(u"undropped.jsonl"_s);
        QCOMPARE(run({u"export"_s, QString(m_readOnly).replace(m_schema, schema), u"-o"_s, undropped}).code,
                 0);
        const QByteArray written = readAll(out);
        QVERIFY2(written.count('\n') > 100, written.left(200).constData()); // past the gate's row
        QVERIFY(written == readAll(undropped));
        removeOutputs();
        psql(m_owner, u"DROP SCHEMA %1 CASCADE"_s.arg(schema));
    }

    // Lost again in the second attempt: one sentence, and no file.
    void aConnectionDroppedTwiceLeavesNoFile()
    {
        const QString schema = gatedSchema();
        QVERIFY(!schema.isEmpty());
        const pairlens::test::AdvisoryLock lock(m_owner, 4242);
        QVERIFY(lock.held());
        QProcess p;
        QVERIFY(startGatedExport(p, schema, m_dir.filePath(u"dropped.jsonl"_s)));
        const QString pid = endWaitingBackend();
        QVERIFY2(!pid.isEmpty(), p.readAllStandardError().constData());
        QVERIFY2(!endWaitingBackend(pid).isEmpty(), p.readAllStandardError().constData());
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
        QCOMPARE(err.count(u'\n'), 0);
        QVERIFY2(err.startsWith(u"Cannot read the pairs from PostgreSQL: "_s), qPrintable(err));
        QCOMPARE(outputs(), QStringList());
        psql(m_owner, u"DROP SCHEMA %1 CASCADE"_s.arg(schema));
    }

    void ctrlCStopsTheExportCleanly()
    {
        const QString schema = gatedSchema();
        QVERIFY(!schema.isEmpty());
        QProcess p;
        {
            const pairlens::test::AdvisoryLock lock(m_owner, 4242);
            QVERIFY(lock.held());
            QVERIFY(startGatedExport(p, schema, m_dir.filePath(u"cancelled.jsonl"_s)));
            QVERIFY(!waitingBackend().isEmpty());
            ::kill(pid_t(p.processId()), SIGINT);
        } // the lock is released: the cursor goes on, and the export sees the request to stop
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(
            QString::fromUtf8(p.readAllStandardError()).contains(u"Export cancelled; nothing was written."_s),
            "no cancel message");
        QCOMPARE(outputs(), QStringList());
        psql(m_owner, u"DROP SCHEMA %1 CASCADE"_s.arg(schema));
    }

    void cleanupTestCase()
    {
        if (!m_schema.isEmpty() && !m_owner.isEmpty())
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema));
    }
};

QTEST_GUILESS_MAIN(TstPgExport)
#include "tst_pgexport.moc"
