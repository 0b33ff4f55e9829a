#include "mainwindow.h"

#include "curator.h"
#include "datasetsession.h"
#include "detailpane.h"
#include "emptystate.h"
#include "exportdialog.h"
#include "filterpanel.h"
#include "infobar.h"
#include "pairtablemodel.h"
#include "pairtableview.h"
#include "privacydecider.h"
#include "stats/statisticsview.h"
#include "trashdialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QHeaderView>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("PairLens"));
    setAcceptDrops(true);
    resize(1400, 860);
    m_session = new DatasetSession(this);
    m_undo = new QUndoStack(this);
    m_model = new PairTableModel(m_session, Filter::Scope::Live, this);

    m_errorBar = new InfoBar(InfoBar::Kind::Error);
    m_errorBar->setObjectName(u"errorBar"_s);
    // What can be done when a dataset cannot be opened: open another one (the banner says why).
    m_openOtherButton = m_errorBar->addButton(tr("Open Another Dataset…"), u"openOtherButton"_s);
    m_openOtherButton->hide();
    connect(m_openOtherButton, &QToolButton::clicked, this, [this] {
        m_errorBar->hide();
        chooseAndOpen();
    });
    m_empty = new EmptyState;
    m_tabs = new QTabWidget;
    m_tabs->setTabBarAutoHide(true); // a single tab needs no tab bar; statistics add the second
    m_tabs->setDocumentMode(true);
    buildTable();

    m_stack = new QStackedWidget;
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_tabs);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->setSpacing(4);
    layout->addWidget(m_errorBar);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_curator = new Curator(m_session, m_model, m_table, m_undo, this);
    buildDocks();
    buildActions();
    buildStatusBar();
    buildStatistics();
    buildFilters();
    exportHandler = [this] { showExportDialog(); };

    connect(m_empty, &EmptyState::openRequested, this, [this] { chooseAndOpen(); });
    connect(m_empty, &EmptyState::newRequested, this, &MainWindow::chooseAndCreate);
    connect(m_empty, &EmptyState::demoRequested, this, &MainWindow::openDemo);
    connect(m_empty, &EmptyState::recentRequested, this, [this](const QString &path) { openDataset(path); });
    connect(m_session, &DatasetSession::opened, this, &MainWindow::onOpened);
    connect(m_session, &DatasetSession::openFailed, this, &MainWindow::onOpenFailed);
    connect(m_session, &DatasetSession::writeFailed, this, &MainWindow::showError);
    // The server is back: its "cannot reach" message comes down (not another message shown since).
    connect(m_session, &DatasetSession::reconnected, this, [this](const QStringList &errors) {
        if (m_errorBar->isVisible() && errors.contains(m_errorBar->text()))
            m_errorBar->hide();
        statusBar()->showMessage(tr("Connected to the dataset's server again."), 8000);
    });
    connect(m_session, &DatasetSession::totalsChanged, this, &MainWindow::updateStatus);
    connect(m_session, &DatasetSession::busyChanged, this, [this](bool busy) {
        m_busy = std::max(0, m_busy + (busy ? 1 : -1));
        m_statusBusy->setVisible(m_busy > 0);
        if (!busy)
            m_statusBusy->setText(tr("Working…"));
    });
    connect(m_session, &DatasetSession::writeProgress, this, [this](qint64 done, qint64 total) {
        // Large reviews, deletes, restores and their undos go in chunks: say how far they are.
        if (total >= 1000)
            m_statusBusy->setText(tr("Working… %1 %").arg(done * 100 / total));
    });
    connect(m_session, &DatasetSession::externalChange, this, [this](qint64 added, qint64) {
        if (added <= 0)
            return;
        m_externalBar->setText(added == 1 ? tr("1 new pair was added to the dataset by another program.")
                                          : tr("%n new pairs were added to the dataset by another program.",
                                               nullptr, int(added)));
        m_externalBar->show();
    });
    connect(m_session->worker(), &DatasetWorker::choicesLoaded, m_filters, &FilterPanel::setChoices);
    connect(m_curator, &Curator::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, 5000); });
    connect(m_filters, &FilterPanel::filterChanged, this, [this](const Filter &filter) {
        m_model->setFilter(filter);
        emit filterApplied(filter);
    });
    connect(m_model, &PairTableModel::countChanged, this, &MainWindow::updateStatus);
    connect(m_model, &PairTableModel::countChanged, this, &MainWindow::updateEmptyResult);
    auto requestChoices = [this] {
        if (m_choicesPending && m_session->isOpen()) {
            m_choicesPending = false;
            m_session->requestChoices();
        }
    };
    connect(m_model, &PairTableModel::pageArrived, this, requestChoices);
    connect(m_model, &PairTableModel::pageArrived, this, [this] {
        if (m_fitPending && m_table->isVisible()) {
            m_fitPending = false;
            m_columnsFitted = true;
            fitPairColumns(m_table);
        }
    });
    connect(m_model, &PairTableModel::countChanged, this, [requestChoices](qint64 n) {
        if (n == 0)
            requestChoices();
    });
    connect(m_model, &PairTableModel::pageArrived, this, [this](qint64 first, qint64 last) {
        const int row = m_table->currentIndex().row();
        if (row >= first && row <= last)
            updateDetail();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &MainWindow::updateDetail);
    connect(m_model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                if (first != 0 || m_keepTopRow < 0)
                    return;
                // New pairs came in on top: keep the pairs that were on screen where they were.
                const int top = m_keepTopRow + (last - first + 1);
                m_keepTopRow = -1;
                QTimer::singleShot(0, this, [this, top] {
                    m_table->scrollTo(m_model->index(top, 0), QAbstractItemView::PositionAtTop);
                });
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateStatus);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateActions);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::updateDetail);
    connect(m_undo, &QUndoStack::indexChanged, this, &MainWindow::updateStatus);

    m_filters->searchEdit()->installEventFilter(this);
    restoreSettings();
    updateActions();
    updateStatus();
}

