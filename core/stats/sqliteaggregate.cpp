#include "stats/sqliteaggregate.h"

#include "privacy/piikind.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace pairlens::stats {
namespace {

// A small open-addressing table keyed by short byte strings with a cheap FNV-1a hash: the
// aggregate does several lookups per row, where QHash's seeded hash dominated the profile.
template <typename T> class FlatTable
{
public:
    FlatTable() : m_slots(64) {}

    // The value for the bytes, created (key copied) the first time they are seen.
    T &operator()(const char *p, int n)
    {
        const quint32 h = hash(p, n);
        for (quint32 i = h & mask();; i = (i + 1) & mask()) {
            Slot &s = m_slots[i];
            if (!s.used) {
                if (m_size * 2 >= m_slots.size()) {
                    grow();
                    return (*this)(p, n);
                }
                s.used = true;
                s.hash = h;
                s.key = QByteArray(p, n);
                ++m_size;
                return s.value;
            }
            if (s.hash == h && s.key.size() == n && std::memcmp(s.key.constData(), p, size_t(n)) == 0)
                return s.value;
        }
    }

    template <typename F> void forEach(F f) const
    {
        for (const Slot &s : m_slots) {
            if (s.used)
                f(s.key, s.value);
        }
    }

private:
    struct Slot
    {
        QByteArray key;
        T value{};
        quint32 hash = 0;
        bool used = false;
    };
    static quint32 hash(const char *p, int n)
    {
        quint32 h = 2166136261u;
        for (int i = 0; i < n; ++i)
            h = (h ^ quint8(p[i])) * 16777619u;
        return h;
    }
    quint32 mask() const { return quint32(m_slots.size() - 1); }
    void grow()
    {
        std::vector<Slot> old(m_slots.size() * 2);
        old.swap(m_slots);
        m_size = 0;
        for (Slot &s : old) {
            if (!s.used)
                continue;
            for (quint32 i = s.hash & mask();; i = (i + 1) & mask()) {
                if (!m_slots[i].used) {
                    m_slots[i] = std::move(s);
                    ++m_size;
                    break;
                }
            }
        }
    }

    std::vector<Slot> m_slots;
    qsizetype m_size = 0;
};

// Everything the aggregate counts. Keys stay raw UTF-8 bytes until the end.
struct Accumulator
{
    qint64 total = 0;
    qint64 successful = 0;
    FlatTable<qint64> queryTypes, databaseTypes, databaseNames;
    qint64 review[3] = {0, 0, 0};
    QHash<qint64, qint64> masks;
    qint64 unscanned = 0;
    double questionChars = 0, sqlChars = 0;
    QByteArray firstTs, lastTs;
    FlatTable<DayCount> days;
    QHash<int, qint64> questionLengths, sqlLengths;
    qint64 timed = 0;
    double timeSum = 0, timeMin = 0, timeMax = 0;
    QHash<QByteArray, int> tableIds; // lower-cased name -> index below
    QList<QByteArray> tableNames;    // first spelling seen
    QList<qint64> tableCounts;
    FlatTable<QList<int>> parsedTables; // table_names text -> table indexes
    QHash<double, qint64> times;        // execution time -> pairs, for percentiles under a filter
    bool collectTimes = false;
};

// The query's accumulator: set by aggregateInOnePass() for the one statement it runs.
struct Context
{
    std::unique_ptr<Accumulator> acc;
};

void count(FlatTable<qint64> &table, sqlite3_value *v)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(v));
    ++table(p ? p : "", p ? sqlite3_value_bytes(v) : 0);
}

