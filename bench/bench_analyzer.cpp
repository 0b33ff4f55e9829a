// Throughput of pairlens::sql::analyze() over every `sql` of the public data sets.
// Usage: bench_analyzer [DATA_DIR] [ANALYSES]   (defaults: ../shared/data, 1,000,000)
//
// Prints wall-clock and CPU (this thread) figures: on a shared 2-core machine the CPU time is
// the steadier of the two.

#include "sql/analyzer.h"
#include "sql/tokenizer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>
#include <ctime>

using namespace Qt::StringLiterals;

namespace {

struct Corpus
{
    QString name;
    QStringList sqls;
    qint64 chars = 0;
};

QList<Corpus> load(const QString &folder)
{
    QList<Corpus> out;
    const QStringList files = QDir(folder).entryList({u"*.jsonl"_s}, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile f(QDir(folder).filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        Corpus corpus{name, {}, 0};
        while (!f.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(f.readLine()).object();
            if (!o.contains(u"sql"_s))
                continue;
            corpus.sqls.append(o.value(u"sql"_s).toString());
            corpus.chars += corpus.sqls.last().size();
        }
        if (!corpus.sqls.isEmpty())
            out.append(corpus);
    }
    return out;
}

double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

qint64 g_sink = 0; // keeps the optimiser from dropping the work

struct Run
{
    qint64 analyses = 0;
    double wall = 0;
    double cpu = 0;
};

Run analyzeUntil(const QStringList &sqls, qint64 target)
{
    Run run;
    QElapsedTimer timer;
    timer.start();
    const double cpu0 = cpuSeconds();
    while (run.analyses < target) {
        for (const QString &s : sqls) {
            const pairlens::sql::Analysis a = pairlens::sql::analyze(s);
            g_sink += a.tables.size() + int(a.type);
        }
        run.analyses += sqls.size();
    }
    run.cpu = cpuSeconds() - cpu0;
    run.wall = double(timer.nsecsElapsed()) / 1e9;
    return run;
}

} // namespace

int main(int argc, char **argv)
{
    QTextStream out(stdout);
    const QString folder = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(PAIRLENS_BENCH_DATA);
    const qint64 target = argc > 2 ? QByteArray(argv[2]).toLongLong() : 1'000'000;
    const QList<Corpus> corpora = load(folder);
    QStringList all;
    qint64 chars = 0;
    for (const Corpus &c : corpora) {
        all += c.sqls;
        chars += c.chars;
    }
    if (all.isEmpty()) {
        std::fprintf(stderr, "no `sql` strings found in %s\n", qPrintable(folder));
        return 1;
    }
    analyzeUntil(all, all.size()); // warm up: keyword table, allocator

    const Run total = analyzeUntil(all, target);
    out << "data: " << folder << ", " << all.size() << " queries, average "
        << qint64(double(chars) / all.size()) << " chars\n";
    out << "analyze(), all files: " << total.analyses << " analyses, " << qint64(total.analyses / total.cpu)
        << " analyses/s, " << total.cpu * 1e6 / double(total.analyses) << " us/analysis (CPU); "
        << qint64(total.analyses / total.wall) << " analyses/s wall\n";

    for (const Corpus &c : corpora) {
        const Run r = analyzeUntil(c.sqls, target / 5);
        const double us = r.cpu * 1e6 / double(r.analyses);
        const double avg = double(c.chars) / double(c.sqls.size());
        out << "  " << c.name << ": average " << qint64(avg) << " chars, " << us << " us/analysis, "
            << us * 1000 / avg << " ns/char\n";
    }

    QElapsedTimer timer;
    timer.start();
    const double cpu0 = cpuSeconds();
    qint64 tokens = 0;
    for (const QString &s : all)
        tokens += pairlens::sql::tokenize(s).size();
    out << "tokenize(): " << (cpuSeconds() - cpu0) * 1e6 / double(all.size()) << " us/query (CPU), " << tokens
        << " tokens\n";
    out << "(checksum " << g_sink << ")\n";
    return 0;
}
