// Statistics: every aggregate compared with numbers computed independently (from the JSONL files
// themselves, or by streaming every pair through PairStore::forEach and counting in C++), and the
// scan paths (the dataset's connection, a connection of its own, ts ranges folded in parallel on
// several) against each other.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "privacy/piikind.h"
#include "stats/sqliteaggregate.h"
#include "stats/statistics.h"
#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

int codePoints(const QString &s)
{
    return int(s.toUcs4().size());
}

// The expected numbers, counted pair by pair.
struct Expected
{
    qint64 total = 0, ok = 0, failed = 0;
    QMap<QString, qint64> queryTypes, dbTypes, dbNames, pii;
    QMap<QString, qint64> tables; // lower-cased name -> pairs
    qint64 withPii = 0, review[3] = {0, 0, 0};
    double qlen = 0, slen = 0;
    QMap<QDate, qint64> days;
    QList<double> times;
    QMap<int, qint64> qbins, sbins; // bin index -> pairs
    QString first, last;
};

int binOf(int length)
{
    const QList<int> &edges = lengthBinEdges();
    int bin = 0;
    for (int i = 0; i < edges.size(); ++i) {
        if (length >= edges.at(i))
            bin = i;
    }
    return bin;
}

Expected countPairs(Dataset &ds, const Filter &filter)
{
    Expected e;
    PairStore store(ds);
    store.forEach(filter, {PairStore::SortColumn::Id, Qt::AscendingOrder}, [&](const Pair &p) {
        ++e.total;
        ++(p.success ? e.ok : e.failed);
        ++e.queryTypes[p.queryType];
        ++e.dbTypes[p.databaseType];
        ++e.dbNames[p.databaseName];
        for (PiiKind k : allPiiKinds()) {
            if (p.piiMask & quint32(k))
                ++e.pii[piiKindName(k)];
        }
        if (p.piiMask)
            ++e.withPii;
        ++e.review[int(p.reviewStatus)];
        e.qlen += codePoints(p.naturalLanguageQuery);
        e.slen += codePoints(p.sqlQuery);
        ++e.qbins[binOf(codePoints(p.naturalLanguageQuery))];
        ++e.sbins[binOf(codePoints(p.sqlQuery))];
        const QDateTime ts = parsePairTimestamp(p.timestamp).toUTC();
        ++e.days[ts.date()];
        const QString norm = normalisedTimestamp(ts);
        if (e.first.isEmpty() || norm < e.first)
            e.first = norm;
        if (norm > e.last)
            e.last = norm;
        if (p.executionTimeMs >= 0)
            e.times << p.executionTimeMs;
        QSet<QString> seen;
        for (const QString &t : p.tableNames) {
            if (!seen.contains(t.toLower())) {
                seen.insert(t.toLower());
                ++e.tables[t.toLower()];
            }
        }
        return true;
    });
    std::sort(e.times.begin(), e.times.end());
    return e;
}

double nearestRank(const QList<double> &sorted, double p)
{
    const qsizetype rank = std::max<qsizetype>(1, qsizetype(std::ceil(p * double(sorted.size()))));
    return sorted.at(rank - 1);
}

