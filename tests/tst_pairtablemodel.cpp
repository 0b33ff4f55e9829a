// The pairs table model over a real dataset file: checked by QAbstractItemModelTester while it
// loads pages on the worker, filters, sorts, previews and refreshes; stale results are dropped.
#include "datasetsession.h"
#include "guitestutil.h"
#include "pairtablemodel.h"
#include "privacy/anonymizer.h"
#include "sql/tokenizer.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstPairTableModel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void modelTester_data();
    void modelTester();
    void firstPageComesBeforeTheCount();
    void shortFirstPageIsTheCount();
    void staleFiltersAreDropped();
    void cacheStaysBounded();
    void previewAnonymizes();
    void selectionResolvesRanges();

private:
    void loadAll(PairTableModel &model);
    qint64 expectedCount(const Filter &filter);

    QTemporaryDir m_dir;
    QString m_path;
};

void TstPairTableModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    test::isolateSettings(m_dir);
    m_path = m_dir.filePath(u"pairs.pairlens"_s);
    QVERIFY(test::makeDemoDataset(m_path, 1200));
}

qint64 TstPairTableModel::expectedCount(const Filter &filter)
{
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    return PairStore(*ds).count(filter);
}

void TstPairTableModel::loadAll(PairTableModel &model)
{
    for (int row = 0; row < model.rowCount(); row += PairTableModel::kPageSize) {
        model.data(model.index(row, PairTableModel::Question), Qt::DisplayRole);
        QTRY_VERIFY(model.pairAt(row));
    }
}

void TstPairTableModel::modelTester_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<int>("scope");
    QTest::addColumn<int>("sortColumn");
    QTest::addColumn<bool>("byIds"); // pages looked up through the id list instead of OFFSET
    QTest::newRow("all, newest first") << QString() << int(Filter::Scope::Live) << -1 << false;
    QTest::newRow("all, by ids") << QString() << int(Filter::Scope::Live) << -1 << true;
    QTest::newRow("search") << u"customers"_s << int(Filter::Scope::Live) << -1 << false;
    QTest::newRow("search, by ids") << u"customers"_s << int(Filter::Scope::Live) << -1 << true;
    QTest::newRow("by time") << QString() << int(Filter::Scope::Live) << int(PairTableModel::Time) << false;
    QTest::newRow("by time, by ids") << QString() << int(Filter::Scope::Live) << int(PairTableModel::Time)
                                     << true;
    QTest::newRow("search, by time") << u"ord"_s << int(Filter::Scope::Live) << int(PairTableModel::Time)
                                     << false;
    QTest::newRow("search, by time, by ids")
        << u"ord"_s << int(Filter::Scope::Live) << int(PairTableModel::Time) << true;
    QTest::newRow("search, by question")
        << u"customers"_s << int(Filter::Scope::Live) << int(PairTableModel::Question) << false;
    QTest::newRow("by PII") << QString() << int(Filter::Scope::Live) << int(PairTableModel::Pii) << false;
    QTest::newRow("empty trash") << QString() << int(Filter::Scope::Deleted) << -1 << true;
    QTest::newRow("no match") << u"zzzxqj"_s << int(Filter::Scope::Live) << -1 << false;
}

void TstPairTableModel::modelTester()
{
    QFETCH(QString, search);
    QFETCH(int, scope);
    QFETCH(int, sortColumn);
    QFETCH(bool, byIds);
    DatasetSession session;
    if (byIds)
        session.setDirectOffsetLimit(0);
    PairTableModel model(&session, Filter::Scope(scope));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy opened(&session, &DatasetSession::opened);
    session.open(m_path);
    QTRY_COMPARE(opened.size(), 1);
    QTRY_VERIFY(model.isCounted());
    QCOMPARE(model.rowCount(), scope == int(Filter::Scope::Live) ? 1200 : 0);

    Filter filter;
    filter.search = search;
    // The rows of the previous filter stay (and load no pages) until the new filter's rows arrive;
    // its count says they are all there.
    QSignalSpy counted(&model, &PairTableModel::countChanged);
    model.setFilter(filter);
    if (sortColumn >= 0)
        model.sort(sortColumn, Qt::AscendingOrder);
    filter.scope = Filter::Scope(scope);
    const qint64 expected = expectedCount(filter);
    QTRY_VERIFY(!counted.isEmpty());
    QVERIFY(model.isCounted());
    QCOMPARE(qint64(model.rowCount()), expected);
    loadAll(model);
    for (int row = 0; row < model.rowCount(); ++row)
        QVERIFY(model.pairAt(row));
    // Whichever way the pages were read, the rows are those of the store's own paging, in order.
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        const QList<qint64> ids = PairStore(*ds).rowIds(filter, model.currentSort());
        QCOMPARE(ids.size(), qsizetype(model.rowCount()));
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.pairAt(row)->rowId, ids.at(row));
    }
    if (expected > 0) {
        QVERIFY(!model.data(model.index(0, PairTableModel::Question), Qt::DisplayRole).toString().isEmpty());
        QVERIFY(model.data(model.index(0, 0), PairTableModel::RowIdRole).toLongLong() > 0);
    }
    model.setPreview(true);
    model.refresh();
    QTRY_COMPARE(qint64(model.rowCount()), expected);
    loadAll(model);
    session.close();
    QCOMPARE(model.rowCount(), 0);
}

