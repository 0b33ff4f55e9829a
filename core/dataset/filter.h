#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

namespace pairlens {

// Which pairs an operation applies to. One type serves the CLI, the table, the statistics and the
// exports, so "the current filter" means the same everywhere. Empty members don't restrict.
struct Filter
{
    enum class Success
    {
        Any,
        SuccessfulOnly,
        FailedOnly
    };
    enum class Scope
    {
        Live,
        Deleted,
        All
    }; // live pairs, the trash, or both
    // Only pairs that have a duplicate among the pairs of the same scope (dataset/duplicatekeys.h):
    // the same question and SQL (Exact), or the same normalized question and SQL (Normalized).
    enum class Duplicates
    {
        Any,
        Exact,
        Normalized
    };

    QDateTime from; // inclusive; invalid = open
    QDateTime to;   // inclusive; invalid = open
    Success success = Success::Any;
    QStringList queryTypes; // "SELECT", ...; "" matches pairs without a statement
    QStringList databaseTypes;
    QStringList databaseNames;
    QStringList tables; // pairs whose SQL uses one of these tables (case-insensitive)
    QString search;     // full-text over question and SQL (words, prefix match on the last)
    QList<int> reviewStatuses;
    bool piiRequired = false; // true: only pairs with PII of one of piiKinds (or any, when 0)
    quint32 piiKinds = 0;
    QList<qint64> rowIds;          // explicit selection (empty = no restriction)
    bool restrictToRowIds = false; // true with an empty rowIds list matches nothing
    QStringList pairIds;
    Duplicates duplicates = Duplicates::Any;
    Scope scope = Scope::Live;

    bool isEmpty() const; // true when nothing but the scope restricts

    QJsonObject toJson() const;
    static Filter fromJson(const QJsonObject &json);

    // A human-readable one-line description, e.g. for manifests and the audit log.
    QString describe() const;
};

// The SQL condition for a filter over the `pairs` table (aliased as p), with positional bindings.
struct SqlCondition
{
    QString where; // never empty: "1" when nothing restricts
    QVariantList bindings;
};
SqlCondition buildCondition(const Filter &filter);

// Turns free text into an FTS5 query: each word quoted (so punctuation is safe), the last one
// matched as a prefix. Returns an empty string when there is nothing to search for.
QString ftsQuery(const QString &text);

// Parses "2024-01-31" or a full ISO-8601 date-time. A date alone means the start of that day for
// `from` and its end for `to` (endOfDay = true). Returns an invalid QDateTime on failure.
QDateTime parseFilterDate(const QString &text, bool endOfDay);

// The normalised form timestamps are stored in (column `ts`): UTC, milliseconds, 'Z'.
QString normalisedTimestamp(const QDateTime &dt);

} // namespace pairlens
