// Charts: series match the numbers, clicks narrow the filter, files are written, the view computes
// off the UI thread and drops stale results, and `pairlens chart` renders without a display.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "privacy/piikind.h"
#include "stats/chartfactory.h"
#include "stats/statisticsview.h"
#include "testutil.h"

#include <QAbstractBarSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFile>
#include <QFontMetricsF>
#include <QImage>
#include <QJsonArray>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QPieSeries>
#include <QPieSlice>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {

Statistics sampleStatistics()
{
    Statistics s;
    s.totalPairs = 100;
    s.successfulPairs = 80;
    s.failedPairs = 20;
    s.queryTypes = {{u"SELECT"_s, 60}, {u"INSERT"_s, 30}, {QString(), 10}};
    s.databaseTypes = {{u"postgresql"_s, 70}, {u"mysql"_s, 30}};
    s.unreviewedPairs = 50;
    s.approvedPairs = 40;
    s.rejectedPairs = 10;
    s.piiKinds = {{u"email"_s, 12}, {u"phone"_s, 3}, {u"ssn"_s, 0}};
    s.pairsWithPii = 14;
    s.topTables = {{u"orders"_s, 40}, {u"customers"_s, 25}};
    s.uniqueTables = 2;
    s.timelineGranularity = Statistics::Granularity::Day;
    s.timeline = {{QDate(2025, 1, 1), 60, 15}, {QDate(2025, 1, 2), 40, 5}};
    s.questionLengths = {{0, 19, 30}, {20, 39, 70}, {40, -1, 0}};
    s.sqlLengths = {{0, 19, 0}, {20, 39, 90}, {40, -1, 10}};
    return s;
}

QAbstractBarSeries *barSeries(QChart *chart)
{
    return chart->series().isEmpty() ? nullptr : qobject_cast<QAbstractBarSeries *>(chart->series().first());
}

QStringList categories(QChart *chart)
{
    for (QAbstractAxis *axis : chart->axes()) {
        if (auto *c = qobject_cast<QBarCategoryAxis *>(axis))
            return c->categories();
    }
    return {};
}

// What the legend says of each slice or set (a donut's counts and shares are there).
QStringList legendLabels(QChart *chart)
{
    QStringList labels;
    for (QLegendMarker *m : chart->legend()->markers())
        labels << m->label();
    return labels;
}

QStringList dateAxisLabels(QChart *chart)
{
    for (QAbstractAxis *axis : chart->axes(Qt::Horizontal)) {
        if (auto *c = qobject_cast<QCategoryAxis *>(axis))
            return c->categoriesLabels();
    }
    return {};
}

} // namespace

class TestCharts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void kindNames();
    void queryTypesMatchNumbers();
    void donutsMatchNumbers();
    void percentAndCountFormats();
    void timelineAndLengths();
    void piiAndTables();
    void emptyStatistics();
    void refinements();
    void savePngAndSvg();
    void viewComputesAndClicks();
    void viewKeepsClickedChart();
    void timelineClickKeepsWeeks();
    void axisLabelsFit();
    void summaryFollowsTheLocale();
    void viewDropsStaleResults();
    void viewEmptyState();
    void cliChartHeadless();
    void cliChartErrors();
    void windowProgramMissing();

private:
    QTemporaryDir m_dir;
    QString m_demo;
};

void TestCharts::initTestCase()
{
    // Number formats are asserted in English, whatever the machine's locale.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(m_dir.isValid());
    m_demo = m_dir.filePath(u"demo.db"_s);
    QVERIFY(test::makeDemoDataset(m_demo, 1500, 11, QDateTime(QDate(2025, 3, 31), QTime(12, 0), Qt::UTC)));
}

void TestCharts::kindNames()
{
    QCOMPARE(allChartKinds().size(), 8);
    for (ChartKind k : allChartKinds()) {
        QCOMPARE(chartKindFromName(chartKindName(k)), k);
        QVERIFY(!chartTitle(k).isEmpty());
    }
    QCOMPARE(chartKindName(ChartKind::QueryTypes), u"query-types"_s);
    QVERIFY(!chartKindFromName(u"pies"_s));
}

