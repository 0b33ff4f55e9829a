#pragma once

#include "common/progress.h"
#include "dataset/filter.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>

namespace pairlens {

class Dataset;

// The filter panel's counts, as Datasette's facets: for every value of a dimension, how many pairs
// match the filter with that dimension's own condition left out (so each count says how many pairs
// ticking the value alone would add or leave). Values with no matching pair are absent.
struct FacetCounts
{
    using Values = QList<QPair<QString, qint64>>; // value and count, most frequent first
    Values queryTypes;                            // "" for pairs without a statement
    Values databaseTypes;
    Values databaseNames;
    Values tables; // the kMaxTables most used, then any the filter names
    qint64 successful = 0;
    qint64 failed = 0;
    QList<qint64> reviewStatuses{0, 0, 0}; // by ReviewStatus
    qint64 withPii = 0;                    // pairs with any kind
    QMap<quint32, qint64> piiKinds;        // by PiiKind bit

    static constexpr int kMaxTables = 200;

    qint64 value(const Values &values, const QString &key) const;
};

// Runs one GROUP BY per dimension on the dataset's connection (its thread). Returns false with a
// message in *error when the dataset can't be read or the progress asked to stop.
bool computeFacets(Dataset &dataset, const Filter &filter, FacetCounts *out, QString *error,
                   const Progress &progress = {});

// The first and last timestamps of the live pairs (invalid when there are none), from the
// timestamp index: two lookups.
bool liveTimeRange(Dataset &dataset, QDateTime *first, QDateTime *last, QString *error);

} // namespace pairlens