// A new filter's first page is shown as soon as it arrives, before its count; the count then
// adds the rows below it without resetting the view.
void TstPairTableModel::firstPageComesBeforeTheCount()
{
    DatasetSession session;
    PairTableModel model(&session);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    session.open(m_path);
    QTRY_VERIFY(model.isCounted());
    QCOMPARE(model.rowCount(), 1200);

    struct Shown
    {
        int rows = 0;
        bool counted = false;
        qint64 firstRowId = 0;
    };
    QList<Shown> resets;
    connect(&model, &QAbstractItemModel::modelReset, this, [&] {
        resets.append({model.rowCount(), model.isCounted(), model.pairAt(0) ? model.pairAt(0)->rowId : 0});
    });
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy counted(&model, &PairTableModel::countChanged);
    Filter f;
    f.search = u"ord"_s;
    const qint64 expected = expectedCount(f);
    QVERIFY(expected > PairTableModel::kPageSize);
    QVERIFY(model.isCurrent());
    model.setFilter(f);
    QCOMPARE(model.rowCount(), 1200); // the old rows stay until the new ones arrive
    QVERIFY(model.isCounted());       // ... and so does their count,
    QVERIFY(!model.isCurrent());      // which is not the new filter's
    QTRY_COMPARE(counted.size(), 1);
    QVERIFY(model.isCounted());
    QVERIFY(model.isCurrent());
    QCOMPARE(qint64(model.rowCount()), expected);

    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    const QList<qint64> ids = PairStore(*ds).rowIds(f, model.currentSort());
    QCOMPARE(resets.size(), 1);
    QCOMPARE(resets.first().rows, PairTableModel::kPageSize);
    QVERIFY(!resets.first().counted);
    QCOMPARE(resets.first().firstRowId, ids.first());
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), PairTableModel::kPageSize);
    QCOMPARE(qint64(inserted.first().at(2).toInt()), expected - 1);
    loadAll(model);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.pairAt(row)->rowId, ids.at(row));

    // A new sort shows its first page the same way.
    resets.clear();
    model.sort(PairTableModel::Time, Qt::DescendingOrder);
    QVERIFY(!model.isCurrent());
    QTRY_COMPARE(counted.size(), 2);
    QVERIFY(model.isCurrent());
    QCOMPARE(resets.size(), 1);
    QCOMPARE(resets.first().rows, PairTableModel::kPageSize);
    QCOMPARE(qint64(model.rowCount()), expected);
    QCOMPARE(model.pairAt(0)->rowId, PairStore(*ds).rowIds(f, model.currentSort(), 1).first());
}

// A first page shorter than a page is the whole result: the model is counted at once.
void TstPairTableModel::shortFirstPageIsTheCount()
{
    DatasetSession session;
    PairTableModel model(&session);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    session.open(m_path);
    QTRY_VERIFY(model.isCounted());
    QList<QPair<int, bool>> resets;
    connect(&model, &QAbstractItemModel::modelReset, this, [&] {
        resets.append({model.rowCount(), model.isCounted()});
    });
    QSignalSpy counted(&model, &PairTableModel::countChanged);
    Filter f;
    f.search = u"ord"_s;
    f.success = Filter::Success::FailedOnly;
    f.databaseTypes = {u"mysql"_s};
    const qint64 expected = expectedCount(f);
    QVERIFY(expected > 0 && expected < PairTableModel::kPageSize);
    model.setFilter(f);
    QTRY_COMPARE(resets.size(), 1);
    QCOMPARE(resets.first(), qMakePair(int(expected), true));
    QCOMPARE(counted.size(), 1);
    QCOMPARE(counted.first().first().toLongLong(), expected);
    // Nothing changes when the worker answers the count that follows (the worker answers in order:
    // once a later request is answered, so is the count).
    QSignalSpy choices(session.worker(), &DatasetWorker::choicesLoaded);
    session.requestChoices();
    QTRY_COMPARE(choices.size(), 1);
    QCOMPARE(counted.size(), 1);
    QCOMPARE(resets.size(), 1);
    QCOMPARE(qint64(model.rowCount()), expected);

    f.search = u"zzzxqj"_s; // nothing at all
    model.setFilter(f);
    QTRY_COMPARE(resets.size(), 2);
    QCOMPARE(resets.last(), qMakePair(0, true));
    QCOMPARE(model.rowCount(), 0);
}

