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
    // Hostile input (issue 13).
    void csvUnclosedQuoteGoesOnAtNextRow();
    void csvQuoteNotDoubledGoesOnAtNextRow();
    void csvLongQuotedFieldSkippedWhole();
    void csvUnclosedLongFieldSkipsToNextRow();
    void csvInvalidUtf8Rejected();
    void jsonArrayStreamsAndSkipsLargeRecords();
    void jsonStringNotClosedOnItsLine();
    void jsonBrokenStructureKeepsEarlierRecords();
    void jsonEnvelopeAndSingleObject();
    void loneSurrogatesRejected_data();
    void loneSurrogatesRejected();
    void metadataMustBeAnObject();
    void fieldLimitCountsUtf8Bytes();
    void duplicatePairIdsWithOtherContentNoted();

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

// Pair ids in the dataset, sorted.
static QStringList idsIn(PairStore &store)
{
    Filter all;
    all.scope = Filter::Scope::All;
    QStringList ids;
    for (const Pair &p : store.page(all, {}, 100000))
        ids << p.pairId;
    ids.sort();
    return ids;
}

void TstImporter::csvUnclosedQuoteGoesOnAtNextRow()
{
    // The quote opened on line 3 is never closed: reading goes on at line 4, the next whole row;
    // the multi-line record after it is read as usual.
    const QString path = write(u"unclosed.csv"_s, "pair_id,question,sql\n"
                                                  "r1,one,SELECT 1\n"
                                                  "r2,\"never closed,SELECT 2\n"
                                                  "r3,three,SELECT 3\n"
                                                  "r4,four,SELECT 4\n");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.issues.first().line, 3);
    QVERIFY2(r.issues.first().reason.contains(u"not closed"_s), qPrintable(r.issues.first().reason));
    QCOMPARE(idsIn(*m_store), (QStringList{u"r1"_s, u"r3"_s, u"r4"_s}));
}

void TstImporter::csvQuoteNotDoubledGoesOnAtNextRow()
{
    // Line 3's quote "closes" on line 5 before a letter: the quoting is off from line 3 on. Lines 4
    // and 5 are rows of their own again, and the quoted multi-line field of r6 is read whole.
    const QString path = write(u"stray.csv"_s, "pair_id,question,sql\n"
                                               "r1,one,SELECT 1\n"
                                               "r2,\"unbalanced,SELECT 2\n"
                                               "r3,three,SELECT 3\n"
                                               "r4,\"quoted\",SELECT 4\n"
                                               "r5,\"two\nlines\",SELECT 5\n");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.issues.first().line, 3);
    QVERIFY2(r.issues.first().reason.contains(u"not doubled"_s), qPrintable(r.issues.first().reason));
    QCOMPARE(idsIn(*m_store), (QStringList{u"r1"_s, u"r3"_s, u"r4"_s, u"r5"_s}));
    QCOMPARE(m_store->getByPairId(u"r5"_s)->naturalLanguageQuery, u"two\nlines"_s);
}

void TstImporter::csvLongQuotedFieldSkippedWhole()
{
    // A properly closed quoted field over 1 MiB: the record is skipped whole, and nothing inside it
    // is taken for a row (its lines look like rows).
    QByteArray data = "pair_id,question,sql\nr1,one,SELECT 1\nbig,\"";
    while (data.size() < (2 << 20))
        data += "inside,looks like a row,SELECT 9\n";
    data += "\",SELECT 2\nr3,three,SELECT 3\n";
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(u"long.csv"_s, data));
    QCOMPARE(r.records, 3);
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.issues.first().line, 3);
    QVERIFY2(r.issues.first().reason.contains(u"1 MiB"_s), qPrintable(r.issues.first().reason));
    QCOMPARE(idsIn(*m_store), (QStringList{u"r1"_s, u"r3"_s}));
}

