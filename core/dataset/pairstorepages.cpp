// The sorted and paged reads of the pair store: ORDER BY and keyset conditions, the search's
// paths, pages by offset or after a key, row ids and a walk over every match.

#include "dataset/pairstore.h"
#include "dataset/pairstore_p.h"

#include "dataset/dataset.h"

#include <QSqlError>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens {

using namespace detail;

QStringList sortTerms(PairStore::SortColumn column)
{
    // Each sort reads an index in order: a column with an index of its own is followed by the row
    // id only; a column whose index is (column, ts) is followed by the time, so pairs of equal
    // value come in time order (in the sort's direction) and the index gives the whole order (an
    // index entry ends in the row id, which SQLite orders by).
    using C = PairStore::SortColumn;
    switch (column) {
    case C::Id:
        return {};
    case C::Timestamp:
        return {u"p.ts"_s};
    case C::Question:
        return {u"p.natural_language_query"_s};
    case C::Sql:
        return {u"p.sql_query"_s};
    case C::QueryType:
        return {u"p.query_type"_s, u"p.ts"_s};
    case C::DatabaseType:
        return {u"p.database_type"_s, u"p.ts"_s};
    case C::DatabaseName:
        return {u"p.database_name"_s, u"p.ts"_s};
    case C::Success:
        return {u"p.success"_s, u"p.ts"_s};
    case C::ExecutionTime:
        return {u"p.execution_time_ms"_s};
    case C::PiiKinds:
        return {u"p.pii_mask"_s, u"p.ts"_s};
    case C::ReviewStatus:
        return {u"p.review_status"_s, u"p.ts"_s};
    }
    return {};
}

QString orderByClause(const PairStore::Sort &sort)
{
    const QString dir = sort.order == Qt::AscendingOrder ? u" ASC"_s : u" DESC"_s;
    QString out = u" ORDER BY "_s;
    for (const QString &term : sortTerms(sort.column))
        out += term + dir + u", "_s;
    return out + u"p.id"_s + dir;
}

namespace {

// The rows after a keyset key in the sort's order. NULL sorts first in SQLite, and a row value
// comparison with a NULL in it is NULL: that is right for rows before the key in ascending order,
// but a key with a NULL (an unknown execution time), or a descending order (where NULLs come after
// the key), is spelt out term by term.
QString keysetCondition(const QStringList &terms, const QVariantList &values, qint64 rowId, bool ascending,
                        QVariantList *bindings)
{
    const QString cmp = ascending ? u">"_s : u"<"_s;
    const bool hasNull =
        std::any_of(values.begin(), values.end(), [](const QVariant &v) { return v.isNull(); });
    if (!hasNull && ascending) {
        QString lhs, rhs;
        for (const QString &t : terms) {
            lhs += t + u", "_s;
            rhs += u"?, "_s;
        }
        *bindings += values;
        *bindings << rowId;
        return u"("_s + lhs + u"p.id) "_s + cmp + u" ("_s + rhs + u"?)"_s;
    }
    // (t1, ..., id) after (v1, ..., r) = t1 after v1 OR (t1 = v1 AND (... OR (id after r))).
    QString out = u"p.id "_s + cmp + u" ?"_s;
    QVariantList tail{rowId};
    for (qsizetype i = terms.size() - 1; i >= 0; --i) {
        const QString &t = terms.at(i);
        const QVariant &v = values.at(i);
        QVariantList head;
        QString after, equal;
        if (v.isNull()) {
            after = ascending ? QString(t + u" IS NOT NULL"_s) : u"0"_s;
            equal = t + u" IS NULL"_s;
        } else {
            after =
                ascending ? QString(t + u" > ?"_s) : QString(u"("_s + t + u" < ? OR "_s + t + u" IS NULL)"_s);
            equal = t + u" = ?"_s;
            head << v;
        }
        out = u"("_s + after + u" OR ("_s + equal + u" AND "_s + out + u"))"_s;
        tail = head + head + tail; // the equality binds the value again
    }
    *bindings += tail;
    return out;
}

} // namespace

namespace {

// The FROM and WHERE clauses and the ORDER BY of a read, with their bindings.
struct SelectParts
{
    QString fromWhere;
    QVariantList bindings;
    QString orderBy;
    QString idColumn; // the row id, for keyset conditions
};

QString direction(const PairStore::Sort &sort)
{
    return sort.order == Qt::AscendingOrder ? u" ASC"_s : u" DESC"_s;
}

} // namespace

PairStore::SearchPath PairStore::searchPath(const Filter &filter, const Sort &sort)
{
    if (ftsQuery(filter.search).isEmpty())
        return SearchPath::None;
    // An explicit selection is looked up by id; walking an index would be slower.
    if (!filter.rowIds.isEmpty() || filter.restrictToRowIds || !filter.pairIds.isEmpty())
        return SearchPath::CollectMatches;
    if (sort.column == SortColumn::Id)
        return SearchPath::SearchIndexOrder;
    // The sort indexes hold live pairs only.
    if (filter.scope == Filter::Scope::Live)
        return SearchPath::SortIndexWalk;
    return SearchPath::CollectMatches;
}

