#pragma once

// What the parts of `pairlens copy` (storage/storagecopy.h) share: the columns a copy carries, and
// the two sides, a Source read forward in one snapshot (storagecopysource.cpp) and a Target that is
// complete at finish() or left as it was (storagecopytarget.cpp).

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QVariant>

#include <array>
#include <memory>

namespace pairlens::copydetail {

QString tr(const char *text);

// The columns of a pair that a copy carries, in this order in both backends. A file's trash flag
// (`deleted`) is read as the delete batch being set, as PostgreSQL stores it (0 for a trashed pair
// of a file without a batch number).
constexpr int kColumns = 20;
// Int is PostgreSQL's INTEGER (32 bits), BigInt its BIGINT; a dataset file's integers have 64 bits.
enum class Kind
{
    Int,
    BigInt,
    Real,
    Text
};
constexpr std::array<Kind, kColumns> kKinds = {
    Kind::BigInt, Kind::Text, Kind::Text, Kind::Text, Kind::Text, Kind::Text,  Kind::Text,
    Kind::Int,    Kind::Real, Kind::Text, Kind::Text, Kind::Text, Kind::Text,  Kind::Int,
    Kind::Int,    Kind::Int,  Kind::Int,  Kind::Text, Kind::Text, Kind::BigInt};
constexpr int kIdColumn = 0, kQuestionColumn = 2, kSqlColumn = 3, kDatabaseTypeColumn = 5,
              kQueryTypeColumn = 11, kBatchColumn = 19;
inline const QString kColumnList = QStringLiteral(
    "id, pair_id, natural_language_query, sql_query, timestamp, database_type, database_name, success, "
    "execution_time_ms, metadata, ts, query_type, table_names, pii_mask, question_length, sql_length, "
    "review_status, reviewer_note, deleted_at, delete_batch");
using Row = std::array<QVariant, kColumns>;

// A value as the column's kind holds it (NULL stays NULL).
inline QVariant typed(Kind kind, const QVariant &v)
{
    if (v.isNull())
        return {};
    switch (kind) {
    case Kind::Int:
    case Kind::BigInt:
        return v.toLongLong();
    case Kind::Real:
        return v.toDouble();
    case Kind::Text:
        break;
    }
    return v.toString();
}

struct AuditRow
{
    QString at, action;
    qint64 pairCount = 0;
    QString detail; // a JSON object
    QString role;   // empty for a dataset file
};

constexpr int kPairBatch = 5000;
constexpr int kAuditBatch = 1000;

// ---- Sources: one snapshot of the whole dataset, read forward in batches. ----

class Source
{
public:
    virtual ~Source() = default;
    virtual QString location() const = 0;
    // Starts the snapshot and reads the settings (with the secret) and the number of pairs.
    virtual bool begin(QHash<QString, QString> *settings, qint64 *count, QString *error) = 0;
    // The next pairs in row id order: how many, 0 at the end, -1 with *error.
    virtual int pairs(QList<Row> *out, QString *error) = 0;
    virtual int audit(QList<AuditRow> *out, QString *error) = 0;
    // Whether the connection to a server was lost since it was opened (a file: never).
    virtual bool lostConnection() const { return false; }
};

// A dataset file (opened read-only) or a PostgreSQL schema with PairLens tables; nullptr and one
// sentence in *error when it cannot be read.
std::unique_ptr<Source> openSource(const QString &location, QString *error);

// ---- Targets: new or without pairs; complete at finish() or left as they were. ----

class Target
{
public:
    virtual ~Target() = default;
    // Checks that the target holds no pairs and starts writing; false with *error (nothing written).
    virtual bool begin(QString *error) = 0;
    virtual bool addPairs(const QList<Row> &rows, QString *error) = 0;
    virtual bool endPairs(QString *error) = 0;
    virtual bool addAudit(const QList<AuditRow> &rows, QString *error) = 0;
    // Writes the settings and the copy's own audit entry and makes the copy visible.
    virtual bool finish(const QHash<QString, QString> &settings, qint64 pairs, const QJsonObject &detail,
                        QString *error) = 0;
    // Whether the connection to a server was lost since it was opened (a file: never).
    virtual bool lostConnection() const { return false; }
};

// A new dataset file (built as a bulk load) or a PostgreSQL schema (created when missing).
std::unique_ptr<Target> openTarget(const QString &location, QString *error);

} // namespace pairlens::copydetail
