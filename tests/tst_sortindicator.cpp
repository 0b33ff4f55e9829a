// The table's order is always shown by the header's sort indicator, and the indicator tells the
// truth: the default order, newest added first, is shown on its own column (#, the row number),
// not on Time (demo pairs and imported histories are not added in time order); a click on Time
// sorts by time, and the indicator comes back with the window's settings.
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
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Added));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(header->visualIndex(PairTableModel::Added), 0); // the first column, as row numbers are
    QCOMPARE(m_window->model()->headerData(PairTableModel::Added, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"#"_s);
    // It is the order pairs were added, newest first, and the column shows it.
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Id);
    QCOMPARE(m_window->model()->currentSort().order, Qt::DescendingOrder);
    QTRY_VERIFY(m_window->model()->pairAt(0));
    QCOMPARE(m_window->model()->pairAt(0)->rowId, qint64(300));
    QCOMPARE(m_window->model()->index(0, PairTableModel::Added).data().toString(), u"300"_s);
    QCOMPARE(m_window->model()->index(1, PairTableModel::Added).data().toString(), u"299"_s);
    // The demo's times are not in that order, which is why Time does not carry the indicator.
    QTRY_VERIFY(m_window->model()->pairAt(49));
    QVERIFY(!timesInOrder(Qt::DescendingOrder, 50));

    // A click on Time sorts by time; a second click reverses it.
    clickHeader(PairTableModel::Time);
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Time));
    const Qt::SortOrder first = header->sortIndicatorOrder();
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Timestamp);
    QCOMPARE(m_window->model()->currentSort().order, first);
    QTRY_VERIFY(timesInOrder(first, 50));
    clickHeader(PairTableModel::Time);
    const Qt::SortOrder second = header->sortIndicatorOrder();
    QVERIFY(second != first);
    QCOMPARE(m_window->model()->currentSort().order, second);
    QTRY_VERIFY(timesInOrder(second, 50));

    // Back to the order added.
    clickHeader(PairTableModel::Added);
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Added));
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Id);
}

void TstSortIndicator::defaultOrderIndicatorIsRestored()
{
    openWindow(100);
    m_window->close();
    m_window.reset();
    openWindowOnDataset(100);
    QHeaderView *header = m_window->tableView()->horizontalHeader();
    QCOMPARE(header->sortIndicatorSection(), int(PairTableModel::Added));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QCOMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Id);
    QTRY_VERIFY(m_window->model()->pairAt(0));
    QCOMPARE(m_window->model()->pairAt(0)->rowId, qint64(100));

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
