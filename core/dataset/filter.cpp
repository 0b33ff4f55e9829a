#include "dataset/filter.h"

#include "dataset/duplicatekeys.h"
#include "privacy/piikind.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

QString jsonArrayText(const QStringList &values)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
}

QString jsonArrayText(const QList<qint64> &values)
{
    QJsonArray a;
    for (qint64 v : values)
        a.append(v);
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QStringList toStringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out << e.toString();
    return out;
}

} // namespace

bool Filter::isEmpty() const
{
    return !from.isValid() && !to.isValid() && success == Success::Any && queryTypes.isEmpty() &&
           databaseTypes.isEmpty() && databaseNames.isEmpty() && tables.isEmpty() &&
           search.trimmed().isEmpty() && reviewStatuses.isEmpty() && !piiRequired && !restrictToRowIds &&
           rowIds.isEmpty() && pairIds.isEmpty() && duplicates == Duplicates::Any;
}

QString normalisedTimestamp(const QDateTime &dt)
{
    return dt.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime parseFilterDate(const QString &text, bool endOfDay)
{
    const QString t = text.trimmed();
    if (t.size() == 10) {
        const QDate d = QDate::fromString(t, Qt::ISODate);
        if (!d.isValid())
            return {};
        return endOfDay ? QDateTime(d, QTime(23, 59, 59, 999), Qt::UTC) : QDateTime(d, QTime(0, 0), Qt::UTC);
    }
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(t, Qt::ISODate);
    if (dt.isValid() && dt.timeSpec() == Qt::LocalTime && !t.endsWith(u'Z'))
        dt.setTimeSpec(Qt::UTC); // a time without an offset is taken as UTC, like stored ones
    return dt;
}

QString ftsQuery(const QString &text)
{
    const QStringList words = text.simplified().split(u' ', Qt::SkipEmptyParts);
    QStringList terms;
    for (const QString &w : words) {
        QString quoted = w;
        quoted.replace(u'"', u"\"\""_s);
        terms << u'"' + quoted + u'"';
    }
    if (terms.isEmpty())
        return {};
    terms.last() += u'*';
    return terms.join(u' ');
}

namespace {

QStringList scopeParts(Filter::Scope scope, const QString &alias)
{
    switch (scope) {
    case Filter::Scope::Live:
        // Live pairs that PairLens has analysed: the secondary indexes hold exactly these (a
        // recorder's row joins them when its fields are derived, see schema.cpp version 4).
        return {alias + u".deleted = 0"_s, alias + u".query_type IS NOT NULL"_s};
    case Filter::Scope::Deleted:
        return {alias + u".deleted = 1"_s};
    case Filter::Scope::All:
        break;
    }
    return {};
}

// The pairs of the scope whose duplicate key (the SQL functions of duplicatekeys.h) another pair
// of the scope shares: one pass over the scope, a sort by key (a window function).
QString duplicatesCondition(Filter::Duplicates duplicates, Filter::Scope scope)
{
    // The call links duplicatekeys.cpp, whose start-up code registers the functions.
    if (!dupkeys::sqlFunctionsRegistered())
        qWarning("pairlens: the duplicate-key SQL functions are not registered");
    const QString key = duplicates == Filter::Duplicates::Exact
                            ? u"pairlens_exact_key(d.natural_language_query, d.sql_query)"_s
                            : u"pairlens_normalized_key(d.natural_language_query, d.sql_query, "
                              "d.database_type)"_s;
    const QStringList where = scopeParts(scope, u"d"_s);
    return u"p.id IN (SELECT id FROM (SELECT d.id AS id, count(*) OVER (PARTITION BY %1) AS n FROM pairs "
           u"d%2) "
           "WHERE n > 1)"_s.arg(key, where.isEmpty() ? QString() : u" WHERE "_s + where.join(u" AND "_s));
}

} // namespace

SqlCondition buildCondition(const Filter &f)
{
    QStringList parts = scopeParts(f.scope, u"p"_s);
    QVariantList b;
    if (f.from.isValid()) {
        parts << u"p.ts >= ?"_s;
        b << normalisedTimestamp(f.from);
    }
    if (f.to.isValid()) {
        parts << u"p.ts <= ?"_s;
        b << normalisedTimestamp(f.to);
    }
    if (f.success == Filter::Success::SuccessfulOnly)
        parts << u"p.success <> 0"_s;
    else if (f.success == Filter::Success::FailedOnly)
        parts << u"p.success = 0"_s;
    auto inList = [&](const QString &column, const QStringList &values) {
        if (values.isEmpty())
            return;
        if (values.size() == 1) {
            parts << column + u" = ?"_s;
            b << values.first();
        } else {
            parts << column + u" IN (SELECT value FROM json_each(?))"_s;
            b << jsonArrayText(values);
        }
    };
    inList(u"coalesce(p.query_type, '')"_s, f.queryTypes);
    inList(u"p.database_type"_s, f.databaseTypes);
    inList(u"p.database_name"_s, f.databaseNames);
    if (!f.tables.isEmpty()) {
        // pair_tables mirrors the derived table names (name COLLATE NOCASE, primary key first).
        if (f.tables.size() == 1) {
            parts << u"p.id IN (SELECT pair FROM pair_tables WHERE name = ?)"_s;
            b << f.tables.first();
        } else {
            parts
                << u"p.id IN (SELECT pair FROM pair_tables WHERE name IN (SELECT value FROM json_each(?)))"_s;
            b << jsonArrayText(f.tables);
        }
    }
    if (!f.reviewStatuses.isEmpty()) {
        QStringList s;
        for (int v : f.reviewStatuses)
            s << QString::number(v);
        parts << u"p.review_status IN (%1)"_s.arg(s.join(u','));
    }
    if (f.piiRequired) {
        const quint32 mask = f.piiKinds ? f.piiKinds : 0xFFFFFFFFu;
        parts << u"(coalesce(p.pii_mask, 0) & %1) <> 0"_s.arg(mask);
    }
    const QString fts = ftsQuery(f.search);
    if (!fts.isEmpty()) {
        parts << u"p.id IN (SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH ?)"_s;
        b << fts;
    }
    if (f.restrictToRowIds || !f.rowIds.isEmpty()) {
        parts << u"p.id IN (SELECT value FROM json_each(?))"_s;
        b << jsonArrayText(f.rowIds);
    }
    if (!f.pairIds.isEmpty()) {
        parts << u"p.pair_id IN (SELECT value FROM json_each(?))"_s;
        b << jsonArrayText(f.pairIds);
    }
    if (f.duplicates != Filter::Duplicates::Any)
        parts << duplicatesCondition(f.duplicates, f.scope);
    return {parts.isEmpty() ? u"1"_s : parts.join(u" AND "_s), b};
}

QJsonObject Filter::toJson() const
{
    QJsonObject o;
    if (from.isValid())
        o[u"from"_s] = normalisedTimestamp(from);
    if (to.isValid())
        o[u"to"_s] = normalisedTimestamp(to);
    if (success != Success::Any)
        o[u"success"_s] = success == Success::SuccessfulOnly ? u"successful"_s : u"failed"_s;
    if (!queryTypes.isEmpty())
        o[u"query_types"_s] = QJsonArray::fromStringList(queryTypes);
    if (!databaseTypes.isEmpty())
        o[u"database_types"_s] = QJsonArray::fromStringList(databaseTypes);
    if (!databaseNames.isEmpty())
        o[u"database_names"_s] = QJsonArray::fromStringList(databaseNames);
    if (!tables.isEmpty())
        o[u"tables"_s] = QJsonArray::fromStringList(tables);
    if (!search.isEmpty())
        o[u"search"_s] = search;
    if (!reviewStatuses.isEmpty()) {
        QJsonArray a;
        for (int s : reviewStatuses)
            a.append(s);
        o[u"review_statuses"_s] = a;
    }
    if (piiRequired)
        o[u"pii"_s] = QJsonArray::fromStringList(piiKindNames(piiKinds));
    if (restrictToRowIds || !rowIds.isEmpty())
        o[u"row_ids"_s] = QJsonDocument::fromJson(jsonArrayText(rowIds).toUtf8()).array();
    if (!pairIds.isEmpty())
        o[u"pair_ids"_s] = QJsonArray::fromStringList(pairIds);
    if (duplicates != Duplicates::Any)
        o[u"duplicates"_s] = duplicates == Duplicates::Exact ? u"exact"_s : u"normalized"_s;
    if (scope != Scope::Live)
        o[u"scope"_s] = scope == Scope::Deleted ? u"deleted"_s : u"all"_s;
    return o;
}

Filter Filter::fromJson(const QJsonObject &o)
{
    Filter f;
    if (o.contains(u"from"_s))
        f.from = parseFilterDate(o.value(u"from"_s).toString(), false);
    if (o.contains(u"to"_s))
        f.to = parseFilterDate(o.value(u"to"_s).toString(), true);
    const QString s = o.value(u"success"_s).toString();
    f.success = s == u"successful"_s ? Success::SuccessfulOnly
                : s == u"failed"_s   ? Success::FailedOnly
                                     : Success::Any;
    f.queryTypes = toStringList(o.value(u"query_types"_s));
    f.databaseTypes = toStringList(o.value(u"database_types"_s));
    f.databaseNames = toStringList(o.value(u"database_names"_s));
    f.tables = toStringList(o.value(u"tables"_s));
    f.search = o.value(u"search"_s).toString();
    for (const QJsonValue &v : o.value(u"review_statuses"_s).toArray())
        f.reviewStatuses << v.toInt();
    if (o.contains(u"pii"_s)) {
        f.piiRequired = true;
        for (const QString &k : toStringList(o.value(u"pii"_s)))
            f.piiKinds |= piiKindFromName(k);
    }
    if (o.contains(u"row_ids"_s)) {
        f.restrictToRowIds = true;
        for (const QJsonValue &v : o.value(u"row_ids"_s).toArray())
            f.rowIds << qint64(v.toDouble());
    }
    f.pairIds = toStringList(o.value(u"pair_ids"_s));
    const QString duplicates = o.value(u"duplicates"_s).toString();
    f.duplicates = duplicates == u"exact"_s        ? Duplicates::Exact
                   : duplicates == u"normalized"_s ? Duplicates::Normalized
                                                   : Duplicates::Any;
    const QString scope = o.value(u"scope"_s).toString();
    f.scope = scope == u"deleted"_s ? Scope::Deleted : scope == u"all"_s ? Scope::All : Scope::Live;
    return f;
}

QString Filter::describe() const
{
    if (isEmpty())
        return scope == Scope::Deleted ? u"all deleted pairs"_s : u"all pairs"_s;
    return QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

} // namespace pairlens