MainWindow::~MainWindow()
{
    // Children die after this body: keep their last signals away from a half-destroyed window.
    m_undo->disconnect(this);
    m_table->selectionModel()->disconnect(this);
    m_session->disconnect(this);
    m_model->disconnect(this);
}

void MainWindow::buildTable()
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    m_readOnlyBar = new InfoBar(InfoBar::Kind::Warning);
    m_readOnlyBar->setObjectName(u"readOnlyBar"_s);
    m_readOnlyBar->setClosable(false);
    m_externalBar = new InfoBar(InfoBar::Kind::Info);
    m_externalBar->setObjectName(u"externalBar"_s);
    connect(m_externalBar->addButton(tr("Refresh"), u"refreshButton"_s), &QToolButton::clicked, this,
            &MainWindow::refresh);

    m_table = new QTableView;
    m_table->setObjectName(u"pairTable"_s);
    m_table->setModel(m_model);
    setUpPairTable(m_table);
    m_table->setSortingEnabled(false); // sorting happens in SQL; the header click is wired by hand
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionsMovable(true);
    header->setSortIndicatorShown(true);
    // The default order, newest added first, has its own column (#, the row number) to show its
    // indicator on: Time would claim a time order that an imported history does not have. It is
    // the fastest order for searches (the full-text index's own). Set before the handler below
    // is connected; the model starts in that order.
    header->setSortIndicator(PairTableModel::Added, Qt::DescendingOrder);
    header->setSectionsClickable(true);
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this](int section, Qt::SortOrder order) {
        if (section < 0)
            m_model->setSort({PairStore::SortColumn::Id, Qt::DescendingOrder});
        else
            m_model->sort(section, order);
    });

    m_noMatches = new QWidget(m_table->viewport());
    m_noMatches->setObjectName(u"noMatches"_s);
    auto *nm = new QVBoxLayout(m_noMatches);
    m_noMatchesText = new QLabel;
    m_noMatchesText->setAlignment(Qt::AlignCenter);
    m_noMatchesText->setWordWrap(true);
    QFont f = m_noMatchesText->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_noMatchesText->setFont(f);
    auto *clear = new QPushButton(tr("Clear filters"));
    clear->setObjectName(u"noMatchesClear"_s);
    nm->addStretch(1);
    nm->addWidget(m_noMatchesText);
    nm->addWidget(clear, 0, Qt::AlignCenter);
    nm->addStretch(2);
    m_noMatches->hide();
    m_table->viewport()->installEventFilter(this);
    connect(clear, &QPushButton::clicked, this, [this] {
        if (m_model->filter().isEmpty())
            chooseAndImport();
        else
            m_filters->clear();
    });

    layout->addWidget(m_readOnlyBar);
    layout->addWidget(m_externalBar);
    layout->addWidget(m_table, 1);
    m_tabs->addTab(page, tr("Pairs"));
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        m_noMatches->setGeometry(m_table->viewport()->rect());
    if (watched == m_detailDock && event->type() == QEvent::Close)
        m_detailWanted = false; // its close button
    // The search box would take Ctrl+E as "end of line" (X11 key bindings): it exports instead, as
    // everywhere else in the window (End still ends the line). Left unaccepted, the shortcut runs.
    if (m_filters && watched == m_filters->searchEdit() && event->type() == QEvent::ShortcutOverride) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const QAction *exportAction = findChild<QAction *>(u"actionExport"_s);
        if (exportAction && QKeySequence(key->keyCombination()) == exportAction->shortcut())
            return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::buildDocks()
{
    m_filters = new FilterPanel;
    m_filterDock = new QDockWidget(tr("Filters"), this);
    m_filterDock->setObjectName(u"filterDock"_s);
    m_filterDock->setWidget(m_filters);
    m_filterDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::LeftDockWidgetArea, m_filterDock);

    m_detail = new DetailPane;
    m_detailDock = new QDockWidget(tr("Pair"), this);
    m_detailDock->setObjectName(u"detailDock"_s);
    m_detailDock->setWidget(m_detail);
    m_detailDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::BottomDockWidgetArea, m_detailDock);
    resizeDocks({m_filterDock}, {270}, Qt::Horizontal);
    resizeDocks({m_detailDock}, {330}, Qt::Vertical);
    // View > Pair and the pane's close button say whether it comes with a selected pair.
    connect(m_detailDock->toggleViewAction(), &QAction::triggered, this,
            [this](bool on) { m_detailWanted = on; });
    m_detailDock->installEventFilter(this);
    connect(m_detail, &DetailPane::noteEdited, m_curator, &Curator::saveNote);
    connect(m_detail, &DetailPane::noteLeft, this, [this] { m_table->setFocus(Qt::ShortcutFocusReason); });
    connect(m_detail, &DetailPane::recordRequested, m_session, &DatasetSession::requestRecord);
    connect(m_session->worker(), &DatasetWorker::recordPreviewed, m_detail, &DetailPane::setRecord);
    auto *decider = new PrivacyDecider(m_session, m_undo, this);
    connect(m_detail, &DetailPane::privacyDecided, decider, &PrivacyDecider::decide);
}

