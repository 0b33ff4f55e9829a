// The store API: counting, paging (offset and keyset), filters, curation, delete and undo.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/privacydecisions.h"
#include "privacy/anonymizer.h"
#include "privacy/piikind.h"
#include "testutil.h"

#include <QJsonArray>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;

class TstPairStore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void addCountsAndSkipsExisting();
    void getByPairIdsFindsEachScope();
    void offsetPagesAreStable();
    void keysetPagesCoverEverythingOnce_data();
    void keysetPagesCoverEverythingOnce();
    void sortsReadAnIndex_data();
    void sortsReadAnIndex();
    void filters_data();
    void filters();
    void searchIsFullTextWithPrefix();
    void searchPathsMatchTheGeneralQuery_data();
    void searchPathsMatchTheGeneralQuery();
    void explicitIdSetsOfAnySize();
    void reviewStatusAndNote();
    void updateTextRederives();
    void softDeleteUndoRestorePurge();
    void distinctValues();
    void distinctValuesSkipEmptyAndTrashed();
    void piiKindsAreDerived();
    void metadataCountsInPiiKinds();
    void olderScannerIsRescannedOnOpen();

private:
    Pair makePair(const QString &id, const QString &q, const QString &sql,
                  const QString &ts = u"2024-05-01T12:00:00Z"_s, const QString &dbType = u"postgresql"_s,
                  bool success = true);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Dataset> m_ds;
    std::unique_ptr<PairStore> m_store;
    // One dataset for every row of searchPathsMatchTheGeneralQuery, built on first use.
    PairStore &searchStore();
    QTemporaryDir m_searchDir;
    std::unique_ptr<Dataset> m_searchDs;
    std::unique_ptr<PairStore> m_searchStore;
};

Pair TstPairStore::makePair(const QString &id, const QString &q, const QString &sql, const QString &ts,
                            const QString &dbType, bool success)
{
    Pair p;
    p.pairId = id;
    p.naturalLanguageQuery = q;
    p.sqlQuery = sql;
    p.timestamp = ts;
    p.databaseType = dbType;
    p.databaseName = u"shop"_s;
    p.success = success;
    p.executionTimeMs = 12.5;
    return p;
}

void TstPairStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QString error;
    m_ds = Dataset::open(m_dir->filePath(u"store.db"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(m_ds, qPrintable(error));
    m_store = std::make_unique<PairStore>(*m_ds);
}

void TstPairStore::cleanup()
{
    m_store.reset();
    m_ds.reset();
    m_dir.reset();
}

void TstPairStore::addCountsAndSkipsExisting()
{
    const auto r =
        m_store->add({makePair(u"a"_s, u"How many users?"_s, u"SELECT count(*) FROM users"_s),
                      makePair(u"b"_s, u"Add a user"_s, u"INSERT INTO users(name) VALUES ('x')"_s)});
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(r.added, 2);
    const auto again = m_store->add({makePair(u"a"_s, u"changed"_s, u"SELECT 2"_s)});
    QCOMPARE(again.added, 0);
    QCOMPARE(again.alreadyPresent, 1);
    QCOMPARE(m_store->count({}), 2);
    const auto a = m_store->getByPairId(u"a"_s);
    QVERIFY(a);
    QCOMPARE(a->naturalLanguageQuery, u"How many users?"_s); // left as it was
    QCOMPARE(a->databaseType, u"postgresql"_s);
    QCOMPARE(a->executionTimeMs, 12.5);
    QVERIFY(m_store->get(a->rowId));
    QVERIFY(!m_store->get(99999));
}

// The server's write queue looks a group's pair_ids up together: live and trashed pairs are found,
// absent ids are left out, and ids that need quoting in JSON are matched as written.
void TstPairStore::getByPairIdsFindsEachScope()
{
    const QString odd = u"quote\"back\\slash é"_s;
    QCOMPARE(m_store
                 ->add({makePair(u"a"_s, u"How many users?"_s, u"SELECT count(*) FROM users"_s),
                        makePair(u"b"_s, u"Add a user"_s, u"INSERT INTO users(name) VALUES ('x')"_s),
                        makePair(odd, u"List users"_s, u"SELECT * FROM users"_s)})
                 .added,
             3);
    Filter onlyB;
    onlyB.pairIds = {u"b"_s};
    QVERIFY(m_store->softDelete(onlyB));
    const std::optional<QList<Pair>> found = m_store->getByPairIds({u"a"_s, u"nope"_s, u"b"_s, odd});
    QVERIFY2(found, qPrintable(m_store->errorString()));
    QStringList ids;
    for (const Pair &p : *found)
        ids << p.pairId;
    ids.sort();
    QCOMPARE(ids, (QStringList{u"a"_s, u"b"_s, odd}));
    for (const Pair &p : *found) {
        QCOMPARE(p.deleted, p.pairId == u"b"_s);
        QVERIFY(!p.naturalLanguageQuery.isEmpty());
    }
    QCOMPARE(m_store->getByPairIds({u"nope"_s})->size(), 0);
    QCOMPARE(m_store->getByPairIds({})->size(), 0);
}

void TstPairStore::offsetPagesAreStable()
{
    // Many pairs share a timestamp: ties must be broken by row id so pages never overlap.
    QList<Pair> pairs;
    for (int i = 0; i < 250; ++i)
        pairs << makePair(u"p%1"_s.arg(i), u"q%1"_s.arg(i), u"SELECT %1"_s.arg(i),
                          i % 2 ? u"2024-05-01T12:00:00Z"_s : u"2024-05-02T12:00:00Z"_s);
    QCOMPARE(m_store->add(pairs).added, 250);
    QSet<qint64> seen;
    for (int offset = 0; offset < 250; offset += 100) {
        for (const Pair &p : m_store->page({}, {}, 100, offset)) {
            QVERIFY2(!seen.contains(p.rowId), "a pair appeared on two pages");
            seen.insert(p.rowId);
        }
    }
    QCOMPARE(seen.size(), 250);
}

namespace {

// One row per sort of the table: every column, both directions.
void addEverySort()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("order");
    using C = PairStore::SortColumn;
    for (C c : {C::Id, C::Timestamp, C::Question, C::Sql, C::QueryType, C::DatabaseType, C::DatabaseName,
                C::Success, C::ExecutionTime, C::PiiKinds, C::ReviewStatus}) {
        QTest::addRow("col%d asc", int(c)) << int(c) << int(Qt::AscendingOrder);
        QTest::addRow("col%d desc", int(c)) << int(c) << int(Qt::DescendingOrder);
    }
}

} // namespace

void TstPairStore::keysetPagesCoverEverythingOnce_data()
{
    addEverySort();
}

void TstPairStore::keysetPagesCoverEverythingOnce()
{
    QFETCH(int, column);
    QFETCH(int, order);
    DemoGenerator gen(7);
    QCOMPARE(m_store->add(gen.generate(500)).added, 500);
    // Equal values and unknown execution times (NULL, spelt out in the keyset condition).
    QList<Pair> ties;
    for (int i = 0; i < 23; ++i) {
        ties << makePair(u"tie%1"_s.arg(i), u"Same question"_s, u"SELECT %1"_s.arg(i % 3));
        if (i % 2)
            ties.last().executionTimeMs = -1;
    }
    QCOMPARE(m_store->add(ties).added, 23);
    const PairStore::Sort sort{PairStore::SortColumn(column), Qt::SortOrder(order)};
    QList<qint64> viaKeyset;
    QList<Pair> page = m_store->page({}, sort, 50, 0);
    while (!page.isEmpty()) {
        for (const Pair &p : page)
            viaKeyset << p.rowId;
        page = m_store->pageAfter({}, sort, m_store->keyOf(page.last(), sort.column), 50);
    }
    QVERIFY2(m_store->errorString().isEmpty(), qPrintable(m_store->errorString()));
    const QList<qint64> all = m_store->rowIds({}, sort);
    QCOMPARE(viaKeyset.size(), 523);
    QCOMPARE(viaKeyset, all);
}

// Every sort of the table is the order of an index: SQLite reads the first page from it instead of
// sorting every pair (1.8 s for the question on 1M pairs without the index).
void TstPairStore::sortsReadAnIndex_data()
{
    addEverySort();
}

