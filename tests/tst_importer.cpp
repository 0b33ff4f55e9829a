// Import of JSONL, JSON and CSV: format detection, field mapping, malformed records with line
// numbers, re-import without duplicates, and bad input that must never lose the good records.
#include "dataset/dataset.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "testutil.h"

#include <QFile>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;
using namespace pairlens;

class TstImporter : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void detectsFormats_data();
    void detectsFormats();
    void jsonlSeedFields();
    void malformedLinesReportedRestImported();
    void nonUtf8LineRejectedWithLineNumber();
    void reimportDoesNotDuplicate();
    void missingIdsAreStableUuids();
    void missingTimestampGetsImportTime();
    void jsonArrayAndEnvelope();
    void csvQuotedFieldsAndBadRows();
    void hugeFieldRejectedOthersKept();
    void emptyAndMissingFiles();
    void cancelStopsEarly();

private:
    QString write(const QString &name, const QByteArray &content);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Dataset> m_ds;
    std::unique_ptr<PairStore> m_store;
};

QString TstImporter::write(const QString &name, const QByteArray &content)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write test file");
    f.write(content);
    return path;
}

void TstImporter::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QString error;
    m_ds = Dataset::open(m_dir->filePath(u"import.db"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(m_ds, qPrintable(error));
    m_store = std::make_unique<PairStore>(*m_ds);
}

void TstImporter::cleanup()
{
    m_store.reset();
    m_ds.reset();
    m_dir.reset();
}

void TstImporter::detectsFormats_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("format");
    QTest::newRow("jsonl by suffix") << u"a.jsonl"_s << QByteArray("{}\n") << int(ImportFormat::Jsonl);
    QTest::newRow("csv by suffix") << u"a.csv"_s << QByteArray("question,sql\n") << int(ImportFormat::Csv);
    QTest::newRow("json array") << u"a.json"_s << QByteArray("  [ {\"question\": \"x\"} ]")
                                << int(ImportFormat::Json);
    QTest::newRow("json envelope") << u"a.json"_s << QByteArray("{\n \"pairs\": []\n}")
                                   << int(ImportFormat::Json);
    QTest::newRow("jsonl named .json")
        << u"b.json"_s << QByteArray("{\"question\":\"a\"}\n{\"question\":\"b\"}\n")
        << int(ImportFormat::Jsonl);
    QTest::newRow("jsonl no suffix") << u"data"_s << QByteArray("{\"question\":\"a\"}\n")
                                     << int(ImportFormat::Jsonl);
    QTest::newRow("csv no suffix") << u"data2"_s << QByteArray("question,sql\nx,y\n")
                                   << int(ImportFormat::Csv);
}

void TstImporter::detectsFormats()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(int, format);
    QString error;
    QCOMPARE(int(Importer::detectFormat(write(name, content), &error)), format);
}

void TstImporter::jsonlSeedFields()
{
    const QString path = write(
        u"seed.jsonl"_s,
        R"({"pair_id":"p1","natural_language_query":"Show me all users who signed up last week","sql_query":"SELECT * FROM users WHERE signup_date >= NOW() - INTERVAL '7 days'","timestamp":"2024-01-15T10:30:00Z","database_type":"postgresql","database_name":"app_prod","success":true,"execution_time_ms":45.2,"metadata":{"agent":"v2"}}
{"pair_id":"p2","question":"How many heads of the departments are older than 56 ?","sql":"SELECT count(*) FROM head WHERE age  >  56","db_id":"department_management","split":"train","source":"spider"}
)");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QVERIFY2(r.complete(), qPrintable(r.issues.isEmpty() ? r.fatalError : r.issues.first().reason));
    QCOMPARE(r.added, 2);
    const auto p1 = m_store->getByPairId(u"p1"_s);
    QVERIFY(p1);
    QCOMPARE(p1->databaseName, u"app_prod"_s);
    QCOMPARE(p1->executionTimeMs, 45.2);
    QCOMPARE(p1->queryType, u"SELECT"_s);
    QCOMPARE(p1->tableNames, QStringList{u"users"_s});
    QCOMPARE(p1->metadata.value(u"agent"_s).toString(), u"v2"_s);
    const auto p2 = m_store->getByPairId(u"p2"_s);
    QVERIFY(p2);
    QCOMPARE(p2->databaseName, u"department_management"_s); // db_id -> database_name
    QCOMPARE(p2->sqlQuery, u"SELECT count(*) FROM head WHERE age  >  56"_s);
    QCOMPARE(p2->metadata.value(u"source"_s).toString(), u"spider"_s); // extra fields kept
    QCOMPARE(p2->metadata.value(u"split"_s).toString(), u"train"_s);
}

