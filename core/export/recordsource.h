#pragma once

// Internal to the export engine: reads the matching pairs with one forward-only statement (row id
// order, straight from SQLite as UTF-8) and turns each row into an ExportRecord, anonymized when
// asked.

#include "dataset/filter.h"
#include "export/dedupeset.h"
#include "export/exportrecord.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <array>
#include <memory>
#include <utility>
#include <vector>

struct sqlite3_stmt;

namespace pairlens {
class Dataset;
class RowCursor;
class Storage;
namespace privacy {
class Anonymizer;
enum class IdentifierField;
} // namespace privacy
} // namespace pairlens

namespace pairlens::exporting {

// The stored columns of one pair as UTF-8, as read: the text columns back to back in one buffer
// (one allocation per row instead of nine).
struct RawRow
{
    enum Column
    {
        PairId,
        Question,
        Sql,
        Timestamp,
        DatabaseType,
        DatabaseName,
        Metadata,
        QueryType,
        Tables,
        ColumnCount
    };
    QByteArray text;
    int ends[ColumnCount] = {}; // where each column ends in `text`
    bool success = true;
    double executionTimeMs = -1;
    qint64 rowId = 0; // the row's id in the pairs table

    QByteArrayView column(Column c) const
    {
        const int begin = c == 0 ? 0 : ends[c - 1];
        return QByteArrayView(text.constData() + begin, ends[c] - begin);
    }
};

class RecordSource
{
public:
    explicit RecordSource(Dataset &dataset);
    // Reads through the storage seam (Storage::readRows), e.g. a PostgreSQL dataset's cursor.
    explicit RecordSource(Storage &storage);
    ~RecordSource(); // finishes the statement, restores the connection's cache settings

    bool start(const Filter &filter);
    // Appends up to `max` rows; returns how many (0 at the end or on an error).
    int read(std::vector<RawRow> &rows, int max);
    QString errorString() const { return m_error; }

private:
    Dataset *m_dataset = nullptr;
    Storage *m_storage = nullptr;
    std::unique_ptr<RowCursor> m_cursor;
    sqlite3_stmt *m_stmt = nullptr;
    bool m_done = false;
    QString m_error;
    QString m_oldCacheSize, m_oldMmapSize;
};

// Turns rows into records: parses the JSON columns, anonymizes question, SQL, database name, the
// table names (see anonymizeTableName()) and (when the configuration says so) the metadata's string
// values. Repeated values (database names, table lists, metadata strings) are anonymized once per
// converter. Use one per thread.
class RecordConverter
{
public:
    explicit RecordConverter(const privacy::Anonymizer *anonymizer);
    // The record's UTF-8 fields that need no conversion (pair id, timestamp, database and query
    // type, table names) refer to `row`'s memory without a copy: keep the row alive, unchanged,
    // while the record is in use.
    ExportRecord convert(const RawRow &row);

private:
    // Replacements already made: the last few compared in turn (a dataset names a handful of
    // databases, agents and models; hashing the value of every row cost more), then all of them.
    struct Replacements
    {
        QHash<QString, QString> all;
        std::array<std::pair<QString, QString>, 8> recent;
        int used = 0, next = 0;
    };
    QString cached(Replacements &cache, const QString &value, bool databaseName);
    QByteArray identifier(privacy::IdentifierField field, const QByteArray &utf8);
    QByteArray tableNamesJson(QByteArrayView json);
    bool appendJson(QByteArray &out, const char *&p, const char *end, int depth);

    const privacy::Anonymizer *m_anonymizer;
    const privacy::Anonymizer *m_pair = nullptr; // the record's: forPair() of its pair_id
    bool m_scanMetadata;
    Replacements m_names, m_strings;
    QHash<QByteArray, QByteArray> m_tables;
    QHash<QByteArray, QByteArray> m_types; // anonymized database types that hold personal data
    QByteArray m_lastType;                 // the database type of m_lastDialect
    int m_lastDialect = -1;
};

// How an anonymized export writes a table name (the records' table_names, the {tables} placeholder,
// the JSON envelope's top_tables): through the text anonymizer, so a name holding personal data
// gets the replacement that value gets in a question, and an ordinary name stays as it is. (The SQL
// text itself keeps its identifiers as written: the anonymizer never changes identifiers.)
QString anonymizeTableName(const privacy::Anonymizer &anonymizer, const QString &name);

// The duplicate key of a record: a 128-bit hash of question and SQL with whitespace runs collapsed
// and case folded.
DedupeSet::Key dedupeKey(const ExportRecord &record);

// True when the pair goes to the training side: HMAC-SHA256(secret, pair_id) read as a fraction
// of 2^64 is below `trainFraction`. The same pair always lands on the same side for a dataset.
bool isTrainSide(const QByteArray &secret, const QByteArray &pairId, double trainFraction);

} // namespace pairlens::exporting
