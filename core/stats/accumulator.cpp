#include "stats/accumulator.h"

#include "privacy/piikind.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <string_view>

using namespace Qt::StringLiterals;

namespace pairlens::stats {
namespace {

// Lengths below this are counted in a flat array, longer ones in a map.
constexpr int kDirectLengths = 1 << 16;

// The text of a value: "" for NULL.
const char *text(sqlite3_value *v, int *length)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(v));
    *length = p ? sqlite3_value_bytes(v) : 0;
    return p ? p : "";
}

// Where glibc picks its AVX-512 string functions (SQLite copies every text column it hands us with
// memcpy()), the vector registers are left with dirty upper halves, and the legacy-SSE code that
// runs next (ours, and SQLite's sqlite3_value_double()) pays for it on every instruction: measured
// on the reference machine, 40% of the scan's time (the same run with GLIBC_TUNABLES hiding
// AVX-512 from glibc, or with this, was that much faster). VZEROUPPER at the start of each row
// clears the upper halves where the CPU has AVX; the registers are declared clobbered, so nothing
// the compiler keeps in them lives across it.
inline void clearUpperVectorState()
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    static const bool avx = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx") != 0;
    }();
    if (avx)
        asm volatile("vzeroupper" ::
                         : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                           "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#endif
}

QMap<int, qint64> toMap(const std::vector<qint64> &direct, const QMap<int, qint64> &rest)
{
    QMap<int, qint64> m = rest;
    for (size_t i = 0; i < direct.size(); ++i) {
        if (direct[i])
            m[int(i)] += direct[i];
    }
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

void setAveragesAndPiiKinds(Statistics *out, double questionLengths, double sqlLengths, double executionTimes,
                            const QHash<qint64, qint64> &masks)
{
    if (out->totalPairs > 0) {
        out->avgQuestionLength = questionLengths / double(out->totalPairs);
        out->avgSqlLength = sqlLengths / double(out->totalPairs);
    }
    if (out->executionTime.count > 0)
        out->executionTime.avg = executionTimes / double(out->executionTime.count);
    setPiiKinds(out, masks);
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

StatsAccumulator::StatsAccumulator(qint64 timeLimit, bool ordered)
    : m_timeLimit(timeLimit), m_ordered(ordered), m_timeSums(1)
{
    // Address space only (the allocator maps a block this large, and pages are touched as times
    // arrive): the times are never copied as the vector grows, nor when another's are merged.
    m_times.reserve(size_t(timeLimit));
}

// True when this combination's first pair comes before the given one in ts order.
bool StatsAccumulator::Combination::before(bool otherHasTs, const char *otherTs, int length,
                                           qint64 otherPosition) const
{
    if (hasTs != otherHasTs)
        return !hasTs;
    if (hasTs) {
        if (const int c = bytes::compare(ts.data(), int(ts.size()), otherTs, length))
            return c < 0;
    }
    return position < otherPosition;
}

void StatsAccumulator::beginChunk(int chunk)
{
    m_chunk = chunk;
    m_rowInChunk = 0;
    if (m_timeSums.size() <= size_t(chunk))
        m_timeSums.resize(size_t(chunk) + 1);
}

void StatsAccumulator::countLength(std::vector<qint64> &direct, QMap<int, qint64> &rest, int length)
{
    if (size_t(unsigned(length)) < direct.size()) {
        ++direct[size_t(length)];
    } else if (length >= 0 && length < kDirectLengths) {
        direct.resize(
            std::max<size_t>(size_t(length) + 1, std::min<size_t>(kDirectLengths, direct.size() * 2)));
        ++direct[size_t(length)];
    } else {
        ++rest[length];
    }
}

void StatsAccumulator::addTs(const char *ts, int length, bool ok)
{
    // The smallest non-empty ts (in ts order an empty one would come first).
    if (length > 0 &&
        (m_firstTs.empty() || bytes::compare(ts, length, m_firstTs.data(), int(m_firstTs.size())) < 0))
        bytes::copy(m_firstTs, ts, length);
    if (bytes::compare(ts, length, m_lastTs.data(), int(m_lastTs.size())) > 0)
        bytes::copy(m_lastTs, ts, length);
    // Rows come in ts order: the day is nearly always the previous row's.
    const int n = std::min(length, 10);
    if (n != m_lastDayLength || !bytes::equal(ts, m_lastDay, n)) {
        m_lastDayIndex = m_days.indexOf(&ts, &n);
        std::copy(ts, ts + n, m_lastDay);
        m_lastDayLength = n;
    }
    DayCount &d = m_days.at(m_lastDayIndex);
    ++d.pairs;
    d.failed += !ok;
}

void StatsAccumulator::add(sqlite3_value **argv)
{
    clearUpperVectorState();
    ++m_total;
    ++m_rowInChunk;
    const bool ok = sqlite3_value_int(argv[3]) != 0;
    m_successful += ok;
    const char *parts[4];
    int lengths[4];
    parts[0] = text(argv[0], &lengths[0]);
    parts[1] = text(argv[1], &lengths[1]);
    parts[2] = text(argv[2], &lengths[2]);
    parts[3] = text(argv[10], &lengths[3]);
    const auto *ts = reinterpret_cast<const char *>(sqlite3_value_text(argv[6]));
    const int tsLength = ts ? sqlite3_value_bytes(argv[6]) : 0;
    const qint64 position = (qint64(m_chunk) << 40) | m_rowInChunk;
    bool created = false;
    Combination &c = m_combinations.at(m_combinations.indexOf(parts, lengths, &created));
    ++c.pairs;
    if (created || (!m_ordered && !c.before(ts != nullptr, ts, tsLength, position))) {
        // The first pair with these values in ts order so far.
        c.hasTs = ts != nullptr;
        bytes::copy(c.ts, ts ? ts : "", tsLength);
        c.position = position;
    }
    const int review = sqlite3_value_int(argv[4]);
    ++m_review[review == 1 || review == 2 ? review : 0];
    if (sqlite3_value_type(argv[5]) == SQLITE_NULL) {
        ++m_unscanned;
    } else {
        const qint64 mask = sqlite3_value_int64(argv[5]);
        if (quint64(mask) < std::size(m_masks))
            ++m_masks[mask];
        else
            ++m_otherMasks[mask];
    }
    if (ts)
        addTs(ts, tsLength, ok);
    const int ql = sqlite3_value_int(argv[7]), sl = sqlite3_value_int(argv[8]);
    m_questionChars += ql;
    m_sqlChars += sl;
    countLength(m_questionLengths, m_otherQuestionLengths, ql);
    countLength(m_sqlLengths, m_otherSqlLengths, sl);
    if (sqlite3_value_type(argv[9]) != SQLITE_NULL) {
        const double t = sqlite3_value_double(argv[9]);
        m_timeMin = m_timed ? std::min(m_timeMin, t) : t;
        m_timeMax = m_timed ? std::max(m_timeMax, t) : t;
        m_timeSums[size_t(m_chunk)] += t;
        ++m_timed;
        if (m_timesDropped) {
        } else if (qint64(m_times.size()) < m_timeLimit) {
            m_times.push_back(t);
        } else if (m_timeLimit > 0) {
            m_timesDropped = true; // percentiles can no longer be exact from here: free the memory
            std::vector<double>().swap(m_times);
        }
    }
}

void StatsAccumulator::merge(const StatsAccumulator &other)
{
    m_total += other.m_total;
    m_successful += other.m_successful;
    for (const auto &e : other.m_combinations.entries()) {
        const char *parts[4] = {e.part(0), e.part(1), e.part(2), e.part(3)};
        bool created = false;
        Combination &c = m_combinations.at(m_combinations.indexOf(parts, e.lengths, &created));
        const qint64 pairs = c.pairs + e.value.pairs;
        if (created || e.value.before(c.hasTs, c.ts.data(), int(c.ts.size()), c.position))
            c = e.value;
        c.pairs = pairs;
    }
    for (int i = 0; i < 3; ++i)
        m_review[i] += other.m_review[i];
    for (size_t i = 0; i < std::size(m_masks); ++i)
        m_masks[i] += other.m_masks[i];
    for (auto it = other.m_otherMasks.constBegin(); it != other.m_otherMasks.constEnd(); ++it)
        m_otherMasks[it.key()] += it.value();
    m_unscanned += other.m_unscanned;
    m_questionChars += other.m_questionChars;
    m_sqlChars += other.m_sqlChars;
    if (!other.m_firstTs.empty() && (m_firstTs.empty() || other.m_firstTs < m_firstTs))
        m_firstTs = other.m_firstTs;
    if (other.m_lastTs > m_lastTs)
        m_lastTs = other.m_lastTs;
    for (const auto &e : other.m_days.entries()) {
        const char *key = e.key.data();
        DayCount &d = m_days.at(m_days.indexOf(&key, e.lengths));
        d.pairs += e.value.pairs;
        d.failed += e.value.failed;
    }
    auto mergeLengths = [](std::vector<qint64> &into, const std::vector<qint64> &from) {
        if (into.size() < from.size())
            into.resize(from.size());
        for (size_t i = 0; i < from.size(); ++i)
            into[i] += from[i];
    };
    mergeLengths(m_questionLengths, other.m_questionLengths);
    mergeLengths(m_sqlLengths, other.m_sqlLengths);
    for (auto it = other.m_otherQuestionLengths.constBegin(); it != other.m_otherQuestionLengths.constEnd();
         ++it)
        m_otherQuestionLengths[it.key()] += it.value();
    for (auto it = other.m_otherSqlLengths.constBegin(); it != other.m_otherSqlLengths.constEnd(); ++it)
        m_otherSqlLengths[it.key()] += it.value();
    if (other.m_timed) {
        m_timeMin = m_timed ? std::min(m_timeMin, other.m_timeMin) : other.m_timeMin;
        m_timeMax = m_timed ? std::max(m_timeMax, other.m_timeMax) : other.m_timeMax;
        m_timed += other.m_timed;
    }
    if (m_timeSums.size() < other.m_timeSums.size())
        m_timeSums.resize(other.m_timeSums.size());
    for (size_t i = 0; i < other.m_timeSums.size(); ++i)
        m_timeSums[i] += other.m_timeSums[i]; // each chunk was folded by one accumulator only
    if (m_timesDropped || other.m_timesDropped ||
        qint64(m_times.size() + other.m_times.size()) > m_timeLimit) {
        m_timesDropped = true;
        std::vector<double>().swap(m_times);
    } else {
        m_times.insert(m_times.end(), other.m_times.begin(), other.m_times.end());
    }
}

// The distinct table names (ignoring ASCII case, as the pair_tables index does) of a JSON array
// text such as ["a","B"].
static QList<QByteArray> tableNames(const QByteArray &json)
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
            names << QByteArray(json.constData() + i + 1, end - i - 1);
            i = json.indexOf('"', end + 1);
        }
    }
    return names;
}