// The distinct table names (ignoring ASCII case, as the pair_tables index does) of a JSON array
// text such as ["a","B"], as indexes into Accumulator::tableNames.
QList<int> parseTables(Accumulator &a, const QByteArray &json)
{
    QList<QByteArray> names;
    if (json.contains('\\')) { // escapes: let the JSON parser do it
        for (const QJsonValue &e : QJsonDocument::fromJson(json).array())
            names << e.toString().toUtf8();
    } else {
        for (qsizetype i = json.indexOf('"'); i >= 0;) {
            const qsizetype end = json.indexOf('"', i + 1);
            if (end < 0)
                break;
            names << json.mid(i + 1, end - i - 1);
            i = json.indexOf('"', end + 1);
        }
    }
    QList<int> ids;
    for (const QByteArray &name : names) {
        const QByteArray key = name.toLower();
        auto it = a.tableIds.find(key);
        if (it == a.tableIds.end()) {
            it = a.tableIds.insert(key, int(a.tableNames.size()));
            a.tableNames << name;
            a.tableCounts << 0;
        }
        if (!ids.contains(it.value()))
            ids << it.value();
    }
    return ids;
}

// Table names repeat: each distinct table_names text is parsed once.
void countTables(Accumulator &a, sqlite3_value *v)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(v));
    const int n = sqlite3_value_bytes(v);
    if (!p || n <= 2)
        return;
    QList<int> &ids = a.parsedTables(p, n);
    if (ids.isEmpty()) {
        ids = parseTables(a, QByteArray(p, n));
        if (ids.isEmpty())
            ids << -1; // parsed: no names
    }
    for (int id : ids) {
        if (id >= 0)
            ++a.tableCounts[id];
    }
}

// pairlens_stats(query_type, database_type, database_name, success, review_status, pii_mask, ts,
//                question_length, sql_length, execution_time_ms, table_names)
void step(sqlite3_context *ctx, int, sqlite3_value **argv)
{
    auto *c = static_cast<Context *>(sqlite3_user_data(ctx));
    Accumulator &a = *c->acc;
    ++a.total;
    const bool ok = sqlite3_value_int(argv[3]) != 0;
    a.successful += ok;
    count(a.queryTypes, argv[0]);
    count(a.databaseTypes, argv[1]);
    count(a.databaseNames, argv[2]);
    const int review = sqlite3_value_int(argv[4]);
    ++a.review[review == 1 || review == 2 ? review : 0];
    if (sqlite3_value_type(argv[5]) == SQLITE_NULL)
        ++a.unscanned;
    else
        ++a.masks[sqlite3_value_int64(argv[5])];
    if (sqlite3_value_type(argv[6]) != SQLITE_NULL) {
        const auto *ts = reinterpret_cast<const char *>(sqlite3_value_text(argv[6]));
        const int len = sqlite3_value_bytes(argv[6]);
        const QByteArray t = QByteArray::fromRawData(ts, len);
        if (a.firstTs.isEmpty() || t < a.firstTs)
            a.firstTs = QByteArray(ts, len);
        if (t > a.lastTs)
            a.lastTs = QByteArray(ts, len);
        DayCount &d = a.days(ts, std::min(len, 10));
        ++d.pairs;
        d.failed += !ok;
    }
    const int ql = sqlite3_value_int(argv[7]), sl = sqlite3_value_int(argv[8]);
    a.questionChars += ql;
    a.sqlChars += sl;
    ++a.questionLengths[ql];
    ++a.sqlLengths[sl];
    if (sqlite3_value_type(argv[9]) != SQLITE_NULL) {
        const double t = sqlite3_value_double(argv[9]);
        a.timeMin = a.timed ? std::min(a.timeMin, t) : t;
        a.timeMax = a.timed ? std::max(a.timeMax, t) : t;
        a.timeSum += t;
        ++a.timed;
        if (a.collectTimes)
            ++a.times[t];
    }
    countTables(a, argv[10]);
}

void final(sqlite3_context *ctx)
{
    auto *c = static_cast<Context *>(sqlite3_user_data(ctx));
    sqlite3_result_int64(ctx, c->acc->total);
}

QMap<QString, qint64> toMap(const FlatTable<qint64> &table)
{
    QMap<QString, qint64> m;
    table.forEach([&m](const QByteArray &key, qint64 n) { m[QString::fromUtf8(key)] += n; });
    return m;
}

QDate bucketStart(QDate day, Statistics::Granularity g)
{
    switch (g) {
    case Statistics::Granularity::Day:
        return day;
    case Statistics::Granularity::Week:
        return day.addDays(1 - day.dayOfWeek());
    case Statistics::Granularity::Month:
        return QDate(day.year(), day.month(), 1);
    }
    return day;
}

