// `pairlens import`, `list` and `stats` on a PostgreSQL dataset (issue 18): the real binary against
// the real PostgreSQL 15 of the CTest fixture pg_cluster, each run beside the same commands on a
// dataset file, whose output it must equal.
#include "pgtestutil.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <csignal>
#include <sys/types.h>

using namespace Qt::StringLiterals;
using pairlens::test::psql;
using pairlens::test::readTrimmed;

class TstPgCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_owner;    // the owner's URL (for psql)
    QString m_url;      // the owner's URL, with a schema of its own for this run
    QString m_readOnly; // the read-only role's URL, same schema
    QString m_schema;
    QString m_file;   // the dataset file beside it
    QString m_timed;  // pairs with times, PII, failures and a malformed line (JSON Lines)
    QString m_csv;    // the same shape as CSV
    QString m_spider; // tests/data/spider.jsonl: no timestamps (the import time is theirs)

    using Run = pairlens::test::CliRun;
    Run run(const QStringList &args)
    {
        return pairlens::test::runHeadless(QStringLiteral(PAIRLENS_EXE), args, m_dir.path());
    }

    static QJsonObject json(const Run &r) { return QJsonDocument::fromJson(r.rawOut).object(); }

    // Runs the same command on the dataset file and on PostgreSQL; both must succeed.
    std::pair<Run, Run> both(const QStringList &command, const QStringList &options = {})
    {
        const Run file = run(QStringList{command} << m_file << options);
        const Run pg = run(QStringList{command} << m_url << options);
        return {file, pg};
    }

    void writeInputs()
    {
        // From the first 300 spider pairs: times over three months, execution times, failures, PII in
        // the question and the metadata, a repeated pair, a malformed line and a record without SQL.
        PAIRLENS_REQUIRE_TEST_DATA(spider, u"spider.jsonl"_s);
        m_spider = spider;
        QFile in(spider);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile jsonl(m_timed = m_dir.filePath(u"timed.jsonl"_s));
        QFile csv(m_csv = m_dir.filePath(u"timed.csv"_s));
        QVERIFY(jsonl.open(QIODevice::WriteOnly) && csv.open(QIODevice::WriteOnly));
        csv.write("pair_id,natural_language_query,sql_query,timestamp,database_type,database_name,success,"
                  "execution_time_ms\n");
        const QStringList pii = {u" Mail the result to ana.lopez@example.com."_s, u" Call +1 415 555 0142."_s,
                                 u" Card 4111 1111 1111 1111 was used."_s, QString(), QString()};
        const QStringList types = {u"postgresql"_s, u"mysql"_s, u"sqlite"_s};
        const QDateTime start(QDate(2024, 3, 1), QTime(8, 0), Qt::UTC);
        for (int i = 0; i < 300 && !in.atEnd(); ++i) {
            const QJsonObject s = QJsonDocument::fromJson(in.readLine()).object();
            QJsonObject metadata;
            metadata[u"agent"_s] = u"v%1"_s.arg(i % 4);
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
                o[u"pair_id"_s] = u"timed-%1"_s.arg(i);
            jsonl.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            if (i == 40)
                jsonl.write("{\"natural_language_query\": \"broken\", \"sql_query\": \n"); // malformed
            if (i == 41)
                jsonl.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n'); // repeated
            if (i < 60) {
                QStringList fields = {u"csv-%1"_s.arg(i),
                                      o[u"natural_language_query"_s].toString(),
                                      o[u"sql_query"_s].toString(),
                                      o[u"timestamp"_s].toString(),
                                      o[u"database_type"_s].toString(),
                                      o[u"database_name"_s].toString(),
                                      i % 7 != 3 ? u"1"_s : u"0"_s,
                                      o[u"execution_time_ms"_s].isDouble()
                                          ? QString::number(o[u"execution_time_ms"_s].toDouble())
                                          : QString()};
                for (QString &f : fields)
                    f = u"\""_s + f.replace(u"\""_s, u"\"\""_s) + u"\""_s;
                csv.write(fields.join(u',').toUtf8() + '\n');
            }
        }
        jsonl.write("{\"natural_language_query\": \"no sql here\"}\n"); // a record the importer rejects
    }

    // Removes what depends on when a file without timestamps was imported.
    static QJsonObject withoutImportTimes(QJsonObject o)
    {
        o.remove(u"date_range"_s);
        o.remove(u"timeline"_s);
        if (o.contains(u"pairs"_s)) {
            QJsonArray pairs = o[u"pairs"_s].toArray();
            for (qsizetype i = 0; i < pairs.size(); ++i) {
                QJsonObject p = pairs.at(i).toObject();
                p.remove(u"timestamp"_s);
                pairs[i] = p;
            }
            o[u"pairs"_s] = pairs;
        }
        return o;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_schema = pairlens::test::uniqueSchema(u"t_cli"_s);
        m_owner = server.owner;
        m_url = server.owner + u"?schema="_s + m_schema;
        m_readOnly = server.readOnly + u"?schema="_s + m_schema;
        m_file = m_dir.filePath(u"same.pairlens"_s);
        writeInputs();
    }

    void importGivesTheSameReport()
    {
        for (const QString &input : {m_timed, m_csv}) {
            const auto [file, pg] = both({u"import"_s}, {input});
            QCOMPARE(file.code, input == m_timed ? 3 : 0); // 3: some records were skipped
            QCOMPARE(pg.code, file.code);
            QCOMPARE(pg.out, file.out);
            QCOMPARE(pg.err, file.err);
        }
        // The malformed line and the record without SQL are named by their lines.
        const Run again = run({u"import"_s, m_url, m_timed});
        QVERIFY2(again.err.contains(m_timed + u":42: skipped: "_s), qPrintable(again.err));
        QVERIFY2(again.err.contains(m_timed + u":303: skipped: "_s), qPrintable(again.err));
        // A second import adds nothing: every pair_id is there.
        QVERIFY2(again.out.contains(u": 303 records, 0 imported, 301 already present, 2 skipped."_s),
                 qPrintable(again.out));
        const Run csvAgain = run({u"import"_s, m_url, m_csv});
        QCOMPARE(csvAgain.code, 0);
        QVERIFY2(csvAgain.out.contains(u": 60 records, 0 imported, 60 already present, 0 skipped."_s),
                 qPrintable(csvAgain.out));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.pairs"_s.arg(m_schema)), u"361"_s);
        // Every derived field is filled on import.
        QCOMPARE(psql(m_owner,
                      u"SELECT count(*) FROM %1.pairs WHERE query_type IS NULL OR ts IS NULL OR "
                      "table_names IS NULL OR pii_mask IS NULL OR question_length IS NULL"_s.arg(m_schema)),
                 u"0"_s);
    }

    void statsAreTheSame()
    {
        const auto [file, pg] = both({u"stats"_s}, {u"--json"_s});
        QCOMPARE(file.code, 0);
        QVERIFY2(pg.code == 0, qPrintable(pg.err));
        const QJsonObject f = json(file), p = json(pg);
        QCOMPARE(p[u"total_pairs"_s].toInteger(), 361);
        QVERIFY(p[u"pii"_s].toObject()[u"pairs_with_pii"_s].toInteger() > 0);
        QVERIFY(p[u"duplicates"_s].toObject()[u"exact"_s].toInteger() > 0); // the CSV repeats 60 pairs
        for (auto it = f.constBegin(); it != f.constEnd(); ++it)
            QVERIFY2(
                p.value(it.key()) == it.value(),
                qPrintable(
                    it.key() + u": file "_s +
                    QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), it.value()}}).toJson()) +
                    u"PostgreSQL "_s +
                    QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), p.value(it.key())}}).toJson())));
        QCOMPARE(p, f);
        // The text report too.
        const auto [fileText, pgText] = both({u"stats"_s});
        QCOMPARE(pgText.code, 0);
        QCOMPARE(pgText.out, fileText.out);
    }

    void statsUnderAFilterAreTheSame()
    {
        const QList<QStringList> filters = {
            {u"--failed-only"_s},
            {u"--db-type"_s, u"mysql,sqlite"_s, u"--type"_s, u"SELECT"_s},
            {u"--from"_s, u"2024-04-01"_s, u"--to"_s, u"2024-05-15"_s},
            {u"--pii"_s, u"email"_s},
            {u"--status"_s, u"approved"_s},
            {u"--table"_s, u"CUSTOMERS,student"_s, u"--successful-only"_s},
            {u"--duplicates"_s},
            {u"--normalized-duplicates"_s, u"--successful-only"_s},
        };
        for (const QStringList &filter : filters) {
            const auto [file, pg] = both({u"stats"_s}, QStringList{u"--json"_s} << filter);
            QVERIFY2(pg.code == 0, qPrintable(pg.err));
            QCOMPARE(json(pg), json(file));
            QVERIFY2(json(pg)[u"total_pairs"_s].toInteger() < 361, qPrintable(filter.join(u' ')));
            if (filter.first() != u"--status"_s) // nothing is approved: the others must match some pairs
                QVERIFY2(json(pg)[u"total_pairs"_s].toInteger() > 0, qPrintable(filter.join(u' ')));
        }
        // No pair at all: every breakdown of the one grouping-sets scan empty, no times to rank.
        const auto [file, pg] = both({u"stats"_s}, {u"--json"_s, u"--from"_s, u"2099-01-01"_s});
        QVERIFY2(pg.code == 0, qPrintable(pg.err));
        QCOMPARE(json(pg)[u"total_pairs"_s].toInteger(), 0);
        QCOMPARE(json(pg), json(file));
    }

    void listIsTheSame()
    {
        const QList<QStringList> options = {
            {},
            {u"--limit"_s, u"25"_s, u"--offset"_s, u"40"_s},
            {u"--limit"_s, u"1000"_s},
            {u"--successful-only"_s, u"--db-name"_s, u"farm,concert_singer"_s},
            {u"--table"_s, u"people"_s, u"--limit"_s, u"10"_s},
            {u"--offset"_s, u"5000"_s},
            {u"--duplicates"_s, u"--limit"_s, u"1000"_s},
            {u"--normalized-duplicates"_s, u"--limit"_s, u"30"_s, u"--offset"_s, u"10"_s},
        };
        for (const QStringList &o : options) {
            const auto [file, pg] = both({u"list"_s}, QStringList{u"--json"_s} << o);
            QVERIFY2(pg.code == 0, qPrintable(pg.err));
            QCOMPARE(json(pg), json(file));
            if (!o.contains(u"5000"_s))
                QVERIFY2(json(pg)[u"count"_s].toInteger() > 0, qPrintable(o.join(u' ')));
            const auto [fileText, pgText] = both({u"list"_s}, o);
            QCOMPARE(pgText.out, fileText.out);
        }
        QCOMPARE(json(run({u"list"_s, m_url, u"--json"_s, u"--limit"_s, u"1000"_s}))[u"count"_s].toInteger(),
                 361);
    }

    void importTimesAsAFile()
    {
        // Pairs without timestamps get the time of their import, in both.
        const auto [file, pg] = both({u"import"_s}, {m_spider});
        QCOMPARE(file.code, 0);
        QCOMPARE(pg.code, 0);
        QCOMPARE(pg.out, file.out);
        const auto [fileStats, pgStats] = both({u"stats"_s}, {u"--json"_s, u"--count-duplicates"_s});
        QVERIFY(json(pgStats)[u"total_pairs"_s].toInteger() > 1300);
        QCOMPARE(withoutImportTimes(json(pgStats)), withoutImportTimes(json(fileStats)));
        const auto [fileList, pgList] = both({u"list"_s}, {u"--json"_s, u"--limit"_s, u"2000"_s});
        QCOMPARE(withoutImportTimes(json(pgList)), withoutImportTimes(json(fileList)));
    }

    void takenPairIdsAreCountedAsInAFile()
    {
        // timed-0 is stored with another question: kept, and counted as taken; the other record is new.
        const QString taken = m_dir.filePath(u"taken.jsonl"_s);
        QFile f(taken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"pair_id\": \"timed-0\", \"natural_language_query\": \"another question\", "
                "\"sql_query\": \"SELECT 1\"}\n"
                "{\"pair_id\": \"taken-new\", \"natural_language_query\": \"a new question\", "
                "\"sql_query\": \"SELECT 2\"}\n");
        f.close();
        const auto [file, pg] = both({u"import"_s}, {taken});
        QCOMPARE(file.code, 0);
        QCOMPARE(pg.code, 0);
        QCOMPARE(pg.out, file.out);
        QVERIFY2(pg.out.contains(u": 2 records, 1 imported, 1 already present, 0 skipped."_s),
                 qPrintable(pg.out));
        // Both name the line and say where the pair_id was taken, in the same words.
        const QString summary = taken +
                                u": 1 records have a pair_id that is already taken by another question or "
                                "SQL (1 in the dataset, 0 earlier in the file); they were not imported.\n"_s;
        QVERIFY2(file.err.contains(summary), qPrintable(file.err));
        QVERIFY2(
            pg.err.contains(taken + u":1: not imported: pair_id \"timed-0\" is already in the dataset"_s),
            qPrintable(pg.err));
        QCOMPARE(pg.err, file.err);
        QCOMPARE(psql(m_owner, u"SELECT natural_language_query <> 'another question' FROM %1.pairs "
                               "WHERE pair_id = 'timed-0'"_s.arg(m_schema)),
                 u"t"_s);
    }

    void pairIdsReusedInTheFileAsInAFile()
    {
        // 12,000 records, so more than one batch: reuse-0 comes again on line 3 (the same pair) and
        // on line 11,000 (another question, a later batch); every record is without a time.
        const QString reused = m_dir.filePath(u"reused.jsonl"_s);
        QFile f(reused);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray text;
        for (int i = 1; i <= 12000; ++i) {
            const QByteArray id =
                i == 3 || i == 11000 ? QByteArray("reuse-0") : "reuse-" + QByteArray::number(i);
            const QByteArray question =
                i == 11000 ? QByteArray("another question") : QByteArray("question 1");
            text += "{\"pair_id\": \"" + (i == 1 ? QByteArray("reuse-0") : id) +
                    "\", \"natural_language_query\": \"" +
                    (i == 1 || i == 3 ? QByteArray("question 1") : question) +
                    "\", \"sql_query\": \"SELECT " + QByteArray::number(i == 3 ? 1 : i) + "\"}\n";
        }
        f.write(text);
        f.close();
        const auto [file, pg] = both({u"import"_s}, {reused});
        QCOMPARE(file.code, 0);
        QCOMPARE(pg.code, 0);
        QVERIFY2(pg.out.contains(u": 12000 records, 11998 imported, 2 already present, 0 skipped."_s),
                 qPrintable(pg.out));
        QCOMPARE(pg.out, file.out);
        QVERIFY2(pg.err.contains(reused + u":11000: not imported: pair_id \"reuse-0\" was used by an earlier "
                                          "record of this file"_s),
                 qPrintable(pg.err));
        QCOMPARE(pg.err, file.err);
        // The first record is kept, stored at the import's time as in a file.
        QCOMPARE(psql(m_owner, u"SELECT natural_language_query, sql_query, timestamp = ts, length(timestamp) "
                               "FROM %1.pairs WHERE pair_id = 'reuse-0'"_s.arg(m_schema)),
                 u"question 1|SELECT 1|t|24"_s);
    }

    void recorderRowsAreAnalysedOnOpen()
    {
        QCOMPARE(
            psql(m_owner,
                 u"INSERT INTO %1.pairs (pair_id, natural_language_query, sql_query, timestamp, "
                 "database_type, success) VALUES ('rec-1', 'who wrote to bob@example.org', "
                 "'SELECT * FROM mail JOIN people ON true', '2030-01-01T00:00:00Z', 'postgresql', 1)"_s.arg(
                     m_schema)),
            QString());
        const Run r = run({u"list"_s, m_url, u"--json"_s, u"--limit"_s, u"1"_s});
        QCOMPARE(r.code, 0);
        const QJsonObject newest = json(r)[u"pairs"_s].toArray().first().toObject();
        QCOMPARE(newest[u"pair_id"_s].toString(), u"rec-1"_s);
        QCOMPARE(newest[u"query_type"_s].toString(), u"SELECT"_s);
        QCOMPARE(newest[u"table_names"_s].toArray(), QJsonArray({u"mail"_s, u"people"_s}));
        QCOMPARE(newest[u"pii_kinds"_s].toArray(), QJsonArray({u"email"_s}));
    }

    void readOnlyRoleListsButCannotImport()
    {
        QCOMPARE(
            psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT SELECT ON ALL TABLES IN SCHEMA %1 "
                          "TO pairlens_ro"_s.arg(m_schema)),
            QString());
        const QString before = psql(m_owner, u"SELECT count(*) FROM %1.pairs"_s.arg(m_schema));
        const Run refused = run({u"import"_s, m_readOnly, m_csv});
        QCOMPARE(refused.code, 1);
        QCOMPARE(refused.out, QString());
        QCOMPARE(refused.err.trimmed().count(u'\n'), 0); // one sentence
        QVERIFY2(refused.err.contains(u"read-only"_s), qPrintable(refused.err));
        QVERIFY(!refused.err.contains(u":"_s + QUrl(m_readOnly).password() + u"@"_s));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.pairs"_s.arg(m_schema)), before);
        const Run list = run({u"list"_s, m_readOnly, u"--json"_s, u"--limit"_s, u"3"_s});
        QVERIFY2(list.code == 0, qPrintable(list.err));
        QCOMPARE(json(list)[u"count"_s].toInteger(), 3);
        const Run stats = run({u"stats"_s, m_readOnly, u"--json"_s, u"--no-duplicates"_s});
        QVERIFY2(stats.code == 0, qPrintable(stats.err));
        QCOMPARE(json(stats)[u"total_pairs"_s].toInteger(), before.toLongLong());
    }

    void aFailedWriteStopsTheImportWithOneSentence()
    {
        // The server refuses one pair of the batch (a trigger): the batch is rolled back, the import
        // stops with the server's reason and exit 1, and nothing half-written is left.
        const QString schema = m_schema + u"_w"_s;
        const QString url = m_owner + u"?schema="_s + schema;
        QCOMPARE(run({u"list"_s, url}).code, 0); // creates the schema
        QCOMPARE(psql(m_owner,
                      u"CREATE FUNCTION %1.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "IF NEW.pair_id = 'timed-100' THEN RAISE EXCEPTION 'pair timed-100 refused'; END IF; "
                      "RETURN NEW; END $$; CREATE TRIGGER refuse BEFORE INSERT ON %1.pairs FOR EACH ROW "
                      "EXECUTE FUNCTION %1.refuse()"_s.arg(schema)),
                 QString());
        const Run r = run({u"import"_s, url, m_timed});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(
                     u"Cannot add pairs to PostgreSQL schema %1: pair timed-100 refused\n"_s.arg(schema)),
                 qPrintable(r.err));
        QVERIFY2(r.out.contains(u": 303 records, 0 imported, 0 already present, 2 skipped."_s),
                 qPrintable(r.out));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.pairs"_s.arg(schema)), u"0"_s);
        psql(m_owner, u"DROP SCHEMA %1 CASCADE"_s.arg(schema));
    }

    void anImportOutlivesTheServerGoingAway()
    {
        // The write of the batch holding pair timed-100 waits there for a lock this test holds, and
        // its backend is ended three times: the store writes the batch again after the first loss,
        // the import once more after the second (as after a server restart, once the server answers
        // again), and the import ends complete, each pair once.
        const QString schema = m_schema + u"_r"_s;
        const QString url = m_owner + u"?schema="_s + schema;
        QCOMPARE(run({u"list"_s, url}).code, 0); // creates the schema
        QCOMPARE(
            psql(
                m_owner,
                u"CREATE FUNCTION %1.gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.pair_id = 'timed-100' THEN PERFORM pg_advisory_lock_shared(4545); "
                "PERFORM pg_advisory_unlock_shared(4545); END IF; RETURN NEW; END $$; "
                "CREATE TRIGGER gate BEFORE INSERT ON %1.pairs FOR EACH ROW EXECUTE FUNCTION %1.gate()"_s.arg(
                    schema)),
            QString());
        QProcess p;
        p.setProcessEnvironment(pairlens::test::englishEnvironment());
        {
            const pairlens::test::AdvisoryLock lock(m_owner, 4545);
            QVERIFY(lock.held());
            p.start(QStringLiteral(PAIRLENS_EXE), {u"import"_s, url, m_timed});
            QVERIFY(p.waitForStarted());
            QString pid = u"0"_s;
            for (int i = 0; i < 3; ++i) {
                pid = pairlens::test::endAdvisoryWaiter(m_owner, 4545, pid);
                QVERIFY2(!pid.isEmpty(), qPrintable(QString::number(i) + u": "_s +
                                                    QString::fromUtf8(p.readAllStandardError())));
            }
        } // the lock is released
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(p.exitCode() == 3, qPrintable(err + out)); // 3: the two records the file spoils
        QVERIFY2(!err.contains(u"PostgreSQL"_s), qPrintable(err));
        QVERIFY2(out.contains(u": 303 records, 301 imported, 0 already present, 2 skipped."_s),
                 qPrintable(out));
        QCOMPARE(psql(m_owner, u"SELECT count(*), count(DISTINCT pair_id) FROM %1.pairs"_s.arg(schema)),
                 u"301|301"_s);
        psql(m_owner, u"DROP SCHEMA %1 CASCADE"_s.arg(schema));
    }

    void ctrlCStopsTheImportCleanly()
    {
        // 300,000 small records: several seconds of import, interrupted once the first batches are in.
        const QString big = m_dir.filePath(u"big.jsonl"_s);
        {
            QFile f(big);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray text;
            for (int i = 0; i < 300000; ++i)
                text += "{\"pair_id\": \"big-" + QByteArray::number(i) +
                        "\", \"natural_language_query\": "
                        "\"How many rows has table t" +
                        QByteArray::number(i % 977) +
                        "?\", \"sql_query\": "
                        "\"SELECT count(*) FROM t" +
                        QByteArray::number(i % 977) + "\"}\n";
            f.write(text);
        }
        const QString schema = m_schema + u"_c"_s;
        const QString url = m_owner + u"?schema="_s + schema;
        const QString tmp = m_dir.filePath(u"tmp"_s);
        QVERIFY(QDir().mkpath(tmp));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_dir.path());
        env.insert(u"TMPDIR"_s, tmp); // an import leaves nothing here
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PAIRLENS_EXE), {u"import"_s, url, big});
        QVERIFY(p.waitForStarted());
        const auto stored = [&]() {
            return psql(m_owner, u"SELECT count(*) FROM %1.pairs"_s.arg(schema)).toLongLong();
        };
        QTRY_VERIFY_WITH_TIMEOUT(stored() > 0, 60000);
        QCOMPARE(p.state(), QProcess::Running);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const qint64 kept = stored();
        QVERIFY2(kept > 0 && kept < 300000, qPrintable(QString::number(kept)));
        QVERIFY2(QDir(tmp).isEmpty(),
                 qPrintable(QDir(tmp).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(u' ')));
        // Importing again adds exactly the rest.
        const Run again = run({u"import"_s, url, big});
        QCOMPARE(again.code, 0);
        QVERIFY2(again.out.contains(
                     u": 300000 records, %1 imported, %2 already present, 0 skipped."_s.arg(300000 - kept)
                         .arg(kept)),
                 qPrintable(again.out));
        QCOMPARE(stored(), 300000);
        psql(m_owner, u"DROP SCHEMA %1 CASCADE"_s.arg(schema));
    }

    // The same statistics draw the same chart, byte for byte.
    void chartIsTheFilesChart()
    {
        for (const QString &kind :
             {u"success"_s, u"timeline"_s, u"tables"_s, u"query-types"_s, u"lengths"_s}) {
            const QString f = m_dir.filePath(u"file-%1.svg"_s.arg(kind)),
                          p = m_dir.filePath(u"pg-%1.svg"_s.arg(kind));
            const Run file = run({u"chart"_s, m_file, u"--kind"_s, kind, u"-o"_s, f, u"--failed-only"_s});
            const Run pg = run({u"chart"_s, m_url, u"--kind"_s, kind, u"-o"_s, p, u"--failed-only"_s});
            QVERIFY2(file.code == 0, qPrintable(file.err));
            QVERIFY2(pg.code == 0, qPrintable(pg.err));
            QFile a(f), b(p);
            QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
            const QByteArray svg = a.readAll();
            QVERIFY2(svg.contains("<svg"), qPrintable(kind));
            QVERIFY2(b.readAll() == svg, qPrintable(kind));
        }
    }

    // demo writes the file's demo pairs into a schema: the same statistics (but for the dates,
    // which end when each run starts), analysed, with an audit entry, the password never printed.
    void demoIsTheFilesDemo()
    {
        const QString schema = pairlens::test::uniqueSchema(u"t_demo"_s);
        const QString url = m_owner + u"?schema="_s + schema;
        const QString file = m_dir.filePath(u"demo.pairlens"_s);
        const Run pg = run({u"demo"_s, url, u"--pairs"_s, u"1200"_s, u"--seed"_s, u"5"_s});
        const Run f = run({u"demo"_s, file, u"--pairs"_s, u"1200"_s, u"--seed"_s, u"5"_s});
        QVERIFY2(pg.code == 0 && f.code == 0, qPrintable(pg.err + f.err));
        QVERIFY2(pg.out.startsWith(u"Wrote 1200 demo pairs to postgresql://"_s), qPrintable(pg.out));
        QVERIFY(!pg.out.contains(u":"_s + QUrl(m_owner).password() + u"@"_s));
        QJsonObject a = json(run({u"stats"_s, url, u"--json"_s})),
                    b = json(run({u"stats"_s, file, u"--json"_s}));
        for (QJsonObject *o : {&a, &b}) {
            o->remove(u"date_range"_s);
            o->remove(u"timeline"_s);
        }
        QCOMPARE(a[u"total_pairs"_s].toInteger(), 1200);
        QCOMPARE(a, b);
        QCOMPARE(psql(m_owner, u"SELECT action, pair_count, detail->>'seed' FROM %1.audit_log"_s.arg(schema)),
                 u"import|1200|5"_s);
        // Again with the same seed: the same pair_ids, already present, so nothing is added, as in a file.
        const Run again = run({u"demo"_s, url, u"--pairs"_s, u"1200"_s, u"--seed"_s, u"5"_s});
        QCOMPARE(again.code, 0);
        QVERIFY2(again.out.startsWith(u"Wrote 0 demo pairs"_s), qPrintable(again.out));
        QCOMPARE(json(run({u"stats"_s, url, u"--json"_s}))[u"total_pairs"_s].toInteger(), 1200);
        psql(m_owner, u"DROP SCHEMA %1 CASCADE"_s.arg(schema));
    }

    void cleanupTestCase()
    {
        if (!m_schema.isEmpty() && !m_owner.isEmpty())
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema));
    }
};

QTEST_GUILESS_MAIN(TstPgCli)
#include "tst_pgcli.moc"
