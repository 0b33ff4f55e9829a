#pragma once

// Internal: the built-in PII detectors. Each `match...At` function looks for one value of its kind
// starting at (or, for e-mail, around) a position and returns the end offset (> start) when a valid
// value is there, or -1. They check the value (checksums, ranges, shapes) and its boundaries.
// findBuiltins() walks the text once and calls them only where a value can start.

#include "privacy/piikind.h"

#include <QList>
#include <QStringView>

namespace pairlens::privacy::detail {

struct Match
{
    PiiKind kind = PiiKind::Custom;
    qsizetype start = 0;
    qsizetype end = 0;
    int custom = -1; // index of the custom pattern for PiiKind::Custom
};

// Character classes of the ASCII range, looked up in one table on the hot path.
enum CharClass : quint8
{
    DigitClass = 1,
    UpperClass = 2,
    LowerClass = 4,
    HexClass = 8,
    WordClass = 16, // letters, digits, '_'
};
extern const quint8 kAsciiClass[128];
inline bool hasClass(char16_t c, quint8 cls)
{
    return c < 0x80 && (kAsciiClass[c] & cls) != 0;
}
inline bool isDigit(char16_t c)
{
    return c >= u'0' && c <= u'9';
}
inline bool isAsciiUpper(char16_t c)
{
    return c >= u'A' && c <= u'Z';
}
inline bool isAsciiAlpha(char16_t c)
{
    return hasClass(c, UpperClass | LowerClass);
}
inline bool isAsciiAlnum(char16_t c)
{
    return hasClass(c, DigitClass | UpperClass | LowerClass);
}
inline bool isHexDigit(char16_t c)
{
    return hasClass(c, HexClass);
}
bool isWordCharSlow(char16_t c);
// Letters, digits and '_' (any script): characters that glue onto a number or a word.
inline bool isWordChar(char16_t c)
{
    if (c < 0x80)
        return (kAsciiClass[c] & WordClass) != 0;
    return isWordCharSlow(c);
}
inline char16_t at(QStringView s, qsizetype i)
{
    return i >= 0 && i < s.size() ? s[i].unicode() : char16_t(0);
}

// A number may start at `pos`: no word character before it, and no digit group joined by '-' or '.'.
bool numberStartOk(QStringView text, qsizetype pos);
// A number may end at `end` (exclusive): no word character after it, and no further digit group
// joined by '-' or '.'.
bool numberEndOk(QStringView text, qsizetype end);

// Anything worth scanning for: a digit, '@' or ':' (every built-in kind needs one of them).
bool hasTrigger(QStringView text);

// All built-in candidates of the text, unresolved (they may overlap).
void findBuiltins(QStringView text, QList<Match> &out);
// Keeps the longest of overlapping matches (ties: the earlier kind in the priority order), sorted by start.
void resolveOverlaps(QList<Match> &matches);

qsizetype matchEmailAround(QStringView text, qsizetype atSign, qsizetype *start);
qsizetype matchNanpPhoneAt(QStringView text, qsizetype pos);
qsizetype matchIntlPhoneAt(QStringView text, qsizetype pos);     // '+' followed by a country code
qsizetype matchNationalPhoneAt(QStringView text, qsizetype pos); // 0-prefixed trunk or CN mobile
qsizetype matchSsnAt(QStringView text, qsizetype pos);
qsizetype matchCardAt(QStringView text, qsizetype pos);
qsizetype matchIpv4At(QStringView text, qsizetype pos);
qsizetype matchIpv6At(QStringView text, qsizetype pos);
qsizetype matchIbanAt(QStringView text, qsizetype pos);

// Validators (also used by the operators and tests).
bool isKnownTld(QStringView label);
bool luhnValid(QStringView digits);
bool ssnValid(QStringView digits);           // exactly 9 digits
int ibanLength(QStringView countryCode);     // 0 when the country has no IBAN
bool ibanChecksumValid(QStringView compact); // upper-case, no separators
bool parseIpv4(QStringView text, quint8 out[4]);
bool parseIpv6(QStringView text, quint16 out[8]);

} // namespace pairlens::privacy::detail
