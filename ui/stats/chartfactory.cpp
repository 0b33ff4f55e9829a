#include "stats/chartfactory.h"

#include "privacy/piikind.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QCoreApplication>
#include <QHorizontalBarSeries>
#include <QJsonArray>
#include <QLegend>
#include <QLegendMarker>
#include <QLocale>
#include <QPalette>
#include <QPieSeries>
#include <QPieSlice>
#include <QStackedBarSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ChartFactory", text);
}

QFont font(const ChartTheme &theme, int delta, bool bold = false)
{
    QFont f;
    f.setPointSize(theme.basePointSize + delta);
    f.setBold(bold);
    return f;
}

QChart *baseChart(const QString &title, const ChartTheme &theme)
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTitle(title);
    chart->setTitleFont(font(theme, 4, true));
    chart->setTitleBrush(theme.text);
    chart->setBackgroundBrush(theme.background);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(12, 6, 18, 8));
    chart->legend()->setLabelColor(theme.text);
    chart->legend()->setFont(font(theme, 0));
    chart->legend()->setAlignment(Qt::AlignBottom);
    // Axis and bar labels in the reader's number format, with group separators ("15,000").
    chart->setLocale(countLocale());
    chart->setLocalizeNumbers(true);
    return chart;
}

void styleAxis(QAbstractAxis *axis, const ChartTheme &theme, const QString &title = {})
{
    axis->setLabelsBrush(theme.text);
    axis->setLabelsFont(font(theme, 0));
    axis->setLinePenColor(theme.grid);
    axis->setGridLineColor(theme.grid);
    axis->setShadesVisible(false);
    if (!title.isEmpty()) {
        axis->setTitleText(title);
        axis->setTitleBrush(theme.mutedText);
        axis->setTitleFont(font(theme, 0, true));
    }
}

// A value axis for counts: whole numbers, a nice maximum with room for the bar labels.
QValueAxis *countAxis(qint64 max, const ChartTheme &theme, const QString &title, double headroom = 1.0)
{
    auto *axis = new QValueAxis;
    axis->setRange(0, std::max(1.0, double(max) * headroom));
    axis->applyNiceNumbers();
    axis->setLabelFormat(u"%.0f"_s);
    axis->setMinorTickCount(0);
    styleAxis(axis, theme, title);
    return axis;
}

QChart *emptyChart(ChartKind kind, const ChartTheme &theme)
{
    QChart *chart = baseChart(chartTitle(kind), theme);
    chart->legend()->hide();
    chart->setProperty(kEmptyProperty, true);
    return chart;
}

struct Bar
{
    QString label;
    qint64 count = 0;
    QJsonObject refinement; // empty = not clickable
    QString toolTip;
};

// A horizontal bar chart: the largest bar at the top, counts at the bar ends, shares in the labels.
QChart *horizontalBars(const QString &title, QList<Bar> bars, qint64 total, const ChartTheme &theme,
                       QColor color, const QString &valueTitle)
{
    QChart *chart = baseChart(title, theme);
    chart->legend()->hide();
    std::reverse(bars.begin(), bars.end()); // QHorizontalBarSeries draws the first category at the bottom
    auto *set = new QBarSet(tr("Pairs"));
    set->setColor(color);
    set->setBorderColor(color);
    set->setLabelColor(theme.text);
    set->setLabelFont(font(theme, 0));
    QStringList categories;
    QVariantList refinements;
    QStringList tips;
    qint64 max = 0;
    for (const Bar &b : bars) {
        set->append(double(b.count));
        categories << u"%1  (%2)"_s.arg(b.label, formatPercent(b.count, total));
        refinements << b.refinement;
        tips << (b.toolTip.isEmpty() ? tr("%1: %2 pairs (%3)")
                                           .arg(b.label, formatCount(b.count), formatPercent(b.count, total))
                                     : b.toolTip);
        max = std::max(max, b.count);
    }
    set->setProperty(kFilterProperty, refinements);
    set->setProperty(kToolTipProperty, tips);
    auto *series = new QHorizontalBarSeries;
    series->append(set);
    series->setBarWidth(0.7);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    series->setLabelsFormat(u"@value"_s);
    series->setLabelsPrecision(12);
    chart->addSeries(series);
    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    styleAxis(categoryAxis, theme);
    categoryAxis->setGridLineVisible(false);
    if (categories.size() > 8) // keep many labels whole instead of elided to "..."
        categoryAxis->setLabelsFont(font(theme, -1));
    chart->addAxis(categoryAxis, Qt::AlignLeft);
    series->attachAxis(categoryAxis);
    QValueAxis *valueAxis = countAxis(max, theme, valueTitle, 1.15);
    chart->addAxis(valueAxis, Qt::AlignBottom);
    series->attachAxis(valueAxis);
    return chart;
}