static SelectParts selectParts(const Filter &filter, const PairStore::Sort &sort, PairStore::SearchPath path)
{
    SelectParts s;
    const QString dir = direction(sort);
    if (path == PairStore::SearchPath::SearchIndexOrder || path == PairStore::SearchPath::SortIndexWalk) {
        Filter rest = filter;
        rest.search.clear();
        const SqlCondition c = buildCondition(rest);
        s.bindings << ftsQuery(filter.search);
        s.bindings += c.bindings;
        if (path == PairStore::SearchPath::SearchIndexOrder) {
            // A search in row-id order is read from the full-text index, which returns its matches
            // in rowid order (either way) without collecting them first; each match is then looked
            // up in `pairs` by id and the rest of the filter (trash, columns) applied to it. The
            // first page of a search matching 300k pairs reads a few hundred index entries instead
            // of collecting and sorting all 300k. CROSS JOIN keeps the index as the outer loop.
            s.fromWhere =
                u" FROM pairs_fts f CROSS JOIN pairs p ON p.id = f.rowid WHERE pairs_fts MATCH ? AND "_s +
                c.where;
            s.orderBy = u" ORDER BY f.rowid"_s + dir;
            s.idColumn = u"f.rowid"_s;
            return s;
        }
        // A search sorted by a column: the matches are collected into a list once, and SQLite
        // walks the sort's index (pairs_ts, pairs_question, ...; or a filter index that gives the
        // same order) in order, keeping the pairs on the list. The unary + keeps it from looking
        // every match up by id and sorting them all instead (0.5-1 s for a search matching a fifth
        // of 1M pairs); the walk stops at the page, and even a search matching nothing walks the
        // index in about 0.1 s.
        s.fromWhere =
            u" FROM pairs p WHERE +p.id IN (SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ?) AND "_s +
            c.where;
    } else {
        const SqlCondition c = buildCondition(filter);
        s.fromWhere = u" FROM pairs p WHERE "_s + c.where;
        s.bindings = c.bindings;
    }
    s.orderBy = orderByClause(sort);
    s.idColumn = u"p.id"_s;
    return s;
}

// With a search in row-id order and a filter that may keep few of its matches (a column, a date
// range, the trash), the walk over the matches is cut after this many (more for deeper pages):
// when the filter keeps fewer pairs than the page needs among them, the general query, which can
// go through the filter's own index, answers instead. A page of a rare review status among 300k
// matches would otherwise look up all 300k.
static qint64 searchWalkLimit(qint64 rowsNeeded)
{
    return 10000 + 10 * rowsNeeded;
}

std::optional<qint64> PairStore::nthSearchMatch(const QString &fts, const Sort &sort, qint64 n,
                                                std::optional<qint64> afterRowId)
{
    const bool ascending = sort.order == Qt::AscendingOrder;
    QSqlQuery q(m_dataset.db());
    q.setForwardOnly(true);
    q.prepare(u"SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ?"_s +
              (afterRowId ? (ascending ? u" AND rowid > ?"_s : u" AND rowid < ?"_s) : QString()) +
              u" ORDER BY rowid"_s + direction(sort) + u" LIMIT 1 OFFSET %1"_s.arg(n - 1));
    q.addBindValue(fts);
    if (afterRowId)
        q.addBindValue(*afterRowId);
    if (q.exec() && q.next())
        return q.value(0).toLongLong();
    return std::nullopt;
}

QList<PairStore::Statement> PairStore::readStatements(const QString &columns, const Filter &filter,
                                                      const Sort &sort, const PageKey *after, int limit,
                                                      qint64 offset)
{
    auto statement = [&](SearchPath path, std::optional<qint64> bound) {
        SelectParts s = selectParts(filter, sort, path);
        const bool ascending = sort.order == Qt::AscendingOrder;
        const QString cmp = ascending ? u">"_s : u"<"_s;
        QString where = s.fromWhere;
        if (after && sort.column == SortColumn::Id) {
            where += u" AND "_s + s.idColumn + u" "_s + cmp + u" ?"_s;
            s.bindings << after->rowId;
        } else if (after) {
            where += u" AND "_s + keysetCondition(sortTerms(sort.column), after->values, after->rowId,
                                                  ascending, &s.bindings);
        }
        if (bound) {
            where += u" AND "_s + s.idColumn + (ascending ? u" <= ?"_s : u" >= ?"_s);
            s.bindings << *bound;
        }
        return Statement{u"SELECT "_s + columns + where + s.orderBy +
                             u" LIMIT %1 OFFSET %2"_s.arg(limit).arg(after ? 0 : offset),
                         s.bindings};
    };
    const SearchPath path = searchPath(filter, sort);
    Filter rest = filter;
    rest.search.clear();
    const bool selective = !rest.isEmpty() || rest.scope == Filter::Scope::Deleted;
    if (path != SearchPath::SearchIndexOrder || !selective)
        return {statement(path, std::nullopt)};
    if (limit < 0)
        return {statement(SearchPath::CollectMatches, std::nullopt)};
    const std::optional<qint64> bound = nthSearchMatch(
        ftsQuery(filter.search), sort,
        m_searchWalkLimit > 0 ? m_searchWalkLimit : searchWalkLimit((after ? 0 : offset) + limit),
        after ? std::optional<qint64>(after->rowId) : std::nullopt);
    if (!bound)
        return {statement(path, std::nullopt)}; // fewer matches than the walk may take
    return {statement(path, bound), statement(SearchPath::CollectMatches, std::nullopt)};
}