// Pairs per table: each distinct table_names text is parsed once, in the order of its first pair
// in ts order, so a table is spelt as in the first pair (by timestamp) that uses it.
void StatsAccumulator::tables(Statistics *out) const
{
    std::vector<const Combinations::Entry *> order;
    for (const auto &e : m_combinations.entries()) {
        if (e.lengths[3] > 2)
            order.push_back(&e);
    }
    std::sort(order.begin(), order.end(), [](const auto *a, const auto *b) {
        const Combination &y = b->value;
        return a->value.before(y.hasTs, y.ts.data(), int(y.ts.size()), y.position);
    });
    QHash<QByteArray, std::vector<int>> parsed; // table_names text -> table indexes
    QHash<QByteArray, int> ids;                 // lower-cased name -> table index
    QList<Statistics::Count> tables;
    for (const Combinations::Entry *e : order) {
        const QByteArray text(e->part(3), e->lengths[3]);
        auto it = parsed.find(text);
        if (it == parsed.end()) {
            std::vector<int> list;
            for (const QByteArray &name : tableNames(text)) {
                auto id = ids.find(name.toLower());
                if (id == ids.end()) {
                    id = ids.insert(name.toLower(), int(tables.size()));
                    tables.append({QString::fromUtf8(name), 0});
                }
                if (std::find(list.begin(), list.end(), id.value()) == list.end())
                    list.push_back(id.value());
            }
            it = parsed.insert(text, list);
        }
        for (int id : it.value())
            tables[id].count += e->value.pairs;
    }
    setTables(out, tables);
}

