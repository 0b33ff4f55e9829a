#include "stats/statistics.h"

#include "dataset/dataset.h"

#include <QJsonArray>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

bool run(QSqlQuery &q, const QString &sql, const QVariantList &bindings, QString *error)
{
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        *error = q.lastError().text();
        return false;
    }
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

QJsonObject toJsonObject(const QMap<QString, qint64> &m)
{
    QJsonObject o;
    for (auto it = m.constBegin(); it != m.constEnd(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

} // namespace

bool computeStatistics(Dataset &dataset, const Filter &filter, Statistics *out, QString *error)
{
    const SqlCondition c = buildCondition(filter);
    QSqlQuery q(dataset.db());
    *out = Statistics();
    // One pass for the per-group numbers; everything else is rolled up from it.
    if (!run(q,
             u"SELECT coalesce(p.query_type, ''), p.database_type, p.success <> 0, count(*), "
             "total(p.question_length), total(p.sql_length), min(p.ts), max(p.ts) FROM pairs p WHERE "_s +
                 c.where + u" GROUP BY 1, 2, 3"_s,
             c.bindings, error))
        return false;
    double qlen = 0, slen = 0;
    while (q.next()) {
        const qint64 n = q.value(3).toLongLong();
        out->totalPairs += n;
        (q.value(2).toBool() ? out->successfulPairs : out->failedPairs) += n;
        out->queryTypes[q.value(0).toString()] += n;
        out->databaseTypes[q.value(1).toString()] += n;
        qlen += q.value(4).toDouble();
        slen += q.value(5).toDouble();
        const QString first = q.value(6).toString(), last = q.value(7).toString();
        if (!first.isEmpty() && (out->firstTimestamp.isEmpty() || first < out->firstTimestamp))
            out->firstTimestamp = first;
        if (last > out->lastTimestamp)
            out->lastTimestamp = last;
    }
    if (out->totalPairs > 0) {
        out->avgQuestionLength = qlen / double(out->totalPairs);
        out->avgSqlLength = slen / double(out->totalPairs);
    }
    if (!run(q, u"SELECT count(DISTINCT t.name) FROM pair_tables t JOIN pairs p ON p.id = t.pair WHERE "_s + c.where,
             c.bindings, error))
        return false;
    if (q.next())
        out->uniqueTables = q.value(0).toLongLong();
    return true;
}

QJsonObject Statistics::toJson() const
{
    QJsonObject o;
    o[u"total_pairs"_s] = totalPairs;
    o[u"successful_pairs"_s] = successfulPairs;
    o[u"failed_pairs"_s] = failedPairs;
    o[u"unique_tables"_s] = uniqueTables;
    o[u"database_types"_s] = toJsonObject(databaseTypes);
    o[u"avg_query_length"_s] = std::round(avgQuestionLength * 100.0) / 100.0;
    o[u"avg_sql_length"_s] = std::round(avgSqlLength * 100.0) / 100.0;
    o[u"date_range"_s] = QJsonObject{
        {u"start"_s, firstTimestamp.isEmpty() ? QJsonValue() : QJsonValue(firstTimestamp)},
        {u"end"_s, lastTimestamp.isEmpty() ? QJsonValue() : QJsonValue(lastTimestamp)}};
    o[u"query_type_distribution"_s] = toJsonObject(queryTypes);
    return o;
}

} // namespace pairlens