void TstPairStore::sortsReadAnIndex()
{
    QFETCH(int, column);
    QFETCH(int, order);
    const PairStore::Sort sort{PairStore::SortColumn(column), Qt::SortOrder(order)};
    const SqlCondition c = buildCondition(Filter{});
    QSqlQuery q(m_ds->db());
    q.prepare(u"EXPLAIN QUERY PLAN SELECT p.id, p.metadata FROM pairs p WHERE "_s + c.where +
              orderByClause(sort) + u" LIMIT 100"_s);
    for (const QVariant &v : c.bindings)
        q.addBindValue(v);
    QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
    QStringList plan;
    while (q.next())
        plan << q.value(3).toString();
    QVERIFY2(!plan.isEmpty(), "no plan");
    QVERIFY2(!plan.join(u'\n').contains(u"TEMP B-TREE"_s), qPrintable(plan.join(u"; "_s)));
}

void TstPairStore::filters_data()
{
    QTest::addColumn<QJsonObject>("filter");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("none") << QJsonObject{} << QStringList{u"a"_s, u"b"_s, u"c"_s, u"d"_s};
    QTest::newRow("failed") << QJsonObject{{u"success"_s, u"failed"_s}} << QStringList{u"c"_s};
    QTest::newRow("successful") << QJsonObject{{u"success"_s, u"successful"_s}}
                                << QStringList{u"a"_s, u"b"_s, u"d"_s};
    QTest::newRow("type") << QJsonObject{{u"query_types"_s, QJsonArray{u"INSERT"_s, u"DELETE"_s}}}
                          << QStringList{u"b"_s, u"c"_s};
    QTest::newRow("db type") << QJsonObject{{u"database_types"_s, QJsonArray{u"mysql"_s}}}
                             << QStringList{u"d"_s};
    QTest::newRow("from") << QJsonObject{{u"from"_s, u"2024-02-01"_s}} << QStringList{u"b"_s, u"c"_s, u"d"_s};
    QTest::newRow("to (whole day)") << QJsonObject{{u"to"_s, u"2024-02-01"_s}} << QStringList{u"a"_s, u"b"_s};
    QTest::newRow("range") << QJsonObject{{u"from"_s, u"2024-02-01"_s}, {u"to"_s, u"2024-03-01"_s}}
                           << QStringList{u"b"_s, u"c"_s};
    QTest::newRow("combined") << QJsonObject{{u"from"_s, u"2024-02-01"_s}, {u"success"_s, u"successful"_s}}
                              << QStringList{u"b"_s, u"d"_s};
    QTest::newRow("pair ids") << QJsonObject{{u"pair_ids"_s, QJsonArray{u"a"_s, u"d"_s, u"zz"_s}}}
                              << QStringList{u"a"_s, u"d"_s};
    QTest::newRow("review") << QJsonObject{{u"review_statuses"_s, QJsonArray{0}}}
                            << QStringList{u"a"_s, u"b"_s, u"c"_s, u"d"_s};
}

void TstPairStore::filters()
{
    QFETCH(QJsonObject, filter);
    QFETCH(QStringList, expected);
    QVERIFY(
        m_store
            ->add({makePair(u"a"_s, u"Users?"_s, u"SELECT * FROM users"_s, u"2024-01-15T09:00:00Z"_s),
                   makePair(u"b"_s, u"Add"_s, u"INSERT INTO t VALUES (1)"_s, u"2024-02-01T23:30:00Z"_s),
                   makePair(u"c"_s, u"Remove"_s, u"DELETE FROM t"_s, u"2024-03-01T00:00:00Z"_s,
                            u"postgresql"_s, false),
                   makePair(u"d"_s, u"More"_s, u"SELECT 1"_s, u"2024-04-10T10:00:00+02:00"_s, u"mysql"_s)})
            .error.isEmpty());
    const Filter f = Filter::fromJson(filter);
    QStringList got;
    for (const Pair &p : m_store->page(f, {PairStore::SortColumn::Timestamp, Qt::AscendingOrder}, 100))
        got << p.pairId;
    QCOMPARE(got, expected);
    QCOMPARE(m_store->count(f), expected.size());
    // The JSON form round-trips.
    QCOMPARE(Filter::fromJson(f.toJson()).toJson(), f.toJson());
}

