#pragma once

// Internal to the export engine: reads the matching pairs with one forward-only query (row id
// order) and turns each row into an ExportRecord, anonymized when asked.

#include "dataset/filter.h"
#include "export/dedupeset.h"
#include "export/exportrecord.h"

#include <QByteArray>
#include <QSqlQuery>
#include <QString>

#include <memory>
#include <vector>

namespace pairlens {
class Dataset;
namespace privacy {
class Anonymizer;
}
} // namespace pairlens

namespace pairlens::exporting {

// The stored columns of one pair, as read (derived JSON columns still as text).
struct RawRow
{
    QString pairId, question, sql, timestamp, databaseType, databaseName, metadata, queryType, tables;
    bool success = true;
    double executionTimeMs = -1;
};

class RecordSource
{
public:
    explicit RecordSource(Dataset &dataset);
    ~RecordSource(); // restores the connection's cache settings

    bool start(const Filter &filter);
    // Appends up to `max` rows; returns how many (0 at the end or on an error).
    int read(std::vector<RawRow> &rows, int max);
    QString errorString() const { return m_error; }

private:
    Dataset &m_dataset;
    QSqlQuery m_query;
    QString m_error;
    QString m_oldCacheSize, m_oldMmapSize;
};

// Turns a row into a record: parses the JSON columns, anonymizes question, SQL, database name and
// metadata when `anonymizer` is set. Thread-safe.
ExportRecord toRecord(const RawRow &row, const privacy::Anonymizer *anonymizer);

// The duplicate key of a record: a 128-bit hash of question and SQL with whitespace runs collapsed
// and case folded.
DedupeSet::Key dedupeKey(const ExportRecord &record);

// True when the pair goes to the training side: HMAC-SHA256(secret, pair_id) read as a fraction
// of 2^64 is below `trainFraction`. The same pair always lands on the same side for a dataset.
bool isTrainSide(const QByteArray &secret, const QString &pairId, double trainFraction);

} // namespace pairlens::exporting
