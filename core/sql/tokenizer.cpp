#include "sql/tokenizer.h"

#include <QString>

#include <array>

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

qsizetype scanBlockComment(QStringView s, qsizetype i)
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
        } else if (c == u'/' && i + 1 < n && s[i + 1].unicode() == u'*') {
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

// `[x]` is a T-SQL quoted identifier unless it is a subscript (`a[1]`, `ARRAY[...]`, `text[]`):
// it must not follow a word, `]`, `)` or a quote directly, must not start with a quote and must
// close on the same line.
qsizetype bracketIdentifierEnd(QStringView s, qsizetype i)
{
    if (i > 0) {
        const char16_t p = s[i - 1].unicode();
        if (isWordPart(p) || p == u']' || p == u')' || p == u'"' || p == u'\'')
            return 0;
    }
    for (qsizetype j = i + 1; j < s.size(); ++j) {
        const char16_t c = s[j].unicode();
        if (c == u']') {
            if (j + 1 < s.size() && s[j + 1].unicode() == u']') {
                ++j;
                continue;
            }
            return j == i + 1 ? 0 : j + 1;
        }
        // `['a', 'b']` is an array of strings; T-SQL allows quotes inside, as in [# Fav's].
        if (c == u'\n' || c == u'\r' || c == u'[' || (c == u'\'' && j == i + 1))
            return 0;
    }
    return 0;
}

// `##Name##` or `##Name:type?default##` (Stack Exchange Data Explorer): the end, or 0.
qsizetype sedeParameterEnd(QStringView s, qsizetype i)
{
    const qsizetype n = s.size();
    qsizetype j = i + 2;
    if (j >= n || !(isAsciiLetter(s[j].unicode()) || s[j].unicode() == u'_'))
        return 0;
    for (; j + 1 < n; ++j) {
        const char16_t c = s[j].unicode();
        if (c == u'#' && s[j + 1].unicode() == u'#')
            return j + 2;
        if (c == u'\n' || c == u'\r' || c == u'\'' || c == u';')
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

Token nextToken(QStringView s, qsizetype i)
{
    const qsizetype n = s.size();
    const char16_t c = s[i].unicode();
    const char16_t d = i + 1 < n ? s[i + 1].unicode() : u'\0';
    auto make = [i](TokenKind kind, qsizetype end) { return Token{kind, i, end - i}; };

    if (isSpace(c)) {
        qsizetype j = i + 1;
        while (j < n && isSpace(s[j].unicode()))
            ++j;
        return make(TokenKind::Whitespace, j);
    }
    if (c == u'-' && d == u'-') {
        qsizetype j = i + 2;
        while (j < n && s[j].unicode() != u'\n' && s[j].unicode() != u'\r')
            ++j;
        return make(TokenKind::LineComment, j);
    }
    if (c == u'/' && d == u'*')
        return make(TokenKind::BlockComment, scanBlockComment(s, i));
    if (c == u'\'')
        return make(TokenKind::String, scanQuoted(s, i + 1, u'\'', false));
    if (d == u'\'' && (c == u'E' || c == u'e' || c == u'N' || c == u'n' || c == u'X' || c == u'x' ||
                       c == u'B' || c == u'b')) {
        // Only a prefix when it is not the end of a longer word (`name'` is not N'...').
        if (i == 0 || !isWordPart(s[i - 1].unicode()))
            return make(TokenKind::String, scanQuoted(s, i + 2, u'\'', c == u'E' || c == u'e'));
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
        if (const qsizetype end = bracketIdentifierEnd(s, i))
            return make(TokenKind::QuotedIdentifier, end);
        return make(TokenKind::Punctuation, i + 1);
    }
    if (c == u'$') {
        if (isDigit(d)) {
            qsizetype j = i + 1;
            while (j < n && isDigit(s[j].unicode()))
                ++j;
            return make(TokenKind::Parameter, j);
        }
        if (const qsizetype tag = dollarTagLength(s, i)) {
            const QStringView delimiter = s.mid(i, tag);
            const qsizetype close = s.indexOf(delimiter, i + tag);
            return make(TokenKind::DollarString, close < 0 ? n : close + tag);
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
    if (c == u'#') {
        if (d == u'#') {
            if (const qsizetype end = sedeParameterEnd(s, i))
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

QList<Token> tokenize(QStringView sql)
{
    QList<Token> tokens;
    tokens.reserve(sql.size() / 3 + 1);
    for (qsizetype i = 0; i < sql.size();) {
        const Token token = nextToken(sql, i);
        tokens.append(token);
        i += token.length;
    }
    return tokens;
}

QString unquote(QStringView source, const Token &token)
{
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
