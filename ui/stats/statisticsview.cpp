#include "stats/statisticsview.h"

#include "dataset/dataset.h"
#include "readinterrupt.h"
#include "stats/chartselection.h"
#include "stats/duplicates.h"
#include "storage/pgstorage.h"

#include <QAbstractBarSeries>
#include <QApplication>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDir>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPieSeries>
#include <QPieSlice>
#include <QPointer>
#include <QProgressBar>
#include <QScrollArea>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtConcurrent>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

struct StatisticsView::Result
{
    int generation = 0;
    Statistics stats;
    std::optional<Statistics> pinStats; // the pinned chart's base filter's numbers
    QString error;
    bool cancelled = false;
};

namespace {

enum Page
{
    ChartsPage,
    MessagePage
};

// A PostgreSQL dataset's statistics: aggregates computed by the server (Storage::statistics), then
// the duplicates as for a file (up to kDuplicatesCounted pairs). A cancelled one stops its statement
// in flight (`reads`: seconds of both cores at a million pairs) and is dropped.
StatisticsView::Result computeOnStorage(int generation, const QString &location, const Filter &filter,
                                        const std::optional<Filter> &pinBase,
                                        const std::shared_ptr<std::atomic_bool> &cancel,
                                        const std::shared_ptr<ReadInterrupt> &reads)
{
    StatisticsView::Result r;
    r.generation = generation;
    QString error;
    const auto fail = [&] {
        r.cancelled = cancel->load();
        r.error = error;
        return r;
    };
    std::unique_ptr<PgStorage> storage = PgStorage::open(location, &error, false);
    if (!storage)
        return fail();
    const ReadScope reading(reads, storage->statementCanceller());
    if (cancel->load() || !storage->statistics(filter, &r.stats, &error))
        return fail();
    if (r.stats.totalPairs <= StatisticsView::kDuplicatesCounted && !cancel->load() &&
        !storage->countDuplicates(filter, &r.stats, &error))
        return fail();
    if (pinBase) {
        Statistics base;
        if (cancel->load() || !storage->statistics(*pinBase, &base, &error))
            return fail();
        r.pinStats = base;
    }
    r.cancelled = cancel->load();
    return r;
}

// Runs on a pool thread: the dataset is opened (and closed) there, so its connection never
// crosses threads.
StatisticsView::Result computeOnWorker(int generation, const QString &location, const Filter &filter,
                                       const std::optional<Filter> &pinBase,
                                       std::shared_ptr<std::atomic_bool> cancel,
                                       std::shared_ptr<ReadInterrupt> reads,
                                       std::function<void(qint64, qint64)> report)
{
    const Progress progress([report](qint64 done, qint64 total, const QString &) { report(done, total); },
                            cancel.get());
    StatisticsView::Result r;
    r.generation = generation;
    QString error;
    if (isPostgresLocation(location))
        return computeOnStorage(generation, location, filter, pinBase, cancel, reads);
    auto dataset = Dataset::open(location, Dataset::Mode::ReadOnly, &error);
    if (!dataset) {
        r.error = error;
        return r;
    }
    if (!computeStatistics(*dataset, filter, &r.stats, &error, progress)) {
        r.cancelled = cancel->load();
        r.error = error;
        return r;
    }
    // Duplicates read every question and SQL: counted up to kDuplicatesCounted pairs (about a second).
    if (r.stats.totalPairs <= StatisticsView::kDuplicatesCounted &&
        !addDuplicates(*dataset, filter, &r.stats, &error, Progress({}, cancel.get()))) {
        r.cancelled = cancel->load();
        r.error = error;
        return r;
    }
    if (pinBase) {
        Statistics base;
        if (!computeStatistics(*dataset, *pinBase, &base, &error, Progress({}, cancel.get()))) {
            r.cancelled = cancel->load();
            r.error = error;
            return r;
        }
        r.pinStats = base;
    }
    return r;
}

// A chart view that offers the view's context menu.
class ChartView : public QChartView
{
public:
    ChartView(std::function<void(const QPoint &)> menu, QWidget *parent)
        : QChartView(parent), m_menu(std::move(menu))
    {
        setRenderHint(QPainter::Antialiasing);
        setMinimumSize(420, 300);
        setFrameShape(QFrame::NoFrame);
    }

protected:
    void contextMenuEvent(QContextMenuEvent *event) override { m_menu(event->globalPos()); }

private:
    std::function<void(const QPoint &)> m_menu;
};

} // namespace

