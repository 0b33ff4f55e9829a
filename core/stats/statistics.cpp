#include "stats/statistics.h"

#include "dataset/dataset.h"
#include "privacy/piikind.h"
#include "stats/sqliteaggregate.h"
#include "stats/sqlrun.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

QJsonObject toJsonObject(const QMap<QString, qint64> &m)
{
    QJsonObject o;
    for (auto it = m.constBegin(); it != m.constEnd(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

// The condition of the filter with its scope turned around: the same pairs, but in the trash.
SqlCondition deletedCondition(const Filter &filter)
{
    Filter trash = filter;
    trash.scope = Filter::Scope::Deleted;
    return buildCondition(trash);
}

QString tr(const char *text)
{
    return QCoreApplication::translate("Statistics", text);
}

} // namespace

QString granularityName(Statistics::Granularity g)
{
    switch (g) {
    case Statistics::Granularity::Day:
        return u"day"_s;
    case Statistics::Granularity::Week:
        return u"week"_s;
    case Statistics::Granularity::Month:
        return u"month"_s;
    }
    return {};
}

const QList<int> &lengthBinEdges()
{
    static const QList<int> edges = {0,   20,  40,  60,  80,  100,  125,  150,  200,
                                     250, 300, 400, 500, 750, 1000, 1500, 2000, 5000};
    return edges;
}

namespace {

// The portable path: one GROUP BY per breakdown (each sorts the matching rows once).
bool groupByPasses(QSqlQuery &q, const SqlCondition &c, Statistics *out, QString *error)
{
    if (!stats::runQuery(
            q,
            u"SELECT coalesce(p.query_type, ''), p.database_type, p.success <> 0, p.review_status, "
            u"p.pii_mask, "
            "count(*), total(p.question_length), total(p.sql_length), min(p.ts), max(p.ts), "
            "count(p.execution_time_ms), total(p.execution_time_ms), min(p.execution_time_ms), "
            "max(p.execution_time_ms) FROM pairs p WHERE "_s +
                c.where + u" GROUP BY 1, 2, 3, 4, 5"_s,
            c.bindings, error))
        return false;
    double qlen = 0, slen = 0, etime = 0;
    QHash<qint64, qint64> masks;
    while (q.next()) {
        const qint64 n = q.value(5).toLongLong();
        out->totalPairs += n;
        (q.value(2).toBool() ? out->successfulPairs : out->failedPairs) += n;
        out->queryTypes[q.value(0).toString()] += n;
        out->databaseTypes[q.value(1).toString()] += n;
        switch (q.value(3).toInt()) {
        case 1:
            out->approvedPairs += n;
            break;
        case 2:
            out->rejectedPairs += n;
            break;
        default:
            out->unreviewedPairs += n;
            break;
        }
        if (q.value(4).isNull())
            out->unscannedPairs += n;
        else
            masks[q.value(4).toLongLong()] += n;
        qlen += q.value(6).toDouble();
        slen += q.value(7).toDouble();
        const QString first = q.value(8).toString(), last = q.value(9).toString();
        if (!first.isEmpty() && (out->firstTimestamp.isEmpty() || first < out->firstTimestamp))
            out->firstTimestamp = first;
        if (last > out->lastTimestamp)
            out->lastTimestamp = last;
        const qint64 timed = q.value(10).toLongLong();
        if (timed > 0) {
            auto &e = out->executionTime;
            const double lo = q.value(12).toDouble(), hi = q.value(13).toDouble();
            e.min = e.count == 0 ? lo : std::min(e.min, lo);
            e.max = e.count == 0 ? hi : std::max(e.max, hi);
            e.count += timed;
            etime += q.value(11).toDouble();
        }
    }
    stats::setAveragesAndPiiKinds(out, qlen, slen, etime, masks);
    out->questionLengths = stats::binLengths({});
    out->sqlLengths = out->questionLengths;
    if (out->totalPairs == 0)
        return true;

    if (!stats::runQuery(
            q,
            u"SELECT substr(p.ts, 1, 10), count(*), count(*) - total(p.success <> 0) FROM pairs p WHERE "_s +
                c.where + u" AND p.ts IS NOT NULL GROUP BY 1"_s,
            c.bindings, error))
        return false;
    QMap<QDate, stats::DayCount> days;
    while (q.next()) {
        const QDate d = QDate::fromString(q.value(0).toString(), Qt::ISODate);
        if (d.isValid())
            days[d] = {q.value(1).toLongLong(), qint64(q.value(2).toDouble())};
    }
    stats::setTimeline(out, days);

    if (!stats::runQuery(q,
                         u"SELECT p.question_length, p.sql_length, count(*) FROM pairs p WHERE "_s + c.where +
                             u" GROUP BY 1, 2"_s,
                         c.bindings, error))
        return false;
    QMap<int, qint64> ql, sl;
    while (q.next()) {
        ql[q.value(0).toInt()] += q.value(2).toLongLong();
        sl[q.value(1).toInt()] += q.value(2).toLongLong();
    }
    out->questionLengths = stats::binLengths(ql);
    out->sqlLengths = stats::binLengths(sl);

    if (!stats::runQuery(
            q, u"SELECT p.database_name, count(*) FROM pairs p WHERE "_s + c.where + u" GROUP BY 1"_s,
            c.bindings, error))
        return false;
    while (q.next())
        out->databaseNames.insert(q.value(0).toString(), q.value(1).toLongLong());

    if (!stats::runQuery(
            q,
            u"SELECT t.name, count(*) FROM pair_tables t JOIN pairs p ON p.id = t.pair WHERE "_s + c.where +
                u" GROUP BY t.name"_s,
            c.bindings, error))
        return false;
    QList<Statistics::Count> tables;
    while (q.next())
        tables.append({q.value(0).toString(), q.value(1).toLongLong()});
    stats::setTables(out, tables);
    return true;
}

// Nearest-rank percentiles of the execution time by ORDER BY + OFFSET, from whichever end of the
// order is nearer. Unfiltered, SQLite walks the pairs_exec_time index to the rank; under a filter it
// sorts the matching times once per rank (a window function would sort once but always sorts, also
// when the index could be walked). `e->count` must come from the same state of the dataset.
bool percentiles(QSqlQuery &q, const SqlCondition &c, Statistics::ExecutionTimes *e, QString *error)
{
    const qint64 n = e->count;
    const std::pair<double, double *> ranks[] = {{0.50, &e->p50}, {0.90, &e->p90}, {0.99, &e->p99}};
    for (const auto &[fraction, target] : ranks) {
        if (n == 0)
            break;
        const qint64 rank = std::clamp<qint64>(qint64(std::ceil(fraction * double(n))), 1, n);
        const bool fromTop = n - rank < rank - 1;
        if (!stats::runQuery(
                q,
                u"SELECT p.execution_time_ms FROM pairs p WHERE "_s + c.where +
                    u" AND p.execution_time_ms IS NOT NULL ORDER BY p.execution_time_ms %1 LIMIT 1 OFFSET %2"_s
                        .arg(fromTop ? u"DESC"_s : u"ASC"_s)
                        .arg(fromTop ? n - rank : rank - 1),
                c.bindings, error))
            return false;
        if (q.next())
            *target = q.value(0).toDouble();
    }
    return true;
}

// Ends the read transaction the statistics ran in, if they began one.
class ReadTransaction
{
public:
    explicit ReadTransaction(QSqlDatabase &db) : m_db(db) {}
    ~ReadTransaction()
    {
        if (m_active)
            m_db.commit();
    }
    ReadTransaction(const ReadTransaction &) = delete;
    ReadTransaction &operator=(const ReadTransaction &) = delete;
    void setActive(bool active) { m_active = active; }

private:
    QSqlDatabase &m_db;
    bool m_active = false;
};

} // namespace

bool computeStatistics(Dataset &dataset, const Filter &filter, Statistics *out, QString *error,
                       const Progress &progress)
{
    constexpr int kSteps = 3;
    const SqlCondition c = buildCondition(filter);
    QSqlQuery q(dataset.db());
    *out = Statistics();
    auto step = [&](int done) {
        if (progress.report(done, kSteps, tr("Computing statistics")))
            return true;
        *error = tr("The statistics were cancelled.");
        return false;
    };
    if (!step(0))
        return false;

    // 1. Every breakdown: in one scan on SQLite (split over threads on a large dataset), else one
    //    GROUP BY each. Everything runs in one read transaction, so every number describes the
    //    same state of the dataset.
    //    Percentiles: the one-scan path takes them from the exact values of its pass (up to a
    //    limit); else by ORDER BY + OFFSET.
    const bool forcePortable = qEnvironmentVariableIsSet("PAIRLENS_STATS_PORTABLE");
    ReadTransaction transaction(dataset.db());
    QString passError;
    bool cancelled = false, began = false, percentilesTaken = false;
    const bool onePass =
        !forcePortable && stats::aggregateInOnePass(dataset.db(), filter, progress, out, &passError,
                                                    &cancelled, &began, &percentilesTaken);
    transaction.setActive(began);
    if (!onePass) {
        *out = Statistics();
        transaction.setActive(dataset.db().transaction());
        if (!groupByPasses(q, c, out, error))
            return false;
    } else if (cancelled) {
        *error = tr("The statistics were cancelled.");
        return false;
    } else if (!passError.isEmpty()) {
        *error = passError;
        return false;
    }
    if (!step(1))
        return false;

    // 2. Execution time percentiles.
    if (!percentilesTaken && !percentiles(q, c, &out->executionTime, error))
        return false;
    if (!step(2))
        return false;

    // 3. The trash: the same filter over deleted pairs. Under a filter that names the pairs (a
    //    search), SQLite looks every named pair up by id; walking the trash index is cheaper when the
    //    trash holds fewer pairs than were found alive.
    const SqlCondition d = deletedCondition(filter);
    QString from = u"pairs p"_s;
    if (onePass && stats::namesPairs(filter) &&
        q.exec(u"SELECT count(*) FROM pairs INDEXED BY pairs_trash WHERE deleted = 1"_s) && q.next() &&
        q.value(0).toLongLong() < out->totalPairs)
        from = u"pairs p INDEXED BY pairs_trash"_s;
    if (!stats::runQuery(q, u"SELECT count(*) FROM "_s + from + u" WHERE "_s + d.where, d.bindings, error))
        return false;
    if (q.next())
        out->deletedPairs = q.value(0).toLongLong();
    q.finish();
    // A damaged page ends a scan as if the pairs had run out: numbers of part of the pairs are no
    // statistics of the dataset (the window's tab, `stats`, `chart`, a JSON export's envelope).
    if (dataset.damageReported()) {
        *error = dataset.damageMessage();
        return false;
    }
    return step(kSteps);
}

QJsonObject Statistics::toJson() const
{
    QJsonObject o;
    o[u"total_pairs"_s] = totalPairs;
    o[u"successful_pairs"_s] = successfulPairs;
    o[u"failed_pairs"_s] = failedPairs;
    o[u"unique_tables"_s] = uniqueTables;
    o[u"database_types"_s] = toJsonObject(databaseTypes);
    o[u"avg_query_length"_s] = round2(avgQuestionLength);
    o[u"avg_sql_length"_s] = round2(avgSqlLength);
    o[u"date_range"_s] =
        QJsonObject{{u"start"_s, firstTimestamp.isEmpty() ? QJsonValue() : QJsonValue(firstTimestamp)},
                    {u"end"_s, lastTimestamp.isEmpty() ? QJsonValue() : QJsonValue(lastTimestamp)}};
    o[u"query_type_distribution"_s] = toJsonObject(queryTypes);

    o[u"deleted_pairs"_s] = deletedPairs;
    o[u"database_names"_s] = toJsonObject(databaseNames);
    QJsonArray tables;
    for (const Count &t : topTables)
        tables.append(QJsonObject{{u"name"_s, t.name}, {u"pairs"_s, t.count}});
    o[u"top_tables"_s] = tables;
    QJsonArray buckets;
    for (const TimeBucket &b : timeline)
        buckets.append(QJsonObject{
            {u"start"_s, b.start.toString(Qt::ISODate)}, {u"pairs"_s, b.pairs}, {u"failed"_s, b.failed}});
    o[u"timeline"_s] =
        QJsonObject{{u"granularity"_s, granularityName(timelineGranularity)}, {u"buckets"_s, buckets}};
    auto histogram = [](const QList<HistogramBin> &bins) {
        QJsonArray a;
        for (const HistogramBin &b : bins)
            a.append(QJsonObject{{u"from"_s, b.from},
                                 {u"to"_s, b.to < 0 ? QJsonValue() : QJsonValue(b.to)},
                                 {u"pairs"_s, b.pairs}});
        return a;
    };
    o[u"question_length_histogram"_s] = histogram(questionLengths);
    o[u"sql_length_histogram"_s] = histogram(sqlLengths);
    const ExecutionTimes &e = executionTime;
    auto ms = [&e](double v) { return e.count ? QJsonValue(round2(v)) : QJsonValue(); };
    o[u"execution_time_ms"_s] = QJsonObject{
        {u"count"_s, e.count}, {u"min"_s, ms(e.min)}, {u"avg"_s, ms(e.avg)}, {u"p50"_s, ms(e.p50)},
        {u"p90"_s, ms(e.p90)}, {u"p99"_s, ms(e.p99)}, {u"max"_s, ms(e.max)}};
    o[u"pii"_s] = QJsonObject{{u"pairs_with_pii"_s, pairsWithPii},
                              {u"unscanned_pairs"_s, unscannedPairs},
                              {u"kinds"_s, toJsonObject(piiKinds)}};
    o[u"review_status"_s] = QJsonObject{
        {u"unreviewed"_s, unreviewedPairs}, {u"approved"_s, approvedPairs}, {u"rejected"_s, rejectedPairs}};
    if (exactDuplicates >= 0)
        o[u"duplicates"_s] =
            QJsonObject{{u"exact"_s, exactDuplicates}, {u"normalized"_s, normalizedDuplicates}};
    return o;
}

} // namespace pairlens

namespace pairlens {
namespace {

QString percent(qint64 n, qint64 total)
{
    return total ? u"%1%"_s.arg(100.0 * double(n) / double(total), 0, 'f', 1) : u"-"_s;
}

void countTable(QStringList &md, const QString &heading, const QList<Statistics::Count> &rows, qint64 total)
{
    md << u"## "_s + heading << QString() << u"| | %1 | %2 |"_s.arg(tr("Pairs"), tr("Share"))
       << u"|---|---:|---:|"_s;
    for (const Statistics::Count &r : rows)
        md << u"| %1 | %2 | %3 |"_s.arg(r.name).arg(r.count).arg(percent(r.count, total));
    md << QString();
}

QList<Statistics::Count> sortedCounts(const QMap<QString, qint64> &map, const QString &emptyName)
{
    QList<Statistics::Count> rows;
    for (auto it = map.constBegin(); it != map.constEnd(); ++it)
        rows.append({it.key().isEmpty() ? emptyName : it.key(), it.value()});
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto &a, const auto &b) { return a.count > b.count; });
    return rows;
}

} // namespace

