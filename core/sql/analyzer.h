#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

namespace pairlens::sql {

enum class StatementType
{
    None,   // empty SQL or only comments/whitespace
    Select, // SELECT, VALUES, WITH ... SELECT, (SELECT ...), TABLE x
    Insert,
    Update,
    Delete,
    Merge,
    Upsert, // REPLACE INTO (SQLite/MySQL)
    Create,
    Alter,
    Drop,
    Truncate,
    Grant,       // GRANT / REVOKE
    Transaction, // BEGIN / COMMIT / ROLLBACK / SAVEPOINT / START TRANSACTION
    Declare,     // DECLARE / SET of variables only (T-SQL scripts without a data statement)
    Explain,
    Other,    // recognised as SQL but none of the above (PRAGMA, VACUUM, SHOW, USE, CALL, ...)
    Multiple, // several statements, none data-changing, of different types
};

// Stable upper-case names used in the dataset (`query_type`) and in exports: "SELECT", "INSERT",
// ..., "MULTIPLE", and "" for None.
QString statementTypeName(StatementType type);
StatementType statementTypeFromName(QStringView name);
QStringList allStatementTypeNames(); // without None

struct Analysis
{
    StatementType type = StatementType::None;
    // Tables read or written, in first-appearance order, without duplicates (case-insensitive),
    // schema-qualified names kept as written without quotes ("dbo.Posts", "public.users").
    // CTE names and aliases are excluded; tables in subqueries and joins are included.
    QStringList tables;
    int statementCount = 0;
};

// Rules for several statements: the type of the first data-changing statement (INSERT, UPDATE,
// DELETE, MERGE, UPSERT, CREATE, ALTER, DROP, TRUNCATE) wins; if none changes data and the
// statements are of one type, that type; otherwise MULTIPLE. Transaction-control and DECLARE/SET
// statements are ignored when other statements are present.
Analysis analyze(QStringView sql);

} // namespace pairlens::sql