void MainWindow::buildStatusBar()
{
    m_statusTotals = new QLabel;
    m_statusTotals->setObjectName(u"statusTotals"_s);
    m_statusBusy = new QLabel(tr("Working…"));
    m_statusBusy->hide();
    statusBar()->addPermanentWidget(m_statusBusy);
    statusBar()->addPermanentWidget(m_statusTotals);
}

QString MainWindow::statusText() const
{
    return m_statusTotals->text();
}

void MainWindow::updateStatus()
{
    const auto show = [this](const QString &text) {
        if (text == m_statusTotals->text())
            return;
        m_statusTotals->setText(text);
        emit statusTextChanged(text);
    };
    if (!m_session->isOpen()) {
        show(tr("No dataset open"));
        return;
    }
    const QLocale l;
    QStringList parts;
    // Never a count that is not known yet ("0 pairs" while the totals are counted) or is another
    // filter's: "Counting…" until it is.
    const bool filtered = !m_model->filter().isEmpty(), counted = m_model->isCounted() && !m_countPending;
    if (m_session->totalsKnown() || (!filtered && counted))
        parts << tr("%1 pairs")
                     .arg(l.toString(m_session->totalsKnown() ? m_session->liveTotal()
                                                              : m_model->matchingCount()));
    if (filtered ? !counted : !(m_session->totalsKnown() || counted))
        parts << tr("Counting…");
    else if (filtered)
        parts << tr("%1 matching").arg(l.toString(m_model->matchingCount()));
    parts << tr("%1 selected").arg(l.toString(m_curator->selectedCount()));
    if (m_session->trashTotal() > 0)
        parts << tr("%1 in the trash").arg(l.toString(m_session->trashTotal()));
    show(parts.join(u"   ·   "_s));
}

void MainWindow::updateDetail()
{
    const Pair *pair = m_model->pairAt(m_table->currentIndex().row());
    m_detail->setPair(pair, m_session->anonymizer());
    updateDetailDock();
}

void MainWindow::updateDetailDock()
{
    if (m_detailDock->isFloating())
        return;
    const bool show = m_detailWanted && m_tabs->currentWidget() != m_stats && m_session->isOpen() &&
                      m_table->currentIndex().isValid();
    if (m_detailDock->isVisible() != show)
        m_detailDock->setVisible(show);
}

