#pragma once

#include "common/progress.h"
#include "dataset/importtarget.h"
#include "dataset/pair.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace pairlens {

class PairStore;

enum class ImportFormat
{
    Auto,
    Jsonl,
    Json,
    Csv
};

struct ImportIssue
{
    QString file;
    qint64 line = 0;   // 1-based line of the record (JSONL, CSV); 0 when not known
    qint64 record = 0; // 1-based record number
    QString reason;
};

struct ImportReport
{
    qint64 records = 0; // records read
    qint64 added = 0;
    qint64 alreadyPresent = 0; // pair_id already in the dataset: left as it was
    qint64 rejected = 0;
    QList<ImportIssue> issues; // the first kMaxIssues rejections, with line numbers
    QString fatalError;        // the file could not be read or written at all
    bool cancelled = false;
    // Records whose pair_id was taken by a pair with another question or SQL: in the dataset before
    // the import, or by an earlier record of the same file. They count as already present (the pair
    // that was there first is kept); these say how many differed, and `conflicts` where (the first
    // kMaxConflicts, the reason naming the pair_id and never a value).
    qint64 conflictsWithDataset = 0;
    qint64 conflictsInFile = 0;
    QList<ImportIssue> conflicts;

    static constexpr int kMaxIssues = 1000;
    static constexpr int kMaxConflicts = 10;
    // True when every record of every file made it into the dataset.
    bool complete() const { return fatalError.isEmpty() && rejected == 0 && !cancelled; }
    void merge(const ImportReport &other);
};

// Reads JSONL, JSON (an array of pairs, or an export envelope with "pairs") and CSV files, in the
// seed's field names or the public-data shape (question / sql / db_id), and adds the pairs to the
// store in batches (or to any ImportTarget: importtarget.h). Malformed records are reported with their line
// and reason; the rest import. Every format is streamed in bounded memory whatever the file: a record (a JSON
// Lines line, an element of a JSON array, a CSV record) is at most kMaxRecordBytes of the file and each of
// its text fields at most kMaxFieldBytes of UTF-8; larger ones are read past without being held.
class Importer
{
public:
    explicit Importer(PairStore &store);
    explicit Importer(ImportTarget &target);

    ImportReport importFile(const QString &path, ImportFormat format = ImportFormat::Auto,
                            const Progress &progress = {});

    static ImportFormat detectFormat(const QString &path, QString *error);
    static QString formatName(ImportFormat format);

    // Maps one record to a pair; returns nullopt with a reason when the record can't be used.
    // `fallbackId` seeds the pair_id for records without one (stable for the same file and line).
    // `metadataText`, when given, receives the pair's metadataText() (written for the size check,
    // so the caller need not write it again).
    static std::optional<Pair> pairFromRecord(const QJsonObject &record, const QByteArray &fallbackId,
                                              QString *reason, QByteArray *metadataText = nullptr);

    // 1 MiB of UTF-8 per text field: the question, the SQL, the metadata (as JSON, with the other
    // fields the record carries), the pair_id, names, the note.
    static constexpr qsizetype kMaxFieldBytes = 1 << 20;
    static constexpr qsizetype kMaxRecordBytes = 16 << 20; // 16 MiB of the file per record
    static constexpr qsizetype kMaxLineBytes = kMaxRecordBytes;

private:
    struct Sink;
    ImportReport importJsonl(const QString &path, const Progress &progress);
    ImportReport importJson(const QString &path, const Progress &progress);
    ImportReport importCsv(const QString &path, const Progress &progress);
    // Notes the pairs (about to be added) whose pair_id is taken by another question or SQL: by an
    // earlier pair of the list, or by a pair in the dataset (with a row id above `importStart`: by
    // an earlier record of this import).
    void noteConflicts(const QList<Pair> &pairs, const QList<qint64> &lines, const QString &file,
                       qint64 importStart, ImportReport &report);

    std::unique_ptr<PairStoreTarget> m_ownTarget; // when made for a PairStore
    ImportTarget &m_target;
};

} // namespace pairlens
