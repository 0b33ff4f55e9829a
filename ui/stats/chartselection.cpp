#include "stats/chartselection.h"

#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChart>
#include <QJsonObject>
#include <QPieSeries>
#include <QPieSlice>
#include <QSet>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

namespace {

QJsonObject without(QJsonObject o, const QStringList &keys)
{
    for (const QString &k : keys)
        o.remove(k);
    return o;
}

// `color` most of the way to the background: still there, no longer competing.
QColor faded(const QColor &color, const QColor &background)
{
    constexpr double kKept = 0.3;
    return QColor::fromRgbF(float(color.redF() * kKept + background.redF() * (1 - kKept)),
                            float(color.greenF() * kKept + background.greenF() * (1 - kKept)),
                            float(color.blueF() * kKept + background.blueF() * (1 - kKept)));
}

} // namespace

QStringList chartFilterKeys(ChartKind kind)
{
    switch (kind) {
    case ChartKind::QueryTypes:
        return {u"query_types"_s};
    case ChartKind::DatabaseTypes:
        return {u"database_types"_s};
    case ChartKind::Success:
        return {u"success"_s};
    case ChartKind::Review:
        return {u"review_statuses"_s};
    case ChartKind::Timeline:
        return {u"from"_s, u"to"_s, u"success"_s};
    case ChartKind::Tables:
        return {u"tables"_s};
    case ChartKind::Pii:
        return {u"pii"_s};
    case ChartKind::Lengths:
        break;
    }
    return {};
}

bool differsOnlyIn(const Filter &a, const Filter &b, const QStringList &keys)
{
    const QJsonObject ja = a.toJson(), jb = b.toJson();
    return !keys.isEmpty() && ja != jb && without(ja, keys) == without(jb, keys) && a.rowIds == b.rowIds &&
           a.restrictToRowIds == b.restrictToRowIds;
}

int highlightSelection(QChart *chart, const Filter &base, const Filter &current)
{
    if (!chart)
        return 0;
    const QJsonObject target = current.toJson();
    auto chosen = [&](const QJsonObject &refinement) {
        return !refinement.isEmpty() && refineFilter(base, refinement).toJson() == target;
    };
    const QColor background = chart->backgroundBrush().color();
    int marked = 0;
    for (QAbstractSeries *series : chart->series()) {
        if (auto *bars = qobject_cast<QAbstractBarSeries *>(series)) {
            // A stacked bar (a week's successful and failed pairs) is marked whole when one of its
            // parts was chosen.
            QSet<int> indexes;
            for (QBarSet *set : bars->barSets()) {
                for (int i = 0; i < set->count(); ++i) {
                    if (chosen(clickRefinement(set, i)))
                        indexes.insert(i);
                }
            }
            if (indexes.isEmpty())
                continue;
            for (QBarSet *set : bars->barSets()) {
                const QColor color = set->color();
                set->setSelectedColor(color);
                set->setColor(faded(color, background));
                set->setBorderColor(faded(set->borderColor(), background));
                set->selectBars(QList<int>(indexes.cbegin(), indexes.cend()));
            }
            marked += int(indexes.size());
        } else if (auto *pie = qobject_cast<QPieSeries *>(series)) {
            QList<QPieSlice *> picked;
            for (QPieSlice *slice : pie->slices()) {
                if (chosen(clickRefinement(slice)))
                    picked << slice;
            }
            if (picked.isEmpty())
                continue;
            for (QPieSlice *slice : pie->slices()) {
                const bool on = picked.contains(slice);
                slice->setProperty(kSelectedProperty, on);
                slice->setExploded(on);
                if (!on)
                    slice->setColor(faded(slice->color(), background));
            }
            marked += int(picked.size());
        }
    }
    return marked;
}

} // namespace pairlens::ui
