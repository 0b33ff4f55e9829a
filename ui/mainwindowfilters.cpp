// MainWindow: the filter's parts around the table (chips, facet counts, a new dataset's filter, the
// counting state of the status bar) and the statistics tab that follows the filter.
#include "mainwindow.h"

#include "datasetsession.h"
#include "filterchips.h"
#include "filterpanel.h"
#include "pairtablemodel.h"
#include "stats/statisticsview.h"

#include <QDockWidget>
#include <QFileInfo>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

bool sameDataset(const QString &a, const QString &b)
{
    if (a.contains(u"://"_s) || b.contains(u"://"_s))
        return a == b;
    return QFileInfo(a).absoluteFilePath() == QFileInfo(b).absoluteFilePath();
}

} // namespace

void MainWindow::buildFilters()
{
    // The filter panel takes the window's whole height; the pair pane fits under the table.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    // The active filters as chips right above the table.
    m_chips = new FilterChips;
    auto *page = qobject_cast<QVBoxLayout *>(m_table->parentWidget()->layout());
    page->insertWidget(page->indexOf(m_table), m_chips);
    connect(m_chips, &FilterChips::filterEdited, m_filters, &FilterPanel::applyFilter);
    auto showChips = [this] { m_chips->setFilter(m_model->filter(), m_session->location()); };
    connect(this, &MainWindow::filterApplied, this, showChips);
    connect(this, &MainWindow::datasetOpened, this, showChips);

    // The panel counts its facets on the open dataset, again after every change to it.
    connect(this, &MainWindow::datasetOpened, m_filters,
            [this] { m_filters->setDataset(m_session->connectLocation()); });
    connect(m_session, &DatasetSession::modified, m_filters, &FilterPanel::recount);
    connect(m_session, &DatasetSession::closed, this, [this] {
        m_filters->setDataset({});
        m_chips->setFilter({}, {});
    });

    // Until the table's count answers the new filter, the status bar says it is counting.
    connect(this, &MainWindow::filterApplied, this, [this] {
        m_countPending = true;
        updateStatus();
    });
    connect(m_model, &PairTableModel::countChanged, this, [this] {
        m_countPending = false;
        updateStatus();
    });

    // A filter belongs to the dataset it was set on (the one restored from the last session to the
    // last dataset): another dataset opens unfiltered, so a search typed for one file never
    // silently filters the next.
    m_filterDataset = QSettings().value(u"lastDataset"_s).toString();
    connect(m_session, &DatasetSession::opening, this, [this](const QString &location) {
        const bool same = sameDataset(location, m_filterDataset);
        m_filterDataset = location;
        if (same || (m_filters->filter().isEmpty() && m_model->filter().isEmpty()))
            return;
        m_filters->setFilter({});
        m_model->setFilter({});
        emit filterApplied(m_model->filter());
    });
}

void MainWindow::buildStatistics()
{
    m_stats = new StatisticsView;
    m_stats->setObjectName(u"statisticsView"_s);
    addStatisticsTab(m_stats, tr("Statistics"));
    // The view follows the table's dataset and filter, and the dataset's changes (deletes, undo,
    // imports, reviews and refreshes all end in DatasetSession::modified). While its tab is hidden
    // it only notes that it is stale and computes when it is shown.
    auto markStale = [this] {
        m_statsStale = true;
        syncStatistics();
    };
    connect(this, &MainWindow::datasetOpened, this, markStale);
    connect(this, &MainWindow::filterApplied, this, markStale);
    connect(m_session, &DatasetSession::modified, this, markStale);
    connect(m_session, &DatasetSession::closed, this, [this] {
        m_statsStale = false;
        m_stats->setDataset({});
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        // The pair pane has nothing to show for the charts: it gives them its room while they are
        // shown and comes back with the pairs.
        updateDetailDock();
        syncStatistics();
    });
    connect(m_stats, &StatisticsView::filterRequested, this, [this](const Filter &filter) {
        m_filters->setFilter(filter);
        m_model->setFilter(filter);
        emit filterApplied(filter); // the statistics narrow to it too
    });
}

void MainWindow::syncStatistics()
{
    if (!m_statsStale || m_tabs->currentWidget() != m_stats || !m_session->isOpen())
        return;
    m_statsStale = false;
    const QString location = m_session->connectLocation();
    if (m_stats->dataset() != location) {
        m_stats->setDataset({}); // cancels a computation for the old dataset without starting one
        m_stats->setFilter(m_model->filter());
        m_stats->setDataset(location);
    } else {
        m_stats->setFilter(m_model->filter()); // recomputes
    }
}

} // namespace pairlens::ui
