// One pass over the text that calls a detector only where its kind of value can start.
#include "privacy/detectors.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>

namespace pairlens::privacy::detail {

namespace {

constexpr std::array<quint8, 128> makeClassTable()
{
    std::array<quint8, 128> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[c] = DigitClass | HexClass | WordClass;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[c] = UpperClass | WordClass | (c <= 'F' ? HexClass : 0);
    for (int c = 'a'; c <= 'z'; ++c)
        t[c] = LowerClass | WordClass | (c <= 'f' ? HexClass : 0);
    t['_'] = WordClass;
    return t;
}

constexpr std::array<quint8, 128> kClassTable = makeClassTable();

} // namespace

const quint8 kAsciiClass[128] = {
#define PAIRLENS_ROW(i)                                                                                      \
    kClassTable[i], kClassTable[i + 1], kClassTable[i + 2], kClassTable[i + 3], kClassTable[i + 4],          \
        kClassTable[i + 5], kClassTable[i + 6], kClassTable[i + 7]
    PAIRLENS_ROW(0),  PAIRLENS_ROW(8),   PAIRLENS_ROW(16),  PAIRLENS_ROW(24),
    PAIRLENS_ROW(32), PAIRLENS_ROW(40),  PAIRLENS_ROW(48),  PAIRLENS_ROW(56),
    PAIRLENS_ROW(64), PAIRLENS_ROW(72),  PAIRLENS_ROW(80),  PAIRLENS_ROW(88),
    PAIRLENS_ROW(96), PAIRLENS_ROW(104), PAIRLENS_ROW(112), PAIRLENS_ROW(120),
#undef PAIRLENS_ROW
};

namespace {

bool isRunSeparator(char16_t c)
{
    return c == u' ' || c == u'-' || c == u'(' || c == u')' || c == u'+' || c == u'.' || c == u'/';
}

bool isIbanCountry(char16_t a, char16_t b)
{
    const char16_t code[2] = {a, b};
    return ibanLength(QStringView(code, 2)) != 0;
}

// True when none of the UTF-16 units (Ch = char16_t: four) or bytes (eight) packed in `x` is in
// '0'..'@' (digits, ':' and '@' are where evidence begins). A lane with its top bit set (a unit >=
// 0x8000, a byte >= 0x80) is left to the caller (false).
template <typename Ch> bool noneInteresting(quint64 x)
{
    constexpr int bits = 8 * sizeof(Ch);
    constexpr quint64 lanes = ~quint64(0) / ((quint64(1) << bits) - 1); // 0x0001...0001 or 0x0101...01
    constexpr quint64 half = quint64(1) << (bits - 1);
    constexpr quint64 high = lanes * half;
    if (x & high)
        return false;
    // Per lane (no carries between lanes for values below `half`): the top bit of `atLeast30` is
    // set when the lane is >= '0', the top bit of `above40` when it is > '@'.
    const quint64 atLeast30 = x + lanes * (half - 0x30);
    const quint64 above40 = x + lanes * (half - 1 - 0x40);
    return (atLeast30 & ~above40 & high) == 0;
}

// The pre-filter over UTF-16 units or UTF-8 bytes: every piece of evidence is ASCII, and a
// non-ASCII character (one unit, or two to four bytes >= 0x80) is never evidence and ends a run
// of digits and separators either way, so both encodings give the same answer.
template <typename Ch> bool mayContainBuiltinIn(const Ch *p, qsizetype n)
{
    const auto unit = [p](qsizetype k) { return char16_t(std::make_unsigned_t<Ch>(p[k])); };
    int colons = 0;
    bool noDotAfterAt = false; // an '@' had no '.' after it, so no later '@' has one either
    int phoneWord = -1;        // mayHavePhoneWord(), computed when first needed
    qsizetype i = 0;
    while (i < n) {
#if defined(__SSE2__)
        if constexpr (sizeof(Ch) == 2) {
            // Eight units at a time to the next one in '0'..'@' (whatever is outside that range is
            // passed one by one below anyway).
            while (i + 8 <= n) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
                const unsigned mask = unsigned(_mm_movemask_epi8(unitsInRange(v, u'0', u'@' - u'0')));
                if (mask != 0) {
                    i += qsizetype(__builtin_ctz(mask) / 2);
                    break;
                }
                i += 8;
            }
        }
#endif
        constexpr qsizetype perWord = sizeof(quint64) / sizeof(Ch);
        while (i + perWord <= n) {
            quint64 x;
            std::memcpy(&x, p + i, sizeof x);
            if (!noneInteresting<Ch>(x))
                break;
            i += perWord;
        }
        if (i >= n)
            break;
        const char16_t c = unit(i);
        if (isDigit(c)) {
            // "%40" is an URL-encoded at-sign.
            if (c == u'4' && i >= 1 && unit(i - 1) == u'%' && i + 1 < n && unit(i + 1) == u'0' &&
                !noDotAfterAt) {
                if (std::find(p + i + 2, p + n, Ch('.')) != p + n)
                    return true;
                noDotAfterAt = true;
            }
            // IBAN: two letters right before two digits (a digit after a letter always starts a
            // run, so every such pair is seen here).
            if (i >= 2 && isAsciiAlpha(unit(i - 2)) && isAsciiAlpha(unit(i - 1)) && i + 1 < n &&
                isDigit(unit(i + 1)) && isIbanCountry(unit(i - 2), unit(i - 1)))
                return true;
            // The whole run of digits and separators around this digit: its digits, dots, digit
            // groups and the lengths of its first three groups.
            int digits = 0, dots = 0, groups = 0;
            int lens[3] = {0, 0, 0};
            bool plus = false, bracket = false, inGroup = false;
            for (qsizetype k = i - 1; k >= 0 && (isDigit(unit(k)) || isRunSeparator(unit(k))); --k) {
                plus = plus || unit(k) == u'+';
                bracket = bracket || unit(k) == u'(';
                digits += isDigit(unit(k)); // none: the first digit of a run is seen first
            }
            for (; i < n; ++i) {
                const char16_t d = unit(i);
                if (isDigit(d)) {
                    ++digits;
                    if (!inGroup)
                        ++groups;
                    inGroup = true;
                    if (groups <= 3)
                        ++lens[groups - 1];
                    if (digits >= 9 || (plus && digits >= 8) || (digits >= 4 && dots >= 3))
                        return true;
                    continue;
                }
                inGroup = false;
                if (d == u'.')
                    ++dots;
                else if (d == u'+')
                    plus = true;
                else if (d == u'(')
                    bracket = true;
                else if (!isRunSeparator(d))
                    break; // this character is looked at by the main loop
            }
            if (digits >= 7) {
                // See matchNationalPhoneAt(): 7-8 digits need brackets, three groups that are not
                // shaped like a date (which are never phone numbers), or a context word.
                const bool dateShaped = groups == 3 && ((lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2) ||
                                                        (lens[0] <= 2 && lens[1] <= 2 && lens[2] == 4));
                if (bracket || (groups >= 3 && !dateShaped))
                    return true;
                if (dateShaped)
                    continue; // never a phone number (see dateShaped() in detectphone.cpp)
                if (phoneWord < 0)
                    phoneWord = mayHavePhoneWord(p, n) ? 1 : 0;
                if (phoneWord == 1)
                    return true;
            }
            continue;
        }
        if (c == u'@') {
            if (!noDotAfterAt) {
                if (std::find(p + i + 1, p + n, Ch('.')) != p + n)
                    return true;
                noDotAfterAt = true;
            }
        } else if (c == u':') {
            if (++colons >= 6 || (i + 1 < n && unit(i + 1) == u':'))
                return true;
        }
        ++i;
    }
    return false;
}

} // namespace

