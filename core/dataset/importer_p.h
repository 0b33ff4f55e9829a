#pragma once

// Internal to the importer: what its files share. importer.cpp detects the format and reads JSON and
// CSV files, importerpipeline.cpp reads JSON Lines on two threads, importerrecord.cpp maps a record to
// a pair, importerreport.cpp reports conflicts and write failures.

#include "dataset/importer.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>
#include <string_view>

namespace pairlens::detail {

inline QString tr(const char *text)
{
    return QCoreApplication::translate("Importer", text);
}

// Parses the JSON text of one record into an object, or says why it can't be used (importerrecord.cpp).
bool parseRecordText(const QByteArray &text, bool isLine, QJsonObject *object, QString *reason);

// The first \uD800-\uDFFF escape of a JSON text that is not half of a surrogate pair, or empty.
QByteArray loneSurrogateEscape(const QByteArray &json);

// What a record's key is to a pair: one of its fields, the metadata, a field the import derives
// again (any value), or (no entry in kRecordKeys) a key kept in the metadata.
enum class RecordField : quint8
{
    Question,
    Sql,
    PairId,
    Timestamp,
    DatabaseType,
    DatabaseName,
    ReviewStatus,
    ReviewerNote,
    Success, // like the next one read even when null
    ExecutionTime,
    Metadata,
    Derived,
};

struct RecordKey
{
    std::string_view name;
    RecordField field;
};

// Every key a pair reads, its names in the order they are read: of the names of one field, the
// first a record holds with a value other than null wins (natural_language_query, then question).
inline constexpr RecordKey kRecordKeys[] = {
    {"natural_language_query", RecordField::Question},
    {"question", RecordField::Question},
    {"sql_query", RecordField::Sql},
    {"sql", RecordField::Sql},
    {"query", RecordField::Sql},
    {"pair_id", RecordField::PairId},
    {"id", RecordField::PairId},
    {"timestamp", RecordField::Timestamp},
    {"database_type", RecordField::DatabaseType},
    {"db_type", RecordField::DatabaseType},
    {"database_name", RecordField::DatabaseName},
    {"db_id", RecordField::DatabaseName},
    {"review_status", RecordField::ReviewStatus},
    {"reviewer_note", RecordField::ReviewerNote},
    {"success", RecordField::Success},
    {"execution_time_ms", RecordField::ExecutionTime},
    {"metadata", RecordField::Metadata},
    {"query_type", RecordField::Derived},
    {"table_names", RecordField::Derived},
    {"pii_kinds", RecordField::Derived},
};

// Whether a null value is read as the field's value (the others read their next name instead).
inline bool readsNull(RecordField field)
{
    return field == RecordField::Success || field == RecordField::ExecutionTime;
}

// Whether a record's key is one of kRecordKeys, not kept in the metadata.
bool isKnownRecordKey(QStringView key);

// One field of a record as a pair reads it.
struct RecordScalar
{
    enum class Kind : quint8
    {
        Absent,
        Null,
        String,
        Number,
        Bool,
        Json
    };
    Kind kind = Kind::Absent;
    QString text;      // String: the text; Json: an object or array as compact JSON
    double number = 0; // Number
    bool boolean = false;
};

// What a pair is made of, read from a record: each field the first of its names the record holds
// with a value other than null (natural_language_query, then question; ...).
struct RecordFields
{
    RecordScalar question, sql, pairId, timestamp, databaseType, databaseName, reviewStatus, reviewerNote;
    RecordScalar success, executionTime; // these two also null
    QJsonObject metadata;                // with the record's other keys merged in
    QByteArray metadataText;             // its metadataText() when the reader wrote it, else null
    QString metadataError;               // why the metadata can't be used, reported in its turn

    // The scalar a field is read into; nullptr for the metadata and the derived ones.
    RecordScalar *scalar(RecordField field)
    {
        RecordScalar *const scalars[] = {&question,     &sql,          &pairId,       &timestamp,
                                         &databaseType, &databaseName, &reviewStatus, &reviewerNote,
                                         &success,      &executionTime};
        return field < RecordField::Metadata ? scalars[int(field)] : nullptr;
    }
};

// The fields of a parsed record (importerrecord.cpp).
RecordFields fieldsOf(const QJsonObject &record);

// The pair of a record's fields with every check of Importer::pairFromRecord() (which is
// fieldsOf() and this); `fallbackId` is asked only when the record has no pair_id.
std::optional<Pair> pairFromFields(RecordFields &fields, const std::function<QByteArray()> &fallbackId,
                                   QString *reason, QByteArray *metadataText);

// The fields of a JSON Lines line read by simdjson, several times faster than Qt's parser
// (importerfast.cpp). Returns false, leaving the line to parseRecordText() and fieldsOf(), unless
// the line is a JSON object whose every field this reads exactly as they do: valid UTF-8 without a
// lone surrogate escape, no key twice, the fields a pair reads and the metadata's and other keys'
// values strings, numbers, true, false or null (the metadata an object of those, or null). Every
// reason a line is refused therefore comes from the same code as before.
bool fastRecordFields(const QByteArray &text, RecordFields *fields);

} // namespace pairlens::detail
