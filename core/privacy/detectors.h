#pragma once

// Internal: the built-in PII detectors. Each `match...At` function looks for one value of its kind
// starting at (or, for e-mail, around) a position and returns the end offset (> start) when a valid
// value is there, or -1. They check the value (checksums, ranges, shapes) and its boundaries.
// findBuiltins() walks the text once and calls them only where a value can start.

#include "privacy/piikind.h"

#include <QByteArrayView>
#include <QList>
#include <QStringView>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
#if defined(__SSE2__)
// Per 16-bit lane: all ones where lo <= unit <= lo + span, else zero.
inline __m128i unitsInRange(__m128i v, char16_t lo, char16_t span)
{
    return _mm_cmpeq_epi16(
        _mm_subs_epu16(_mm_sub_epi16(v, _mm_set1_epi16(short(lo))), _mm_set1_epi16(short(span))),
        _mm_setzero_si128());
}
#endif
// Past the run of ASCII letters, digits and '_' at i in p[0, n) (eight units at a time with SSE2);
// it stops at the first unit outside ASCII.
inline qsizetype skipAsciiWordChars(const char16_t *p, qsizetype i, qsizetype n)
{
#if defined(__SSE2__)
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        // A unit whose value with bit 0x20 set is 'a'..'z' is an ASCII letter (no unit above 0x7F
        // can become one), then the digits and '_'.
        const __m128i word =
            _mm_or_si128(_mm_or_si128(unitsInRange(_mm_or_si128(v, _mm_set1_epi16(0x20)), u'a', u'z' - u'a'),
                                      unitsInRange(v, u'0', 9)),
                         _mm_cmpeq_epi16(v, _mm_set1_epi16(short(u'_'))));
        const unsigned mask = unsigned(_mm_movemask_epi8(word));
        if (mask != 0xFFFFu)
            return i + qsizetype(__builtin_ctz(~mask) / 2);
    }
#endif
    while (i < n && p[i] < 0x80 && isWordChar(p[i]))
        ++i;
    return i;
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

// The conservative pre-filter: false only when no built-in kind can match anywhere in the text,
// judged from the least evidence each detector needs (one pass, stops at the first sufficient
// evidence). Every value lies inside the text, so evidence missing from the whole text is missing
// from every value:
//   - e-mail: an '@' (or "%40") with a '.' after it (two host labels);
//   - IBAN: two ASCII letters of a country with IBANs (any case) followed by two digits;
//   - phone, SSN, card: one run of digits and ' ', '-', '.', '/', '(', ')', '+' (every separator
//     these detectors accept) holding at least 9 digits, or 8 when the run has a '+' (the shortest
//     international number; SSN 9, North American numbers 10, trunk-prefixed numbers 9, cards 12);
//     or 7 digits when the run has a '(' (an area code in brackets), three or more digit groups
//     not shaped like a date (4-2-2, 2-2-4), or the text a phone context word (mayHavePhoneWord());
//   - IPv4: such a run holding at least 4 digits and 3 dots;
//   - IPv6: "::" or at least 6 ':' (8 groups need 7, 6 groups plus an IPv4 tail need 6).
bool mayContainBuiltin(QStringView text);
// The same over UTF-8 (the same answer as over the decoded text).
bool mayContainBuiltin(QByteArrayView utf8);

// All built-in candidates of the text, unresolved (they may overlap). `fast` (the default) also
// skips candidates that are certain to lose the overlap resolution without affecting any other
// candidate (a trunk-prefixed phone number with exactly the span of a valid SSN, which wins the
// tie by kind, is not sent to libphonenumber) and remembers libphonenumber's answers; false gives
// every candidate, each validated afresh (tests compare both).
void findBuiltins(QStringView text, QList<Match> &out, bool fast = true);
// Keeps the longest of overlapping matches (ties: the earlier kind in the priority order), sorted by start.
void resolveOverlaps(QList<Match> &matches);
// That priority order: e-mail, IBAN, card, SSN, phone, IP, custom, address, date of birth, name
// (lower wins).
int kindPriority(PiiKind kind);

