#include "dataset/demowriter.h"

#include "dataset/demogenerator.h"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

struct Batch
{
    QList<Pair> pairs;
    QList<DerivedFields> derived;
};

Batch deriveBatch(QList<Pair> pairs, const Deriver &deriver, const QString &now)
{
    Batch b;
    b.derived.reserve(pairs.size());
    for (const Pair &p : pairs) {
        b.derived.append(deriver.derive(p.naturalLanguageQuery, p.sqlQuery,
                                        p.timestamp.isEmpty() ? QStringView(now) : QStringView(p.timestamp),
                                        p.databaseType, p.pairId, p.metadata));
        b.derived.last().metadataJson = metadataText(p.metadata); // here, not on the writing thread
    }
    b.pairs = std::move(pairs);
    return b;
}

} // namespace

qint64 addDemoPairs(PairStore &store, quint64 seed, qint64 count, QString *error,
                    const std::function<bool(qint64, qint64)> &progress, const QDateTime &end)
{
    constexpr int kBatch = 2500;
    DemoGenerator gen(seed, end);
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const Deriver &deriver = store.deriver();
    if (!deriver.refresh(error)) // the dataset's own patterns count for the demo pairs too
        return -1;
    qint64 generated = 0, written = 0, added = 0;
    // A three-stage pipeline: while this thread writes batch N, one worker analyses batch N+1
    // (statement type, tables, PII kinds) and another generates batch N+2. Generating and analysing
    // take about the same time, so one worker doing both kept the other core half idle. The
    // generator is used by one task at a time: the next generation starts after the previous one.
    // A written batch is freed by the analysis of the batch after next, on a worker: memory is
    // cheapest to free on the thread that allocated it (freeing into another thread's malloc arena
    // takes that arena's lock, and the writing thread then waits on the worker's allocations: 8 %
    // of its time).
    auto generate = [&]() -> QFuture<QList<Pair>> {
        if (generated >= count)
            return {};
        const int n = int(std::min<qint64>(kBatch, count - generated));
        generated += n;
        return QtConcurrent::run([&gen, n] { return gen.generate(n); });
    };
    auto analyse = [&](QFuture<QList<Pair>> &pairs, Batch toFree) -> QFuture<Batch> {
        if (!pairs.isValid())
            return {};
        return QtConcurrent::run(
            [&deriver, &now, pairs = pairs.takeResult(), toFree = std::move(toFree)]() mutable {
                toFree = {};
                return deriveBatch(std::move(pairs), deriver, now);
            });
    };
    QFuture<QList<Pair>> generating = generate();
    QFuture<Batch> analysing = analyse(generating, {});
    generating = generate();
    auto finishAll = [&] {
        analysing.waitForFinished();
        generating.waitForFinished();
    };
    Batch lastWritten;
    while (analysing.isValid()) {
        Batch b = analysing.takeResult();
        analysing = analyse(generating, std::move(lastWritten));
        generating = generate();
        const PairStore::AddResult r = store.add(b.pairs, b.derived);
        if (!r.error.isEmpty()) {
            finishAll();
            *error = r.error;
            return -1;
        }
        added += r.added;
        written += b.pairs.size();
        if (progress && !progress(written, count)) {
            finishAll();
            break;
        }
        lastWritten = std::move(b);
    }
    return added;
}

} // namespace pairlens