bool mayContainBuiltin(QStringView text)
{
    return mayContainBuiltinIn(text.utf16(), text.size());
}

bool mayContainBuiltin(QByteArrayView utf8)
{
    return mayContainBuiltinIn(utf8.data(), utf8.size());
}

namespace {

void add(QList<Match> &out, PiiKind kind, qsizetype start, qsizetype end)
{
    if (end > start)
        out.append(Match{kind, start, end, -1});
}

// Cheap look-ahead at a digit group: how many digits follow (with separators) before anything
// else, capped; and whether a '.' or ':' joins the first group to the next.
int digitsAhead(QStringView text, qsizetype pos, bool *dotOrColon)
{
    int digits = 0;
    qsizetype i = pos;
    const qsizetype n = text.size();
    while (i < n && isDigit(text[i].unicode()))
        ++i, ++digits;
    *dotOrColon = i < n && (text[i] == u'.' || text[i] == u':');
    while (i < n && digits < 13) {
        const char16_t c = text[i].unicode();
        if (isDigit(c))
            ++digits;
        else if (!(c == u' ' || c == u'-' || c == u'.' || c == u'/' || c == u'(' || c == u')'))
            break;
        ++i;
    }
    return digits;
}

constexpr std::array<bool, 128> makeFindBuiltinsSkip()
{
    std::array<bool, 128> t{};
    for (int c = 0; c < 128; ++c)
        t[c] = !(kClassTable[c] & (DigitClass | UpperClass | LowerClass)) && c != '%' && c != '@' &&
               c != '+' && c != '(' && c != ':';
    return t;
}

constexpr std::array<bool, 128> kFindBuiltinsSkip = makeFindBuiltinsSkip();

// Past the run of word characters (letters, digits and '_' of any script) at i.
qsizetype skipWordChars(const char16_t *p, qsizetype i, qsizetype n)
{
    for (;;) {
        i = skipAsciiWordChars(p, i, n);
        if (i >= n || p[i] < 0x80 || !isWordChar(p[i]))
            return i;
        ++i; // a word character outside ASCII
    }
}

} // namespace

