// The order in which a committed write operation (delete, restore, review) changes its pairs: in
// the order of the pairs' times, so that each chunk's rows share the pages of the time-led indexes
// (core/dataset/writeops.cpp, docs/performance.md). A trigger that the test adds to the dataset
// logs the order in which the applying connection changes the rows.
#include "dataset/dataset.h"
#include "dataset/filter.h"
#include "dataset/pairstore.h"
#include "dataset/writeops.h"
#include "testutil.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

constexpr int kPairs = 3000;

// Whether `changed` (the row ids in the order they were changed) goes through `timeOrder` (the
// same ids, oldest first) chunk by chunk: SQLite changes the rows of one chunk in its own order,
// but every chunk boundary leaves exactly the oldest rows changed. Needs at least three chunks
// (ChunkSizer starts at 200 rows); rows changed in row id order pass no boundary before the end.
bool inTimeOrderByChunks(const QList<qint64> &changed, const QList<qint64> &timeOrder)
{
    if (changed.size() != timeOrder.size())
        return false;
    QHash<qint64, qsizetype> rank;
    for (qsizetype i = 0; i < timeOrder.size(); ++i)
        rank.insert(timeOrder.at(i), i);
    qsizetype highest = -1, boundaries = 0;
    QSet<qint64> seen;
    for (qsizetype m = 0; m < changed.size(); ++m) {
        if (!rank.contains(changed.at(m)) || seen.contains(changed.at(m)))
            return false; // not one of them, or twice
        seen.insert(changed.at(m));
        highest = std::max(highest, rank.value(changed.at(m)));
        if (highest == m && m + 1 < changed.size())
            ++boundaries; // the first m + 1 changed are the m + 1 oldest
    }
    return boundaries >= 2;
}

} // namespace

class TstWriteOrder : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void deleteChangesPairsInTimeOrder();
    void restoreAndReviewChangeInTimeOrder();
    void committedOpOfAnotherProcessChangesOnlyWhatIsStaged();

private:
    // The row ids in the order the trigger logged them, and the log emptied.
    QList<qint64> logged();
    // The live pairs' row ids, oldest first.
    QList<qint64> byTime();
    // The first column of a query's rows, as row ids.
    QList<qint64> ids(const QString &sql);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Dataset> m_ds;
};

void TstWriteOrder::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QString error;
    m_ds = Dataset::open(m_dir->filePath(u"order.pairlens"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(m_ds, qPrintable(error));
    // Times that run against the row ids, in two interleaved halves: neither id order nor its
    // reverse is time order.
    QList<Pair> pairs;
    for (int i = 0; i < kPairs; ++i) {
        Pair p;
        p.pairId = u"order-%1"_s.arg(i);
        p.naturalLanguageQuery = u"How many orders did customer %1 place?"_s.arg(i);
        p.sqlQuery = u"SELECT count(*) FROM orders WHERE customer_id = %1"_s.arg(i);
        const int minute = i % 2 == 0 ? kPairs - i : i;
        p.timestamp = QDateTime(QDate(2026, 3, 1), QTime(0, 0), QTimeZone::utc())
                          .addSecs(minute * 60)
                          .toString(Qt::ISODateWithMs);
        pairs << p;
    }
    PairStore store(*m_ds);
    QCOMPARE(store.add(pairs).added, qint64(kPairs));
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"CREATE TABLE order_log(n INTEGER PRIMARY KEY, pair INTEGER)"_s));
    QVERIFY(q.exec(u"CREATE TRIGGER order_log_deleted AFTER UPDATE OF deleted ON pairs BEGIN "
                   "INSERT INTO order_log(pair) VALUES (new.id); END"_s));
    QVERIFY(q.exec(u"CREATE TRIGGER order_log_review AFTER UPDATE OF review_status ON pairs BEGIN "
                   "INSERT INTO order_log(pair) VALUES (new.id); END"_s));
}

void TstWriteOrder::cleanup()
{
    m_ds.reset();
    m_dir.reset();
}

QList<qint64> TstWriteOrder::ids(const QString &sql)
{
    QList<qint64> out;
    QSqlQuery q(m_ds->db());
    if (!q.exec(sql))
        return out;
    while (q.next())
        out << q.value(0).toLongLong();
    return out;
}

