// PgStorage's reads: the Filter translated to PostgreSQL, counts, pages, and the statistics as SQL
// aggregates on the server, rolled up by the same helpers as a dataset file's (stats/accumulator.h).
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include "dataset/duplicatekeys.h"
#include "export/dedupeset.h"
#include "stats/accumulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

namespace pg {

namespace {

// The parts of a condition over `pairs ALIAS` that say which pairs a scope holds. A pair is in the
// trash while it has a delete batch. Unanalysed rows (a recorder's) are in no view, as in a
// dataset file. Before format version 3 there is no trash: every analysed pair is live.
QStringList scopeParts(Filter::Scope scope, bool curated, const QString &alias)
{
    switch (scope) {
    case Filter::Scope::Live:
        if (curated)
            return {alias + u".query_type IS NOT NULL"_s, alias + u".delete_batch IS NULL"_s};
        return {alias + u".query_type IS NOT NULL"_s};
    case Filter::Scope::Deleted:
        return {curated ? alias + u".delete_batch IS NOT NULL"_s : u"false"_s};
    case Filter::Scope::All:
        break;
    }
    return {};
}

} // namespace

bool condition(const Filter &f, int version, const QString &quotedSchema, Condition *out, QString *error)
{
    const bool curated = hasCuration(version);
    if (f.duplicates != Filter::Duplicates::Any && !hasDuplicateKeys(version)) {
        *error = tr("The filter %1 needs the duplicate keys of PostgreSQL format version 5: open the schema "
                    "once with a role that may write to add them.")
                     .arg(f.duplicates == Filter::Duplicates::Exact ? u"--duplicates"_s
                                                                    : u"--normalized-duplicates"_s);
        return false;
    }
    if (!curated && !f.search.trimmed().isEmpty()) {
        *error = tr("The filter --search needs the search column of PostgreSQL format version 3: open the "
                    "schema once with a role that may write to add it.");
        return false;
    }
    QStringList parts = scopeParts(f.scope, curated, u"p"_s);
    QList<QByteArray> &params = out->params;
    params.clear();
    const auto param = [&](const QString &value) {
        params.append(value.toUtf8());
        return u"$%1"_s.arg(params.size());
    };
    // ts is compared byte by byte, as SQLite compares text.
    if (f.from.isValid())
        parts << u"p.ts COLLATE \"C\" >= %1"_s.arg(param(normalisedTimestamp(f.from)));
    if (f.to.isValid())
        parts << u"p.ts COLLATE \"C\" <= %1"_s.arg(param(normalisedTimestamp(f.to)));
    if (f.success == Filter::Success::SuccessfulOnly)
        parts << u"p.success <> 0"_s;
    else if (f.success == Filter::Success::FailedOnly)
        parts << u"p.success = 0"_s;
    const auto inList = [&](const QString &column, const QStringList &values) {
        if (values.isEmpty())
            return;
        const QString json = QString::fromUtf8(
            QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
        parts << u"%1 IN (SELECT json_array_elements_text(%2::json))"_s.arg(column, param(json));
    };
    inList(u"coalesce(p.query_type, '')"_s, f.queryTypes);
    inList(u"p.database_type"_s, f.databaseTypes);
    inList(u"p.database_name"_s, f.databaseNames);
    if (!f.tables.isEmpty()) {
        // As pair_tables' COLLATE NOCASE: names compared in ASCII lower case.
        const auto lower = [](const QString &text) {
            return u"translate(%1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"_s.arg(text);
        };
        const QString json = QString::fromUtf8(
            QJsonDocument(QJsonArray::fromStringList(f.tables)).toJson(QJsonDocument::Compact));
        parts << u"EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.table_names::jsonb) AS t(name) WHERE %1 "
                 u"IN "
                 "(SELECT %2 FROM json_array_elements_text(%3::json) AS w(name)))"_s.arg(
                     lower(u"t.name"_s), lower(u"w.name"_s), param(json));
    }
    if (!f.reviewStatuses.isEmpty()) {
        QStringList statuses;
        for (int v : f.reviewStatuses)
            statuses << QString::number(v);
        if (curated)
            parts << u"p.review_status IN (%1)"_s.arg(statuses.join(u','));
        else if (!f.reviewStatuses.contains(int(ReviewStatus::Unreviewed)))
            parts << u"false"_s; // no review column: every pair is unreviewed
    }
    if (f.piiRequired) {
        const quint32 mask = f.piiKinds ? f.piiKinds : 0xFFFFFFFFu;
        parts << u"(coalesce(p.pii_mask, 0)::bigint & %1) <> 0"_s.arg(mask);
    }
    if (!f.search.trimmed().isEmpty()) {
        // The words of the search in the pair's search vector (pgcurate.cpp), by its GIN index.
        const QString query = searchQuery(f.search);
        parts << (query.isEmpty() ? u"false"_s : u"p.search_vector @@ %1::tsquery"_s.arg(param(query)));
    }
    if (f.restrictToRowIds || !f.rowIds.isEmpty()) {
        QStringList ids;
        for (qint64 id : f.rowIds)
            ids << QString::number(id);
        parts << u"p.id IN (SELECT json_array_elements_text(%1::json)::bigint)"_s.arg(
            param(u'[' + ids.join(u',') + u']'));
    }
    if (!f.pairIds.isEmpty()) {
        const QString json = QString::fromUtf8(
            QJsonDocument(QJsonArray::fromStringList(f.pairIds)).toJson(QJsonDocument::Compact));
        parts << u"p.pair_id IN (SELECT json_array_elements_text(%1::json))"_s.arg(param(json));
    }
    if (f.duplicates != Filter::Duplicates::Any) {
        // The pairs of the scope whose key (stored with the search vector) another pair of the scope
        // shares, as a dataset file's duplicatesCondition() with the SQL functions of the keys. A
        // row without keys is a recorder's that PairLens has not analysed yet: in no live view.
        const QString key = f.duplicates == Filter::Duplicates::Exact ? u"exact_key"_s : u"normalized_key"_s;
        QStringList shared = scopeParts(f.scope, curated, u"d"_s);
        shared << u"d.%1 IS NOT NULL"_s.arg(key);
        parts << u"p.%1 IN (SELECT d.%1 FROM %2.pairs d WHERE %3 GROUP BY d.%1 HAVING count(*) > 1)"_s.arg(
            key, quotedSchema, shared.join(u" AND "_s));
    }
    out->where = parts.isEmpty() ? u"true"_s : parts.join(u" AND "_s);
    return true;
}

} // namespace pg

qint64 PgStorage::count(const Filter &filter, QString *error)
{
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return -1;
    Result r(pg::exec(m_conn->pg, u"SELECT count(*) FROM %1.pairs p WHERE %2"_s.arg(m_quotedSchema, c.where),
                      c.params));
    if (!r.ok()) {
        *error = tr("Cannot count the pairs in PostgreSQL: %1").arg(r.error());
        return -1;
    }
    return r.number(0, 0);
}

namespace {

// The ORDER BY of a table order, as orderByClause() gives it for a dataset file: the column's terms
// (texts compared byte by byte, as SQLite compares them), then the row id, all in the sort's
// direction; SQLite sorts a NULL first, so a missing value comes first when ascending and last when
// descending. Except the time: it keeps PostgreSQL's order of a missing one (last when ascending,
// first when descending, as `pairlens list` on PostgreSQL), so that pairs_live_ts serves the
// newest-first pages (1.5 ms instead of a 40 ms sort of every live pair at 200,000 pairs). Before
// format version 3 every pair is unreviewed.
QString orderBy(const PairStore::Sort &sort, int version)
{
    const bool ascending = sort.order == Qt::AscendingOrder;
    const QString dir = ascending ? u" ASC NULLS FIRST"_s : u" DESC NULLS LAST"_s;
    QString out = u" ORDER BY "_s;
    for (QString term : sortTerms(sort.column)) {
        if (term == u"p.ts"_s) {
            out += u"p.ts COLLATE \"C\""_s + (ascending ? u" ASC, "_s : u" DESC, "_s);
            continue;
        }
        if (term == u"p.natural_language_query"_s || term == u"p.sql_query"_s || term == u"p.query_type"_s ||
            term == u"p.database_type"_s || term == u"p.database_name"_s)
            term += u" COLLATE \"C\""_s;
        else if (term == u"p.review_status"_s && !pg::hasCuration(version))
            continue;
        out += term + dir + u", "_s;
    }
    return out + u"p.id"_s + (ascending ? u" ASC"_s : u" DESC"_s);
}

QString limitClause(int limit, qint64 offset)
{
    return (limit >= 0 ? u" LIMIT %1"_s.arg(limit) : QString()) +
           u" OFFSET %1"_s.arg(std::max<qint64>(0, offset));
}

} // namespace

bool PgStorage::page(const Filter &filter, int limit, qint64 offset, QList<Pair> *out, QString *error)
{
    // The file's default order; PostgreSQL sorts a pair without a time first here (NULLS FIRST).
    return readPairs(filter, u" ORDER BY p.ts COLLATE \"C\" DESC, p.id DESC"_s + limitClause(limit, offset),
                     out, error);
}

bool PgStorage::page(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                     QList<Pair> *out, QString *error)
{
    return readPairs(filter, orderBy(sort, m_version) + limitClause(limit, offset), out, error);
}

bool PgStorage::rowIds(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                       QList<qint64> *out, QString *error)
{
    out->clear();
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return false;
    Result r(pg::exec(m_conn->pg,
                      u"SELECT p.id FROM %1.pairs p WHERE %2"_s.arg(m_quotedSchema, c.where) +
                          orderBy(sort, m_version) + limitClause(limit, offset),
                      c.params));
    if (!r.ok()) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(r.error());
        return false;
    }
    out->reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        out->append(r.number(i, 0));
    return true;
}