void TstImporter::malformedLinesReportedRestImported()
{
    const QString path =
        write(u"bad.jsonl"_s, "{\"question\":\"ok one\",\"sql\":\"SELECT 1\"}\n"
                              "{\"question\": \"truncated\n"
                              "\n"
                              "[1,2,3]\n"
                              "{\"sql\":\"SELECT 2\"}\n"
                              "{\"question\":\"bad time\",\"sql\":\"SELECT 3\",\"timestamp\":\"yesterday\"}\n"
                              "{\"question\":\"bad success\",\"sql\":\"SELECT 3\",\"success\":\"maybe\"}\n"
                              "{\"question\":\"ok two\",\"sql\":\"SELECT 4\"}\n");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QCOMPARE(r.records, 7);
    QCOMPARE(r.added, 2);
    QCOMPARE(r.rejected, 5);
    QVERIFY(!r.complete());
    QList<qint64> lines;
    for (const ImportIssue &i : r.issues)
        lines << i.line;
    QCOMPARE(lines, (QList<qint64>{2, 4, 5, 6, 7}));
    QVERIFY(r.issues.at(0).reason.contains(u"not valid JSON"_s));
    QVERIFY(r.issues.at(1).reason.contains(u"not a JSON object"_s));
    QVERIFY(r.issues.at(2).reason.contains(u"no question"_s));
    QVERIFY(r.issues.at(3).reason.contains(u"timestamp"_s));
    QVERIFY(r.issues.at(4).reason.contains(u"success"_s));
    QCOMPARE(m_store->count({}), 2);
}

void TstImporter::nonUtf8LineRejectedWithLineNumber()
{
    QByteArray data = "{\"question\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\",\"sql\":\"SELECT 1\"}\n";
    data += "{\"question\":\"caf\xE9 latin1\",\"sql\":\"SELECT 2\"}\n";
    data += "{\"question\":\"fine\",\"sql\":\"SELECT 3\"}\n";
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(u"enc.jsonl"_s, data));
    QCOMPARE(r.added, 2);
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.issues.first().line, 2);
    QVERIFY(r.issues.first().reason.contains(u"UTF-8"_s));
    Filter f;
    f.search = u"café"_s;
    const QList<Pair> got = m_store->page(f, {}, 10);
    QCOMPARE(got.size(), 1);
    QCOMPARE(got.first().naturalLanguageQuery, u"café 😀"_s);
}

void TstImporter::reimportDoesNotDuplicate()
{
    const QString path = write(u"re.jsonl"_s, "{\"pair_id\":\"x1\",\"question\":\"a\",\"sql\":\"SELECT 1\"}\n"
                                              "{\"question\":\"no id\",\"sql\":\"SELECT 2\"}\n");
    Importer importer(*m_store);
    QCOMPARE(importer.importFile(path).added, 2);
    const ImportReport again = importer.importFile(path);
    QCOMPARE(again.added, 0);
    QCOMPARE(again.alreadyPresent, 2);
    QVERIFY(again.complete()); // already present is not a failure
    QCOMPARE(m_store->count({}), 2);
}

void TstImporter::missingIdsAreStableUuids()
{
    // Identical records on different lines are two pairs; each gets a UUID.
    const QString path = write(u"ids.jsonl"_s, "{\"question\":\"same\",\"sql\":\"SELECT 1\"}\n"
                                               "{\"question\":\"same\",\"sql\":\"SELECT 1\"}\n");
    Importer importer(*m_store);
    QCOMPARE(importer.importFile(path).added, 2);
    const QList<Pair> pairs = m_store->page({}, {}, 10);
    QCOMPARE(pairs.size(), 2);
    QVERIFY(pairs.at(0).pairId != pairs.at(1).pairId);
    for (const Pair &p : pairs)
        QVERIFY2(!QUuid::fromString(p.pairId).isNull(), qPrintable(p.pairId));
}

void TstImporter::missingTimestampGetsImportTime()
{
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    Importer importer(*m_store);
    QCOMPARE(importer.importFile(write(u"t.jsonl"_s, "{\"question\":\"a\",\"sql\":\"SELECT 1\"}\n")).added,
             1);
    const Pair p = m_store->page({}, {}, 1).first();
    const QDateTime ts = QDateTime::fromString(p.timestamp, Qt::ISODateWithMs);
    QVERIFY2(ts.isValid() && ts >= before && ts <= QDateTime::currentDateTimeUtc().addSecs(1),
             qPrintable(p.timestamp));
}

