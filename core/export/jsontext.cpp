#include "export/jsontext.h"

#include <QJsonArray>
#include <QJsonObject>

#include <charconv>
#include <cmath>
#include <cstring>

namespace pairlens::exporting::json {
namespace {

// What an ASCII byte needs: 0 = copy as is, 1 = two-character escape, 2 = \u00XX.
constexpr char kShortEscape[32] = {0, 0, 0, 0, 0, 0, 0, 0, 'b', 't', 'n', 0, 'f', 'r', 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0,   0,   0,   0, 0,   0,   0, 0};
constexpr char kHex[] = "0123456789abcdef";

// Writes UTF-8 for [begin, end) at p; JSON-escapes when `escape` is set. Returns the new end.
template <bool escape> char *encode(char *p, const char16_t *s, const char16_t *end)
{
    while (s < end) {
        const char16_t c = *s++;
        if (c < 0x80) {
            if constexpr (escape) {
                if (c < 0x20) {
                    *p++ = '\\';
                    if (const char e = kShortEscape[c]) {
                        *p++ = e;
                    } else {
                        *p++ = 'u';
                        *p++ = '0';
                        *p++ = '0';
                        *p++ = kHex[c >> 4];
                        *p++ = kHex[c & 15];
                    }
                    continue;
                }
                if (c == u'"' || c == u'\\') {
                    *p++ = '\\';
                    *p++ = char(c);
                    continue;
                }
            }
            *p++ = char(c);
        } else if (c < 0x800) {
            *p++ = char(0xC0 | (c >> 6));
            *p++ = char(0x80 | (c & 0x3F));
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            if (c <= 0xDBFF && s < end && *s >= 0xDC00 && *s <= 0xDFFF) {
                const char32_t cp = 0x10000 + ((char32_t(c) - 0xD800) << 10) + (char32_t(*s++) - 0xDC00);
                *p++ = char(0xF0 | (cp >> 18));
                *p++ = char(0x80 | ((cp >> 12) & 0x3F));
                *p++ = char(0x80 | ((cp >> 6) & 0x3F));
                *p++ = char(0x80 | (cp & 0x3F));
            } else { // an unpaired surrogate can't be encoded: U+FFFD
                *p++ = char(0xEF);
                *p++ = char(0xBF);
                *p++ = char(0xBD);
            }
        } else {
            *p++ = char(0xE0 | (c >> 12));
            *p++ = char(0x80 | ((c >> 6) & 0x3F));
            *p++ = char(0x80 | (c & 0x3F));
        }
    }
    return p;
}

template <bool escape> void appendEncoded(QByteArray &out, QStringView text, bool quote)
{
    const qsizetype old = out.size();
    // Worst case: 6 bytes per UTF-16 unit (\u00XX), plus the quotes.
    out.resize(old + text.size() * (escape ? 6 : 3) + 2);
    char *p = out.data() + old;
    if (quote)
        *p++ = '"';
    p = encode<escape>(p, reinterpret_cast<const char16_t *>(text.utf16()),
                       reinterpret_cast<const char16_t *>(text.utf16()) + text.size());
    if (quote)
        *p++ = '"';
    out.truncate(p - out.constData());
}

} // namespace

void appendString(QByteArray &out, QStringView text)
{
    appendEncoded<true>(out, text, true);
}

char *writeString(char *p, QStringView text)
{
    *p++ = '"';
    p = encode<true>(p, reinterpret_cast<const char16_t *>(text.utf16()),
                     reinterpret_cast<const char16_t *>(text.utf16()) + text.size());
    *p++ = '"';
    return p;
}

char *writeUtf8String(char *p, QByteArrayView utf8)
{
    *p++ = '"';
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20) {
            *p++ = '\\';
            if (const char e = kShortEscape[c]) {
                *p++ = e;
            } else {
                std::memcpy(p, "u00", 3);
                p[3] = kHex[c >> 4];
                p[4] = kHex[c & 15];
                p += 5;
            }
        } else if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = char(c);
        } else {
            *p++ = char(c);
        }
    }
    *p++ = '"';
    return p;
}

char *writeNumber(char *p, double value)
{
    if (!std::isfinite(value)) { // JSON has no NaN or infinity
        std::memcpy(p, "null", 4);
        return p + 4;
    }
    std::to_chars_result r;
    if (std::abs(value) < 9007199254740992.0 && value == std::trunc(value))
        r = std::to_chars(p, p + kNumberBound, qint64(value));
    else
        r = std::to_chars(p, p + kNumberBound, value);
    return r.ptr;
}

void appendUtf8String(QByteArray &out, QByteArrayView utf8)
{
    const qsizetype old = out.size();
    out.resize(old + stringBound(utf8.size()));
    out.truncate(writeUtf8String(out.data() + old, utf8) - out.constData());
}

void appendUtf8(QByteArray &out, QStringView text)
{
    appendEncoded<false>(out, text, false);
}

void appendNumber(QByteArray &out, double value)
{
    const qsizetype old = out.size();
    out.resize(old + kNumberBound);
    out.truncate(writeNumber(out.data() + old, value) - out.constData());
}

void appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out.append("null");
        break;
    case QJsonValue::Bool:
        out.append(value.toBool() ? "true" : "false");
        break;
    case QJsonValue::Double:
        appendNumber(out, value.toDouble());
        break;
    case QJsonValue::String:
        appendString(out, value.toString());
        break;
    case QJsonValue::Array: {
        out.append('[');
        bool first = true;
        for (const QJsonValue &v : value.toArray()) {
            if (!first)
                out.append(',');
            first = false;
            appendValue(out, v);
        }
        out.append(']');
        break;
    }
    case QJsonValue::Object:
        appendObject(out, value.toObject());
        break;
    }
}

void appendObject(QByteArray &out, const QJsonObject &object)
{
    out.append('{');
    bool first = true;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!first)
            out.append(',');
        first = false;
        appendString(out, it.key());
        out.append(':');
        appendValue(out, it.value());
    }
    out.append('}');
}

void appendStringArray(QByteArray &out, const QStringList &values)
{
    out.append('[');
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (i)
            out.append(',');
        appendString(out, values.at(i));
    }
    out.append(']');
}

} // namespace pairlens::exporting::json