StatisticsView::StatisticsView(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto *header = new QHBoxLayout;
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setObjectName(u"statisticsSummary"_s);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    connect(m_summary, &QLabel::linkActivated, this, [this](const QString &link) {
        Filter f = m_filter;
        f.duplicates = link.endsWith(u"exact"_s) ? Filter::Duplicates::Exact : Filter::Duplicates::Normalized;
        emit filterRequested(f);
    });
    header->addWidget(m_summary, 1);
    m_busyBar = new QProgressBar(this);
    m_busyBar->setRange(0, 0); // indeterminate
    m_busyBar->setMaximumWidth(120);
    m_busyBar->setTextVisible(false);
    m_busyBar->setToolTip(tr("Computing statistics…"));
    m_busyBar->hide();
    header->addWidget(m_busyBar);
    m_copyButton = new QToolButton(this);
    m_copyButton->setText(tr("Copy"));
    m_copyButton->setToolTip(tr("Copy the statistics to the clipboard"));
    m_copyButton->setPopupMode(QToolButton::InstantPopup);
    auto *copyMenu = new QMenu(m_copyButton);
    copyMenu->addAction(tr("Copy as Markdown"), this, &StatisticsView::copyMarkdown);
    copyMenu->addAction(tr("Copy as JSON"), this, &StatisticsView::copyJson);
    m_copyButton->setMenu(copyMenu);
    m_copyButton->setEnabled(false);
    header->addWidget(m_copyButton);
    auto *refreshButton = new QToolButton(this);
    refreshButton->setText(tr("Refresh"));
    refreshButton->setToolTip(tr("Compute the statistics again"));
    connect(refreshButton, &QToolButton::clicked, this, &StatisticsView::refresh);
    header->addWidget(refreshButton);
    layout->addLayout(header);

    m_pages = new QStackedWidget(this);
    auto *scroll = new QScrollArea(m_pages);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *grid = new QWidget(scroll);
    auto *gridLayout = new QGridLayout(grid);
    gridLayout->setSpacing(8);
    int i = 0;
    for (ChartKind kind : allChartKinds()) {
        auto *view = new ChartView([this, kind](const QPoint &pos) { showChartMenu(kind, pos); }, grid);
        view->setObjectName(u"chart-"_s + chartKindName(kind));
        view->setAccessibleName(chartTitle(kind));
        m_views.insert(kind, view);
        gridLayout->addWidget(view, i / 2, i % 2);
        ++i;
    }
    scroll->setWidget(grid);
    m_pages->insertWidget(ChartsPage, scroll);
    m_message = new QLabel(m_pages);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    QFont f = m_message->font();
    f.setPointSizeF(f.pointSizeF() * 1.3);
    m_message->setFont(f);
    m_pages->insertWidget(MessagePage, m_message);
    layout->addWidget(m_pages, 1);

    m_message->setText(tr("Open a dataset to see its statistics."));
    m_pages->setCurrentIndex(MessagePage);
    updateSummary();
}

StatisticsView::~StatisticsView()
{
    cancelRunning(); // a running computation stops soon; its result is dropped
}

void StatisticsView::cancelRunning()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_reads)
        m_reads->interrupt();
}

void StatisticsView::setDataset(const QString &location)
{
    m_location = location;
    m_hasStats = false;
    refresh();
}

void StatisticsView::setFilter(const Filter &filter)
{
    m_filter = filter;
    // Another filter than a click on the pinned chart: every chart shows the new filter alone.
    if (m_pinKind && !differsOnlyIn(m_pinBase, m_filter, chartFilterKeys(*m_pinKind)))
        m_pinKind.reset();
    refresh();
}

void StatisticsView::refresh()
{
    if (m_location.isEmpty()) {
        ++m_generation;
        cancelRunning();
        m_hasStats = false;
        setBusy(false);
        m_message->setText(tr("Open a dataset to see its statistics."));
        m_pages->setCurrentIndex(MessagePage);
        updateSummary();
        return;
    }
    startComputation();
}

