#pragma once

// The export dialog's work off the UI thread: each job opens its own connection to the dataset on a
// pool thread (QtConcurrent::run) and returns a value; nothing here touches a widget.

#include "datasetworker.h"
#include "export/exporter.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>

namespace pairlens::ui::exportjobs {

// What an export would take and leave out for one set of options (Exporter::countScope and, when
// the options drop duplicates, Exporter::countDuplicates).
struct Counts
{
    int generation = 0;
    std::optional<exporting::ScopeCounts> scope;
    std::optional<qint64> duplicates;
    QString error;
};

// One record as the export engine writes it (Exporter::preview) and, for a selection, the pair ids
// its rows hold (for the command line).
struct Sample
{
    int generation = 0;
    QByteArray record;        // empty when no pair matches
    QString error;            // why there is no sample
    QStringList pairIds;      // the selection's pair ids, when asked for
    bool pairIdsRead = false; // pairIds holds them all
    bool pairIdsTooMany = false;
};

// The selected rows as a filter of row ids (on `ds`'s connection).
Filter selectionFilter(Dataset &ds, const Selection &selection);

Counts count(int generation, exporting::ExportOptions options, QString location, Selection selection,
             bool resolveSelection, std::shared_ptr<std::atomic_bool> cancel);

// The first pair of the selection (when `fromSelection`) or else of the options' filter, exactly as
// the export writes it; with `maxPairIds` > 0 the selection's pair ids too (pairIdsTooMany when it
// holds more rows).
Sample sample(int generation, exporting::ExportOptions options, QString location, Selection selection,
              bool fromSelection, int maxPairIds);

exporting::ExportResult run(exporting::ExportOptions options, QString location, bool readOnly,
                            Selection selection, bool resolveSelection,
                            std::shared_ptr<std::atomic_bool> cancel,
                            std::shared_ptr<std::atomic<qint64>> done,
                            std::shared_ptr<std::atomic<qint64>> total);

} // namespace pairlens::ui::exportjobs
