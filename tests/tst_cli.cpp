// The pairlens command line end to end: the real binary in a child process, no display.
#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

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

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    Run run(const QStringList &args, const QByteArray &input = {});
    QTemporaryDir m_dir;
    QString m_demo;
};

TstCli::Run TstCli::run(const QStringList &args, const QByteArray &input)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s); // headless commands must not need one
    env.remove(u"QT_QPA_PLATFORM"_s);
    env.insert(u"HOME"_s, m_dir.path());
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PAIRLENS_EXE), args);
    if (!input.isNull()) {
        p.write(input);
    }
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
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
    r = run({u"serve"_s, m_demo});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(u"not part of PairLens"_s), qPrintable(r.err));
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

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