void TestCharts::queryTypesMatchNumbers()
{
    const Statistics s = sampleStatistics();
    std::unique_ptr<QChart> chart(createChart(ChartKind::QueryTypes, s, ChartTheme::lightTheme()));
    QAbstractBarSeries *series = barSeries(chart.get());
    QVERIFY(series);
    QCOMPARE(series->barSets().size(), 1);
    QBarSet *set = series->barSets().first();
    // Largest on top: the horizontal series lists them bottom-up.
    QCOMPARE(set->count(), 3);
    QCOMPARE(set->at(0), 10.0);
    QCOMPARE(set->at(1), 30.0);
    QCOMPARE(set->at(2), 60.0);
    const QStringList cats = categories(chart.get());
    QCOMPARE(cats.size(), 3);
    QVERIFY(cats.at(2).startsWith(u"SELECT"_s));
    QVERIFY(cats.at(2).contains(u"60.0%"_s));
    QVERIFY(cats.at(0).contains(u"10.0%"_s));
    QCOMPARE(clickRefinement(set, 2).value(u"query_types"_s).toArray(), QJsonArray{u"SELECT"_s});
    QCOMPARE(clickRefinement(set, 0).value(u"query_types"_s).toArray(), QJsonArray{QString()});
    QVERIFY(clickToolTip(set, 2).contains(u"60"_s));
    QCOMPARE(chart->title(), chartTitle(ChartKind::QueryTypes));
}

void TestCharts::donutsMatchNumbers()
{
    const Statistics s = sampleStatistics();
    std::unique_ptr<QChart> chart(createChart(ChartKind::Success, s, ChartTheme::darkTheme()));
    auto *pie = qobject_cast<QPieSeries *>(chart->series().value(0));
    QVERIFY(pie);
    QCOMPARE(pie->count(), 2);
    QCOMPARE(pie->slices().at(0)->value(), 80.0);
    QCOMPARE(pie->slices().at(1)->value(), 20.0);
    QVERIFY(legendLabels(chart.get()).at(0).contains(u"80 (80.0%)"_s));
    // Beside the ring, the share alone: a whole "Successful 4,422 (88.…" was cut at the edge.
    QCOMPARE(pie->slices().at(0)->label(), u"80.0%"_s);
    QVERIFY(pie->slices().at(0)->isLabelVisible());
    QCOMPARE(clickRefinement(pie->slices().at(1)).value(u"success"_s).toString(), u"failed"_s);

    chart.reset(createChart(ChartKind::Review, s, ChartTheme::lightTheme()));
    pie = qobject_cast<QPieSeries *>(chart->series().value(0));
    QVERIFY(pie);
    QCOMPARE(pie->count(), 3);
    QCOMPARE(pie->sum(), 100.0);
    QCOMPARE(pie->slices().at(1)->value(), 40.0);
    QCOMPARE(clickRefinement(pie->slices().at(2)).value(u"review_statuses"_s).toArray(), QJsonArray{2});
    QVERIFY(chart->title().contains(u"50.0%"_s));
    QVERIFY2(legendLabels(chart.get()).at(1).contains(u"40 (40.0%)"_s),
             qPrintable(legendLabels(chart.get()).at(1)));

    // A few reviewed of many: counts, and shares that are neither 0 % nor 100 %.
    Statistics few = s;
    few.totalPairs = 20000;
    few.unreviewedPairs = 19994;
    few.approvedPairs = 6;
    few.rejectedPairs = 0;
    chart.reset(createChart(ChartKind::Review, few, ChartTheme::lightTheme()));
    pie = qobject_cast<QPieSeries *>(chart->series().value(0));
    QVERIFY(pie);
    QCOMPARE(pie->count(), 2);
    const QStringList legend = legendLabels(chart.get());
    QVERIFY2(legend.at(0).contains(u"19,994 (99.97%)"_s), qPrintable(legend.at(0)));
    QVERIFY2(legend.at(1).contains(u"6 (0.03%)"_s), qPrintable(legend.at(1)));
    // The sliver has no label beside the ring, where it would lie on its neighbour's.
    QVERIFY(pie->slices().at(0)->isLabelVisible());
    QVERIFY(!pie->slices().at(1)->isLabelVisible());
}

