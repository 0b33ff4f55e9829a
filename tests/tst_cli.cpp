// The pairlens command line end to end: the real binary in a child process, no display.
#include "testutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

class TstCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void helpAndUsageErrors();
    void demoListStats();
    void statsJsonHasSeedKeys();
    void filtersOnTheCommandLine();
    void importReportsLinesAndExitCode();
    void deleteNeedsConfirmationAndRestore();
    void clearErrorsForBadDatasets();
    void privacySettings();
    // Issue 13: hostile input and damaged datasets.
    void hostileImportsStayInBoundedMemory();
    void importNotesTakenPairIds();
    void damagedDatasetsFailInOneSentence();
    void fullDiskIsOneSentence();
    void statsLeavesAnEmptyFileAlone();

private:
    using Run = pairlens::test::CliRun;
    Run run(const QStringList &args, const QByteArray &input = {});
    QTemporaryDir m_dir;
    QString m_demo;
};

TstCli::Run TstCli::run(const QStringList &args, const QByteArray &input)
{
    return pairlens::test::runHeadless(QStringLiteral(PAIRLENS_EXE), args, m_dir.path(), input);
}

void TstCli::initTestCase()
{
    m_demo = m_dir.filePath(u"demo.pairlens"_s);
    const Run r = run({u"demo"_s, m_demo, u"--pairs"_s, u"3000"_s, u"--seed"_s, u"7"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(u"3000"_s));
}

void TstCli::helpAndUsageErrors()
{
    Run r = run({u"--help"_s});
    QCOMPARE(r.code, 0);
    for (const QString &c : {u"demo"_s, u"import"_s, u"list"_s, u"stats"_s, u"delete"_s, u"restore"_s,
                             u"chart"_s, u"scan"_s, u"anonymize"_s, u"export"_s, u"privacy"_s})
        QVERIFY2(r.out.contains(u"\n  "_s + c + u' '), qPrintable(c)); // "  export DATASET -o ..."
    QVERIFY(r.out.contains(u"Exit status: 0 done, 1 failed, 2 wrong command line"_s));
    r = run({u"--version"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith(u"pairlens "_s));
    // A command's help names the program as users type it, not as the test started it.
    r = run({u"export"_s, u"--help"_s});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith(u"Usage: pairlens [options] export"_s), qPrintable(r.out.left(80)));
    QVERIFY(r.out.contains(u"standard output"_s));
    r = run({u"list"_s, u"--help"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"--successful-only"_s));
    r = run({u"list"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"missing"_s));
    r = run({u"list"_s, m_demo, u"--bogus"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"bogus"_s));
    r = run({u"list"_s, m_demo, u"--from"_s, u"last tuesday"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"not a date"_s));
    r = run({u"list"_s, m_demo, u"--pii"_s, u"names"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"unknown kind"_s));

    // An unknown command is an error (exit 2), never a window: there is no display here, so a
    // window would abort or hang instead.
    r = run({u"frobnicate"_s, u"x"_s, u"y"_s});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(u"unknown command 'frobnicate'"_s), qPrintable(r.err));
    r = run({u"exprot"_s, m_demo});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(u"Did you mean 'export'"_s), qPrintable(r.err));
    // `copy` exists since issue 18; a dataset onto itself is refused (exit 1), nothing written.
    r = run({u"copy"_s, m_demo, m_demo});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"same dataset"_s), qPrintable(r.err));
    r = run({u"--version"_s});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith(u"pairlens "_s), qPrintable(r.out));
    // 'delete' with a filter that restricts nothing refuses to take everything.
    r = run({u"delete"_s, m_demo, u"--search"_s, u""_s, u"--yes"_s});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(u"refusing to delete every pair"_s), qPrintable(r.err));
}