struct Slice
{
    QString label;
    qint64 count = 0;
    QColor color;
    QJsonObject refinement;
};

// A slice gets a label beside the ring from this share of the whole.
constexpr double kLabelledShare = 0.04;

QChart *donut(const QString &title, const QList<Slice> &slices, const ChartTheme &theme)
{
    QChart *chart = baseChart(title, theme);
    chart->legend()->setAlignment(Qt::AlignRight);
    qint64 total = 0;
    for (const Slice &s : slices)
        total += s.count;
    auto *series = new QPieSeries;
    series->setHoleSize(0.45);
    series->setPieSize(0.72);
    QStringList legend;
    for (const Slice &s : slices) {
        if (s.count == 0)
            continue;
        // The legend names each slice with its count and share; beside the ring, the share alone
        // (a whole label there was cut at the chart's edge), and none for a sliver, whose label
        // would lie on its neighbour's.
        legend << u"%1  %2 (%3)"_s.arg(s.label, formatCount(s.count), formatPercent(s.count, total));
        auto *slice = series->append(formatPercent(s.count, total), double(s.count));
        slice->setColor(s.color);
        slice->setBorderColor(theme.background);
        slice->setBorderWidth(2);
        slice->setLabelColor(theme.text);
        slice->setLabelFont(font(theme, 0));
        slice->setLabelVisible(double(s.count) >= kLabelledShare * double(total));
        slice->setLabelPosition(QPieSlice::LabelOutside);
        slice->setLabelArmLengthFactor(0.12);
        slice->setProperty(kFilterProperty, s.refinement);
        slice->setProperty(
            kToolTipProperty,
            tr("%1: %2 pairs (%3)").arg(s.label, formatCount(s.count), formatPercent(s.count, total)));
    }
    chart->addSeries(series);
    const QList<QLegendMarker *> markers = chart->legend()->markers(series);
    for (qsizetype i = 0; i < markers.size() && i < legend.size(); ++i)
        markers.at(i)->setLabel(legend.at(i));
    return chart;
}

QList<Bar> barsFromMap(const QMap<QString, qint64> &map, const QString &emptyName, const QString &filterKey)
{
    QList<Bar> bars;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it) {
        if (it.value() == 0)
            continue;
        bars.append({it.key().isEmpty() ? emptyName : it.key(),
                     it.value(),
                     QJsonObject{{filterKey, QJsonArray{it.key()}}},
                     {}});
    }
    std::stable_sort(bars.begin(), bars.end(), [](const Bar &a, const Bar &b) { return a.count > b.count; });
    return bars;
}

QString bucketLabel(QDate start, Statistics::Granularity g)
{
    switch (g) {
    // ISO dates, the same in every language.
    case Statistics::Granularity::Day:
    case Statistics::Granularity::Week:
        return start.toString(Qt::ISODate);
    case Statistics::Granularity::Month:
        return start.toString(u"yyyy-MM"_s);
    }
    return start.toString(Qt::ISODate);
}

QDate bucketEnd(QDate start, Statistics::Granularity g)
{
    switch (g) {
    case Statistics::Granularity::Day:
        return start;
    case Statistics::Granularity::Week:
        return start.addDays(6);
    case Statistics::Granularity::Month:
        return start.addMonths(1).addDays(-1);
    }
    return start;
}

// The most dates the timeline's axis shows: each gets the width of 1/5 of the plot, which holds an
// ISO date whole in a chart half a window wide.
constexpr qsizetype kTimelineLabels = 5;