void TstImporter::csvUnclosedLongFieldSkipsToNextRow()
{
    // An unclosed quote followed by more than 16 MiB without a quote: the field is given up after
    // 16 MiB, reading goes back to line 4 and skips the lines that are no rows (no separators).
    QByteArray data = "pair_id,question,sql\nr1,one,SELECT 1\nr2,\"open";
    const QByteArray filler = QByteArray(999, 'x') + '\n';
    data += '\n';
    const int fillerLines = 17 * 1024 + 10;
    data.reserve(data.size() + fillerLines * filler.size() + 100);
    for (int i = 0; i < fillerLines; ++i)
        data += filler;
    data += "r5,five,SELECT 5\n";
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(u"unclosed-long.csv"_s, data));
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.issues.first().line, 3);
    const QString reason = r.issues.first().reason;
    QVERIFY2(reason.contains(u"16 MiB"_s), qPrintable(reason));
    QVERIFY2(reason.contains(u"reading went on at line %1"_s.arg(4 + fillerLines)), qPrintable(reason));
    QCOMPARE(idsIn(*m_store), (QStringList{u"r1"_s, u"r5"_s}));
}

void TstImporter::csvInvalidUtf8Rejected()
{
    // Latin-1, and a UTF-16 surrogate encoded as UTF-8 (CESU-8), are no UTF-8: the record is
    // refused, never stored with replacement characters.
    const QString path = write(u"bytes.csv"_s, "pair_id,question,sql\n"
                                               "r1,caf\xE9,SELECT 1\n"
                                               "r2,lone \xED\xA0\x80 surrogate,SELECT 2\n"
                                               "r3,caf\xC3\xA9,SELECT 3\n");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QCOMPARE(r.rejected, 2);
    QCOMPARE(r.issues.at(0).line, 2);
    QCOMPARE(r.issues.at(1).line, 3);
    QVERIFY(r.issues.at(1).reason.contains(u"UTF-8"_s));
    QCOMPARE(idsIn(*m_store), QStringList{u"r3"_s});
    QCOMPARE(m_store->getByPairId(u"r3"_s)->naturalLanguageQuery, u"café"_s);
}

void TstImporter::jsonArrayStreamsAndSkipsLargeRecords()
{
    // One element over 16 MiB among small ones: skipped with its line, the others imported.
    QByteArray data = "[\n{\"pair_id\":\"a1\",\"question\":\"q1\",\"sql\":\"SELECT 1\"},\n"
                      "{\"pair_id\":\"a2\",\"question\":\"";
    data += QByteArray(17 << 20, 'y');
    data +=
        "\",\"sql\":\"SELECT 2\"},\n7,\n"
        "{\"pair_id\":\"a3\",\"question\":\"q3 [with] {brackets} \\\" and \\\\\",\"sql\":\"SELECT 3\"}\n]\n";
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(u"big.json"_s, data));
    QVERIFY2(r.fatalError.isEmpty(), qPrintable(r.fatalError));
    QCOMPARE(r.records, 4);
    QCOMPARE(r.rejected, 2);
    QCOMPARE(r.issues.at(0).line, 3);
    QCOMPARE(r.issues.at(0).record, 2);
    QVERIFY2(r.issues.at(0).reason.contains(u"16 MiB"_s), qPrintable(r.issues.at(0).reason));
    QCOMPARE(r.issues.at(1).line, 4);
    QVERIFY(r.issues.at(1).reason.contains(u"not a JSON object"_s));
    QCOMPARE(idsIn(*m_store), (QStringList{u"a1"_s, u"a3"_s}));
    QCOMPARE(m_store->getByPairId(u"a3"_s)->naturalLanguageQuery, u"q3 [with] {brackets} \" and \\"_s);
}

void TstImporter::jsonStringNotClosedOnItsLine()
{
    // A pretty-printed array whose second element has a string that runs past its line: the
    // element is reported, reading goes on at the next line that starts an element.
    const QString path =
        write(u"pretty.json"_s, "[\n"
                                "  {\"pair_id\": \"p1\", \"question\": \"q1\", \"sql\": \"SELECT 1\"},\n"
                                "  {\n"
                                "    \"pair_id\": \"p2\",\n"
                                "    \"question\": \"not closed,\n"
                                "    \"sql\": \"SELECT 2\"\n"
                                "  },\n"
                                "  {\n"
                                "    \"pair_id\": \"p3\", \"question\": \"q3\", \"sql\": \"SELECT 3\"\n"
                                "  }\n"
                                "]\n");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QVERIFY2(r.fatalError.isEmpty(), qPrintable(r.fatalError));
    QCOMPARE(r.rejected, 1);
    QCOMPARE(r.issues.first().line, 3);
    QVERIFY2(r.issues.first().reason.contains(u"line 5"_s) && r.issues.first().reason.contains(u"line 8"_s),
             qPrintable(r.issues.first().reason));
    QCOMPARE(idsIn(*m_store), (QStringList{u"p1"_s, u"p3"_s}));
}

