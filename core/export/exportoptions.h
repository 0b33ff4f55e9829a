#pragma once

// What an export writes and how: the format, the pairs (a Filter), the fields, anonymization,
// compression, the train/validation split, duplicate removal and the prompt templates. Shared by
// the CLI (`pairlens export`) and the GUI's export dialog. Documented in docs/export-formats.md.

#include "dataset/filter.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pairlens::exporting {

enum class Format
{
    Jsonl,            // one pair per line, the seed's field names
    Json,             // the seed's envelope: exported_at, format_version, pairs, total_pairs, statistics
    Csv,              // RFC 4180, UTF-8, header row
    PromptCompletion, // {"prompt", "completion"}
    OpenAiChat,       // {"messages": [system?, user, assistant]}
    AnthropicChat,    // {"system"?, "messages": [user, assistant]}
    Alpaca,           // {"instruction", "input", "output"}
};

QList<Format> allFormats();
// "jsonl", "json", "csv", "prompt-completion", "openai-chat", "anthropic-chat", "alpaca"
QString formatName(Format format);
std::optional<Format> formatFromName(QStringView name);
// The file name extension without the dot: "jsonl", "json" or "csv".
QString formatExtension(Format format);
// True for the formats that hold whole pairs (and take --fields): jsonl, json, csv.
bool isRecordFormat(Format format);
// True for the fine-tuning formats (prompt and chat formats, alpaca).
bool isTrainingFormat(Format format);

// The seed's fields, in their default order.
enum class Field
{
    PairId,
    Question,
    Sql,
    Timestamp,
    DatabaseType,
    DatabaseName,
    TableNames,
    Success,
    ExecutionTime,
    QueryType,
    Metadata,
};
QList<Field> allFields();
QString fieldName(Field field); // "pair_id", "natural_language_query", ...
std::optional<Field> fieldFromName(QStringView name);
// Parses "a,b,c"; on an unknown or repeated name returns nullopt with one sentence in *error.
std::optional<QList<Field>> parseFields(const QString &list, QString *error);

// The default templates of the fine-tuning formats (placeholders: {question}, {database_type},
// {database_name}, {tables}, {query_type}). No default holds {tables}: those are the tables of the
// answer's own SQL, a part of the label (docs/export-formats.md, "Templates").
QString defaultSystemPrompt();
QString defaultTemplate(Format format);

// Which review statuses an export takes (docs/export-formats.md, "Review status"). Rejected pairs
// are left out unless asked for.
enum class ReviewScope
{
    NotRejected,     // unreviewed and approved pairs (the default)
    IncludeRejected, // every status (--include-rejected)
    ApprovedOnly,    // approved pairs only (--approved-only)
};
QString reviewScopeName(ReviewScope scope); // "not-rejected", "include-rejected", "approved-only"

struct ExportOptions
{
    Format format = Format::Jsonl;
    QString target;        // the file to write (with --split: NAME.train.EXT and NAME.val.EXT); "-" = stdout
    Filter filter;         // which pairs (the selection: filter.pairIds / filter.rowIds)
    QList<Field> fields;   // empty = all fields (jsonl, json, csv only)
    bool anonymize = true; // anonymized by default
    bool gzip = false;     // also implied by a target ending in ".gz"
    int gzipLevel = 6;     // zlib level 1..9
    double split = 0;      // 0 = no split; else the train fraction in (0, 1)
    // Drop exact duplicates (question + SQL, ignoring case and spacing), keep the first. Unset: on
    // for the fine-tuning formats, off for the others (see dedupes()).
    std::optional<bool> dedupe;
    ReviewScope review = ReviewScope::NotRejected;
    bool includeFailed = false;          // fine-tuning formats export successful pairs only unless set
    bool csvRaw = false;                 // don't neutralise spreadsheet formulas in CSV cells
    std::optional<QString> systemPrompt; // unset = default; empty = no system message
    QString promptTemplate;              // empty = the format's default
    bool writeManifest = true;           // FILE.manifest.json beside the export
    // Replace existing files that are not an unchanged earlier PairLens export of the same format
    // (--force; the dialog sets it after asking). Never the dataset's own files, never a file that
    // is not a regular file. See Exporter::filesNeedingConfirmation().
    bool overwrite = false;
    bool audit = true; // record the export in the dataset's audit log
    // The file descriptor the target "-" writes to: standard output, unless a caller streams the
    // export elsewhere (`pairlens serve` writes into a pipe to the HTTP response).
    int outputFd = 1;

    // One clear sentence when the options can't work together; empty when they are fine.
    QString validate() const;
    // The filter actually used: the review scope narrows the review statuses, and the fine-tuning
    // formats add "successful only" unless includeFailed (or the filter already asks for failed pairs).
    Filter effectiveFilter() const;
    // The filter with the review scope applied but not the "successful only" of the fine-tuning
    // formats (for counting what each rule leaves out).
    Filter reviewedFilter() const;
    // True when the export drops duplicates (dedupe, or its default for the format).
    bool dedupes() const { return dedupe.value_or(isTrainingFormat(format)); }
    // True when failed pairs are left out (fine-tuning formats without includeFailed).
    bool skipsFailed() const;
    bool compressed() const;
    // True when the pairs go to standard output (target "-"): no temporary file, no manifest.
    bool toStdout() const { return target == QLatin1String("-"); }
    // The files written: the target (".gz" appended when gzip is asked for and missing), or the
    // train and validation files of a split.
    QStringList outputPaths() const;
    QString manifestPath() const;
    // The options as JSON for the manifest and the audit log (never any secret).
    QJsonObject toJson() const;
};

} // namespace pairlens::exporting