void compare(const Statistics &s, const Expected &e)
{
    QCOMPARE(s.totalPairs, e.total);
    QCOMPARE(s.successfulPairs, e.ok);
    QCOMPARE(s.failedPairs, e.failed);
    QCOMPARE(s.queryTypes, e.queryTypes);
    QCOMPARE(s.databaseTypes, e.dbTypes);
    QCOMPARE(s.databaseNames, e.dbNames);
    QCOMPARE(s.pairsWithPii, e.withPii);
    for (PiiKind k : allPiiKinds())
        QCOMPARE(s.piiKinds.value(piiKindName(k)), e.pii.value(piiKindName(k)));
    QCOMPARE(s.unreviewedPairs, e.review[0]);
    QCOMPARE(s.approvedPairs, e.review[1]);
    QCOMPARE(s.rejectedPairs, e.review[2]);
    if (e.total) {
        QVERIFY(std::abs(s.avgQuestionLength - e.qlen / double(e.total)) < 1e-9);
        QVERIFY(std::abs(s.avgSqlLength - e.slen / double(e.total)) < 1e-9);
    }
    QCOMPARE(s.firstTimestamp, e.first);
    QCOMPARE(s.lastTimestamp, e.last);
    // Histograms: every bin, empty ones included.
    QCOMPARE(s.questionLengths.size(), lengthBinEdges().size());
    for (int i = 0; i < s.questionLengths.size(); ++i) {
        QCOMPARE(s.questionLengths.at(i).from, lengthBinEdges().at(i));
        QCOMPARE(s.questionLengths.at(i).pairs, e.qbins.value(i));
        QCOMPARE(s.sqlLengths.at(i).pairs, e.sbins.value(i));
    }
    // Timeline: the day counts add up into the buckets, in order, without gaps.
    qint64 timelineTotal = 0;
    for (int i = 0; i < s.timeline.size(); ++i) {
        timelineTotal += s.timeline.at(i).pairs;
        if (i > 0)
            QVERIFY(s.timeline.at(i - 1).start < s.timeline.at(i).start);
    }
    QCOMPARE(timelineTotal, e.total);
    if (!e.days.isEmpty()) {
        QVERIFY(s.timeline.first().start <= e.days.firstKey());
        QVERIFY(s.timeline.last().start <= e.days.lastKey());
        if (s.timelineGranularity == Statistics::Granularity::Day) {
            for (const Statistics::TimeBucket &b : s.timeline)
                QCOMPARE(b.pairs, e.days.value(b.start));
        }
    }
    // Execution times: exact nearest-rank percentiles.
    QCOMPARE(s.executionTime.count, qint64(e.times.size()));
    if (!e.times.isEmpty()) {
        QCOMPARE(s.executionTime.min, e.times.first());
        QCOMPARE(s.executionTime.max, e.times.last());
        QCOMPARE(s.executionTime.p50, nearestRank(e.times, 0.50));
        QCOMPARE(s.executionTime.p90, nearestRank(e.times, 0.90));
        QCOMPARE(s.executionTime.p99, nearestRank(e.times, 0.99));
    }
    // Tables: the distinct count and the most used ones.
    QCOMPARE(s.uniqueTables, qint64(e.tables.size()));
    QCOMPARE(s.topTables.size(), std::min<qsizetype>(Statistics::kTopTables, e.tables.size()));
    qint64 previous = std::numeric_limits<qint64>::max();
    for (const Statistics::Count &t : s.topTables) {
        QCOMPARE(t.count, e.tables.value(t.name.toLower()));
        QVERIFY(t.count <= previous);
        previous = t.count;
    }
    if (!s.topTables.isEmpty()) {
        qint64 maxCount = 0;
        for (qint64 n : e.tables)
            maxCount = std::max(maxCount, n);
        QCOMPARE(s.topTables.first().count, maxCount);
    }
}

// computeStatistics() with its scan on `connections` connections of its own (0: the dataset's).
class ScanConnections
{
public:
    explicit ScanConnections(int connections)
    {
        qputenv("PAIRLENS_STATS_CONNECTIONS", QByteArray::number(connections));
    }
    ~ScanConnections() { qunsetenv("PAIRLENS_STATS_CONNECTIONS"); }
    ScanConnections(const ScanConnections &) = delete;
    ScanConnections &operator=(const ScanConnections &) = delete;
};

QByteArray jsonOf(const Statistics &s)
{
    return QJsonDocument(s.toJson()).toJson();
}

// The connections a scan with `connections` requested should have used: the live pairs of an
// index scan are split over all of them; a filter naming its pairs and the trash use one.
int expectedConnections(const Filter &f, int connections)
{
    if (connections == 0)
        return 0;
    return f.scope == Filter::Scope::Live && !stats::namesPairs(f) ? connections : 1;
}

Pair makePair(const QString &question, const QString &sql, const QString &timestamp)
{
    Pair p;
    p.naturalLanguageQuery = question;
    p.sqlQuery = sql;
    p.timestamp = timestamp;
    p.databaseType = u"postgresql"_s;
    p.databaseName = u"shop"_s;
    p.executionTimeMs = 12.5;
    return p;
}

bool exec(Dataset &ds, const QString &sql)
{
    QSqlQuery q(ds.db());
    if (q.exec(sql))
        return true;
    qWarning("%s", qPrintable(q.lastError().text()));
    return false;
}

} // namespace

class TestStatistics : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sharedDataAgainstJsonl();
    void demoDataAgainstCounting_data();
    void demoDataAgainstCounting();
    void portablePathAgrees();
    void deletedPairs();
    void nothingMatches();
    void jsonKeys();
    void markdown();
    void cancel();
    void scanPathsAgree_data();
    void scanPathsAgree();
    void tableSpellingFollowsTime();
    void unusualTimestamps();
    void smallDatasets();
    void rangeBoundsOnPairs();
    void oneStateUnderWrites();

private:
    QTemporaryDir m_dir;
    QString m_demo;
};