void TstCli::demoListStats()
{
    Run r = run({u"list"_s, m_demo, u"--limit"_s, u"5"_s, u"--json"_s});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(u"total"_s).toInt(), 3000);
    const QJsonArray pairs = o.value(u"pairs"_s).toArray();
    QCOMPARE(pairs.size(), 5);
    const QJsonObject first = pairs.first().toObject();
    for (const QString &k : {u"pair_id"_s, u"natural_language_query"_s, u"sql_query"_s, u"timestamp"_s,
                             u"database_type"_s, u"database_name"_s, u"success"_s, u"execution_time_ms"_s,
                             u"metadata"_s, u"query_type"_s, u"table_names"_s})
        QVERIFY2(first.contains(k), qPrintable(k));
    // Newest first.
    QVERIFY(pairs.at(0).toObject().value(u"timestamp"_s).toString() >=
            pairs.at(4).toObject().value(u"timestamp"_s).toString());
    r = run({u"list"_s, m_demo, u"--limit"_s, u"3"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"3 of 3000"_s));
    r = run({u"stats"_s, m_demo});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"3000"_s));
}

void TstCli::statsJsonHasSeedKeys()
{
    const Run r = run({u"stats"_s, m_demo, u"--json"_s});
    QCOMPARE(r.code, 0);
    const QJsonObject s = QJsonDocument::fromJson(r.out.toUtf8()).object();
    for (const QString &k :
         {u"total_pairs"_s, u"successful_pairs"_s, u"failed_pairs"_s, u"unique_tables"_s, u"database_types"_s,
          u"avg_query_length"_s, u"avg_sql_length"_s, u"date_range"_s, u"query_type_distribution"_s})
        QVERIFY2(s.contains(k), qPrintable(k));
    QCOMPARE(s.value(u"total_pairs"_s).toInt(), 3000);
    QCOMPARE(s.value(u"successful_pairs"_s).toInt() + s.value(u"failed_pairs"_s).toInt(), 3000);
    QVERIFY(s.value(u"failed_pairs"_s).toInt() > 0);
    QVERIFY(!s.value(u"date_range"_s).toObject().value(u"start"_s).toString().isEmpty());
    const QJsonObject types = s.value(u"query_type_distribution"_s).toObject();
    for (const QString &t :
         {u"SELECT"_s, u"INSERT"_s, u"UPDATE"_s, u"DELETE"_s, u"CREATE"_s, u"ALTER"_s, u"DROP"_s})
        QVERIFY2(types.value(t).toInt() > 0, qPrintable(t)); // the demo has every statement type
    QVERIFY(s.value(u"database_types"_s).toObject().size() >= 4);
}

void TstCli::filtersOnTheCommandLine()
{
    auto total = [&](const QStringList &filter) {
        const Run r = run(QStringList{u"stats"_s, m_demo, u"--json"_s} + filter);
        return QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"total_pairs"_s).toInt(-1);
    };
    const int failed = total({u"--failed-only"_s});
    const int ok = total({u"--successful-only"_s});
    QCOMPARE(failed + ok, 3000);
    const int selects = total({u"--type"_s, u"select"_s});
    const int dml = total({u"--type"_s, u"INSERT,UPDATE,DELETE"_s});
    QVERIFY(selects > 0 && dml > 0 && selects + dml < 3000);
    QVERIFY(total({u"--db-type"_s, u"postgresql"_s}) > 0);
    QCOMPARE(total({u"--db-type"_s, u"oracle"_s}), 0);
    QVERIFY(total({u"--search"_s, u"customers"_s}) > 0);
    QCOMPARE(total({u"--from"_s, u"2099-01-01"_s}), 0);
    QCOMPARE(total({u"--status"_s, u"approved"_s}), 0);
    QCOMPARE(total({u"--status"_s, u"unreviewed"_s}), 3000);
}

void TstCli::importReportsLinesAndExitCode()
{
    const QString file = m_dir.filePath(u"in.jsonl"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        "{\"question\":\"a\",\"sql\":\"SELECT 1\"}\nnot json\n{\"question\":\"b\",\"sql\":\"SELECT 2\"}\n");
    f.close();
    const QString ds = m_dir.filePath(u"imp.pairlens"_s);
    Run r = run({u"import"_s, ds, file});
    QCOMPARE(r.code, 3); // incomplete: one record was skipped
    QVERIFY2(r.err.contains(u"in.jsonl:2: skipped"_s), qPrintable(r.err));
    QVERIFY(r.out.contains(u"2 imported"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"question\":\"c\",\"sql\":\"SELECT 3\"}\n");
    f.close();
    r = run({u"import"_s, ds, file});
    QCOMPARE(r.code, 0);
    r = run({u"import"_s, ds, m_dir.filePath(u"missing.jsonl"_s)});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(u"does not exist"_s));
}

