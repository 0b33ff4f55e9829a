#pragma once

#include "stats/statistics.h"

#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

namespace pairlens::stats {

// The single-pass path of computeStatistics() for SQLite datasets: a user-defined SQL aggregate,
// pairlens_stats(...), registered on the connection for the duration of one query, folds every
// breakdown (types, names, review, PII kinds, lengths, days, execution-time summary, tables) in one
// scan of the pairs_stats covering index, where a GROUP BY per breakdown would sort the rows once
// each. Fills everything but the trash count (and the percentiles unless asked for).
//
// Returns false without touching *out when the connection is not SQLite (the caller then runs the
// portable GROUP BY queries); sets *error when the query itself failed.
// With `percentiles`, the execution-time percentiles are taken from exact value counts gathered in
// the same pass (used under a filter, where ORDER BY + OFFSET would sort the matching rows).
// `live`: the filter's scope is the live pairs (the pairs_stats index is partial on them).
bool aggregateInOnePass(QSqlDatabase &db, const QString &where, const QVariantList &bindings, bool live,
                        bool percentiles, Statistics *out, QString *error);

// Rolls the per-day counts up into the timeline and the raw length counts into the bins; shared by
// both paths so they can't disagree.
struct DayCount
{
    qint64 pairs = 0;
    qint64 failed = 0;
};
void setTimeline(Statistics *out, const QMap<QDate, DayCount> &days);
QList<Statistics::HistogramBin> binLengths(const QMap<int, qint64> &counts);
void setPiiKinds(Statistics *out, const QHash<qint64, qint64> &masks);
void setTables(Statistics *out, QList<Statistics::Count> tables);

} // namespace pairlens::stats
