// Foundation benchmarks on 1M generated pairs (DESIGN.md targets):
//   import with analysis >= 200k pairs/s, count / first page <= 20 ms, text search <= 100 ms,
//   statistics <= 300 ms, delete or undo of 100k pairs <= 1 s.
// Usage: bench_store [PAIRS] [WORKDIR]   (default 1000000, /tmp/pairlens-bench-store)
// The reference measured in the same run: bench/reference_loader.py (Python's sqlite3, executemany,
// no analysis, no indexes) loading the same JSON Lines file. PAIRLENS_BENCH_ORDINARY=1 imports into
// an existing empty dataset (the chunked path) instead of a bulk load of a new one.
#include "dataset/bulkload.h"
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "stats/statistics.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

void print(const char *what, double value, const char *unit, const char *target)
{
    std::printf("%-44s %12.1f %-8s target %s\n", what, value, unit, target);
    std::fflush(stdout);
}

template <typename F> double medianMs(int runs, F &&f)
{
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        f();
        t.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int pairs = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
    const QString work = argc > 2 ? QString::fromLocal8Bit(argv[2]) : u"/tmp/pairlens-bench-store"_s;
    QDir().mkpath(work);
    const QString jsonl = work + u"/pairs-%1.jsonl"_s.arg(pairs);
    if (!QFile::exists(jsonl)) {
        std::printf("writing %d demo pairs to %s ...\n", pairs, qPrintable(jsonl));
        QFile f(jsonl);
        if (!f.open(QIODevice::WriteOnly))
            return 1;
        DemoGenerator gen(1);
        for (int i = 0; i < pairs; ++i)
            f.write(QJsonDocument(pairToJson(gen.next())).toJson(QJsonDocument::Compact) + '\n');
    }
    // New pairs for the imports into the full dataset: another seed, other pair_ids, and times as
    // `time` gives them (empty: the generator's).
    const int extra = std::max(1, pairs / 10);
    const auto writeNewPairs = [extra](const QString &path, int seed, const QString &prefix,
                                       const std::function<QString(int)> &time) {
        if (QFile::exists(path))
            return true;
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return false;
        DemoGenerator gen(seed);
        for (int i = 0; i < extra; ++i) {
            Pair p = gen.next();
            p.pairId = prefix + p.pairId;
            if (time)
                p.timestamp = time(i);
            f.write(QJsonDocument(pairToJson(p)).toJson(QJsonDocument::Compact) + '\n');
        }
        return true;
    };
    // Spread over the same 180 days as the dataset's: a worst case for the indexes that lead with
    // the time.
    const QString extraJsonl = work + u"/extra-%1.jsonl"_s.arg(extra);
    // As recorders add them: after the dataset's newest pair, in order.
    const QString recentJsonl = work + u"/recent-%1.jsonl"_s.arg(extra);
    const QDateTime future(QDate(2100, 1, 1), QTime(0, 0), Qt::UTC);
    if (!writeNewPairs(extraJsonl, 2, u"extra-"_s, {}) ||
        !writeNewPairs(recentJsonl, 3, u"recent-"_s,
                       [&](int i) { return future.addMSecs(qint64(i) * 250).toString(Qt::ISODateWithMs); }))
        return 1;
    const QString dbPath = work + u"/bench.pairlens"_s;
    // PAIRLENS_BENCH_REUSE=1 keeps the dataset of the previous run and skips the import.
    const bool reuse = qEnvironmentVariableIntValue("PAIRLENS_BENCH_REUSE") == 1 && QFile::exists(dbPath);
    if (!reuse) {
        for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s})
            QFile::remove(dbPath + suffix);
    }

    QString error;
    std::printf("PairLens store benchmark, %d pairs\n", pairs);
    double referenceRate = 0;
    if (!reuse) {
        // The reference: a plain Python loader of the same file.
        QProcess python;
        python.start(u"python3"_s, {QStringLiteral(PAIRLENS_SOURCE_DIR "/bench/reference_loader.py"), jsonl,
                                    work + u"/reference.sqlite"_s});
        python.waitForFinished(-1);
        const QByteArray said = python.readAllStandardOutput();
        std::printf("reference loader: %s", said.constData());
        const qsizetype colon = said.lastIndexOf(':');
        referenceRate = colon > 0 ? said.mid(colon + 1).trimmed().split(' ').value(0).toDouble() : 0;
        for (const QString &suffix : {u""_s, u"-wal"_s, u"-shm"_s})
            QFile::remove(work + u"/reference.sqlite"_s + suffix);
    }

    // Import with analysis (parse, statement type, tables, PII kinds, FTS and indexes): a bulk load
    // of a new dataset, as `pairlens import NEW FILE` does.
    if (!reuse) {
        const bool ordinary = qEnvironmentVariableIntValue("PAIRLENS_BENCH_ORDINARY") == 1;
        QElapsedTimer t;
        t.start();
        ImportReport r;
        if (ordinary) {
            auto fresh = Dataset::open(dbPath, Dataset::Mode::OpenOrCreate, &error);
            if (!fresh)
                return 1;
            PairStore s(*fresh);
            r = Importer(s).importFile(jsonl);
        } else {
            auto load = BulkLoad::begin(dbPath, &error);
            if (!load) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 1;
            }
            {
                PairStore s(load->dataset());
                s.setBulkLoad(true);
                r = Importer(s).importFile(jsonl);
            }
            if (!load->finish(&error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 1;
            }
        }
        const double s = double(t.nsecsElapsed()) / 1e9;
        if (r.added != pairs) {
            std::fprintf(stderr, "import added %lld of %d: %s\n", r.added, pairs, qPrintable(r.fatalError));
            return 1;
        }
        print(ordinary ? "import JSONL with analysis (ordinary)" : "import JSONL with analysis (bulk load)",
              double(pairs) / s, "pairs/s", ">= 200000");
        print("  (import wall time)", s * 1000.0, "ms", "");
        if (referenceRate > 0)
            print("  ratio to the reference loader", double(pairs) / s / referenceRate, "x", ">= 1");
    }
    auto ds = Dataset::open(dbPath, Dataset::Mode::OpenOrCreate, &error);
    if (!ds) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    PairStore store(*ds);
    std::printf("dataset file: %.1f MB, JSON Lines: %.1f MB (%.2fx)\n",
                double(QFileInfo(dbPath).size()) / 1e6, double(QFileInfo(jsonl).size()) / 1e6,
                double(QFileInfo(dbPath).size()) / double(QFileInfo(jsonl).size()));
    const int runs = 5;
    print("count, no filter", medianMs(runs, [&] { store.count({}); }), "ms", "<= 20");
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    print("count, failed only", medianMs(runs, [&] { store.count(failed); }), "ms", "<= 20");
    print("first page (50, newest first)", medianMs(runs, [&] { store.page({}, {}, 50); }), "ms", "<= 20");
    print("first page, failed only", medianMs(runs, [&] { store.page(failed, {}, 50); }), "ms", "<= 20");
    Filter search;
    search.search = u"refunded"_s;
    print("text search 'refunded': count", medianMs(runs, [&] { store.count(search); }), "ms", "<= 100");
    print("text search 'refunded': first page", medianMs(runs, [&] { store.page(search, {}, 50); }), "ms",
          "<= 100");
    search.search = u"customers berlin"_s;
    print("text search 'customers berlin': count", medianMs(runs, [&] { store.count(search); }), "ms",
          "<= 100");
    Statistics st;
    print("statistics (seed numbers)", medianMs(runs, [&] { computeStatistics(*ds, {}, &st, &error); }), "ms",
          "<= 300");

    // Delete and undo 100k pairs chosen by a filter (a date range holding about 100k).
    const int n = std::min(100'000, pairs / 10);
    const QList<qint64> ids = store.rowIds({}, {PairStore::SortColumn::Id, Qt::AscendingOrder}, n, 0);
    Filter sel;
    sel.rowIds = ids;
    QElapsedTimer t;
    t.start();
    const auto del = store.softDelete(sel);
    const double delMs = double(t.nsecsElapsed()) / 1e6;
    if (!del || del->count != n) {
        std::fprintf(stderr, "delete failed: %s\n", qPrintable(store.errorString()));
        return 1;
    }
    print("delete 100k pairs (selection)", delMs, "ms", "<= 1000");
    t.restart();
    const auto undone = store.restoreBatch(del->batch);
    print("undo delete of 100k pairs", double(t.nsecsElapsed()) / 1e6, "ms", "<= 1000");
    if (!undone || *undone != n)
        return 1;
    Filter byDate;
    byDate.to = QDateTime::currentDateTimeUtc().addDays(-162); // oldest ~10% of a 180-day spread
    const qint64 dateCount = store.count(byDate);
    t.restart();
    const auto del2 = store.softDelete(byDate);
    print(qPrintable(u"delete %1 pairs (date filter)"_s.arg(dateCount)), double(t.nsecsElapsed()) / 1e6, "ms",
          "<= 1000 per 100k");
    t.restart();
    store.restoreBatch(del2->batch);
    print("  undo", double(t.nsecsElapsed()) / 1e6, "ms", "");

    // Import into the full dataset (the ordinary chunked path that recorders and readers share).
    if (!reuse) {
        t.restart();
        const ImportReport r = Importer(store).importFile(extraJsonl);
        const double s = double(t.nsecsElapsed()) / 1e9;
        print(qPrintable(u"import %1 new pairs into the full dataset"_s.arg(r.added)), double(r.added) / s,
              "pairs/s", ">= 100000");
        t.restart();
        const ImportReport recent = Importer(store).importFile(recentJsonl);
        const double rs = double(t.nsecsElapsed()) / 1e9;
        print(qPrintable(u"  the same number, newer than every pair and in time order"_s),
              double(recent.added) / rs, "pairs/s", "");
    }
    return 0;
}
