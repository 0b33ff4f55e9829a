// Statistics over a 1M-pair dataset: bench_statistics [DATASET] [PAIRS] [RUNS] [CASE]
// Builds the dataset with DemoGenerator + PairStore::add the first time (cached at
// /tmp/pairlens-bench-stats-1m.db by default) and prints the median time of computeStatistics()
// unfiltered and under a few filters, against the 300 ms target of DESIGN.md: wall clock, CPU time
// of the process, and how much of it the calling thread used (the rest is the scan threads').
// CASE (a prefix of a case name, e.g. "unfiltered") runs only the matching cases, for profiling.
// PAIRLENS_STATS_CONNECTIONS chooses the scan path (see docs/statistics.md). With
// PAIRLENS_BENCH_JSON=PREFIX set, each case's numbers are written to PREFIX<case>.json, to check
// that a faster version still computes the same numbers.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "stats/statistics.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include <time.h>

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

double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

QByteArray loadAverage()
{
    QFile f(u"/proc/loadavg"_s);
    return f.open(QIODevice::ReadOnly) ? f.readAll().split(' ').mid(0, 3).join(' ') : QByteArray("?");
}

// Medians of the wall-clock time, the CPU time of the process (all threads; the other processes
// of a shared machine disturb it less) and the CPU time of the calling thread (the rest is the
// scan threads'), in milliseconds.
struct Times
{
    double wall = -1, cpu = 0, mainThread = 0;
};

Times median(Dataset &ds, const Filter &filter, int runs, Statistics *last)
{
    QList<double> wall, cpu, mainThread;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        const std::clock_t c0 = std::clock();
        const double m0 = threadCpuMs();
        QString error;
        if (!computeStatistics(ds, filter, last, &error)) {
            std::fprintf(stderr, "statistics failed: %s\n", qPrintable(error));
            return {};
        }
        wall << double(t.nsecsElapsed()) / 1e6;
        cpu << double(std::clock() - c0) * 1000.0 / CLOCKS_PER_SEC;
        mainThread << threadCpuMs() - m0;
    }
    for (QList<double> *l : {&wall, &cpu, &mainThread})
        std::sort(l->begin(), l->end());
    const qsizetype m = wall.size() / 2;
    return {wall.at(m), cpu.at(m), mainThread.at(m)};
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString path = args.value(1, u"/tmp/pairlens-bench-stats-1m.db"_s);
    const qint64 pairs = args.value(2, u"1000000"_s).toLongLong();
    const int runs = std::max(1, args.value(3, u"7"_s).toInt());
    const QString only = args.value(4);
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
    median(*ds, Filter(), 1, &s); // warm the page cache
    std::printf("statistics over %lld pairs, median of %d runs (target <= 300 ms), load average %s\n",
                static_cast<long long>(s.totalPairs), runs, loadAverage().constData());
    for (const Case &c : cases) {
        if (!QString::fromLatin1(c.name).startsWith(only))
            continue;
        const Times t = median(*ds, c.filter, runs, &s);
        std::printf(
            "  %-24s %7.1f ms wall %7.1f ms cpu (main thread %6.1f, scan threads %6.1f)  %lld pairs\n",
            c.name, t.wall, t.cpu, t.mainThread, t.cpu - t.mainThread, static_cast<long long>(s.totalPairs));
        if (const QString prefix = qEnvironmentVariable("PAIRLENS_BENCH_JSON"); !prefix.isEmpty()) {
            QFile out(prefix + QString::fromLatin1(c.name).section(u' ', 0, 0) + u".json"_s);
            if (out.open(QIODevice::WriteOnly))
                out.write(QJsonDocument(s.toJson()).toJson());
        }
    }
    std::printf("load average %s\n", loadAverage().constData());
    return 0;
}