void TstPairStore::searchIsFullTextWithPrefix()
{
    QVERIFY(m_store
                ->add({makePair(u"a"_s, u"Show customers in Berlin"_s, u"SELECT * FROM customers"_s),
                       makePair(u"b"_s, u"Count orders"_s,
                                u"SELECT count(*) FROM orders WHERE \"city\" = 'Berlin'"_s),
                       makePair(u"c"_s, u"Total revenue"_s, u"SELECT sum(x) FROM sales"_s)})
                .error.isEmpty());
    Filter f;
    f.search = u"berlin"_s;
    QCOMPARE(m_store->count(f), 2); // question and SQL, case-insensitive
    f.search = u"cust"_s;
    QCOMPARE(m_store->count(f), 1); // prefix on the last word
    f.search = u"count orders"_s;
    QCOMPARE(m_store->count(f), 1);
    // A search alone is counted from the full-text index; trashed matches must not count.
    f.search = u"berlin"_s;
    Filter one;
    one.pairIds = {u"a"_s};
    QVERIFY(m_store->softDelete(one));
    QCOMPARE(m_store->count(f), 1);
    QCOMPARE(m_store->rowIds(f, {}).size(), 1); // the general query agrees
    Filter trash;
    trash.scope = Filter::Scope::Deleted;
    trash.search = u"berlin"_s;
    QCOMPARE(m_store->count(trash), 1);
    f.search = u"\"unbalanced ' quote) OR *"_s;
    QCOMPARE(m_store->count(f), 0); // punctuation never breaks the query
    QVERIFY2(m_store->errorString().isEmpty(), qPrintable(m_store->errorString()));
}

PairStore &TstPairStore::searchStore()
{
    if (m_searchStore)
        return *m_searchStore;
    QString error;
    m_searchDs = Dataset::open(m_searchDir.filePath(u"search.db"_s), Dataset::Mode::OpenOrCreate, &error);
    if (!m_searchDs)
        qFatal("%s", qPrintable(error));
    m_searchStore = std::make_unique<PairStore>(*m_searchDs);
    PairStore &store = *m_searchStore;
    DemoGenerator gen(11, QDateTime(QDate(2024, 12, 31), QTime(0, 0), Qt::UTC));
    if (store.add(gen.generate(1500)).added != 1500)
        qFatal("cannot add the demo pairs");
    // Pairs sharing one timestamp, some of them a question and some an unknown execution time:
    // ties are broken by row id on every path, and unknown times sort first.
    QList<Pair> same;
    for (int i = 0; i < 40; ++i) {
        same << makePair(u"same%1"_s.arg(i), u"Orders of customers, batch %1"_s.arg(i % 7),
                         u"SELECT * FROM orders WHERE customer_id = %1"_s.arg(i), u"2024-05-05T05:05:05Z"_s,
                         i % 2 ? u"mysql"_s : u"postgresql"_s, i % 3 != 0);
        if (i % 4 == 0)
            same.last().executionTimeMs = -1;
    }
    if (store.add(same).added != 40)
        qFatal("cannot add the pairs sharing a timestamp");
    // Trash every third pair and review every fifth: some of each match the searches.
    QList<qint64> trashed;
    QList<qint64> reviewed;
    const QList<qint64> ids = store.rowIds({}, {PairStore::SortColumn::Id, Qt::AscendingOrder});
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i % 3 == 1)
            trashed << ids.at(i);
        if (i % 5 == 2)
            reviewed << ids.at(i);
    }
    Filter review;
    review.rowIds = reviewed;
    Filter trash;
    trash.rowIds = trashed;
    if (!store.setReviewStatus(review, ReviewStatus::Approved) || !store.softDelete(trash))
        qFatal("cannot review or trash pairs");
    return store;
}

