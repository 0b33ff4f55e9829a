// Reviewing with the keyboard (issue 16): Escape leaves the note field for the table, Ctrl+E exports
// from the search box, a delete selects the pair after the deleted ones, the status bar says what
// an undo or redo did, Ctrl+G goes to a pair id, and the pair pane takes room only with a pair.
#include "detailpane.h"
#include "windowtest.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDockWidget>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStatusBar>
#include <QTimer>
#include <QUndoStack>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstReviewKeys : public test::WindowTest
{
    Q_OBJECT
private slots:
    void init() { initWindowTest(); }
    void cleanup() { cleanupWindowTest(); }
    void escapeLeavesTheNote();
    void ctrlEExportsFromTheSearchBox();
    void deleteSelectsTheNextPair();
    void undoAndRedoSayWhatTheyDid();
    void ctrlGGoesToAPairId();
    void pairPaneOnlyWithAPair();
    void germanColumnsFitTheirValues();
    void jumpToTheEndNeverFlickersBack();

private:
    QString statusMessage() const { return m_window->statusBar()->currentMessage(); }
    QDockWidget *pairDock() const { return m_window->findChild<QDockWidget *>(u"detailDock"_s); }
};

void TstReviewKeys::escapeLeavesTheNote()
{
    openWindow();
    clickRow(2);
    const qint64 rowId = m_window->model()->pairAt(2)->rowId;
    QPlainTextEdit *note = m_window->detailPane()->noteEdit();
    QTRY_VERIFY(note->isVisible());
    note->setFocus();
    QTRY_VERIFY(note->hasFocus());
    QTest::keyClicks(note, u"checked by hand"_s);
    QTest::keyClick(note, Qt::Key_Escape);
    // The table has the keys again, and the note is saved at once (not after the typing pause).
    QTRY_VERIFY(m_window->tableView()->hasFocus());
    QTRY_VERIFY(m_window->model()->pairAt(2) && m_window->model()->pairAt(2)->rowId == rowId &&
                m_window->model()->pairAt(2)->reviewerNote == u"checked by hand"_s);
    // J moves on from the table, as it does before a note is typed.
    key(QKeySequence(u"J"_s));
    QTRY_COMPARE(m_window->tableView()->currentIndex().row(), 3);
}

void TstReviewKeys::ctrlEExportsFromTheSearchBox()
{
    openWindow();
    int exports = 0;
    m_window->exportHandler = [&exports] { ++exports; };
    QLineEdit *search = m_window->filterPanel()->searchEdit();
    search->setFocus();
    QTRY_VERIFY(search->hasFocus());
    QTest::keyClicks(search, u"customers"_s);
    search->setCursorPosition(2);
    QTest::keySequence(search, QKeySequence(u"Ctrl+E"_s));
    QCOMPARE(exports, 1);
    QCOMPARE(search->cursorPosition(), 2); // not taken as "end of line"
    QCOMPARE(search->text(), u"customers"_s);
    // In the table too.
    m_window->tableView()->setFocus();
    key(QKeySequence(u"Ctrl+E"_s));
    QCOMPARE(exports, 2);
}

