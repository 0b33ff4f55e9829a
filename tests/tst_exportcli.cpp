// `pairlens export` end to end: the built binary run through QProcess.
#include "dataset/dataset.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TstExportCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void exportsJsonlAnonymized();
    void noAnonymizeWarns();
    void jsonSummaryAndSplit();
    void idsAndIdFile();
    void trainingFormatDefaultsToSuccessful();
    void zeroMatchesIsNotAnError();
    void usageErrors_data();
    void usageErrors();
    void unwritableTargetFails();
    void toStandardOutput();
    void splitCannotGoToStandardOutput();
    void interruptedExportLeavesNothing();
    void replacesOnlyEarlierExports();
    void noOriginalValueInAnonymizedExports();
    void reviewCommandAndReviewAwareExport();
    void duplicatesListedAndCounted();

private:
    struct Run
    {
        int code = -1;
        QByteArray out, err;
    };
    Run run(const QStringList &args);
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray read(const QString &name) const
    {
        QFile f(path(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    QTemporaryDir m_dir;
    QString m_ds;
};

TstExportCli::Run TstExportCli::run(const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(m_dir.path());
    p.start(QStringLiteral(PAIRLENS_EXE), args);
    Run r;
    if (!p.waitForFinished(600000)) // a hang detector only: minutes on a loaded machine
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void TstExportCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_ds = path(u"demo.pairlens"_s);
    const Run r = run({u"demo"_s, m_ds, u"--pairs"_s, u"300"_s, u"--seed"_s, u"5"_s});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TstExportCli::exportsJsonlAnonymized()
{
    const Run r = run({u"export"_s, m_ds, u"-o"_s, path(u"a.jsonl"_s), u"--format"_s, u"jsonl"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.out.contains("300"));
    QVERIFY(r.err.isEmpty()); // no progress bar when stderr is not a terminal, no warning
    const QList<QByteArray> lines = read(u"a.jsonl"_s).split('\n');
    QCOMPARE(lines.size(), 301); // 300 lines and the empty rest after the last newline
    for (const QByteArray &l : lines.mid(0, 300))
        QVERIFY(QJsonDocument::fromJson(l).isObject());
    QVERIFY(QFile::exists(path(u"a.jsonl.manifest.json"_s)));
}

void TstExportCli::noAnonymizeWarns()
{
    const Run r = run({u"export"_s, m_ds, u"-o"_s, path(u"raw.jsonl"_s), u"--no-anonymize"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.contains("anonymization is off"));
    QVERIFY(r.out.contains("NOT anonymized"));
    // The demo data has e-mail addresses: the original ones appear only without anonymization.
    const QString raw = QString::fromUtf8(read(u"raw.jsonl"_s));
    const QRegularExpressionMatch m =
        QRegularExpression(u"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[a-z]{2,}"_s).match(raw);
    QVERIFY(m.hasMatch());
    const Run a = run({u"export"_s, m_ds, u"-o"_s, path(u"anon.jsonl"_s)});
    QCOMPARE(a.code, 0);
    const QByteArray anonymized = read(u"anon.jsonl"_s);
    QCOMPARE(anonymized.count('\n'), 300);
    QVERIFY2(!anonymized.contains(m.captured(0).toUtf8()), qPrintable(m.captured(0)));
}

void TstExportCli::jsonSummaryAndSplit()
{
    const Run r = run({u"export"_s, m_ds, u"-o"_s, path(u"s.csv"_s), u"--split"_s, u"0.75"_s, u"--json"_s,
                       u"--fields"_s, u"pair_id,sql_query"_s, u"--gzip"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o[u"format"_s].toString(), u"csv"_s);
    QCOMPARE(o[u"count"_s].toInt(), 300);
    const QJsonArray files = o[u"files"_s].toArray();
    QCOMPARE(files.size(), 2);
    QCOMPARE(QFileInfo(files.at(0)[u"path"_s].toString()).fileName(), u"s.train.csv.gz"_s);
    QCOMPARE(QFileInfo(files.at(1)[u"path"_s].toString()).fileName(), u"s.val.csv.gz"_s);
    QCOMPARE(files.at(0)[u"pairs"_s].toInt() + files.at(1)[u"pairs"_s].toInt(), 300);
    QProcess gz;
    gz.start(u"gzip"_s, {u"-t"_s, path(u"s.train.csv.gz"_s), path(u"s.val.csv.gz"_s)});
    if (gz.waitForFinished(30000))
        QCOMPARE(gz.exitCode(), 0);
}

void TstExportCli::idsAndIdFile()
{
    Run r = run({u"export"_s, m_ds, u"-o"_s, path(u"all.jsonl"_s), u"--fields"_s, u"pair_id"_s});
    QCOMPARE(r.code, 0);
    const QList<QByteArray> lines = read(u"all.jsonl"_s).split('\n');
    QStringList ids;
    for (int i = 0; i < 5; ++i)
        ids << QJsonDocument::fromJson(lines.at(i)).object()[u"pair_id"_s].toString();
    r = run({u"export"_s, m_ds, u"-o"_s, path(u"ids.jsonl"_s), u"--ids"_s, ids.mid(0, 2).join(u','),
             u"--fields"_s, u"pair_id"_s});
    QCOMPARE(r.code, 0);
    QCOMPARE(read(u"ids.jsonl"_s).count('\n'), 2);
    QFile f(path(u"ids.txt"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write((ids.join(u'\n') + u"\n\n"_s).toUtf8());
    f.close();
    r = run({u"export"_s, m_ds, u"-o"_s, path(u"idfile.jsonl"_s), u"--id-file"_s, path(u"ids.txt"_s),
             u"--fields"_s, u"pair_id"_s});
    QCOMPARE(r.code, 0);
    QCOMPARE(read(u"idfile.jsonl"_s).count('\n'), 5);
}

void TstExportCli::trainingFormatDefaultsToSuccessful()
{
    Run r = run({u"export"_s, m_ds, u"-o"_s, path(u"ok.jsonl"_s), u"--format"_s, u"alpaca"_s, u"--json"_s});
    QCOMPARE(r.code, 0);
    const qint64 successful = QJsonDocument::fromJson(r.out).object()[u"count"_s].toInteger();
    QVERIFY(successful > 0 && successful < 300);
    r = run({u"export"_s, m_ds, u"-o"_s, path(u"all-al.jsonl"_s), u"--format"_s, u"alpaca"_s,
             u"--include-failed"_s, u"--keep-duplicates"_s, u"--json"_s});
    QCOMPARE(QJsonDocument::fromJson(r.out).object()[u"count"_s].toInt(), 300);
}

void TstExportCli::zeroMatchesIsNotAnError()
{
    const Run r = run({u"export"_s, m_ds, u"-o"_s, path(u"none.json"_s), u"--search"_s, u"qqqqzzzz"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.out.contains("No pairs matched"));
    const QJsonObject doc = QJsonDocument::fromJson(read(u"none.json"_s)).object();
    QCOMPARE(doc[u"total_pairs"_s].toInt(-1), 0);
    QVERIFY(doc[u"pairs"_s].isArray());
}

void TstExportCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QByteArray>("mentions");
    QTest::newRow("unknown field") << QStringList{u"--fields"_s, u"pair_id,bogus"_s} << QByteArray("bogus");
    QTest::newRow("unknown format") << QStringList{u"--format"_s, u"xml"_s} << QByteArray("xml");
    QTest::newRow("bad split") << QStringList{u"--split"_s, u"1.5"_s} << QByteArray("--split");
    QTest::newRow("fields on chat") << QStringList{u"--format"_s, u"openai-chat"_s, u"--fields"_s,
                                                   u"pair_id"_s}
                                    << QByteArray("--fields");
}

void TstExportCli::usageErrors()
{
    QFETCH(QStringList, extra);
    QFETCH(QByteArray, mentions);
    const Run r = run(QStringList{u"export"_s, m_ds, u"-o"_s, path(u"bad.jsonl"_s)} + extra);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(mentions), r.err.constData());
    QCOMPARE(r.err.trimmed().count('\n'), 0); // one sentence
    QVERIFY(!QFile::exists(path(u"bad.jsonl"_s)));
}

void TstExportCli::unwritableTargetFails()
{
    const Run r = run({u"export"_s, m_ds, u"-o"_s, path(u"no/such/dir/out.jsonl"_s)});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("does not exist"));
}

void TstExportCli::toStandardOutput()
{
    // -o -: the pairs are stdout, byte for byte what -o FILE writes; the summary moves to stderr;
    // no manifest (there is no file to describe) and nothing named "-" appears.
    const Run file = run({u"export"_s, m_ds, u"-o"_s, path(u"same.jsonl"_s), u"--format"_s, u"alpaca"_s,
                          u"--keep-duplicates"_s});
    QCOMPARE(file.code, 0);
    const Run r =
        run({u"export"_s, m_ds, u"-o"_s, u"-"_s, u"--format"_s, u"alpaca"_s, u"--keep-duplicates"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    const QByteArray onDisk = read(u"same.jsonl"_s);
    const qsizetype lines = onDisk.count('\n'); // the successful pairs (a training format)
    QVERIFY(lines > 200 && lines < 300);
    QCOMPARE(r.out, onDisk);
    for (const QByteArray &line : r.out.split('\n').mid(0, lines))
        QVERIFY(QJsonDocument::fromJson(line).object().contains(u"instruction"_s));
    QVERIFY2(r.err.contains("Exported %1 pairs (anonymized) as alpaca to standard output"_ba.replace(
                 "%1", QByteArray::number(lines))),
             r.err.constData());
    QVERIFY(!QFile::exists(path(u"-"_s)));
    QVERIFY(!QFile::exists(path(u"-.manifest.json"_s)));

    // gzip and --json work too: the JSON result goes to stderr.
    const Run gz = run({u"export"_s, m_ds, u"-o"_s, u"-"_s, u"--gzip"_s, u"--json"_s});
    QCOMPARE(gz.code, 0);
    QVERIFY(gz.out.startsWith("\x1f\x8b")); // the gzip magic
    const QJsonObject summary = QJsonDocument::fromJson(gz.err).object();
    QCOMPARE(summary[u"count"_s].toInt(), 300);
    QCOMPARE(summary[u"manifest"_s].toString(), QString());
}

void TstExportCli::splitCannotGoToStandardOutput()
{
    const Run r = run({u"export"_s, m_ds, u"-o"_s, u"-"_s, u"--split"_s, u"0.9"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("standard output"));
    QVERIFY(r.out.isEmpty());
}

void TstExportCli::interruptedExportLeavesNothing()
{
    // SIGTERM while a large export runs: exit status 130 (documented), no file, no manifest.
    const QString big = path(u"big.pairlens"_s);
    QCOMPARE(run({u"demo"_s, big, u"--pairs"_s, u"30000"_s}).code, 0);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const QString target = path(u"cancelled-%1.jsonl"_s.arg(attempt));
        QProcess p;
        p.start(QStringLiteral(PAIRLENS_EXE), {u"export"_s, big, u"-o"_s, target, u"--format"_s, u"json"_s});
        QVERIFY(p.waitForStarted());
        QTest::qWait(100 + 100 * attempt);
        p.terminate();
        QVERIFY(p.waitForFinished(60000));
        if (p.exitStatus() == QProcess::CrashExit) {
            // The signal came before pairlens handles it (a slow start on a loaded machine) or after
            // the export was complete: either nothing or the whole file is there. Try again later.
            QVERIFY(!QFile::exists(target) || QJsonDocument::fromJson(read(QFileInfo(target).fileName()))
                                                  .object()
                                                  .contains(u"total_pairs"_s));
            continue;
        }
        if (p.exitCode() == 0)
            continue; // it finished before the signal; try again with the signal sooner or later
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(p.readAllStandardError().contains("cancelled"));
        QVERIFY(!QFile::exists(target));
        QVERIFY(!QFile::exists(target + u".manifest.json"_s));
        return;
    }
    QFAIL("no SIGTERM arrived while an export was running");
}

void TstExportCli::replacesOnlyEarlierExports()
{
    // A user's own file is refused (exit 1, one sentence naming --force) and left unchanged.
    const QString mine = path(u"mine.csv"_s);
    {
        QFile f(mine);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("my,own\r\ndata,here\r\n");
    }
    Run r = run({u"export"_s, m_ds, u"-o"_s, mine});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("mine.csv") && r.err.contains("--force"), r.err.constData());
    QCOMPARE(r.err.trimmed().count('\n'), 0);
    QVERIFY(r.out.isEmpty());
    QCOMPARE(read(u"mine.csv"_s), QByteArray("my,own\r\ndata,here\r\n"));
    QVERIFY(!QFile::exists(mine + u".manifest.json"_s));

    // --force replaces it; from then on it is an earlier export and is replaced without --force.
    r = run({u"export"_s, m_ds, u"-o"_s, mine, u"--force"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(read(u"mine.csv"_s).startsWith("pair_id,"));
    r = run({u"export"_s, m_ds, u"-o"_s, mine, u"--fields"_s, u"pair_id"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(read(u"mine.csv"_s).startsWith("pair_id\r\n"));

    // An earlier export of another format is refused: the file and its manifest.
    r = run({u"export"_s, m_ds, u"-o"_s, mine, u"--format"_s, u"jsonl"_s});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("mine.csv.manifest.json"), r.err.constData());
    QVERIFY(read(u"mine.csv"_s).startsWith("pair_id\r\n"));

    // A split: a user's file at a part is refused; an earlier split is replaced.
    {
        QFile f(path(u"sp.val.jsonl"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("mine\n");
    }
    r = run({u"export"_s, m_ds, u"-o"_s, path(u"sp.jsonl"_s), u"--split"_s, u"0.5"_s});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("sp.val.jsonl"));
    QVERIFY(!QFile::exists(path(u"sp.train.jsonl"_s)));
    QCOMPARE(read(u"sp.val.jsonl"_s), QByteArray("mine\n"));
    QVERIFY(QFile::remove(path(u"sp.val.jsonl"_s)));
    QCOMPARE(run({u"export"_s, m_ds, u"-o"_s, path(u"sp.jsonl"_s), u"--split"_s, u"0.5"_s}).code, 0);
    QCOMPARE(run({u"export"_s, m_ds, u"-o"_s, path(u"sp.jsonl"_s), u"--split"_s, u"0.5"_s}).code, 0);

    // --force replaces anything, but never the dataset (or its WAL).
    for (const QString &target : QStringList{m_ds, m_ds + u"-wal"_s}) {
        r = run({u"export"_s, m_ds, u"-o"_s, target, u"--force"_s, u"--format"_s, u"jsonl"_s});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("dataset itself"), r.err.constData());
    }
    QCOMPARE(run({u"stats"_s, m_ds}).code, 0); // the dataset is intact
}

void TstExportCli::noOriginalValueInAnonymizedExports()
{
    // A dataset with personal data everywhere an export can carry it apart from pair_id and
    // database_type: questions, SQL literals and comments, metadata (nested), database names and
    // table names. Every format, anonymized, with filter values that are personal data too: not one
    // original value may appear in any byte written (files, manifest, --json, the summary, the
    // audit log entry).
    const QStringList originals = {
        u"bob.jones@acme-corp.com"_s,
        u"carol.white@example-mail.com"_s,
        u"dave.black@corp-mail.com"_s,
        u"customer_zoe@corp.com"_s,
        u"hr_erin.grey@corp.com"_s,
        u"t_frank.green@corp.com"_s,
        u"555-123-4567"_s,
        u"123-45-6789"_s,
        u"4111 1111 1111 1111"_s,
        u"5500000000000004"_s,
        u"192.168.10.77"_s,
        u"172.16.5.4"_s,
        u"10.20.30.40"_s,
        u"DE89370400440532013000"_s,
    };
    // Parts of them that must not survive either (local parts, names inside database names).
    const QStringList fragments = {u"bob.jones"_s, u"carol.white"_s, u"dave.black"_s, u"customer_zoe"_s,
                                   u"erin.grey"_s, u"frank.green"_s, u"BOB.JONES"_s};
    // The table name is an identifier in the SQL, which anonymization never changes: it may appear
    // there (and only there), written as `t_frank.green@corp.com`.
    const QByteArray identifier = "`t_frank.green@corp.com`";

    QJsonArray lines;
    QString input;
    const QStringList dbNames = {u"customer_zoe@corp.com"_s, u"hr_erin.grey@corp.com"_s};
    for (int i = 0; i < 6; ++i) {
        const QJsonObject pair{
            {u"pair_id"_s, u"leak-%1"_s.arg(i)},
            {u"natural_language_query"_s,
             u"Orders of bob.jones@acme-corp.com, phone 555-123-4567, SSN 123-45-6789, card "
             "4111 1111 1111 1111, from 192.168.10.77, IBAN DE89370400440532013000 (#%1)"_s.arg(i)},
            {u"sql_query"_s,
             u"SELECT o.id FROM `t_frank.green@corp.com` o JOIN orders p ON p.id = o.id WHERE o.email = "
             "'carol.white@example-mail.com' AND o.ip = '10.20.30.40' -- asked by dave.black@corp-mail.com"_s},
            {u"timestamp"_s, u"2024-05-0%1T12:00:00Z"_s.arg(i + 1)},
            {u"database_type"_s, u"mysql"_s},
            {u"database_name"_s, dbNames.at(i % 2)},
            {u"success"_s, i != 5},
            {u"execution_time_ms"_s, 10 + i},
            {u"metadata"_s, QJsonObject{{u"requested_by"_s, u"dave.black@corp-mail.com"_s},
                                        {u"nested"_s, QJsonObject{{u"ips"_s, QJsonArray{u"172.16.5.4"_s}},
                                                                  {u"card"_s, u"5500000000000004"_s}}}}},
        };
        input += QString::fromUtf8(QJsonDocument(pair).toJson(QJsonDocument::Compact)) + u'\n';
    }
    const QString ds = path(u"leak.pairlens"_s);
    {
        QFile f(path(u"leak.jsonl"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(input.toUtf8());
    }
    Run r = run({u"import"_s, ds, path(u"leak.jsonl"_s)});
    QVERIFY2(r.code == 0, r.err.constData());

    auto check = [&](const QByteArray &bytes, const QString &where) {
        const QByteArray outside = QByteArray(bytes).replace(identifier, "`SQL identifier`");
        for (const QString &value : originals + fragments) {
            for (const QByteArray &form :
                 {value.toUtf8(), value.toLower().toUtf8(), value.toUpper().toUtf8()})
                if (outside.contains(form))
                    return u"%1 contains \"%2\""_s.arg(where, QString::fromUtf8(form));
        }
        return QString();
    };
    const QStringList filter = {u"--db-name"_s, dbNames.join(u','),
                                u"--search"_s,  u"BOB.JONES@ACME-CORP.COM"_s,
                                u"--ids"_s,     u"leak-0,leak-1,leak-2,leak-3,leak-4,leak-5"_s};
    int exports = 0;
    for (const QString &format : {u"jsonl"_s, u"json"_s, u"csv"_s, u"prompt-completion"_s, u"openai-chat"_s,
                                  u"anthropic-chat"_s, u"alpaca"_s}) {
        for (const QStringList &extra : {QStringList{}, QStringList{u"--split"_s, u"0.5"_s}}) {
            const QString target =
                path(u"leak-%1%2.out"_s.arg(format, extra.isEmpty() ? u""_s : u"-split"_s));
            const QString name = u"%1 %2"_s.arg(format, extra.join(u' '));
            r = run(QStringList{u"export"_s, ds, u"-o"_s, target, u"--format"_s, format, u"--json"_s,
                                u"--include-failed"_s} +
                    filter + extra);
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject summary = QJsonDocument::fromJson(r.out).object();
            QCOMPARE(summary[u"count"_s].toInt(), 6);
            QString problem = check(r.out, name + u" --json output"_s);
            if (problem.isEmpty())
                problem = check(r.err, name + u" stderr"_s);
            for (const QJsonValue &f : summary[u"files"_s].toArray()) {
                QFile file(f[u"path"_s].toString());
                QVERIFY(file.open(QIODevice::ReadOnly));
                const QByteArray bytes = file.readAll();
                if (f[u"pairs"_s].toInt() > 0)           // a split part may get none (the side is keyed)
                    QVERIFY(bytes.contains(identifier)); // the SQL is there
                if (problem.isEmpty())
                    problem = check(bytes, f[u"path"_s].toString());
            }
            QFile manifest(summary[u"manifest"_s].toString());
            QVERIFY(manifest.open(QIODevice::ReadOnly));
            if (problem.isEmpty())
                problem = check(manifest.readAll(), manifest.fileName());
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
            ++exports;
        }
    }
    // The audit log entries of these exports.
    {
        QString error;
        auto dataset = pairlens::Dataset::open(ds, pairlens::Dataset::Mode::ReadOnly, &error);
        QVERIFY2(dataset, qPrintable(error));
        QSqlQuery q(dataset->db());
        QVERIFY(q.exec(u"SELECT detail FROM audit_log WHERE action = 'export'"_s));
        int entries = 0;
        while (q.next()) {
            ++entries;
            const QString problem = check(q.value(0).toString().toUtf8(), u"the audit log"_s);
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        }
        QCOMPARE(entries, exports);
    }

    // The check itself finds them when the export is not anonymized.
    r = run(QStringList{u"export"_s, ds, u"-o"_s, path(u"leak-raw.json"_s), u"--no-anonymize"_s} + filter);
    QCOMPARE(r.code, 0);
    QVERIFY(!check(read(u"leak-raw.json"_s), u"raw"_s).isEmpty());
    QVERIFY(!check(read(u"leak-raw.json.manifest.json"_s), u"raw manifest"_s).isEmpty());
}

void TstExportCli::reviewCommandAndReviewAwareExport()
{
    Run r = run({u"list"_s, m_ds, u"--limit"_s, u"2"_s, u"--json"_s});
    QCOMPARE(r.code, 0);
    QStringList ids;
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out).object()[u"pairs"_s].toArray())
        ids << v[u"pair_id"_s].toString();
    QCOMPARE(ids.size(), 2);

    // No selection, or no status: refused.
    QCOMPARE(run({u"review"_s, m_ds, u"--status"_s, u"rejected"_s}).code, 2);
    QCOMPARE(run({u"review"_s, m_ds, u"--id"_s, ids.at(0), u"--status"_s, u"bogus"_s}).code, 2);

    r = run({u"review"_s, m_ds, u"--id"_s, ids.join(u','), u"--status"_s, u"rejected"_s, u"--note"_s,
             u"wrong join"_s, u"--json"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject reviewed = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(reviewed[u"changed"_s].toInt(), 2);
    QCOMPARE(reviewed[u"notes"_s].toInt(), 2);
    r = run({u"list"_s, m_ds, u"--status"_s, u"rejected"_s, u"--json"_s});
    const QJsonArray rejected = QJsonDocument::fromJson(r.out).object()[u"pairs"_s].toArray();
    QCOMPARE(rejected.size(), 2);
    QCOMPARE(rejected.at(0)[u"reviewer_note"_s].toString(), u"wrong join"_s);

    // The export leaves them out, says so, and the manifest records it.
    r = run({u"export"_s, m_ds, u"-o"_s, path(u"reviewed.jsonl"_s), u"--json"_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QJsonObject result = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(result[u"matched"_s].toInt(), 300);
    QCOMPARE(result[u"left_out"_s].toObject()[u"rejected"_s].toInt(), 2);
    QCOMPARE(result[u"count"_s].toInt(), 298);
    const QByteArray written = read(u"reviewed.jsonl"_s);
    QCOMPARE(written.count('\n'), 298);
    for (const QString &id : ids)
        QVERIFY(!written.contains(QByteArray("\"" + id.toUtf8() + "\"")));
    const QJsonObject manifest = QJsonDocument::fromJson(read(u"reviewed.jsonl.manifest.json"_s)).object();
    QCOMPARE(manifest[u"left_out"_s].toObject()[u"rejected"_s].toInt(), 2);
    QCOMPARE(manifest[u"review"_s].toString(), u"not-rejected"_s);
    r = run({u"export"_s, m_ds, u"-o"_s, path(u"reviewed-text.jsonl"_s)});
    QVERIFY2(r.out.contains("300 pairs matched; left out: 2 rejected"), r.out.constData());

    r = run({u"export"_s, m_ds, u"-o"_s, path(u"everything.jsonl"_s), u"--include-rejected"_s, u"--json"_s});
    QCOMPARE(QJsonDocument::fromJson(r.out).object()[u"count"_s].toInt(), 300);
    r = run({u"export"_s, m_ds, u"-o"_s, path(u"approved.jsonl"_s), u"--approved-only"_s, u"--json"_s});
    result = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(result[u"count"_s].toInt(), 0);
    QCOMPARE(result[u"left_out"_s].toObject()[u"unreviewed"_s].toInt(), 298);
    QCOMPARE(
        run({u"export"_s, m_ds, u"-o"_s, path(u"x.jsonl"_s), u"--include-rejected"_s, u"--approved-only"_s})
            .code,
        2);
    QCOMPARE(run({u"export"_s, m_ds, u"-o"_s, path(u"x.jsonl"_s), u"--status"_s, u"rejected"_s}).code, 2);

    // --set gives the new status when --status selects by the current one: back as they were, for
    // the tests that follow.
    r = run(
        {u"review"_s, m_ds, u"--status"_s, u"rejected"_s, u"--set"_s, u"unreviewed"_s, u"--note"_s, u""_s});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY2(r.out.contains("Marked 2 pairs unreviewed."), r.out.constData());
    r = run({u"list"_s, m_ds, u"--status"_s, u"rejected"_s, u"--json"_s});
    QCOMPARE(QJsonDocument::fromJson(r.out).object()[u"total"_s].toInt(), 0);
}

void TstExportCli::duplicatesListedAndCounted()
{
    Run r = run({u"stats"_s, m_ds, u"--json"_s});
    QCOMPARE(r.code, 0);
    const QJsonObject duplicates = QJsonDocument::fromJson(r.out).object()[u"duplicates"_s].toObject();
    const qint64 exact = duplicates[u"exact"_s].toInteger();
    QVERIFY(exact > 0); // the demo repeats pairs
    QVERIFY(duplicates[u"normalized"_s].toInteger() >= exact);
    r = run({u"stats"_s, m_ds});
    QVERIFY(r.out.contains("Duplicates:       %1 exact"_ba.replace("%1", QByteArray::number(exact))));

    // Every listed pair has a twin among the listed ones; listing all of them shows each group.
    r = run({u"list"_s, m_ds, u"--duplicates"_s, u"--limit"_s, u"1000"_s, u"--json"_s});
    QCOMPARE(r.code, 0);
    const QJsonObject listed = QJsonDocument::fromJson(r.out).object();
    QMap<QString, int> seen;
    for (const QJsonValue &v : listed[u"pairs"_s].toArray())
        ++seen[v[u"natural_language_query"_s].toString() + u'\x1f' + v[u"sql_query"_s].toString()];
    QVERIFY(!seen.isEmpty());
    qint64 extra = 0;
    for (int n : std::as_const(seen)) {
        QVERIFY(n >= 2);
        extra += n - 1;
    }
    QCOMPARE(extra, exact); // the pairs beyond the first of each group
}

QTEST_GUILESS_MAIN(TstExportCli)
#include "tst_exportcli.moc"
