#pragma once

#include "dataset/filter.h"
#include "stats/chartfactory.h"

#include <QStringList>

class QChart;

namespace pairlens::ui {

// A chart clicked to filter keeps showing every bar of the filter it was clicked in (its base),
// with the chosen bars or slices marked and the others faded, as long as the filter differs from
// the base only in the keys that chart sets. These helpers decide that and mark the chart.

// The Filter::toJson() keys a click on a chart of `kind` sets (empty for a chart that isn't clickable).
QStringList chartFilterKeys(ChartKind kind);

// True when `a` and `b` differ, and only in `keys`.
bool differsOnlyIn(const Filter &a, const Filter &b, const QStringList &keys);

// Marks the bars and slices of `chart` whose click on `base` gives `current`: they keep their
// colour (slices stand out), the rest fade toward the background. Returns how many were marked;
// nothing changes when none matches.
int highlightSelection(QChart *chart, const Filter &base, const Filter &current);

// Set (true) on a pie slice that highlightSelection() marked.
inline constexpr char kSelectedProperty[] = "pairlensSelected";

} // namespace pairlens::ui