void TstCli::deleteNeedsConfirmationAndRestore()
{
    const QString ds = m_dir.filePath(u"del.pairlens"_s);
    QCOMPARE(run({u"demo"_s, ds, u"--pairs"_s, u"500"_s}).code, 0);
    Run r = run({u"delete"_s, ds});
    QCOMPARE(r.code, 2);                                            // refuses to delete everything
    r = run({u"delete"_s, ds, u"--failed-only"_s}, QByteArray("")); // no terminal, no --yes
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"--yes"_s));
    r = run({u"delete"_s, ds, u"--failed-only"_s, u"--yes"_s});
    QCOMPARE(r.code, 0);
    auto total = [&] {
        return QJsonDocument::fromJson(run({u"stats"_s, ds, u"--json"_s}).out.toUtf8())
            .object()
            .value(u"total_pairs"_s)
            .toInt();
    };
    const int afterDelete = total();
    QVERIFY(afterDelete < 500);
    // A pair still live after the first delete, by its pair_id.
    const QString id =
        QJsonDocument::fromJson(run({u"list"_s, ds, u"--limit"_s, u"1"_s, u"--json"_s}).out.toUtf8())
            .object()
            .value(u"pairs"_s)
            .toArray()
            .first()
            .toObject()
            .value(u"pair_id"_s)
            .toString();
    QVERIFY(!id.isEmpty());
    r = run({u"delete"_s, ds, u"--id"_s, id, u"--yes"_s});
    QCOMPARE(r.code, 0);
    QCOMPARE(total(), afterDelete - 1);
    r = run({u"restore"_s, ds, u"--id"_s, id});
    QCOMPARE(r.code, 0);
    QCOMPARE(total(), afterDelete);
    r = run({u"restore"_s, ds, u"--all"_s});
    QCOMPARE(r.code, 0);
    QCOMPARE(total(), 500);
}

void TstCli::clearErrorsForBadDatasets()
{
    const QString notDb = m_dir.filePath(u"notes.txt"_s);
    QFile f(notDb);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("hello");
    f.close();
    Run r = run({u"list"_s, notDb});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(u"not a PairLens dataset"_s), qPrintable(r.err));
    QCOMPARE(r.err.count(u'\n'), 1); // one sentence
    r = run({u"stats"_s, m_dir.filePath(u"nope.pairlens"_s)});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(u"does not exist"_s));
}

void TstCli::privacySettings()
{
    const QString ds = m_dir.filePath(u"privacy.pairlens"_s);
    QCOMPARE(run({u"demo"_s, ds, u"--pairs"_s, u"400"_s}).code, 0);
    auto customPairs = [&] {
        const Run r = run({u"stats"_s, ds, u"--pii"_s, u"custom"_s, u"--json"_s});
        return QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"total_pairs"_s).toInt(-1);
    };
    QCOMPARE(customPairs(), 0);
    // Operators per kind and a custom pattern; the PII kinds follow the new pattern at once.
    Run r = run({u"privacy"_s, ds, u"--operator"_s, u"email=redact"_s, u"--add-pattern"_s,
                 u"order_no=order \\d+"_s, u"--json"_s});
    QCOMPARE(r.code, 0);
    const QJsonObject settings = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(settings.value(u"operators"_s).toObject().value(u"email"_s).toString(), u"redact"_s);
    QCOMPARE(settings.value(u"custom_patterns"_s).toArray().size(), 1);
    QVERIFY(!r.out.contains(u"secret"_s));
    const int withOrders = customPairs();
    QVERIFY(withOrders > 0); // "Mark order 306 as shipped" and the like
    r = run({u"anonymize"_s, u"--dataset"_s, ds}, "Mail jane.doe@gmail.com about order 42\n");
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"<EMAIL>"_s) && !r.out.contains(u"order 42"_s), qPrintable(r.out));
    // A bad pattern is refused with its reason and nothing changes.
    r = run({u"privacy"_s, ds, u"--add-pattern"_s, u"broken=(unclosed"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"broken"_s));
    QCOMPARE(customPairs(), withOrders);
    r = run({u"privacy"_s, ds, u"--operator"_s, u"names=mask"_s});
    QCOMPARE(r.code, 2);
    r = run({u"privacy"_s, ds, u"--remove-pattern"_s, u"order_no"_s});
    QCOMPARE(r.code, 0);
    QCOMPARE(customPairs(), 0);
}

