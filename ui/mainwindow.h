#pragma once

#include "dataset/filter.h"

#include <QMainWindow>

#include <functional>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;
class QUndoStack;

namespace pairlens::ui {

class ConnectDialog;
class Curator;
class DatasetSession;
class DetailPane;
class EmptyState;
class FilterChips;
class FilterPanel;
class InfoBar;
class PairTableModel;
class StatisticsView;
class TrashDialog;
struct OpenInfo;

// The main window: the pairs table with its filter panel and detail pane, menus and toolbar, the
// banners and the empty states. The database work happens in DatasetSession's worker thread; the
// review and delete work in Curator; this class wires them together and keeps the layout.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opening is asynchronous: the table fills when the worker has opened the dataset. Returns
    // false (with a message in the window) when there is nothing to open at `path`.
    // readOnly: nothing is changed, not even derived fields (for reviewers who must not write).
    bool openDataset(const QString &path, bool readOnly = false);
    void newDataset(const QString &path);
    void openDemo();
    void openLastDataset();
    void closeDataset();
    // Imports JSONL / JSON / CSV files into the open dataset (progress dialog, report).
    void importFiles(const QStringList &files);
    // mainwindowpg.cpp: File > Connect to PostgreSQL… (the dialog, open and window-modal; `prefill`
    // a recent connection's URL), and File > Copy Dataset To: the open dataset copied to a new
    // file or an empty PostgreSQL schema on a pool thread, with progress and cancel.
    ConnectDialog *connectToPostgres(const QString &prefill = {});
    void copyDatasetTo(const QString &target);

    // Hook for the statistics view (ui/stats/): adds it as a tab next to the pairs. The window
    // calls `setFilter` on it with every filter change; its filterRequested() applies a filter.
    void addStatisticsTab(QWidget *view, const QString &title);
    // The current filter and the selected rows, e.g. for an export dialog (File > Export).
    std::function<void()> exportHandler;
    // A JSONL, JSON or CSV file opened as a dataset: asks whether to import it into a new dataset,
    // proposed beside it. Returns the new dataset's path, empty to cancel (tests replace it).
    std::function<QString(const QString &file, const QString &proposed)> askImportAsDataset;
    // True for a file of pairs (by its suffix: .jsonl, .ndjson, .json, .csv), not a dataset.
    static bool isPairFile(const QString &path);

    DatasetSession *session() const { return m_session; }
    PairTableModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    FilterPanel *filterPanel() const { return m_filters; }
    FilterChips *filterChips() const { return m_chips; }
    DetailPane *detailPane() const { return m_detail; }
    QUndoStack *undoStack() const { return m_undo; }
    Curator *curator() const { return m_curator; }
    TrashDialog *trashDialog() const { return m_trash; }
    StatisticsView *statisticsView() const { return m_stats; }
    InfoBar *errorBar() const { return m_errorBar; }
    InfoBar *externalBar() const { return m_externalBar; }
    InfoBar *readOnlyBar() const { return m_readOnlyBar; }
    QString statusText() const;

public slots:
    void showTrash();
    void setPreview(bool on);
    void refresh();

signals:
    void datasetOpened(const QString &location);
    // A copy (copyDatasetTo) ended: `error` is empty on success.
    void copyFinished(bool ok, const QString &error);
    void filterApplied(const pairlens::Filter &filter);
    // The status bar's totals ("3,000 pairs · Counting… · 0 selected") changed to `text`.
    void statusTextChanged(const QString &text);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildTable();
    void buildDocks();
    void buildActions();
    void buildStatusBar();
    void buildStatistics();
    void buildFilters(); // mainwindowfilters.cpp: chips, facet counts, a new dataset's filter
    void syncStatistics();
    void showExportDialog();
    QAction *addAction(QMenu *menu, const QString &name, const QString &text, const QKeySequence &shortcut,
                       const QString &tip, const std::function<void()> &slot);
    void restoreSettings();
    void saveSettings();
    void onOpened(const OpenInfo &info);
    void onOpenFailed(const QString &location, const QString &error, const QString &details);
    void showError(const QString &message, const QString &details = QString());
    void importAsNewDataset(const QString &file); // mainwindowpairfile.cpp
    // Imports the files into `location` in an ImportDialog (a new dataset's bulk load when
    // `createsDataset`); `done` runs when it ends, before its report is shown.
    void startImport(const QString &location, const QStringList &files, bool createsDataset,
                     const std::function<void()> &done);
    void updateActions();
    void updateStatus();
    void updateDetail();
    // The pair pane takes room only when it has a pair to show: a current row on the Pairs tab
    // (unless the user closed it, or it floats).
    void updateDetailDock();
    void updateEmptyResult();
    void rememberRecent(const QString &path);
    QStringList recentDatasets() const;
    QStringList recentConnections() const; // the PostgreSQL ones, newest first
    void chooseCopyTarget(bool postgres);
    void chooseAndOpen(bool readOnly = false);
    void chooseAndCreate();
    void chooseAndImport();
    void showShortcuts();

    DatasetSession *m_session = nullptr;
    PairTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    FilterPanel *m_filters = nullptr;
    FilterChips *m_chips = nullptr;
    QString m_filterDataset;     // the dataset the filter was set on
    bool m_countPending = false; // the table's count is not for its filter yet
    DetailPane *m_detail = nullptr;
    QUndoStack *m_undo = nullptr;
    Curator *m_curator = nullptr;
    TrashDialog *m_trash = nullptr;
    StatisticsView *m_stats = nullptr;
    bool m_statsStale = false;  // recomputed when the statistics tab is shown
    bool m_detailWanted = true; // the user's choice: the pair pane shows up with a pair
    QStackedWidget *m_stack = nullptr;
    EmptyState *m_empty = nullptr;
    QTabWidget *m_tabs = nullptr;
    QWidget *m_noMatches = nullptr;
    QLabel *m_noMatchesText = nullptr;
    InfoBar *m_errorBar = nullptr;
    QToolButton *m_openOtherButton = nullptr; // on m_errorBar when an open failed
    InfoBar *m_readOnlyBar = nullptr;
    InfoBar *m_externalBar = nullptr;
    QDockWidget *m_filterDock = nullptr;
    QDockWidget *m_detailDock = nullptr;
    QMenu *m_recentMenu = nullptr;
    QLabel *m_statusTotals = nullptr;
    QLabel *m_statusBusy = nullptr;
    QList<QAction *> m_needsDataset;  // enabled while a dataset is open
    QList<QAction *> m_needsWritable; // and only when it is writable
    QString m_pendingOpen;
    QStringList m_importAfterOpen; // files imported once the new dataset is open
    int m_busy = 0;
    int m_keepTopRow = -1;
    bool m_choicesPending = false;
    bool m_columnsFitted = false;
    bool m_fitPending = false;
    bool m_copyRunning = false;
};

} // namespace pairlens::ui