QChart *timelineChart(const Statistics &s, const ChartTheme &theme)
{
    const QString unit = s.timelineGranularity == Statistics::Granularity::Day    ? tr("day")
                         : s.timelineGranularity == Statistics::Granularity::Week ? tr("week")
                                                                                  : tr("month");
    QChart *chart = baseChart(
        tr("Pairs per %1, %2 to %3").arg(unit, s.firstTimestamp.left(10), s.lastTimestamp.left(10)), theme);
    auto *ok = new QBarSet(tr("Successful"));
    auto *failed = new QBarSet(tr("Failed"));
    ok->setColor(theme.good);
    failed->setColor(theme.bad);
    ok->setBorderColor(theme.good);
    failed->setBorderColor(theme.bad);
    QVariantList okRefine, failedRefine;
    QStringList okTips, failedTips;
    qint64 max = 0;
    for (const Statistics::TimeBucket &b : s.timeline) {
        ok->append(double(b.pairs - b.failed));
        failed->append(double(b.failed));
        const QString from = b.start.toString(Qt::ISODate);
        const QString to = bucketEnd(b.start, s.timelineGranularity).toString(Qt::ISODate);
        const QString range = from == to ? from : u"%1 – %2"_s.arg(from, to);
        // The green part stands for the week (the bar a reader aims at); the red part for its failures.
        okRefine << QJsonObject{{u"from"_s, from}, {u"to"_s, to}};
        failedRefine << QJsonObject{{u"from"_s, from}, {u"to"_s, to}, {u"success"_s, u"failed"_s}};
        okTips << tr("%1: %2 successful of %3 pairs")
                      .arg(range, formatCount(b.pairs - b.failed), formatCount(b.pairs));
        failedTips << tr("%1: %2 failed of %3 pairs").arg(range, formatCount(b.failed), formatCount(b.pairs));
        max = std::max(max, b.pairs);
    }
    ok->setProperty(kFilterProperty, okRefine);
    failed->setProperty(kFilterProperty, failedRefine);
    ok->setProperty(kToolTipProperty, okTips);
    failed->setProperty(kToolTipProperty, failedTips);
    auto *series = new QStackedBarSeries;
    series->append(ok);
    series->append(failed);
    series->setBarWidth(0.85);
    chart->addSeries(series);
    // Dates under the bars they start, as many as fit whole: a bar category axis would give each
    // label only its bar's width and elide every date of a long timeline to "...". A category
    // axis over the bars' positions (0 .. n-1) labels every n-th bar instead, with its ISO date.
    const qsizetype n = s.timeline.size();
    const qsizetype every = std::max<qsizetype>(1, (n + kTimelineLabels - 1) / kTimelineLabels);
    auto *axisX = new QCategoryAxis;
    axisX->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    axisX->setRange(-0.5, double(n) - 0.5);
    axisX->setStartValue(-0.5);
    for (qsizetype i = 0; i < n; i += every)
        axisX->append(bucketLabel(s.timeline.at(i).start, s.timelineGranularity), double(i));
    styleAxis(axisX, theme);
    axisX->setGridLineVisible(false);
    if (n > 8)
        axisX->setLabelsFont(font(theme, -1));
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    QValueAxis *axisY = countAxis(max, theme, tr("Pairs"));
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    return chart;
}

QString binLabel(const Statistics::HistogramBin &b)
{
    return b.to < 0 ? u"%1+"_s.arg(b.from) : u"%1–%2"_s.arg(b.from).arg(b.to);
}

QChart *lengthsChart(const Statistics &s, const ChartTheme &theme)
{
    QChart *chart = baseChart(tr("Question and SQL lengths"), theme);
    // Trailing bins that are empty in both histograms are left out.
    qsizetype used = 0;
    for (qsizetype i = 0; i < std::max(s.questionLengths.size(), s.sqlLengths.size()); ++i) {
        if (s.questionLengths.value(i).pairs || s.sqlLengths.value(i).pairs)
            used = i + 1;
    }
    auto *question = new QBarSet(tr("Question (avg %1)").arg(s.avgQuestionLength, 0, 'f', 0));
    auto *sql = new QBarSet(tr("SQL (avg %1)").arg(s.avgSqlLength, 0, 'f', 0));
    question->setColor(theme.series.value(0));
    question->setBorderColor(theme.series.value(0));
    sql->setColor(theme.series.value(1));
    sql->setBorderColor(theme.series.value(1));
    QStringList categories, qTips, sTips;
    qint64 max = 0;
    for (qsizetype i = 0; i < used; ++i) {
        const auto q = s.questionLengths.value(i), l = s.sqlLengths.value(i);
        question->append(double(q.pairs));
        sql->append(double(l.pairs));
        // The axis names each bucket by where it starts ("100"): a whole range ("100–199") was cut
        // to "100…" under bars as narrow as these. The tool tips give the range.
        categories << (q.to < 0 ? u"%1+"_s.arg(formatCount(q.from)) : formatCount(q.from));
        qTips << tr("Questions of %1 characters: %2 pairs (%3)")
                     .arg(binLabel(q), formatCount(q.pairs), formatPercent(q.pairs, s.totalPairs));
        sTips << tr("SQL of %1 characters: %2 pairs (%3)")
                     .arg(binLabel(l), formatCount(l.pairs), formatPercent(l.pairs, s.totalPairs));
        max = std::max({max, q.pairs, l.pairs});
    }
    question->setProperty(kToolTipProperty, qTips);
    sql->setProperty(kToolTipProperty, sTips);
    auto *series = new QBarSeries;
    series->append(question);
    series->append(sql);
    series->setBarWidth(0.85);
    chart->addSeries(series);
    auto *axisX = new QBarCategoryAxis;
    axisX->append(categories);
    styleAxis(axisX, theme, tr("Length (characters, from)"));
    axisX->setGridLineVisible(false);
    if (categories.size() > 8)
        axisX->setLabelsAngle(-45);
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);
    QValueAxis *axisY = countAxis(max, theme, tr("Pairs"));
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    return chart;
}