void TstReviewKeys::deleteSelectsTheNextPair()
{
    openWindow();
    QAbstractItemModelTester tester(m_window->model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    clickRow(5);
    clickRow(6, Qt::ShiftModifier);
    QTRY_VERIFY(m_window->model()->pairAt(7));
    const QString next = m_window->model()->pairAt(7)->pairId;
    key(QKeySequence::Delete);
    QTRY_COMPARE(m_window->model()->rowCount(), 298);
    // The pair after the deleted ones is selected in their place, shown in the pair pane.
    QTRY_VERIFY(m_window->tableView()->currentIndex().row() == 5 && m_window->model()->pairAt(5) &&
                m_window->model()->pairAt(5)->pairId == next);
    QCOMPARE(m_window->tableView()->selectionModel()->selectedRows().size(), 1);
    QTRY_COMPARE(m_window->detailPane()->rowId(), m_window->model()->pairAt(5)->rowId);

    // Deleting the last row selects the one that is last now.
    clickRow(297);
    key(QKeySequence::Delete);
    QTRY_COMPARE(m_window->model()->rowCount(), 297);
    QTRY_COMPARE(m_window->tableView()->currentIndex().row(), 296);
}

void TstReviewKeys::undoAndRedoSayWhatTheyDid()
{
    openWindow();
    clickRow(0);
    key(QKeySequence::Delete);
    QTRY_COMPARE(m_window->model()->rowCount(), 299);
    QTRY_VERIFY2(statusMessage().contains(u"moved to the trash"_s), qPrintable(statusMessage()));
    const QString command = m_window->undoStack()->undoText();
    QVERIFY(!command.isEmpty());
    key(QKeySequence::Undo);
    // Not the delete's message any more: what the undo did.
    QCOMPARE(statusMessage(), u"Undone: %1"_s.arg(command));
    QTRY_COMPARE(m_window->model()->rowCount(), 300);
    key(QKeySequence(u"Ctrl+Shift+Z"_s));
    QCOMPARE(statusMessage(), u"Redone: %1"_s.arg(command));
    QTRY_COMPARE(m_window->model()->rowCount(), 299);
}

void TstReviewKeys::ctrlGGoesToAPairId()
{
    const int pairs = 3000;
    QVERIFY(test::makeDemoDataset(m_path, pairs));
    QString oldest, error;
    {
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        QVERIFY2(ds, qPrintable(error));
        const auto pair = PairStore(*ds).get(1);
        QVERIFY(pair);
        oldest = pair->pairId;
    }
    openWindowOnDataset(pairs);
    QString asked;
    m_window->curator()->askPairId = [&asked] { return asked; };

    // The first pair recorded is the last row, far beyond the rows loaded.
    QVERIFY(!m_window->model()->pairAt(pairs - 1));
    asked = oldest;
    key(QKeySequence(u"Ctrl+G"_s));
    QTRY_COMPARE(m_window->tableView()->currentIndex().row(), pairs - 1);
    QTRY_VERIFY(m_window->model()->pairAt(pairs - 1));
    QCOMPARE(m_window->model()->pairAt(pairs - 1)->pairId, oldest);
    QTRY_COMPARE(m_window->detailPane()->rowId(), qint64(1));

    // A loaded row answers at once.
    asked = m_window->model()->pairAt(0)->pairId;
    key(QKeySequence(u"Ctrl+G"_s));
    QCOMPARE(m_window->tableView()->currentIndex().row(), 0);

    // An unknown id, and one the filter hides, are said in the status bar.
    asked = u"no-such-pair"_s;
    key(QKeySequence(u"Ctrl+G"_s));
    QTRY_COMPARE(statusMessage(), u"No pair has the id no-such-pair."_s);
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    m_window->filterPanel()->setFilter(failed);
    m_window->model()->setFilter(failed);
    QTRY_VERIFY(m_window->model()->isCounted() && m_window->model()->rowCount() < pairs);
    QString hidden;
    {
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        Filter succeeded;
        succeeded.success = Filter::Success::SuccessfulOnly;
        const QList<Pair> page = PairStore(*ds).page(succeeded, {}, 1);
        QVERIFY(!page.isEmpty());
        hidden = page.first().pairId;
    }
    asked = hidden;
    key(QKeySequence(u"Ctrl+G"_s));
    QTRY_VERIFY2(statusMessage().contains(u"hidden by the filter"_s), qPrintable(statusMessage()));
}

void TstReviewKeys::pairPaneOnlyWithAPair()
{
    openWindow();
    QDockWidget *dock = pairDock();
    QVERIFY(dock);
    // Nothing selected: the table has the room.
    QVERIFY(!dock->isVisible());
    const int emptyHeight = m_window->tableView()->height();
    clickRow(1);
    QTRY_VERIFY(dock->isVisible());
    QTRY_VERIFY(m_window->tableView()->height() < emptyHeight);
    // View > Pair turns it off: it stays away with the next pair, until turned on again.
    dock->toggleViewAction()->trigger();
    QVERIFY(!dock->isVisible());
    clickRow(2);
    QVERIFY(!dock->isVisible());
    dock->toggleViewAction()->trigger();
    QVERIFY(dock->isVisible());
    // Another filter without a current row: away again.
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    m_window->filterPanel()->setFilter(failed);
    m_window->model()->setFilter(failed);
    QTRY_VERIFY(!m_window->tableView()->currentIndex().isValid());
    QTRY_VERIFY(!dock->isVisible());
}

void TstReviewKeys::germanColumnsFitTheirValues()
{
    const test::GermanUi german;
    QVERIFY(german.loaded());
    openWindow();
    m_window->resize(1280, 800);
    // Failed pairs: "Fehlgeschlagen" in the result column, the German header "Personendaten".
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    m_window->filterPanel()->setFilter(failed);
    m_window->model()->setFilter(failed);
    QTRY_VERIFY(m_window->model()->isCounted() && m_window->model()->pairAt(0) &&
                !m_window->model()->pairAt(0)->success);
    const PairTableModel *model = m_window->model();
    QCOMPARE(model->headerData(PairTableModel::Pii, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"Personendaten"_s);
    QCOMPARE(model->data(model->index(0, PairTableModel::Success), Qt::DisplayRole).toString(),
             u"Fehlgeschlagen"_s);
    const QHeaderView *header = m_window->tableView()->horizontalHeader();
    const QFontMetrics fm(m_window->tableView()->font());
    const QFontMetrics headerFm(header->font());
    for (int column :
         {PairTableModel::Time, PairTableModel::Type, PairTableModel::DatabaseType, PairTableModel::Success,
          PairTableModel::ExecutionTime, PairTableModel::Pii, PairTableModel::Review}) {
        const QString title = model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        QVERIFY2(headerFm.horizontalAdvance(title) + 16 <= header->sectionSize(column), qPrintable(title));
        for (int row = 0; row < std::min(model->rowCount(), 40); ++row) {
            QTRY_VERIFY(model->pairAt(row));
            const QString text = model->data(model->index(row, column), Qt::DisplayRole).toString();
            QVERIFY2(fm.horizontalAdvance(text) + 8 <= header->sectionSize(column),
                     qPrintable(u"%1: '%2' in %3 px"_s.arg(title, text).arg(header->sectionSize(column))));
        }
    }
}

void TstReviewKeys::jumpToTheEndNeverFlickersBack()
{
    // Far pages come through the view's id list (deeper than the worker reads with OFFSET): once a
    // row on screen has its pair, it never shows "Loading…" again while the view stays there.
    const int pairs = 20000;
    openWindow(pairs);
    QTableView *view = m_window->tableView();
    const PairTableModel *model = m_window->model();
    QHash<int, bool> loaded;
    QStringList flickers;
    QTimer sampler;
    connect(&sampler, &QTimer::timeout, this, [&] {
        const int top = view->rowAt(0), bottom = view->rowAt(view->viewport()->height() - 1);
        for (int r = top; r >= 0 && r <= bottom; ++r) {
            const bool now = model->data(model->index(r, 1), PairTableModel::LoadedRole).toBool();
            if (loaded.value(r, false) && !now)
                flickers << QString::number(r);
            loaded[r] = now;
        }
    });
    sampler.start(2);
    auto screenLoaded = [&] {
        const int top = view->rowAt(0), bottom = view->rowAt(view->viewport()->height() - 1);
        for (int r = top; r >= 0 && r <= bottom; ++r)
            if (!model->pairAt(r))
                return false;
        return top >= 0;
    };
    for (const auto &jump : {std::function<void()>([&] { key(QKeySequence(u"Ctrl+End"_s)); }),
                             std::function<void()>([&] { view->verticalScrollBar()->setValue(pairs / 2); }),
                             std::function<void()>([&] {
                                 view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
                             })}) {
        loaded.clear();
        jump();
        // Placeholders first, then the pairs: every row on screen gets its pair ...
        QTRY_VERIFY_WITH_TIMEOUT(screenLoaded(), 20000);
        // ... and keeps it.
        QTest::qWait(500);
        QVERIFY2(flickers.isEmpty(), qPrintable(u"back to Loading: rows "_s + flickers.join(u", "_s)));
    }
    QCOMPARE(view->rowAt(view->viewport()->height() - 1), pairs - 1);
}

QTEST_MAIN(TstReviewKeys)
#include "tst_reviewkeys.moc"
