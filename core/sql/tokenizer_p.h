#pragma once

// Internal to the tokenizer: the character classes and the per-dialect lexical rules, shared by
// the lexer (tokenizer.cpp), the dialect-specific look-aheads (tokenizerdialect.cpp) and the
// decoding and encoding of a string's content (tokenizercontent.cpp).

#include "sql/tokenizer.h"

#include <QChar>

#include <array>

namespace pairlens::sql::detail {

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

// The lexer (tokenizer.cpp).
Token lex(QStringView s, qsizetype i, const Rules &r);
int stringPrefix(QStringView s, qsizetype i, const Rules &r, char16_t *quote);

// The dialect-specific look-aheads (tokenizerdialect.cpp).
qsizetype dollarTagLength(QStringView s, qsizetype i);
qsizetype bracketIdentifierEnd(QStringView s, qsizetype i, const Rules &r);
qsizetype sedeParameterEnd(QStringView s, qsizetype i, const Rules &r);

} // namespace pairlens::sql::detail
