// The lexer: one token at a position, by the rules of a dialect; the text as tokens; a token's text
// unquoted.

#include "sql/tokenizer.h"
#include "sql/tokenizer_p.h"

#include <QString>

namespace pairlens::sql {

namespace detail {

namespace {

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

} // namespace

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

} // namespace detail

using namespace detail;

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

} // namespace pairlens::sql
