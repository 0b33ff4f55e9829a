#pragma once

#include "common/progress.h"
#include "dataset/dataset.h"
#include "dataset/filter.h"
#include "stats/statistics.h"
#include "storage/storage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonValue>
#include <QString>

#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

namespace pairlens::cli {

// Text output: stdout for results, stderr for messages. Always UTF-8.
void out(const QString &text);
void err(const QString &text);
// Indented JSON on stdout (or on `to`).
void printJson(const QJsonValue &value, FILE *to = stdout);
bool stderrIsTerminal();
bool stdinIsTerminal();

// Sets up a parser for `pairlens NAME` with --help and the given positional arguments.
void setupParser(QCommandLineParser &parser, const QString &name, const QString &description);
// Parses; on a usage error prints it and returns false (exit with ExitCode::Usage).
bool parseOrExplain(QCommandLineParser &parser, const QStringList &args, int minPositional);

// The FILTER options of DESIGN.md (dataset/filterargs.h): --from --to --successful-only
// --failed-only --type --db-type --db-name --table --search --pii --status --duplicates
// --normalized-duplicates.
void addFilterOptions(QCommandLineParser &parser);
// Builds the Filter; on an invalid value prints why and returns false.
bool filterFromOptions(const QCommandLineParser &parser, Filter *filter);
bool hasFilterOptions(const QCommandLineParser &parser);

// Opens a dataset or prints the reason. Derived fields of rows written by outside programs are
// filled in first (unless the dataset is read-only).
std::unique_ptr<Dataset> openDataset(const QString &location, Dataset::Mode mode);

// Opens a dataset behind the storage seam, or prints the reason: a PostgreSQL location
// (storage/pgstorage.h), or a file opened with openDataset() in `mode` (storage/sqlitestorage.h).
// As openDataset(), the derived fields of rows written by recorders are filled in first (when the
// dataset may be written).
std::unique_ptr<Storage> openStorage(const QString &location,
                                     Dataset::Mode mode = Dataset::Mode::OpenExisting);

// A command's dataset: a file opened with openDataset() in `mode`, or a postgresql:// store opened
// with openStorage(); both empty (after the reason was printed) when it could not be opened.
struct OpenedDataset
{
    std::unique_ptr<Dataset> file;
    std::unique_ptr<Storage> storage;
    explicit operator bool() const { return file || storage; }
    // Its settings as read (its privacy settings, API keys), or nullopt after printing why they
    // cannot be read: a command must not take the defaults for a reviewer's settings.
    std::optional<QHash<QString, QString>> readSettings() const;
    QString location() const;
    QByteArray secret() const;
};
OpenedDataset openFileOrStorage(const QString &location, Dataset::Mode mode);

// The exit status of a command as it returned, unless SQLite reported damage to a dataset the
// command opened with openDataset() and the command did not fail anyway: a damaged page ends a read
// as if the pairs had run out, so a command may have done its work on part of the pairs. Then the
// damage sentence goes to stderr and the status is Failure.
int finishCommand(int code);

// Opens the dataset (a file or a postgresql:// store) and computes its statistics for the filter,
// with the duplicates when `withDuplicates` says so for the counted statistics, or prints why not
// (exit Failure).
bool statisticsOrExplain(const QString &location, const Filter &filter, Statistics *out,
                         const std::function<bool(const Statistics &)> &withDuplicates = {});

// While it lives (or until restoreDefaults()), Ctrl-C and SIGTERM set a flag instead of ending the
// process, so a long command stops cleanly (exit 130); then the default actions come back. The flag
// stays readable afterwards. One per command.
class CancelOnSignal
{
public:
    CancelOnSignal();
    ~CancelOnSignal() { restoreDefaults(); }
    CancelOnSignal(const CancelOnSignal &) = delete;
    CancelOnSignal &operator=(const CancelOnSignal &) = delete;
    void restoreDefaults();
    // What a Progress polls.
    static std::atomic_bool *flag();
    static bool requested() { return flag()->load(); }
};

// A progress bar on stderr (count, rate, ETA) when stderr is a terminal; silent otherwise.
class ProgressBar
{
public:
    explicit ProgressBar(const QString &label, bool bytes = false);
    ~ProgressBar();
    Progress progress();
    void update(qint64 done, qint64 total);
    void finish();

private:
    QString m_label;
    bool m_bytes;
    bool m_enabled;
    bool m_drawn = false;
    qint64 m_startMs;
    qint64 m_lastDrawMs = 0;
};

} // namespace pairlens::cli