void TestCharts::percentAndCountFormats()
{
    QCOMPARE(formatPercent(1, 3), u"33.3%"_s);
    QCOMPARE(formatPercent(0, 3), u"0.0%"_s);
    QCOMPARE(formatPercent(3, 3), u"100.0%"_s);
    QCOMPARE(formatPercent(6, 20000), u"0.03%"_s);
    QCOMPARE(formatPercent(19994, 20000), u"99.97%"_s);
    QCOMPARE(formatPercent(1, 1000000), u"0.0001%"_s);
    QCOMPARE(formatPercent(1, 0), u"–"_s);
    QCOMPARE(formatCount(1234567), u"1,234,567"_s);
    // Charts write axis and bar labels in the same locale, with group separators.
    std::unique_ptr<QChart> chart(
        createChart(ChartKind::Tables, sampleStatistics(), ChartTheme::lightTheme()));
    QVERIFY(chart->localizeNumbers());
    QCOMPARE(chart->locale().toString(15000), u"15,000"_s);
}

void TestCharts::timelineAndLengths()
{
    const Statistics s = sampleStatistics();
    std::unique_ptr<QChart> chart(createChart(ChartKind::Timeline, s, ChartTheme::lightTheme()));
    QAbstractBarSeries *series = barSeries(chart.get());
    QVERIFY(series);
    QCOMPARE(series->barSets().size(), 2);
    QBarSet *ok = series->barSets().at(0), *failed = series->barSets().at(1);
    QCOMPARE(ok->at(0), 45.0);
    QCOMPARE(failed->at(0), 15.0);
    QCOMPARE(ok->at(1) + failed->at(1), 40.0);
    const QJsonObject r = clickRefinement(failed, 1);
    QCOMPARE(r.value(u"from"_s).toString(), u"2025-01-02"_s);
    QCOMPARE(r.value(u"to"_s).toString(), u"2025-01-02"_s);
    QCOMPARE(r.value(u"success"_s).toString(), u"failed"_s);
    // The green (successful) part of a bar stands for the whole day or week.
    const QJsonObject green = clickRefinement(ok, 1);
    QCOMPARE(green.value(u"from"_s).toString(), u"2025-01-02"_s);
    QCOMPARE(green.value(u"to"_s).toString(), u"2025-01-02"_s);
    QVERIFY(!green.contains(u"success"_s));
    // ISO dates under the bars they start (bars at 0 .. n-1).
    QCOMPARE(dateAxisLabels(chart.get()), (QStringList{u"2025-01-01"_s, u"2025-01-02"_s}));

    // A long timeline labels every n-th bar, at most five dates, so that each fits whole.
    Statistics year = s;
    year.timeline.clear();
    for (int d = 0; d < 365; ++d)
        year.timeline.append({QDate(2025, 1, 1).addDays(d), 10, 1});
    chart.reset(createChart(ChartKind::Timeline, year, ChartTheme::lightTheme()));
    const QStringList yearLabels = dateAxisLabels(chart.get());
    QCOMPARE(yearLabels.size(), 5);
    QCOMPARE(yearLabels.first(), u"2025-01-01"_s);
    QCOMPARE(yearLabels.at(1), u"2025-03-15"_s); // every 73rd day
    auto *dates = qobject_cast<QCategoryAxis *>(chart->axes(Qt::Horizontal).value(0));
    QVERIFY(dates);
    QCOMPARE(dates->endValue(u"2025-03-15"_s), 73.0);
    QCOMPARE(dates->min(), -0.5);
    QCOMPARE(dates->max(), 364.5);

    chart.reset(createChart(ChartKind::Lengths, s, ChartTheme::lightTheme()));
    series = barSeries(chart.get());
    QVERIFY(series);
    QCOMPARE(series->barSets().size(), 2);
    QCOMPARE(series->barSets().at(0)->count(), 3); // the last bin has SQL pairs: kept
    QCOMPARE(series->barSets().at(0)->at(1), 70.0);
    QCOMPARE(series->barSets().at(1)->at(2), 10.0);
    QCOMPARE(categories(chart.get()), (QStringList{u"0"_s, u"20"_s, u"40+"_s})); // where each bucket starts
    QVERIFY(clickRefinement(series->barSets().at(0), 0).isEmpty());              // no length filter
}

