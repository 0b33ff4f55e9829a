// The pre-filters of the name, address and date-of-birth detectors: one pass over a text (UTF-16 as
// the detectors read it, or UTF-8 as a dataset stores it, with the same answer) that says whether
// any of their rules could find something there. Most texts are passed after a few instructions
// per eight or sixteen units; tst_anonymizerfastpath compares the answers with the detectors'.
#include "privacy/detectors.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <type_traits>

namespace pairlens::privacy::detail {

namespace {

template <typename Ch> bool mayHaveBirthWordIn(const Ch *p, qsizetype n)
{
    const auto u = [p, n](qsizetype k) {
        return k < n ? char16_t(std::make_unsigned_t<Ch>(p[k]) | 0x20) : char16_t(0);
    };
    qsizetype i = 0;
#if defined(__SSE2__)
    if constexpr (sizeof(Ch) == 2) {
        // Sixteen units at a time, packed into bytes (units above 0xFF become 0xFF, which no
        // letter below is): only where a 'b', 'd', 'g' or 'n' (any case) is followed by a unit
        // that may continue a birth word is the exact check made.
        const auto eq = [](__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
        const auto block = [&](const Ch *q, qsizetype limit) {
            const auto load = [q](qsizetype k) {
                return _mm_or_si128(
                    _mm_packus_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(q + k)),
                                     _mm_loadu_si128(reinterpret_cast<const __m128i *>(q + k + 8))),
                    _mm_set1_epi8(0x20));
            };
            const __m128i v = load(0), w = load(1);
            const __m128i first =
                _mm_or_si128(_mm_or_si128(eq(v, 'b'), eq(v, 'd')), _mm_or_si128(eq(v, 'g'), eq(v, 'n')));
            const __m128i second = _mm_or_si128(
                _mm_or_si128(_mm_or_si128(eq(w, 'o'), eq(w, 'i')), _mm_or_si128(eq(w, 'e'), eq(w, '.'))),
                _mm_or_si128(eq(w, 'a'), eq(w, char(0xE9))));
            int mask = _mm_movemask_epi8(_mm_and_si128(first, second));
            const auto at = [q, limit](qsizetype k) {
                return k < limit ? char16_t(q[k] | 0x20) : char16_t(0);
            };
            while (mask != 0) {
                const int lane = __builtin_ctz(unsigned(mask));
                if (birthStart(at(lane), at(lane + 1), at(lane + 2)))
                    return true;
                mask &= mask - 1;
            }
            return false;
        };
        for (; i + 18 <= n; i += 16) {
            if (block(p + i, n - i))
                return true;
        }
        // The last units: the block of the last 17 units again (a unit read twice gives the same
        // answer; its lanes start at n - 17 .. n - 2, and a birth word needs two units), or one
        // by one when the text is shorter (ids and metadata values: copying them into a padded
        // block cost more than reading them).
        if (i >= n)
            return false;
        if (n >= 17)
            return block(p + n - 17, 17);
    }
#endif
    for (; i + 1 < n; ++i) {
        if (birthStart(u(i), u(i + 1), u(i + 2)))
            return true;
    }
    return false;
}

// See mayContainNameOrAddress(). The least evidence of every rule: a capitalised word (an ASCII
// upper-case letter and a lower-case one, or a unit outside ASCII, at the start of a word) with
// a word, digit or '.' and spaces, ',' or ':' before it (a context word, the second of two names, a name
// after an initial or title, a street after its number), or one space and a capital, digit or
// unit outside ASCII after it (the first of two names, a title, a street before its number); or
// CJK or Hangul text and a digit. Units outside ASCII count alike in UTF-16 and UTF-8 (a lead
// byte >= 0xE3 is a character >= U+3000).
template <typename Ch> bool mayContainNameIn(const Ch *p, qsizetype n)
{
    const auto u = [p](qsizetype k) { return unsigned(std::make_unsigned_t<Ch>(p[k])); };
    const auto letter = [&](qsizetype k) {
        const unsigned c = u(k);
        return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    };
    bool digit = false, cjk = false;
    for (qsizetype i = 0; i < n; ++i) {
#if defined(__SSE2__)
        if constexpr (sizeof(Ch) == 2) {
            // Eight units at a time past those that decide nothing here: no capital followed by a
            // lower-case letter, nothing outside ASCII (a digit only remembered). SQL keywords in
            // capitals and text in lower case go by at a few instructions per eight units.
            const __m128i ascii = _mm_set1_epi16(0x7F), none = _mm_setzero_si128();
            while (i + 9 <= n) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
                const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i + 1));
                const __m128i other =
                    _mm_andnot_si128(_mm_cmpeq_epi16(_mm_subs_epu16(v, ascii), none), _mm_set1_epi16(-1));
                const __m128i nextOther =
                    _mm_andnot_si128(_mm_cmpeq_epi16(_mm_subs_epu16(w, ascii), none), _mm_set1_epi16(-1));
                const __m128i start = _mm_and_si128(unitsInRange(v, u'A', 25),
                                                    _mm_or_si128(unitsInRange(w, u'a', 25), nextOther));
                if (_mm_movemask_epi8(_mm_or_si128(start, other)) != 0)
                    break;
                digit = digit || _mm_movemask_epi8(unitsInRange(v, u'0', 9)) != 0;
                i += 8;
            }
            if (i >= n)
                break;
        }
