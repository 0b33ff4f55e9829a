#pragma once

#include "dataset/filter.h"
#include "stats/statistics.h"

#include <QColor>
#include <QJsonObject>
#include <QList>
#include <QLocale>
#include <QSize>
#include <QString>

#include <optional>

class QChart;
class QObject;
class QPalette;

namespace pairlens::ui {

// The charts of the statistics view. Each is a pure function of a Statistics value: no SQL, no
// dataset, so the window and `pairlens chart` draw exactly the same picture.
enum class ChartKind
{
    QueryTypes,
    Success,
    DatabaseTypes,
    Timeline,
    Lengths,
    Tables,
    Pii,
    Review
};

QList<ChartKind> allChartKinds();
QString chartKindName(ChartKind kind); // the stable CLI names: query-types, success, database-types, ...
std::optional<ChartKind> chartKindFromName(const QString &name);
QString chartTitle(ChartKind kind);

// Colours and fonts for one palette; readable on light and dark backgrounds alike.
struct ChartTheme
{
    bool dark = false;
    QColor background;
    QColor text;
    QColor mutedText;
    QColor grid;
    QColor good;    // successful, approved
    QColor bad;     // failed, rejected
    QColor neutral; // unreviewed
    QList<QColor> series;
    int basePointSize = 9;

    static ChartTheme lightTheme();
    static ChartTheme darkTheme();
    static ChartTheme fromPalette(const QPalette &palette);
};

// Properties the factory puts on the bar sets (per category: lists) and pie slices it creates.
// kFilterProperty holds the filter refinement (Filter::toJson() keys) a click on that bar or slice
// stands for; kToolTipProperty the exact numbers.
inline constexpr char kFilterProperty[] = "pairlensFilter";
inline constexpr char kToolTipProperty[] = "pairlensToolTip";
// Set on the chart when there is nothing to draw (true).
inline constexpr char kEmptyProperty[] = "pairlensEmpty";

// Builds the chart; the caller owns it. An empty chart (no pairs) keeps its title and has
// kEmptyProperty set, so renderers can say "No pairs match the filter".
QChart *createChart(ChartKind kind, const Statistics &stats, const ChartTheme &theme);

// The refinement a click on `item` (a QBarSet with the category index, or a QPieSlice) stands for;
// empty when the item isn't clickable.
QJsonObject clickRefinement(const QObject *item, int index = -1);
QString clickToolTip(const QObject *item, int index = -1);
// The base filter narrowed by a refinement (its keys replace the base's).
Filter refineFilter(const Filter &base, const QJsonObject &refinement);

// Renders a chart (already built) to PNG or SVG, chosen by the file suffix (.svg = SVG, else PNG),
// atomically (QSaveFile). Returns false with one sentence in *error.
bool saveChart(QChart *chart, const QString &path, QSize size, QString *error);
// Builds a chart of `kind` in the light theme and saves it.
bool saveChart(ChartKind kind, const Statistics &stats, const QString &path, QSize size, QString *error);

// "12,345": counts formatted for people (grouped, whatever the C locale says).
// The locale numbers are shown in: the user's, English where it is the C locale.
QLocale countLocale();
QString formatCount(qint64 n);
QString formatPercent(qint64 n, qint64 total);

} // namespace pairlens::ui
