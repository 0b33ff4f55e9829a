#pragma once

#include "common/progress.h"
#include "dataset/filter.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace pairlens {

class Dataset;

// Dataset statistics, computed as SQL aggregates (never by loading the pairs). Every number follows
// the Filter it was computed for; docs/statistics.md defines each one and its JSON name.
struct Statistics
{
    // A named count, e.g. a table and the number of pairs that use it.
    struct Count
    {
        QString name;
        qint64 count = 0;
        bool operator==(const Count &) const = default;
    };
    enum class Granularity
    {
        Day,
        Week,
        Month
    };
    // Pairs whose normalised timestamp falls into [start, start + one granularity step).
    struct TimeBucket
    {
        QDate start; // the day, the Monday of the ISO week, or the first of the month
        qint64 pairs = 0;
        qint64 failed = 0;
        bool operator==(const TimeBucket &) const = default;
    };
    // Pairs whose length (in characters) is in [from, to]; to = -1 means "from or longer".
    struct HistogramBin
    {
        int from = 0;
        int to = -1;
        qint64 pairs = 0;
        bool operator==(const HistogramBin &) const = default;
    };
    struct ExecutionTimes
    {
        qint64 count = 0; // pairs with a recorded execution time; the rest below is 0 when 0
        double min = 0;
        double avg = 0;
        double p50 = 0; // nearest-rank percentiles: the smallest value with at least p% at or below
        double p90 = 0;
        double p99 = 0;
        double max = 0;
    };

    // --- the seed's numbers
    qint64 totalPairs = 0;
    qint64 successfulPairs = 0;
    qint64 failedPairs = 0;
    qint64 uniqueTables = 0;
    QMap<QString, qint64> databaseTypes; // "" = not recorded
    QMap<QString, qint64> queryTypes;    // "" = no statement
    double avgQuestionLength = 0;
    double avgSqlLength = 0;
    QString firstTimestamp; // normalised UTC, empty when there are no pairs
    QString lastTimestamp;

    // --- extended numbers
    qint64 deletedPairs = 0; // pairs in the trash that match the filter apart from its scope
    QMap<QString, qint64> databaseNames;
    QList<Count> topTables; // the kTopTables most used tables, most used first (ties by name)
    Granularity timelineGranularity = Granularity::Day;
    QList<TimeBucket> timeline;          // every bucket from the first to the last pair, empty ones included
    QList<HistogramBin> questionLengths; // kLengthBinEdges bins, empty ones included
    QList<HistogramBin> sqlLengths;
    ExecutionTimes executionTime;
    QMap<QString, qint64> piiKinds; // piiKindName() -> pairs containing that kind (every kind listed)
    qint64 pairsWithPii = 0;        // pairs with at least one kind
    qint64 unscannedPairs = 0;      // pairs whose PII has not been scanned yet (pii_mask NULL)
    qint64 unreviewedPairs = 0;
    qint64 approvedPairs = 0;
    qint64 rejectedPairs = 0;
    // Pairs that repeat an earlier pair, exactly and after normalization (stats/duplicates.h);
    // -1 when they were not counted (computeStatistics() leaves them; addDuplicates() counts them).
    qint64 exactDuplicates = -1;
    qint64 normalizedDuplicates = -1;

    static constexpr int kTopTables = 15;

    // The seed's keys: total_pairs, successful_pairs, failed_pairs, unique_tables, database_types,
    // avg_query_length, avg_sql_length, date_range {start, end}, query_type_distribution; then
    // deleted_pairs, database_names, top_tables, timeline, question_length_histogram,
    // sql_length_histogram, execution_time_ms, pii, review_status, and duplicates when they were
    // counted (see docs/statistics.md).
    QJsonObject toJson() const;
    // The numbers as a Markdown report (for sharing).
    QString toMarkdown(const QString &title = {}) const;
};

QString granularityName(Statistics::Granularity granularity); // "day", "week", "month"
// The lower edges of the length histogram bins; the last bin is open-ended.
const QList<int> &lengthBinEdges();

// Returns false with a message in *error when the dataset can't be read or the progress asked to
// stop. Runs a handful of aggregate queries on the dataset's connection (its thread).
bool computeStatistics(Dataset &dataset, const Filter &filter, Statistics *out, QString *error,
                       const Progress &progress = {});

} // namespace pairlens
