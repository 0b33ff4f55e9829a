#include "facetcounter.h"

#include "dataset/dataset.h"

#include <QFutureWatcher>
#include <QtConcurrent>

namespace pairlens::ui {

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
    if (m_cancel)
        m_cancel->store(true);
}

void FacetCounter::setDataset(const QString &location)
{
    if (m_cancel)
        m_cancel->store(true);
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
    watcher->setFuture(QtConcurrent::run([location] {
        Range r;
        QString error;
        if (auto dataset = Dataset::open(location, Dataset::Mode::ReadOnly, &error))
            liveTimeRange(*dataset, &r.first, &r.second, &error);
        return r;
    }));
}

void FacetCounter::count(const Filter &filter)
{
    if (m_location.isEmpty())
        return;
    if (m_cancel)
        m_cancel->store(true); // the older filter's counts are of no use any more
    m_cancel = std::make_shared<std::atomic_bool>(false);
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
    // Runs on a pool thread: the dataset is opened (and closed) there, so its connection never
    // crosses threads.
    watcher->setFuture(
        QtConcurrent::run([generation, location = m_location, filter, wantRange, cancel = m_cancel] {
            Result r;
            r.generation = generation;
            QString error;
            auto dataset = Dataset::open(location, Dataset::Mode::ReadOnly, &error);
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
