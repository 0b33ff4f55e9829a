#pragma once

#include "stats/statistics.h"

#include <QHash>
#include <QMap>
#include <QtEndian>

#include <cstring>
#include <string>
#include <vector>

struct sqlite3_value;

namespace pairlens::stats {

// Rolls the per-day counts up into the timeline and the raw length counts into the bins; shared by
// the one-scan and the portable GROUP BY paths so they can't disagree.
struct DayCount
{
    qint64 pairs = 0;
    qint64 failed = 0;
};
void setTimeline(Statistics *out, const QMap<QDate, DayCount> &days);
QList<Statistics::HistogramBin> binLengths(const QMap<int, qint64> &counts);
void setPiiKinds(Statistics *out, const QHash<qint64, qint64> &masks);
// Averages from the sums of a grouped scan (lengths over all pairs, execution times over the timed
// ones) and the PII kinds from the pair counts per mask.
void setAveragesAndPiiKinds(Statistics *out, double questionLengths, double sqlLengths, double executionTimes,
                            const QHash<qint64, qint64> &masks);
void setTables(Statistics *out, QList<Statistics::Count> tables);

// Byte helpers for the per-row path: short strings compared and hashed a word at a time, inline
// (no calls into the C library's string functions; see StatsAccumulator::add()).
namespace bytes {
inline quint64 load(const char *p)
{
    quint64 w;
    std::memcpy(&w, p, 8);
    return w;
}
// The bytes of a string shorter than 8 as one word: overlapping loads that together read every byte
// (for a given length, equal words mean equal bytes).
inline quint64 shortWord(const char *p, int n)
{
    if (n >= 4) {
        quint32 a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        return a | (quint64(b) << 32);
    }
    if (n > 0)
        return quint8(p[0]) | (quint64(quint8(p[n >> 1])) << 8) | (quint64(quint8(p[n - 1])) << 16);
    return 0;
}
inline bool equal(const char *a, const char *b, int n)
{
    if (n < 8)
        return shortWord(a, n) == shortWord(b, n);
    for (int i = 0; i + 8 < n; i += 8) {
        if (load(a + i) != load(b + i))
            return false;
    }
    return load(a + n - 8) == load(b + n - 8);
}
// memcmp() order, then the shorter first (as QByteArray and std::string compare).
inline int compare(const char *a, int na, const char *b, int nb)
{
    const int n = na < nb ? na : nb;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const quint64 x = qFromBigEndian<quint64>(a + i), y = qFromBigEndian<quint64>(b + i);
        if (x != y)
            return x < y ? -1 : 1;
    }
    for (; i < n; ++i) {
        if (a[i] != b[i])
            return quint8(a[i]) < quint8(b[i]) ? -1 : 1;
    }
    return na < nb ? -1 : (na > nb ? 1 : 0);
}
inline void copy(std::string &to, const char *p, int n)
{
    if (to.size() != size_t(n))
        to.resize(size_t(n));
    char *d = to.data();
    for (; n >= 8; d += 8, p += 8, n -= 8)
        std::memcpy(d, p, 8);
    for (; n > 0; --n)
        *d++ = *p++;
}
inline quint64 mix(quint64 h, quint64 w)
{
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}
inline quint64 hash(quint64 h, const char *p, int n)
{
    if (n < 8)
        return mix(h ^ quint64(n), shortWord(p, n));
    h = mix(h ^ quint64(n), load(p));
    for (int i = 8; i + 8 < n; i += 8)
        h = mix(h, load(p + i));
    return mix(h, load(p + n - 8));
}
} // namespace bytes

// A small open-addressing table keyed by a tuple of short byte strings. Entries keep their index
// (the order they were first seen in) for the table's lifetime.
template <int Parts, typename T> class TupleTable
{
public:
    struct Entry
    {
        std::string key; // the parts one after the other
        int lengths[Parts];
        T value{};
        const char *part(int i) const
        {
            const char *p = key.data();
            for (int j = 0; j < i; ++j)
                p += lengths[j];
            return p;
        }
    };

    TupleTable() : m_slots(64) {}

    // The index of the entry for the parts, created (parts copied) the first time they are seen.
    int indexOf(const char *const *parts, const int *lengths, bool *created = nullptr)
    {
        quint64 h = 0x9E3779B97F4A7C15ull;
        for (int i = 0; i < Parts; ++i)
            h = bytes::hash(h, parts[i], lengths[i]);
        const quint32 h32 = quint32(h ^ (h >> 32));
        for (quint32 i = h32 & mask();; i = (i + 1) & mask()) {
            Slot &s = m_slots[i];
            if (s.entry < 0) {
                if (m_entries.size() * 2 >= m_slots.size()) {
                    grow();
                    return indexOf(parts, lengths, created);
                }
                s.hash = h32;
                s.entry = int(m_entries.size());
                Entry e;
                for (int j = 0; j < Parts; ++j) {
                    e.key.append(parts[j], size_t(lengths[j]));
                    e.lengths[j] = lengths[j];
                }
                m_entries.push_back(std::move(e));
                if (created)
                    *created = true;
                return s.entry;
            }
            if (s.hash == h32 && matches(m_entries[size_t(s.entry)], parts, lengths))
                return s.entry;
        }
    }
    T &at(int index) { return m_entries[size_t(index)].value; }
    const std::vector<Entry> &entries() const { return m_entries; }

private:
    struct Slot
    {
        quint32 hash = 0;
        int entry = -1;
    };
    static bool matches(const Entry &e, const char *const *parts, const int *lengths)
    {
        const char *k = e.key.data();
        for (int j = 0; j < Parts; ++j) {
            if (e.lengths[j] != lengths[j] || !bytes::equal(k, parts[j], lengths[j]))
                return false;
            k += lengths[j];
        }
        return true;
    }
    quint32 mask() const { return quint32(m_slots.size() - 1); }
    void grow()
    {
        std::vector<Slot> table(m_slots.size() * 2);
        const quint32 m = quint32(table.size() - 1);
        for (const Slot &s : m_slots) {
            if (s.entry < 0)
                continue;
            quint32 i = s.hash & m;
            while (table[i].entry >= 0)
                i = (i + 1) & m;
            table[i] = s;
        }
        m_slots.swap(table);
    }

    std::vector<Slot> m_slots;
    std::vector<Entry> m_entries;
};

