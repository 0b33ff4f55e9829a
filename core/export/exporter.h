#pragma once

// The export engine: streams the pairs matching a filter through the shared Anonymizer into one
// of the formats of exportoptions.h, in constant memory, atomically (nothing appears at the target
// until the whole file is written), with a manifest and an audit-log entry.
//
// Use from the GUI: on a worker thread, reopen the dataset (Dataset::reopen) and run
//     std::atomic_bool cancel = false;
//     Progress progress([](qint64 done, qint64 total, const QString &) { ... }, &cancel);
//     ExportResult r = Exporter(*dataset, options).run(progress);
// Setting `cancel` stops the export soon; nothing is left at the target and r.cancelled is true.

#include "common/progress.h"
#include "export/exportoptions.h"
#include "export/exportrecord.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pairlens {
class Dataset;
class Storage;
struct Statistics;
namespace privacy {
class Anonymizer;
struct Config;
} // namespace privacy
} // namespace pairlens

namespace pairlens::exporting {

struct ExportedFile
{
    QString path;
    QString role; // "all", or "train" / "val" with a split
    qint64 pairs = 0;
    qint64 bytes = 0;
    QByteArray sha256; // lower-case hex of the bytes on disk
};

// What an export takes of the pairs its filter matches, and what each rule leaves out, counted
// before anything is written (Exporter::countScope()). matched - rejected - unreviewed - failed
// = selected; the duplicates among them are dropped while writing.
struct ScopeCounts
{
    qint64 matched = 0;    // pairs matching the filter as given
    qint64 rejected = 0;   // left out by the review scope: rejected pairs
    qint64 unreviewed = 0; // left out by --approved-only: unreviewed pairs
    qint64 failed = 0;     // left out by a fine-tuning format: failed pairs (unless includeFailed)
    qint64 selected = 0;   // what remains: the pairs the export reads
};

struct ExportResult
{
    bool ok = false;
    bool cancelled = false;
    QString error;          // one sentence when !ok and !cancelled
    qint64 matched = 0;     // pairs matching the filter as given (scope.matched)
    ScopeCounts scope;      // what the review scope and the failed rule left out
    qint64 count = 0;       // pairs written (over all files)
    qint64 duplicates = 0;  // dropped by dedupe
    qint64 splitGroups = 0; // with a split: the groups of pairs sharing a normalized question or SQL
    QList<ExportedFile> files;
    QString manifestPath; // empty when no manifest was written
    QStringList warnings; // e.g. the audit log could not be written
    // Existing files the export refused to replace because they are not an unchanged earlier
    // PairLens export of the same format and options.overwrite was not set (error says so too).
    QStringList refusedFiles;

    QStringList sha256s() const;
};

// The statistics as an anonymized export writes them (the JSON envelope; `pairlens serve`):
// database names through the database-name operator and table names through anonymizeTableName(),
// exactly as in the records; entries that become equal are merged (their counts added).
void anonymizeStatistics(Statistics &stats, const privacy::Anonymizer &anonymizer);

class Exporter
{
public:
    Exporter(Dataset &dataset, ExportOptions options);
    // An export of a dataset behind the storage seam (a PostgreSQL dataset): the same records,
    // files and manifest as from a dataset file holding the same pairs and secret (a split too).
    // No audit-log entry (such a store has no audit log yet), no preview.
    Exporter(Storage &storage, ExportOptions options);

    // Runs the export on the calling thread (the dataset's thread). Progress counts pairs. An export
    // of a store behind the seam into files whose connection was lost midway (the server restarted)
    // runs once more from the start on the new connection, with a warning saying so; nothing of the
    // first attempt is kept. Standard output and a second loss end it with the error.
    ExportResult run(const Progress &progress = {});

    // The first `limit` records exactly as the export would write them (same anonymization and
    // format), one entry per record, without writing anything. For previews.
    QList<QByteArray> preview(int limit, QString *error = nullptr);

    // How many pairs the options' filter matches and what the review scope and the failed rule of
    // the fine-tuning formats leave out (a few COUNT queries; for the dialog, before it writes).
    static std::optional<ScopeCounts> countScope(Dataset &dataset, const ExportOptions &options,
                                                 QString *error);
    static std::optional<ScopeCounts> countScope(Storage &storage, const ExportOptions &options,
                                                 QString *error);
    // How many duplicates the export would drop at least (reads the selected pairs once; nullopt
    // when reading failed, with *error, or the progress asked to stop, with an empty *error).
    // Counted on the stored text: anonymization can make a few more pairs equal.
    static std::optional<qint64> countDuplicates(Dataset &dataset, const ExportOptions &options,
                                                 const Progress &progress, QString *error);

    // The engine version written into manifests.
    static QString engineVersion();

    // The existing files that `options` would replace although they are not an unchanged earlier
    // PairLens export of the same format: the targets (or split parts) and the manifest. A file may
    // be replaced without asking only when the manifest beside it (options.manifestPath()) was
    // written by PairLens for the same format and - for a data file - lists the file's name with
    // its current size and SHA-256 (docs/export-formats.md, "Replacing files"). The dataset's own
    // files (`datasetLocation`) and paths that are not regular files are left out: they are never
    // opened here, and run() refuses them whatever options.overwrite says. Reads the manifest and
    // hashes an earlier export whose size matches; nothing is written.
    static QStringList filesNeedingConfirmation(const ExportOptions &options, const QString &datasetLocation);

    // The filter as an anonymized export records it (manifest, audit log): database names through
    // the database-name operator, the search text and pair ids through the text anonymizer; the
    // filter's structure is kept. Returned unchanged when the export is not anonymized.
    static Filter recordedFilter(const Filter &filter, const privacy::Anonymizer *anonymizer);

private:
    ExportResult runOnce(const Progress &progress);
    // The dataset's privacy settings with its key; nullopt with *error when they cannot be read.
    std::optional<privacy::Config> privacyConfig(QString *error) const;

    Dataset *m_dataset = nullptr;
    Storage *m_storage = nullptr;
    ExportOptions m_options;
};

} // namespace pairlens::exporting