#endif
        const unsigned c = u(i);
        if (c >= '0' && c <= '9') {
            digit = true;
            if (cjk)
                return true;
            continue;
        }
        if (c >= (sizeof(Ch) == 1 ? 0xE3u : 0x3000u)) {
            cjk = true;
            if (digit)
                return true;
        }
        const bool start = c >= 0x80 || (c >= 'A' && c <= 'Z' && i + 1 < n &&
                                         (u(i + 1) >= 0x80 || (u(i + 1) >= 'a' && u(i + 1) <= 'z')));
        if (!start || (i > 0 && letter(i - 1)))
            continue;
        qsizetype b = i;
        while (b > 0 && (u(b - 1) == ' ' || u(b - 1) == ',' || u(b - 1) == ':'))
            --b;
        if (b < i && b > 0 && (letter(b - 1) || u(b - 1) == '.' || (u(b - 1) >= '0' && u(b - 1) <= '9')))
            return true;
        qsizetype e = i + 1;
        while (e < n && (letter(e) || u(e) == '-' || u(e) == '\''))
            ++e;
        if (e < n && u(e) == '.')
            ++e;
        if (e < n && u(e) == ',')
            ++e;
        if (e + 1 < n && u(e) == ' ' &&
            (u(e + 1) >= 0x80 || (u(e + 1) >= 'A' && u(e + 1) <= 'Z') ||
             (u(e + 1) >= '0' && u(e + 1) <= '9')))
            return true;
    }
    // A date of birth needs a digit and a word that says it is one ("dob: 1985-03-12").
    if (!digit)
        return false;
    if constexpr (sizeof(Ch) == 2)
        return mayHaveBirthWord(QStringView(reinterpret_cast<const char16_t *>(p), n));
    else
        return mayHaveBirthWord(QByteArrayView(p, n));
}

} // namespace

bool mayHaveBirthWord(QStringView text)
{
    return mayHaveBirthWordIn(text.utf16(), text.size());
}

bool mayHaveBirthWord(QByteArrayView utf8)
{
    return mayHaveBirthWordIn(utf8.data(), utf8.size());
}

bool mayContainNameOrAddress(QStringView text)
{
    return mayContainNameIn(text.utf16(), text.size());
}

bool mayContainNameOrAddress(QByteArrayView utf8)
{
    return mayContainNameIn(utf8.data(), utf8.size());
}

} // namespace pairlens::privacy::detail
