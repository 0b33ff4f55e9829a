// The pair table's keyboard and header: Ctrl+C copies the selected rows as TSV, "Copy as CSV" in the
// context and Edit menus, a column chooser on the header's context menu that is remembered, a
// selection that survives a new sort order, and a last column never under the scroll bar.
#include "pairtableview.h"
#include "trashdialog.h"
#include "windowtest.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstTableKeys : public test::WindowTest
{
    Q_OBJECT
private slots:
    void init() { initWindowTest(); }
    void cleanup() { cleanupWindowTest(); }
    void ctrlCCopiesSelectedRowsAsTsv();
    void copyAsCsvFromTheMenus();
    void columnChooserHidesAndRemembers();
    void sortingKeepsTheSelection();
    void lastColumnIsNeverUnderTheScrollBar();
    void trashShowsWhenAndThePair();

private:
    QStringList selectedPairIds();
    // Opens the header's context menu and triggers the entry named `text`.
    void chooseInColumnMenu(const QString &text);
};

QStringList TstTableKeys::selectedPairIds()
{
    QStringList ids;
    for (const QModelIndex &index : m_window->tableView()->selectionModel()->selectedRows())
        if (const Pair *p = m_window->model()->pairAt(index.row()))
            ids << p->pairId;
    ids.sort();
    return ids;
}

void TstTableKeys::chooseInColumnMenu(const QString &text)
{
    QHeaderView *header = m_window->tableView()->horizontalHeader();
    bool triggered = false;
    QTimer::singleShot(0, this, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        for (QAction *a : menu->actions())
            if (a->text() == text) {
                a->trigger();
                triggered = true;
            }
        menu->close();
    });
    emit header->customContextMenuRequested(QPoint(10, 5));
    QVERIFY2(triggered, qPrintable(text));
}

void TstTableKeys::ctrlCCopiesSelectedRowsAsTsv()
{
    openWindow(60);
    clickRow(2);
    clickRow(4, Qt::ShiftModifier);
    QApplication::clipboard()->clear();
    key(QKeySequence::Copy);
    // Records end at line breaks outside quotes (a multi-statement SQL keeps its own, quoted).
    QStringList lines{QString()};
    bool quoted = false;
    for (const QChar c : QApplication::clipboard()->text()) {
        if (c == u'"')
            quoted = !quoted;
        if (c == u'\n' && !quoted)
            lines << QString();
        else
            lines.last() += c;
    }
    lines.removeAll(QString());
    QCOMPARE(lines.size(), 1 + 3);
    const QStringList header = lines.at(0).split(u'\t');
    QCOMPARE(header.size(), int(PairTableModel::ColumnCount));
    const int first = m_window->tableView()->horizontalHeader()->logicalIndex(0); // in the order shown
    QCOMPARE(header.at(0), m_window->model()->headerData(first, Qt::Horizontal, Qt::DisplayRole).toString());
    for (int i = 0; i < 3; ++i) {
        const Pair *p = m_window->model()->pairAt(2 + i);
        QVERIFY(p);
        QString question = p->naturalLanguageQuery;
        if (question.contains(u'"'))
            question = u'"' + question.replace(u'"', u"\"\""_s) + u'"';
        QVERIFY2(lines.at(1 + i).contains(u'\t' + question + u'\t'), qPrintable(lines.at(1 + i)));
        QVERIFY(lines.at(1 + i).contains(p->databaseType));
    }
}

void TstTableKeys::copyAsCsvFromTheMenus()
{
    openWindow(40);
    clickRow(1);
    QList<QAction *> actions = pairTableCopyActions(m_window->tableView());
    QCOMPARE(actions.size(), 2);
    QAction *csv = actions.at(1);
    QVERIFY(m_window->tableView()->actions().contains(csv)); // the table's context menu
    bool inEditMenu = false;
    for (QAction *menu : m_window->menuBar()->actions())
        if (menu->menu() && menu->menu()->actions().contains(csv))
            inEditMenu = true;
    QVERIFY(inEditMenu);
    QApplication::clipboard()->clear();
    csv->trigger();
    const QString text = QApplication::clipboard()->text();
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(lines.size() >= 2, qPrintable(text));
    const int first = m_window->tableView()->horizontalHeader()->logicalIndex(0); // in the order shown
    QVERIFY(lines.at(0).startsWith(
        m_window->model()->headerData(first, Qt::Horizontal, Qt::DisplayRole).toString() + u','));
    QVERIFY(text.contains(m_window->model()->copyText(1, PairTableModel::Time)));
    // A value holding a comma is quoted.
    const QString sql = m_window->model()->pairAt(1)->sqlQuery;
    if (sql.contains(u',') || sql.contains(u'"'))
        QVERIFY(text.contains(u'"' + QString(sql).replace(u'"', u"\"\""_s) + u'"'));
}

void TstTableKeys::columnChooserHidesAndRemembers()
{
    openWindow(30);
    QHeaderView *header = m_window->tableView()->horizontalHeader();
    const QString type =
        m_window->model()->headerData(PairTableModel::Type, Qt::Horizontal, Qt::DisplayRole).toString();
    chooseInColumnMenu(type);
    QVERIFY(header->isSectionHidden(PairTableModel::Type));
    clickRow(0);
    QApplication::clipboard()->clear();
    key(QKeySequence::Copy);
    QVERIFY(!QApplication::clipboard()->text().section(u'\n', 0, 0).split(u'\t').contains(type));

    // Remembered across runs.
    m_window->close();
    m_window.reset();
    openWindowOnDataset(30);
    header = m_window->tableView()->horizontalHeader();
    QVERIFY(header->isSectionHidden(PairTableModel::Type));
    chooseInColumnMenu(type);
    QVERIFY(!header->isSectionHidden(PairTableModel::Type));
    QVERIFY(header->sectionSize(PairTableModel::Type) > 20);
}

