#include "facetcounter.h"

#include "dataset/dataset.h"
#include "dataset/deriver.h"
#include "privacy/piikind.h"
#include "readinterrupt.h"
#include "storage/pgstorage.h"

#include <QFutureWatcher>
#include <QSqlQuery>
#include <QThreadPool>
#include <QtConcurrent>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

using namespace Qt::StringLiterals;

namespace pairlens::ui {

namespace {

// The facets are a background nicety. They get a thread of their own at a lower CPU priority, so
// that the table's rows and count (the worker's reads) come first on a busy machine: on two cores
// counting every facet of a million pairs beside them made a new filter's rows 10x slower
// (bench_gui, docs/performance.md). One thread also means one connection and one page cache.
QThreadPool &facetPool()
{
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool;
        p->setMaxThreadCount(1);
        p->setExpiryTimeout(-1); // the thread keeps its priority for good
        // A count still running when the application ends finishes first, while Qt is still up (as
        // the application waits for its global pool); left running, it met a torn-down Qt at exit.
        qAddPostRoutine([] {
            pool->clear();
            pool->waitForDone();
        });
        return p;
    }();
    return *pool;
}

std::unique_ptr<Dataset> openForFacets(const QString &location, QString *error)
{
#ifdef Q_OS_LINUX
    // Linux gives each thread a nice value of its own; this pool's one thread only ever counts facets.
    setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), 10);
#endif
    std::unique_ptr<Dataset> dataset = Dataset::open(location, Dataset::Mode::ReadOnly, error);
    if (dataset)
        QSqlQuery(dataset->db()).exec(u"PRAGMA cache_size = -8192"_s); // a scan, not a working set
    return dataset;
}

// A PostgreSQL dataset's facets from the store's statistics (Storage::statistics): one per dimension
// the filter restricts (with that restriction left out), and one for the rest. The tables are the
// statistics' most used ones (Statistics::kTopTables) and any the filter names.
bool storageFacets(Storage &storage, const Filter &filter, FacetCounts *out, QString *error,
                   const std::atomic_bool &cancel)
{
    *out = FacetCounts();
    Statistics base;
    bool haveBase = false;
    const auto statistics = [&](const Filter &f, bool restricted, Statistics *stats) {
        if (cancel.load()) {
            *error = QCoreApplication::translate("Statistics", "The statistics were cancelled.");
            return false;
        }
        if (!restricted) {
            if (!haveBase && !storage.statistics(filter, &base, error))
                return false;
            haveBase = true;
            *stats = base;
            return true;
        }
        return storage.statistics(f, stats, error);
    };
    const auto values = [](const QMap<QString, qint64> &counts) {
        FacetCounts::Values v;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            if (it.value() > 0)
                v.append({it.key(), it.value()});
        }
        std::stable_sort(v.begin(), v.end(),
                         [](const auto &a, const auto &b) { return a.second > b.second; });
        return v;
    };
    Statistics st;
    Filter f = filter;
    f.queryTypes.clear();
    if (!statistics(f, !filter.queryTypes.isEmpty(), &st))
        return false;
    out->queryTypes = values(st.queryTypes);
    f = filter;
    f.databaseTypes.clear();
    if (!statistics(f, !filter.databaseTypes.isEmpty(), &st))
        return false;
    out->databaseTypes = values(st.databaseTypes);
    f = filter;
    f.databaseNames.clear();
    if (!statistics(f, !filter.databaseNames.isEmpty(), &st))
        return false;
    out->databaseNames = values(st.databaseNames);
    f = filter;
    f.success = Filter::Success::Any;
    if (!statistics(f, filter.success != Filter::Success::Any, &st))
        return false;
    out->successful = st.successfulPairs;
    out->failed = st.failedPairs;
    f = filter;
    f.reviewStatuses.clear();
    if (!statistics(f, !filter.reviewStatuses.isEmpty(), &st))
        return false;
    out->reviewStatuses = {st.unreviewedPairs, st.approvedPairs, st.rejectedPairs};
    f = filter;
    f.piiRequired = false;
    f.piiKinds = 0;
    if (!statistics(f, filter.piiRequired || filter.piiKinds, &st))
        return false;
    out->withPii = st.pairsWithPii;
    for (PiiKind k : allPiiKinds())
        out->piiKinds.insert(quint32(k), st.piiKinds.value(piiKindName(k)));
    f = filter;
    f.tables.clear();
    if (!statistics(f, !filter.tables.isEmpty(), &st))
        return false;
    for (const Statistics::Count &t : std::as_const(st.topTables))
        out->tables.append({t.name, t.count});
    for (const QString &name : filter.tables) {
        if (out->value(out->tables, name) > 0)
            continue;
        Filter one = f;
        one.tables = {name};
        const qint64 n = storage.count(one, error);
        if (n < 0)
            return false;
        if (n > 0)
            out->tables.append({name, n});
    }
    return true;
}