void TstPairStore::searchPathsMatchTheGeneralQuery_data()
{
    QTest::addColumn<QJsonObject>("filter");
    QTest::addColumn<int>("column");
    QTest::addColumn<int>("order");
    QTest::addColumn<int>("walk"); // PairStore::setSearchWalkLimit
    using C = PairStore::SortColumn;
    const QList<QPair<const char *, QJsonObject>> filters = {
        {"search", {{u"search"_s, u"customers"_s}}},
        {"prefix", {{u"search"_s, u"ord"_s}}},
        {"two words", {{u"search"_s, u"customer email"_s}}},
        {"no match", {{u"search"_s, u"zzzxqj"_s}}},
        {"failed", {{u"search"_s, u"customers"_s}, {u"success"_s, u"failed"_s}}},
        {"dates", {{u"search"_s, u"ord"_s}, {u"from"_s, u"2024-09-01"_s}, {u"to"_s, u"2024-10-31"_s}}},
        {"db type", {{u"search"_s, u"customers"_s}, {u"database_types"_s, QJsonArray{u"mysql"_s}}}},
        {"pii", {{u"search"_s, u"ord"_s}, {u"pii"_s, QJsonArray{u"email"_s}}}},
        {"review", {{u"search"_s, u"customers"_s}, {u"review_statuses"_s, QJsonArray{1}}}},
        {"trash", {{u"search"_s, u"customers"_s}, {u"scope"_s, u"deleted"_s}}},
        {"all scopes", {{u"search"_s, u"customers"_s}, {u"scope"_s, u"all"_s}}},
    };
    for (const auto &[name, filter] : filters) {
        for (C c : {C::Id, C::Timestamp, C::Question, C::Sql, C::QueryType, C::DatabaseName, C::ExecutionTime,
                    C::PiiKinds, C::ReviewStatus}) {
            QTest::addRow("%s, col%d asc", name, int(c)) << filter << int(c) << int(Qt::AscendingOrder) << 0;
            QTest::addRow("%s, col%d desc", name, int(c))
                << filter << int(c) << int(Qt::DescendingOrder) << 0;
        }
        // A walk over the matches cut short: the page is filled within it, or the general query
        // answers instead.
        for (int walk : {3, 40, 200}) {
            QTest::addRow("%s, id asc, walk %d", name, walk)
                << filter << int(C::Id) << int(Qt::AscendingOrder) << walk;
            QTest::addRow("%s, id desc, walk %d", name, walk)
                << filter << int(C::Id) << int(Qt::DescendingOrder) << walk;
        }
    }
}

// Searches in row-id order are read from the full-text index and searches in time order walk the
// time index: whatever the path, count, pages, keyset pages and row ids must be exactly those of
// the general query (every match looked up and sorted), trashed matches included or not.
void TstPairStore::searchPathsMatchTheGeneralQuery()
{
    QFETCH(QJsonObject, filter);
    QFETCH(int, column);
    QFETCH(int, order);
    QFETCH(int, walk);
    PairStore &store = searchStore();
    store.setSearchWalkLimit(walk);
    Dataset &ds = store.dataset();
    const Filter f = Filter::fromJson(filter);
    const PairStore::Sort sort{PairStore::SortColumn(column), Qt::SortOrder(order)};
    // The general query, written out here as it was before the search paths existed.
    const SqlCondition c = buildCondition(f);
    QSqlQuery q(ds.db());
    q.prepare(u"SELECT p.id FROM pairs p WHERE "_s + c.where + orderByClause(sort));
    for (const QVariant &v : c.bindings)
        q.addBindValue(v);
    QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
    QList<qint64> expected;
    while (q.next())
        expected << q.value(0).toLongLong();
    if (f.search != u"zzzxqj"_s)
        QVERIFY(!expected.isEmpty()); // the case tests something

    const PairStore::SearchPath path = PairStore::searchPath(f, sort);
    if (sort.column == PairStore::SortColumn::Id)
        QCOMPARE(path, PairStore::SearchPath::SearchIndexOrder);
    else if (f.scope == Filter::Scope::Live)
        QCOMPARE(path, PairStore::SearchPath::SortIndexWalk);
    else
        QCOMPARE(path, PairStore::SearchPath::CollectMatches);

    QCOMPARE(store.count(f), expected.size());
    QCOMPARE(store.rowIds(f, sort), expected);
    // Offset pages, the first and those beyond it.
    for (qint64 offset : {0, 30, 90, 1000}) {
        QList<qint64> got;
        for (const Pair &p : store.page(f, sort, 30, offset))
            got << p.rowId;
        QCOMPARE(got, expected.mid(offset, 30));
        QCOMPARE(store.rowIds(f, sort, 30, offset), expected.mid(offset, 30));
    }
    // Keyset pages, as forEach (exports) reads them.
    QList<qint64> viaKeyset;
    QVERIFY(store.forEach(
        f, sort,
        [&](const Pair &p) {
            viaKeyset << p.rowId;
            return true;
        },
        37));
    QCOMPARE(viaKeyset, expected);
    QVERIFY2(store.errorString().isEmpty(), qPrintable(store.errorString()));
}