bool PgStorage::distinctValues(const QString &column, QStringList *out, QString *error)
{
    out->clear();
    static const QStringList allowed = {u"query_type"_s, u"database_type"_s, u"database_name"_s};
    if (!allowed.contains(column))
        return true;
    pg::Condition c;
    if (!pg::condition(Filter(), m_version, m_quotedSchema, &c, error))
        return false;
    Result r(pg::exec(
        m_conn->pg,
        u"SELECT DISTINCT p.%1 COLLATE \"C\" FROM %2.pairs p WHERE %3 AND p.%1 > '' ORDER BY 1"_s.arg(
            column, m_quotedSchema, c.where),
        c.params));
    if (!r.ok()) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(r.error());
        return false;
    }
    for (int i = 0; i < r.rows(); ++i)
        out->append(r.text(i, 0));
    return true;
}

std::optional<Pair> PgStorage::get(qint64 rowId, QString *error)
{
    Filter f;
    f.scope = Filter::Scope::All;
    f.rowIds = {rowId};
    f.restrictToRowIds = true;
    QList<Pair> pairs;
    if (!readPairs(f, u" LIMIT 1"_s, &pairs, error) || pairs.isEmpty())
        return std::nullopt;
    return pairs.first();
}

bool PgStorage::readPairs(const Filter &filter, const QString &orderAndLimit, QList<Pair> *out,
                          QString *error)
{
    out->clear();
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return false;
    Result r(pg::exec(
        m_conn->pg,
        u"SELECT p.id, p.pair_id, p.natural_language_query, p.sql_query, p.timestamp, p.database_type, "
        "p.database_name, p.success, p.execution_time_ms, p.metadata, p.query_type, p.table_names, "
        "p.pii_mask, %3 "
        "FROM %1.pairs p WHERE %2"_s.arg(m_quotedSchema, c.where)
                .arg(pg::hasCuration(m_version)
                         ? u"p.review_status, p.reviewer_note, p.delete_batch IS NOT NULL, p.deleted_at"_s
                         : u"0, '', false, NULL::text"_s) +
            orderAndLimit,
        c.params));
    if (!r.ok()) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(r.error());
        return false;
    }
    out->reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        Pair p;
        p.rowId = r.number(i, 0);
        p.pairId = r.text(i, 1);
        p.naturalLanguageQuery = r.text(i, 2);
        p.sqlQuery = r.text(i, 3);
        p.timestamp = r.text(i, 4);
        p.databaseType = r.text(i, 5);
        p.databaseName = r.text(i, 6);
        p.success = r.number(i, 7) != 0;
        p.executionTimeMs = r.isNull(i, 8) ? -1 : r.real(i, 8);
        const QString metadata = r.text(i, 9);
        if (metadata.size() > 2)
            p.metadata = QJsonDocument::fromJson(metadata.toUtf8()).object();
        p.queryType = r.text(i, 10);
        const QString tables = r.text(i, 11);
        if (tables.size() > 2) {
            for (const QJsonValue &v : QJsonDocument::fromJson(tables.toUtf8()).array())
                p.tableNames << v.toString();
        }
        p.piiMask = quint32(r.number(i, 12));
        p.reviewStatus = ReviewStatus(r.number(i, 13));
        p.reviewerNote = r.text(i, 14);
        p.deleted = r.text(i, 15) == u"t"_s;
        p.deletedAt = r.text(i, 16);
        out->append(std::move(p));
    }
    return true;
}

