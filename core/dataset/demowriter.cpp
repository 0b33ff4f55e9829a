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
    constexpr int kBatch = 5000;
    DemoGenerator gen(seed, end);
    const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const Deriver &deriver = store.deriver();
    qint64 generated = 0, written = 0, added = 0;
    // A two-stage pipeline: while this thread writes batch N, a worker generates batch N+1 and
    // analyses it (statement type, tables, PII kinds). One batch at a time uses the generator: the
    // next one starts only when the previous one is done.
    // A written batch is freed by the task after next, on a worker: memory is cheapest to free on
    // the thread that allocated it (freeing into another thread's malloc arena takes that arena's
    // lock, and the writing thread then waits on the worker's allocations: 8 % of its time).
    auto next = [&](Batch toFree) -> QFuture<Batch> {
        if (generated >= count)
            return {};
        const int n = int(std::min<qint64>(kBatch, count - generated));
        generated += n;
        return QtConcurrent::run([&gen, &deriver, &now, n, toFree = std::move(toFree)]() mutable {
            toFree = {};
            return deriveBatch(gen.generate(n), deriver, now);
        });
    };
    Batch lastWritten;
    QFuture<Batch> pending = next({});
    while (pending.isValid()) {
        Batch b = pending.takeResult();
        QFuture<Batch> following = next(std::move(lastWritten));
        const PairStore::AddResult r = store.add(b.pairs, b.derived);
        if (!r.error.isEmpty()) {
            following.waitForFinished();
            *error = r.error;
            return -1;
        }
        added += r.added;
        written += b.pairs.size();
        if (progress && !progress(written, count)) {
            following.waitForFinished();
            break;
        }
        lastWritten = std::move(b);
        pending = following;
    }
    return added;
}

} // namespace pairlens
