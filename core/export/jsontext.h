#pragma once

// Fast JSON text output: appends UTF-8 straight into a byte buffer (no QJsonDocument per record).
// The output is plain RFC 8259 JSON that any parser reads back to the same values.

#include <QByteArray>
#include <QJsonValue>
#include <QStringList>
#include <QStringView>

namespace pairlens::exporting::json {

// Appends `text` as a quoted JSON string: '"' and '\\' escaped, control characters as \n, \t, ...
// or \u00XX, everything else as UTF-8 (unpaired surrogates become U+FFFD).
void appendString(QByteArray &out, QStringView text);
// The same for text that is UTF-8 already (copied as it is apart from the escapes).
void appendUtf8String(QByteArray &out, QByteArrayView utf8);
// Appends `text` as UTF-8 without quotes or escaping (used by CSV); same surrogate handling.
void appendUtf8(QByteArray &out, QStringView text);
// The shortest text that reads back as the same double; integral values without a fraction.
void appendNumber(QByteArray &out, double value);
void appendValue(QByteArray &out, const QJsonValue &value);
void appendObject(QByteArray &out, const QJsonObject &object);
void appendStringArray(QByteArray &out, const QStringList &values);
// The same written into memory the caller has sized (no per-call growth checks): each returns the
// end of what it wrote. A string of n UTF-16 units or n UTF-8 bytes takes at most stringBound(n)
// bytes (every unit could be a six-byte \u00XX escape), a number at most kNumberBound.
constexpr qsizetype kNumberBound = 32;
constexpr qsizetype stringBound(qsizetype units)
{
    return units * 6 + 2;
}
char *writeString(char *p, QStringView text);
char *writeUtf8String(char *p, QByteArrayView utf8);
char *writeNumber(char *p, double value);
// Appends `"key":`.
inline void appendKey(QByteArray &out, const char *quotedKeyColon)
{
    out.append(quotedKeyColon);
}

} // namespace pairlens::exporting::json