QList<qint64> TstWriteOrder::logged()
{
    const QList<qint64> out = ids(u"SELECT pair FROM order_log ORDER BY n"_s);
    QSqlQuery(m_ds->db()).exec(u"DELETE FROM order_log"_s);
    return out;
}

QList<qint64> TstWriteOrder::byTime()
{
    return ids(u"SELECT id FROM pairs WHERE deleted = 0 ORDER BY ts, id"_s);
}

void TstWriteOrder::deleteChangesPairsInTimeOrder()
{
    PairStore store(*m_ds);
    const QList<qint64> expected = byTime();
    QCOMPARE(expected.size(), kPairs);
    const auto deleted = store.softDelete(Filter{});
    QVERIFY2(deleted, qPrintable(store.errorString()));
    QCOMPARE(deleted->count, qint64(kPairs));
    QVERIFY(inTimeOrderByChunks(logged(), expected));
    QCOMPARE(writeops::pendingCount(m_ds->db()), 0);
    Filter trash;
    trash.scope = Filter::Scope::Deleted;
    QCOMPARE(store.count(trash), qint64(kPairs));
    QCOMPARE(store.count(Filter{}), qint64(0));
}

void TstWriteOrder::restoreAndReviewChangeInTimeOrder()
{
    PairStore store(*m_ds);
    const QList<qint64> expected = byTime();
    const auto deleted = store.softDelete(Filter{});
    QVERIFY2(deleted, qPrintable(store.errorString()));
    logged();
    const std::optional<qint64> restored = store.restoreBatch(deleted->batch);
    QVERIFY2(restored, qPrintable(store.errorString()));
    QCOMPARE(*restored, qint64(kPairs));
    QVERIFY(inTimeOrderByChunks(logged(), expected));
    QCOMPARE(store.count(Filter{}), qint64(kPairs));

    qint64 changed = 0;
    QVERIFY2(store.setReviewStatus(Filter{}, ReviewStatus::Approved, &changed),
             qPrintable(store.errorString()));
    QCOMPARE(changed, qint64(kPairs));
    QVERIFY(inTimeOrderByChunks(logged(), expected));
}

void TstWriteOrder::committedOpOfAnotherProcessChangesOnlyWhatIsStaged()
{
    // A delete committed by a process that was killed while applying it: some of its rows were
    // applied (and unstaged) before the kill, the rest are still staged. The next open applies
    // those, in time order, and leaves every row that is not staged as it is.
    const QList<qint64> all = byTime();
    QList<qint64> staged, untouched;
    for (qsizetype i = 0; i < all.size(); ++i)
        (i % 3 == 0 ? untouched : staged) << all.at(i);
    {
        QSqlQuery q(m_ds->db());
        QVERIFY(q.exec(u"INSERT INTO write_ops(action, state, value, batch, owner, created_at, seq) VALUES "
                       "('delete', 'applying', '2026-03-05T00:00:00.000Z', 77, 'gone-host:1', "
                       "'2026-01-01T00:00:00.000Z', (SELECT coalesce(max(seq), 0) + 1 FROM write_ops))"_s));
        const qint64 op = q.lastInsertId().toLongLong();
        QVERIFY(q.exec(u"BEGIN"_s));
        for (qint64 id : staged) {
            q.prepare(u"INSERT INTO write_op_rows(op, pair) VALUES (?, ?)"_s);
            q.addBindValue(op);
            q.addBindValue(id);
            QVERIFY(q.exec());
        }
        QVERIFY(q.exec(u"COMMIT"_s));
    }
    m_ds.reset();
    QString error;
    m_ds = Dataset::open(m_dir->filePath(u"order.pairlens"_s), Dataset::Mode::OpenExisting, &error);
    QVERIFY2(m_ds, qPrintable(error));
    QVERIFY(inTimeOrderByChunks(logged(), staged));
    QCOMPARE(writeops::pendingCount(m_ds->db()), 0);
    PairStore store(*m_ds);
    QCOMPARE(byTime(), untouched);
    Filter batch;
    batch.scope = Filter::Scope::Deleted;
    QCOMPARE(store.count(batch), qint64(staged.size()));
}

QTEST_GUILESS_MAIN(TstWriteOrder)
#include "tst_writeorder.moc"
