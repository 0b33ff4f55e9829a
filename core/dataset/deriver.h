#pragma once

#include "dataset/pair.h"

#include <QStringView>

#include <QJsonObject>

#include <functional>

namespace pairlens {

class Dataset;
namespace privacy {
struct Config;
}

// Everything PairLens computes from a pair's seed fields. Stored with the pair so filters,
// sorting and statistics work in SQL.
struct DerivedFields
{
    QString queryType;      // statementTypeName(), "" for no statement
    QString tableNamesJson; // JSON array text
    QStringList tableNames;
    quint32 piiMask = 0;
    QString ts;             // timestamp normalised to UTC (the text as given when unparseable)
    int questionLength = 0; // in characters (code points)
    int sqlLength = 0;
    // The pair's metadata as stored (compact JSON), when written ahead on the thread that derived
    // the fields (metadataText()); null otherwise, and the insert writes it.
    QByteArray metadataJson;
};

// The stored text of a pair's metadata: compact JSON, "{}" for none.
QByteArray metadataText(const QJsonObject &metadata);
// A list of strings as compact JSON, byte for byte as QJsonDocument writes it (table names, the
// pair_ids an import looks up), without Qt's writer where it would copy the texts as they are.
QByteArray stringArrayText(const QStringList &values);

// Parses the ISO-8601 forms pairs arrive with ("2024-01-15T10:30:00Z", "...+02:00", a space instead
// of the T, a date alone; no offset means UTC). Returns an invalid QDateTime when unparseable.
QDateTime parsePairTimestamp(QStringView text);
// The stored form of a timestamp (column ts): UTC "YYYY-MM-DDTHH:MM:SS.zzzZ". Returns an empty
// string when the text is not a timestamp. Already-normalised text takes a fast path (imports of
// exported datasets are dominated by it).
QString normalisePairTimestamp(QStringView text);

class Deriver
{
public:
    // The SQL is read in the dialect of the pair's database_type (sql::dialectFromDatabaseType);
    // the pair_id selects the decisions of that pair (privacy::Anonymizer::forPair). The kinds
    // found in the metadata's string values count too, when the dataset scans metadata.
    using PiiScanner = std::function<quint32(QStringView question, QStringView sql, QStringView databaseType,
                                             QStringView pairId, const QJsonObject &metadata)>;

    // A deriver that uses the dataset's anonymization settings for the PII kinds.
    static Deriver forDataset(Dataset &dataset);
    // A deriver whose PII kinds are those this privacy configuration finds (forDataset() with a
    // dataset's settings; a new dataset's defaults for a store without settings of its own).
    static Deriver forPrivacy(privacy::Config config);
    explicit Deriver(PiiScanner scanner = {});

    DerivedFields derive(QStringView question, QStringView sql, QStringView timestamp,
                         QStringView databaseType, QStringView pairId = {},
                         const QJsonObject &metadata = {}) const;

    // Fills the derived fields of every row that lacks them (rows written by outside programs),
    // in batches inside transactions. Returns the number of rows updated, or -1 on error.
    qint64 deriveMissing(Dataset &dataset, QString *error,
                         const std::function<bool(qint64, qint64)> &progress = {}) const;

    // The setting that marks a rescan as owed: written with the new custom patterns, removed when
    // rescanPii() completes, and honoured by Dataset::open (a writable open finishes the rescan).
    static inline const QString kRescanPendingKey = QStringLiteral("privacy.rescanPending");
    // What the PII kinds of the pairs were computed with: when a dataset's value differs from
    // kScannerVersion (detectors added, metadata counted), a writable open rescans them once.
    // 2: person names, street addresses, column semantics and the metadata's values count.
    // 3: dates of birth, names the gazetteer does not hold, more phone and IBAN forms.
    static inline const QString kScannerVersionKey = QStringLiteral("privacy.scannerVersion");
    static constexpr int kScannerVersion = 3;

    // Recomputes the PII kinds of every analysed pair (after the dataset's custom patterns changed),
    // in batches inside transactions. Returns the number of pairs whose kinds changed, or -1 on
    // error (then nothing of the failing batch is changed).
    qint64 rescanPii(Dataset &dataset, QString *error,
                     const std::function<bool(qint64, qint64)> &progress = {}) const;

private:
    PiiScanner m_scanner;
};

} // namespace pairlens