QString Statistics::toMarkdown(const QString &title) const
{
    QStringList md;
    md << u"# "_s + (title.isEmpty() ? tr("Dataset statistics") : title) << QString();
    md << u"| %1 | %2 |"_s.arg(tr("Number"), tr("Value")) << u"|---|---:|"_s;
    auto row = [&md](const QString &name, const QString &value) { md << u"| %1 | %2 |"_s.arg(name, value); };
    row(tr("Pairs"), QString::number(totalPairs));
    row(tr("Successful"), u"%1 (%2)"_s.arg(successfulPairs).arg(percent(successfulPairs, totalPairs)));
    row(tr("Failed"), u"%1 (%2)"_s.arg(failedPairs).arg(percent(failedPairs, totalPairs)));
    row(tr("In the trash"), QString::number(deletedPairs));
    row(tr("Unique tables"), QString::number(uniqueTables));
    row(tr("Average question length"), QString::number(avgQuestionLength, 'f', 1));
    row(tr("Average SQL length"), QString::number(avgSqlLength, 'f', 1));
    row(tr("First pair"), firstTimestamp.isEmpty() ? u"-"_s : firstTimestamp);
    row(tr("Last pair"), lastTimestamp.isEmpty() ? u"-"_s : lastTimestamp);
    if (executionTime.count) {
        row(tr("Execution time p50 / p90 / p99 (ms)"),
            u"%1 / %2 / %3"_s.arg(executionTime.p50).arg(executionTime.p90).arg(executionTime.p99));
    }
    row(tr("Pairs with PII"), u"%1 (%2)"_s.arg(pairsWithPii).arg(percent(pairsWithPii, totalPairs)));
    row(tr("Reviewed"), u"%1 approved, %2 rejected, %3 unreviewed"_s.arg(approvedPairs)
                            .arg(rejectedPairs)
                            .arg(unreviewedPairs));
    if (exactDuplicates >= 0) {
        row(tr("Exact duplicates"),
            u"%1 (%2)"_s.arg(exactDuplicates).arg(percent(exactDuplicates, totalPairs)));
        row(tr("Normalized duplicates"),
            u"%1 (%2)"_s.arg(normalizedDuplicates).arg(percent(normalizedDuplicates, totalPairs)));
    }
    md << QString();
    countTable(md, tr("Statement types"), sortedCounts(queryTypes, tr("(none)")), totalPairs);
    countTable(md, tr("Database types"), sortedCounts(databaseTypes, tr("(unknown)")), totalPairs);
    countTable(md, tr("Top tables"), topTables, totalPairs);
    QList<Count> pii;
    for (auto it = piiKinds.constBegin(); it != piiKinds.constEnd(); ++it) {
        if (it.value())
            pii.append({it.key(), it.value()});
    }
    if (!pii.isEmpty())
        countTable(md, tr("PII kinds"), pii, totalPairs);
    return md.join(u'\n');
}

} // namespace pairlens