QList<Pair> PairStore::read(const Filter &filter, const Sort &sort, const PageKey *after, int limit,
                            qint64 offset)
{
    const QList<Statement> statements = readStatements(kColumns, filter, sort, after, limit, offset);
    QList<Pair> rows;
    for (const Statement &st : statements) {
        rows = runSelect(st.sql, st.bindings);
        if (rows.size() == limit || !m_error.isEmpty())
            break;
    }
    return rows;
}

QList<Pair> PairStore::page(const Filter &filter, const Sort &sort, int limit, qint64 offset)
{
    return read(filter, sort, nullptr, limit, offset);
}

QList<Pair> PairStore::pageAfter(const Filter &filter, const Sort &sort, const PageKey &after, int limit)
{
    return read(filter, sort, &after, limit, 0);
}

PairStore::PageKey PairStore::keyOf(const Pair &pair, SortColumn column) const
{
    // One value per sort term (sortTerms): the column's, or the time for its `p.ts` tie-break. A
    // Pair does not keep which of its derived fields are NULL, which they only are until the pair
    // is analysed; PairLens analyses pairs before it reads them, so keys take the analysed values.
    auto time = [&pair]() -> QVariant {
        const QString ts = normalisePairTimestamp(pair.timestamp);
        return ts.isEmpty() ? pair.timestamp : ts; // as Deriver stores ts
    };
    QVariant value;
    switch (column) {
    case SortColumn::Id:
    case SortColumn::Timestamp:
        break;
    case SortColumn::Question:
        value = pair.naturalLanguageQuery;
        break;
    case SortColumn::Sql:
        value = pair.sqlQuery;
        break;
    case SortColumn::QueryType:
        value = pair.queryType;
        break;
    case SortColumn::DatabaseType:
        value = pair.databaseType;
        break;
    case SortColumn::DatabaseName:
        value = pair.databaseName;
        break;
    case SortColumn::Success:
        value = pair.success ? 1 : 0;
        break;
    case SortColumn::ExecutionTime:
        // Unknown times are stored as NULL (Pair says -1).
        if (pair.executionTimeMs >= 0)
            value = pair.executionTimeMs;
        break;
    case SortColumn::PiiKinds:
        value = qint64(pair.piiMask);
        break;
    case SortColumn::ReviewStatus:
        value = int(pair.reviewStatus);
        break;
    }
    PageKey k;
    k.rowId = pair.rowId;
    for (const QString &term : sortTerms(column))
        k.values << (term == u"p.ts"_s ? time() : value);
    return k;
}

QList<qint64> PairStore::rowIds(const Filter &filter, const Sort &sort, int limit, qint64 offset)
{
    m_error.clear();
    QList<qint64> out;
    for (const Statement &st : readStatements(u"p.id"_s, filter, sort, nullptr, limit, offset)) {
        out.clear();
        QSqlQuery q(m_dataset.db());
        q.setForwardOnly(true);
        q.prepare(st.sql);
        bindAll(q, st.bindings);
        if (!q.exec()) {
            failQuery(q);
            return out;
        }
        while (q.next())
            out.append(q.value(0).toLongLong());
        if (q.lastError().isValid()) {
            failQuery(q);
            return out;
        }
        if (out.size() == limit)
            break;
    }
    return out;
}

bool PairStore::forEach(const Filter &filter, const Sort &sort,
                        const std::function<bool(const Pair &)> &visit, int batchSize)
{
    QList<Pair> batch = page(filter, sort, batchSize, 0);
    while (!batch.isEmpty()) {
        for (const Pair &p : batch) {
            if (!visit(p))
                return true;
        }
        if (batch.size() < batchSize)
            break;
        batch = pageAfter(filter, sort, keyOf(batch.last(), sort.column), batchSize);
    }
    return m_error.isEmpty();
}

} // namespace pairlens