void TestCharts::piiAndTables()
{
    const Statistics s = sampleStatistics();
    std::unique_ptr<QChart> chart(createChart(ChartKind::Pii, s, ChartTheme::lightTheme()));
    QBarSet *set = barSeries(chart.get())->barSets().first();
    QCOMPARE(set->count(), 2); // kinds never found are left out
    QCOMPARE(set->at(1), 12.0);
    QCOMPARE(clickRefinement(set, 1).value(u"pii"_s).toArray(), QJsonArray{u"email"_s});
    QVERIFY(chart->title().contains(u"14.0%"_s));

    chart.reset(createChart(ChartKind::Tables, s, ChartTheme::lightTheme()));
    set = barSeries(chart.get())->barSets().first();
    QCOMPARE(set->count(), 2);
    QCOMPARE(set->at(1), 40.0);
    QVERIFY(categories(chart.get()).at(1).startsWith(u"orders"_s));

    chart.reset(createChart(ChartKind::DatabaseTypes, s, ChartTheme::lightTheme()));
    set = barSeries(chart.get())->barSets().first();
    QCOMPARE(set->at(1), 70.0);
    QCOMPARE(clickRefinement(set, 1).value(u"database_types"_s).toArray(), QJsonArray{u"postgresql"_s});
}

void TestCharts::emptyStatistics()
{
    for (ChartKind k : allChartKinds()) {
        std::unique_ptr<QChart> chart(createChart(k, Statistics(), ChartTheme::lightTheme()));
        QVERIFY(chart->property(kEmptyProperty).toBool());
        QVERIFY(chart->series().isEmpty());
        QVERIFY(!chart->title().isEmpty());
    }
}

void TestCharts::refinements()
{
    Filter base;
    base.success = Filter::Success::SuccessfulOnly;
    base.search = u"orders"_s;
    base.from = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);
    Filter f = refineFilter(base, {{u"query_types"_s, QJsonArray{u"UPDATE"_s}}});
    QCOMPARE(f.queryTypes, QStringList{u"UPDATE"_s});
    QCOMPARE(f.search, u"orders"_s);
    QCOMPARE(f.success, Filter::Success::SuccessfulOnly);
    QCOMPARE(f.from, base.from);
    f = refineFilter(base,
                     {{u"from"_s, u"2025-01-02"_s}, {u"to"_s, u"2025-01-08"_s}, {u"success"_s, u"failed"_s}});
    QCOMPARE(f.from, QDateTime(QDate(2025, 1, 2), QTime(0, 0), Qt::UTC));
    QCOMPARE(f.to, QDateTime(QDate(2025, 1, 8), QTime(23, 59, 59, 999), Qt::UTC));
    QCOMPARE(f.success, Filter::Success::FailedOnly);
    f = refineFilter(Filter(), {{u"pii"_s, QJsonArray{u"phone"_s}}});
    QVERIFY(f.piiRequired);
    QCOMPARE(f.piiKinds, quint32(PiiKind::Phone));
}

void TestCharts::savePngAndSvg()
{
    const Statistics s = sampleStatistics();
    for (ChartKind k : allChartKinds()) {
        const QString png = m_dir.filePath(chartKindName(k) + u".png"_s);
        const QString svg = m_dir.filePath(chartKindName(k) + u".svg"_s);
        QString error;
        QVERIFY2(saveChart(k, s, png, QSize(800, 500), &error), qPrintable(error));
        QVERIFY2(saveChart(k, s, svg, QSize(800, 500), &error), qPrintable(error));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(800, 500));
        // Not a blank picture: more than one colour.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 3);
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        QVERIFY(content.contains("<svg"));
        QVERIFY(content.size() > 1000);
    }
    // An unwritable target fails with a sentence and leaves nothing behind.
    QString error;
    QVERIFY(
        !saveChart(ChartKind::Success, s, m_dir.filePath(u"missing/dir/x.png"_s), QSize(400, 300), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!QFile::exists(m_dir.filePath(u"missing/dir/x.png"_s)));
}

