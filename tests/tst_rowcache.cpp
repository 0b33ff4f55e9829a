// The table's page cache: lookup, bounded size with far pages evicted first, generations.
#include "rowcache.h"

#include <QTest>

using pairlens::ui::RowCache;

class TstRowCache : public QObject
{
    Q_OBJECT
private slots:
    void lookupWithinPages()
    {
        RowCache<int> cache(10, 4);
        QVERIFY(!cache.row(0));
        cache.insert(0, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 0);
        cache.insert(3, {30, 31, 32}, 1, 0); // a short last page
        QCOMPARE(*cache.row(7), 7);
        QCOMPARE(*cache.row(32), 32);
        QVERIFY(!cache.row(33));
        QVERIFY(!cache.row(15));
        QCOMPARE(cache.pageOf(25), 2);
    }

    void evictsFarthestPagesFirst()
    {
        RowCache<int> cache(1, 3);
        for (qint64 page = 0; page < 10; ++page)
            cache.insert(page, {int(page)}, 1, page); // scrolling down: focus follows
        QCOMPARE(cache.pageCount(), 3);
        QVERIFY(cache.hasPage(9) && cache.hasPage(8) && cache.hasPage(7));
        // Jumping back to the top keeps what is near the new focus and the page just loaded.
        cache.insert(0, {0}, 1, 0);
        QCOMPARE(cache.pageCount(), 3);
        QVERIFY(cache.hasPage(0));
        QVERIFY(!cache.hasPage(9));
    }

    void neverEvictsThePageJustInserted()
    {
        RowCache<int> cache(1, 1);
        cache.insert(0, {0}, 1, 0);
        cache.insert(100, {100}, 1, 0); // far from the focus, but it was just asked for
        QCOMPARE(cache.pageCount(), 1);
        QVERIFY(cache.hasPage(100));
    }

    void remembersGenerations()
    {
        RowCache<int> cache(2, 4);
        cache.insert(0, {1, 2}, 5, 0);
        QCOMPARE(cache.generationOf(0), quint64(5));
        QCOMPARE(cache.generationOf(1), quint64(0));
        cache.insert(0, {3, 4}, 6, 0);
        QCOMPARE(cache.generationOf(0), quint64(6));
        QCOMPARE(*cache.row(1), 4);
        cache.clear();
        QCOMPARE(cache.pageCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TstRowCache)
#include "tst_rowcache.moc"
