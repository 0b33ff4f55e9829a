// Export throughput and memory: bench_export [DATASET] [PAIRS] [RUNS]
// Builds a demo dataset the first time (cached at /tmp/pairlens-bench-export-1m.pairlens), then in
// the same run times
//   - the anonymized JSONL export (Exporter with the defaults of `pairlens export -o OUT.jsonl`)
//     in a forked child process, with its peak resident size (ru_maxrss of that child, wait4), and
//   - `sqlite3 -json DATASET "SELECT <the same columns> FROM pairs ..."` writing to a file,
// and prints the best of RUNS for each and their ratio. Figures go to docs/performance.md.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "export/exporter.h"
#include "export/formatwriter.h"
#include "export/recordsource.h"
#include "privacy/anonymizer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <cstdio>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

struct ChildRun
{
    bool ok = false;
    double seconds = 0;
    double cpuSeconds = 0; // user + system time of the child: steadier than wall time on a shared machine
    long maxRssKb = 0;
};

double cpuOf(const rusage &u)
{
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Runs argv with stdout sent to `stdoutPath` (or /dev/null) and returns its time and peak RSS.
ChildRun runChild(const QList<QByteArray> &args, const QByteArray &stdoutPath)
{
    std::vector<char *> argv;
    for (const QByteArray &a : args)
        argv.push_back(const_cast<char *>(a.constData()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath.isEmpty() ? "/dev/null" : stdoutPath.constData(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ChildRun r;
    QElapsedTimer t;
    t.start();
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return r;
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    r.seconds = double(t.nsecsElapsed()) / 1e9;
    r.cpuSeconds = cpuOf(usage);
    r.maxRssKb = usage.ru_maxrss;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    posix_spawn_file_actions_destroy(&actions);
    return r;
}

// Runs the export in a forked child (its own connection, its own memory) and returns its time and
// peak RSS.
ChildRun runExportChild(const QString &dataset, const QString &target, bool anonymize = true)
{
    ChildRun r;
    QElapsedTimer t;
    t.start();
    const pid_t pid = fork();
    if (pid < 0)
        return r;
    if (pid == 0) {
        QString error;
        auto ds = Dataset::open(dataset, Dataset::Mode::OpenExisting, &error);
        if (!ds)
            _exit(2);
        exporting::ExportOptions o;
        o.format = exporting::Format::Jsonl;
        o.target = target;
        o.anonymize = anonymize;
        const exporting::ExportResult res = exporting::Exporter(*ds, o).run();
        if (!res.ok)
            std::fprintf(stderr, "export failed: %s\n", qPrintable(res.error));
        _exit(res.ok ? 0 : 1);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    r.seconds = double(t.nsecsElapsed()) / 1e9;
    r.cpuSeconds = cpuOf(usage);
    r.maxRssKb = usage.ru_maxrss;
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return r;
}

bool ensureDataset(const QString &path, int pairs)
{
    QString error;
    {
        auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
        if (!ds) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return false;
        }
        PairStore store(*ds);
        qint64 have = store.count({});
        if (have >= pairs)
            return true;
        std::fprintf(stderr, "building %d demo pairs in %s ...\n", pairs, qPrintable(path));
        DemoGenerator gen(2024, QDateTime(QDate(2025, 6, 30), QTime(12, 0), Qt::UTC));
        gen.generate(int(have)); // continue the same sequence
        while (have < pairs) {
            const int n = int(std::min<qint64>(20000, pairs - have));
            const PairStore::AddResult r = store.add(gen.generate(n));
            if (!r.error.isEmpty()) {
                std::fprintf(stderr, "%s\n", qPrintable(r.error));
                return false;
            }
            have += n;
        }
    }
    return true;
}

// Single-threaded cost of each stage for the first `n` pairs (where the time goes).
void phases(const QString &path, int n)
{
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    if (!ds)
        return;
    QElapsedTimer t;
    std::vector<exporting::RawRow> rows;
    rows.reserve(size_t(n));
    {
        exporting::RecordSource source(*ds);
        source.start({});
        t.start();
        source.read(rows, n);
    }
    const double readUs = double(t.nsecsElapsed()) / 1e3 / double(rows.size());
    QHash<QString, QString> settings;
    if (!ds->readSettings(&settings, &error)) {
        std::fprintf(stderr, "Cannot read the settings: %s\n", qPrintable(error));
        return;
    }
    privacy::Config config = privacy::Config::fromSettings(settings);
    config.key = ds->secret();
    const privacy::Anonymizer anonymizer(config);
    t.start();
    std::vector<exporting::ExportRecord> plain;
    exporting::RecordConverter converter(nullptr);
    for (const exporting::RawRow &r : rows)
        plain.push_back(converter.convert(r));
    const double parseUs = double(t.nsecsElapsed()) / 1e3 / double(rows.size());
    t.start();
    qsizetype found = 0;
    exporting::RecordConverter anonymizing(&anonymizer);
    for (const exporting::RawRow &r : rows)
        found += anonymizing.convert(r).question.size();
    const double anonUs = double(t.nsecsElapsed()) / 1e3 / double(rows.size());
    const auto writer = exporting::FormatWriter::create(exporting::Format::Jsonl, {});
    QByteArray out;
    t.start();
    for (const exporting::ExportRecord &r : plain) {
        writer->encode(r, out);
        if (out.size() > (1 << 20))
            out.clear();
    }
    const double encodeUs = double(t.nsecsElapsed()) / 1e3 / double(rows.size());
    privacy::Config noMeta = config;
    noMeta.scanMetadata = false;
    const privacy::Anonymizer textOnly(noMeta);
    exporting::RecordConverter textOnlyConverter(&textOnly);
    t.start();
    for (const exporting::RawRow &r : rows)
        found += textOnlyConverter.convert(r).question.size();
    const double textOnlyUs = double(t.nsecsElapsed()) / 1e3 / double(rows.size());
    std::printf("convert with anonymization of question, SQL, name only: %.2f us\n", textOnlyUs);
    std::printf(
        "per pair (us, one thread, %zu pairs): read %.2f, convert without anonymization %.2f, convert "
        "with anonymization %.2f (%lld chars), encode JSONL %.2f\n",
        rows.size(), readUs, parseUs, anonUs, qint64(found), encodeUs);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString path = args.value(1, u"/tmp/pairlens-bench-export-1m.pairlens"_s);
    const int pairs = args.value(2, u"1000000"_s).toInt();
    const int runs = std::max(1, args.value(3, u"2"_s).toInt());
    if (!ensureDataset(path, pairs))
        return 1;
    if (qEnvironmentVariableIsSet("PAIRLENS_BENCH_PHASES")) {
        phases(path, 100000);
        return 0;
    }

    const QByteArray ds = QFile::encodeName(path);
    const QByteArray out = "/tmp/pairlens-bench-export.jsonl";
    const QByteArray ref = "/tmp/pairlens-bench-export-sqlite3.json";
    const QByteArray sql = "SELECT pair_id, natural_language_query, sql_query, timestamp, database_type, "
                           "database_name, table_names, success, execution_time_ms, query_type, metadata "
                           "FROM pairs";

    ChildRun bestExport, bestSqlite;
    for (int i = 0; i < runs; ++i) {
        const ChildRun s = runChild({"sqlite3", "-json", ds, sql}, ref);
        // Each run writes a new file: replacing an earlier export first verifies it (issue 13).
        QFile::remove(QString::fromUtf8(out));
        QFile::remove(QString::fromUtf8(out) + u".manifest.json"_s);
        const ChildRun e = runExportChild(path, QString::fromUtf8(out));
        if (!s.ok || !e.ok) {
            std::fprintf(stderr, "a run failed (sqlite3 ok=%d, pairlens export ok=%d)\n", s.ok, e.ok);
            return 1;
        }
        std::printf("run %d: pairlens export %.2f s (CPU %.2f s, peak RSS %.1f MB), sqlite3 -json %.2f s "
                    "(CPU %.2f s)\n",
                    i + 1, e.seconds, e.cpuSeconds, double(e.maxRssKb) / 1024.0, s.seconds, s.cpuSeconds);
        if (i == 0 || e.seconds < bestExport.seconds)
            bestExport = e;
        if (i == 0 || s.seconds < bestSqlite.seconds)
            bestSqlite = s;
    }
    std::printf("pairs: %d\n", pairs);
    std::printf("anonymized JSONL export: %.2f s (%.0f pairs/s), %.1f MB written, peak RSS %.1f MB\n",
                bestExport.seconds, pairs / bestExport.seconds,
                double(QFileInfo(QString::fromUtf8(out)).size()) / 1e6, double(bestExport.maxRssKb) / 1024.0);
    std::printf("sqlite3 -json same rows:  %.2f s, %.1f MB written, peak RSS %.1f MB\n", bestSqlite.seconds,
                double(QFileInfo(QString::fromUtf8(ref)).size()) / 1e6, double(bestSqlite.maxRssKb) / 1024.0);
    QFile::remove(QString::fromUtf8(out));
    QFile::remove(QString::fromUtf8(out) + u".manifest.json"_s);
    const ChildRun plain = runExportChild(path, QString::fromUtf8(out), false);
    std::printf("JSONL export without anonymization: %.2f s, peak RSS %.1f MB (%.2fx sqlite3)\n",
                plain.seconds, double(plain.maxRssKb) / 1024.0, plain.seconds / bestSqlite.seconds);
    std::printf("ratio export / sqlite3: %.2fx (target <= 1.5x), peak RSS target <= 100 MB\n",
                bestExport.seconds / bestSqlite.seconds);
    std::printf("CPU time of those runs: export %.2f s, sqlite3 %.2f s (%.2fx; the export uses both cores)\n",
                bestExport.cpuSeconds, bestSqlite.cpuSeconds, bestExport.cpuSeconds / bestSqlite.cpuSeconds);
    QFile::remove(QString::fromUtf8(out));
    QFile::remove(QString::fromUtf8(out) + u".manifest.json"_s);
    QFile::remove(QString::fromUtf8(ref));
    return 0;
}