namespace {

// VmHWM (peak resident memory) of a running process in KiB, or -1.
qint64 peakRssKiB(qint64 pid)
{
    QFile f(u"/proc/%1/status"_s.arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Writes `head`, then `fillerBytes` of `filler` repeated, then `tail`.
bool writeLarge(const QString &path, const QByteArray &head, const QByteArray &filler, qint64 fillerBytes,
                const QByteArray &tail)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(head) != head.size())
        return false;
    QByteArray block;
    while (block.size() < (1 << 20))
        block += filler;
    for (qint64 done = 0; done < fillerBytes; done += block.size()) {
        if (f.write(block) != block.size())
            return false;
    }
    return f.write(tail) == tail.size();
}

} // namespace

void TstCli::hostileImportsStayInBoundedMemory()
{
    // Files of 320 MB, each with one bad record that used to be read whole into memory (a CSV
    // quote never closed: 9.4 GB for a 3 GB file; a JSON array: the whole file), and valid records
    // after it. Each import runs in its own process, with an address-space limit as a guard, and
    // its peak resident memory must stay at 200 MB whatever the file's size.
    QTemporaryDir dir;
    constexpr qint64 kFiller = 320ll << 20;
    const QString csv = dir.filePath(u"unclosed.csv"_s);
    QVERIFY(writeLarge(csv,
                       "pair_id,question,sql\nc1,first,SELECT 1\nc2,second,SELECT 2\n"
                       "c3,\"this quote is never closed,SELECT 3\n",
                       QByteArray(999, 'x') + '\n', kFiller, "c4,fourth,SELECT 4\nc5,fifth,SELECT 5\n"));
    const QString json = dir.filePath(u"giant.json"_s);
    QVERIFY(writeLarge(
        json,
        "[{\"pair_id\":\"j1\",\"question\":\"q1\",\"sql\":\"SELECT 1\"},\n"
        "{\"pair_id\":\"j2\",\"question\":\"q2\",\"sql\":\"SELECT 2\"},\n"
        "{\"pair_id\":\"j3\",\"question\":\"",
        QByteArray(4096, 'y'), kFiller,
        "\",\"sql\":\"SELECT 3\"},\n{\"pair_id\":\"j4\",\"question\":\"q4\",\"sql\":\"SELECT 4\"}]\n"));
    const QString jsonl = dir.filePath(u"giantline.jsonl"_s);
    QVERIFY(writeLarge(
        jsonl,
        "{\"pair_id\":\"l1\",\"question\":\"q1\",\"sql\":\"SELECT 1\"}\n"
        "{\"pair_id\":\"l2\",\"question\":\"",
        QByteArray(4096, 'z'), kFiller,
        "\",\"sql\":\"SELECT 2\"}\n{\"pair_id\":\"l3\",\"question\":\"q3\",\"sql\":\"SELECT 3\"}\n"));

    struct Case
    {
        QString file;
        QString badLine;
        QStringList ids;
    };
    const QList<Case> cases = {
        {csv,
         u"unclosed.csv:4: skipped: a quoted field is not closed"_s,
         {u"c1"_s, u"c2"_s, u"c4"_s, u"c5"_s}},
        {json, u"giant.json:3: skipped: the record is larger than 16 MiB"_s, {u"j1"_s, u"j2"_s, u"j4"_s}},
        {jsonl, u"giantline.jsonl:2: skipped: the line is longer than 16 MiB"_s, {u"l1"_s, u"l3"_s}},
    };
    for (const Case &c : cases) {
        const QString ds = dir.filePath(QFileInfo(c.file).fileName() + u".pairlens"_s);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"HOME"_s, m_dir.path());
        p.setProcessEnvironment(env);
        p.setChildProcessModifier([] {
            // A guard: a regression fails here instead of taking the machine's memory.
            const rlimit limit{4ull << 30, 4ull << 30};
            ::setrlimit(RLIMIT_AS, &limit);
        });
        QElapsedTimer timer;
        timer.start();
        p.start(QStringLiteral(PAIRLENS_EXE), {u"import"_s, ds, c.file});
        QVERIFY(p.waitForStarted());
        const qint64 pid = p.processId();
        qint64 peak = 0;
        while (!p.waitForFinished(20))
            peak = std::max(peak, peakRssKiB(pid));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        // Every child of this test so far, this one included (the peak of the largest).
        rusage children{};
        ::getrusage(RUSAGE_CHILDREN, &children);
        peak = std::max<qint64>(peak, children.ru_maxrss);
        qInfo("%s: peak RSS %lld MiB, %lld ms", qPrintable(QFileInfo(c.file).fileName()), peak / 1024,
              timer.elapsed());
        QVERIFY2(peak > 0 && peak <= 200 * 1024, qPrintable(u"peak RSS %1 KiB"_s.arg(peak)));
        QCOMPARE(p.exitCode(), 3); // incomplete: one record skipped
        QVERIFY2(err.contains(c.badLine), qPrintable(err));
        QVERIFY2(out.contains(u"%1 imported"_s.arg(c.ids.size())), qPrintable(out));
        const Run list = run({u"list"_s, ds, u"--json"_s});
        QStringList ids;
        for (const QJsonValue &v :
             QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"pairs"_s).toArray())
            ids << v.toObject().value(u"pair_id"_s).toString();
        ids.sort();
        QCOMPARE(ids, c.ids);
        QFile::remove(c.file);
    }
}