void TestCharts::viewComputesAndClicks()
{
    StatisticsView view;
    view.resize(1100, 900);
    view.show();
    QSignalSpy ready(&view, &StatisticsView::statisticsReady);
    view.setDataset(m_demo);
    QVERIFY(view.isBusy());
    QVERIFY(ready.wait(20000));
    QVERIFY(!view.isBusy());
    QVERIFY(view.hasStatistics());
    QCOMPARE(view.statistics().totalPairs, 1500);

    // A real mouse click on the SELECT bar of the statement-type chart.
    QChartView *chartView = view.chartView(ChartKind::QueryTypes);
    QVERIFY(chartView);
    QAbstractBarSeries *series = barSeries(chartView->chart());
    QVERIFY(series);
    QBarSet *set = series->barSets().first();
    const int selectIndex = int(set->count()) - 1; // the most frequent type is on top
    QVERIFY(categories(chartView->chart()).at(selectIndex).startsWith(u"SELECT"_s));
    QSignalSpy requested(&view, &StatisticsView::filterRequested);
    QTRY_VERIFY(chartView->isVisible());
    chartView->ensureVisible(chartView->rect());
    const QPointF inBar =
        chartView->chart()->mapToPosition(QPointF(set->at(selectIndex) / 2, selectIndex), series);
    const QPoint pos = chartView->mapFromScene(chartView->chart()->mapToScene(inBar));
    QTest::mouseClick(chartView->viewport(), Qt::LeftButton, {}, pos);
    if (requested.isEmpty()) // fall back to the series' own signal when the window manager ate the click
        emit series->clicked(selectIndex, set);
    QCOMPARE(requested.size(), 1);
    Filter f = requested.first().first().value<Filter>();
    QCOMPARE(f.queryTypes, QStringList{u"SELECT"_s});

    // A slice of the success donut.
    auto *pie = qobject_cast<QPieSeries *>(view.chartView(ChartKind::Success)->chart()->series().value(0));
    QVERIFY(pie);
    emit pie->clicked(pie->slices().at(1));
    QCOMPARE(requested.size(), 2);
    f = requested.last().first().value<Filter>();
    QCOMPARE(f.success, Filter::Success::FailedOnly);

    // The view's series match the numbers it shows.
    QCOMPARE(set->at(selectIndex), double(view.statistics().queryTypes.value(u"SELECT"_s)));
    QVERIFY(view.statisticsJson().contains(u"\"total_pairs\": 1500"_s));
    QVERIFY(view.statisticsMarkdown().contains(u"| Pairs | 1500 |"_s));
}

namespace {

int barIndex(QChart *chart, const QString &categoryStart)
{
    const QStringList cats = categories(chart);
    for (int i = 0; i < cats.size(); ++i) {
        if (cats.at(i).startsWith(categoryStart + u' '))
            return i;
    }
    return -1;
}

QList<int> selectedBars(QBarSet *set)
{
    QList<int> selected;
    for (int i = 0; i < set->count(); ++i) {
        if (set->isBarSelected(i))
            selected << i;
    }
    return selected;
}

} // namespace