QDate nextBucket(QDate start, Statistics::Granularity g)
{
    switch (g) {
    case Statistics::Granularity::Day:
        return start.addDays(1);
    case Statistics::Granularity::Week:
        return start.addDays(7);
    case Statistics::Granularity::Month:
        return start.addMonths(1);
    }
    return start.addDays(1);
}

} // namespace

void setTimeline(Statistics *out, const QMap<QDate, DayCount> &days)
{
    out->timeline.clear();
    if (days.isEmpty())
        return;
    // At most ~60 buckets: days up to two months, weeks up to ~14 months, then months.
    const qint64 span = days.firstKey().daysTo(days.lastKey()) + 1;
    const auto g = span <= 62       ? Statistics::Granularity::Day
                   : span <= 7 * 60 ? Statistics::Granularity::Week
                                    : Statistics::Granularity::Month;
    out->timelineGranularity = g;
    const QDate last = bucketStart(days.lastKey(), g);
    for (QDate d = bucketStart(days.firstKey(), g); d <= last; d = nextBucket(d, g))
        out->timeline.append({d, 0, 0});
    qsizetype i = 0;
    for (auto it = days.constBegin(); it != days.constEnd(); ++it) {
        const QDate start = bucketStart(it.key(), g);
        while (out->timeline.at(i).start < start)
            ++i;
        out->timeline[i].pairs += it.value().pairs;
        out->timeline[i].failed += it.value().failed;
    }
}

QList<Statistics::HistogramBin> binLengths(const QMap<int, qint64> &counts)
{
    const QList<int> &edges = lengthBinEdges();
    QList<Statistics::HistogramBin> bins;
    for (qsizetype i = 0; i < edges.size(); ++i)
        bins.append({edges.at(i), i + 1 < edges.size() ? edges.at(i + 1) - 1 : -1, 0});
    for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
        const auto upper = std::upper_bound(edges.cbegin(), edges.cend(), std::max(0, it.key()));
        bins[std::max<qsizetype>(0, upper - edges.cbegin() - 1)].pairs += it.value();
    }
    return bins;
}

void setPiiKinds(Statistics *out, const QHash<qint64, qint64> &masks)
{
    out->piiKinds.clear();
    out->pairsWithPii = 0;
    for (PiiKind kind : allPiiKinds())
        out->piiKinds[piiKindName(kind)] = 0;
    for (auto it = masks.constBegin(); it != masks.constEnd(); ++it) {
        if (it.key() != 0)
            out->pairsWithPii += it.value();
        for (PiiKind kind : allPiiKinds()) {
            if (it.key() & qint64(kind))
                out->piiKinds[piiKindName(kind)] += it.value();
        }
    }
}

