#pragma once

#include <QList>
#include <QString>
#include <QStringView>

namespace pairlens::sql {

// Where the lexical rules of SQL differ, the database's own rules (docs/sql-analysis.md, "Dialects").
// Generic is the union used when the database is not known: nested block comments, E'...' and
// U&'...' strings, dollar strings, [bracketed] and "quoted" identifiers, #temp tables.
enum class Dialect
{
    Generic,
    PostgreSQL, // E'\x40', U&'\0040', $tag$ ... $tag$, nested /* */; [ is a subscript
    MySQL,      // also MariaDB: # comments, "strings", backslash escapes in strings, no nesting
    SQLite,     // '' only, "identifiers", [identifiers], no nesting
    TSql,       // SQL Server: N'...', [identifiers], #temp tables, nested /* */
    BigQuery,   // # comments, "strings", '''triple''', r'raw', b'bytes', backslash escapes
    Snowflake,  // // comments, backslash escapes in '...', $$ ... $$
};

// The dialect of a pair's database_type ("postgresql", "MySQL 8", "mariadb", "sqlite3", "mssql",
// "SQL Server", "bigquery", "snowflake", ...); Generic when it names none of them.
Dialect dialectFromDatabaseType(QStringView databaseType);
QString dialectName(Dialect dialect); // "generic", "postgresql", "mysql", ...
constexpr Dialect kAllDialects[] = {Dialect::Generic, Dialect::PostgreSQL, Dialect::MySQL,    Dialect::SQLite,
                                    Dialect::TSql,    Dialect::BigQuery,   Dialect::Snowflake};

// A lexical token of an SQL text. Offsets are in UTF-16 code units of the input (QString indices).
enum class TokenKind
{
    Whitespace,
    LineComment,      // -- ... (to end of line); # ... in MySQL and BigQuery; // ... in Snowflake
    BlockComment,     // /* ... */ (nesting counted in Generic, PostgreSQL and T-SQL)
    Word,             // keyword or bare identifier: letters, digits, _, $, non-ASCII letters
    QuotedIdentifier, // "x"  `x`  [x]
    String,           // 'x' (with '' escapes), E'x', N'x', X'..', U&'x'; "x" in MySQL and BigQuery
    DollarString,     // $$ ... $$ or $tag$ ... $tag$
    Number,
    Parameter,   // ?  ?1  :name  @name  $1  ##Param##  ##Param:int##
    Operator,    // + - * / % = <> != < > <= >= || :: etc.
    Punctuation, // ( ) , ; .
    Unknown,
};

struct Token
{
    TokenKind kind = TokenKind::Unknown;
    qsizetype start = 0;
    qsizetype length = 0;

    QStringView text(QStringView source) const { return source.mid(start, length); }
};

// Splits the whole text into tokens, covering every character exactly once (whitespace and comments
// included), so that replacing a token's range rebuilds the text faithfully. Never fails: an
// unterminated string or comment runs to the end of the input.
QList<Token> tokenize(QStringView sql, Dialect dialect = Dialect::Generic);

// The token that starts at `position` (0 <= position < sql.size()). tokenize() is this in a loop;
// the analyzer calls it directly so that it needs no list. Never returns an empty token.
Token nextToken(QStringView sql, qsizetype position, Dialect dialect = Dialect::Generic);

// The content of a String/DollarString/QuotedIdentifier token with its quotes and escapes removed.
QString unquote(QStringView source, const Token &token, Dialect dialect = Dialect::Generic);

// How the content of a literal or comment is written, so that a new value can be written into it
// without ending it early (encodeContent()).
enum class ContentForm : quint8
{
    None,          // not a literal or comment, or a bit string: nothing to read
    Comment,       // -- # // line comments: no escapes; a line break would end it
    BlockComment,  // /* */: no escapes; "*/" would end it, "/*" would nest
    Quoted,        // 'x': a doubled quote is one quote
    Backslash,     // E'x' and the strings of MySQL, BigQuery, Snowflake: backslash escapes
    UnicodeEscape, // U&'x': \XXXX, \+XXXXXX (or the UESCAPE character), doubled quotes
    Raw,           // r'x' (BigQuery): no escapes; a backslash keeps the quote after it inside
    Dollar,        // $tag$ x $tag$: no escapes; the tag would end it
    Hex,           // X'4A6F': UTF-8 bytes as hex digits
};

// The readable content of a String, DollarString or comment token: `value` is what the database
// reads (escapes decoded, doubled quotes undone), and value[i] was written as the source units
// [from[i], to[i]) (whole escape sequences; both units of a surrogate pair map to the pair). When
// `verbatim`, value is exactly sql[contentStart, contentEnd) and from/to are empty; `value` then
// shares the memory of `sql` (QString::fromRawData): copy it to keep it longer than `sql`.
struct DecodedContent
{
    ContentForm form = ContentForm::None;
    qsizetype contentStart = 0, contentEnd = 0; // between the delimiters, in the source
    QString value;
    QList<qsizetype> from, to;
    bool verbatim = true;
    char16_t quote = u'\'';    // the closing quote of a string
    char16_t escape = u'\\';   // the escape character (U&'' strings may choose another)
    bool tripleQuoted = false; // BigQuery '''x''' and """x"""
    QString dollarTag;         // "$fn$"

    qsizetype size() const { return value.size(); }
    qsizetype sourceStart(qsizetype i) const { return verbatim ? contentStart + i : from[i]; }
    qsizetype sourceEnd(qsizetype i) const { return verbatim ? contentStart + i + 1 : to[i]; }
};

// Reads the content of `token` (form None for other kinds, bit strings, and hex strings that are
// not UTF-8). `uescape` is the escape character of a U&'' string (after UESCAPE '!').
DecodedContent decodeContent(QStringView sql, const Token &token, Dialect dialect, char16_t uescape = u'\\');

// `value` written so that, placed between two escape sequences of content of that form, it reads
// back as `value` and ends nothing: quotes doubled or escaped and backslashes escaped where they
// escape, hex strings hex-encoded; in forms without escapes (comments, dollar and raw strings)
// every character that could end or nest the token becomes '_' (line breaks a space).
QString encodeContent(const DecodedContent &content, QStringView value);

} // namespace pairlens::sql
