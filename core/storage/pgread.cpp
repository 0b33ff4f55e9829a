// PgStorage's reads: the Filter translated to PostgreSQL, counts, pages and cursors (the statistics
// are in pgstats.cpp).
#include "dataset/deriver.h"
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <memory>

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

bool condition(const Filter &f, int version, const QString &quotedSchema, Condition *out, QString *error,
               bool append)
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
    if (!append)
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
        // = ANY of an array (not IN a subquery) lets the planner estimate the values from the
        // column's statistics: a value no pair has is a scan, not a walk of the whole time order.
        QList<QByteArray> texts;
        for (const QString &v : values)
            texts << v.toUtf8();
        parts << u"%1 = ANY(%2::text[])"_s.arg(column, param(QString::fromUtf8(textArray(texts))));
    };
    inList(u"coalesce(p.query_type, '')"_s, f.queryTypes);
    inList(u"p.database_type"_s, f.databaseTypes);
    inList(u"p.database_name"_s, f.databaseNames);
    if (!f.tables.isEmpty()) {
        // As pair_tables' COLLATE NOCASE: names compared in ASCII lower case.
        // A table_names text is a JSON array of strings. Parsing every pair's took seconds at a
        // million pairs; in a text without a backslash a quote appears only around an element, so
        // `"name"` occurs in it exactly when an element is `name`: a pattern match. ILIKE in the
        // C collation folds ASCII letters only (as the file's NOCASE), and the planner estimates
        // a pattern on the column from its statistics (a name no pair uses: a scan, not a walk of
        // the time order to its end). A text with a backslash (escapes) is parsed instead,
        // lower-cased by lower() in the C collation (ASCII only; a JSON text stays valid, its
        // escapes lower case but for \u's hex digits) and asked for the folded names (jsonb's ?|).
        // No subquery, so the server's parallel workers may scan.
        QList<QByteArray> folded; // QByteArray::toLower() folds ASCII only, as the statistics' keys
        for (const QString &name : f.tables)
            folded << name.toUtf8().toLower();
        const QString exact = u"lower(p.table_names COLLATE \"C\")::jsonb ?| %1::text[]"_s.arg(
            param(QString::fromUtf8(textArray(folded))));
        const auto plain = [](const QByteArray &name) {
            return std::none_of(name.cbegin(), name.cend(),
                                [](char c) { return c == '"' || c == '\\' || uchar(c) < 0x20; });
        };
        if (std::all_of(folded.cbegin(), folded.cend(), plain)) {
            const QString escaped = u"p.table_names COLLATE \"C\" LIKE '%\\\\%'"_s;
            QStringList found;
            for (QByteArray name : folded) {
                name.replace('%', "\\%").replace('_', "\\_");
                found << u"p.table_names COLLATE \"C\" ILIKE %1"_s.arg(
                    param(QString::fromUtf8("%\"" + name + "\"%")));
            }
            parts << u"((%1 OR %2) AND (NOT %2 OR %3))"_s.arg(found.join(u" OR "_s), escaped, exact);
        } else {
            parts << exact;
        }
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

bool PgStorage::countEach(const QList<Filter> &filters, QList<qint64> *counts, QString *error)
{
    // One scan for all of them: count(*) FILTER (WHERE ...) each, over the rows any of them matches
    // (which the planner may still find by index, e.g. a search).
    counts->clear();
    pg::Condition c;
    QStringList columns, any;
    for (const Filter &f : filters) {
        if (!pg::condition(f, m_version, m_quotedSchema, &c, error, true))
            return false;
        columns << u"count(*) FILTER (WHERE %1)"_s.arg(c.where);
        any << u'(' + c.where + u')';
    }
    if (columns.isEmpty())
        return true;
    Result r(pg::exec(m_conn->pg,
                      u"SELECT %1 FROM %2.pairs p WHERE %3"_s.arg(columns.join(u", "_s), m_quotedSchema,
                                                                  any.join(u" OR "_s)),
                      c.params));
    if (!r.ok()) {
        *error = tr("Cannot count the pairs in PostgreSQL: %1").arg(r.error());
        return false;
    }
    for (int i = 0; i < columns.size(); ++i)
        counts->append(r.number(0, i));
    return true;
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
    if (const TimePage read = timePage(filter, false, limit, offset, out, error); read != TimePage::NotTried)
        return read == TimePage::Read;
    // The file's default order; PostgreSQL sorts a pair without a time first here (NULLS FIRST).
    return readPairs(filter, u" ORDER BY p.ts COLLATE \"C\" DESC, p.id DESC"_s + limitClause(limit, offset),
                     out, error);
}

bool PgStorage::page(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                     QList<Pair> *out, QString *error)
{
    if (sort.column == PairStore::SortColumn::Timestamp) {
        const TimePage read = timePage(filter, sort.order == Qt::AscendingOrder, limit, offset, out, error);
        if (read != TimePage::NotTried)
            return read == TimePage::Read;
    }
    return readPairs(filter, orderBy(sort, m_version) + limitClause(limit, offset), out, error, true);
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

bool PgStorage::distinctValuesOf(const QStringList &columns, QList<QStringList> *out, QString *error)
{
    // One scan with a grouping set per column (each a hash table of its few values): the filter
    // panel's three lists of a 1M-pair schema took three scans of the table, ~0.6 s each.
    out->clear();
    static const QStringList allowed = {u"query_type"_s, u"database_type"_s, u"database_name"_s};
    for (const QString &column : columns) {
        if (!allowed.contains(column)) // named in the SQL below: only these three
            return Storage::distinctValuesOf(columns, out, error);
    }
    if (columns.size() < 2)
        return Storage::distinctValuesOf(columns, out, error);
    pg::Condition c;
    if (!pg::condition(Filter(), m_version, m_quotedSchema, &c, error))
        return false;
    QStringList terms, sets, order;
    for (const QString &column : columns) {
        terms << u"p.%1"_s.arg(column);
        sets << u"(p.%1)"_s.arg(column);
        order << u"p.%1 COLLATE \"C\""_s.arg(column);
    }
    // GROUPING() has bit (n - 1 - i) clear in the rows of column i's set; ordered by it, then by
    // that column's value byte by byte, each set's rows come together and sorted.
    Result r(pg::exec(m_conn->pg,
                      u"SELECT GROUPING(%1), %1 FROM %2.pairs p WHERE %3 GROUP BY GROUPING SETS (%4) "
                      "ORDER BY 1, %5"_s.arg(terms.join(u", "_s), m_quotedSchema, c.where, sets.join(u", "_s),
                                             order.join(u", "_s)),
                      c.params));
    if (!r.ok()) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(r.error());
        return false;
    }
    const int n = int(columns.size());
    for (int i = 0; i < n; ++i)
        out->append(QStringList());
    for (int row = 0; row < r.rows(); ++row) {
        const qint64 grouping = r.number(row, 0);
        for (int i = 0; i < n; ++i) {
            if (grouping & (qint64(1) << (n - 1 - i)))
                continue;
            if (!r.isNull(row, i + 1) && !r.text(row, i + 1).isEmpty())
                (*out)[i].append(r.text(row, i + 1));
            break;
        }
    }
    return true;
}

qint64 PgStorage::maxRowId(QString *error)
{
    Result r(pg::exec(m_conn->pg, u"SELECT coalesce(max(id), 0) FROM %1.pairs"_s.arg(m_quotedSchema)));
    if (!r.ok() || r.rows() != 1) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(r.error());
        return -1;
    }
    return r.number(0, 0);
}