void TstCli::importNotesTakenPairIds()
{
    const QString ds = m_dir.filePath(u"taken.pairlens"_s);
    const QString first = m_dir.filePath(u"taken1.jsonl"_s);
    const QString second = m_dir.filePath(u"taken2.jsonl"_s);
    for (const auto &[path, content] :
         {std::pair{
              first,
              QByteArray(
                  "{\"pair_id\":\"t1\",\"question\":\"Mail jane@example.com\",\"sql\":\"SELECT 1\"}\n")},
          std::pair{
              second,
              QByteArray("{\"pair_id\":\"t1\",\"question\":\"Mail joe@example.com\",\"sql\":\"SELECT 1\"}\n"
                         "{\"pair_id\":\"t2\",\"question\":\"a\",\"sql\":\"SELECT 2\"}\n"
                         "{\"pair_id\":\"t2\",\"question\":\"b\",\"sql\":\"SELECT 2\"}\n")}}) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QCOMPARE(run({u"import"_s, ds, first}).code, 0);
    const Run r = run({u"import"_s, ds, second});
    QCOMPARE(r.code, 0); // a notice: re-importing a file after editing its pairs does the same
    QVERIFY2(r.err.contains(u"taken2.jsonl:1: not imported: pair_id \"t1\" is already in the dataset"_s),
             qPrintable(r.err));
    QVERIFY2(r.err.contains(u"taken2.jsonl:3: not imported: pair_id \"t2\" was used on line 2"_s),
             qPrintable(r.err));
    QVERIFY2(r.err.contains(u"2 records have a pair_id that is already taken"_s), qPrintable(r.err));
    QVERIFY2(!r.err.contains(u"example.com"_s), qPrintable(r.err)); // no values, only pair_ids
}

