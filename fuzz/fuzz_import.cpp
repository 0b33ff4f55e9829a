// Fuzz targets "import_jsonl", "import_json" and "import_csv" (this file, built with
// PAIRLENS_FUZZ_FORMAT set to Jsonl, Json or Csv): the input is written to a file and imported with
// Importer::importFile() into a new, empty dataset (a copy of one made at start), as `pairlens
// import` does. That goes through the
// streaming readers (CsvReader, JsonRecordReader), the record mapping and the store. Checks what
// importer.h promises: every record read is added, already present or rejected (unless the file
// could not be read at all), the dataset holds exactly the pairs added, and the lists of issues and
// conflicts stay within their bounds. Format detection runs on the same file.
#include "fuzzcommon.h"

#include "dataset/dataset.h"
#include "dataset/filter.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <memory>

#ifndef PAIRLENS_FUZZ_FORMAT
#error "PAIRLENS_FUZZ_FORMAT must be Jsonl, Json or Csv"
#endif

using namespace pairlens;

namespace {

constexpr ImportFormat kFormat = ImportFormat::PAIRLENS_FUZZ_FORMAT;

struct Workspace
{
    std::unique_ptr<QTemporaryDir> dir;
    QString input;
    QString pristine; // an empty dataset, created once: creating one costs ~50 times copying it
    QString dataset;
};

Workspace &workspace()
{
    static Workspace w;
    return w;
}

void removeDataset(const QString &path)
{
    for (const char *suffix : {"", "-wal", "-shm", "-journal"})
        QFile::remove(path + QString::fromLatin1(suffix));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // Qt Sql loads its SQLite driver as a plugin, which needs the application object.
    static QCoreApplication app(*argc, *argv);
    Workspace &w = workspace();
    // Memory-backed when there is one: every input writes a file and a dataset.
    const QString shm = QStringLiteral("/dev/shm");
    const QString base = QFileInfo(shm).isDir() && QFileInfo(shm).isWritable() ? shm : QDir::tempPath();
    w.dir = std::make_unique<QTemporaryDir>(base + u"/pairlens-fuzz-XXXXXX");
    if (!w.dir->isValid())
        qFatal("fuzz_import: cannot create a temporary folder");
    const char *ext = kFormat == ImportFormat::Jsonl  ? "jsonl"
                      : kFormat == ImportFormat::Json ? "json"
                                                      : "csv";
    w.input = w.dir->filePath(u"input." + QString::fromLatin1(ext));
    w.pristine = w.dir->filePath(QStringLiteral("pristine.db"));
    w.dataset = w.dir->filePath(QStringLiteral("fuzz.db"));
    QString error;
    if (!Dataset::open(w.pristine, Dataset::Mode::OpenOrCreate, &error))
        qFatal("fuzz_import: cannot create a dataset: %s", qPrintable(error));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const Workspace &w = workspace();
    {
        QFile f(w.input);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            f.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size))
            qFatal("fuzz_import: cannot write the input file");
    }
    QString error;
    Importer::detectFormat(w.input, &error);

    removeDataset(w.dataset);
    if (!QFile::copy(w.pristine, w.dataset))
        qFatal("fuzz_import: cannot copy the empty dataset");
    std::unique_ptr<Dataset> ds = Dataset::open(w.dataset, Dataset::Mode::OpenOrCreate, &error);
    if (!ds)
        qFatal("fuzz_import: cannot create a dataset: %s", qPrintable(error));
    qint64 stored = 0;
    ImportReport report;
    {
        PairStore store(*ds);
        Importer importer(store);
        report = importer.importFile(w.input, kFormat);
        stored = store.count(Filter{});
    }
    ds.reset();

    const QString summary = QStringLiteral("%1 records: %2 added, %3 already present, %4 rejected; %5 in the "
                                           "dataset; fatal error \"%6\"")
                                .arg(report.records)
                                .arg(report.added)
                                .arg(report.alreadyPresent)
                                .arg(report.rejected)
                                .arg(stored)
                                .arg(report.fatalError);
    FUZZ_CHECK(!report.cancelled, summary);
    FUZZ_CHECK(report.added >= 0 && report.alreadyPresent >= 0 && report.rejected >= 0, summary);
    FUZZ_CHECK(stored == report.added, summary);
    if (report.fatalError.isEmpty())
        FUZZ_CHECK(report.records == report.added + report.alreadyPresent + report.rejected, summary);
    FUZZ_CHECK(report.issues.size() <= ImportReport::kMaxIssues && report.issues.size() <= report.rejected,
               summary + QStringLiteral("; %1 issues").arg(report.issues.size()));
    FUZZ_CHECK(report.conflicts.size() <= ImportReport::kMaxConflicts &&
                   report.conflictsInFile + report.conflictsWithDataset <= report.alreadyPresent,
               summary + QStringLiteral("; %1 conflicts").arg(report.conflicts.size()));
    for (const ImportIssue &issue : std::as_const(report.issues))
        FUZZ_CHECK(issue.line >= 0 && issue.record >= 0 && !issue.reason.isEmpty(),
                   summary +
                       QStringLiteral("; issue on line %1, record %2: ").arg(issue.line).arg(issue.record) +
                       issue.reason);
    return 0;
}
