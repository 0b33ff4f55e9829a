// ui::ReadInterrupt on its own: which reads it stops, and what it tells the worker afterwards.
#include "readinterrupt.h"

#include <QTest>

#include <atomic>
#include <memory>

using namespace pairlens::ui;

class TstReadInterrupt : public QObject
{
    Q_OBJECT

private slots:
    // interrupt() cancels the read that runs; interrupted() says so inside that read only, so that
    // a failure after it (the worker's poll) is still reported.
    void interruptedOnlyInsideTheStoppedRead()
    {
        auto reads = std::make_shared<ReadInterrupt>();
        std::atomic<int> cancels{0};
        reads->begin([&cancels] { ++cancels; });
        QVERIFY(!reads->interrupted());
        reads->interrupt();
        QTRY_VERIFY_WITH_TIMEOUT(cancels.load() >= 1, 30000); // sent from a thread of its own
        QVERIFY(reads->interrupted());
        reads->end();
        QVERIFY(!reads->interrupted());
        const int sent = cancels.load();
        QTest::qWait(200);
        QCOMPARE(cancels.load(), sent); // no cancel after the read ended

        reads->begin([&cancels] { ++cancels; });
        QVERIFY(!reads->interrupted()); // the next read starts afresh
        reads->end();
    }

    // Outside a read, or for a read that is not stale, nothing is cancelled.
    void onlyReadsAndOnlyStaleOnes()
    {
        auto reads = std::make_shared<ReadInterrupt>();
        std::atomic<int> cancels{0};
        reads->interrupt(); // no read runs
        bool stale = false;
        reads->begin([&cancels] { ++cancels; }, [&stale] { return stale; });
        reads->interruptStale(); // still current
        QTest::qWait(200);
        QCOMPARE(cancels.load(), 0);
        stale = true;
        reads->interruptStale();
        QTRY_VERIFY_WITH_TIMEOUT(cancels.load() >= 1, 30000);
        reads->end();
    }
};

QTEST_GUILESS_MAIN(TstReadInterrupt)
#include "tst_readinterrupt.moc"