void TstImporter::jsonBrokenStructureKeepsEarlierRecords()
{
    const QString path =
        write(u"cut.json"_s, "[{\"pair_id\":\"b1\",\"question\":\"q1\",\"sql\":\"SELECT 1\"},\n"
                             "{\"pair_id\":\"b2\",\"question\":\"q2\",\"sql\":\"SELECT 2\"]},\n"
                             "{\"pair_id\":\"b3\",\"question\":\"q3\",\"sql\":\"SELECT 3\"}]\n");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QVERIFY2(r.fatalError.contains(u"line 2"_s), qPrintable(r.fatalError));
    QCOMPARE(idsIn(*m_store), QStringList{u"b1"_s});
    // Text after the document.
    const ImportReport t = importer.importFile(
        write(u"trailing.json"_s, "[{\"pair_id\":\"t1\",\"question\":\"q\",\"sql\":\"SELECT 1\"}]\n]\n"));
    QCOMPARE(t.added, 1);
    QVERIFY2(t.fatalError.contains(u"line 2"_s), qPrintable(t.fatalError));
}

void TstImporter::jsonEnvelopeAndSingleObject()
{
    Importer importer(*m_store);
    // "pairs" after other keys, and keys after it: only its elements are records.
    const ImportReport e = importer.importFile(
        write(u"env2.json"_s,
              R"({"exported_at":"2024-01-01T00:00:00Z","filter":{"pairs":[1,2]},"note":"a \"pairs\" word",
  "pairs":[{"pair_id":"e1","question":"q1","sql":"SELECT 1"},{"pair_id":"e2","question":"q2","sql":"SELECT 2"}],
  "statistics":{"total_pairs":2,"list":[{"x":"]"}]}})"));
    QVERIFY2(e.fatalError.isEmpty(), qPrintable(e.fatalError));
    QCOMPARE(e.records, 2);
    QCOMPARE(e.added, 2);
    // A single pair as the whole document.
    const ImportReport s =
        importer.importFile(write(u"one.json"_s, "\xEF\xBB\xBF {\"pair_id\":\"s1\",\"question\":\"q\",\n"
                                                 "\"sql\":\"SELECT 1\",\"metadata\":{\"pairs\":\"no\"}}\n"));
    QVERIFY2(s.fatalError.isEmpty(), qPrintable(s.fatalError));
    QCOMPARE(s.added, 1);
    QCOMPARE(m_store->getByPairId(u"s1"_s)->metadata.value(u"pairs"_s).toString(), u"no"_s);
    const ImportReport empty = importer.importFile(write(u"empty.json"_s, "[ ]"));
    QVERIFY(empty.complete());
    QCOMPARE(empty.records, 0);
}

void TstImporter::loneSurrogatesRejected_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    // One record per line: a lone high surrogate before a space (Qt would merge the two into
    // U+10020), a lone low one, a high one before a non-surrogate escape, a proper pair, and an
    // escaped backslash before "ud800" (text, not an escape).
    const QList<QByteArray> records = {
        R"({"pair_id":"s1","question":"lone \ud800 surrogate","sql":"SELECT 1"})",
        R"({"pair_id":"s2","question":"low \uDC00 alone","sql":"SELECT 2"})",
        R"({"pair_id":"s3","question":"ok","sql":"SELECT '\ud83d\u0041'"})",
        R"({"pair_id":"s4","question":"pair \ud83d\ude00 fine","sql":"SELECT 4"})",
        R"({"pair_id":"s5","question":"text \\ud800 fine","sql":"SELECT 5"})",
    };
    QTest::newRow("jsonl") << u"s.jsonl"_s << records.join('\n') + '\n';
    QTest::newRow("json array") << u"s.json"_s << "[" + records.join(",\n") + "]\n";
}