bool PgStorage::findPairIds(const QStringList &ids, const ImportTarget::Found &found, QString *error)
{
    if (ids.isEmpty())
        return true;
    // One round trip for the whole list (the pair_id index answers each), live pairs and the trash.
    const QByteArray json = stringArrayText(ids);
    Result r(pg::exec(m_conn->pg,
                      u"SELECT i.k - 1, p.id, p.natural_language_query, p.sql_query "
                      "FROM json_array_elements_text($1::json) WITH ORDINALITY AS i(pair_id, k) "
                      "JOIN %1.pairs p ON p.pair_id = i.pair_id"_s.arg(m_quotedSchema),
                      {json}));
    if (!r.ok()) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(r.error());
        return false;
    }
    for (int i = 0; i < r.rows(); ++i)
        found(qsizetype(r.number(i, 0)), r.number(i, 1), r.text(i, 2), r.text(i, 3));
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
                          QString *error, bool idsFirst)
{
    out->clear();
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return false;
    // The ids in their order (an array keeps its subquery's order), joined to their rows.
    const QString from =
        idsFirst ? u"unnest(ARRAY(SELECT p.id FROM %1.pairs p WHERE %2%3)) WITH ORDINALITY AS k(id, n) "
                   "JOIN %1.pairs p ON p.id = k.id ORDER BY k.n"_s.arg(m_quotedSchema, c.where, orderAndLimit)
                 : u"%1.pairs p WHERE %2%3"_s.arg(m_quotedSchema, c.where, orderAndLimit);
    return readPairRows(from, c.params, out, error);
}