void TstCli::damagedDatasetsFailInOneSentence()
{
    // Garbage over a page of the pairs table, and over the full-text index's configuration page,
    // of closed copies of a demo dataset.
    const QString healthy = m_dir.filePath(u"healthy.pairlens"_s);
    QCOMPARE(run({u"demo"_s, healthy, u"--pairs"_s, u"1523"_s}).code, 0);
    // A leaf of the pairs table, and the index's configuration table (one page: its root).
    int pageSize = 0;
    const QList<int> leaves = pairlens::test::sqlitePages(healthy, u"pairs"_s, u"leaf"_s, &pageSize);
    const QList<int> config =
        pairlens::test::sqlitePages(healthy, u"pairs_fts_config"_s, QString(), &pageSize);
    QVERIFY(leaves.size() > 60 && config.size() == 1);
    const QList<int> pages = {leaves.at(60), config.at(0)};
    const QStringList names = {u"pairs-page.pairlens"_s, u"fts-page.pairlens"_s};
    for (int i = 0; i < 2; ++i) {
        const QString copy = m_dir.filePath(names.at(i));
        QVERIFY(QFile::copy(healthy, copy));
        QVERIFY(pairlens::test::overwritePages(copy, {pages.at(i)}, pageSize));
    }
    auto expectDamaged = [&](const Run &r, const QString &what) {
        QVERIFY2(r.code == 1, qPrintable(what + u": exit "_s + QString::number(r.code)));
        QVERIFY2(r.err.contains(u" is damaged: "_s) && r.err.count(u'\n') == 1,
                 qPrintable(what + u": "_s + r.err));
        QVERIFY2(!r.err.contains(u"Parameter count"_s), qPrintable(r.err));
    };
    const QString pairsPage = m_dir.filePath(names.at(0));
    const QString ftsPage = m_dir.filePath(names.at(1));
    expectDamaged(run({u"list"_s, pairsPage, u"--limit"_s, u"5000"_s}), u"list"_s);
    expectDamaged(run({u"list"_s, pairsPage, u"--limit"_s, u"5000"_s, u"--json"_s}), u"list --json"_s);
    expectDamaged(run({u"list"_s, ftsPage, u"--search"_s, u"customers"_s}), u"list --search"_s);
    expectDamaged(run({u"stats"_s, ftsPage, u"--search"_s, u"orders"_s}), u"stats --search"_s);
    // Commands that write or report: nothing of part of the pairs is written or printed.
    const QString exported = m_dir.filePath(u"damaged-export.jsonl"_s);
    expectDamaged(run({u"export"_s, pairsPage, u"-o"_s, exported}), u"export"_s);
    QVERIFY(!QFile::exists(exported));
    for (const QStringList &scan :
         {QStringList{u"scan"_s, pairsPage}, QStringList{u"scan"_s, pairsPage, u"--json"_s}}) {
        const Run r = run(scan);
        expectDamaged(r, scan.join(u' '));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    }
    const QString png = m_dir.filePath(u"damaged-chart.png"_s);
    expectDamaged(
        run({u"chart"_s, ftsPage, u"--search"_s, u"orders"_s, u"--kind"_s, u"query-types"_s, u"-o"_s, png}),
        u"chart"_s);
    QVERIFY(!QFile::exists(png));
    expectDamaged(run({u"export"_s, pairsPage, u"-o"_s, exported + u".json"_s, u"--format"_s, u"json"_s}),
                  u"export --format json"_s);
    // Any other command that met the damage fails too, after saying what it did.
    expectDamaged(run({u"restore"_s, pairsPage, u"--all"_s}), u"restore"_s);
    const QString one = m_dir.filePath(u"one.jsonl"_s);
    QFile f(one);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"question\":\"how many customers\",\"sql\":\"SELECT count(*) FROM customers\"}\n");
    f.close();
    expectDamaged(run({u"import"_s, ftsPage, one}), u"import"_s);
    // The healthy original still lists all of its pairs.
    const Run ok = run({u"list"_s, healthy, u"--limit"_s, u"1"_s});
    QCOMPARE(ok.code, 0);
    QVERIFY(ok.out.contains(u"of 1523"_s));
}

void TstCli::fullDiskIsOneSentence()
{
    // A real full disk: a 2 MiB tmpfs, mounted in a mount namespace of its own (it disappears with
    // the shell). Root mounts it directly; anyone else in a user namespace of their own.
    if (QStandardPaths::findExecutable(u"unshare"_s).isEmpty())
        QSKIP("needs unshare(1) to mount a small tmpfs");
    QTemporaryDir dir;
    const QString mount = dir.filePath(u"small"_s);
    QVERIFY(QDir().mkpath(mount));
    const QString jsonl = dir.filePath(u"many.jsonl"_s);
    {
        QFile f(jsonl);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 20000; ++i)
            f.write("{\"question\":\"How many orders did customer " + QByteArray::number(i) +
                    " place last week?\",\"sql\":\"SELECT count(*) FROM orders WHERE customer_id = " +
                    QByteArray::number(i) + "\"}\n");
    }
    // A dataset on a disk with room, exported onto the full one.
    const QString outside = dir.filePath(u"outside.pairlens"_s);
    QCOMPARE(run({u"demo"_s, outside, u"--pairs"_s, u"2000"_s}).code, 0);
    const QString script = uR"(set -u