void StatisticsView::startComputation()
{
    cancelRunning(); // the older computation is stale
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_reads = std::make_shared<ReadInterrupt>();
    const int generation = ++m_generation;
    setBusy(true);
    // Until the first numbers are in, the page says that they are being computed (never "Open a
    // dataset"), with how far it is.
    m_busyBar->setRange(0, 0);
    if (!m_hasStats) {
        m_message->setText(tr("Computing…"));
        m_pages->setCurrentIndex(MessagePage);
    }
    QPointer<StatisticsView> self(this);
    auto progress = [self, generation](qint64 done, qint64 total) {
        QMetaObject::invokeMethod(
            qApp,
            [self, generation, done, total] {
                if (self && self->m_generation == generation && self->m_busy)
                    self->showProgress(done, total);
            },
            Qt::QueuedConnection);
    };
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher] {
        watcher->deleteLater();
        showResult(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(&m_pool, computeOnWorker, generation, m_location, m_filter,
                                         m_pinKind ? std::optional<Filter>(m_pinBase) : std::nullopt,
                                         m_cancel, m_reads, progress));
}

void StatisticsView::showResult(const Result &result)
{
    if (result.generation != m_generation)
        return; // an older filter's numbers
    setBusy(false);
    if (!result.error.isEmpty()) {
        if (result.cancelled)
            return;
        m_hasStats = false;
        m_message->setText(tr("Cannot compute the statistics: %1").arg(result.error));
        m_pages->setCurrentIndex(MessagePage);
        updateSummary();
        emit statisticsReady();
        return;
    }
    m_stats = result.stats;
    m_hasStats = true;
    m_pinStats = result.pinStats;
    if (m_stats.totalPairs == 0) {
        m_message->setText(m_filter.isEmpty() ? tr("This dataset has no pairs yet.")
                                              : tr("No pairs match the filter."));
        m_pages->setCurrentIndex(MessagePage);
    } else {
        m_pages->setCurrentIndex(ChartsPage);
    }
    rebuildCharts();
    updateSummary();
    emit statisticsReady();
}

void StatisticsView::rebuildCharts()
{
    const ChartTheme theme = ChartTheme::fromPalette(palette());
    for (auto it = m_views.constBegin(); it != m_views.constEnd(); ++it) {
        const bool pinned = m_pinKind == it.key() && m_pinStats;
        QChart *chart = createChart(it.key(), pinned ? *m_pinStats : m_stats, theme);
        if (pinned)
            highlightSelection(chart, m_pinBase, m_filter);
        QChart *old = it.value()->chart();
        it.value()->setChart(chart); // the view owns the new chart
        delete old;
        connectChart(it.key(), chart);
    }
}

void StatisticsView::clicked(ChartKind kind, const QJsonObject &refinement)
{
    if (refinement.isEmpty())
        return;
    // The chart keeps the bars of the filter it was first clicked in: another click in it refines
    // that filter again, instead of the one the first click made.
    if (m_pinKind != kind) {
        m_pinKind = kind;
        m_pinBase = m_filter;
    }
    emit filterRequested(refineFilter(m_pinBase, refinement));
}

void StatisticsView::connectChart(ChartKind kind, QChart *chart)
{
    for (QAbstractSeries *series : chart->series()) {
        if (auto *bars = qobject_cast<QAbstractBarSeries *>(series)) {
            connect(bars, &QAbstractBarSeries::clicked, this,
                    [this, kind](int index, QBarSet *set) { clicked(kind, clickRefinement(set, index)); });
            connect(bars, &QAbstractBarSeries::hovered, this, [](bool status, int index, QBarSet *set) {
                if (status)
                    QToolTip::showText(QCursor::pos(), clickToolTip(set, index));
                else
                    QToolTip::hideText();
            });
        } else if (auto *pie = qobject_cast<QPieSeries *>(series)) {
            connect(pie, &QPieSeries::clicked, this,
                    [this, kind](QPieSlice *slice) { clicked(kind, clickRefinement(slice)); });
            connect(pie, &QPieSeries::hovered, this, [](QPieSlice *slice, bool state) {
                slice->setExploded(state || slice->property(kSelectedProperty).toBool());
                if (state)
                    QToolTip::showText(QCursor::pos(), clickToolTip(slice));
                else
                    QToolTip::hideText();
            });
        }
    }
}

