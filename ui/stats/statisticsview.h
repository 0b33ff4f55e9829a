#pragma once

#include "dataset/filter.h"
#include "stats/chartfactory.h"
#include "stats/statistics.h"

#include <QMap>
#include <QThreadPool>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

class QChartView;
class QGridLayout;
class QLabel;
class QProgressBar;
class QStackedWidget;
class QToolButton;

namespace pairlens::ui {

class ReadInterrupt;

// The statistics dashboard: key figures and one chart per ChartKind for the pairs matching a
// filter. Computes on a worker thread with its own connection (results of an older filter are
// dropped). Clicking a bar or slice emits filterRequested() with the filter narrowed to it.
//
// Embedding: `auto *view = new StatisticsView(parent); view->setDataset(path);` then call
// setFilter() whenever the table's filter changes, and connect filterRequested to the code that
// applies a filter. Call refresh() after the dataset changed (deletes, imports, reviews).
class StatisticsView : public QWidget
{
    Q_OBJECT

public:
    explicit StatisticsView(QWidget *parent = nullptr);
    ~StatisticsView() override;

    // An empty location clears the view.
    void setDataset(const QString &location);
    QString dataset() const { return m_location; }
    void setFilter(const pairlens::Filter &filter);
    pairlens::Filter filter() const { return m_filter; }
    // The view counts duplicates (stats/duplicates.h) when at most this many pairs match.
    static constexpr qint64 kDuplicatesCounted = 100000;

    // The numbers last shown (valid when hasStatistics()).
    const Statistics &statistics() const { return m_stats; }
    bool hasStatistics() const { return m_hasStats; }
    bool isBusy() const { return m_busy; }
    // The chart view of a kind (for tests and embedding).
    QChartView *chartView(ChartKind kind) const { return m_views.value(kind); }

    QString statisticsMarkdown() const;
    QString statisticsJson() const;

    struct Result; // what the worker hands back (internal)

public slots:
    void refresh();
    void copyMarkdown();
    void copyJson();

signals:
    void filterRequested(pairlens::Filter filter);
    // Emitted when new numbers are shown (or an error).
    void statisticsReady();
    void busyChanged(bool busy);

protected:
    void changeEvent(QEvent *event) override;

private:
    void startComputation();
    void cancelRunning(); // the running computation: its flag set, its statement in flight stopped
    void showResult(const Result &result);
    void rebuildCharts();
    void connectChart(ChartKind kind, QChart *chart);
    void clicked(ChartKind kind, const QJsonObject &refinement);
    void showChartMenu(ChartKind kind, const QPoint &globalPos);
    void saveChartAs(ChartKind kind, const QString &format);
    void setBusy(bool busy);
    void showProgress(qint64 done, qint64 total);
    void updateSummary();

    QString m_location;
    Filter m_filter;
    Statistics m_stats;
    bool m_hasStats = false;
    // The chart last clicked to filter, drawn from its base filter's numbers while the filter
    // differs from that base only in what the chart sets (chartselection.h).
    std::optional<ChartKind> m_pinKind;
    Filter m_pinBase;
    std::optional<Statistics> m_pinStats;
    bool m_busy = false;
    int m_generation = 0;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<ReadInterrupt> m_reads; // the running computation's statement in flight
    // The computations run here, not in the global pool, whose threads the duplicate count
    // (QtConcurrent::blockingMap) needs: two computations there (a stale one and its successor)
    // left it none and stalled both.
    QThreadPool m_pool;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_message = nullptr;
    QProgressBar *m_busyBar = nullptr;
    QToolButton *m_copyButton = nullptr;
    QMap<ChartKind, QChartView *> m_views;
};

} // namespace pairlens::ui