void TstTableKeys::sortingKeepsTheSelection()
{
    openWindow(60);
    clickRow(3);
    clickRow(9, Qt::ControlModifier);
    const QStringList before = selectedPairIds();
    QCOMPARE(before.size(), 2);
    const QString current = m_window->model()->pairAt(9)->pairId;
    QHeaderView *header = m_window->tableView()->horizontalHeader();
    header->setSortIndicator(PairTableModel::Question, Qt::AscendingOrder);
    QTRY_COMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Question);
    QTRY_COMPARE(selectedPairIds(), before);
    const Pair *p = m_window->model()->pairAt(m_window->tableView()->currentIndex().row());
    QVERIFY(p);
    QCOMPARE(p->pairId, current);
    // And back to another order.
    header->setSortIndicator(PairTableModel::Sql, Qt::DescendingOrder);
    QTRY_COMPARE(m_window->model()->currentSort().column, PairStore::SortColumn::Sql);
    QTRY_COMPARE(selectedPairIds(), before);
}

void TstTableKeys::lastColumnIsNeverUnderTheScrollBar()
{
    m_window.reset();
    openWindow(200);
    QTableView *view = m_window->tableView();
    QTRY_VERIFY(view->verticalScrollBar()->isVisible());
    QHeaderView *header = view->horizontalHeader();
    const int last = header->logicalIndex(header->count() - 1);
    QTRY_VERIFY2(header->sectionViewportPosition(last) + header->sectionSize(last) <=
                     view->viewport()->width(),
                 qPrintable(u"%1 + %2 > %3"_s.arg(header->sectionViewportPosition(last))
                                .arg(header->sectionSize(last))
                                .arg(view->viewport()->width())));
    QCOMPARE(view->horizontalScrollBar()->maximum(), 0);
    QVERIFY(header->sectionSize(last) >= view->fontMetrics().horizontalAdvance(u"Unreviewed"_s));
}

void TstTableKeys::trashShowsWhenAndThePair()
{
    openWindow(40);
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    clickRow(0);
    clickRow(2, Qt::ShiftModifier);
    key(QKeySequence::Delete);
    QTRY_COMPARE(m_window->model()->rowCount(), 37);
    const QDateTime after = QDateTime::currentDateTimeUtc().addSecs(1);
    key(QKeySequence(u"Ctrl+T"_s));
    TrashDialog *trash = m_window->trashDialog();
    QVERIFY(trash && trash->isVisible());
    QTRY_COMPARE(trash->model()->rowCount(), 3);
    QTRY_VERIFY(trash->model()->pairAt(0));

    // A deleted-at column, first and in view, in UTC like the time column.
    PairTableModel *model = trash->model();
    QHeaderView *trashHeader = trash->view()->horizontalHeader();
    QCOMPARE(trashHeader->logicalIndex(0), int(PairTableModel::DeletedAt));
    QVERIFY(!trashHeader->isSectionHidden(PairTableModel::DeletedAt));
    QVERIFY(trashHeader->sectionViewportPosition(PairTableModel::DeletedAt) >= 0);
    QVERIFY(trashHeader->sectionViewportPosition(PairTableModel::DeletedAt) +
                trashHeader->sectionSize(PairTableModel::DeletedAt) <=
            trash->view()->viewport()->width());
    QCOMPARE(model->columnCount(), int(PairTableModel::ColumnCount) + 1);
    QCOMPARE(model->headerData(PairTableModel::DeletedAt, Qt::Horizontal, Qt::DisplayRole).toString(),
             u"Deleted (UTC)"_s);
    QCOMPARE(m_window->model()->columnCount(), int(PairTableModel::ColumnCount)); // not in the table
    for (int row = 0; row < 3; ++row) {
        const QString text = model->index(row, PairTableModel::DeletedAt).data().toString();
        QDateTime deleted = QDateTime::fromString(text, u"yyyy-MM-dd HH:mm:ss"_s);
        deleted.setTimeSpec(Qt::UTC);
        QVERIFY2(deleted.isValid() && deleted >= before.addSecs(-1) && deleted <= after, qPrintable(text));
    }

    // The selected pair in full, following the selection.
    QTableView *view = trash->view();
    for (int row : {1, 2, 0}) {
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(model->index(row, 1)).center());
        const Pair *p = model->pairAt(row);
        QVERIFY(p);
        QTRY_VERIFY(trash->preview()->toPlainText().contains(p->sqlQuery));
        QVERIFY(trash->preview()->toPlainText().contains(p->naturalLanguageQuery));
        QVERIFY(trash->preview()->toPlainText().contains(p->pairId));
        QVERIFY(trash->preview()->toPlainText().contains(
            model->index(row, PairTableModel::DeletedAt).data().toString()));
    }
}

QTEST_MAIN(TstTableKeys)
#include "tst_tablekeys.moc"