void setTables(Statistics *out, QList<Statistics::Count> tables)
{
    out->uniqueTables = tables.size();
    std::sort(tables.begin(), tables.end(), [](const Statistics::Count &a, const Statistics::Count &b) {
        return a.count != b.count ? a.count > b.count : a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    out->topTables = tables.mid(0, Statistics::kTopTables);
}

bool aggregateInOnePass(QSqlDatabase &db, const QString &where, const QVariantList &bindings, bool live,
                        bool percentiles, Statistics *out, QString *error)
{
    if (!db.driver() || db.driverName() != u"QSQLITE"_s)
        return false;
    const QVariant handle = db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return false;
    sqlite3 *sqlite = *static_cast<sqlite3 *const *>(handle.constData());
    if (!sqlite)
        return false;
    Context context;
    context.acc = std::make_unique<Accumulator>();
    context.acc->collectTimes = percentiles;
    if (sqlite3_create_function_v2(sqlite, "pairlens_stats", 11, SQLITE_UTF8, &context, nullptr, step, final,
                                   nullptr) != SQLITE_OK)
        return false;
    bool ok = true;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        // Without ANALYZE data SQLite tends to scan a small non-covering index and look every row
        // up in the table; the covering pairs_stats index (live pairs only) is the right one.
        QString indexed;
        if (live && q.exec(u"SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'pairs_stats'"_s) &&
            q.next())
            indexed = u" INDEXED BY pairs_stats"_s;
        q.finish();
        ok = q.prepare(u"SELECT pairlens_stats(coalesce(p.query_type, ''), p.database_type, p.database_name, "
                       "p.success, p.review_status, p.pii_mask, p.ts, p.question_length, p.sql_length, "
                       "p.execution_time_ms, p.table_names) FROM pairs p"_s +
                       indexed + u" WHERE "_s + where);
        for (const QVariant &v : bindings)
            q.addBindValue(v);
        ok = ok && q.exec() && q.next();
        if (!ok)
            *error = q.lastError().text();
    }
    // The function refers to this stack frame: unregister it before returning.
    sqlite3_create_function_v2(sqlite, "pairlens_stats", 11, SQLITE_UTF8, nullptr, nullptr, nullptr, nullptr,
                               nullptr);
    if (!ok)
        return true;

    const Accumulator &a = *context.acc;
    out->totalPairs = a.total;
    out->successfulPairs = a.successful;
    out->failedPairs = a.total - a.successful;
    out->queryTypes = toMap(a.queryTypes);
    out->databaseTypes = toMap(a.databaseTypes);
    out->databaseNames = toMap(a.databaseNames);
    out->unreviewedPairs = a.review[0];
    out->approvedPairs = a.review[1];
    out->rejectedPairs = a.review[2];
    out->unscannedPairs = a.unscanned;
    setPiiKinds(out, a.masks);
    if (a.total > 0) {
        out->avgQuestionLength = a.questionChars / double(a.total);
        out->avgSqlLength = a.sqlChars / double(a.total);
    }
    out->firstTimestamp = QString::fromUtf8(a.firstTs);
    out->lastTimestamp = QString::fromUtf8(a.lastTs);
    QMap<QDate, DayCount> days;
    a.days.forEach([&days](const QByteArray &key, const DayCount &n) {
        const QDate d = QDate::fromString(QString::fromLatin1(key), Qt::ISODate);
        if (d.isValid()) {
            days[d].pairs += n.pairs;
            days[d].failed += n.failed;
        }
    });
    setTimeline(out, days);
    QMap<int, qint64> ql, sl;
    for (auto it = a.questionLengths.constBegin(); it != a.questionLengths.constEnd(); ++it)
        ql.insert(it.key(), it.value());
    for (auto it = a.sqlLengths.constBegin(); it != a.sqlLengths.constEnd(); ++it)
        sl.insert(it.key(), it.value());
    out->questionLengths = binLengths(ql);
    out->sqlLengths = binLengths(sl);
    out->executionTime.count = a.timed;
    if (a.timed) {
        out->executionTime.min = a.timeMin;
        out->executionTime.max = a.timeMax;
        out->executionTime.avg = a.timeSum / double(a.timed);
    }
    QList<Statistics::Count> tables;
    for (qsizetype i = 0; i < a.tableNames.size(); ++i) {
        if (a.tableCounts.at(i) > 0)
            tables.append({QString::fromUtf8(a.tableNames.at(i)), a.tableCounts.at(i)});
    }
    setTables(out, tables);
    if (a.collectTimes && a.timed) {
        // Exact nearest-rank percentiles from the value counts of this pass.
        QList<std::pair<double, qint64>> values;
        values.reserve(a.times.size());
        for (auto it = a.times.constBegin(); it != a.times.constEnd(); ++it)
            values.append({it.key(), it.value()});
        std::sort(values.begin(), values.end());
        const std::pair<double, double *> ranks[] = {{0.50, &out->executionTime.p50},
                                                     {0.90, &out->executionTime.p90},
                                                     {0.99, &out->executionTime.p99}};
        for (const auto &[fraction, target] : ranks) {
            const qint64 rank = std::clamp<qint64>(qint64(std::ceil(fraction * double(a.timed))), 1, a.timed);
            qint64 seen = 0;
            for (const auto &[value, n] : values) {
                seen += n;
                if (seen >= rank) {
                    *target = value;
                    break;
                }
            }
        }
    }
    return true;
}

} // namespace pairlens::stats