// Person names and street addresses (detectname.cpp, detectaddress.cpp, docs/anonymization.md).
// The pre-filter (detectprefilter.cpp): false when the text has no capitalised word, no digit next to a
// letter and no character outside ASCII, so neither can be there (the same answer over UTF-16 and UTF-8);
// true also for a digit and a word that may announce a date of birth (findDatesOfBirth() runs with them).
bool mayContainNameOrAddress(QStringView text);
bool mayContainNameOrAddress(QByteArrayView utf8);
// Whether the apostrophe at text[i] is inside a word: a letter follows, and a word of two or more
// letters ("Smith's") or a single O, D or L ("O'Brien", "D'Angelo") comes before it. So an SQL
// string's opening quote after a prefix (E'John', N'John') never glues the prefix to the word.
bool apostropheInWord(QStringView text, qsizetype i);
// Names: capitalised given and family names of the gazetteer, initials, after titles (Dr, Mrs) and
// context words ("customer", "named"); common words that are also names need more evidence.
void findNames(QStringView text, QList<Match> &out);
// Dates of birth (detectcontext.cpp): a date right after "born", "date of birth", "DOB",
// "birthday", "geboren", "Geburtsdatum", "né(e) le", ... ("born on 12 March 1985", "DOB:
// 1985-03-12"). The pre-filter: whether such a word may be there (mayContainNameOrAddress() also
// answers true for a text with a digit and such a word).
void findDatesOfBirth(QStringView text, QList<Match> &out);
bool mayHaveBirthWord(QStringView text);
bool mayHaveBirthWord(QByteArrayView utf8);
// The three units (lower-cased by | 0x20) a word announcing a date of birth starts with: "bor"n,
// "bir"th, "dob", "d.o".b., "geb"oren/"geb"urtsdatum, "nac"imiento, "né" (UTF-8: 'n', 0xC3 0xA9).
inline bool birthStart(char16_t a, char16_t b, char16_t c)
{
    switch (a) {
    case u'b':
        return (b == u'o' || b == u'i') && c == u'r';
    case u'd':
        return (b == u'o' && c == u'b') || (b == u'.' && c == u'o');
    case u'g':
        return b == u'e' && c == u'b';
    case u'n':
        return b == u'\u00e9' || (b == 0xE3 && c == 0xA9) || (b == u'a' && c == u'c');
    default:
        return false;
    }
}
// A date as written: its year, month and day, and the roles of its numbers in the order they are
// written ("YMD" for 1985-03-12, "DMY" for 12.03.1985, "MDY" for 03/12/1985, "DY" for 12 March 1985).
struct DateParts
{
    int year = 0, month = 0, day = 0;
    char roles[4] = {};
};
// Reads a date at text[pos] (ISO, d.m.y, m/d/y, "12 March 1985", "March 12th, 1985", "12. März
// 1985", "1er janvier 1990"; month names in English, German, French and Spanish): its end, or -1.
qsizetype parseDateAt(QStringView text, qsizetype pos, DateParts *date);
// The date `to` written in the format of `original` (its order, separators, widths, month names
// and their language, case and abbreviation); empty when `original` is no date.
QString rewriteDate(QStringView original, const DateParts &to);
// Whether a text holds a word that names an organisation or a place rather than a person
// ("Company", "Motors", "Crew", "Circuit", "Inc", "Monte", "Santo", ...): such words end a name's
// evidence ("Columbus Crew", "General Motors", "Monte Carlo" are no one's names).
bool holdsNonPersonWord(QStringView text);
// Street addresses: "221B Baker Street", "Hauptstraße 5", "12 rue de la Paix", "Via Roma 10",
// Japanese, Chinese and Korean forms.
// `prefilter` false: without the check that the text holds a number a house number could start
// with (tests compare both).
void findAddresses(QStringView text, QList<Match> &out, bool prefilter = true);

// What a context word says a nearby number is.
enum class ContextKind
{
    Phone,
    Card,
};
// A context word of that kind near text[start, end): up to 48 units before or 24 after, never
// across a quote, backtick, '$', line break, ';', '#' or comment marker (detectcontext.cpp).
bool hasContext(QStringView text, qsizetype start, qsizetype end, ContextKind kind);

// The word right before text[start] names an identifier ("customer", "id", "order", "zip", ...):
// a number that only a context word makes a phone number is then an identifier instead.
bool idWordBefore(QStringView text, qsizetype start);
// Whether the text could hold a phone context word anywhere: an ASCII word that is one, or any
// non-ASCII character (the same answer over UTF-16 and UTF-8). The pre-filter's test.
bool mayHavePhoneWord(const char16_t *text, qsizetype n);
bool mayHavePhoneWord(const char *utf8, qsizetype n);

// The e-mail address around the at-sign text[atSign, atEnd) ("@", or "%40" URL-encoded).
qsizetype matchEmailAround(QStringView text, qsizetype atSign, qsizetype atEnd, qsizetype *start);
qsizetype matchNanpPhoneAt(QStringView text, qsizetype pos);
// Phone numbers validated by libphonenumber remember its answers per thread unless `memoize` is
// false (tests compare both).
qsizetype matchIntlPhoneAt(QStringView text, qsizetype pos, bool memoize = true); // '+' and a country code
// 0-prefixed trunk or CN mobile; a candidate ending exactly at `loserEnd` is not validated (-1).
qsizetype matchNationalPhoneAt(QStringView text, qsizetype pos, qsizetype loserEnd = -1, bool memoize = true);
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