void TestStatistics::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_demo = m_dir.filePath(u"demo.db"_s);
    QVERIFY(test::makeDemoDataset(m_demo, 4000, 7, QDateTime(QDate(2025, 3, 31), QTime(12, 0), Qt::UTC)));
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    // Some curation, so review progress and the trash have something to count.
    QVERIFY(store.setReviewStatus(Filter{.queryTypes = {u"INSERT"_s}}, ReviewStatus::Approved));
    QVERIFY(store.setReviewStatus(Filter{.queryTypes = {u"DELETE"_s}}, ReviewStatus::Rejected));
    Filter drop;
    drop.databaseTypes = {store.distinctValues(u"database_type"_s).value(0)};
    drop.success = Filter::Success::FailedOnly;
    QVERIFY(store.softDelete(drop));
}

void TestStatistics::sharedDataAgainstJsonl()
{
    PAIRLENS_REQUIRE_TEST_DATA(spider, u"spider.jsonl"_s)
    PAIRLENS_REQUIRE_TEST_DATA(sede, u"sede.jsonl"_s)
    PAIRLENS_REQUIRE_TEST_DATA(pg, u"pg_statements.jsonl"_s)
    QString error;
    const QString path = m_dir.filePath(u"shared.db"_s);
    auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    Importer importer(store);
    // Read the files directly: pair count, database names and lengths.
    qint64 lines = 0;
    double qlen = 0, slen = 0;
    QMap<QString, qint64> dbNames;
    for (const QString &file : {spider, sede, pg}) {
        const ImportReport report = importer.importFile(file);
        QVERIFY2(report.fatalError.isEmpty(), qPrintable(report.fatalError));
        const qint64 rejected = report.rejected;
        qint64 skipped = 0;
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            if (line.isEmpty())
                continue;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            QString reason;
            if (!Importer::pairFromRecord(o, "x", &reason)) { // the records the import refused
                ++skipped;
                continue;
            }
            ++lines;
            qlen += codePoints(o.value(u"question"_s).toString());
            slen += codePoints(o.value(u"sql"_s).toString());
            ++dbNames[o.value(u"db_id"_s).toString().trimmed()];
        }
        QCOMPARE(skipped, rejected);
    }
    Statistics s;
    QVERIFY2(computeStatistics(*ds, Filter(), &s, &error), qPrintable(error));
    QCOMPARE(s.totalPairs, lines);
    QCOMPARE(s.databaseNames, dbNames);
    QVERIFY(std::abs(s.avgQuestionLength - qlen / double(lines)) < 1e-9);
    QVERIFY(std::abs(s.avgSqlLength - slen / double(lines)) < 1e-9);
    QCOMPARE(s.successfulPairs, lines); // the public data records no failures
    QCOMPARE(s.executionTime.count, 0); // nor execution times
    QCOMPARE(s.queryTypes.value(u"SELECT"_s) + s.queryTypes.value(u"DECLARE"_s) > lines / 2, true);
    // Everything else against counting pair by pair, unfiltered and for one database.
    compare(s, countPairs(*ds, Filter()));
    Filter one;
    one.databaseNames = {u"billing"_s, u"concert_singer"_s};
    QVERIFY2(computeStatistics(*ds, one, &s, &error), qPrintable(error));
    QVERIFY(dbNames.value(u"billing"_s) > 0 && dbNames.value(u"concert_singer"_s) > 0);
    QCOMPARE(s.totalPairs, dbNames.value(u"billing"_s) + dbNames.value(u"concert_singer"_s));
    compare(s, countPairs(*ds, one));
    // Unique tables against independent SQL over the derived field.
    QSqlQuery q(ds->db());
    QVERIFY(q.exec(u"SELECT count(DISTINCT lower(j.value)) FROM pairs p, json_each(p.table_names) j"_s));
    QVERIFY(q.next());
    QVERIFY2(computeStatistics(*ds, Filter(), &s, &error), qPrintable(error));
    QCOMPARE(s.uniqueTables, q.value(0).toLongLong());
}

void TestStatistics::demoDataAgainstCounting_data()
{
    QTest::addColumn<QJsonObject>("filter");
    QTest::newRow("everything") << QJsonObject();
    QTest::newRow("failed") << QJsonObject{{u"success"_s, u"failed"_s}};
    QTest::newRow("types") << QJsonObject{{u"query_types"_s, QJsonArray{u"SELECT"_s, u"INSERT"_s}}};
    QTest::newRow("dates") << QJsonObject{{u"from"_s, u"2025-02-01"_s}, {u"to"_s, u"2025-02-20"_s}};
    QTest::newRow("pii") << QJsonObject{{u"pii"_s, QJsonArray{u"email"_s, u"phone"_s}}};
    QTest::newRow("any pii") << QJsonObject{{u"pii"_s, QJsonArray{}}};
    QTest::newRow("search") << QJsonObject{{u"search"_s, u"customers"_s}};
    QTest::newRow("review") << QJsonObject{{u"review_statuses"_s, QJsonArray{1, 2}}};
    QTest::newRow("trash") << QJsonObject{{u"scope"_s, u"deleted"_s}};
    QTest::newRow("all scopes") << QJsonObject{{u"scope"_s, u"all"_s}};
}

