// The table's order is always shown by the header's sort indicator, and the indicator tells the
// truth: the default order is newest first by time (demo pairs are not added in time order, so
// the row order would not do), a click toggles it as on any column, and the indicator comes back
// with the window's settings.
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "windowtest.h"

#include <QDateTime>
#include <QHeaderView>
#include <QTableView>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstSortIndicator : public test::WindowTest
{
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("QT_QPA_PLATFORM", "offscreen"); }
    void init() { initWindowTest(); }
    void cleanup() { cleanupWindowTest(); }
    void defaultOrderShowsItsIndicator();
    void defaultOrderIndicatorIsRestored();

private:
    void clickHeader(int section);
    bool timesInOrder(Qt::SortOrder order, int rows);
};

void TstSortIndicator::clickHeader(int section)
{
    QHeaderView *header = m_window->tableView()->horizontalHeader();
    const QPoint at(header->sectionViewportPosition(section) + header->sectionSize(section) / 2,
                    header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
}

// The first `rows` rows are loaded and their times are in `order`.
bool TstSortIndicator::timesInOrder(Qt::SortOrder order, int rows)
{
    PairTableModel *model = m_window->model();
    QDateTime previous;
    for (int r = 0; r < rows; ++r) {
        const Pair *p = model->pairAt(r);
        if (!p)
            return false;
        const QDateTime t = QDateTime::fromString(p->timestamp, Qt::ISODateWithMs);
        if (!t.isValid())
            return false;
        if (r > 0 && (order == Qt::AscendingOrder ? t < previous : t > previous))
            return false;
        previous = t;
    }
    return true;
}

void TstSortIndicator::defaultOrderShowsItsIndicator()
{
    openWindow(300);
    QHeaderView *header = m_window->tableView()->horizontalHeader();
    QVERIFY(header->isSortIndicatorShown());
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Time));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    // The rows are in that order.
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Timestamp);
    QCOMPARE(m_window->model()->currentSort().order, Qt::DescendingOrder);
    QTRY_VERIFY(timesInOrder(Qt::DescendingOrder, 50));

    // A click on Time toggles it: oldest first.
    clickHeader(PairTableModel::Time);
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Time));
    QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Timestamp);
    QCOMPARE(m_window->model()->currentSort().order, Qt::AscendingOrder);
    QTRY_VERIFY(timesInOrder(Qt::AscendingOrder, 50));

    // Again: newest first, by time.
    clickHeader(PairTableModel::Time);
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(m_window->model()->currentSort().order, Qt::DescendingOrder);
    QTRY_VERIFY(timesInOrder(Qt::DescendingOrder, 50));

    // Another column takes the indicator.
    clickHeader(PairTableModel::Question);
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Question));
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Question);
}

void TstSortIndicator::defaultOrderIndicatorIsRestored()
{
    openWindow(100);
    m_window->close();
    m_window.reset();
    openWindowOnDataset(100);
    QHeaderView *header = m_window->tableView()->horizontalHeader();
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Time));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Timestamp);
    QTRY_VERIFY(timesInOrder(Qt::DescendingOrder, 50));

    // A chosen order comes back with its indicator.
    clickHeader(PairTableModel::Success);
    const Qt::SortOrder chosen = header->sortIndicatorOrder();
    m_window->close();
    m_window.reset();
    openWindowOnDataset(100);
    header = m_window->tableView()->horizontalHeader();
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Success));
    QCOMPARE(header->sortIndicatorOrder(), chosen);
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Success);
}

QTEST_MAIN(TstSortIndicator)
#include "tst_sortindicator.moc"
