// The lexical rules of single dialects that need a look-ahead: PostgreSQL's dollar quotes, T-SQL's
// [bracketed] identifiers and Stack Exchange Data Explorer's ##parameters##; and the dialects' names.

#include "sql/tokenizer.h"
#include "sql/tokenizer_p.h"

#include <QString>

#include <algorithm>
#include <string_view>

namespace pairlens::sql {

namespace detail {

// `$tag$` at i: the length of the delimiter, or 0 when there is none.
qsizetype dollarTagLength(QStringView s, qsizetype i)
{
    qsizetype j = i + 1;
    if (j < s.size() && s[j].unicode() == u'$')
        return 2;
    if (j >= s.size() || !(isAsciiLetter(s[j].unicode()) || s[j].unicode() == u'_'))
        return 0;
    while (j < s.size() &&
           (isAsciiLetter(s[j].unicode()) || isDigit(s[j].unicode()) || s[j].unicode() == u'_'))
        ++j;
    return j < s.size() && s[j].unicode() == u'$' ? j + 1 - i : 0;
}

namespace {

inline bool isLineBreak(char16_t c)
{
    return c == u'\n' || c == u'\r';
}

} // namespace

// `[x]` is a T-SQL quoted identifier unless it is a subscript (`a[1]`, `ARRAY[...]`, `text[]`) or an
// array (`['a', 'b']`): it must not follow a word, `]`, `)` or a quote directly, and must close on
// its line before any other `[`. The look-ahead reads the line token by token, as the tokenizer reads
// it when the `[` is punctuation, and stops at a literal or comment: what a literal or comment holds
// never decides, so a `]` written into one (encodeContent(), the anonymizer) cannot turn an earlier
// `[` into an identifier that swallows the literal's opening quote. One exception keeps T-SQL names
// such as [# Fav's] and [Owners']: a quote right after a word character is an apostrophe, and the
// look-ahead reads on through that string's content up to a `]` (`]]` is one), giving up at a quote
// or `[` in it; after its closing quote it reads tokens again.
qsizetype bracketIdentifierEnd(QStringView s, qsizetype i, const Rules &r)
{
    const qsizetype n = s.size();
    if (i > 0) {
        const char16_t p = s[i - 1].unicode();
        if (isWordPart(p) || p == u']' || p == u')' || p == u'"' || p == u'\'')
            return 0;
    }
    qsizetype j = i + 1;
    while (j < n) {
        const char16_t c = s[j].unicode();
        if (c == u']') {
            if (j + 1 < n && s[j + 1].unicode() == u']') {
                j += 2;
                continue;
            }
            return j == i + 1 ? 0 : j + 1;
        }
        if (c == u'[' || isLineBreak(c))
            return 0;
        if (c == u'\'' && !r.backslashStrings && isWordPart(s[j - 1].unicode())) {
            // The content of a string whose quotes are doubled (scanQuoted() without backslashes).
            for (++j; j < n; ++j) {
                const char16_t a = s[j].unicode();
                if (a == u']') {
                    if (j + 1 < n && s[j + 1].unicode() == u']') {
                        ++j;
                        continue;
                    }
                    return j + 1;
                }
                if (a == u'[' || isLineBreak(a))
                    return 0;
                if (a == u'\'') {
                    if (j + 1 < n && s[j + 1].unicode() == u'\'')
                        return 0;
                    ++j; // after the closing quote
                    break;
                }
            }
            continue;
        }
        const Token t = lex(s, j, r);
        switch (t.kind) {
        case TokenKind::String:
        case TokenKind::DollarString:
        case TokenKind::LineComment:
        case TokenKind::BlockComment:
            return 0;
        default:
            break;
        }
        j = t.start + t.length;
        for (qsizetype k = t.start; k < j; ++k) {
            if (isLineBreak(s[k].unicode()))
                return 0; // whitespace, or a quoted identifier, running onto the next line
        }
    }
    return 0;
}

// `##Name##` or `##Name:type?default##` (Stack Exchange Data Explorer): the end, or 0. It closes on
// its line and never inside a literal or comment (the look-ahead stops at a quote, "--", "/*" or a
// dollar quote), for the reason given at bracketIdentifierEnd().
qsizetype sedeParameterEnd(QStringView s, qsizetype i, const Rules &r)
{
    const qsizetype n = s.size();
    qsizetype j = i + 2;
    if (j >= n || !(isAsciiLetter(s[j].unicode()) || s[j].unicode() == u'_'))
        return 0;
    for (; j + 1 < n; ++j) {
        const char16_t c = s[j].unicode();
        const char16_t d = s[j + 1].unicode();
        if (c == u'#' && d == u'#')
            return j + 2;
        if (isLineBreak(c) || c == u'\'' || c == u';' || (c == u'-' && d == u'-') ||
            (c == u'/' && d == u'*') || (c == u'$' && r.dollarStrings && dollarTagLength(s, j) > 0))
            return 0;
    }
    return 0;
}

} // namespace detail

Dialect dialectFromDatabaseType(QStringView databaseType)
{
    // Lower-case ASCII in a stack buffer (names are short; a longer one is judged by its start).
    const QStringView trimmed = databaseType.trimmed();
    char buffer[64];
    const qsizetype n = std::min<qsizetype>(trimmed.size(), qsizetype(sizeof buffer));
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = trimmed[i].unicode();
        buffer[i] = c < 0x80 ? char((c >= u'A' && c <= u'Z') ? c | 0x20 : c) : '?';
    }
    const std::string_view t(buffer, size_t(n));
    if (t.empty())
        return Dialect::Generic;
    const auto has = [t](std::string_view part) { return t.find(part) != std::string_view::npos; };
    if (has("postgre") || has("pgsql") || t == "pg" || t == "psql" || has("redshift") || has("cockroach") ||
        has("greenplum") || has("timescale"))
        return Dialect::PostgreSQL;
    if (has("mysql") || has("mariadb") || has("tidb"))
        return Dialect::MySQL;
    if (has("sqlite"))
        return Dialect::SQLite;
    if (has("mssql") || has("sql server") || has("sqlserver") || has("tsql") || has("t-sql") ||
        has("azure sql") || has("synapse"))
        return Dialect::TSql;
    if (has("bigquery"))
        return Dialect::BigQuery;
    if (has("snowflake"))
        return Dialect::Snowflake;
    return Dialect::Generic;
}

QString dialectName(Dialect dialect)
{
    switch (dialect) {
    case Dialect::Generic:
        return QStringLiteral("generic");
    case Dialect::PostgreSQL:
        return QStringLiteral("postgresql");
    case Dialect::MySQL:
        return QStringLiteral("mysql");
    case Dialect::SQLite:
        return QStringLiteral("sqlite");
    case Dialect::TSql:
        return QStringLiteral("tsql");
    case Dialect::BigQuery:
        return QStringLiteral("bigquery");
    case Dialect::Snowflake:
        return QStringLiteral("snowflake");
    }
    return QStringLiteral("generic");
}

} // namespace pairlens::sql