void TestStatistics::demoDataAgainstCounting()
{
    QFETCH(QJsonObject, filter);
    const Filter f = Filter::fromJson(filter);
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    Statistics s;
    QVERIFY2(computeStatistics(*ds, f, &s, &error), qPrintable(error));
    QVERIFY(s.totalPairs > 0);
    compare(s, countPairs(*ds, f));
    QCOMPARE(s.totalPairs, PairStore(*ds).count(f));
}

// The one-scan SQLite aggregate and the portable GROUP BY queries give the same numbers.
void TestStatistics::portablePathAgrees()
{
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    Filter dates;
    dates.from = QDateTime(QDate(2025, 1, 10), QTime(0, 0), Qt::UTC);
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    for (const Filter &f : {Filter(), dates, failed}) {
        Statistics fast, portable;
        QVERIFY(computeStatistics(*ds, f, &fast, &error));
        qputenv("PAIRLENS_STATS_PORTABLE", "1");
        const bool ok = computeStatistics(*ds, f, &portable, &error);
        qunsetenv("PAIRLENS_STATS_PORTABLE");
        QVERIFY2(ok, qPrintable(error));
        QCOMPARE(QJsonDocument(fast.toJson()).toJson(), QJsonDocument(portable.toJson()).toJson());
    }
}

void TestStatistics::deletedPairs()
{
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    Filter trash;
    trash.scope = Filter::Scope::Deleted;
    const qint64 deleted = store.count(trash);
    QVERIFY(deleted > 0);
    Statistics s;
    QVERIFY(computeStatistics(*ds, Filter(), &s, &error));
    QCOMPARE(s.deletedPairs, deleted);
    // The trash count follows the rest of the filter.
    Filter failedSelects;
    failedSelects.queryTypes = {u"SELECT"_s};
    QVERIFY(computeStatistics(*ds, failedSelects, &s, &error));
    trash.queryTypes = failedSelects.queryTypes;
    QCOMPARE(s.deletedPairs, store.count(trash));
}

void TestStatistics::nothingMatches()
{
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    Filter none;
    none.search = u"zzzznothingmatchesthis"_s;
    Statistics s;
    QVERIFY2(computeStatistics(*ds, none, &s, &error), qPrintable(error));
    QCOMPARE(s.totalPairs, 0);
    QVERIFY(s.timeline.isEmpty());
    QVERIFY(s.topTables.isEmpty());
    QCOMPARE(s.executionTime.count, 0);
    QVERIFY(s.firstTimestamp.isEmpty());
    const QJsonObject json = s.toJson();
    QVERIFY(json.value(u"date_range"_s).toObject().value(u"start"_s).isNull());
    QVERIFY(json.value(u"execution_time_ms"_s).toObject().value(u"p50"_s).isNull());
}

void TestStatistics::jsonKeys()
{
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    Statistics s;
    QVERIFY(computeStatistics(*ds, Filter(), &s, &error));
    const QJsonObject o = s.toJson();
    for (const char *key :
         {"total_pairs", "successful_pairs", "failed_pairs", "unique_tables", "database_types",
          "avg_query_length", "avg_sql_length", "date_range", "query_type_distribution", "deleted_pairs",
          "database_names", "top_tables", "timeline", "question_length_histogram", "sql_length_histogram",
          "execution_time_ms", "pii", "review_status"})
        QVERIFY2(o.contains(QLatin1String(key)), key);
    QCOMPARE(o.value(u"total_pairs"_s).toInteger(), s.totalPairs);
    QCOMPARE(o.value(u"query_type_distribution"_s).toObject().value(u"SELECT"_s).toInteger(),
             s.queryTypes.value(u"SELECT"_s));
    QCOMPARE(o.value(u"date_range"_s).toObject().value(u"start"_s).toString(), s.firstTimestamp);
    const QJsonObject times = o.value(u"execution_time_ms"_s).toObject();
    QCOMPARE(times.value(u"count"_s).toInteger(), s.executionTime.count);
    QCOMPARE(times.value(u"p90"_s).toDouble(), std::round(s.executionTime.p90 * 100) / 100);
    QCOMPARE(o.value(u"review_status"_s).toObject().value(u"approved"_s).toInteger(), s.approvedPairs);
    QCOMPARE(o.value(u"pii"_s).toObject().value(u"kinds"_s).toObject().value(u"email"_s).toInteger(),
             s.piiKinds.value(u"email"_s));
    const QJsonObject timeline = o.value(u"timeline"_s).toObject();
    QCOMPARE(timeline.value(u"granularity"_s).toString(), granularityName(s.timelineGranularity));
    QCOMPARE(timeline.value(u"buckets"_s).toArray().size(), s.timeline.size());
    const QJsonArray bins = o.value(u"sql_length_histogram"_s).toArray();
    QCOMPARE(bins.size(), lengthBinEdges().size());
    QVERIFY(bins.last().toObject().value(u"to"_s).isNull());
    QCOMPARE(o.value(u"top_tables"_s).toArray().first().toObject().value(u"pairs"_s).toInteger(),
             s.topTables.first().count);
}