void MainWindow::updateEmptyResult()
{
    const bool empty = m_session->isOpen() && m_model->isCounted() && m_model->matchingCount() == 0;
    m_noMatches->setVisible(empty);
    if (!empty)
        return;
    auto *button = m_noMatches->findChild<QPushButton *>(u"noMatchesClear"_s);
    if (m_model->filter().isEmpty()) {
        m_noMatchesText->setText(
            tr("This dataset has no pairs yet.\nImport JSONL, JSON or CSV files, or drop them here."));
        button->setText(tr("Import Files…"));
        button->setVisible(!m_session->isReadOnly());
    } else {
        m_noMatchesText->setText(tr("No pairs match the filter."));
        button->setText(tr("Clear filters"));
        button->setVisible(true);
    }
    m_noMatches->setGeometry(m_table->viewport()->rect());
    m_noMatches->raise();
}

void MainWindow::showError(const QString &message, const QString &details)
{
    m_errorBar->setText(message);
    m_errorBar->setDetails(details);
    m_openOtherButton->hide(); // only for a dataset that could not be opened
    m_errorBar->show();
}

void MainWindow::refresh()
{
    if (!m_session->isOpen())
        return;
    m_externalBar->hide();
    const QModelIndex top = m_table->indexAt(QPoint(0, 0));
    const bool newestFirst = m_model->currentSort().column == PairStore::SortColumn::Id &&
                             m_model->currentSort().order == Qt::DescendingOrder;
    m_keepTopRow = newestFirst && top.isValid() ? top.row() : -1;
    m_session->refresh();
}

void MainWindow::setPreview(bool on)
{
    m_model->setPreview(on);
    if (QAction *a = findChild<QAction *>(u"actionPreview"_s); a && a->isChecked() != on)
        a->setChecked(on);
}

void MainWindow::showTrash()
{
    if (!m_session->isOpen())
        return;
    if (!m_trash) {
        m_trash = new TrashDialog(m_session, this);
        m_trash->setUndoStack(m_undo);
    }
    m_trash->show();
    m_trash->raise();
    m_trash->activateWindow();
}

void MainWindow::addStatisticsTab(QWidget *view, const QString &title)
{
    m_tabs->addTab(view, title);
}

void MainWindow::showExportDialog()
{
    if (!m_session->isOpen())
        return;
    ExportDialog::Source source;
    source.location = m_session->connectLocation(); // a PostgreSQL password stays in memory
    source.readOnly = m_session->isReadOnly();
    source.filter = m_model->filter();
    source.filterCount = m_model->rowCount();
    const QItemSelection selection = m_table->selectionModel()->selection();
    source.selection = m_model->selectionFor(selection);
    source.selectedCount = PairTableModel::selectedRowCount(selection);
    source.total = m_session->liveTotal();
    auto *dialog = new ExportDialog(source, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ExportDialog::exportFinished, this, [this](const exporting::ExportResult &result) {
        if (result.ok)
            statusBar()->showMessage(ExportDialog::summary(result), 8000);
    });
    dialog->open();
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(u"window/geometry"_s).toByteArray());
    restoreState(s.value(u"window/state"_s).toByteArray());
    m_detailWanted = s.value(u"window/pairPane"_s, true).toBool();
    updateDetailDock();
    m_columnsFitted =
        m_table->horizontalHeader()->restoreState(s.value(u"window/tableHeader"_s).toByteArray());
    QHeaderView *header = m_table->horizontalHeader();
    const int section = header->sortIndicatorSection();
    const Qt::SortOrder order = header->sortIndicatorOrder();
    if (section < 0) {
        // Settings from before the default order had its indicator: the default, newest added first.
        const QSignalBlocker block(header);
        header->setSortIndicator(PairTableModel::Added, Qt::DescendingOrder);
        m_model->sort(PairTableModel::Added, Qt::DescendingOrder);
    } else {
        m_model->sort(section, order);
    }
    const Filter filter =
        Filter::fromJson(QJsonDocument::fromJson(s.value(u"filter"_s).toByteArray()).object());
    m_filters->setFilter(filter);
    m_model->setFilter(filter);
    setPreview(s.value(u"preview"_s, false).toBool());
    m_empty->setRecent(recentDatasets());
}

void MainWindow::saveSettings()
{
    QSettings s;
    s.setValue(u"window/pairPane"_s, m_detailWanted);
    s.setValue(u"window/geometry"_s, saveGeometry());
    s.setValue(u"window/state"_s, saveState());
    s.setValue(u"window/tableHeader"_s, m_table->horizontalHeader()->saveState());
    s.setValue(u"filter"_s, QJsonDocument(m_filters->filter().toJson()).toJson(QJsonDocument::Compact));
    s.setValue(u"preview"_s, m_model->preview());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_detail->setPair(nullptr, nullptr); // saves a note still being typed
    saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace pairlens::ui