QString piiLabel(const QString &name)
{
    if (name == u"email"_s)
        return tr("E-mail");
    if (name == u"phone"_s)
        return tr("Phone number");
    if (name == u"ssn"_s)
        return tr("US SSN");
    if (name == u"credit_card"_s)
        return tr("Credit card");
    if (name == u"ip_address"_s)
        return tr("IP address");
    if (name == u"iban"_s)
        return tr("IBAN");
    if (name == u"name"_s)
        return tr("Person name");
    if (name == u"address"_s)
        return tr("Street address");
    if (name == u"date_of_birth"_s)
        return tr("Date of birth");
    if (name == u"custom"_s)
        return tr("Custom pattern");
    return name;
}

} // namespace

QList<ChartKind> allChartKinds()
{
    return {ChartKind::QueryTypes, ChartKind::Success, ChartKind::DatabaseTypes, ChartKind::Timeline,
            ChartKind::Lengths,    ChartKind::Tables,  ChartKind::Pii,           ChartKind::Review};
}

QString chartKindName(ChartKind kind)
{
    switch (kind) {
    case ChartKind::QueryTypes:
        return u"query-types"_s;
    case ChartKind::Success:
        return u"success"_s;
    case ChartKind::DatabaseTypes:
        return u"database-types"_s;
    case ChartKind::Timeline:
        return u"timeline"_s;
    case ChartKind::Lengths:
        return u"lengths"_s;
    case ChartKind::Tables:
        return u"tables"_s;
    case ChartKind::Pii:
        return u"pii"_s;
    case ChartKind::Review:
        return u"review"_s;
    }
    return {};
}

std::optional<ChartKind> chartKindFromName(const QString &name)
{
    for (ChartKind k : allChartKinds()) {
        if (chartKindName(k) == name.trimmed().toLower())
            return k;
    }
    return std::nullopt;
}

QString chartTitle(ChartKind kind)
{
    switch (kind) {
    case ChartKind::QueryTypes:
        return tr("Statement types");
    case ChartKind::Success:
        return tr("Successful and failed pairs");
    case ChartKind::DatabaseTypes:
        return tr("Database types");
    case ChartKind::Timeline:
        return tr("Pairs over time");
    case ChartKind::Lengths:
        return tr("Question and SQL lengths");
    case ChartKind::Tables:
        return tr("Most used tables");
    case ChartKind::Pii:
        return tr("Personal data found");
    case ChartKind::Review:
        return tr("Review progress");
    }
    return {};
}

ChartTheme ChartTheme::lightTheme()
{
    ChartTheme t;
    t.dark = false;
    t.background = QColor(0xff, 0xff, 0xff);
    t.text = QColor(0x22, 0x27, 0x2e);
    t.mutedText = QColor(0x5a, 0x62, 0x6e);
    t.grid = QColor(0xdd, 0xe1, 0xe6);
    t.good = QColor(0x2f, 0x9e, 0x62);
    t.bad = QColor(0xd9, 0x48, 0x3b);
    t.neutral = QColor(0xa3, 0xab, 0xb5);
    t.series = {QColor(0x3b, 0x6e, 0xa8), QColor(0xe8, 0x8b, 0x2e), QColor(0x4f, 0xa3, 0x9e),
                QColor(0x8e, 0x6b, 0xb0), QColor(0xc9, 0x5f, 0x7d)};
    return t;
}

