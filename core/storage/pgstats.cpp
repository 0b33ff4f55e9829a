// PgStorage's statistics and duplicate counts (issue 18): the numbers of `pairlens stats` and the
// window's statistics tab as SQL aggregates over the schema, as a dataset file computes them
// (stats/accumulator.h). The grouping-sets scan, the largest part, is split between two
// connections that read one exported snapshot.
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include "dataset/duplicatekeys.h"
#include "export/dedupeset.h"
#include "stats/accumulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <map>
#include <vector>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

namespace {

// The breakdowns of the statistics, one grouping set each, in one scan of the matching pairs, every
// set hashed. An aggregate is computed for every set, so the sets have count(*) alone: the sums,
// extremes and percentiles come from their counts, the first and last times from the pairs_live_ts
// index within the first and last days, and a table's spelling from its texts' first pairs, read
// only for the texts of tables spelt more than one way.
enum Breakdown
{
    Combination, // statement type, database type, success, PII kinds: the sums
    QuestionLength,
    SqlLength,
    DatabaseName,
    Day,           // the pairs per day, split by success
    ExecutionTime, // each distinct time: count, sum, extremes and percentiles
    TableNames,    // each distinct table_names text
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
    "p.table_names",
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

// The texts that name a table spelt another way somewhere (`Orders` here, `orders` there): only
// their order decides how a table is spelt, so only their first pairs are read.
QList<qsizetype> textsOfRespelledTables(const QList<TableNamesText> &texts)
{
    QHash<QByteArray, QString> spelling; // lower-cased name -> the first spelling met
    QSet<QByteArray> respelled;
    QList<QList<QByteArray>> keys(texts.size());
    for (qsizetype i = 0; i < texts.size(); ++i) {
        for (const QJsonValue &v : QJsonDocument::fromJson(texts[i].json.toUtf8()).array()) {
            const QString name = v.toString();
            const QByteArray key = name.toUtf8().toLower();
            const auto known = spelling.constFind(key);
            if (known == spelling.cend())
                spelling.insert(key, name);
            else if (known.value() != name)
                respelled.insert(key);
            keys[i].append(key);
        }
    }
    QList<qsizetype> out;
    for (qsizetype i = 0; i < texts.size(); ++i) {
        if (std::any_of(keys[i].cbegin(), keys[i].cend(),
                        [&](const QByteArray &k) { return respelled.contains(k); }))
            out.append(i);
    }
    return out;
}

// The smallest text above every text that starts with `prefix` when one is easily had (an ASCII
// prefix whose last character can be raised), else empty: the bound of the last day's walk.
QByteArray afterPrefix(QByteArray prefix)
{
    if (prefix.isEmpty() || std::any_of(prefix.cbegin(), prefix.cend(), [](char ch) { return ch & 0x80; }) ||
        prefix.back() >= 0x7e)
        return {};
    ++prefix.back();
    return prefix;
}

} // namespace

namespace {
std::atomic<qint64> g_splitBlocks = 4096; // 32 MiB of pairs, some 80,000
} // namespace

void PgStorage::setStatisticsSplitBlocks(qint64 blocks)
{
    g_splitBlocks = blocks;
}

// A second connection for half of the statistics' scan, opened on first use and kept; null when
// none can be had (the whole scan then runs on the first connection).
pg_conn *PgStorage::helperConnection()
{
    if (m_helper && PQstatus(m_helper->pg) == CONNECTION_OK)
        return m_helper->pg;
    m_helper = std::make_unique<Conn>();
    m_helper->where = m_conn->where;
    m_helper->cancelKeys = m_cancelKeys;
    m_helper->cancelSlot = pg::CancelKeys::Helper;
    QString why;
    if (!m_helper->connect(m_conninfo, &why)) {
        m_helper.reset();
        return nullptr;
    }
    return m_helper->pg;
}

bool PgStorage::statistics(const Filter &filter, Statistics *out, QString *error)
{
    *out = Statistics();
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return false;
    PGconn *pg = m_conn->pg;
    PGconn *helper = nullptr; // while set: in a transaction on the first connection's snapshot
    const auto endHelper = [&]() {
        if (!helper)
            return;
        while (PGresult *rest = PQgetResult(helper))
            PQclear(rest);
        PQclear(PQexec(helper, "ROLLBACK"));
        helper = nullptr;
    };
    const auto fail = [&](const QString &why) {
        endHelper();
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
    const char settings[] = "SET LOCAL work_mem = '64MB'; SET LOCAL enable_sort = off";
    {
        Result set(PQexec(pg, settings));
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
        "p.question_length, p.sql_length, p.database_name, p.day, p.execution_time_ms, p.table_names"_s.arg(
            review);
    const auto scan = [&](const QString &blocks) {
        return u"SELECT GROUPING(%1), %1, count(*) "
               "FROM (SELECT p.*, substr(p.ts, 1, 10) AS day FROM %2.pairs p WHERE %3%5 OFFSET 0) p "
               "GROUP BY GROUPING SETS (%4)"_s.arg(keys, m_quotedSchema, c.where, sets.join(u", "_s), blocks);
    };
    // PostgreSQL runs no grouping sets in parallel: on a large table the scan is split by the
    // table's blocks (a TID range scan each) between this connection and a second one that reads
    // this transaction's exported snapshot. The counts of the two halves add up.
    QString here, there;
    QList<QByteArray> params = c.params; // of the statement at hand: the filter's, then its own
    // Sends `sql` (with the filter's parameters) to the second connection; false when it cannot.
    const auto sendThere = [&](const QString &sql) {
        std::vector<const char *> values;
        for (const QByteArray &v : params)
            values.push_back(v.constData());
        return PQsendQueryParams(helper, sql.toUtf8().constData(), int(values.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0) == 1;
    };
    // The second connection's answer to `sql`, or `sql` run on this one when that failed (a dropped
    // connection, a server that refuses a second one). The caller owns the result.
    const auto takeThere = [&](const QString &sql) -> PGresult * {
        if (helper) {
            PGresult *res = PQgetResult(helper);
            while (PGresult *more = PQgetResult(helper))
                PQclear(more);
            const auto status = PQresultStatus(res);
            if (res && status == PGRES_TUPLES_OK)
                return res;
            PQclear(res);
            endHelper();
        }
        return pg::exec(pg, sql, params);
    };
    {
        Result size(pg::exec(pg,
                             u"SELECT pg_export_snapshot(), "
                             "pg_relation_size($1::regclass) / current_setting('block_size')::bigint"_s,
                             {(m_quotedSchema + u".pairs"_s).toUtf8()}));
        if (!size.ok())
            return fail(size.error());
        const qint64 blocks = size.number(0, 1);
        if (blocks >= g_splitBlocks.load() && (helper = helperConnection())) {
            const qint64 split = blocks / 2;
            here = u" AND p.ctid < '(%1,0)'::tid"_s.arg(split);
            there = u" AND p.ctid >= '(%1,0)'::tid"_s.arg(split);
            const QByteArray start =
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '" +
                QByteArray(PQgetvalue(size.res, 0, 0)) + "'; " + settings;
            Result begun(PQexec(helper, start.constData()));
            if (!begun.ok() || !sendThere(scan(there)))
                endHelper(); // this connection reads both halves instead
        }
    }
    const int keyCount = 11;
    // Columns: 0 GROUPING(), 1-5 the combination, 6 question length, 7 SQL length, 8 database name,
    // 9 day (with 3, the success), 10 execution time, 11 table_names, 12 the count.
    constexpr int kKeyColumn[kBreakdowns] = {1, 6, 7, 8, 9, 10, 11};
    constexpr int kCount = 12;
    double qlen = 0, slen = 0, etime = 0;
    QHash<qint64, qint64> masks;
    QMap<int, qint64> questionLengths, sqlLengths;
    QHash<QByteArray, qint64> tableNameCounts; // table_names text -> pairs
    QByteArray firstDay, lastDay;              // the extreme day texts of the pairs (C order)
    QMap<QDate, stats::DayCount> days;
    std::map<double, qint64> times;
    const auto fold = [&](const Result &r) {
        const auto grouped = [&](int row, Breakdown b) {
            const int bit = keyCount - kKeyColumn[b]; // GROUPING()'s last argument is its lowest bit
            return (r.number(row, 0) & (qint64(1) << bit)) == 0;
        };
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
                out->databaseNames[r.text(i, 8)] += n;
            } else if (grouped(i, Day)) {
                if (!r.isNull(i, 9)) {
                    const QByteArray text(PQgetvalue(r.res, i, 9));
                    if (!text.isEmpty() && (firstDay.isEmpty() || text < firstDay))
                        firstDay = text;
                    if (text > lastDay)
                        lastDay = text;
                }
                const QDate day = r.isNull(i, 9) ? QDate() : QDate::fromString(r.text(i, 9), Qt::ISODate);
                if (day.isValid()) {
                    days[day].pairs += n;
                    if (r.text(i, 3) != u"t"_s)
                        days[day].failed += n;
                }
            } else if (grouped(i, ExecutionTime)) {
                if (!r.isNull(i, 10))
                    times[r.real(i, 10)] += n;
            } else if (grouped(i, TableNames)) {
                if (!r.isNull(i, 11))
                    tableNameCounts[QByteArray(PQgetvalue(r.res, i, 11))] += n;
            }
        }
    };
    // Runs `query` over this connection's half of the blocks (all of them when not split), then takes
    // the other half's answer, folding each; false after fail().
    const auto readHalves = [&](const std::function<QString(const QString &)> &query,
                                const std::function<void(const Result &)> &take) {
        {
            Result r(pg::exec(pg, query(here), params));
            if (!r.ok())
                return fail(r.error());
            take(r);
        }
        if (!there.isEmpty()) {
            Result r(takeThere(query(there)));
            if (!r.ok())
                return fail(r.error());
            take(r);
        }
        return true;
    };
    if (!readHalves(scan, fold))
        return false;
    // 2. The first and last times: the smallest time is in the smallest day text, the largest in the
    //    largest (texts in C order), so each is the end of a walk of pairs_live_ts over one day.
    QList<TableNamesText> tableNames;
    for (auto t = tableNameCounts.cbegin(); t != tableNameCounts.cend(); ++t)
        tableNames.append({{}, QString::fromUtf8(t.key()), t.value()});
    if (!firstDay.isEmpty()) {
        const QString n = QString::number(c.params.size() + 1), ts = u"p.ts COLLATE \"C\""_s;
        const QByteArray after = afterPrefix(lastDay);
        params = c.params;
        params << firstDay << lastDay;
        if (!after.isEmpty())
            params << after;
        const QString walk =
            u"(SELECT p.ts FROM %1.pairs p WHERE %2 AND %3 >= $%4%5 ORDER BY %3 %6 LIMIT 1)"_s;
        Result r(pg::exec(
            pg,
            u"SELECT "_s + walk.arg(m_quotedSchema, c.where, ts, n, QString(), u"ASC"_s) + u", "_s +
                walk.arg(m_quotedSchema, c.where, ts, QString::number(c.params.size() + 2),
                         after.isEmpty() ? QString() : u" AND %1 < $%2"_s.arg(ts).arg(c.params.size() + 3),
                         u"DESC"_s),
            params));
        if (!r.ok())
            return fail(r.error());
        out->firstTimestamp = r.text(0, 0);
        out->lastTimestamp = r.text(0, 1);
    }
    // 3. A table spelt more than one way is spelt as in the first pair (by time, then row) that names
    //    it: the first pairs of the texts that name such a table, split as the scan is (the first of
    //    a text is the earlier of both halves').
    if (const QList<qsizetype> respelled = textsOfRespelledTables(tableNames); !respelled.isEmpty()) {
        QHash<QString, qsizetype> index;
        QList<QByteArray> texts;
        for (const qsizetype i : respelled) {
            index.insert(tableNames[i].json, i);
            texts.append(tableNames[i].json.toUtf8());
        }
        params = c.params;
        params << pg::textArray(texts);
        const auto firsts = [&](const QString &blocks) {
            return u"SELECT p.table_names, min((coalesce(p.ts, '') || chr(1) || lpad(p.id::text, 20, '0')) "
                   "COLLATE \"C\") FROM %1.pairs p WHERE %2 AND p.table_names = ANY($%3::text[])%4 GROUP BY 1"_s
                       .arg(m_quotedSchema, c.where, QString::number(params.size()), blocks);
        };
        const auto foldFirsts = [&](const Result &t) {
            for (int i = 0; i < t.rows(); ++i) {
                TableNamesText &text = tableNames[index.value(t.text(i, 0))];
                const QByteArray first(PQgetvalue(t.res, i, 1));
                if (text.first.isEmpty() || first < text.first)
                    text.first = first;
            }
        };
        if (helper && !sendThere(firsts(there)))
            endHelper();
        if (!readHalves(firsts, foldFirsts))
            return false;
    }
    endHelper();
    // 4. The execution times in order: count, sum, extremes, and the nearest-rank percentiles (the
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

    // 5. The trash: the same filter over deleted pairs, as a dataset file counts it.
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
    QString why;
    if (!pg::send(
            pg,
            u"SELECT p.natural_language_query, p.sql_query, p.database_type FROM %1.pairs p WHERE %2"_s.arg(
                m_quotedSchema, c.where),
            c.params, &why) ||
        !PQsetSingleRowMode(pg)) {
        *error = tr("Cannot count the duplicates in PostgreSQL: %1")
                     .arg(why.isEmpty() ? pg::message(PQerrorMessage(pg)) : why);
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

} // namespace pairlens