// Everything the one-scan statistics count, folded row by row (add()) and mergeable: the scan may
// be split into chunks (numbered in index order, so in the order a single scan would see the
// rows) that several connections fold into accumulators of their own, merged at the end into the
// same numbers a single scan gives. Where a single scan's result depends on the order (the
// spelling of a table name is the first one seen; floating-point sums), the accumulator keeps the
// chunk and row position of what it saw, so the merge does not depend on which thread ran which
// chunk.
class StatsAccumulator
{
public:
    // timeLimit: keep up to that many execution times for exact percentiles (the nearest-rank
    // values); past it they are dropped, so memory stays bounded, and timesComplete() says so.
    // 0 keeps none.
    // ordered: the rows come in ts order (a scan of the pairs_stats index); otherwise the
    // accumulator compares timestamps to find what a scan in ts order would have seen first.
    explicit StatsAccumulator(qint64 timeLimit, bool ordered);
    StatsAccumulator(const StatsAccumulator &) = delete;
    StatsAccumulator &operator=(const StatsAccumulator &) = delete;

    // The rows that follow belong to chunk `chunk`; a thread's chunks come in increasing order.
    void beginChunk(int chunk);
    // One row: pairlens_stats(query_type, database_type, database_name, success, review_status,
    // pii_mask, ts, question_length, sql_length, execution_time_ms, table_names).
    void add(sqlite3_value **argv);
    // Folds in the rows of another accumulator (its chunks disjoint from this one's).
    void merge(const StatsAccumulator &other);
    // Fills everything but the trash count, and the percentiles only when timesComplete().
    void finish(Statistics *out);
    // True when every execution time seen is kept (none dropped past the limit): the percentiles
    // are exact.
    bool timesComplete() const
    {
        return m_timeLimit > 0 && !m_timesDropped && qint64(m_times.size()) == m_timed;
    }

    qint64 total() const { return m_total; }
    qint64 timeLimit() const { return m_timeLimit; }
    bool isOrdered() const { return m_ordered; }

private:
    // Pairs per distinct (query_type, database_type, database_name, table_names): one lookup per
    // row instead of four; the per-column counts and the tables are rolled up by finish().
    struct Combination
    {
        qint64 pairs = 0;
        // Its first pair in ts order: no ts first, then by ts, then by scan position
        // (chunk << 40 | row in the chunk).
        bool hasTs = false;
        std::string ts;
        qint64 position = 0;
        bool before(bool otherHasTs, const char *otherTs, int length, qint64 otherPosition) const;
    };
    using Combinations = TupleTable<4, Combination>;
    using Days = TupleTable<1, DayCount>; // "YYYY-MM-DD" -> pairs
    static void countLength(std::vector<qint64> &direct, QMap<int, qint64> &rest, int length);
    void addTs(const char *ts, int length, bool ok);
    void tables(Statistics *out) const;

    qint64 m_timeLimit = 0;
    bool m_timesDropped = false;
    bool m_ordered = true;
    int m_chunk = 0;
    qint64 m_rowInChunk = 0;
    qint64 m_total = 0;
    qint64 m_successful = 0;
    Combinations m_combinations;
    qint64 m_review[3] = {0, 0, 0};
    qint64 m_masks[128] = {};           // pii_mask 0..127 -> pairs
    QHash<qint64, qint64> m_otherMasks; // any other pii_mask value
    qint64 m_unscanned = 0;
    qint64 m_questionChars = 0, m_sqlChars = 0;
    std::string m_firstTs, m_lastTs;
    Days m_days;
    char m_lastDay[10] = {}; // the day of the previous row (rows come in ts order)
    int m_lastDayLength = -1;
    int m_lastDayIndex = 0;
    std::vector<qint64> m_questionLengths, m_sqlLengths; // length -> pairs, for short lengths
    QMap<int, qint64> m_otherQuestionLengths, m_otherSqlLengths;
    qint64 m_timed = 0;
    double m_timeMin = 0, m_timeMax = 0;
    std::vector<double> m_timeSums; // per chunk, summed in chunk order at the end
    std::vector<double> m_times;    // up to m_timeLimit
};

} // namespace pairlens::stats