void TstPairStore::explicitIdSetsOfAnySize()
{
    DemoGenerator gen(3);
    QCOMPARE(m_store->add(gen.generate(3000)).added, 3000);
    const QList<qint64> ids = m_store->rowIds({}, {PairStore::SortColumn::Id, Qt::AscendingOrder});
    Filter f;
    f.rowIds = ids.mid(0, 2500); // more than any bound-parameter limit would allow
    QCOMPARE(m_store->count(f), 2500);
    Filter none;
    none.restrictToRowIds = true;
    QCOMPARE(m_store->count(none), 0);
}

void TstPairStore::reviewStatusAndNote()
{
    QVERIFY(m_store->add({makePair(u"a"_s, u"q"_s, u"SELECT 1"_s), makePair(u"b"_s, u"q2"_s, u"SELECT 2"_s)})
                .error.isEmpty());
    Filter f;
    f.pairIds = {u"a"_s};
    qint64 changed = 0;
    QVERIFY(m_store->setReviewStatus(f, ReviewStatus::Approved, &changed));
    QCOMPARE(changed, 1);
    const auto a = m_store->getByPairId(u"a"_s);
    QCOMPARE(a->reviewStatus, ReviewStatus::Approved);
    QVERIFY(m_store->setReviewerNote(a->rowId, u"looks good"_s));
    QCOMPARE(m_store->get(a->rowId)->reviewerNote, u"looks good"_s);
    Filter approved;
    approved.reviewStatuses = {int(ReviewStatus::Approved)};
    QCOMPARE(m_store->count(approved), 1);
}

void TstPairStore::updateTextRederives()
{
    QVERIFY(m_store->add({makePair(u"a"_s, u"q"_s, u"SELECT * FROM users"_s)}).error.isEmpty());
    const auto a = m_store->getByPairId(u"a"_s);
    QVERIFY(m_store->updateText(a->rowId, u"Remove old orders"_s, u"DELETE FROM orders WHERE age > 3"_s));
    const auto b = m_store->get(a->rowId);
    QCOMPARE(b->naturalLanguageQuery, u"Remove old orders"_s);
    QCOMPARE(b->queryType, u"DELETE"_s);
    QCOMPARE(b->tableNames, QStringList{u"orders"_s});
    Filter s;
    s.search = u"users"_s;
    QCOMPARE(m_store->count(s), 0); // the full-text index followed the edit
    s.search = u"orders"_s;
    QCOMPARE(m_store->count(s), 1);
}