namespace {

// The breakdowns of the statistics, one grouping set each, in one scan of the matching pairs, every
// set hashed. An aggregate is computed for every set, so the sets have count(*) alone: the sums,
// extremes and percentiles come from their counts, and the first and last times from the
// table_names texts' own GROUP BY (the only breakdown that needs a text aggregate).
enum Breakdown
{
    Combination, // statement type, database type, success, PII kinds: the sums
    QuestionLength,
    SqlLength,
    DatabaseName,
    Day,           // the pairs per day, split by success
    ExecutionTime, // each distinct time: count, sum, extremes and percentiles
    kBreakdowns
};

// %1 in the first: the review status (a constant before format version 3).
const char *const kBreakdownKeys[] = {
    "coalesce(p.query_type, ''), p.database_type, p.success <> 0, p.pii_mask, %1",
    "p.question_length",
    "p.sql_length",
    "p.database_name",
    "p.day, p.success <> 0",
    "p.execution_time_ms",
};

// The tables of the distinct table_names texts, as a dataset file counts them
// (StatsAccumulator::tables): names compared in ASCII lower case, a pair counted once per table,
// each spelt as in the first pair (by time, then row) that uses it.
struct TableNamesText
{
    QByteArray first; // ts, \x01, zero-padded id: the order of the first pair with this text
    QString json;
    qint64 pairs = 0;
};
QList<Statistics::Count> countTables(QList<TableNamesText> texts)
{
    std::sort(texts.begin(), texts.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    QHash<QByteArray, qsizetype> ids; // lower-cased name -> table
    QList<Statistics::Count> tables;
    for (const TableNamesText &t : texts) {
        QList<qsizetype> seen;
        for (const QJsonValue &v : QJsonDocument::fromJson(t.json.toUtf8()).array()) {
            const QString name = v.toString();
            const QByteArray key = name.toUtf8().toLower();
            auto id = ids.find(key);
            if (id == ids.end()) {
                id = ids.insert(key, tables.size());
                tables.append({name, 0});
            }
            if (!seen.contains(id.value())) {
                seen.append(id.value());
                tables[id.value()].count += t.pairs;
            }
        }
    }
    return tables;
}

} // namespace

bool PgStorage::statistics(const Filter &filter, Statistics *out, QString *error)
{
    *out = Statistics();
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return false;
    PGconn *pg = m_conn->pg;
    const auto fail = [&](const QString &why) {
        Result rollback(PQexec(pg, "ROLLBACK"));
        *error = tr("Cannot compute the statistics in PostgreSQL: %1").arg(why);
        return false;
    };
    // Every query reads the same snapshot.
    {
        Result begin(pg::exec(pg, u"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"_s));
        if (!begin.ok())
            return fail(begin.error());
    }

    // 1. Every breakdown in one scan: a grouping set each (the portable path of a dataset file runs
    //    one GROUP BY per breakdown). GROUPING() tells the sets apart: its bit of a key is 0 in the
    //    set that groups by it. Hashing every set keeps it to one pass over the pairs; left alone the
    //    planner sorts some of them (on disk at a million pairs). The day comes out of a subquery
    //    (OFFSET 0 keeps it one) so that the planner guesses its distinct values (200) instead of
    //    taking those of ts (one per pair), which made it sort rather than hash that set.
    for (const char *setting : {"SET LOCAL work_mem = '64MB'", "SET LOCAL enable_sort = off"}) {
        Result set(PQexec(pg, setting));
        if (!set.ok())
            return fail(set.error());
    }
    QStringList sets;
    const QString review = pg::hasCuration(m_version) ? u"p.review_status"_s : u"0::integer"_s;
    for (const char *k : kBreakdownKeys)
        sets << u"("_s + QString::fromLatin1(k).replace(u"%1"_s, review) + u')';
    // The distinct keys in GROUPING() (the day's set shares the success with the combination).
    const QString keys =
        u"coalesce(p.query_type, ''), p.database_type, p.success <> 0, p.pii_mask, %1, "
        "p.question_length, p.sql_length, p.database_name, p.day, p.execution_time_ms"_s.arg(review);
    const QString sql =
        u"SELECT GROUPING(%1), %1, count(*) "
        "FROM (SELECT p.*, substr(p.ts, 1, 10) AS day FROM %2.pairs p WHERE %3 OFFSET 0) p "
        "GROUP BY GROUPING SETS (%4)"_s.arg(keys, m_quotedSchema, c.where, sets.join(u", "_s));
    Result r(pg::exec(pg, sql, c.params));
    if (!r.ok())
        return fail(r.error());
    // Columns: 0 GROUPING(), 1-5 the combination, 6 question length, 7 SQL length, 8 database name,
    // 9 day (with 3, the success), 10 execution time, 11 the count.
    constexpr int kKeyColumn[kBreakdowns] = {1, 6, 7, 8, 9, 10};
    constexpr int kCount = 11;
    const int keyCount = 10;
    const auto grouped = [&](int row, Breakdown b) {
        const int bit = keyCount - kKeyColumn[b]; // GROUPING()'s last argument is its lowest bit
        return (r.number(row, 0) & (qint64(1) << bit)) == 0;
    };
    double qlen = 0, slen = 0, etime = 0;
    QHash<qint64, qint64> masks;
    QMap<int, qint64> questionLengths, sqlLengths;
    QList<TableNamesText> tableNames;
    QMap<QDate, stats::DayCount> days;
    std::map<double, qint64> times;
    for (int i = 0; i < r.rows(); ++i) {
        const qint64 n = r.number(i, kCount);
        if (grouped(i, Combination)) {
            out->totalPairs += n;
            (r.text(i, 3) == u"t"_s ? out->successfulPairs : out->failedPairs) += n;
            out->queryTypes[r.text(i, 1)] += n;
            out->databaseTypes[r.text(i, 2)] += n;
            if (r.isNull(i, 4))
                out->unscannedPairs += n;
            else
                masks[r.number(i, 4)] += n;
            switch (r.number(i, 5)) {
            case int(ReviewStatus::Approved):
                out->approvedPairs += n;
                break;
            case int(ReviewStatus::Rejected):
                out->rejectedPairs += n;
                break;
            default:
                out->unreviewedPairs += n;
                break;
            }
        } else if (grouped(i, QuestionLength)) {
            questionLengths[int(r.number(i, 6))] += n;
            qlen += r.real(i, 6) * double(n);
        } else if (grouped(i, SqlLength)) {
            sqlLengths[int(r.number(i, 7))] += n;
            slen += r.real(i, 7) * double(n);
        } else if (grouped(i, DatabaseName)) {
            out->databaseNames.insert(r.text(i, 8), n);
        } else if (grouped(i, Day)) {
            const QDate day = r.isNull(i, 9) ? QDate() : QDate::fromString(r.text(i, 9), Qt::ISODate);
            if (day.isValid()) {
                days[day].pairs += n;
                if (r.text(i, 3) != u"t"_s)
                    days[day].failed += n;
            }
        } else if (grouped(i, ExecutionTime)) {
            if (!r.isNull(i, 10))
                times[r.real(i, 10)] += n;
        }
    }
    // 2. The distinct table_names texts, each with its first pair (time, then row) and its last time.
    //    min(ts, then id) also gives the first time: its text up to chr(1).
    Result t(pg::exec(pg,
                      u"SELECT p.table_names, count(*), max(p.ts COLLATE \"C\"), "
                      "min((p.ts || chr(1) || lpad(p.id::text, 20, '0')) COLLATE \"C\") FROM %1.pairs p "
                      "WHERE %2 GROUP BY 1"_s.arg(m_quotedSchema, c.where),
                      c.params));
    if (!t.ok())
        return fail(t.error());
    for (int i = 0; i < t.rows(); ++i) {
        const QString first = t.text(i, 3).section(QChar(1), 0, 0), last = t.text(i, 2);
        if (!first.isEmpty() && (out->firstTimestamp.isEmpty() || first < out->firstTimestamp))
            out->firstTimestamp = first;
        if (last > out->lastTimestamp)
            out->lastTimestamp = last;
        tableNames.append({QByteArray(PQgetvalue(t.res, i, 3)), t.text(i, 0), t.number(i, 1)});
    }
    // 3. The execution times in order: count, sum, extremes, and the nearest-rank percentiles (the
    // smallest time with at least p% at or below, rank ceil(p * n) as a dataset file's).
    auto &e = out->executionTime;
    for (const auto &[time, n] : times) {
        e.count += n;
        etime += time * double(n);
    }
    if (!times.empty()) {
        e.min = times.begin()->first;
        e.max = times.rbegin()->first;
        const std::pair<double, double *> ranks[] = {{0.50, &e.p50}, {0.90, &e.p90}, {0.99, &e.p99}};
        for (const auto &[fraction, target] : ranks) {
            const qint64 rank = std::clamp<qint64>(qint64(std::ceil(fraction * double(e.count))), 1, e.count);
            qint64 below = 0;
            for (const auto &[time, n] : times) {
                below += n;
                if (below >= rank) {
                    *target = time;
                    break;
                }
            }
        }
    }
    stats::setAveragesAndPiiKinds(out, qlen, slen, etime, masks);
    out->questionLengths = stats::binLengths(questionLengths);
    out->sqlLengths = stats::binLengths(sqlLengths);
    stats::setTables(out, countTables(tableNames));
    stats::setTimeline(out, days);

    // 4. The trash: the same filter over deleted pairs, as a dataset file counts it.
    if (pg::hasCuration(m_version)) {
        Filter trash = filter;
        trash.scope = Filter::Scope::Deleted;
        pg::Condition t;
        if (!pg::condition(trash, m_version, m_quotedSchema, &t, error)) {
            Result rollback(PQexec(pg, "ROLLBACK"));
            return false;
        }
        Result n(pg::exec(pg, u"SELECT count(*) FROM %1.pairs p WHERE %2"_s.arg(m_quotedSchema, t.where),
                          t.params));
        if (!n.ok())
            return fail(n.error());
        out->deletedPairs = n.number(0, 0);
    }
    Result commit(PQexec(pg, "COMMIT"));
    return true;
}

bool PgStorage::countDuplicates(const Filter &filter, Statistics *out, QString *error)
{
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return false;
    PGconn *pg = m_conn->pg;
    if (pg::hasDuplicateKeys(m_version)) {
        // The stored keys, counted by the server; rows without keys (a recorder's that PairLens has
        // not analysed, read by a role that may not analyse them) are keyed here instead, below.
        Result r(
            pg::exec(pg,
                     u"SELECT count(*) FILTER (WHERE p.exact_key IS NULL OR p.normalized_key IS NULL), "
                     "count(*) - count(DISTINCT p.exact_key), count(*) - count(DISTINCT p.normalized_key) "
                     "FROM %1.pairs p WHERE %2"_s.arg(m_quotedSchema, c.where),
                     c.params));
        if (!r.ok()) {
            *error = tr("Cannot count the duplicates in PostgreSQL: %1").arg(r.error());
            return false;
        }
        if (r.number(0, 0) == 0) {
            out->exactDuplicates = r.number(0, 1);
            out->normalizedDuplicates = r.number(0, 2);
            return true;
        }
    }
    // Streamed a row at a time (single-row mode): memory holds one batch and the keys.
    std::vector<const char *> values;
    for (const QByteArray &p : c.params)
        values.push_back(p.constData());
    const QByteArray sql =
        u"SELECT p.natural_language_query, p.sql_query, p.database_type FROM %1.pairs p WHERE %2"_s
            .arg(m_quotedSchema, c.where)
            .toUtf8();
    if (!PQsendQueryParams(pg, sql.constData(), int(values.size()), nullptr, values.data(), nullptr, nullptr,
                           0) ||
        !PQsetSingleRowMode(pg)) {
        *error = tr("Cannot count the duplicates in PostgreSQL: %1").arg(pg::message(PQerrorMessage(pg)));
        return false;
    }
    struct Row
    {
        QString question, sql, type;
        dupkeys::Key exact{0, 0}, normalized{0, 0};
    };
    constexpr size_t kBatch = 8192;
    std::vector<Row> rows;
    exporting::DedupeSet exact, normalized;
    qint64 exactCount = 0, normalizedCount = 0;
    QString failed;
    const auto fold = [&]() {
        // The keys of dataset/duplicatekeys.h, computed on all cores as for a dataset file.
        QtConcurrent::blockingMap(rows, [](Row &r) {
            r.exact = dupkeys::exactPairKey(r.question.toUtf8(), r.sql.toUtf8());
            r.normalized = dupkeys::normalizedPairKey(r.question, r.sql, r.type);
        });
        for (const Row &r : rows) {
            if (!exact.insert(r.exact))
                ++exactCount;
            if (!normalized.insert(r.normalized))
                ++normalizedCount;
        }
        rows.clear();
    };
    while (PGresult *res = PQgetResult(pg)) {
        Result r(res);
        const auto status = PQresultStatus(res);
        if (status == PGRES_SINGLE_TUPLE) {
            rows.push_back({r.text(0, 0), r.text(0, 1), r.text(0, 2)});
            if (rows.size() >= kBatch)
                fold();
        } else if (status != PGRES_TUPLES_OK && failed.isEmpty()) {
            failed = r.error();
        }
    }
    if (!failed.isEmpty()) {
        *error = tr("Cannot count the duplicates in PostgreSQL: %1").arg(failed);
        return false;
    }
    fold();
    out->exactDuplicates = exactCount;
    out->normalizedDuplicates = normalizedCount;
    return true;
}

namespace {

// A cursor over the pairs in one read-only REPEATABLE READ transaction: every FETCH sees the
// snapshot of the first, whatever recorders insert meanwhile.
class PgRowCursor final : public RowCursor
{
public:
    explicit PgRowCursor(PGconn *pg) : m_pg(pg) {}
    ~PgRowCursor() override
    {
        if (m_open)
            Result end(PQexec(m_pg, "ROLLBACK"));
    }

