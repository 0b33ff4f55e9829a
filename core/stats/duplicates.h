#pragma once

// Duplicate counts of the statistics (docs/statistics.md, "Duplicates"): how many of the pairs
// matching a filter repeat an earlier one, exactly and after normalization (dataset/duplicatekeys.h).
// Reads the question and SQL of every matching pair once, normalizing them on all cores, and keeps
// one 16-byte key per distinct pair (about 45 MB for a million distinct pairs).

#include "common/progress.h"
#include "dataset/filter.h"

#include <QString>

namespace pairlens {

class Dataset;
struct Statistics;

struct DuplicateCounts
{
    qint64 pairs = 0;      // pairs read
    qint64 exact = 0;      // pairs with the same question and SQL as an earlier pair
    qint64 normalized = 0; // pairs with the same normalized question and SQL as an earlier pair
};

// Returns false with *error when the dataset can't be read or the progress asked to stop. Runs on
// the dataset's connection (its thread).
bool computeDuplicates(Dataset &dataset, const Filter &filter, DuplicateCounts *out, QString *error,
                       const Progress &progress = {});

// computeDuplicates() into stats->exactDuplicates and stats->normalizedDuplicates.
bool addDuplicates(Dataset &dataset, const Filter &filter, Statistics *stats, QString *error,
                   const Progress &progress = {});

} // namespace pairlens