void TestCharts::viewKeepsClickedChart()
{
    StatisticsView view;
    view.resize(1100, 900);
    view.show();
    // As the window does: a click's filter comes back as the view's filter.
    connect(&view, &StatisticsView::filterRequested, &view, &StatisticsView::setFilter);
    QSignalSpy ready(&view, &StatisticsView::statisticsReady);
    view.setDataset(m_demo);
    QVERIFY(ready.wait(20000));
    const Statistics all = view.statistics();
    QVERIFY(all.queryTypes.size() > 3);

    QChart *chart = view.chartView(ChartKind::QueryTypes)->chart();
    int select = barIndex(chart, u"SELECT"_s);
    QVERIFY(select >= 0);
    QAbstractBarSeries *series = barSeries(chart);
    emit series->clicked(select, series->barSets().first());
    QVERIFY(ready.wait(20000));
    QCOMPARE(view.filter().queryTypes, QStringList{u"SELECT"_s});
    // The other charts describe the SELECT pairs alone ...
    QCOMPARE(view.statistics().queryTypes.keys(), QStringList{u"SELECT"_s});
    qint64 dbTotal = 0;
    QBarSet *dbSet = barSeries(view.chartView(ChartKind::DatabaseTypes)->chart())->barSets().first();
    for (int i = 0; i < dbSet->count(); ++i)
        dbTotal += qint64(dbSet->at(i));
    QCOMPARE(dbTotal, all.queryTypes.value(u"SELECT"_s));
    // ... and the clicked one keeps every bar, the chosen one marked.
    chart = view.chartView(ChartKind::QueryTypes)->chart();
    QCOMPARE(categories(chart).size(), all.queryTypes.size());
    select = barIndex(chart, u"SELECT"_s);
    QBarSet *set = barSeries(chart)->barSets().first();
    QCOMPARE(selectedBars(set), QList<int>{select});
    QCOMPARE(set->at(select), double(all.queryTypes.value(u"SELECT"_s)));

    // Another bar of the same chart chooses that type instead (not SELECT and INSERT, not none).
    const int insert = barIndex(chart, u"INSERT"_s);
    QVERIFY(insert >= 0);
    emit barSeries(chart)->clicked(insert, set);
    QVERIFY(ready.wait(20000));
    QCOMPARE(view.filter().queryTypes, QStringList{u"INSERT"_s});
    chart = view.chartView(ChartKind::QueryTypes)->chart();
    QCOMPARE(categories(chart).size(), all.queryTypes.size());
    QCOMPARE(selectedBars(barSeries(chart)->barSets().first()), QList<int>{barIndex(chart, u"INSERT"_s)});

    // A slice of the donut: marked and pulled out, the others faded; the statement types stay
    // pinned no more (the filter now differs from their base in more than the type).
    auto *pie = qobject_cast<QPieSeries *>(view.chartView(ChartKind::Success)->chart()->series().value(0));
    QVERIFY(pie);
    const QColor failedColour = pie->slices().at(1)->color();
    emit pie->clicked(pie->slices().at(0));
    QVERIFY(ready.wait(20000));
    QCOMPARE(view.filter().success, Filter::Success::SuccessfulOnly);
    QCOMPARE(view.filter().queryTypes, QStringList{u"INSERT"_s});
    pie = qobject_cast<QPieSeries *>(view.chartView(ChartKind::Success)->chart()->series().value(0));
    QCOMPARE(pie->count(), 2);
    QVERIFY(pie->slices().at(0)->isExploded());
    QVERIFY(!pie->slices().at(1)->isExploded());
    QVERIFY(pie->slices().at(1)->color() != failedColour);
    chart = view.chartView(ChartKind::QueryTypes)->chart();
    QCOMPARE(categories(chart).size(), 1);
    QVERIFY(selectedBars(barSeries(chart)->barSets().first()).isEmpty());

    // A filter from elsewhere ends the pin: the donut shows the new filter's pairs alone.
    Filter other;
    other.databaseTypes = {u"mysql"_s};
    view.setFilter(other);
    QVERIFY(ready.wait(20000));
    pie = qobject_cast<QPieSeries *>(view.chartView(ChartKind::Success)->chart()->series().value(0));
    QCOMPARE(qint64(pie->sum()), view.statistics().totalPairs);
    for (QPieSlice *slice : pie->slices())
        QVERIFY(!slice->isExploded());
}

void TestCharts::timelineClickKeepsWeeks()
{
    StatisticsView view;
    view.resize(1100, 900);
    view.show();
    connect(&view, &StatisticsView::filterRequested, &view, &StatisticsView::setFilter);
    QSignalSpy ready(&view, &StatisticsView::statisticsReady);
    view.setDataset(m_demo);
    QVERIFY(ready.wait(20000));
    const Statistics all = view.statistics();
    QChart *chart = view.chartView(ChartKind::Timeline)->chart();
    QAbstractBarSeries *series = barSeries(chart);
    const int bars = int(series->barSets().first()->count());
    QVERIFY(bars > 3);
    const int week = 2;
    emit series->clicked(week, series->barSets().first()); // the green part
    QVERIFY(ready.wait(20000));
    // That week's pairs, successful and failed.
    QCOMPARE(view.filter().success, Filter::Success::Any);
    QCOMPARE(view.statistics().totalPairs, all.timeline.at(week).pairs);
    QVERIFY(view.statistics().failedPairs > 0);
    chart = view.chartView(ChartKind::Timeline)->chart();
    series = barSeries(chart);
    QCOMPARE(int(series->barSets().first()->count()), bars);
    for (QBarSet *set : series->barSets())
        QCOMPARE(selectedBars(set), QList<int>{week});
}

