#include "dataset/pairstore.h"

#include "dataset/writeops.h"

#include "dataset/dataset.h"
#include "dataset/pairinsert.h"
#include "dataset/schema.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

const QString kColumns =
    u"p.id, p.pair_id, p.natural_language_query, p.sql_query, p.timestamp, p.database_type, "
    "p.database_name, p.success, p.execution_time_ms, p.metadata, p.query_type, p.table_names, "
    "p.pii_mask, p.review_status, p.reviewer_note, p.deleted, p.deleted_at"_s;

Pair readPair(const QSqlQuery &q)
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

void bindAll(QSqlQuery &q, const QVariantList &bindings)
{
    for (const QVariant &v : bindings)
        q.addBindValue(v);
}

// Qt binds a null QString as SQL NULL; the dataset's text columns are NOT NULL.
QString text(const QString &s)
{
    return s.isNull() ? QString(u""_s) : s;
}

QString nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace

QStringList sortTerms(PairStore::SortColumn column)
{
    // Each sort reads an index in order: a column with an index of its own is followed by the row
    // id only; a column whose index is (column, ts, id) is followed by the time, so pairs of equal
    // value come in time order (in the sort's direction) and the index gives the whole order.
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

bool PairStore::beginWrite(WriteTransaction &tx)
{
    m_error.clear();
    if (m_dataset.isReadOnly())
        return fail(
            QCoreApplication::translate("PairStore", "The dataset is read-only; nothing was changed."));
    QString error;
    if (!tx.begin(&error))
        return fail(QCoreApplication::translate("PairStore", "Cannot write to the dataset: %1").arg(error));
    return true;
}

std::optional<QList<qint64>> PairStore::idsAfter(const QString &where, const QVariantList &bindings,
                                                 qint64 afterId, int limit, QString *error)
{
    QSqlQuery q(m_dataset.db());
    q.setForwardOnly(true);
    q.prepare(u"SELECT p.id FROM pairs p WHERE ("_s + where + u") AND p.id > ? ORDER BY p.id LIMIT ?"_s);
    bindAll(q, bindings);
    q.addBindValue(afterId);
    q.addBindValue(limit);
    if (!q.exec()) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    QList<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    if (q.lastError().isValid()) { // a step failed: not the end of the rows
        *error = q.lastError().text();
        return std::nullopt;
    }
    return ids;
}

std::optional<qint64> PairStore::runLarge(writeops::Op &op, const Filter &filter)
{
    const SqlCondition c = buildCondition(filter);
    return runLarge(op, c.where, c.bindings);
}

std::optional<qint64> PairStore::runLarge(writeops::Op &op, const QString &where,
                                          const QVariantList &bindings)
{
    m_error.clear();
    if (m_dataset.isReadOnly()) {
        fail(QCoreApplication::translate("PairStore", "The dataset is read-only; nothing was changed."));
        return std::nullopt;
    }
    QString error;
    const writeops::IdSource source = [this, &where, &bindings](qint64 after, int limit, QString *e) {
        return idsAfter(where, bindings, after, limit, e);
    };
    const std::optional<writeops::Result> r = writeops::run(m_dataset.db(), op, source, &error, m_progress);
    if (!r) {
        fail(QCoreApplication::translate("PairStore", "Cannot write to the dataset: %1").arg(error));
        return std::nullopt;
    }
    if (r->cancelled) {
        fail(QCoreApplication::translate("PairStore", "Cancelled; nothing was changed."));
        return std::nullopt;
    }
    if (!r->applyError.isEmpty()) {
        // Committed, so it will happen, but not finished now: say why (one sentence for a full
        // disk or a damaged file) and when it completes.
        fail(m_dataset.failureMessage(Dataset::Access::Write, r->applyError) + u' ' +
             QCoreApplication::translate("PairStore",
                                         "The change is recorded and is finished when the dataset is next "
                                         "opened for writing."));
        return std::nullopt;
    }
    return r->count;
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

PairStore::AddResult PairStore::add(const QList<Pair> &pairs, AddMode mode)
{
    QList<DerivedFields> derived;
    derived.reserve(pairs.size());
    const QString importTime = nowIso();
    for (const Pair &p : pairs)
        derived.append(m_deriver.derive(p.naturalLanguageQuery, p.sqlQuery,
                                        p.timestamp.isEmpty() ? importTime : p.timestamp, p.databaseType,
                                        p.pairId, p.metadata));
    return add(pairs, derived, mode);
}

PairStore::AddResult PairStore::add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
                                    AddMode mode)
{
    Q_ASSERT(pairs.size() == derived.size());
    AddResult result;
    if (mode == AddMode::OneTransaction || m_bulkLoad) {
        qint64 held = 0;
        addRange(pairs, derived, 0, pairs.size(), &result, &held);
        return result;
    }
    // In transactions of ~20 ms each (sized from the last ones), so that a large import never
    // keeps a recorder waiting for the write lock; each transaction is all-or-nothing.
    for (qsizetype from = 0; from < pairs.size();) {
        const qsizetype to = std::min<qsizetype>(pairs.size(), from + m_addSizer.size());
        qint64 held = 0;
        if (!addRange(pairs, derived, from, to, &result, &held))
            return result;
        m_addSizer.record(int(to - from), held);
        from = to;
        yieldWriteLock(held); // also before the caller's next add()
    }
    return result;
}

bool PairStore::addRange(const QList<Pair> &pairs, const QList<DerivedFields> &derived, qsizetype from,
                         qsizetype to, AddResult *result, qint64 *heldMs)
{
    QSqlDatabase &db = m_dataset.db();
    WriteTransaction tx(db); // rolled back unless committed
    if (!beginWrite(tx)) {
        result->error = m_error;
        return false;
    }
    // Bound through SQLite's C API (pairinsert.h): Qt Sql's binding cost a fifth of the import.
    PairInserter insert(sqliteHandle(db));
    const QString importTime = nowIso();
    qint64 firstId = 0; // rows from here on are this transaction's: it holds the write lock
    qint64 added = 0, present = 0;
    const auto failWith = [&](const QString &message) {
        result->error = message;
        m_error = message;
        return false;
    };
    if (!insert.isValid())
        return failWith(insert.lastError());
    for (qsizetype i = from; i < to; ++i) {
        qint64 rowId = 0;
        QString insertError;
        if (!insert.insert(pairs.at(i), derived.at(i), importTime, &rowId, &insertError))
            return failWith(insertError);
        if (rowId > 0) {
            if (added++ == 0)
                firstId = rowId;
        } else {
            ++present;
        }
    }
    QString indexError;
    if (added > 0 && !m_bulkLoad && !schema::indexInsertedRows(db, firstId, &indexError))
        return failWith(indexError);
    if (added > 0 && m_addAuditId > 0) {
        QSqlQuery a(db);
        a.prepare(u"UPDATE audit_log SET pair_count = pair_count + ? WHERE id = ?"_s);
        a.addBindValue(added);
        a.addBindValue(m_addAuditId);
        if (!a.exec())
            return failWith(a.lastError().text());
    }
    *heldMs = tx.heldMs();
    QString commitError;
    if (!tx.commit(&commitError))
        return failWith(commitError);
    result->added += added;
    result->alreadyPresent += present;
    return true;
}

bool PairStore::setReviewStatus(const Filter &filter, ReviewStatus status, qint64 *changed)
{
    writeops::Op op;
    op.action = writeops::Action::Review;
    op.value = QString::number(int(status));
    op.auditName = u"review"_s;
    op.detail = {{u"status"_s, reviewStatusName(status)}, {u"filter"_s, filter.toJson()}};
    const std::optional<qint64> n = runLarge(op, filter);
    if (changed && n)
        *changed = *n;
    return n.has_value();
}

bool PairStore::setReviewerNote(qint64 rowId, const QString &note)
{
    if (m_dataset.isReadOnly())
        return fail(
            QCoreApplication::translate("PairStore", "The dataset is read-only; nothing was changed."));
    QSqlQuery q(m_dataset.db());
    q.prepare(u"UPDATE pairs SET reviewer_note = ? WHERE id = ?"_s);
    q.addBindValue(text(note));
    q.addBindValue(rowId);
    return q.exec() || failQuery(q);
}

bool PairStore::updateText(qint64 rowId, const QString &question, const QString &sql)
{
    const std::optional<Pair> old = get(rowId);
    if (!old)
        return fail(QCoreApplication::translate("PairStore", "The pair no longer exists."));
    // Analysed before the write lock is taken: only the update needs it.
    const DerivedFields d =
        m_deriver.derive(question, sql, old->timestamp, old->databaseType, old->pairId, old->metadata);
    WriteTransaction tx(m_dataset.db()); // rolled back unless committed
    if (!beginWrite(tx))
        return false;
    QSqlQuery q(m_dataset.db());
    q.prepare(u"UPDATE pairs SET natural_language_query = ?, sql_query = ?, query_type = ?, table_names = ?, "
              "pii_mask = ?, question_length = ?, sql_length = ? WHERE id = ?"_s);
    for (const QVariant &v : QVariantList{text(question), text(sql), text(d.queryType), d.tableNamesJson,
                                          d.piiMask, d.questionLength, d.sqlLength, rowId})
        q.addBindValue(v);
    if (!q.exec())
        return failQuery(q);
    audit(u"edit"_s, 1, {{u"pair_id"_s, old->pairId}});
    QString error;
    return tx.commit(&error) || fail(error);
}

std::optional<PairStore::DeleteResult> PairStore::softDelete(const Filter &filter)
{
    Filter live = filter;
    live.scope = Filter::Scope::Live;
    writeops::Op op;
    op.action = writeops::Action::Delete;
    op.value = nowIso();
    op.auditName = u"delete"_s;
    op.detail = {{u"filter"_s, filter.toJson()}};
    const std::optional<qint64> n = runLarge(op, live);
    if (!n)
        return std::nullopt;
    return DeleteResult{*n, op.batch};
}

std::optional<qint64> PairStore::restoreBatch(qint64 batch)
{
    writeops::Op op;
    op.action = writeops::Action::Restore;
    op.auditName = u"restore"_s;
    op.detail = {{u"batch"_s, batch}};
    return runLarge(op, u"p.delete_batch = ? AND p.deleted = 1"_s, {batch});
}

std::optional<qint64> PairStore::restore(const Filter &filter)
{
    Filter trashed = filter;
    trashed.scope = Filter::Scope::Deleted;
    writeops::Op op;
    op.action = writeops::Action::Restore;
    op.auditName = u"restore"_s;
    op.detail = {{u"filter"_s, filter.toJson()}};
    return runLarge(op, trashed);
}

std::optional<qint64> PairStore::purge(const Filter &filter)
{
    Filter trashed = filter;
    trashed.scope = Filter::Scope::Deleted;
    writeops::Op op;
    op.action = writeops::Action::Purge;
    op.auditName = u"purge"_s;
    op.detail = {{u"filter"_s, filter.toJson()}};
    return runLarge(op, trashed);
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

qint64 PairStore::startAddAudit(const QString &action, const QJsonObject &detail)
{
    m_addAuditId = 0;
    m_addAuditDetail = detail;
    QJsonObject running = detail;
    running.insert(u"state"_s, u"running"_s);
    if (!audit(action, 0, running))
        return 0;
    QSqlQuery q(m_dataset.db());
    if (q.exec(u"SELECT last_insert_rowid()"_s) && q.next())
        m_addAuditId = q.value(0).toLongLong();
    return m_addAuditId;
}

bool PairStore::finishAddAudit(const QJsonObject &moreDetail)
{
    if (m_addAuditId <= 0)
        return false;
    QJsonObject detail = m_addAuditDetail;
    for (auto it = moreDetail.begin(); it != moreDetail.end(); ++it)
        detail.insert(it.key(), it.value());
    detail.insert(u"state"_s, u"done"_s);
    QSqlQuery q(m_dataset.db());
    q.prepare(u"UPDATE audit_log SET detail = ? WHERE id = ?"_s);
    q.addBindValue(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
    q.addBindValue(m_addAuditId);
    m_addAuditId = 0;
    return q.exec() || failQuery(q);
}

bool PairStore::audit(const QString &action, qint64 pairCount, const QJsonObject &detail)
{
    if (m_dataset.isReadOnly())
        return false;
    QSqlQuery q(m_dataset.db());
    q.prepare(u"INSERT INTO audit_log(at, action, pair_count, detail) VALUES (?, ?, ?, ?)"_s);
    q.addBindValue(nowIso());
    q.addBindValue(action);
    q.addBindValue(pairCount);
    q.addBindValue(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
    return q.exec() || failQuery(q);
}

} // namespace pairlens
