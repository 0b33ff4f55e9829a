#include "sql/tokenizer.h"

#include <QByteArray>
#include <QString>

#include <algorithm>
#include <array>
#include <string_view>

namespace pairlens::sql {

namespace {

// Character classes of ASCII, looked up once per character.
enum : quint8
{
    kSpace = 1,
    kLetter = 2,
    kDigit = 4,
    kWordPart = 8
};

constexpr std::array<quint8, 128> makeClasses()
{
    std::array<quint8, 128> t{};
    for (int c = 0; c < 128; ++c) {
        quint8 v = 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
            v |= kSpace;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
            v |= kLetter | kWordPart;
        if (c >= '0' && c <= '9')
            v |= kDigit | kWordPart;
        if (c == '$')
            v |= kWordPart;
        t[size_t(c)] = v;
    }
    return t;
}

constexpr std::array<quint8, 128> kClasses = makeClasses();

// The lexical rules that differ between dialects.
struct Rules
{
    bool hashComments = false;  // # to the end of the line
    bool slashComments = false; // // to the end of the line
    bool nestedComments = true; // /* /* */ */
    bool doubleQuotedStrings = false;
    bool backslashStrings = false;  // backslash escapes in every string
    bool eStrings = true;           // E'...' with backslash escapes
    bool uStrings = true;           // U&'...'
    bool dollarStrings = true;      // $tag$ ... $tag$
    bool bracketIdentifiers = true; // [x]
    bool tempTables = true;         // #temp, ##global, ##SedeParameter##
    bool bigQueryStrings = false;   // triple-quoted, r'x', b'x'
};

constexpr Rules rulesFor(Dialect d)
{
    Rules r;
    switch (d) {
    case Dialect::Generic:
        break;
    case Dialect::PostgreSQL:
        r.bracketIdentifiers = false;
        r.tempTables = false;
        break;
    case Dialect::MySQL:
        r.hashComments = true;
        r.nestedComments = false;
        r.doubleQuotedStrings = true;
        r.backslashStrings = true;
        r.eStrings = r.uStrings = r.dollarStrings = r.bracketIdentifiers = r.tempTables = false;
        break;
    case Dialect::SQLite:
        r.nestedComments = false;
        r.eStrings = r.uStrings = r.dollarStrings = r.tempTables = false;
        break;
    case Dialect::TSql:
        r.eStrings = r.uStrings = r.dollarStrings = false;
        break;
    case Dialect::BigQuery:
        r.hashComments = true;
        r.nestedComments = false;
        r.doubleQuotedStrings = true;
        r.backslashStrings = true;
        r.bigQueryStrings = true;
        r.eStrings = r.uStrings = r.dollarStrings = r.bracketIdentifiers = r.tempTables = false;
        break;
    case Dialect::Snowflake:
        r.slashComments = true;
        r.nestedComments = false;
        r.backslashStrings = true;
        r.eStrings = r.uStrings = r.bracketIdentifiers = r.tempTables = false;
        break;
    }
    return r;
}

inline bool isAsciiLetter(char16_t c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}
inline bool isDigit(char16_t c)
{
    return c >= u'0' && c <= u'9';
}
inline bool isHexDigit(char16_t c)
{
    return isDigit(c) || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

inline bool isSpace(char16_t c)
{
    if (c < 128)
        return kClasses[c] & kSpace;
    return QChar::isSpace(char32_t(c));
}

// Non-ASCII characters that are not spaces count as letters: identifiers in other scripts, and
// surrogate halves of characters outside the BMP, stay inside one Word token.
inline bool isWordStart(char16_t c)
{
    return c < 128 ? (kClasses[c] & kLetter) != 0 : !isSpace(c);
}
inline bool isWordPart(char16_t c)
{
    return c < 128 ? (kClasses[c] & kWordPart) != 0 : !isSpace(c);
}

qsizetype scanWord(QStringView s, qsizetype i)
{
    while (i < s.size() && isWordPart(s[i].unicode()))
        ++i;
    return i;
}

// A quoted run that ends at `quote`, where a doubled quote is an escaped one. With `backslash`
// a backslash escapes the next character (E'...'). Returns the end (exclusive).
qsizetype scanQuoted(QStringView s, qsizetype i, char16_t quote, bool backslash)
{
    const qsizetype n = s.size();
    while (i < n) {
        const char16_t c = s[i].unicode();
        if (backslash && c == u'\\') {
            i += 2;
            continue;
        }
        if (c == quote) {
            if (i + 1 < n && s[i + 1].unicode() == quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        ++i;
    }
    return n;
}

// A BigQuery triple-quoted run from its content at i to after the closing three quotes (or the end).
qsizetype scanTripleQuoted(QStringView s, qsizetype i, char16_t quote)
{
    const qsizetype n = s.size();
    while (i < n) {
        const char16_t c = s[i].unicode();
        if (c == u'\\') {
            i += 2;
            continue;
        }
        if (c == quote && i + 2 < n && s[i + 1].unicode() == quote && s[i + 2].unicode() == quote)
            return i + 3;
        ++i;
    }
    return n;
}

qsizetype scanBlockComment(QStringView s, qsizetype i, bool nested)
{
    const qsizetype n = s.size();
    int depth = 1;
    i += 2;
    while (i < n) {
        const char16_t c = s[i].unicode();
        if (c == u'*' && i + 1 < n && s[i + 1].unicode() == u'/') {
            i += 2;
            if (--depth == 0)
                return i;
        } else if (nested && c == u'/' && i + 1 < n && s[i + 1].unicode() == u'*') {
            i += 2;
            ++depth;
        } else {
            ++i;
        }
    }
    return n;
}

qsizetype scanNumber(QStringView s, qsizetype i)
{
    const qsizetype n = s.size();
    if (s[i].unicode() == u'0' && i + 2 < n && (s[i + 1].unicode() == u'x' || s[i + 1].unicode() == u'X') &&
        isHexDigit(s[i + 2].unicode())) {
        i += 2;
        while (i < n && isHexDigit(s[i].unicode()))
            ++i;
        return i;
    }
    while (i < n && isDigit(s[i].unicode()))
        ++i;
    if (i < n && s[i].unicode() == u'.') {
        ++i;
        while (i < n && isDigit(s[i].unicode()))
            ++i;
    }
    if (i < n && (s[i].unicode() == u'e' || s[i].unicode() == u'E')) {
        qsizetype j = i + 1;
        if (j < n && (s[j].unicode() == u'+' || s[j].unicode() == u'-'))
            ++j;
        if (j < n && isDigit(s[j].unicode())) {
            while (j < n && isDigit(s[j].unicode()))
                ++j;
            i = j;
        }
    }
    return i;
}

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

Token lex(QStringView s, qsizetype i, const Rules &r);

inline bool isLineBreak(char16_t c)
{
    return c == u'\n' || c == u'\r';
}

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

// Longest operator at i (one character at least); compared character by character, no tables.
qsizetype operatorLength(QStringView s, qsizetype i)
{
    const qsizetype n = s.size();
    const char16_t c = s[i].unicode();
    const char16_t d = i + 1 < n ? s[i + 1].unicode() : u'\0';
    const char16_t e = i + 2 < n ? s[i + 2].unicode() : u'\0';
    switch (c) {
    case u'-':
        return d == u'>' ? (e == u'>' ? 3 : 2) : (d == u'=' || d == u'|') ? 2 : 1;
    case u'#':
        return d == u'>' ? (e == u'>' ? 3 : 2) : 1;
    case u'!':
        if (d == u'~')
            return e == u'*' ? 3 : 2;
        return (d == u'=' || d == u'<' || d == u'>') ? 2 : 1;
    case u'<':
        if (d == u'=')
            return e == u'>' ? 3 : 2;
        return (d == u'>' || d == u'@' || d == u'<') ? 2 : 1;
    case u'>':
        return (d == u'=' || d == u'>') ? 2 : 1;
    case u'|':
        return (d == u'|' || d == u'=') ? 2 : 1;
    case u':':
        return (d == u':' || d == u'=') ? 2 : 1;
    case u'@':
        return (d == u'>' || d == u'@') ? 2 : 1;
    case u'&':
        return (d == u'&' || d == u'=') ? 2 : 1;
    case u'~':
        return (d == u'*' || d == u'~') ? 2 : 1;
    case u'=':
        return (d == u'>' || d == u'=') ? 2 : 1;
    case u'?':
        return (d == u'|' || d == u'&') ? 2 : 1;
    case u'+':
    case u'*':
    case u'/':
    case u'%':
    case u'^':
        return d == u'=' ? 2 : 1;
    default:
        return 1;
    }
}

inline bool isOperatorChar(char16_t c)
{
    switch (c) {
    case u'+':
    case u'-':
    case u'*':
    case u'/':
    case u'%':
    case u'=':
    case u'<':
    case u'>':
    case u'!':
    case u'~':
    case u'^':
    case u'&':
    case u'|':
    case u'#':
    case u'@':
    case u':':
    case u'?':
        return true;
    default:
        return false;
    }
}

} // namespace

namespace {

// Where a string starts at i: the length of its prefix (0 for a bare quote, 1 for E N X B R, 2 for
// U& RB BR), or -1 when no string starts here. `quote` is set to the opening quote.
int stringPrefix(QStringView s, qsizetype i, const Rules &r, char16_t *quote)
{
    const qsizetype n = s.size();
    const char16_t c = s[i].unicode();
    const auto isQuote = [&](qsizetype k) {
        if (k >= n)
            return false;
        const char16_t q = s[k].unicode();
        return q == u'\'' || (q == u'"' && (r.doubleQuotedStrings || r.bigQueryStrings));
    };
    if (c == u'\'' || (c == u'"' && r.doubleQuotedStrings)) {
        *quote = c;
        return 0;
    }
    if (!isAsciiLetter(c) || (i > 0 && isWordPart(s[i - 1].unicode())))
        return -1; // a prefix is never the end of a longer word (`name'` is not N'...')
    const char16_t l = c | 0x20;
    const char16_t d = i + 1 < n ? s[i + 1].unicode() : u'\0';
    if (r.bigQueryStrings) {
        const char16_t dl = d | 0x20;
        if (((l == u'r' && dl == u'b') || (l == u'b' && dl == u'r')) && isQuote(i + 2)) {
            *quote = s[i + 2].unicode();
            return 2;
        }
        if ((l == u'r' || l == u'b') && isQuote(i + 1)) {
            *quote = d;
            return 1;
        }
    }
    if (d == u'\'') {
        if (l == u'n' || l == u'x' || (l == u'b' && !r.bigQueryStrings) || (l == u'e' && r.eStrings)) {
            *quote = d;
            return 1;
        }
    }
    if (l == u'u' && r.uStrings && d == u'&' && i + 2 < n && s[i + 2].unicode() == u'\'') {
        *quote = u'\'';
        return 2;
    }
    return -1;
}

// The end of the string whose prefix (of `prefix` units) starts at i.
qsizetype stringEnd(QStringView s, qsizetype i, int prefix, char16_t quote, const Rules &r)
{
    const qsizetype open = i + prefix;
    const char16_t p = s[i].unicode() | 0x20;
    if (r.bigQueryStrings) {
        if (open + 2 < s.size() && s[open + 1].unicode() == quote && s[open + 2].unicode() == quote)
            return scanTripleQuoted(s, open + 3, quote);
        return scanQuoted(s, open + 1, quote, true); // raw strings too: \' never ends one
    }
    const bool backslash = (prefix == 1 && p == u'e') || (r.backslashStrings && p != u'x' && p != u'b');
    return scanQuoted(s, open + 1, quote, backslash);
}

Token lex(QStringView s, qsizetype i, const Rules &r)
{
    const qsizetype n = s.size();
    const char16_t c = s[i].unicode();
    const char16_t d = i + 1 < n ? s[i + 1].unicode() : u'\0';
    auto make = [i](TokenKind kind, qsizetype end) { return Token{kind, i, end - i}; };
    auto lineComment = [&](qsizetype from) {
        qsizetype j = from;
        while (j < n && s[j].unicode() != u'\n' && s[j].unicode() != u'\r')
            ++j;
        return make(TokenKind::LineComment, j);
    };

    if (isSpace(c)) {
        qsizetype j = i + 1;
        while (j < n && isSpace(s[j].unicode()))
            ++j;
        return make(TokenKind::Whitespace, j);
    }
    if (c == u'-' && d == u'-')
        return lineComment(i + 2);
    if (c == u'/' && d == u'*')
        return make(TokenKind::BlockComment, scanBlockComment(s, i, r.nestedComments));
    if ((c == u'#' && r.hashComments) || (c == u'/' && d == u'/' && r.slashComments))
        return lineComment(i + 1);
    // A string: a quote, or a prefix letter (or two) right before one.
    if (c == u'\'' || c == u'"' ||
        (isAsciiLetter(c) &&
         (d == u'\'' || d == u'"' || d == u'&' || (r.bigQueryStrings && isAsciiLetter(d))))) {
        char16_t quote = 0;
        const int prefix = stringPrefix(s, i, r, &quote);
        if (prefix >= 0)
            return make(TokenKind::String, stringEnd(s, i, prefix, quote, r));
    }
    if (isWordStart(c))
        return make(TokenKind::Word, scanWord(s, i + 1));
    if (isDigit(c) || (c == u'.' && isDigit(d)))
        return make(TokenKind::Number, scanNumber(s, i));
    if (c == u'"')
        return make(TokenKind::QuotedIdentifier, scanQuoted(s, i + 1, u'"', false));
    if (c == u'`')
        return make(TokenKind::QuotedIdentifier, scanQuoted(s, i + 1, u'`', false));
    if (c == u'[') {
        if (r.bracketIdentifiers) {
            if (const qsizetype end = bracketIdentifierEnd(s, i, r))
                return make(TokenKind::QuotedIdentifier, end);
        }
        return make(TokenKind::Punctuation, i + 1);
    }
    if (c == u'$') {
        if (isDigit(d)) {
            qsizetype j = i + 1;
            while (j < n && isDigit(s[j].unicode()))
                ++j;
            return make(TokenKind::Parameter, j);
        }
        if (r.dollarStrings) {
            if (const qsizetype tag = dollarTagLength(s, i)) {
                const QStringView delimiter = s.mid(i, tag);
                const qsizetype close = s.indexOf(delimiter, i + tag);
                return make(TokenKind::DollarString, close < 0 ? n : close + tag);
            }
        }
        if (isWordStart(d))
            return make(TokenKind::Parameter, scanWord(s, i + 1));
        return make(TokenKind::Unknown, i + 1);
    }
    if (c == u'(' || c == u')' || c == u',' || c == u';' || c == u'.' || c == u']' || c == u'{' || c == u'}')
        return make(TokenKind::Punctuation, i + 1);
    if (c == u'?') {
        qsizetype j = i + 1;
        while (j < n && isDigit(s[j].unicode()))
            ++j;
        if (j == i + 1 && (d == u'|' || d == u'&'))
            return make(TokenKind::Operator, i + 2);
        return make(TokenKind::Parameter, j);
    }
    if (c == u':' && d != u':' && (isWordStart(d) && d <= 0x7f))
        return make(TokenKind::Parameter, scanWord(s, i + 1));
    if (c == u'@') {
        if (d == u'@' && i + 2 < n && isWordStart(s[i + 2].unicode()))
            return make(TokenKind::Parameter, scanWord(s, i + 2));
        if (isWordStart(d))
            return make(TokenKind::Parameter, scanWord(s, i + 1));
    }
    if (c == u'#' && r.tempTables) {
        if (d == u'#') {
            if (const qsizetype end = sedeParameterEnd(s, i, r))
                return make(TokenKind::Parameter, end);
            if (i + 2 < n && isWordStart(s[i + 2].unicode()))
                return make(TokenKind::Word, scanWord(s, i + 2)); // ##global temporary table
        } else if (isWordStart(d)) {
            return make(TokenKind::Word, scanWord(s, i + 1)); // #temporary table (T-SQL)
        }
    }
    if (isOperatorChar(c))
        return make(TokenKind::Operator, i + operatorLength(s, i));
    return make(TokenKind::Unknown, i + 1);
}

} // namespace

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

Token nextToken(QStringView s, qsizetype i, Dialect dialect)
{
    static constexpr Rules kRules[] = {rulesFor(Dialect::Generic),  rulesFor(Dialect::PostgreSQL),
                                       rulesFor(Dialect::MySQL),    rulesFor(Dialect::SQLite),
                                       rulesFor(Dialect::TSql),     rulesFor(Dialect::BigQuery),
                                       rulesFor(Dialect::Snowflake)};
    return lex(s, i, kRules[int(dialect)]);
}

QList<Token> tokenize(QStringView sql, Dialect dialect)
{
    QList<Token> tokens;
    tokens.reserve(sql.size() / 3 + 1);
    for (qsizetype i = 0; i < sql.size();) {
        const Token token = nextToken(sql, i, dialect);
        tokens.append(token);
        i += token.length;
    }
    return tokens;
}

QString unquote(QStringView source, const Token &token, Dialect dialect)
{
    if (dialect != Dialect::Generic && token.kind == TokenKind::String) {
        const DecodedContent content = decodeContent(source, token, dialect);
        if (content.form != ContentForm::None && content.form != ContentForm::Hex)
            return content.value;
    }
    const QStringView text = token.text(source);
    switch (token.kind) {
    case TokenKind::DollarString: {
        const qsizetype tag = dollarTagLength(text, 0);
        if (tag == 0)
            return text.toString();
        QStringView body = text.mid(tag);
        if (body.size() >= tag && body.endsWith(text.left(tag)))
            body.chop(tag);
        return body.toString();
    }
    case TokenKind::String:
    case TokenKind::QuotedIdentifier: {
        qsizetype open = 0;
        if (token.kind == TokenKind::String && !text.startsWith(u'\''))
            open = 1; // E N X B prefix
        if (text.size() <= open)
            return QString();
        const char16_t quote = text[open].unicode();
        const char16_t close = quote == u'[' ? u']' : quote;
        const bool backslash = token.kind == TokenKind::String && open == 1 &&
                               (text[0].unicode() == u'E' || text[0].unicode() == u'e');
        QString out;
        out.reserve(text.size());
        const qsizetype n = text.size();
        for (qsizetype i = open + 1; i < n; ++i) {
            const char16_t c = text[i].unicode();
            if (backslash && c == u'\\' && i + 1 < n) {
                const char16_t e = text[++i].unicode();
                switch (e) {
                case u'n':
                    out += u'\n';
                    break;
                case u't':
                    out += u'\t';
                    break;
                case u'r':
                    out += u'\r';
                    break;
                case u'b':
                    out += u'\b';
                    break;
                case u'f':
                    out += u'\f';
                    break;
                default:
                    out += QChar(e);
                    break;
                }
                continue;
            }
            if (c == close) {
                if (i + 1 < n && text[i + 1].unicode() == close) {
                    out += QChar(close);
                    ++i;
                    continue;
                }
                break; // the closing quote
            }
            out += QChar(c);
        }
        return out;
    }
    default:
        return text.toString();
    }
}

namespace {

int hexValue(char16_t c)
{
    if (isDigit(c))
        return c - u'0';
    if (c >= u'a' && c <= u'f')
        return c - u'a' + 10;
    if (c >= u'A' && c <= u'F')
        return c - u'A' + 10;
    return -1;
}

// Reads up to `max` (at least `min`) hex digits at s[i]; returns how many, or 0.
int readHex(QStringView s, qsizetype i, qsizetype end, int min, int max, char32_t *value)
{
    char32_t v = 0;
    int k = 0;
    while (k < max && i + k < end && hexValue(s[i + k].unicode()) >= 0) {
        v = v * 16 + char32_t(hexValue(s[i + k].unicode()));
        ++k;
    }
    if (k < min)
        return 0;
    *value = v;
    return k;
}

// Appends what source[from, to) reads as (a code point, or the units themselves when cp is -1).
struct Builder
{
    DecodedContent &out;
    void unit(char16_t c, qsizetype from, qsizetype to)
    {
        out.value.append(QChar(c));
        out.from.append(from);
        out.to.append(to);
    }
    void codePoint(char32_t cp, qsizetype from, qsizetype to)
    {
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD;
        if (cp > 0xFFFF) {
            unit(QChar::highSurrogate(cp), from, to);
            unit(QChar::lowSurrogate(cp), from, to);
        } else {
            unit(char16_t(cp), from, to);
        }
    }
    // A unit copied as it is; a surrogate pair maps both halves to the pair.
    qsizetype copy(QStringView s, qsizetype i, qsizetype end)
    {
        const char16_t c = s[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < end && QChar::isLowSurrogate(s[i + 1].unicode())) {
            unit(c, i, i + 2);
            unit(s[i + 1].unicode(), i, i + 2);
            return i + 2;
        }
        unit(c, i, i + 1);
        return i + 1;
    }
};

// One backslash escape at s[i] ('\\'); returns its end. MySQL keeps "\%" and "\_" as two characters
// (they escape LIKE wildcards); the others read as one character.
qsizetype backslashEscape(QStringView s, qsizetype i, qsizetype end, Dialect dialect, Builder &b)
{
    if (i + 1 >= end) {
        b.unit(u'\\', i, i + 1);
        return i + 1;
    }
    const char16_t e = s[i + 1].unicode();
    char32_t v = 0;
    switch (e) {
    case u'n':
        b.unit(u'\n', i, i + 2);
        return i + 2;
    case u't':
        b.unit(u'\t', i, i + 2);
        return i + 2;
    case u'r':
        b.unit(u'\r', i, i + 2);
        return i + 2;
    case u'b':
        b.unit(u'\b', i, i + 2);
        return i + 2;
    case u'f':
        b.unit(u'\f', i, i + 2);
        return i + 2;
    case u'v':
        b.unit(u'\v', i, i + 2);
        return i + 2;
    case u'a':
        b.unit(u'\a', i, i + 2);
        return i + 2;
    case u'Z':
        if (dialect == Dialect::MySQL) {
            b.unit(u'\x1a', i, i + 2);
            return i + 2;
        }
        break;
    case u'%':
    case u'_':
        if (dialect == Dialect::MySQL) {
            b.unit(u'\\', i, i + 2);
            b.unit(e, i, i + 2);
            return i + 2;
        }
        break;
    case u'x':
    case u'X':
        if (const int k = readHex(s, i + 2, end, 1, 2, &v)) {
            b.codePoint(v, i, i + 2 + k);
            return i + 2 + k;
        }
        break;
    case u'u':
        if (readHex(s, i + 2, end, 4, 4, &v)) {
            b.codePoint(v, i, i + 6);
            return i + 6;
        }
        break;
    case u'U':
        if (readHex(s, i + 2, end, 8, 8, &v)) {
            b.codePoint(v, i, i + 10);
            return i + 10;
        }
        break;
    default:
        if (e >= u'0' && e <= u'7') {
            qsizetype k = i + 1;
            while (k < end && k < i + 4 && s[k].unicode() >= u'0' && s[k].unicode() <= u'7') {
                v = v * 8 + (s[k].unicode() - u'0');
                ++k;
            }
            b.codePoint(v, i, k);
            return k;
        }
        break;
    }
    if (QChar::isHighSurrogate(e) && i + 2 < end && QChar::isLowSurrogate(s[i + 2].unicode())) {
        b.unit(e, i, i + 3);
        b.unit(s[i + 2].unicode(), i, i + 3);
        return i + 3;
    }
    b.unit(e, i, i + 2);
    return i + 2;
}

// Where the string's closing quote (or the first of three) is in t, from its content at i; -1 when
// it has none.
qsizetype closingQuote(QStringView t, qsizetype i, char16_t quote, bool triple, bool backslash)
{
    const qsizetype n = t.size();
    while (i < n) {
        const char16_t ch = t[i].unicode();
        if (backslash && ch == u'\\') {
            i += 2;
            continue;
        }
        if (ch == quote) {
            if (triple) {
                if (i + 2 < n && t[i + 1].unicode() == quote && t[i + 2].unicode() == quote)
                    return i;
                ++i;
                continue;
            }
            if (i + 1 < n && t[i + 1].unicode() == quote) {
                i += 2;
                continue;
            }
            return i;
        }
        ++i;
    }
    return -1;
}

} // namespace

DecodedContent decodeContent(QStringView sql, const Token &token, Dialect dialect, char16_t uescape)
{
    DecodedContent c;
    const QStringView t = token.text(sql);
    const qsizetype base = token.start;
    const qsizetype n = t.size();
    const Rules r = rulesFor(dialect);
    auto verbatim = [&](ContentForm form, qsizetype open, qsizetype close) {
        c.form = form;
        c.contentStart = base + open;
        c.contentEnd = base + std::max(open, n - close);
        c.value = QString::fromRawData(reinterpret_cast<const QChar *>(sql.utf16() + c.contentStart),
                                       c.contentEnd - c.contentStart);
        return c;
    };
    switch (token.kind) {
    case TokenKind::LineComment:
        return verbatim(ContentForm::Comment, t.startsWith(u'#') ? 1 : 2, 0);
    case TokenKind::BlockComment:
        return verbatim(ContentForm::BlockComment, 2, n >= 4 && t.endsWith(u"*/") ? 2 : 0);
    case TokenKind::DollarString: {
        const qsizetype tag = dollarTagLength(t, 0);
        if (tag == 0)
            return c;
        c.dollarTag = t.left(tag).toString();
        return verbatim(ContentForm::Dollar, tag, n >= 2 * tag && t.endsWith(t.left(tag)) ? tag : 0);
    }
    case TokenKind::String:
        break;
    default:
        return c;
    }
    char16_t quote = 0;
    const int prefix = stringPrefix(t, 0, r, &quote);
    if (prefix < 0)
        return c;
    const char16_t p = t[0].unicode() | 0x20;
    c.quote = quote;
    if (prefix == 2 && p == u'u') {
        c.form = ContentForm::UnicodeEscape;
        c.escape = uescape;
    } else if (r.bigQueryStrings && prefix > 0 && (p == u'r' || (t[1].unicode() | 0x20) == u'r')) {
        c.form = ContentForm::Raw;
    } else if (prefix == 1 && p == u'x') {
        c.form = ContentForm::Hex;
    } else if (prefix == 1 && p == u'b' && !r.bigQueryStrings) {
        return c; // a bit string
    } else if ((prefix == 1 && p == u'e') || r.backslashStrings) {
        c.form = ContentForm::Backslash;
    } else {
        c.form = ContentForm::Quoted;
    }
    qsizetype open = prefix + 1; // after the opening quote
    if (r.bigQueryStrings && prefix + 2 < n && t[prefix + 1].unicode() == quote &&
        t[prefix + 2].unicode() == quote) {
        c.tripleQuoted = true;
        open = prefix + 3;
    }
    c.contentStart = base + open;
    // The content ends at the closing quote(s), found the way the lexer found them (none: the
    // string runs to the end of the text).
    const bool backslash = c.tripleQuoted || c.form == ContentForm::Backslash || c.form == ContentForm::Raw;
    const qsizetype close = closingQuote(t, open, quote, c.tripleQuoted, backslash);
    c.contentEnd = base + (close < 0 ? n : close);
    const qsizetype cs = c.contentStart, ce = c.contentEnd;
    // Verbatim when nothing in the content is written as an escape.
    bool escapes = c.form == ContentForm::Hex;
    for (qsizetype i = cs; i < ce && !escapes; ++i) {
        const char16_t ch = sql[i].unicode();
        escapes = ch == quote || (ch == u'\\' && c.form == ContentForm::Backslash) ||
                  (ch == c.escape && c.form == ContentForm::UnicodeEscape);
    }
    if (!escapes || c.form == ContentForm::Raw) {
        c.value = QString::fromRawData(reinterpret_cast<const QChar *>(sql.utf16() + cs), ce - cs);
        return c;
    }
    c.verbatim = false;
    c.value.reserve(ce - cs);
    c.from.reserve(ce - cs);
    c.to.reserve(ce - cs);
    Builder b{c};
    if (c.form == ContentForm::Hex) {
        QByteArray bytes;
        QList<qsizetype> byteFrom;
        for (qsizetype i = cs; i + 1 < ce; i += 2) {
            const int hi = hexValue(sql[i].unicode()), lo = hexValue(sql[i + 1].unicode());
            if (hi < 0 || lo < 0)
                return DecodedContent{};
            bytes.append(char(hi * 16 + lo));
            byteFrom.append(i);
        }
        if ((ce - cs) % 2 != 0 || !QByteArrayView(bytes).isValidUtf8())
            return DecodedContent{};
        qsizetype k = 0;
        while (k < bytes.size()) {
            const uchar lead = uchar(bytes[k]);
            const int len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            const QString ch = QString::fromUtf8(bytes.constData() + k, len);
            for (QChar u : ch)
                b.unit(u.unicode(), byteFrom[k], byteFrom[k + len - 1] + 2);
            k += len;
        }
        return c;
    }
    for (qsizetype i = cs; i < ce;) {
        const char16_t ch = sql[i].unicode();
        if (ch == quote && !c.tripleQuoted && i + 1 < ce && sql[i + 1].unicode() == quote) {
            b.unit(quote, i, i + 2);
            i += 2;
            continue;
        }
        if (c.form == ContentForm::Backslash && ch == u'\\') {
            i = backslashEscape(sql, i, ce, dialect, b);
            continue;
        }
        if (c.form == ContentForm::UnicodeEscape && ch == c.escape) {
            char32_t v = 0;
            if (i + 1 < ce && sql[i + 1].unicode() == c.escape) {
                b.unit(c.escape, i, i + 2);
                i += 2;
            } else if (i + 1 < ce && sql[i + 1].unicode() == u'+' && readHex(sql, i + 2, ce, 6, 6, &v)) {
                b.codePoint(v, i, i + 8);
                i += 8;
            } else if (readHex(sql, i + 1, ce, 4, 4, &v)) {
                b.codePoint(v, i, i + 5);
                i += 5;
            } else {
                i = b.copy(sql, i, ce);
            }
            continue;
        }
        i = b.copy(sql, i, ce);
    }
    return c;
}

QString encodeContent(const DecodedContent &content, QStringView value)
{
    QString out;
    out.reserve(value.size() + 8);
    const qsizetype n = value.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = value[i].unicode();
        const char16_t next = i + 1 < n ? value[i + 1].unicode() : u'\0';
        switch (content.form) {
        case ContentForm::Comment:
            out += (c == u'\n' || c == u'\r') ? u' ' : QChar(c);
            break;
        case ContentForm::BlockComment: {
            // No "*/" or "/*" inside, and no '*' or '/' at either end (they could pair with the
            // characters around the value).
            const bool edge = i == 0 || i == n - 1;
            const bool pairs = (c == u'*' && next == u'/') || (c == u'/' && next == u'*');
            out += ((c == u'*' || c == u'/') && (edge || pairs)) ? u'_' : QChar(c);
            break;
        }
        case ContentForm::Quoted:
            out += QChar(c);
            if (c == content.quote)
                out += QChar(c);
            break;
        case ContentForm::Backslash:
            if (c == u'\\' || c == content.quote)
                out += u'\\';
            out += QChar(c);
            break;
        case ContentForm::UnicodeEscape:
            out += QChar(c);
            if (c == content.quote || c == content.escape)
                out += QChar(c);
            break;
        case ContentForm::Raw:
            out += (c == content.quote || c == u'\\') ? u'_' : QChar(c);
            break;
        case ContentForm::Dollar:
            out += c == u'$' ? u'_' : QChar(c);
            break;
        case ContentForm::Hex:
        case ContentForm::None:
            out += QChar(c);
            break;
        }
    }
    if (content.form == ContentForm::Hex)
        return QString::fromLatin1(value.toUtf8().toHex().toUpper());
    return out;
}

} // namespace pairlens::sql