void StatisticsView::showChartMenu(ChartKind kind, const QPoint &globalPos)
{
    QMenu menu(this);
    QAction *png = menu.addAction(tr("Save Chart as PNG…"));
    QAction *svg = menu.addAction(tr("Save Chart as SVG…"));
    menu.addSeparator();
    QAction *md = menu.addAction(tr("Copy Statistics as Markdown"));
    QAction *json = menu.addAction(tr("Copy Statistics as JSON"));
    for (QAction *a : {png, svg, md, json})
        a->setEnabled(m_hasStats);
    QAction *chosen = menu.exec(globalPos);
    if (chosen == png)
        saveChartAs(kind, u"png"_s);
    else if (chosen == svg)
        saveChartAs(kind, u"svg"_s);
    else if (chosen == md)
        copyMarkdown();
    else if (chosen == json)
        copyJson();
}

void StatisticsView::saveChartAs(ChartKind kind, const QString &format)
{
    const QString filter = format == u"svg"_s ? tr("SVG images (*.svg)") : tr("PNG images (*.png)");
    QString path =
        QFileDialog::getSaveFileName(this, tr("Save Chart"), chartKindName(kind) + u'.' + format, filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += u'.' + format;
    QString error;
    if (Dataset::isDatasetFile(m_location, path)) {
        QMessageBox::warning(
            this, tr("Save Chart"),
            tr("%1 is the dataset itself; choose another file.").arg(QDir::toNativeSeparators(path)));
        return;
    }
    if (!saveChart(kind, m_stats, path, QSize(1200, 720), &error))
        QMessageBox::warning(this, tr("Save Chart"), error);
}

QString StatisticsView::statisticsMarkdown() const
{
    return m_hasStats ? m_stats.toMarkdown() : QString();
}

QString StatisticsView::statisticsJson() const
{
    if (!m_hasStats)
        return {};
    QJsonObject o = m_stats.toJson();
    o.insert(u"filter"_s, m_filter.toJson());
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
}

void StatisticsView::copyMarkdown()
{
    if (m_hasStats)
        QApplication::clipboard()->setText(statisticsMarkdown());
}

void StatisticsView::copyJson()
{
    if (m_hasStats)
        QApplication::clipboard()->setText(statisticsJson());
}

void StatisticsView::showProgress(qint64 done, qint64 total)
{
    if (total <= 0)
        return;
    m_busyBar->setRange(0, 100);
    m_busyBar->setValue(int(done * 100 / total));
    if (!m_hasStats) // the last steps (duplicates, the charts) follow the last report: never "100 %"
        m_message->setText(done < total ? tr("Computing… %1 %").arg(done * 100 / total) : tr("Computing…"));
}

void StatisticsView::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    m_busyBar->setVisible(busy);
    emit busyChanged(busy);
}

void StatisticsView::updateSummary()
{
    m_copyButton->setEnabled(m_hasStats);
    if (!m_hasStats) {
        m_summary->clear();
        return;
    }
    const Statistics &s = m_stats;
    QStringList parts;
    parts << tr("<b>%1</b> pairs").arg(formatCount(s.totalPairs));
    parts << tr("<b>%1</b> successful").arg(formatPercent(s.successfulPairs, s.totalPairs));
    parts << tr("<b>%1</b> tables").arg(formatCount(s.uniqueTables));
    if (s.executionTime.count)
        parts << tr("execution p50 / p90 / p99: <b>%1 / %2 / %3 ms</b>")
                     .arg(countLocale().toString(s.executionTime.p50, 'f', 1),
                          countLocale().toString(s.executionTime.p90, 'f', 1),
                          countLocale().toString(s.executionTime.p99, 'f', 1));
    parts << tr("<b>%1</b> with PII").arg(formatPercent(s.pairsWithPii, s.totalPairs));
    // The duplicates link to the filter that lists them.
    if (s.exactDuplicates >= 0)
        parts << tr("<a href=\"duplicates:exact\"><b>%1</b> exact duplicates</a>, "
                    "<a href=\"duplicates:normalized\"><b>%2</b> normalized</a>")
                     .arg(formatCount(s.exactDuplicates), formatCount(s.normalizedDuplicates));
    else
        parts << tr("duplicates not counted (more than %1 pairs)").arg(formatCount(kDuplicatesCounted));
    if (s.deletedPairs)
        parts << tr("%1 in the trash").arg(formatCount(s.deletedPairs));
    if (!s.firstTimestamp.isEmpty())
        parts << tr("%1 to %2").arg(s.firstTimestamp.left(10), s.lastTimestamp.left(10));
    m_summary->setText(parts.join(u" · "_s));
}

void StatisticsView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_hasStats)
        rebuildCharts();
}

} // namespace pairlens::ui