mount -t tmpfs -o size=2m tmpfs "$1" || exit 99
"$2" demo "$1/demo.pairlens" --pairs 0 >/dev/null 2>&1
"$2" demo "$1/demo.pairlens" --pairs 20000 >/dev/null 2>"$3/demo.err"; echo $? >"$3/demo.rc"
"$2" import "$1/demo.pairlens" "$4" >/dev/null 2>"$3/import.err"; echo $? >"$3/import.rc"
head -c 4000000 /dev/zero >"$1/filler" 2>/dev/null
"$2" import "$1/new.pairlens" "$4" >/dev/null 2>"$3/create.err"; echo $? >"$3/create.rc"
"$2" demo "$1/new-demo.pairlens" --pairs 20000 >/dev/null 2>"$3/createdemo.err"; echo $? >"$3/createdemo.rc"
"$2" delete "$1/demo.pairlens" --search orders --yes >/dev/null 2>"$3/delete.err"; echo $? >"$3/delete.rc"
"$2" export "$5" -o "$1/out.jsonl" >/dev/null 2>"$3/export.err"; echo $? >"$3/export.rc"
ls "$1" >"$3/ls"
)"_s;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, m_dir.path());
    p.setProcessEnvironment(env);
    const QStringList namespaces = ::geteuid() == 0 ? QStringList{u"-m"_s} : QStringList{u"-r"_s, u"-m"_s};
    p.start(u"unshare"_s, namespaces + QStringList{u"sh"_s, u"-c"_s, script, u"sh"_s, mount,
                                                   QStringLiteral(PAIRLENS_EXE), dir.path(), jsonl, outside});
    QVERIFY(p.waitForFinished(120000));
    if (p.exitCode() == 99 || (p.exitCode() != 0 && !QFile::exists(dir.filePath(u"demo.rc"_s))))
        QSKIP(qPrintable(u"cannot mount a tmpfs in a mount namespace here: "_s +
                         QString::fromUtf8(p.readAllStandardError()).trimmed()));
    QCOMPARE(p.exitCode(), 0);
    auto read = [&](const QString &name) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    };
    for (const QString &step :
         {u"demo"_s, u"import"_s, u"create"_s, u"createdemo"_s, u"delete"_s, u"export"_s}) {
        const QString err = read(step + u".err"_s);
        QVERIFY2(read(step + u".rc"_s).trimmed() == u"1"_s, qPrintable(step + u": "_s + err));
        QVERIFY2(err.contains(u": the disk is full ("_s) && err.contains(u" free on "_s),
                 qPrintable(step + u": "_s + err));
        QVERIFY2(!err.contains(u"Unknown error"_s) && !err.contains(u"Unable to"_s), qPrintable(err));
        // One sentence (the import also prints its per-file summary on stdout, not here).
        QCOMPARE(err.count(u'\n'), 1);
    }
    // The dataset that could not be created left no empty file behind.
    QVERIFY2(!read(u"ls"_s).contains(u"new.pairlens"_s), qPrintable(read(u"ls"_s)));
    // Nor did the new datasets written as bulk loads (no temporary file either).
    QVERIFY2(!read(u"ls"_s).contains(u"new-demo.pairlens"_s), qPrintable(read(u"ls"_s)));
    QVERIFY2(!read(u"ls"_s).contains(u".importing-"_s), qPrintable(read(u"ls"_s)));
    // The export that did not fit left neither a partial file nor a manifest.
    QVERIFY2(!read(u"ls"_s).contains(u"out."_s), qPrintable(read(u"ls"_s)));
}

void TstCli::statsLeavesAnEmptyFileAlone()
{
    // A 0-byte file is no dataset: stats and list say so and never turn it into one.
    const QString empty = m_dir.filePath(u"empty.pairlens"_s);
    QFile f(empty);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    for (const QStringList &args :
         {QStringList{u"stats"_s, empty}, QStringList{u"stats"_s, empty, u"--json"_s},
          QStringList{u"list"_s, empty}}) {
        const Run r = run(args);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(u"is an empty database, not a PairLens dataset"_s), qPrintable(r.err));
        QCOMPARE(QFileInfo(empty).size(), 0);
        QVERIFY(!QFile::exists(empty + u"-wal"_s) && !QFile::exists(empty + u"-shm"_s));
    }
}

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