ChartTheme ChartTheme::darkTheme()
{
    ChartTheme t;
    t.dark = true;
    t.background = QColor(0x23, 0x26, 0x2b);
    t.text = QColor(0xe6, 0xe8, 0xeb);
    t.mutedText = QColor(0xa8, 0xb0, 0xba);
    t.grid = QColor(0x3d, 0x42, 0x49);
    t.good = QColor(0x4c, 0xc3, 0x84);
    t.bad = QColor(0xf0, 0x6a, 0x5c);
    t.neutral = QColor(0x7d, 0x86, 0x91);
    t.series = {QColor(0x6c, 0xa0, 0xdc), QColor(0xf2, 0xa6, 0x52), QColor(0x6f, 0xc7, 0xc1),
                QColor(0xb3, 0x94, 0xd6), QColor(0xe8, 0x85, 0xa1)};
    return t;
}

ChartTheme ChartTheme::fromPalette(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Base);
    ChartTheme t = window.lightnessF() < 0.5 ? darkTheme() : lightTheme();
    t.background = window;
    t.text = palette.color(QPalette::Text);
    return t;
}

QChart *createChart(ChartKind kind, const Statistics &s, const ChartTheme &theme)
{
    if (s.totalPairs == 0)
        return emptyChart(kind, theme);
    switch (kind) {
    case ChartKind::QueryTypes:
        return horizontalBars(chartTitle(kind),
                              barsFromMap(s.queryTypes, tr("(no statement)"), u"query_types"_s), s.totalPairs,
                              theme, theme.series.value(0), tr("Pairs"));
    case ChartKind::DatabaseTypes:
        return horizontalBars(chartTitle(kind),
                              barsFromMap(s.databaseTypes, tr("(not recorded)"), u"database_types"_s),
                              s.totalPairs, theme, theme.series.value(2), tr("Pairs"));
    case ChartKind::Success:
        return donut(tr("Successful and failed pairs"),
                     {{tr("Successful"), s.successfulPairs, theme.good, {{u"success"_s, u"successful"_s}}},
                      {tr("Failed"), s.failedPairs, theme.bad, {{u"success"_s, u"failed"_s}}}},
                     theme);
    case ChartKind::Review:
        return donut(
            tr("Review progress (%1 reviewed)")
                .arg(formatPercent(s.approvedPairs + s.rejectedPairs, s.totalPairs)),
            {{tr("Unreviewed"), s.unreviewedPairs, theme.neutral, {{u"review_statuses"_s, QJsonArray{0}}}},
             {tr("Approved"), s.approvedPairs, theme.good, {{u"review_statuses"_s, QJsonArray{1}}}},
             {tr("Rejected"), s.rejectedPairs, theme.bad, {{u"review_statuses"_s, QJsonArray{2}}}}},
            theme);
    case ChartKind::Timeline:
        return s.timeline.isEmpty() ? emptyChart(kind, theme) : timelineChart(s, theme);
    case ChartKind::Lengths:
        return lengthsChart(s, theme);
    case ChartKind::Tables: {
        QList<Bar> bars;
        // Ten bars stay readable at report size; the title says how many tables there are.
        for (const Statistics::Count &t : s.topTables) {
            if (bars.size() == 10)
                break;
            bars.append({t.name, t.count, {{u"tables"_s, QJsonArray{t.name}}}, {}}); // a click filters by it
        }
        if (bars.isEmpty())
            return emptyChart(kind, theme);
        return horizontalBars(tr("Most used tables (%1 of %2)").arg(bars.size()).arg(s.uniqueTables), bars,
                              s.totalPairs, theme, theme.series.value(3), tr("Pairs using the table"));
    }
    case ChartKind::Pii: {
        QList<Bar> bars;
        for (auto it = s.piiKinds.constBegin(); it != s.piiKinds.constEnd(); ++it) {
            if (it.value() > 0)
                bars.append({piiLabel(it.key()), it.value(), {{u"pii"_s, QJsonArray{it.key()}}}, {}});
        }
        std::stable_sort(bars.begin(), bars.end(),
                         [](const Bar &a, const Bar &b) { return a.count > b.count; });
        const QString title =
            tr("Personal data found (%1 of pairs)").arg(formatPercent(s.pairsWithPii, s.totalPairs));
        if (bars.isEmpty()) {
            QChart *chart = emptyChart(kind, theme);
            chart->setTitle(title);
            return chart;
        }
        return horizontalBars(title, bars, s.totalPairs, theme, theme.series.value(4),
                              tr("Pairs containing it"));
    }
    }
    return emptyChart(kind, theme);
}

} // namespace pairlens::ui
