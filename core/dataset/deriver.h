#pragma once

#include "dataset/pair.h"

#include <QStringView>

#include <QJsonObject>

#include <QHash>

#include <atomic>
#include <functional>
#include <memory>

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
    // The privacy settings piiMask was found with (Deriver::settingsId()): a writer compares it
    // inside its write transaction, where a change of them cannot slip in.
    QByteArray piiSettings;
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

// What the PII kinds and the anonymization depend on: a dataset's privacy.* settings (patterns,
// decisions, operators, metadata scanning) as one comparable text, without the owed-rescan mark.
QString privacySettingsFingerprint(const QHash<QString, QString> &settings);

class Deriver
{
public:
    // The SQL is read in the dialect of the pair's database_type (sql::dialectFromDatabaseType);
    // the pair_id selects the decisions of that pair (privacy::Anonymizer::forPair). The kinds
    // found in the metadata's string values count too, when the dataset scans metadata.
    using PiiScanner = std::function<quint32(QStringView question, QStringView sql, QStringView databaseType,
                                             QStringView pairId, const QJsonObject &metadata)>;

    // Reads a store's settings (Dataset::readSettings, Storage::readSettings); false with *error
    // when they cannot be read.
    using SettingsReader = std::function<bool(QHash<QString, QString> *settings, QString *error)>;

    // A deriver that uses the dataset's anonymization settings for the PII kinds (following()).
    static Deriver forDataset(Dataset &dataset);
    // A deriver whose PII kinds follow a store's privacy settings: read when it is made and again
    // by each refresh(), on the thread that owns the store's connection. `key` is the store's
    // anonymization secret. When they cannot be read, usable() says why: writes that analyse
    // pairs with it fail rather than store kinds found without the reviewers' patterns.
    static Deriver following(SettingsReader read, QByteArray key);
    // A deriver whose PII kinds are those this privacy configuration finds (forDataset() with a
    // dataset's settings; a new dataset's defaults for a store without settings of its own).
    static Deriver forPrivacy(privacy::Config config);
    explicit Deriver(PiiScanner scanner = {});
    Deriver(const Deriver &other);
    Deriver &operator=(const Deriver &other);

    // Reads the settings again (following() derivers; others need nothing) and takes their
    // privacy settings when they changed since the last read, so that a long-running window or
    // server finds what `pairlens privacy` added meanwhile. Safe while other threads derive.
    // False with *error when the settings cannot be read (usable() is false until a read works).
    bool refresh(QString *error) const;
    // True unless the last read of the settings failed and reading them again fails too (then
    // *error says why).
    bool usable(QString *error) const;
    // The privacy settings derive() uses now: a digest of their privacySettingsFingerprint() (the
    // same for every deriver of the same settings, and short to compare whatever the decisions),
    // empty for a deriver made from a scanner or a configuration.
    QByteArray settingsId() const;
    // Whether `fields` were derived (by this deriver or another) with the privacy settings this
    // deriver uses now (DerivedFields::piiSettings); if not,
    // withCurrentKinds() finds the pair's PII kinds again. A writer calls them after refresh()
    // inside its write transaction: a pair analysed before another program changed the settings
    // and written after that change's rescan passed would otherwise keep the old kinds.
    bool isCurrent(const DerivedFields &fields) const;
    DerivedFields withCurrentKinds(DerivedFields fields, QStringView question, QStringView sql,
                                   QStringView databaseType, QStringView pairId = {},
                                   const QJsonObject &metadata = {}) const;
    // `fields` of `pair` as a writer stores them: as they are when current, else with the kinds
    // found again (withCurrentKinds() of the pair's texts).
    DerivedFields currentFor(const DerivedFields &fields, const Pair &pair) const;

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
    struct State
    {
        PiiScanner scanner;
        QString fingerprint; // the privacy settings the scanner was built from
        QString error;       // set when they could not be read: no scanner
        QByteArray id;       // the digest of `fingerprint` (settingsId())
    };
    struct Source
    {
        SettingsReader read;
        QByteArray key;
    };
    std::shared_ptr<const State> state() const { return m_state.load(std::memory_order_acquire); }

    mutable std::atomic<std::shared_ptr<const State>> m_state;
    std::shared_ptr<const Source> m_source; // null: a fixed scanner
};

} // namespace pairlens
