// MainWindow's menus, toolbar and shortcuts (the rest of the class is in mainwindow.cpp).
#include "curator.h"
#include "datasetsession.h"
#include "filterpanel.h"
#include "mainwindow.h"
#include "pairtableview.h"
#include "privacysettingsdialog.h"

#include "storage/storage.h"

#include <QAction>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

QAction *MainWindow::addAction(QMenu *menu, const QString &name, const QString &text,
                               const QKeySequence &shortcut, const QString &tip,
                               const std::function<void()> &slot)
{
    auto *action = new QAction(text, this);
    action->setObjectName(name);
    if (!shortcut.isEmpty()) {
        action->setShortcut(shortcut);
        action->setToolTip(tip.isEmpty()
                               ? u"%1 (%2)"_s.arg(QString(text).remove(u'&').remove(u"…"_s),
                                                  shortcut.toString(QKeySequence::NativeText))
                               : u"%1 (%2)"_s.arg(tip, shortcut.toString(QKeySequence::NativeText)));
    } else if (!tip.isEmpty()) {
        action->setToolTip(tip);
    }
    action->setStatusTip(tip);
    if (slot)
        connect(action, &QAction::triggered, this, slot);
    if (menu)
        menu->addAction(action);
    QWidget::addAction(action); // shortcuts work even with the menu bar hidden
    return action;
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    addAction(file, u"actionNew"_s, tr("&New Dataset…"), QKeySequence::New, tr("Create an empty dataset"),
              [this] { chooseAndCreate(); });
    addAction(file, u"actionOpen"_s, tr("&Open Dataset…"), QKeySequence::Open, tr("Open a dataset file"),
              [this] { chooseAndOpen(); });
    addAction(file, u"actionOpenReadOnly"_s, tr("Open Dataset &Read-Only…"), QKeySequence(),
              tr("Open a dataset without changing anything in it"), [this] { chooseAndOpen(true); });
    addAction(file, u"actionConnectPostgres"_s, tr("Connect to &PostgreSQL…"),
              QKeySequence(u"Ctrl+Shift+O"_s), tr("Open a dataset kept in a PostgreSQL schema"),
              [this] { connectToPostgres(); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setObjectName(u"recentMenu"_s);
    connect(m_recentMenu, &QMenu::aboutToShow, this, [this] {
        m_recentMenu->clear();
        for (const QString &path : recentDatasets()) {
            // A recent PostgreSQL dataset opens the connect dialog for it: it may need a password.
            const bool postgres = isPostgresLocation(path);
            QAction *a = m_recentMenu->addAction(postgres ? path : QFileInfo(path).fileName(), this,
                                                 [this, path, postgres] {
                                                     if (postgres)
                                                         connectToPostgres(path);
                                                     else
                                                         openDataset(path);
                                                 });
            a->setToolTip(path);
            a->setStatusTip(path);
        }
        if (m_recentMenu->isEmpty())
            m_recentMenu->addAction(tr("No recent datasets"))->setEnabled(false);
        else {
            m_recentMenu->addSeparator();
            m_recentMenu->addAction(tr("Clear List"), this, [] { QSettings().remove(u"recentDatasets"_s); });
        }
    });
    addAction(file, u"actionDemo"_s, tr("Open &Demo Dataset"), {},
              tr("Create and open a dataset of synthetic pairs"), [this] { openDemo(); });
    file->addSeparator();
    QAction *import =
        addAction(file, u"actionImport"_s, tr("&Import Files…"), QKeySequence(u"Ctrl+I"_s),
                  tr("Import JSONL, JSON or CSV files into this dataset"), [this] { chooseAndImport(); });
    QAction *exportAction =
        addAction(file, u"actionExport"_s, tr("&Export…"), QKeySequence(u"Ctrl+E"_s),
                  tr("Export the pairs for fine-tuning"), [this] {
                      if (exportHandler)
                          exportHandler();
                      else
                          QMessageBox::information(this, tr("Export"),
                                                   tr("Exporting from the window is not available in this "
                                                      "build. Use 'pairlens export DATASET -o FILE --format "
                                                      "FMT' on the command line."));
                  });
    QMenu *copyMenu = file->addMenu(tr("Cop&y Dataset To"));
    copyMenu->setObjectName(u"copyMenu"_s);
    QAction *copyToFile = addAction(copyMenu, u"actionCopyToFile"_s, tr("New Dataset &File…"), {},
                                    tr("Copy every pair, review, the trash, the audit log and the settings "
                                       "to a new dataset file"),
                                    [this] { chooseCopyTarget(false); });
    QAction *copyToPostgres = addAction(copyMenu, u"actionCopyToPostgres"_s, tr("&PostgreSQL…"), {},
                                        tr("Copy every pair, review, the trash, the audit log and the "
                                           "settings to an empty PostgreSQL schema"),
                                        [this] { chooseCopyTarget(true); });
    file->addSeparator();
    QAction *close = addAction(file, u"actionClose"_s, tr("&Close Dataset"), QKeySequence::Close, {},
                               [this] { closeDataset(); });
    addAction(file, u"actionQuit"_s, tr("&Quit"), QKeySequence::Quit, {}, [this] { this->close(); });

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(u"actionUndo"_s);
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(u"actionRedo"_s);
    redo->setShortcuts({QKeySequence(u"Ctrl+Shift+Z"_s), QKeySequence(u"Ctrl+Y"_s)});
    // The status bar says what was undone or redone (a "moved to the trash" would outlive its undo).
    connect(undo, &QAction::triggered, this,
            [this] { statusBar()->showMessage(tr("Undone: %1").arg(m_undo->text(m_undo->index())), 5000); });
    connect(redo, &QAction::triggered, this, [this] {
        statusBar()->showMessage(tr("Redone: %1").arg(m_undo->text(m_undo->index() - 1)), 5000);
    });
    edit->addAction(undo);
    edit->addAction(redo);
    QWidget::addAction(undo);
    QWidget::addAction(redo);
    edit->addSeparator();
    edit->addActions(pairTableCopyActions(m_table)); // Ctrl+C: the selected rows as TSV; CSV
    edit->addSeparator();
    QAction *add = addAction(edit, u"actionAddPair"_s, tr("&Add Pair…"), QKeySequence(u"Ctrl+Shift+N"_s),
                             tr("Add a pair by hand"), [this] { m_curator->addPair(); });
    QAction *editPair =
        addAction(edit, u"actionEditPair"_s, tr("&Edit Pair…"), QKeySequence(u"F2"_s),
                  tr("Edit the question and SQL of the current pair"), [this] { m_curator->editCurrent(); });
    edit->addSeparator();
    QAction *del =
        addAction(edit, u"actionDelete"_s, tr("&Delete Selected…"), QKeySequence::Delete,
                  tr("Move the selected pairs to the trash"), [this] { m_curator->deleteSelected(); });
    QAction *delAll = addAction(
        edit, u"actionDeleteMatching"_s, tr("Delete All &Matching…"), QKeySequence(u"Shift+Del"_s),
        tr("Move every pair matching the filter to the trash"), [this] { m_curator->deleteMatching(); });
    QAction *trash = addAction(edit, u"actionTrash"_s, tr("&Trash…"), QKeySequence(u"Ctrl+T"_s),
                               tr("Restore or purge deleted pairs"), [this] { showTrash(); });
    edit->addSeparator();
    QAction *privacySettings =
        addAction(edit, u"actionPrivacySettings"_s, tr("&Privacy Settings…"), QKeySequence(u"Ctrl+Shift+P"_s),
                  tr("How each kind of personal data is anonymized, and your own patterns"),
                  [this] { PrivacySettingsDialog::edit(m_session, m_undo, this); });

    QMenu *review = menuBar()->addMenu(tr("&Review"));
    QAction *approve = addAction(review, u"actionApprove"_s, tr("&Approve"), QKeySequence(u"A"_s),
                                 tr("Approve the selected pairs"), [this] { m_curator->approve(); });
    QAction *reject = addAction(review, u"actionReject"_s, tr("&Reject"), QKeySequence(u"R"_s),
                                tr("Reject the selected pairs"), [this] { m_curator->reject(); });
    QAction *reset =
        addAction(review, u"actionResetReview"_s, tr("Mark &Unreviewed"), QKeySequence(u"U"_s),
                  tr("Reset the review status of the selected pairs"), [this] { m_curator->resetReview(); });
    review->addSeparator();
    QAction *next = addAction(review, u"actionNext"_s, tr("&Next Pair"), QKeySequence(u"J"_s),
                              tr("Go to the next pair"), [this] { m_curator->next(); });
    QAction *previous = addAction(review, u"actionPrevious"_s, tr("&Previous Pair"), QKeySequence(u"K"_s),
                                  tr("Go to the previous pair"), [this] { m_curator->previous(); });
    QAction *nextUnreviewed = addAction(
        review, u"actionNextUnreviewed"_s, tr("Next Un&reviewed"), QKeySequence(u"N"_s),
        tr("Go to the next pair that has not been reviewed"), [this] { m_curator->nextUnreviewed(); });
    QAction *goTo = addAction(review, u"actionGoToPair"_s, tr("&Go to Pair…"), QKeySequence(u"Ctrl+G"_s),
                              tr("Select the pair with a given pair id"), [this] { m_curator->goToPair(); });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *preview = addAction(view, u"actionPreview"_s, tr("Anonymization &Preview"), QKeySequence(u"P"_s),
                                 tr("Show questions and SQL as they will be exported"), {});
    preview->setCheckable(true);
    connect(preview, &QAction::toggled, this, &MainWindow::setPreview);
    QAction *find = addAction(view, u"actionFind"_s, tr("&Search"), QKeySequence::Find,
                              tr("Search questions and SQL"), [this] {
                                  m_filterDock->show();
                                  m_filters->focusSearch();
                              });
    QAction *clearFilters =
        addAction(view, u"actionClearFilters"_s, tr("&Clear Filters"), QKeySequence(u"Ctrl+Shift+L"_s),
                  tr("Show all pairs again"), [this] { m_filters->clear(); });
    QAction *refreshAction =
        addAction(view, u"actionRefresh"_s, tr("&Refresh"), QKeySequence::Refresh,
                  tr("Reload the pairs, including those other programs added"), [this] { refresh(); });
    view->addSeparator();
    view->addAction(m_filterDock->toggleViewAction());
    view->addAction(m_detailDock->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    addAction(help, u"actionShortcuts"_s, tr("&Keyboard Shortcuts"), QKeySequence::HelpContents, {},
              [this] { showShortcuts(); });
    addAction(help, u"actionAbout"_s, tr("&About PairLens"), {}, {}, [this] {
        QMessageBox::about(this, tr("About PairLens"),
                           tr("<b>PairLens %1</b><p>Curate natural-language to SQL training pairs: filter, "
                              "review, anonymize and export them.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });

    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolBar"_s);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->setMovable(false);
    for (QAction *a : {import, exportAction})
        bar->addAction(a);
    bar->addSeparator();
    bar->addAction(preview);
    bar->addSeparator();
    for (QAction *a : {approve, reject, reset, nextUnreviewed})
        bar->addAction(a);
    bar->addSeparator();
    for (QAction *a : {del, undo, trash})
        bar->addAction(a);

    // The table's context menu and double-click.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *separator = new QAction(this);
    separator->setSeparator(true);
    auto *separator2 = new QAction(this);
    separator2->setSeparator(true);
    m_table->addActions({approve, reject, reset, separator, editPair, del, separator2, preview});
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this, editPair] {
        if (editPair->isEnabled())
            m_curator->editCurrent();
    });

    m_needsDataset = {close,      exportAction,  trash, next,         previous,      nextUnreviewed,
                      goTo,       preview,       find,  clearFilters, refreshAction, privacySettings,
                      copyToFile, copyToPostgres};
    m_needsWritable = {import, add, editPair, del, delAll, approve, reject, reset};
}

void MainWindow::updateActions()
{
    const bool open = m_session->isOpen();
    const bool writable = open && !m_session->isReadOnly();
    const bool selected = open && m_curator->selectedCount() > 0;
    for (QAction *a : std::as_const(m_needsDataset))
        a->setEnabled(open);
    for (QAction *a : std::as_const(m_needsWritable))
        a->setEnabled(writable);
    for (const char *name :
         {"actionApprove", "actionReject", "actionResetReview", "actionDelete", "actionEditPair"}) {
        if (QAction *a = findChild<QAction *>(QString::fromLatin1(name)))
            a->setEnabled(writable && selected);
    }
}

void MainWindow::showShortcuts()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard Shortcuts"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *table = new QTableWidget(&dialog);
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    for (QAction *a : actions()) {
        if (a->shortcut().isEmpty())
            continue;
        const int row = table->rowCount();
        table->insertRow(row);
        table->setItem(row, 0, new QTableWidgetItem(a->text().remove(u'&').remove(u"…"_s)));
        table->setItem(row, 1, new QTableWidgetItem(a->shortcut().toString(QKeySequence::NativeText)));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(table);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(420, 520);
    dialog.exec();
}

} // namespace pairlens::ui