void TstPairStore::softDeleteUndoRestorePurge()
{
    DemoGenerator gen(11);
    QCOMPARE(m_store->add(gen.generate(1000)).added, 1000);
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    const qint64 nFailed = m_store->count(failed);
    QVERIFY(nFailed > 50);
    const auto del = m_store->softDelete(failed);
    QVERIFY(del);
    QCOMPARE(del->count, nFailed);
    QCOMPARE(m_store->count({}), 1000 - nFailed);
    QCOMPARE(m_store->count(failed), 0);
    Filter trash;
    trash.scope = Filter::Scope::Deleted;
    QCOMPARE(m_store->count(trash), nFailed);

    // A second delete is a separate batch.
    Filter some;
    some.rowIds = m_store->rowIds({}, {}, 10);
    const auto del2 = m_store->softDelete(some);
    QVERIFY(del2 && del2->batch != del->batch);
    QCOMPARE(del2->count, 10);

    // Undo the first: exactly those pairs come back.
    QCOMPARE(m_store->restoreBatch(del->batch).value_or(-1), nFailed);
    QCOMPARE(m_store->count({}), 990);
    QCOMPARE(m_store->count(failed), nFailed);

    // Restore by filter from the trash, then purge for good.
    const auto restored = m_store->restore(some);
    QCOMPARE(restored.value_or(-1), 10);
    QVERIFY(m_store->softDelete(some));
    QCOMPARE(m_store->purge(Filter()).value_or(-1), 10);
    QCOMPARE(m_store->count(trash), 0);
    Filter all;
    all.scope = Filter::Scope::All;
    QCOMPARE(m_store->count(all), 990);

    // Every change is in the audit log.
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY action"_s));
    QStringList actions;
    while (q.next())
        actions << q.value(0).toString() + u'=' + q.value(1).toString();
    QCOMPARE(actions, (QStringList{u"delete=3"_s, u"purge=1"_s, u"restore=2"_s}));
}

void TstPairStore::distinctValues()
{
    DemoGenerator gen(5);
    QCOMPARE(m_store->add(gen.generate(500)).added, 500);
    const QStringList types = m_store->distinctValues(u"database_type"_s);
    QVERIFY(types.contains(u"postgresql"_s));
    QVERIFY(types.contains(u"mysql"_s));
    QVERIFY(m_store->distinctValues(u"pair_id; DROP TABLE pairs"_s).isEmpty());
}

void TstPairStore::distinctValuesSkipEmptyAndTrashed()
{
    QVERIFY(m_store
                ->add({makePair(u"a"_s, u"q"_s, u"SELECT 1"_s, u"2024-05-01T12:00:00Z"_s, u"mysql"_s),
                       makePair(u"b"_s, u"q"_s, u"SELECT 2"_s, u"2024-05-01T12:00:00Z"_s, u""_s),
                       makePair(u"c"_s, u"q"_s, u"SELECT 3"_s, u"2024-05-01T12:00:00Z"_s, u"bigquery"_s),
                       makePair(u"d"_s, u"q"_s, u"SELECT 4"_s, u"2024-05-01T12:00:00Z"_s, u"sqlite"_s),
                       makePair(u"e"_s, u"q"_s, u"SELECT 5"_s, u"2024-05-01T12:00:00Z"_s, u"mysql"_s),
                       makePair(u"f"_s, u"q"_s, u"DROP TABLE t"_s, u"2024-05-01T12:00:00Z"_s, u"Oracle"_s)})
                .error.isEmpty());
    Filter sqlite;
    sqlite.pairIds = {u"d"_s};
    QVERIFY(m_store->softDelete(sqlite));
    // Sorted as SQLite compares text (upper case first), each value once, nothing empty or trashed.
    QCOMPARE(m_store->distinctValues(u"database_type"_s),
             (QStringList{u"Oracle"_s, u"bigquery"_s, u"mysql"_s}));
    QCOMPARE(m_store->distinctValues(u"query_type"_s), (QStringList{u"DROP"_s, u"SELECT"_s}));
    QCOMPARE(m_store->distinctValues(u"database_name"_s), QStringList{u"shop"_s});
}

