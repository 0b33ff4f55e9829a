// Statistics over a 1M-pair dataset: bench_statistics [DATASET] [PAIRS] [RUNS]
// Builds the dataset with DemoGenerator + PairStore::add the first time (cached at
// /tmp/pairlens-bench-stats-1m.db by default) and prints the median time of computeStatistics()
// unfiltered and under a few filters, against the 300 ms target of DESIGN.md.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "stats/statistics.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

bool ensureDataset(const QString &path, qint64 pairs)
{
    QString error;
    if (QFile::exists(path)) {
        auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
        if (ds && PairStore(*ds).count(Filter()) == pairs)
            return true;
        ds.reset();
        QFile::remove(path);
    }
    std::fprintf(stderr, "building %lld pairs in %s ...\n", static_cast<long long>(pairs), qPrintable(path));
    auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    if (!ds) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    PairStore store(*ds);
    DemoGenerator gen(2024, QDateTime(QDate(2025, 6, 30), QTime(12, 0), Qt::UTC));
    QElapsedTimer t;
    t.start();
    for (qint64 done = 0; done < pairs;) {
        const int n = int(std::min<qint64>(20000, pairs - done));
        const PairStore::AddResult r = store.add(gen.generate(n));
        if (!r.error.isEmpty()) {
            std::fprintf(stderr, "%s\n", qPrintable(r.error));
            return false;
        }
        done += n;
        if (done % 200000 == 0)
            std::fprintf(stderr, "  %lld pairs (%.1f s)\n", static_cast<long long>(done),
                         double(t.elapsed()) / 1000.0);
    }
    return true;
}

// Median wall-clock milliseconds; *cpuMs gets the median CPU time of this process, which the
// other processes of a shared machine disturb less.
double medianMs(Dataset &ds, const Filter &filter, int runs, Statistics *last, double *cpuMs = nullptr)
{
    QList<double> times, cpu;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        const std::clock_t c0 = std::clock();
        QString error;
        if (!computeStatistics(ds, filter, last, &error)) {
            std::fprintf(stderr, "statistics failed: %s\n", qPrintable(error));
            return -1;
        }
        times << double(t.nsecsElapsed()) / 1e6;
        cpu << double(std::clock() - c0) * 1000.0 / CLOCKS_PER_SEC;
    }
    std::sort(times.begin(), times.end());
    std::sort(cpu.begin(), cpu.end());
    if (cpuMs)
        *cpuMs = cpu.at(cpu.size() / 2);
    return times.at(times.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString path = args.value(1, u"/tmp/pairlens-bench-stats-1m.db"_s);
    const qint64 pairs = args.value(2, u"1000000"_s).toLongLong();
    const int runs = std::max(1, args.value(3, u"7"_s).toInt());
    if (!ensureDataset(path, pairs))
        return 1;
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    if (!ds) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    struct Case
    {
        const char *name;
        Filter filter;
    };
    QList<Case> cases;
    cases.append({"unfiltered", Filter()});
    Filter recent;
    recent.from = QDateTime(QDate(2025, 4, 1), QTime(0, 0), Qt::UTC);
    cases.append({"last quarter (--from)", recent});
    Filter selects;
    selects.queryTypes = {u"SELECT"_s};
    selects.success = Filter::Success::SuccessfulOnly;
    cases.append({"SELECT, successful", selects});
    Filter pii;
    pii.piiRequired = true;
    cases.append({"with PII (--pii)", pii});
    Filter search;
    search.search = u"customers"_s;
    cases.append({"text search", search});

    Statistics s;
    medianMs(*ds, Filter(), 1, &s); // warm the page cache
    std::printf("statistics over %lld pairs, median of %d runs (target <= 300 ms)\n",
                static_cast<long long>(s.totalPairs), runs);
    for (const Case &c : cases) {
        double cpu = 0;
        const double ms = medianMs(*ds, c.filter, runs, &s, &cpu);
        std::printf("  %-24s %8.1f ms wall %8.1f ms cpu  (%lld matching pairs)\n", c.name, ms, cpu,
                    static_cast<long long>(s.totalPairs));
    }
    return 0;
}
