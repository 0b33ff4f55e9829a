#pragma once

#include "common/progress.h"
#include "dataset/pair.h"

#include <QJsonObject>
#include <QList>
#include <QString>

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

    static constexpr int kMaxIssues = 1000;
    // True when every record of every file made it into the dataset.
    bool complete() const { return fatalError.isEmpty() && rejected == 0 && !cancelled; }
    void merge(const ImportReport &other);
};

// Reads JSONL, JSON (an array of pairs, or an export envelope with "pairs") and CSV files, in the
// seed's field names or the public-data shape (question / sql / db_id), and adds the pairs to the
// store in batches. Malformed records are reported with their line and reason; the rest import.
class Importer
{
public:
    explicit Importer(PairStore &store);

    ImportReport importFile(const QString &path, ImportFormat format = ImportFormat::Auto,
                            const Progress &progress = {});

    static ImportFormat detectFormat(const QString &path, QString *error);
    static QString formatName(ImportFormat format);

    // Maps one record to a pair; returns nullopt with a reason when the record can't be used.
    // `fallbackId` seeds the pair_id for records without one (stable for the same file and line).
    static std::optional<Pair> pairFromRecord(const QJsonObject &record, const QByteArray &fallbackId,
                                              QString *reason);

    static constexpr qsizetype kMaxFieldBytes = 1 << 20; // 1 MiB per text field
    static constexpr qsizetype kMaxLineBytes = 16 << 20; // 16 MiB per JSONL line

private:
    struct Sink;
    ImportReport importJsonl(const QString &path, const Progress &progress);
    ImportReport importJson(const QString &path, const Progress &progress);
    ImportReport importCsv(const QString &path, const Progress &progress);

    PairStore &m_store;
};

} // namespace pairlens