void TestStatistics::markdown()
{
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    Statistics s;
    QVERIFY(computeStatistics(*ds, Filter(), &s, &error));
    const QString md = s.toMarkdown(u"Demo"_s);
    QVERIFY(md.startsWith(u"# Demo"_s));
    QVERIFY(md.contains(u"| Pairs | %1 |"_s.arg(s.totalPairs)));
    QVERIFY(md.contains(u"| SELECT | %1 |"_s.arg(s.queryTypes.value(u"SELECT"_s))));
    QVERIFY(md.contains(u"## Top tables"_s));
}

void TestStatistics::cancel()
{
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    std::atomic_bool stop(true);
    Statistics s;
    QVERIFY(!computeStatistics(*ds, Filter(), &s, &error, Progress({}, &stop)));
    QVERIFY(!error.isEmpty());
    int reports = 0;
    QVERIFY(computeStatistics(*ds, Filter(), &s, &error,
                              Progress([&](qint64, qint64, const QString &) { ++reports; })));
    QVERIFY(reports >= 2);
}

void TestStatistics::scanPathsAgree_data()
{
    QTest::addColumn<QJsonObject>("filter");
    QTest::addColumn<int>("selection"); // > 0: restrict to that many row ids, newest first
    QTest::newRow("everything") << QJsonObject() << 0;
    QTest::newRow("failed") << QJsonObject{{u"success"_s, u"failed"_s}} << 0;
    QTest::newRow("types") << QJsonObject{{u"query_types"_s, QJsonArray{u"SELECT"_s, u"INSERT"_s}}} << 0;
    QTest::newRow("dates") << QJsonObject{{u"from"_s, u"2025-02-01"_s}, {u"to"_s, u"2025-02-20"_s}} << 0;
    QTest::newRow("from") << QJsonObject{{u"from"_s, u"2025-03-01"_s}} << 0;
    QTest::newRow("to") << QJsonObject{{u"to"_s, u"2025-01-15"_s}} << 0;
    QTest::newRow("pii") << QJsonObject{{u"pii"_s, QJsonArray{u"email"_s, u"phone"_s}}} << 0;
    QTest::newRow("search") << QJsonObject{{u"search"_s, u"customers"_s}} << 0;
    QTest::newRow("search and dates")
        << QJsonObject{{u"search"_s, u"orders"_s}, {u"from"_s, u"2025-02-01"_s}} << 0;
    QTest::newRow("review") << QJsonObject{{u"review_statuses"_s, QJsonArray{1, 2}}} << 0;
    QTest::newRow("trash") << QJsonObject{{u"scope"_s, u"deleted"_s}} << 0;
    QTest::newRow("all scopes") << QJsonObject{{u"scope"_s, u"all"_s}} << 0;
    QTest::newRow("selection") << QJsonObject() << 700;
    QTest::newRow("nothing in range") << QJsonObject{{u"from"_s, u"2030-01-01"_s}} << 0;
}

