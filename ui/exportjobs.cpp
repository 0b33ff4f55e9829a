#include "exportjobs.h"

#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "storage/pgstorage.h"

#include <QCoreApplication>

namespace pairlens::ui::exportjobs {

using exporting::ExportOptions;
using exporting::ExportResult;

Filter selectionFilter(Dataset &ds, const Selection &selection)
{
    PairStore store(ds);
    QList<qint64> ids = selection.rowIds;
    for (const auto &range : selection.ranges)
        ids += store.rowIds(selection.filter, selection.sort, int(range.second), range.first);
    Filter filter;
    filter.scope = selection.filter.scope;
    filter.rowIds = ids;
    filter.restrictToRowIds = true;
    return filter;
}

namespace {

// A PostgreSQL dataset (issue 18): the same jobs through the storage seam, on a connection of
// their own. The duplicates an export drops are not counted beforehand there (the export still
// drops them), and the engine's preview needs a dataset file: the dialog says so.
std::unique_ptr<PgStorage> openStorage(const QString &location, QString *error)
{
    return PgStorage::open(location, error, false);
}

bool storageSelectionFilter(Storage &storage, const Selection &selection, Filter *out, QString *error)
{
    QList<qint64> ids = selection.rowIds;
    for (const auto &range : selection.ranges) {
        QList<qint64> part;
        if (!storage.rowIds(selection.filter, selection.sort, int(range.second), range.first, &part, error))
            return false;
        ids += part;
    }
    *out = Filter();
    out->scope = selection.filter.scope;
    out->rowIds = ids;
    out->restrictToRowIds = true;
    return true;
}

} // namespace

Counts count(int generation, ExportOptions options, QString location, Selection selection,
             bool resolveSelection, std::shared_ptr<std::atomic_bool> cancel)
{
    Counts counts;
    counts.generation = generation;
    QString error;
    if (isPostgresLocation(location)) {
        std::unique_ptr<PgStorage> storage = openStorage(location, &error);
        if (storage &&
            (!resolveSelection || storageSelectionFilter(*storage, selection, &options.filter, &error)))
            counts.scope = exporting::Exporter::countScope(*storage, options, &error);
        counts.error = counts.scope ? QString() : error;
        return counts;
    }
    std::unique_ptr<Dataset> ds = Dataset::open(location, Dataset::Mode::ReadOnly, &error);
    if (!ds) {
        counts.error = error;
        return counts;
    }
    if (resolveSelection)
        options.filter = selectionFilter(*ds, selection);
    counts.scope = exporting::Exporter::countScope(*ds, options, &error);
    if (!counts.scope) {
        counts.error = error;
        return counts;
    }
    if (options.dedupes() && !cancel->load())
        counts.duplicates =
            exporting::Exporter::countDuplicates(*ds, options, Progress({}, cancel.get()), &error);
    counts.error = error;
    return counts;
}

Sample sample(int generation, ExportOptions options, QString location, Selection selection,
              bool fromSelection, int maxPairIds)
{
    Sample s;
    s.generation = generation;
    QString error;
    if (isPostgresLocation(location)) {
        std::unique_ptr<PgStorage> storage = openStorage(location, &error);
        if (!storage) {
            s.error = error;
            return s;
        }
        options.target.clear();
        if (fromSelection) {
            Filter rows;
            if (!storageSelectionFilter(*storage, selection, &rows, &error)) {
                s.error = error;
                return s;
            }
            if (maxPairIds > 0) {
                s.pairIdsTooMany = rows.rowIds.size() > maxPairIds;
                QList<Pair> pairs;
                if (!s.pairIdsTooMany &&
                    storage->page(rows, PairStore::Sort{}, int(rows.rowIds.size()), 0, &pairs, &error)) {
                    for (const Pair &p : std::as_const(pairs))
                        s.pairIds << p.pairId;
                    s.pairIdsRead = true;
                }
            }
            // The selected pair as the export writes it, as for a file below.
            options.filter = rows;
            options.filter.rowIds = rows.rowIds.mid(0, 1);
            options.review = exporting::ReviewScope::IncludeRejected;
            options.includeFailed = true;
        }
        s.record = exporting::Exporter(*storage, options).preview(1, &error).value(0);
        s.error = error;
        return s;
    }
    std::unique_ptr<Dataset> ds = Dataset::open(location, Dataset::Mode::ReadOnly, &error);
    if (!ds) {
        s.error = error;
        return s;
    }
    options.target.clear();
    if (fromSelection) {
        const Filter rows = selectionFilter(*ds, selection);
        if (maxPairIds > 0) {
            s.pairIdsTooMany = rows.rowIds.size() > maxPairIds;
            if (!s.pairIdsTooMany)
                s.pairIdsRead = PairStore(*ds).forEach(rows, PairStore::Sort{}, [&s](const Pair &p) {
                    s.pairIds << p.pairId;
                    return true;
                });
        }
        // The selected pair as the export writes it, whatever keeps it out of this export.
        options.filter = rows;
        options.filter.rowIds = rows.rowIds.mid(0, 1);
        options.review = exporting::ReviewScope::IncludeRejected;
        options.includeFailed = true;
    }
    const QList<QByteArray> records = exporting::Exporter(*ds, options).preview(1, &error);
    s.record = records.value(0);
    s.error = error;
    return s;
}

ExportResult run(ExportOptions options, QString location, bool readOnly, Selection selection,
                 bool resolveSelection, std::shared_ptr<std::atomic_bool> cancel,
                 std::shared_ptr<std::atomic<qint64>> done, std::shared_ptr<std::atomic<qint64>> total)
{
    ExportResult result;
    QString error;
    const Progress progress(
        [done, total](qint64 d, qint64 t, const QString &) {
            done->store(d);
            total->store(t);
        },
        cancel.get());
    if (isPostgresLocation(location)) {
        std::unique_ptr<PgStorage> storage = openStorage(location, &error);
        if (!storage ||
            (resolveSelection && !storageSelectionFilter(*storage, selection, &options.filter, &error))) {
            result.error = error;
            return result;
        }
        return exporting::Exporter(*storage, options).run(progress);
    }
    std::unique_ptr<Dataset> ds =
        Dataset::open(location, readOnly ? Dataset::Mode::ReadOnly : Dataset::Mode::OpenExisting, &error);
    if (!ds) {
        result.error = error;
        return result;
    }
    if (ds->isReadOnly())
        options.audit = false; // a read-only dataset has no audit log to write to
    if (resolveSelection)
        options.filter = selectionFilter(*ds, selection);
    return exporting::Exporter(*ds, options).run(progress);
}

} // namespace pairlens::ui::exportjobs