bool PgStorage::readPairRows(const QString &from, const QList<QByteArray> &params, QList<Pair> *out,
                             QString *error)
{
    out->clear();
    Result r(pg::exec(m_conn->pg,
                      u"SELECT p.id, p.pair_id, p.natural_language_query, p.sql_query, p.timestamp, "
                      "p.database_type, p.database_name, p.success, p.execution_time_ms, p.metadata, "
                      "p.query_type, p.table_names, p.pii_mask, %1 FROM "_s.arg(
                          pg::hasCuration(m_version)
                              ? u"p.review_status, p.reviewer_note, p.delete_batch IS NOT NULL, "
                                "p.deleted_at"_s
                              : u"0, '', false, NULL::text"_s) +
                          from,
                      params));
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
        p.metadata = pg::metadataObject(r.text(i, 9));
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

// The pairs of one SELECT in a read-only REPEATABLE READ transaction (one snapshot, whatever
// recorders insert meanwhile), streamed as `COPY (SELECT ...) TO STDOUT`: the server sends every
// row without being asked, where a cursor's FETCH waited a round trip and the server's work for
// each batch, and libpq hands over each row as one line of text. (Single-row mode sent the same
// rows, but libpq built a result with its column descriptions for each: a third of the reading
// thread's time in an export of 1M pairs.) COPY takes no parameters, so the filter's are written
// into the statement as literals (pg::inlineParams()). The connection is busy until the last row is
// read or the cursor is destroyed, which cancels the rest of the statement.
class PgRowCursor final : public RowCursor
{
public:
    explicit PgRowCursor(PGconn *pg) : m_pg(pg) {}
    ~PgRowCursor() override
    {
        if (m_sent && !m_done) {
            // Stopped early (a preview, a cancelled export): ask the server to stop sending, then
            // read what is left so that the connection is free for the next statement.
            if (PGcancel *cancel = PQgetCancel(m_pg)) {
                char why[256];
                PQcancel(cancel, why, int(sizeof why));
                PQfreeCancel(cancel);
            }
            finish();
        }
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
        QString select, why;
        if (!pg::inlineParams(m_pg, sql, params, &select, &why)) {
            *error = readError(why);
            return false;
        }
        if (!pg::send(m_pg, u"COPY ("_s + select + u") TO STDOUT"_s, {}, &why)) {
            *error = readError(why);
            return false;
        }
        m_sent = true;
        Result r(PQgetResult(m_pg));
        if (PQresultStatus(r.res) != PGRES_COPY_OUT) {
            *error = readError(r.res ? r.error() : pg::message(PQerrorMessage(m_pg)));
            finish();
            return false;
        }
        return true;
    }

    int fetch(int max, const std::function<void(const StoredRow &)> &row) override
    {
        int n = 0;
        StoredRow out;
        while (!m_done && n < max) {
            char *line = nullptr;
            const int length = PQgetCopyData(m_pg, &line, 0);
            if (length < 0) { // the end (-1), or the connection failed (-2)
                if (length == -2)
                    m_error = readError(pg::message(PQerrorMessage(m_pg)));
                finish();
                break;
            }
            const std::unique_ptr<char, void (*)(void *)> owned(line, PQfreemem);
            if (!parse(QByteArrayView(line, length), &out)) {
                m_error = readError(tr("the server sent a row PairLens cannot read"));
                break; // the destructor cancels the rest
            }
            row(out);
            ++n;
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

    // Reads what is left of the statement: the rest of the rows, then its results (the error that
    // ended the rows, if any, unless one is already known).
    void finish()
    {
        char *line = nullptr;
        while (PQgetCopyData(m_pg, &line, 0) >= 0)
            PQfreemem(line);
        while (PGresult *res = PQgetResult(m_pg)) {
            const Result r(res);
            if (m_error.isEmpty() && !r.ok())
                m_error = readError(r.error());
        }
        m_done = true;
    }

    // One line of COPY's text format: the SELECT's columns separated by tabs, \N for NULL, and a
    // backslash before a tab, newline, carriage return, backspace, form feed, vertical tab or
    // backslash of the value. The columns: the texts in StoredRow's order, then success,
    // execution_time_ms, id. Views into the line, or into m_unescaped when it holds a backslash.
    bool parse(QByteArrayView line, StoredRow *out)
    {
        if (line.endsWith('\n'))
            line.chop(1);
        constexpr int kColumns = 12;
        QByteArrayView fields[kColumns];
        bool null[kColumns] = {};
        if (!line.contains('\\')) {
            qsizetype from = 0;
            for (int c = 0; c < kColumns; ++c) {
                const qsizetype tab = c + 1 < kColumns ? line.indexOf('\t', from) : line.size();
                if (tab < 0)
                    return false;
                fields[c] = line.sliced(from, tab - from);
                from = tab + 1;
            }
            if (from != line.size() + 1)
                return false;
        } else {
            m_unescaped.resize(line.size());
            char *w = m_unescaped.data();
            qsizetype starts[kColumns + 1];
            int c = 0;
            starts[0] = 0;
            for (qsizetype i = 0; i < line.size(); ++i) {
                char ch = line[i];
                if (ch == '\t') {
                    if (++c >= kColumns)
                        return false;
                    starts[c] = w - m_unescaped.data();
                    continue;
                }
                if (ch == '\\' && i + 1 < line.size()) {
                    ch = line[++i];
                    switch (ch) {
                    case 'N':
                        null[c] = true;
                        continue;
                    case 't':
                        ch = '\t';
                        break;
                    case 'n':
                        ch = '\n';
                        break;
                    case 'r':
                        ch = '\r';
                        break;
                    case 'b':
                        ch = '\b';
                        break;
                    case 'f':
                        ch = '\f';
                        break;
                    case 'v':
                        ch = '\v';
                        break;
                    default:
                        break; // a backslash, or a character COPY need not have escaped
                    }
                }
                *w++ = ch;
            }
            if (c != kColumns - 1)
                return false;
            starts[kColumns] = w - m_unescaped.data();
            for (int k = 0; k < kColumns; ++k)
                fields[k] = QByteArrayView(m_unescaped.constData() + starts[k], starts[k + 1] - starts[k]);
        }
        for (int c = 0; c < 9; ++c)
            out->text[c] = fields[c];
        out->success = fields[9] != "0";
        out->executionTimeMs = null[10] ? -1 : fields[10].toDouble();
        bool ok = false;
        out->rowId = fields[11].toLongLong(&ok);
        return ok;
    }

    PGconn *m_pg;
    bool m_open = false; // in the transaction
    bool m_sent = false;
    bool m_done = false;
    QString m_error;
    QByteArray m_unescaped;
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