// Every way of scanning gives the same numbers, and the numbers of counting pair by pair: on the
// dataset's connection, on a connection of its own, and split into ts ranges over 2 and 4
// connections (the demo dataset has trashed and reviewed pairs).
void TestStatistics::scanPathsAgree()
{
    QFETCH(QJsonObject, filter);
    QFETCH(int, selection);
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    Filter f = Filter::fromJson(filter);
    if (selection > 0) {
        f.rowIds = PairStore(*ds).rowIds(Filter(), {}, selection);
        QCOMPARE(f.rowIds.size(), selection);
    }
    const Expected expected = countPairs(*ds, f);
    QByteArray reference;
    for (int connections : {0, 1, 2, 4}) {
        const ScanConnections scan(connections);
        for (int run = 0; run < 3; ++run) { // the threads take the ranges in another order each time
            Statistics s;
            QVERIFY2(computeStatistics(*ds, f, &s, &error), qPrintable(error));
            const stats::ScanReport report = stats::lastScan();
            if (expected.total > 1) {
                QCOMPARE(report.connections, expectedConnections(f, connections));
                if (report.connections > 1)
                    QVERIFY(report.statements > report.connections);
            } else {
                QCOMPARE(report.connections, std::min(connections, 1)); // nothing to split
            }
            compare(s, expected);
            QCOMPARE(s.deletedPairs, PairStore(*ds).count([&] {
                Filter trash = f;
                trash.scope = Filter::Scope::Deleted;
                return trash;
            }()));
            QVERIFY(report.percentiles); // the scan's own values, well under the limit
            const QByteArray json = jsonOf(s);
            if (reference.isEmpty())
                reference = json;
            QCOMPARE(json, reference);
        }
    }
    // Past the limit of execution times a scan keeps, the percentiles come from ORDER BY + OFFSET,
    // the same values.
    if (expected.times.size() > 10) {
        qputenv("PAIRLENS_STATS_TIME_LIMIT", "10");
        const auto unset = qScopeGuard([] { qunsetenv("PAIRLENS_STATS_TIME_LIMIT"); });
        for (int connections : {0, 2}) {
            const ScanConnections scan(connections);
            Statistics s;
            QVERIFY2(computeStatistics(*ds, f, &s, &error), qPrintable(error));
            QVERIFY(!stats::lastScan().percentiles);
            compare(s, expected);
            QCOMPARE(jsonOf(s), reference);
        }
    }
}

// A table counts under the spelling of its first pair by time, whichever thread scanned that pair
// and in whatever order the pairs were read.
void TestStatistics::tableSpellingFollowsTime()
{
    const QString path = m_dir.filePath(u"spelling.db"_s);
    QVERIFY(test::makeDemoDataset(path, 3000, 11, QDateTime(QDate(2025, 6, 30), QTime(12, 0), Qt::UTC)));
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    // Before and after every demo pair (the demo spans the 180 days up to its end).
    // Read in row-id order, the same tables text as the first pair comes late first.
    const PairStore::AddResult added = store.add({
        makePair(u"customers again"_s, u"SELECT id FROM Customers"_s, u"2025-08-25T10:00:00Z"_s),
        makePair(u"late customers"_s, u"SELECT * FROM cUSTOMERS"_s, u"2025-08-20T10:00:00Z"_s),
        makePair(u"zeta, later"_s, u"SELECT * FROM ZETA_LOG"_s, u"2025-08-02T10:00:00Z"_s),
        makePair(u"zeta"_s, u"SELECT * FROM Zeta_Log"_s, u"2025-08-01T10:00:00Z"_s),
        makePair(u"customers, next"_s, u"SELECT * FROM CUSTOMERS WHERE id = 1"_s, u"2024-10-02T10:00:00Z"_s),
        makePair(u"first customers"_s, u"SELECT name FROM Customers"_s, u"2024-10-01T10:00:00Z"_s),
    });
    QCOMPARE(added.added, 6);
    Filter zetaOnly;
    zetaOnly.search = u"zeta"_s;
    Filter byTime;
    byTime.to = QDateTime(QDate(2025, 12, 31), QTime(0, 0), Qt::UTC);
    Filter late; // only the pairs added after the demo
    late.from = QDateTime(QDate(2025, 7, 31), QTime(0, 0), Qt::UTC);
    Filter newestFirst; // a selection, read in row-id order: the newest rows were added first
    newestFirst.rowIds = store.rowIds(Filter(), {PairStore::SortColumn::Timestamp, Qt::DescendingOrder});
    const QList<std::pair<Filter, QStringList>> cases = {
        {Filter(), {u"Customers"_s}},
        {byTime, {u"Customers"_s}},
        {newestFirst, {u"Customers"_s}},
        {zetaOnly, {u"Zeta_Log"_s}},
        {late, {u"Zeta_Log"_s, u"cUSTOMERS"_s}},
    };
    for (const auto &[f, spellings] : cases) {
        for (int connections : {0, 1, 2, 4}) {
            const ScanConnections scan(connections);
            for (int run = 0; run < 6; ++run) { // the threads take the ranges in another order each time
                Statistics s;
                QVERIFY2(computeStatistics(*ds, f, &s, &error), qPrintable(error));
                QStringList names;
                for (const Statistics::Count &t : s.topTables)
                    names << t.name;
                for (const QString &expected : spellings) {
                    QVERIFY2(names.contains(expected), qPrintable(expected + u": "_s + names.join(u", "_s)));
                    for (const QString &name : names) // one entry per table, whatever the spelling
                        QVERIFY(name == expected || name.compare(expected, Qt::CaseInsensitive) != 0);
                }
            }
        }
    }
}

