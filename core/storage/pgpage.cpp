// PgStorage's pages in time order of the filters PostgreSQL's planner cannot count.
//
// A page in time order is a walk of pairs_live_ts that stops at the page's last match. The planner
// takes that walk when it expects the matches to be many; for a search with a PII kind, a table, a
// duplicates filter, or any two conditions that go together less often than independent ones
// would, it may expect 200,000 matches where there are none, and the walk then reads every pair
// (2.5-2.7 s at 1M for `--search customers --pii ssn`, which matches nothing). Here the walk is
// bounded: it reads at most the newest (or oldest) kWalk pairs; when the page is not full by then,
// the matches are few, and they are found the filter's own way (the search's GIN index, or a scan)
// and sorted, in an order no index gives ((ts || '') COLLATE "C", the same order), so that the
// planner cannot choose the walk again. All this only when the planner's own plan is the walk
// (EXPLAIN, ~1 ms): a plan that is not expects few matches, which its estimate knows.
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

namespace {

int g_walk = 10'000;
bool g_askPlanner = true;

// Pages further in than this take the ordinary query: the window reads deep pages as a user scrolls,
// after the first pages have shown whether the walk is short.
constexpr qint64 kWalkedPageEnd = 1'000;

// A filter of live pairs with a condition other than the time (a date bounds the walk itself) and no
// explicit selection (found by its ids).
bool hardToCount(const Filter &f)
{
    if (f.scope != Filter::Scope::Live || f.from.isValid() || f.to.isValid() || f.restrictToRowIds ||
        !f.rowIds.isEmpty() || !f.pairIds.isEmpty())
        return false;
    return !f.search.trimmed().isEmpty() || f.piiRequired || !f.tables.isEmpty() ||
           f.duplicates != Filter::Duplicates::Any || !f.queryTypes.isEmpty() || !f.databaseTypes.isEmpty() ||
           !f.databaseNames.isEmpty() || !f.reviewStatuses.isEmpty() || f.success != Filter::Success::Any;
}

} // namespace

void PgStorage::setTimePageWalk(int pairs, bool askPlanner)
{
    g_walk = pairs > 0 ? pairs : 10'000;
    g_askPlanner = askPlanner;
}

PgStorage::TimePage PgStorage::timePage(const Filter &filter, bool ascending, int limit, qint64 offset,
                                        QList<Pair> *out, QString *error)
{
    offset = std::max<qint64>(0, offset);
    if (limit <= 0 || offset + limit > kWalkedPageEnd || !hardToCount(filter))
        return TimePage::NotTried;
    out->clear();
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return TimePage::Failed;
    const QString dir = ascending ? u" ASC"_s : u" DESC"_s;
    const qint64 end = offset + limit;
    // Only where the planner would walk: when it expects few matches it finds them its own way and
    // is right (`--status approved` with none approved: 390 ms, where walking first added a fifth).
    if (g_askPlanner) {
        Result plan(
            pg::exec(m_conn->pg,
                     u"EXPLAIN SELECT p.id FROM %1.pairs p WHERE %2 ORDER BY p.ts COLLATE \"C\"%3, p.id%3 "
                     "LIMIT %4"_s.arg(m_quotedSchema, c.where, dir)
                         .arg(end),
                     c.params));
        bool walks = !plan.ok(); // when in doubt, bounded
        for (int i = 0; i < plan.rows() && !walks; ++i)
            walks = plan.text(i, 0).contains(u"using pairs_live_ts"_s);
        if (!walks)
            return TimePage::NotTried;
    }
    // The walk: the filter is a column of each walked pair, so that the LIMIT counts pairs walked
    // (PostgreSQL pushes no condition into a subquery with a LIMIT).
    Result walked(pg::exec(m_conn->pg,
                           u"SELECT w.id FROM (SELECT p.id, coalesce((%2), false) AS hit FROM %1.pairs p "
                           "WHERE p.query_type IS NOT NULL ORDER BY p.ts COLLATE \"C\"%3, p.id%3 LIMIT %4) w "
                           "WHERE w.hit LIMIT %5"_s.arg(m_quotedSchema, c.where, dir)
                               .arg(g_walk)
                               .arg(end),
                           c.params));
    if (!walked.ok()) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(walked.error());
        return TimePage::Failed;
    }
    if (walked.rows() < end) {
        // Few matches: found the filter's own way and sorted in an order no index gives, their ids
        // first (readPairs()), in one statement.
        return readPairs(filter,
                         u" ORDER BY (p.ts || '') COLLATE \"C\"%1, p.id%1 LIMIT %2 OFFSET %3"_s.arg(dir)
                             .arg(limit)
                             .arg(offset),
                         out, error, true)
                   ? TimePage::Read
                   : TimePage::Failed;
    }
    QStringList ids; // the page's, after the offset's: limit >= 1 of them
    for (int i = int(offset); i < walked.rows(); ++i)
        ids << QString::number(walked.number(i, 0));
    const QList<QByteArray> params{u"{%1}"_s.arg(ids.join(u',')).toUtf8()};
    return readPairRows(u"unnest($1::bigint[]) WITH ORDINALITY AS k(id, n) JOIN %1.pairs p ON p.id = k.id "
                        "ORDER BY k.n"_s.arg(m_quotedSchema),
                        params, out, error)
               ? TimePage::Read
               : TimePage::Failed;
}

} // namespace pairlens
