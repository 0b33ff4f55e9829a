#include "dataset/pairstore.h"
#include "dataset/pairstore_p.h"

#include "dataset/dataset.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace pairlens {

namespace detail {

const QString kColumns =
    u"p.id, p.pair_id, p.natural_language_query, p.sql_query, p.timestamp, p.database_type, "
    "p.database_name, p.success, p.execution_time_ms, p.metadata, p.query_type, p.table_names, "
    "p.pii_mask, p.review_status, p.reviewer_note, p.deleted, p.deleted_at"_s;

void bindAll(QSqlQuery &q, const QVariantList &bindings)
{
    for (const QVariant &v : bindings)
        q.addBindValue(v);
}

} // namespace detail

using namespace detail;

namespace {

Pair readPair(const QSqlQuery &q)
{
    Pair p = PairStore::readSeedFields(q);
    p.queryType = q.value(10).toString();
    const QString tables = q.value(11).toString();
    if (tables.size() > 2) {
        for (const QJsonValue &v : QJsonDocument::fromJson(tables.toUtf8()).array())
            p.tableNames << v.toString();
    }
    p.piiMask = quint32(q.value(12).toLongLong());
    p.reviewStatus = ReviewStatus(q.value(13).toInt());
    p.reviewerNote = q.value(14).toString();
    p.deleted = q.value(15).toInt() != 0;
    p.deletedAt = q.value(16).toString();
    return p;
}

} // namespace

Pair PairStore::readSeedFields(const QSqlQuery &q)
{
    Pair p;
    p.rowId = q.value(0).toLongLong();
    p.pairId = q.value(1).toString();
    p.naturalLanguageQuery = q.value(2).toString();
    p.sqlQuery = q.value(3).toString();
    p.timestamp = q.value(4).toString();
    p.databaseType = q.value(5).toString();
    p.databaseName = q.value(6).toString();
    p.success = q.value(7).toInt() != 0;
    p.executionTimeMs = q.value(8).isNull() ? -1 : q.value(8).toDouble();
    const QString meta = q.value(9).toString();
    if (meta.size() > 2)
        p.metadata = QJsonDocument::fromJson(meta.toUtf8()).object();
    return p;
}

PairStore::PairStore(Dataset &dataset) : m_dataset(dataset), m_deriver(Deriver::forDataset(dataset)) {}

bool PairStore::fail(const QString &message)
{
    m_error = message;
    return false;
}

bool PairStore::failQuery(const QSqlQuery &query)
{
    return fail(query.lastError().text());
}

qint64 PairStore::count(const Filter &filter)
{
    m_error.clear();
    QSqlQuery q(m_dataset.db());
    Filter rest = filter;
    rest.search.clear();
    const QString fts = ftsQuery(filter.search);
    if (!fts.isEmpty() && rest.isEmpty() && filter.scope == Filter::Scope::Live) {
        // A search alone: count the matches in the full-text index (which holds every analysed
        // pair) and take away the trashed ones, instead of visiting every match in `pairs`.
        q.prepare(u"SELECT (SELECT count(*) FROM pairs_fts WHERE pairs_fts MATCH ?) - (SELECT count(*) FROM "
                  u"pairs p "
                  "WHERE p.deleted = 1 AND p.query_type IS NOT NULL AND EXISTS (SELECT 1 FROM pairs_fts f "
                  "WHERE f.rowid = p.id AND pairs_fts MATCH ?))"_s);
        q.addBindValue(fts);
        q.addBindValue(fts);
        if (q.exec() && q.next())
            return q.value(0).toLongLong();
        failQuery(q);
        return -1;
    }
    const SqlCondition c = buildCondition(filter);
    q.prepare(u"SELECT count(*) FROM pairs p WHERE "_s + c.where);
    bindAll(q, c.bindings);
    if (!q.exec() || !q.next()) {
        failQuery(q);
        return -1;
    }
    return q.value(0).toLongLong();
}

qint64 PairStore::maxRowId()
{
    QSqlQuery q(m_dataset.db());
    if (q.exec(u"SELECT coalesce(max(id), 0) FROM pairs"_s) && q.next())
        return q.value(0).toLongLong();
    failQuery(q);
    return -1;
}

