#pragma once

#include <QStringView>

namespace pairlens::sql {

// The SQL words the analyzer acts on. Words it only needs to recognise as reserved (AND, NULL,
// BETWEEN, ...) map to Keyword::Reserved; any other word maps to Keyword::None.
enum class Keyword : quint8
{
    None,
    Reserved,
    // statement heads
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    Replace,
    Upsert,
    Create,
    Alter,
    Drop,
    Truncate,
    Grant,
    Revoke,
    Deny,
    Begin,
    Commit,
    Rollback,
    Savepoint,
    Release,
    Start,
    Abort,
    End,
    Declare,
    Set,
    Explain,
    Describe,
    With,
    Values,
    Table,
    If,
    While,
    Else,
    Go,
    Print,
    Return,
    Break,
    Continue,
    Use,
    Exec,
    Execute,
    Pragma,
    Vacuum,
    Analyze,
    Call,
    Show,
    Do,
    // clauses and modifiers
    From,
    Join,
    Apply,
    Into,
    Using,
    On,
    As,
    Where,
    Group,
    Having,
    Order,
    Limit,
    Offset,
    Fetch,
    Union,
    Intersect,
    Except,
    Minus,
    Window,
    Qualify,
    Returning,
    Option,
    When,
    Then,
    Case,
    For,
    Key,
    Or,
    Distinct,
    All,
    Lateral,
    Only,
    Exists,
    Not,
    Recursive,
    Materialized,
    View,
    Index,
    Trigger,
    Rule,
    Policy,
    Function,
    Procedure,
    References,
    Before,
    After,
    Of,
    Instead,
    Also,
    Temp,
    Temporary,
    Unlogged,
    Global,
    Local,
    Unique,
    Concurrently,
    Transaction,
    Tran,
    Work,
    Isolation,
    Deferred,
    Immediate,
    Exclusive,
    Try,
    Catch,
    Query,
    Top,
    Column,
    Constraint,
    Sequence,
    Schema,
    Database,
    Type,
    Extension,
    Conflict,
};

// Case-insensitive (ASCII) lookup without building a lower-case copy on the heap.
Keyword keywordOf(QStringView word);

struct KeywordInfo
{
    Keyword keyword = Keyword::None;
    bool reserved = false;
};
// keywordOf() and isReservedWord() in one lookup.
KeywordInfo keywordInfo(QStringView word);

// True for words that cannot be an unquoted table name in the SQL this project meets (SELECT,
// FROM, WHERE, AND, NULL, JOIN, ...). Non-reserved keywords such as DATE, USER or MATCH are false.
bool isReservedWord(QStringView word);

// Case-insensitive ASCII comparison of a word with a lower-case literal.
bool equalsLower(QStringView word, const char *lowerAscii);

} // namespace pairlens::sql