    bool start(const QString &sql, const QList<QByteArray> &params, QString *error)
    {
        Result begin(pg::exec(m_pg, u"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"_s));
        if (!begin.ok()) {
            *error = readError(begin.error());
            return false;
        }
        m_open = true;
        Result declare(pg::exec(m_pg, u"DECLARE pairlens_rows NO SCROLL CURSOR FOR "_s + sql, params));
        if (!declare.ok()) {
            *error = readError(declare.error());
            return false;
        }
        return true;
    }

    int fetch(int max, const std::function<void(const StoredRow &)> &row) override
    {
        if (m_done)
            return 0;
        Result r(PQexec(
            m_pg,
            QByteArray("FETCH FORWARD " + QByteArray::number(max) + " FROM pairlens_rows").constData()));
        if (!r.ok()) {
            m_error = readError(r.error());
            m_done = true;
            return 0;
        }
        const int n = r.rows();
        if (n < max)
            m_done = true;
        // Column order of the SELECT: the texts in StoredRow's order, then success,
        // execution_time_ms, id.
        StoredRow out;
        for (int i = 0; i < n; ++i) {
            for (int c = 0; c < 9; ++c)
                out.text[c] = QByteArrayView(PQgetvalue(r.res, i, c), PQgetlength(r.res, i, c));
            out.success = QByteArrayView(PQgetvalue(r.res, i, 9)) != "0";
            out.executionTimeMs = r.isNull(i, 10) ? -1 : r.real(i, 10);
            out.rowId = r.number(i, 11);
            row(out);
        }
        return n;
    }

    QString errorString() const override { return m_error; }

private:
    static QString readError(const QString &why)
    {
        return tr("Cannot read the pairs from PostgreSQL: %1")
            .arg(why.isEmpty() ? tr("the connection was lost") : why);
    }

    PGconn *m_pg;
    bool m_open = false;
    bool m_done = false;
    QString m_error;
};

} // namespace

std::unique_ptr<RowCursor> PgStorage::readRows(const Filter &filter, QString *error)
{
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return nullptr;
    auto cursor = std::make_unique<PgRowCursor>(m_conn->pg);
    const QString sql = u"SELECT p.pair_id, p.natural_language_query, p.sql_query, p.timestamp, "
                        "p.database_type, p.database_name, p.metadata, coalesce(p.query_type, ''), "
                        "coalesce(p.table_names, ''), p.success, p.execution_time_ms, p.id FROM %1.pairs p "
                        "WHERE %2 ORDER BY p.id"_s.arg(m_quotedSchema, c.where);
    if (!cursor->start(sql, c.params, error))
        return nullptr;
    return cursor;
}

} // namespace pairlens