// Pairs without ts (written by another program), with an empty one and with one that is not a
// timestamp: every path agrees, the date range skips the empty one and the ranges still cover
// every pair.
void TestStatistics::unusualTimestamps()
{
    const QString path = m_dir.filePath(u"timestamps.db"_s);
    QVERIFY(test::makeDemoDataset(path, 1500, 5, QDateTime(QDate(2025, 5, 31), QTime(12, 0), Qt::UTC)));
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    QVERIFY(exec(*ds, u"UPDATE pairs SET ts = NULL WHERE id % 50 = 0"_s));
    QVERIFY(exec(*ds, u"UPDATE pairs SET ts = '' WHERE id % 97 = 0"_s));
    QVERIFY(
        exec(*ds, u"UPDATE pairs SET deleted = 1, deleted_at = ts, delete_batch = 99 WHERE id % 31 = 0"_s));
    auto check = [&](bool splittable) {
        QSqlQuery q(ds->db());
        QVERIFY(q.exec(u"SELECT count(*), min(CASE WHEN ts <> '' THEN ts END), max(ts), "
                       "sum(ts IS NULL OR substr(ts, 1, 10) NOT GLOB '[0-9][0-9][0-9][0-9]-*') "
                       "FROM pairs WHERE deleted = 0"_s) &&
                q.next());
        const qint64 total = q.value(0).toLongLong();
        const QString first = q.value(1).toString(), last = q.value(2).toString();
        const qint64 withoutDay = q.value(3).toLongLong();
        q.finish();
        QVERIFY(withoutDay > 0);
        QByteArray reference;
        for (int connections : {0, 1, 2, 4}) {
            const ScanConnections scan(connections);
            Statistics s;
            QVERIFY2(computeStatistics(*ds, Filter(), &s, &error), qPrintable(error));
            QCOMPARE(stats::lastScan().connections, splittable ? connections : std::min(connections, 1));
            if (splittable && connections > 1)
                QVERIFY(stats::lastScan().statements > 10);
            QCOMPARE(s.totalPairs, total);
            QCOMPARE(s.firstTimestamp, first);
            QCOMPARE(s.lastTimestamp, last);
            qint64 inTimeline = 0;
            for (const Statistics::TimeBucket &b : s.timeline)
                inTimeline += b.pairs;
            QCOMPARE(inTimeline, total - withoutDay);
            QCOMPARE(s.queryTypes.value(u"SELECT"_s) + s.queryTypes.value(u"INSERT"_s) +
                             s.queryTypes.value(u"UPDATE"_s) + s.queryTypes.value(u"DELETE"_s) >
                         0,
                     true);
            const QByteArray json = jsonOf(s);
            if (reference.isEmpty())
                reference = json;
            QCOMPARE(json, reference);
        }
        // The portable GROUP BY queries agree (their date range counts the empty ts, ours not).
        qputenv("PAIRLENS_STATS_PORTABLE", "1");
        Statistics portable;
        const bool ok = computeStatistics(*ds, Filter(), &portable, &error);
        qunsetenv("PAIRLENS_STATS_PORTABLE");
        QVERIFY2(ok, qPrintable(error));
        QJsonObject fast = QJsonDocument::fromJson(reference).object(), slow = portable.toJson();
        fast.remove(u"date_range"_s);
        slow.remove(u"date_range"_s);
        QCOMPARE(fast, slow);
    };
    check(true);
    // A ts that is no timestamp sorts after every real one: the range can't be split in time.
    QVERIFY(exec(
        *ds,
        u"UPDATE pairs SET ts = 'yesterday' WHERE id = (SELECT max(id) FROM pairs WHERE deleted = 0)"_s));
    check(false);
}

// No pairs, one pair and three pairs, on every path.
void TestStatistics::smallDatasets()
{
    for (int pairs : {0, 1, 3}) {
        const QString path = m_dir.filePath(u"small%1.db"_s.arg(pairs));
        QVERIFY(test::makeDemoDataset(path, pairs, 3, QDateTime(QDate(2025, 1, 31), QTime(12, 0), Qt::UTC)));
        QString error;
        auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
        QVERIFY2(ds, qPrintable(error));
        const Expected expected = countPairs(*ds, Filter());
        QCOMPARE(expected.total, pairs);
        QByteArray reference;
        for (int connections : {0, 1, 2}) {
            const ScanConnections scan(connections);
            Statistics s;
            QVERIFY2(computeStatistics(*ds, Filter(), &s, &error), qPrintable(error));
            QCOMPARE(stats::lastScan().connections, pairs > 1 ? connections : std::min(connections, 1));
            if (pairs)
                compare(s, expected);
            else
                QCOMPARE(s.totalPairs, 0);
            const QByteArray json = jsonOf(s);
            if (reference.isEmpty())
                reference = json;
            QCOMPARE(json, reference);
        }
    }
}