void findBuiltins(QStringView text, QList<Match> &out, bool fast)
{
    const qsizetype n = text.size();
    const char16_t *p = text.utf16();
    qsizetype i = 0;
    while (i < n) {
        // Past the units where nothing can start (the last branch below): all but digits,
        // letters, '%', '@', '+', '(' and ':', and units outside ASCII.
        while (i < n && (p[i] >= 0x80 || kFindBuiltinsSkip[p[i]]))
            ++i;
        if (i >= n)
            break;
        const char16_t c = p[i];
        if (isDigit(c)) {
            if (numberStartOk(text, i)) {
                bool dotOrColon = false;
                const int digits = digitsAhead(text, i, &dotOrColon);
                if (digits >= 7) {
                    qsizetype ssnEnd = -1;
                    if (digits >= 9) {
                        ssnEnd = matchSsnAt(text, i);
                        add(out, PiiKind::Ssn, i, ssnEnd);
                        add(out, PiiKind::Phone, i, matchNanpPhoneAt(text, i));
                    }
                    add(out, PiiKind::Phone, i, matchNationalPhoneAt(text, i, fast ? ssnEnd : -1, fast));
                    if (digits >= 12)
                        add(out, PiiKind::CreditCard, i, matchCardAt(text, i));
                }
                if (dotOrColon)
                    add(out, PiiKind::IpAddress, i, matchIpv4At(text, i));
                qsizetype h = i;
                while (h < n && h - i < 5 && isHexDigit(text[h].unicode()))
                    ++h;
                if (h < n && text[h] == u':')
                    add(out, PiiKind::IpAddress, i, matchIpv6At(text, i));
            }
            while (i < n && isDigit(text[i].unicode()))
                ++i;
            // A hex group such as "2001" followed by letters ("2001abc:...") is one word.
            while (i < n && isWordChar(text[i].unicode()))
                ++i;
            continue;
        }
        if (c < 0x80 && isAsciiAlpha(c)) {
            const bool boundary = i == 0 || !isWordChar(text[i - 1].unicode());
            if (boundary) {
                if (isAsciiAlpha(at(text, i + 1)) && isDigit(at(text, i + 2)))
                    add(out, PiiKind::Iban, i, matchIbanAt(text, i));
                if (isHexDigit(c)) {
                    qsizetype k = i + 1;
                    while (k < n && k - i < 5 && isHexDigit(text[k].unicode()))
                        ++k;
                    if (k - i <= 4 && k < n && text[k] == u':')
                        add(out, PiiKind::IpAddress, i, matchIpv6At(text, i));
                }
            }
            i = skipWordChars(p, i, n);
            continue;
        }
        if (c == u'%' && at(text, i + 1) == u'4' && at(text, i + 2) == u'0') {
            qsizetype start = 0;
            const qsizetype end = matchEmailAround(text, i, i + 3, &start);
            add(out, PiiKind::Email, start, end);
            ++i;
            continue;
        }
        if (c < 0x80 && c != u'@' && c != u'+' && c != u'(' && c != u':') {
            ++i;
            continue;
        }
        switch (c) {
        case u'@': {
            qsizetype start = 0;
            const qsizetype end = matchEmailAround(text, i, i + 1, &start);
            add(out, PiiKind::Email, start, end);
            break;
        }
        case u'+':
            add(out, PiiKind::Phone, i, matchNanpPhoneAt(text, i));
            add(out, PiiKind::Phone, i, matchIntlPhoneAt(text, i, fast));
            break;
        case u'(':
            if (isDigit(at(text, i + 1))) {
                add(out, PiiKind::Phone, i, matchNanpPhoneAt(text, i));
                add(out, PiiKind::Phone, i, matchNationalPhoneAt(text, i, -1, fast));
            }
            break;
        case u':':
            if (at(text, i + 1) == u':')
                add(out, PiiKind::IpAddress, i, matchIpv6At(text, i));
            break;
        default:
            break;
        }
        ++i;
    }
}

int kindPriority(PiiKind kind)
{
    switch (kind) {
    case PiiKind::Email:
        return 0;
    case PiiKind::Iban:
        return 1;
    case PiiKind::CreditCard:
        return 2;
    case PiiKind::Ssn:
        return 3;
    case PiiKind::Phone:
        return 4;
    case PiiKind::IpAddress:
        return 5;
    case PiiKind::Custom:
        return 6;
    case PiiKind::Address:
        return 7;
    case PiiKind::DateOfBirth:
        return 8;
    case PiiKind::Name:
        return 9;
    }
    return 10;
}

void resolveOverlaps(QList<Match> &matches)
{
    if (matches.size() < 2)
        return;
    std::sort(matches.begin(), matches.end(), [](const Match &a, const Match &b) {
        const qsizetype la = a.end - a.start, lb = b.end - b.start;
        if (la != lb)
            return la > lb;
        if (kindPriority(a.kind) != kindPriority(b.kind))
            return kindPriority(a.kind) < kindPriority(b.kind);
        return a.start < b.start;
    });
    QList<Match> kept;
    kept.reserve(matches.size());
    for (const Match &m : std::as_const(matches)) {
        bool overlaps = false;
        for (const Match &k : std::as_const(kept)) {
            if (m.start < k.end && k.start < m.end) {
                overlaps = true;
                break;
            }
        }
        if (!overlaps)
            kept.append(m);
    }
    std::sort(kept.begin(), kept.end(), [](const Match &a, const Match &b) { return a.start < b.start; });
    matches = std::move(kept);
}

} // namespace pairlens::privacy::detail