void TestCharts::axisLabelsFit()
{
    // The charts as the window shows them at 1280x800 (the tab beside the filter panel): no label
    // under the bars is wider than its bar's share of the plot, so none is cut to "100…".
    StatisticsView view;
    view.resize(1000, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy ready(&view, &StatisticsView::statisticsReady);
    view.setDataset(m_demo);
    QVERIFY(ready.wait(20000));
    for (ChartKind kind : {ChartKind::Lengths, ChartKind::Timeline}) {
        QChart *chart = view.chartView(kind)->chart();
        QTRY_VERIFY(chart->plotArea().width() > 100);
        for (QAbstractAxis *axis : chart->axes(Qt::Horizontal)) {
            QStringList labels;
            qreal slot = 0;
            if (auto *c = qobject_cast<QBarCategoryAxis *>(axis)) {
                labels = c->categories();
                slot = chart->plotArea().width() / labels.size();
            } else if (auto *c = qobject_cast<QCategoryAxis *>(axis)) {
                labels = c->categoriesLabels();
                slot = chart->plotArea().width() / labels.size();
            }
            const QFontMetricsF metrics(axis->labelsFont());
            for (const QString &label : labels)
                QVERIFY2(metrics.horizontalAdvance(label) <= slot,
                         qPrintable(u"%1: '%2' needs %3 px of %4"_s.arg(chartKindName(kind), label)
                                        .arg(metrics.horizontalAdvance(label))
                                        .arg(slot)));
        }
    }
}

void TestCharts::summaryFollowsTheLocale()
{
    // Every figure of the summary line in the locale's format: German decimal commas in the
    // execution times too (they were "23.8" beside "4.378 Paare").
    const QLocale german(QLocale::German, QLocale::Germany);
    QLocale::setDefault(german);
    StatisticsView view;
    QSignalSpy ready(&view, &StatisticsView::statisticsReady);
    view.setDataset(m_demo);
    const bool computed = ready.wait(20000);
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QVERIFY(computed);
    auto *summary = view.findChild<QLabel *>(u"statisticsSummary"_s);
    QVERIFY(summary);
    const auto &t = view.statistics().executionTime;
    const QString times = u"%1 / %2 / %3 ms"_s.arg(
        german.toString(t.p50, 'f', 1), german.toString(t.p90, 'f', 1), german.toString(t.p99, 'f', 1));
    QVERIFY2(summary->text().contains(times), qPrintable(summary->text() + u" lacks "_s + times));
    QVERIFY(times.contains(u','));
    QVERIFY2(summary->text().contains(german.toString(view.statistics().totalPairs)),
             qPrintable(summary->text()));
}

void TestCharts::viewDropsStaleResults()
{
    StatisticsView view;
    QSignalSpy ready(&view, &StatisticsView::statisticsReady);
    view.setDataset(m_demo);
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    Filter selects;
    selects.queryTypes = {u"SELECT"_s};
    view.setFilter(failed);
    view.setFilter(selects); // the last one wins
    QVERIFY(ready.wait(20000));
    QTRY_VERIFY(!view.isBusy());
    QTest::qWait(200);
    QCOMPARE(ready.size(), 1);
    QCOMPARE(view.statistics().queryTypes.keys(), QStringList{u"SELECT"_s});
    QString error;
    auto ds = Dataset::open(m_demo, Dataset::Mode::OpenExisting, &error);
    QCOMPARE(view.statistics().totalPairs, PairStore(*ds).count(selects));
}

void TestCharts::viewEmptyState()
{
    StatisticsView view;
    QSignalSpy ready(&view, &StatisticsView::statisticsReady);
    view.setDataset(m_demo);
    Filter none;
    none.search = u"zzznothingmatches"_s;
    view.setFilter(none);
    QVERIFY(ready.wait(20000));
    QCOMPARE(view.statistics().totalPairs, 0);
    const QList<QLabel *> labels = view.findChildren<QLabel *>();
    bool found = false;
    for (QLabel *l : labels)
        found = found || l->text().contains(u"No pairs match the filter"_s);
    QVERIFY(found);
    QVERIFY(view.chartView(ChartKind::QueryTypes)->chart()->property(kEmptyProperty).toBool());
}

void TestCharts::cliChartHeadless()
{
    for (const QString &suffix : {u"png"_s, u"svg"_s}) {
        const QString out = m_dir.filePath(u"cli-timeline."_s + suffix);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"QT_QPA_PLATFORM"_s); // the command must choose the offscreen platform itself
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(PAIRLENS_EXE),
                {u"chart"_s, m_demo, u"--kind"_s, u"timeline"_s, u"-o"_s, out, u"--width"_s, u"900"_s,
                 u"--height"_s, u"540"_s, u"--failed-only"_s});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        if (suffix == u"png"_s) {
            const QImage image(out);
            QVERIFY(!image.isNull());
            QCOMPARE(image.size(), QSize(900, 540));
        } else {
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.readAll().contains("<svg"));
        }
    }
}