void TstPairStore::piiKindsAreDerived()
{
    QVERIFY(
        m_store
            ->add({makePair(u"a"_s, u"Find the account of jane.doe@gmail.com"_s, u"SELECT * FROM accounts"_s),
                   makePair(u"b"_s, u"Who called?"_s, u"SELECT * FROM calls WHERE phone = '555-123-4567'"_s),
                   makePair(u"c"_s, u"Count email columns"_s, u"SELECT count(email) FROM users"_s)})
            .error.isEmpty());
    QCOMPARE(m_store->getByPairId(u"a"_s)->piiMask, quint32(PiiKind::Email));
    QCOMPARE(m_store->getByPairId(u"b"_s)->piiMask, quint32(PiiKind::Phone)); // found in an SQL literal
    QCOMPARE(m_store->getByPairId(u"c"_s)->piiMask, 0u); // an identifier named email is not PII
    // The SQL is read in its database_type's dialect: MySQL's # comment holds an address.
    Pair mysql = makePair(u"m"_s, u"Who wrote it?"_s, u"SELECT 1 # ask ann.lee@corp.com"_s);
    mysql.databaseType = u"mysql"_s;
    Pair generic = makePair(u"g"_s, u"Who wrote it?"_s, u"SELECT 1 # ask ann.lee@corp.com"_s);
    generic.databaseType = u"postgresql"_s; // '#' is an operator there: the text is code
    QVERIFY(m_store->add({mysql, generic}).error.isEmpty());
    QCOMPARE(m_store->getByPairId(u"m"_s)->piiMask, quint32(PiiKind::Email));
    QCOMPARE(m_store->getByPairId(u"g"_s)->piiMask, 0u);
    Filter any;
    any.piiRequired = true;
    QCOMPARE(m_store->count(any), 3);
    Filter phone;
    phone.piiRequired = true;
    phone.piiKinds = quint32(PiiKind::Phone) | quint32(PiiKind::Ssn);
    QCOMPARE(m_store->count(phone), 1);
}

void TstPairStore::metadataCountsInPiiKinds()
{
    Pair p = makePair(u"meta"_s, u"How many orders?"_s, u"SELECT count(*) FROM orders"_s);
    p.metadata = QJsonObject{{u"agent"_s, u"sql-agent"_s},
                             {u"user"_s, QJsonObject{{u"contact"_s, u"kim.ng@corp.com"_s}}},
                             {u"tags"_s, QJsonArray{u"ok"_s, u"call 212-555-0187"_s}}};
    QVERIFY(m_store->add({p}).error.isEmpty());
    // The question and the SQL hold nothing: the kinds come from the metadata's values.
    const quint32 expected = quint32(PiiKind::Email) | quint32(PiiKind::Phone);
    QCOMPARE(m_store->getByPairId(u"meta"_s)->piiMask, expected);
    Filter email;
    email.piiRequired = true;
    email.piiKinds = quint32(PiiKind::Email);
    QCOMPARE(m_store->count(email), 1);
    // A dataset that does not scan metadata does not count it either (rescanned when changed).
    privacy::Config config = privacy::Config::fromSettings(test::storedSettings(*m_ds));
    config.scanMetadata = false;
    QString error;
    QVERIFY2(savePrivacySettings(*m_ds, config, &error) >= 0, qPrintable(error));
    QCOMPARE(m_store->getByPairId(u"meta"_s)->piiMask, 0u);
    config.scanMetadata = true;
    QVERIFY2(savePrivacySettings(*m_ds, config, &error) >= 0, qPrintable(error));
    QCOMPARE(m_store->getByPairId(u"meta"_s)->piiMask, expected);
}

void TstPairStore::olderScannerIsRescannedOnOpen()
{
    QVERIFY(m_store->add({makePair(u"old"_s, u"Find jane.doe@gmail.com"_s, u"SELECT 1"_s)}).error.isEmpty());
    QCOMPARE(m_ds->setting(Deriver::kScannerVersionKey), QString::number(Deriver::kScannerVersion));
    // Kinds computed by an older PairLens (here: none) and its scanner version.
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"UPDATE pairs SET pii_mask = 0"_s));
    QVERIFY(q.exec(u"UPDATE settings SET value = '1' WHERE key = 'privacy.scannerVersion'"_s));
    q.finish();
    const QString path = m_ds->location();
    m_store.reset();
    m_ds.reset();
    QString error;
    { // A read-only open changes nothing.
        auto ro = Dataset::open(path, Dataset::Mode::ReadOnly, &error);
        QVERIFY2(ro, qPrintable(error));
        QCOMPARE(PairStore(*ro).getByPairId(u"old"_s)->piiMask, 0u);
    }
    m_ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(m_ds, qPrintable(error));
    m_store = std::make_unique<PairStore>(*m_ds);
    QCOMPARE(m_store->getByPairId(u"old"_s)->piiMask, quint32(PiiKind::Email));
    QCOMPARE(m_ds->setting(Deriver::kScannerVersionKey), QString::number(Deriver::kScannerVersion));
}

QTEST_GUILESS_MAIN(TstPairStore)
#include "tst_pairstore.moc"