void TstImporter::loneSurrogatesRejected()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(name, content));
    QVERIFY2(r.fatalError.isEmpty(), qPrintable(r.fatalError));
    QCOMPARE(r.rejected, 3);
    QCOMPARE(r.issues.at(0).line, 1);
    QVERIFY2(r.issues.at(0).reason.contains(u"\\ud800"_s) && r.issues.at(0).reason.contains(u"surrogate"_s),
             qPrintable(r.issues.at(0).reason));
    QVERIFY(r.issues.at(1).reason.contains(u"\\uDC00"_s));
    QVERIFY(r.issues.at(2).reason.contains(u"\\ud83d"_s));
    QCOMPARE(idsIn(*m_store), (QStringList{u"s4"_s, u"s5"_s}));
    QCOMPARE(m_store->getByPairId(u"s4"_s)->naturalLanguageQuery, u"pair 😀 fine"_s);
    QCOMPARE(m_store->getByPairId(u"s5"_s)->naturalLanguageQuery, u"text \\ud800 fine"_s);
}

void TstImporter::metadataMustBeAnObject()
{
    // An object, a string holding one, null or an empty string are fine; anything else is refused
    // like a string holding no object, never dropped quietly.
    const QString path = write(u"meta.jsonl"_s,
                               R"({"pair_id":"m1","question":"q","sql":"SELECT 1","metadata":{"a":1}}
{"pair_id":"m2","question":"q","sql":"SELECT 1","metadata":"{\"b\":2}"}
{"pair_id":"m3","question":"q","sql":"SELECT 1","metadata":null}
{"pair_id":"m4","question":"q","sql":"SELECT 1","metadata":""}
{"pair_id":"m5","question":"q","sql":"SELECT 1","metadata":[1,2,3]}
{"pair_id":"m6","question":"q","sql":"SELECT 1","metadata":42}
{"pair_id":"m7","question":"q","sql":"SELECT 1","metadata":true}
{"pair_id":"m8","question":"q","sql":"SELECT 1","metadata":"[1,2,3]"}
)");
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(path);
    QCOMPARE(r.rejected, 4);
    QList<qint64> lines;
    for (const ImportIssue &i : r.issues) {
        lines << i.line;
        QVERIFY2(i.reason.contains(u"\"metadata\" is not a JSON object"_s), qPrintable(i.reason));
    }
    QCOMPARE(lines, (QList<qint64>{5, 6, 7, 8}));
    QVERIFY(r.issues.at(0).reason.contains(u"array"_s));
    QCOMPARE(idsIn(*m_store), (QStringList{u"m1"_s, u"m2"_s, u"m3"_s, u"m4"_s}));
    QCOMPARE(m_store->getByPairId(u"m2"_s)->metadata.value(u"b"_s).toInt(), 2);
}

void TstImporter::fieldLimitCountsUtf8Bytes()
{
    // 400,000 euro signs: 400,000 UTF-16 units but 1.2 MB of UTF-8.
    const QByteArray euros = QString(400000, QChar(0x20AC)).toUtf8();
    QByteArray data = "{\"pair_id\":\"u1\",\"question\":\"" + euros + "\",\"sql\":\"SELECT 1\"}\n";
    // Metadata counts, with the fields the record carries besides the known ones.
    data += "{\"pair_id\":\"u2\",\"question\":\"q\",\"sql\":\"SELECT 1\",\"metadata\":{\"blob\":\"" +
            QByteArray(1 << 20, 'm') + "\"}}\n";
    data += "{\"pair_id\":\"u3\",\"question\":\"q\",\"sql\":\"SELECT 1\",\"a\":\"" + QByteArray(600000, 'a') +
            "\",\"b\":\"" + QByteArray(600000, 'b') + "\"}\n";
    data += "{\"pair_id\":\"u4\",\"question\":\"q\",\"sql\":\"SELECT 1\",\"database_name\":\"" +
            QByteArray((1 << 20) + 1, 'd') + "\"}\n";
    data += "{\"pair_id\":\"u5\",\"question\":\"" + QString(300000, QChar(0x20AC)).toUtf8() +
            "\",\"sql\":\"SELECT 1\"}\n";
    Importer importer(*m_store);
    const ImportReport r = importer.importFile(write(u"utf8.jsonl"_s, data));
    QCOMPARE(r.rejected, 4);
    QVERIFY2(r.issues.at(0).reason.contains(u"question"_s) && r.issues.at(0).reason.contains(u"1 MiB"_s),
             qPrintable(r.issues.at(0).reason));
    QVERIFY(r.issues.at(1).reason.contains(u"metadata"_s));
    QVERIFY(r.issues.at(2).reason.contains(u"metadata"_s));
    QVERIFY(r.issues.at(3).reason.contains(u"database_name"_s));
    QCOMPARE(idsIn(*m_store), QStringList{u"u5"_s}); // 900,000 bytes: under the limit
}