// Pairs at whole days over 16 days: the ts ranges of a parallel scan begin exactly at pairs, which
// must be counted once.
void TestStatistics::rangeBoundsOnPairs()
{
    const QString path = m_dir.filePath(u"days.db"_s);
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(ds, qPrintable(error));
    QList<Pair> pairs;
    const QStringList sql = {u"SELECT * FROM a"_s, u"INSERT INTO b VALUES (1)"_s, u"DELETE FROM c"_s};
    for (int day = 0; day <= 16; ++day) {
        for (int i = 0; i < 30; ++i) {
            Pair p = makePair(u"question %1 %2"_s.arg(day).arg(i), sql.at(i % sql.size()),
                              QDate(2025, 1, 1).addDays(day).toString(Qt::ISODate) + u"T00:00:00Z"_s);
            p.success = i % 4 != 0;
            p.executionTimeMs = i % 5 == 0 ? -1 : day * 10.0 + i;
            pairs << p;
        }
    }
    QCOMPARE(PairStore(*ds).add(pairs).added, pairs.size());
    const Expected expected = countPairs(*ds, Filter());
    QByteArray reference;
    for (int connections : {0, 2, 3}) {
        const ScanConnections scan(connections);
        Statistics s;
        QVERIFY2(computeStatistics(*ds, Filter(), &s, &error), qPrintable(error));
        QCOMPARE(stats::lastScan().connections, connections);
        if (connections)
            QCOMPARE(stats::lastScan().statements, 17); // the pairs without ts, then 16 days
        compare(s, expected);
        const QByteArray json = jsonOf(s);
        if (reference.isEmpty())
            reference = json;
        QCOMPARE(json, reference);
    }
}

// While another connection keeps adding pairs (200 per transaction, spread over the whole time
// range), every result describes one committed state: all of a batch or none of it, in every
// number, although several connections scan different ranges.
void TestStatistics::oneStateUnderWrites()
{
    const QString path = m_dir.filePath(u"writes.db"_s);
    const QDateTime end(QDate(2025, 6, 30), QTime(12, 0), Qt::UTC);
    QVERIFY(test::makeDemoDataset(path, 1000, 21, end));
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    constexpr int kBatch = 200, kBatches = 15;
    std::atomic_bool reading(false), done(false), writerOk(true);
    std::thread writer([&] {
        while (!reading) // write while the statistics are being computed
            std::this_thread::yield();
        QString e;
        auto other = Dataset::open(path, Dataset::Mode::OpenExisting, &e);
        if (!other) {
            writerOk = false;
        } else {
            PairStore store(*other);
            for (int i = 0; i < kBatches; ++i) {
                if (store
                        .add(DemoGenerator(1000 + quint64(i), end).generate(kBatch),
                             PairStore::AddMode::OneTransaction)
                        .added != kBatch)
                    writerOk = false;
            }
        }
        done = true;
    });
    const ScanConnections scan(2);
    auto checkOne = [&] {
        Statistics s;
        reading = true;
        QVERIFY2(computeStatistics(*ds, Filter(), &s, &error), qPrintable(error));
        QCOMPARE((s.totalPairs - 1000) % kBatch, 0);
        QCOMPARE(s.successfulPairs + s.failedPairs, s.totalPairs);
        qint64 sum = 0;
        for (qint64 n : std::as_const(s.queryTypes))
            sum += n;
        QCOMPARE(sum, s.totalPairs);
        sum = 0;
        for (const Statistics::TimeBucket &b : s.timeline)
            sum += b.pairs;
        QCOMPARE(sum, s.totalPairs);
        QCOMPARE(s.unreviewedPairs, s.totalPairs);
    };
    while (!done) {
        checkOne();
        if (QTest::currentTestFailed())
            break;
    }
    writer.join();
    QVERIFY(writerOk);
    checkOne();
    QCOMPARE(stats::lastScan().connections, 2);
    Statistics s;
    QVERIFY(computeStatistics(*ds, Filter(), &s, &error));
    QCOMPARE(s.totalPairs, 1000 + kBatch * kBatches);
}

QTEST_GUILESS_MAIN(TestStatistics)
#include "tst_statistics.moc"