void TstPairTableModel::staleFiltersAreDropped()
{
    DatasetSession session;
    PairTableModel model(&session);
    session.open(m_path);
    QTRY_VERIFY(model.isCounted());
    Filter a;
    a.search = u"customers"_s;
    Filter b;
    b.success = Filter::Success::FailedOnly;
    model.setFilter(a);
    model.setFilter(b); // before the first answer: only b's count and pages may show
    QTRY_COMPARE(qint64(model.rowCount()), expectedCount(b));
    loadAll(model);
    for (int row = 0; row < model.rowCount(); ++row)
        QVERIFY2(!model.pairAt(row)->success, "a row of the earlier filter leaked in");
}

void TstPairTableModel::cacheStaysBounded()
{
    DatasetSession session;
    PairTableModel model(&session);
    session.open(m_path);
    QTRY_COMPARE(model.rowCount(), 1200);
    QSignalSpy pages(&model, &PairTableModel::pageArrived);
    // Walk top to bottom, as scrolling does: at most kCachePages pages stay in memory.
    for (int row = 0; row < model.rowCount(); row += PairTableModel::kPageSize) {
        model.data(model.index(row, 0), Qt::DisplayRole);
        QTRY_VERIFY(model.pairAt(row));
    }
    QVERIFY(model.cachedPageCount() <= PairTableModel::kCachePages);
    QVERIFY(model.pairAt(1199));
}

void TstPairTableModel::previewAnonymizes()
{
    DatasetSession session;
    PairTableModel model(&session);
    Filter f;
    f.piiRequired = true;
    f.piiKinds = quint32(PiiKind::Email);
    model.setFilter(f);
    session.open(m_path);
    QTRY_VERIFY(model.isCounted());
    QVERIFY(model.rowCount() > 0);
    model.data(model.index(0, 0), Qt::DisplayRole);
    QTRY_VERIFY(model.pairAt(0));
    // A pair whose question holds the e-mail address (in some the SQL alone does).
    int row = -1;
    for (int r = 0; r < std::min(model.rowCount(), 100) && row < 0; ++r) {
        model.data(model.index(r, 0), Qt::DisplayRole);
        QTRY_VERIFY(model.pairAt(r));
        if (model.pairAt(r)->naturalLanguageQuery.contains(u'@'))
            row = r;
    }
    QVERIFY(row >= 0);
    const Pair pair = *model.pairAt(row);
    const QModelIndex question = model.index(row, PairTableModel::Question);
    const QString original = model.data(question, Qt::DisplayRole).toString();
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setPreview(true);
    QCOMPARE(changed.size(), 1);
    const QString anonymized = model.data(question, Qt::DisplayRole).toString();
    // As exported: the SQL's values (by what their column holds) are replaced in the question too.
    const privacy::Anonymizer &anonymizer = session.anonymizer()->forPair(pair.pairId);
    const privacy::AnonymizedText sql =
        anonymizer.anonymizeSql(pair.sqlQuery, sql::dialectFromDatabaseType(pair.databaseType));
    QCOMPARE(anonymized, anonymizer.anonymizeQuestion(pair.naturalLanguageQuery, sql).text.simplified());
    QVERIFY(original != anonymized);
    QVERIFY(!anonymized.contains(u'@') || anonymized.contains(u"example.com"_s));
}

void TstPairTableModel::selectionResolvesRanges()
{
    DatasetSession session;
    PairTableModel model(&session);
    session.open(m_path);
    QTRY_COMPARE(model.rowCount(), 1200);
    model.data(model.index(0, 0), Qt::DisplayRole);
    QTRY_VERIFY(model.pairAt(0));
    QItemSelection selection;
    selection.select(model.index(0, 0), model.index(2, PairTableModel::ColumnCount - 1));
    selection.select(model.index(1, 0), model.index(4, 0));      // overlaps the first range
    selection.select(model.index(900, 0), model.index(1099, 0)); // not loaded
    QCOMPARE(PairTableModel::selectedRowCount(selection), qint64(205));
    const Selection s = model.selectionFor(selection);
    QCOMPARE(s.rowIds.size(), 5);
    QCOMPARE(s.rowIds.first(), model.pairAt(0)->rowId);
    QCOMPARE(s.ranges.size(), 1);
    QCOMPARE(s.ranges.first().first, qint64(900));
    QCOMPARE(s.ranges.first().second, qint64(200));
}

QTEST_MAIN(TstPairTableModel)
#include "tst_pairtablemodel.moc"
