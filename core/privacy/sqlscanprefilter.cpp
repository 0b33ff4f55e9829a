// The pre-filter of the SQL scan: whether a text could hold what only reading its tokens finds,
// tested on the whole text at vector speed.

#include "privacy/sqlscan_p.h"

#include <bit>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pairlens::privacy::detail {

namespace {

// The first position from i that is not whitespace or a comment ("--", "#", "//" or "/* */").
qsizetype skipTrivia(QStringView sql, qsizetype i)
{
    const qsizetype n = sql.size();
    while (i < n) {
        const char16_t c = sql[i].unicode();
        const char16_t d = i + 1 < n ? sql[i + 1].unicode() : u'\0';
        if (sql[i].isSpace()) {
            ++i;
        } else if (c == u'/' && d == u'*') {
            const qsizetype close = sql.indexOf(u"*/", i + 2);
            i = close < 0 ? n : close + 2;
        } else if ((c == u'-' && d == u'-') || c == u'#' || (c == u'/' && d == u'/')) {
            while (i < n && sql[i] != u'\n' && sql[i] != u'\r')
                ++i;
        } else {
            break;
        }
    }
    return i;
}

// The first position from i holding a non-ASCII unit, a backslash or a quote (n when none).
qsizetype nextSpecialUnit(const char16_t *p, qsizetype i, qsizetype n)
{
#if defined(__SSE2__)
    const __m128i backslash = _mm_set1_epi16(short(u'\\')), quote = _mm_set1_epi16(short(u'\'')),
                  dquote = _mm_set1_epi16(short(u'"')), ascii = _mm_set1_epi16(0x7F),
                  zero = _mm_setzero_si128();
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi16(v, backslash), _mm_cmpeq_epi16(v, quote));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi16(v, dquote));
        hit = _mm_or_si128(hit, _mm_subs_epu16(v, ascii)); // non-zero above 0x7F
        const int plain = _mm_movemask_epi8(_mm_cmpeq_epi16(hit, zero));
        if (plain != 0xFFFF)
            return i + std::countr_zero(unsigned(~plain & 0xFFFF)) / 2;
    }
#endif
    for (; i < n; ++i) {
        const char16_t c = p[i];
        if (c >= 0x80 || c == u'\\' || c == u'\'' || c == u'"')
            return i;
    }
    return n;
}

// Whether "concat" (any case) is in the text.
bool containsConcat(const char16_t *p, qsizetype n)
{
    static constexpr char16_t word[] = u"concat";
    qsizetype i = 0;
#if defined(__SSE2__)
    // Eight positions at a time: the exact test only where a 'c' is followed by an 'o' (any case;
    // `| 0x20` maps no other unit to them).
    const __m128i lower = _mm_set1_epi16(0x20), c = _mm_set1_epi16(short(u'c')),
                  o = _mm_set1_epi16(short(u'o'));
    for (; i + 14 <= n; i += 8) { // the units read (i + 8) and the word (i + 7 + 6) lie inside
        const __m128i v = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i)), lower);
        const __m128i w = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i + 1)), lower);
        unsigned mask =
            unsigned(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi16(v, c), _mm_cmpeq_epi16(w, o))));
        while (mask != 0) {
            const qsizetype at = i + std::countr_zero(mask) / 2;
            qsizetype k = 2;
            while (k < 6 && (p[at + k] | 0x20) == word[k])
                ++k;
            if (k == 6)
                return true;
            mask &= mask - 1;
            mask &= mask - 1; // both bytes of the lane
        }
    }
#endif
    for (; i + 6 <= n; ++i) {
        if ((p[i] | 0x20) != u'c')
            continue;
        qsizetype k = 1;
        while (k < 6 && (p[i + k] | 0x20) == word[k])
            ++k;
        if (k == 6)
            return true;
    }
    return false;
}

} // namespace

bool mayHoldLiteralOrComment(QStringView sql)
{
    const char16_t *p = sql.utf16();
    const qsizetype n = sql.size();
    qsizetype i = 0;
#if defined(__SSE2__)
    const auto eq = [](__m128i v, char16_t c) { return _mm_cmpeq_epi16(v, _mm_set1_epi16(short(c))); };
    for (; i + 9 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i + 1)); // the next units
        __m128i hit =
            _mm_or_si128(_mm_or_si128(eq(v, u'\''), eq(v, u'"')), _mm_or_si128(eq(v, u'$'), eq(v, u'#')));
        hit = _mm_or_si128(hit, _mm_and_si128(eq(v, u'-'), eq(w, u'-')));
        hit = _mm_or_si128(hit, _mm_and_si128(eq(v, u'/'), _mm_or_si128(eq(w, u'*'), eq(w, u'/'))));
        if (_mm_movemask_epi8(hit) != 0)
            return true;
    }
#endif
    for (; i < n; ++i) {
        const char16_t c = p[i];
        const char16_t d = i + 1 < n ? p[i + 1] : u'\0';
        if (c == u'\'' || c == u'"' || c == u'$' || c == u'#' || (c == u'-' && d == u'-') ||
            (c == u'/' && (d == u'*' || d == u'/')))
            return true;
    }
    return false;
}

// Whether reading the SQL token by token could find what the whole text does not show: non-ASCII
// text (folding), backslash escapes, hex and U& strings, and string literals joined by
// concatenation (a quote followed by ||, + or, with CONCAT in the text, a comma, then another
// string; or by whitespace and another string).
bool needsTokenScan(QStringView sql)
{
    const char16_t *p = sql.utf16();
    const qsizetype n = sql.size();
    bool concat = false, concatKnown = false;
    for (qsizetype i = 0; i < n; ++i) {
        i = nextSpecialUnit(p, i, n);
        if (i >= n)
            break;
        const char16_t c = p[i];
        if (c >= 0x80 || c == u'\\')
            return true;
        if (c != u'\'' && c != u'"')
            continue;
        // A quote may open or close a literal: both readings are tried (more scans, never fewer).
        if (i > 0 && (p[i - 1] == u'x' || p[i - 1] == u'X' || p[i - 1] == u'&'))
            return true; // X'..' and U&'..'
        // Only whitespace, a comment, a quote, ||, + or a comma can follow a literal that is joined.
        const char16_t next = i + 1 < n ? p[i + 1] : u'\0';
        if (!(next == u' ' || next == u'\n' || next == u'\t' || next == u'\r' || next == u'|' ||
              next == u'+' || next == u',' || next == u'/' || next == u'-' || next == u'#' || next == u'\'' ||
              next == u'"'))
            continue;
        const qsizetype k = skipTrivia(sql, i + 1);
        if (k >= n)
            continue;
        const char16_t d = p[k];
        if (k > i + 1 && (d == u'\'' || d == u'"'))
            return true; // 'a' 'b': literals side by side
        qsizetype after = -1;
        if (d == u'|' && k + 1 < n && p[k + 1] == u'|')
            after = k + 2;
        else if (d == u'+')
            after = k + 1;
        else if (d == u',') {
            if (!concatKnown) {
                concat = containsConcat(p, n);
                concatKnown = true;
            }
            if (concat)
                after = k + 1;
        }
        if (after < 0)
            continue;
        after = skipTrivia(sql, after);
        if (after < n) {
            const char16_t e = p[after];
            const char16_t f = after + 1 < n ? p[after + 1] : u'\0';
            if (e == u'\'' || e == u'"' ||
                ((e | 0x20) >= u'a' && (e | 0x20) <= u'z' && (f == u'\'' || f == u'&')))
                return true;
        }
    }
    return false;
}

} // namespace pairlens::privacy::detail