// The oldest and newest live pair in the timestamp order: two index lookups, as liveTimeRange() for a
// file (computing the whole statistics for it took seconds at a million pairs on PostgreSQL).
bool storageTimeRange(Storage &storage, QDateTime *first, QDateTime *last, QString *error)
{
    *first = *last = QDateTime();
    for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
        QList<Pair> end;
        if (!storage.page(Filter(), PairStore::Sort{PairStore::SortColumn::Timestamp, order}, 1, 0, &end,
                          error))
            return false;
        if (end.isEmpty())
            return true;
        const QString ts = normalisePairTimestamp(end.first().timestamp);
        *(order == Qt::AscendingOrder ? first : last) = QDateTime::fromString(ts, Qt::ISODateWithMs);
    }
    return true;
}

} // namespace

struct FacetCounter::Result
{
    int generation = 0;
    bool ok = false;
    FacetCounts counts;
    bool hasRange = false;
    QDateTime first, last;
};

FacetCounter::FacetCounter(QObject *parent) : QObject(parent) {}

FacetCounter::~FacetCounter()
{
    cancelRunning();
}

void FacetCounter::cancelRunning()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_reads)
        m_reads->interrupt(); // a PostgreSQL statement in flight: seconds of both cores at 1M pairs
}

void FacetCounter::setDataset(const QString &location)
{
    cancelRunning();
    ++m_generation;
    m_location = location;
    m_rangePending = false;
    setBusy(false);
    if (location.isEmpty())
        return;
    // The time range first, on its own: two index lookups, ready long before the facets of a large
    // dataset, so that the date edits show the dataset's dates at once.
    using Range = QPair<QDateTime, QDateTime>;
    auto *watcher = new QFutureWatcher<Range>(this);
    connect(watcher, &QFutureWatcher<Range>::finished, this, [this, watcher, location] {
        watcher->deleteLater();
        const Range r = watcher->result();
        if (location == m_location && (r.first.isValid() || r.second.isValid()))
            emit timeRangeRead(r.first, r.second);
    });
    watcher->setFuture(QtConcurrent::run(&facetPool(), [location] {
        Range r;
        QString error;
        if (isPostgresLocation(location)) {
            if (auto storage = PgStorage::open(location, &error, false))
                storageTimeRange(*storage, &r.first, &r.second, &error);
            return r;
        }
        if (auto dataset = openForFacets(location, &error))
            liveTimeRange(*dataset, &r.first, &r.second, &error);
        return r;
    }));
}

void FacetCounter::count(const Filter &filter)
{
    if (m_location.isEmpty())
        return;
    cancelRunning(); // the older filter's counts are of no use any more
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_reads = std::make_shared<ReadInterrupt>();
    const int generation = ++m_generation;
    const bool wantRange = m_rangePending;
    setBusy(true);
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Result r = watcher->result();
        if (r.generation != m_generation)
            return;
        setBusy(false);
        if (r.hasRange) {
            m_rangePending = false;
            emit timeRangeRead(r.first, r.last);
        }
        if (r.ok)
            emit counted(r.counts);
    });
    // Runs on the facets' thread: the dataset is opened (and closed) there, so its connection never
    // crosses threads.
    watcher->setFuture(QtConcurrent::run(&facetPool(), [generation, location = m_location, filter, wantRange,
                                                        cancel = m_cancel, reads = m_reads] {
        Result r;
        r.generation = generation;
        QString error;
        if (isPostgresLocation(location)) {
            auto storage = PgStorage::open(location, &error, false);
            if (!storage)
                return r;
            const ReadScope reading(reads, storage->statementCanceller());
            if (wantRange)
                r.hasRange = storageTimeRange(*storage, &r.first, &r.last, &error);
            r.ok = storageFacets(*storage, filter, &r.counts, &error, *cancel);
            return r;
        }
        auto dataset = openForFacets(location, &error);
        if (!dataset)
            return r;
        if (wantRange)
            r.hasRange = liveTimeRange(*dataset, &r.first, &r.last, &error);
        r.ok = computeFacets(*dataset, filter, &r.counts, &error, Progress({}, cancel.get()));
        return r;
    }));
}

void FacetCounter::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged(busy);
}

} // namespace pairlens::ui