void TstImporter::duplicatePairIdsWithOtherContentNoted()
{
    Importer importer(*m_store);
    QCOMPARE(importer
                 .importFile(write(u"first.jsonl"_s,
                                   "{\"pair_id\":\"d1\",\"question\":\"one\",\"sql\":\"SELECT 1\"}\n"
                                   "{\"pair_id\":\"d2\",\"question\":\"two\",\"sql\":\"SELECT 2\"}\n"))
                 .added,
             2);
    // d1 again, unchanged: already present, nothing to say. d2 with another question: kept as it
    // was, noted. d3 twice in the file with other SQL: the first kept, the second noted. d4 on line 1
    // and again past the first batch (5,000 records) with another question.
    QByteArray data = "{\"pair_id\":\"d4\",\"question\":\"four\",\"sql\":\"SELECT 4\"}\n"
                      "{\"pair_id\":\"d1\",\"question\":\"one\",\"sql\":\"SELECT 1\"}\n"
                      "{\"pair_id\":\"d2\",\"question\":\"changed\",\"sql\":\"SELECT 2\"}\n"
                      "{\"pair_id\":\"d3\",\"question\":\"three\",\"sql\":\"SELECT 3\"}\n"
                      "{\"pair_id\":\"d3\",\"question\":\"three\",\"sql\":\"SELECT 33\"}\n";
    for (int i = 0; i < 5100; ++i)
        data +=
            "{\"pair_id\":\"f" + QByteArray::number(i) + "\",\"question\":\"filler\",\"sql\":\"SELECT 0\"}\n";
    data += "{\"pair_id\":\"d4\",\"question\":\"FOUR\",\"sql\":\"SELECT 4\"}\n";
    const ImportReport r = importer.importFile(write(u"second.jsonl"_s, data));
    QVERIFY(r.complete()); // a notice, not an error
    QCOMPARE(r.added, 2 + 5100);
    QCOMPARE(r.alreadyPresent, 4);
    QCOMPARE(r.conflictsWithDataset, 1);
    QCOMPARE(r.conflictsInFile, 2);
    QCOMPARE(r.conflicts.size(), 3);
    QCOMPARE(r.conflicts.at(0).line, 3);
    QVERIFY2(r.conflicts.at(0).reason.contains(u"\"d2\" is already in the dataset"_s),
             qPrintable(r.conflicts.at(0).reason));
    QCOMPARE(r.conflicts.at(1).line, 5);
    QVERIFY2(r.conflicts.at(1).reason.contains(u"\"d3\" was used on line 4"_s),
             qPrintable(r.conflicts.at(1).reason));
    QCOMPARE(r.conflicts.at(2).line, 5106);
    QVERIFY2(r.conflicts.at(2).reason.contains(u"\"d4\" was used by an earlier record of this file"_s),
             qPrintable(r.conflicts.at(2).reason));
    for (const ImportIssue &i : r.conflicts) // names the pair_id, never the question or SQL
        QVERIFY(!i.reason.contains(u"changed"_s) && !i.reason.contains(u"FOUR"_s) &&
                !i.reason.contains(u"33"_s));
    QCOMPARE(m_store->getByPairId(u"d2"_s)->naturalLanguageQuery, u"two"_s);
    QCOMPARE(m_store->getByPairId(u"d3"_s)->sqlQuery, u"SELECT 3"_s);
    QCOMPARE(m_store->getByPairId(u"d4"_s)->naturalLanguageQuery, u"four"_s);
}

QTEST_GUILESS_MAIN(TstImporter)
#include "tst_importer.moc"
