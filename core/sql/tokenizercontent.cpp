// The content of a string literal: decoded with its escapes, and a new value encoded in the same form.

#include "sql/tokenizer.h"
#include "sql/tokenizer_p.h"

#include <QByteArray>
#include <QString>

namespace pairlens::sql {

using namespace detail;

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
