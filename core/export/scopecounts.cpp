// Exporter's counts before an export writes anything: what the review scope and the failed rule of
// the fine-tuning formats leave out (COUNT queries), and the duplicates it would drop (one read).
#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "export/dedupeset.h"
#include "export/exporter.h"
#include "export/recordsource.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <algorithm>
#include <functional>

namespace pairlens::exporting {

namespace {

// `countOf` returns the pairs a filter matches, or -1 with its error kept for `errorOf`.
std::optional<ScopeCounts> countScopeWith(const std::function<qint64(const Filter &)> &countOf,
                                          const std::function<QString()> &errorOf,
                                          const ExportOptions &options, QString *error)
{
    ScopeCounts c;
    const auto count = [&](const Filter &f, qint64 *to) {
        *to = countOf(f);
        return *to >= 0;
    };
    const Filter reviewed = options.reviewedFilter();
    qint64 reviewedCount = 0;
    // As few queries as the options need: the review scope and the failed rule each add one.
    bool ok = count(options.filter, &c.matched);
    if (ok && options.review == ReviewScope::IncludeRejected)
        reviewedCount = c.matched;
    else if (ok)
        ok = count(reviewed, &reviewedCount);
    if (ok && options.skipsFailed())
        ok = count(options.effectiveFilter(), &c.selected);
    else
        c.selected = reviewedCount;
    if (ok && options.review != ReviewScope::IncludeRejected && c.matched > reviewedCount) {
        // Of those the review scope left out, the rejected ones; the rest are unreviewed.
        const QList<int> &asked = options.filter.reviewStatuses;
        const int rejected = int(ReviewStatus::Rejected);
        if (asked.isEmpty() || asked.contains(rejected)) {
            Filter f = options.filter;
            f.reviewStatuses = {rejected};
            ok = count(f, &c.rejected);
        }
        c.unreviewed = std::max<qint64>(0, c.matched - reviewedCount - c.rejected);
    }
    if (!ok) {
        if (error)
            *error = errorOf();
        return std::nullopt;
    }
    c.failed = std::max<qint64>(0, reviewedCount - c.selected);
    return c;
}

} // namespace

std::optional<ScopeCounts> Exporter::countScope(Dataset &dataset, const ExportOptions &options,
                                                QString *error)
{
    PairStore store(dataset);
    return countScopeWith([&](const Filter &f) { return store.count(f); },
                          [&] { return store.errorString(); }, options, error);
}

std::optional<ScopeCounts> Exporter::countScope(Storage &storage, const ExportOptions &options,
                                                QString *error)
{
    // Every filter countScopeWith() may ask for, counted together (on PostgreSQL one scan instead
    // of one each); a filter not among them is counted on its own.
    QList<Filter> filters{options.filter, options.reviewedFilter(), options.effectiveFilter()};
    Filter rejected = options.filter;
    rejected.reviewStatuses = {int(ReviewStatus::Rejected)};
    filters << rejected;
    QList<QJsonObject> keys;
    for (const Filter &f : filters)
        keys << f.toJson();
    QString failure;
    QList<qint64> counts;
    if (!storage.countEach(filters, &counts, &failure)) {
        if (error)
            *error = failure;
        return std::nullopt;
    }
    return countScopeWith(
        [&](const Filter &f) {
            const qsizetype i = keys.indexOf(f.toJson());
            return i >= 0 ? counts.at(i) : storage.count(f, &failure);
        },
        [&] { return failure; }, options, error);
}

std::optional<qint64> Exporter::countDuplicates(Dataset &dataset, const ExportOptions &options,
                                                const Progress &progress, QString *error)
{
    RecordSource source(dataset);
    if (!source.start(options.effectiveFilter())) {
        if (error)
            *error = source.errorString();
        return std::nullopt;
    }
    // The export's key (dedupeKey()) over the stored text: anonymization can only make more pairs
    // equal, so the export drops at least this many.
    RecordConverter converter(nullptr);
    DedupeSet seen;
    std::vector<RawRow> rows;
    qint64 read = 0, duplicates = 0;
    for (;;) {
        rows.clear();
        const int n = source.read(rows, 4096);
        if (n == 0)
            break;
        for (const RawRow &row : rows) {
            if (!seen.insert(dedupeKey(converter.convert(row))))
                ++duplicates;
        }
        read += n;
        if (!progress.report(read, 0, QCoreApplication::translate("Export", "Counting duplicates"))) {
            if (error)
                error->clear();
            return std::nullopt;
        }
    }
    if (!source.errorString().isEmpty()) {
        if (error)
            *error = source.errorString();
        return std::nullopt;
    }
    return duplicates;
}

} // namespace pairlens::exporting