void StatsAccumulator::finish(Statistics *out)
{
    out->totalPairs = m_total;
    out->successfulPairs = m_successful;
    out->failedPairs = m_total - m_successful;
    out->queryTypes.clear();
    out->databaseTypes.clear();
    out->databaseNames.clear();
    for (const auto &e : m_combinations.entries()) {
        out->queryTypes[QString::fromUtf8(e.part(0), e.lengths[0])] += e.value.pairs;
        out->databaseTypes[QString::fromUtf8(e.part(1), e.lengths[1])] += e.value.pairs;
        out->databaseNames[QString::fromUtf8(e.part(2), e.lengths[2])] += e.value.pairs;
    }
    out->unreviewedPairs = m_review[0];
    out->approvedPairs = m_review[1];
    out->rejectedPairs = m_review[2];
    out->unscannedPairs = m_unscanned;
    QHash<qint64, qint64> masks = m_otherMasks;
    for (size_t i = 0; i < std::size(m_masks); ++i) {
        if (m_masks[i])
            masks[qint64(i)] += m_masks[i];
    }
    setPiiKinds(out, masks);
    if (m_total > 0) {
        out->avgQuestionLength = double(m_questionChars) / double(m_total);
        out->avgSqlLength = double(m_sqlChars) / double(m_total);
    }
    out->firstTimestamp = QString::fromUtf8(m_firstTs.data(), qsizetype(m_firstTs.size()));
    out->lastTimestamp = QString::fromUtf8(m_lastTs.data(), qsizetype(m_lastTs.size()));
    QMap<QDate, DayCount> days;
    for (const auto &e : m_days.entries()) {
        const QDate d =
            QDate::fromString(QString::fromLatin1(e.key.data(), qsizetype(e.key.size())), Qt::ISODate);
        if (d.isValid()) {
            days[d].pairs += e.value.pairs;
            days[d].failed += e.value.failed;
        }
    }
    setTimeline(out, days);
    out->questionLengths = binLengths(toMap(m_questionLengths, m_otherQuestionLengths));
    out->sqlLengths = binLengths(toMap(m_sqlLengths, m_otherSqlLengths));
    out->executionTime.count = m_timed;
    if (m_timed) {
        double sum = 0;
        for (double s : m_timeSums)
            sum += s;
        out->executionTime.min = m_timeMin;
        out->executionTime.max = m_timeMax;
        out->executionTime.avg = sum / double(m_timed);
    }
    tables(out);
    if (m_timed && timesComplete()) {
        // Exact nearest-rank percentiles: the rank-th smallest value, by partial sorts of what lies
        // above the previous rank.
        const std::pair<double, double *> ranks[] = {{0.50, &out->executionTime.p50},
                                                     {0.90, &out->executionTime.p90},
                                                     {0.99, &out->executionTime.p99}};
        auto from = m_times.begin();
        for (const auto &[fraction, target] : ranks) {
            const qint64 rank = std::clamp<qint64>(qint64(std::ceil(fraction * double(m_timed))), 1, m_timed);
            const auto nth = m_times.begin() + (rank - 1); // ranks only grow: nth >= from
            std::nth_element(from, nth, m_times.end());
            from = nth;
            *target = *nth;
        }
    }
}

} // namespace pairlens::stats