void TstImporter::jsonArrayAndEnvelope()
{
    Importer importer(*m_store);
    const ImportReport a = importer.importFile(write(
        u"arr.json"_s,
        R"([{"pair_id":"a1","question":"q1","sql":"SELECT 1"}, 42, {"pair_id":"a2","question":"q2","sql":"UPDATE t SET x = 1"}])"));
    QCOMPARE(a.added, 2);
    QCOMPARE(a.rejected, 1);
    QCOMPARE(a.issues.first().record, 2);
    const ImportReport e = importer.importFile(
        write(u"env.json"_s,
              R"({"exported_at":"2024-01-01T00:00:00Z","format_version":"1.0","total_pairs":1,
            "pairs":[{"pair_id":"e1","natural_language_query":"q","sql_query":"DELETE FROM t","success":false}],
            "statistics":{}})"));
    QCOMPARE(e.added, 1);
    QVERIFY(!m_store->getByPairId(u"e1"_s)->success);
    const ImportReport broken = importer.importFile(write(u"broken.json"_s, "[\n{\"question\": 1,\n"));
    QVERIFY(!broken.fatalError.isEmpty());
    QVERIFY2(broken.fatalError.contains(u"line"_s), qPrintable(broken.fatalError));
}

void TstImporter::csvQuotedFieldsAndBadRows()
{
    const QString path =
        write(u"pairs.csv"_s,
              "\xEF\xBB\xBFpair_id,natural_language_query,sql_query,success,metadata\r\n"
              "c1,\"Say \"\"hi\"\", then\nnewline\",\"SELECT 'a,b' FROM t\",true,\"{\"\"k\"\":1}\"\r\n"
              "c2,too,few\r\n"
              "c3,plain,SELECT 1,false,\r\n");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QCOMPARE(r.added, 2);
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.issues.first().line, 4); // the record after a two-line quoted field
    const auto c1 = m_store->getByPairId(u"c1"_s);
    QVERIFY(c1);
    QCOMPARE(c1->naturalLanguageQuery, u"Say \"hi\", then\nnewline"_s);
    QCOMPARE(c1->sqlQuery, u"SELECT 'a,b' FROM t"_s);
    QCOMPARE(c1->metadata.value(u"k"_s).toInt(), 1);
    QVERIFY(!m_store->getByPairId(u"c3"_s)->success);
}

void TstImporter::hugeFieldRejectedOthersKept()
{
    QByteArray data =
        "{\"question\":\"" + QByteArray(Importer::kMaxFieldBytes + 10, 'x') + "\",\"sql\":\"SELECT 1\"}\n";
    data += "{\"question\":\"small\",\"sql\":\"SELECT 1\"}\n";
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(u"huge.jsonl"_s, data));
    QCOMPARE(r.added, 1);
    QCOMPARE(r.rejected, 1);
    QVERIFY(r.issues.first().reason.contains(u"1 MiB"_s));
}

void TstImporter::emptyAndMissingFiles()
{
    Importer importer(*m_store);
    const ImportReport empty = importer.importFile(write(u"empty.jsonl"_s, ""));
    QVERIFY(empty.complete());
    QCOMPARE(empty.records, 0);
    const ImportReport missing = importer.importFile(m_dir->filePath(u"nope.jsonl"_s));
    QVERIFY(!missing.fatalError.isEmpty());
    QString error;
    QCOMPARE(int(Importer::detectFormat(write(u"bin.dat"_s, QByteArray("\x00\x01\x02", 3)), &error)),
             int(ImportFormat::Auto));
    QVERIFY(!error.isEmpty());
}

void TstImporter::cancelStopsEarly()
{
    QByteArray data;
    for (int i = 0; i < 20000; ++i)
        data += "{\"question\":\"q" + QByteArray::number(i) + "\",\"sql\":\"SELECT 1\"}\n";
    std::atomic_bool cancel = false;
    Progress progress(
        [&](qint64 done, qint64, const QString &) {
            if (done > 0)
                cancel = true;
        },
        &cancel);
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(u"many.jsonl"_s, data), ImportFormat::Auto, progress);
    QVERIFY(r.cancelled);
    QVERIFY(!r.complete());
    QVERIFY(r.records < 20000);
}

QTEST_GUILESS_MAIN(TstImporter)
#include "tst_importer.moc"