void TestCharts::cliChartErrors()
{
    auto runChart = [](const QStringList &args, QString *stderrText) {
        QProcess p;
        // The messages are checked in English, whatever language the test runs in.
        p.setProcessEnvironment(test::englishEnvironment());
        p.start(QStringLiteral(PAIRLENS_EXE), QStringList{u"chart"_s} + args);
        p.waitForFinished(60000);
        *stderrText = QString::fromUtf8(p.readAllStandardError()).trimmed();
        return p.exitCode();
    };
    QString text;
    QCOMPARE(runChart({m_demo, u"--kind"_s, u"pies"_s, u"-o"_s, m_dir.filePath(u"x.png"_s)}, &text), 2);
    QVERIFY(text.contains(u"--kind"_s));
    QCOMPARE(text.count(u'\n'), 0);
    QCOMPARE(runChart({m_demo, u"--kind"_s, u"success"_s, u"-o"_s, m_dir.filePath(u"x.gif"_s)}, &text), 2);
    QCOMPARE(
        runChart({m_demo, u"--kind"_s, u"success"_s, u"-o"_s, m_dir.filePath(u"no/such/dir/x.png"_s)}, &text),
        1);
    QVERIFY(text.startsWith(u"Cannot write the chart"_s));
    QVERIFY(!QFile::exists(m_dir.filePath(u"x.png"_s)));
}

// `pairlens` runs charts and the window in the window program beside it (app/launch.cpp). A copy of
// `pairlens` alone, without it, says so in one sentence and fails; the other commands still work.
void TestCharts::windowProgramMissing()
{
    const QString lone = m_dir.filePath(u"lone/pairlens"_s);
    QVERIFY(QDir().mkpath(m_dir.filePath(u"lone"_s)));
    QVERIFY(QFile::copy(QStringLiteral(PAIRLENS_EXE), lone));
    QVERIFY(QFile::setPermissions(lone, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    const QString sentence =
        u"pairlens: the window program pairlens-window is not installed beside pairlens; "
        "reinstall PairLens."_s;
    for (const QStringList &args :
         {QStringList{u"chart"_s, m_demo, u"--kind"_s, u"success"_s, u"-o"_s, m_dir.filePath(u"y.png"_s)},
          QStringList{m_demo}, QStringList{u"gui"_s}}) {
        QProcess p;
        p.setProcessEnvironment(test::englishEnvironment());
        p.start(lone, args);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        QCOMPARE(QString::fromUtf8(p.readAllStandardError()).trimmed(), sentence);
    }
    QVERIFY(!QFile::exists(m_dir.filePath(u"y.png"_s)));
    QProcess stats;
    stats.start(lone, {u"stats"_s, m_demo, u"--json"_s});
    QVERIFY(stats.waitForFinished(60000));
    QCOMPARE(stats.exitCode(), 0);
    QVERIFY(stats.readAllStandardOutput().contains("total_pairs"));
}

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
