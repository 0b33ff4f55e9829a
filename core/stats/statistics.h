#pragma once

#include "dataset/filter.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace pairlens {

class Dataset;

// Dataset statistics, computed as SQL aggregates (never by loading the pairs).
struct Statistics
{
    qint64 totalPairs = 0;
    qint64 successfulPairs = 0;
    qint64 failedPairs = 0;
    qint64 uniqueTables = 0;
    QMap<QString, qint64> databaseTypes;
    QMap<QString, qint64> queryTypes;
    double avgQuestionLength = 0;
    double avgSqlLength = 0;
    QString firstTimestamp; // normalised UTC, empty when there are no pairs
    QString lastTimestamp;

    // The seed's keys: total_pairs, successful_pairs, failed_pairs, unique_tables, database_types,
    // avg_query_length, avg_sql_length, date_range {start, end}, query_type_distribution.
    QJsonObject toJson() const;
};

// Returns false with a message in *error when the dataset can't be read.
bool computeStatistics(Dataset &dataset, const Filter &filter, Statistics *out, QString *error);

} // namespace pairlens
