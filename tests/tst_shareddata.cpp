// Imports the whole of tests/data (real public NL->SQL pairs, subsets of ../shared/data) and checks
// counts, statement types and table names against facts read from the files themselves.
#include "dataset/dataset.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "stats/statistics.h"
#include "testutil.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

// Reads a JSONL file independently of the importer: the number of records and of those with a
// non-blank question.
struct FileFacts
{
    qint64 records = 0;
    qint64 usable = 0;
    QList<qint64> blankQuestionLines;
};

FileFacts readFacts(const QString &path)
{
    FileFacts f;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return f;
    qint64 line = 0;
    while (!file.atEnd()) {
        const QByteArray l = file.readLine();
        ++line;
        if (l.trimmed().isEmpty())
            continue;
        ++f.records;
        const QJsonObject o = QJsonDocument::fromJson(l).object();
        if (o.value(u"question"_s).toString().trimmed().isEmpty())
            f.blankQuestionLines << line;
        else
            ++f.usable;
    }
    return f;
}

} // namespace

class TstSharedData : public QObject
{
    Q_OBJECT
private slots:
    void importsEveryFile_data();
    void importsEveryFile();
    void wholeCollectionInOneDataset();
};

void TstSharedData::importsEveryFile_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("expectedRecords");
    QTest::addColumn<bool>("selectOnly");
    // Record counts as stated in tests/data/README.md, counted there with `grep -c . FILE` and by
    // `python3 tests/data/make-subsets.py --count` (`make-pg-statements.py --count` for pg_statements).
    QTest::newRow("spider") << u"spider.jsonl"_s << qint64(1005) << true;
    QTest::newRow("bird_dev") << u"bird_dev.jsonl"_s << qint64(307) << true;
    QTest::newRow("text2sql_data") << u"text2sql_data.jsonl"_s << qint64(549) << true;
    QTest::newRow("sede") << u"sede.jsonl"_s << qint64(179) << false;
    QTest::newRow("pg_statements") << u"pg_statements.jsonl"_s << qint64(150) << false;
}

void TstSharedData::importsEveryFile()
{
    QFETCH(QString, file);
    QFETCH(qint64, expectedRecords);
    QFETCH(bool, selectOnly);
    PAIRLENS_REQUIRE_TEST_DATA(path, file)
    const FileFacts facts = readFacts(path);
    QCOMPARE(facts.records, expectedRecords);

    QTemporaryDir dir;
    QString error;
    auto ds = Dataset::open(dir.filePath(u"shared.db"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    Importer importer(store);
    const ImportReport r = importer.importFile(path);
    QVERIFY2(r.fatalError.isEmpty(), qPrintable(r.fatalError));
    QCOMPARE(r.records, facts.records);
    QCOMPARE(r.added, facts.usable);
    QCOMPARE(r.rejected, qint64(facts.blankQuestionLines.size()));
    QList<qint64> rejectedLines;
    for (const ImportIssue &i : r.issues)
        rejectedLines << i.line;
    QCOMPARE(rejectedLines, facts.blankQuestionLines); // reported on the right lines

    Statistics s;
    QVERIFY2(computeStatistics(*ds, {}, &s, &error), qPrintable(error));
    QCOMPARE(s.totalPairs, facts.usable);
    QVERIFY(s.uniqueTables > 0);
    QVERIFY(!s.queryTypes.contains(QString())); // every pair has a statement
    if (selectOnly) {
        QCOMPARE(s.queryTypes.value(u"SELECT"_s), facts.usable);
        // Every SELECT of these corpora reads at least one table.
        QSqlQuery q(ds->db());
        QVERIFY(q.exec(u"SELECT count(*) FROM pairs WHERE table_names = '[]'"_s) && q.next());
        QCOMPARE(q.value(0).toLongLong(), 0);
    } else if (file == u"pg_statements.jsonl"_s) {
        // The PostgreSQL pairs have DML and DDL as well as queries.
        for (const QString &t :
             {u"SELECT"_s, u"INSERT"_s, u"UPDATE"_s, u"DELETE"_s, u"CREATE"_s, u"ALTER"_s, u"DROP"_s})
            QVERIFY2(s.queryTypes.value(t) > 0, qPrintable(t));
    } else {
        QVERIFY(s.queryTypes.value(u"SELECT"_s) > facts.usable * 95 / 100);
    }
}

void TstSharedData::wholeCollectionInOneDataset()
{
    QTemporaryDir dir;
    QString error;
    auto ds = Dataset::open(dir.filePath(u"all.db"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY(ds);
    PairStore store(*ds);
    Importer importer(store);
    qint64 expected = 0;
    for (const QString &f : {u"spider.jsonl"_s, u"bird_dev.jsonl"_s, u"text2sql_data.jsonl"_s,
                             u"sede.jsonl"_s, u"pg_statements.jsonl"_s}) {
        PAIRLENS_REQUIRE_TEST_DATA(path, f)
        expected += readFacts(path).usable;
        QVERIFY(importer.importFile(path).fatalError.isEmpty());
    }
    QCOMPARE(store.count({}), expected);
    // Re-importing everything adds nothing.
    qint64 added = 0;
    for (const QString &f : {u"spider.jsonl"_s, u"sede.jsonl"_s}) {
        PAIRLENS_REQUIRE_TEST_DATA(path, f)
        added += importer.importFile(path).added;
    }
    QCOMPARE(added, 0);
    QCOMPARE(store.count({}), expected);
    // Filters by database name (db_id) and text search work on real data.
    Filter byDb;
    byDb.databaseNames = {u"department_management"_s};
    QVERIFY(store.count(byDb) > 0);
    Filter search;
    search.search = u"department"_s;
    QVERIFY(store.count(search) >= store.count(byDb) / 2);
}

QTEST_GUILESS_MAIN(TstSharedData)
#include "tst_shareddata.moc"