qint64 PairStore::countLiveAfter(qint64 rowId)
{
    QSqlQuery q(m_dataset.db());
    q.prepare(u"SELECT count(*) FROM pairs WHERE id > ? AND deleted = 0"_s);
    q.addBindValue(rowId);
    if (q.exec() && q.next())
        return q.value(0).toLongLong();
    failQuery(q);
    return -1;
}

QList<Pair> PairStore::runSelect(const QString &sql, const QVariantList &bindings)
{
    m_error.clear();
    QList<Pair> out;
    QSqlQuery q(m_dataset.db());
    q.setForwardOnly(true);
    q.prepare(sql);
    bindAll(q, bindings);
    if (!q.exec()) {
        failQuery(q);
        return out;
    }
    while (q.next())
        out.append(readPair(q));
    if (q.lastError().isValid()) // a step failed: not the end of the rows
        failQuery(q);
    return out;
}

std::optional<Pair> PairStore::get(qint64 rowId)
{
    const QList<Pair> r = runSelect(u"SELECT "_s + kColumns + u" FROM pairs p WHERE p.id = ?"_s, {rowId});
    if (r.isEmpty())
        return std::nullopt;
    return r.first();
}

std::optional<Pair> PairStore::getByPairId(const QString &pairId)
{
    const QList<Pair> r =
        runSelect(u"SELECT "_s + kColumns + u" FROM pairs p WHERE p.pair_id = ?"_s, {pairId});
    if (r.isEmpty())
        return std::nullopt;
    return r.first();
}

std::optional<QList<Pair>> PairStore::getByPairIds(const QStringList &pairIds)
{
    if (pairIds.isEmpty())
        return QList<Pair>();
    // The server's write queue asks for a group of up to 16 at once, and almost always finds none:
    // first a short statement for the row ids (preparing the SELECT of every column took more than
    // the lookups: 40 % of the writer's time when each pair_id had one of its own), then the pairs.
    const QString json =
        QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(pairIds)).toJson(QJsonDocument::Compact));
    m_error.clear();
    QSqlQuery q(m_dataset.db());
    q.setForwardOnly(true);
    q.prepare(u"SELECT id FROM pairs WHERE pair_id IN (SELECT value FROM json_each(?))"_s);
    q.addBindValue(json);
    if (!q.exec()) {
        failQuery(q);
        return std::nullopt;
    }
    QStringList rowIds;
    while (q.next())
        rowIds << q.value(0).toString();
    if (q.lastError().isValid()) {
        failQuery(q);
        return std::nullopt;
    }
    if (rowIds.isEmpty())
        return QList<Pair>();
    QList<Pair> r =
        runSelect(u"SELECT "_s + kColumns + u" FROM pairs p WHERE p.id IN (%1)"_s.arg(rowIds.join(u',')), {});
    if (!m_error.isEmpty())
        return std::nullopt;
    return r;
}

QStringList PairStore::distinctValues(const QString &column)
{
    static const QStringList allowed = {u"query_type"_s, u"database_type"_s, u"database_name"_s};
    QStringList out;
    if (!allowed.contains(column))
        return out;
    // A loose index scan: each step asks the column's index (pairs_<column>, on live pairs) for the
    // next larger value, so a handful of distinct values cost a handful of lookups instead of a
    // walk over every live pair (about 0.2 s each on 1M pairs). Ascending, like ORDER BY.
    QSqlQuery q(m_dataset.db());
    q.setForwardOnly(true);
    if (!q.exec(
            u"WITH RECURSIVE v(x) AS (SELECT (SELECT min(%1) FROM pairs WHERE deleted = 0 AND query_type IS "
            u"NOT NULL AND "
            "%1 > '') "
            "UNION ALL SELECT (SELECT min(%1) FROM pairs WHERE deleted = 0 AND query_type IS NOT NULL AND "
            "%1 > v.x) FROM v "
            "WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"_s.arg(column))) {
        failQuery(q);
        return out;
    }
    while (q.next())
        out << q.value(0).toString();
    if (q.lastError().isValid())
        failQuery(q);
    return out;
}

} // namespace pairlens
