// US Social Security numbers and payment card numbers (every length and brand), plus the number boundary
// rules shared by the digit-based detectors.
#include "privacy/detectors.h"

#include <QChar>

namespace pairlens::privacy::detail {

bool isWordCharSlow(char16_t c)
{
    return QChar(c).isLetterOrNumber() || QChar::isSurrogate(c);
}

bool numberStartOk(QStringView text, qsizetype pos)
{
    if (pos == 0)
        return true;
    const char16_t prev = text[pos - 1].unicode();
    if (isWordChar(prev))
        return false;
    if ((prev == u'-' || prev == u'.' || prev == u'/') && isDigit(at(text, pos - 2)))
        return false;
    return true;
}

bool numberEndOk(QStringView text, qsizetype end)
{
    const char16_t next = at(text, end);
    if (isWordChar(next))
        return false;
    if ((next == u'-' || next == u'.' || next == u'/') && isDigit(at(text, end + 1)))
        return false;
    return true;
}

// SSN: area-group-serial written 3-2-4 with one consistent delimiter ('-', '.' or ' ') or as nine
// bare digits.
bool ssnValid(QStringView d)
{
    if (d.size() != 9)
        return false;
    bool allSame = true;
    for (qsizetype i = 0; i < 9; ++i) {
        if (!isDigit(d[i].unicode()))
            return false;
        allSame = allSame && d[i] == d[0];
    }
    if (allSame)
        return false;
    const int area = (d[0].unicode() - u'0') * 100 + (d[1].unicode() - u'0') * 10 + (d[2].unicode() - u'0');
    if (area == 0 || area == 666 || area >= 900)
        return false;
    if (d.mid(3, 2) == u"00" || d.mid(5, 4) == u"0000")
        return false;
    // Numbers voided after they were printed in advertising (the Woolworth wallet card, ...).
    if (d == u"078051120" || d == u"219099999")
        return false;
    return true;
}

qsizetype matchSsnAt(QStringView text, qsizetype pos)
{
    char16_t digits[9];
    qsizetype i = pos;
    auto take = [&](int n, int offset) {
        for (int k = 0; k < n; ++k, ++i) {
            if (!isDigit(at(text, i)))
                return false;
            digits[offset + k] = text[i].unicode();
        }
        return true;
    };
    if (!take(3, 0))
        return -1;
    const char16_t sep = at(text, i);
    if (isDigit(sep)) {
        if (!take(6, 3))
            return -1;
    } else if (sep == u'-' || sep == u'.' || sep == u' ') {
        ++i;
        if (!take(2, 3) || at(text, i) != sep)
            return -1;
        ++i;
        if (!take(4, 5))
            return -1;
    } else {
        return -1;
    }
    if (isDigit(at(text, i)) || !numberEndOk(text, i))
        return -1;
    return ssnValid(QStringView(digits, 9)) ? i : -1;
}

bool luhnValid(QStringView digits)
{
    int sum = 0;
    bool doubled = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        int d = digits[i].unicode() - u'0';
        if (d < 0 || d > 9)
            return false;
        if (doubled) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
        doubled = !doubled;
    }
    return !digits.isEmpty() && sum % 10 == 0;
}

namespace {

int leading(const char16_t *d, int n)
{
    int v = 0;
    for (int k = 0; k < n; ++k)
        v = v * 10 + (d[k] - u'0');
    return v;
}

// Issuer prefixes of 13-19 digit numbers: 1 (UATP, 15 digits), 1800 and 2131 (JCB's 15-digit
// numbers, covered by the UATP rule and listed), 2200-2204 (Mir), 2221-2720 (Mastercard), 3 (Amex
// 34/37, Diners 300-305/36/38/39, JCB 3528-3589), 4 (Visa), 5 (Mastercard 51-55, Maestro 50/56-59),
// 6 (Discover 6011/644-649/65, UnionPay 62, Maestro 56-69, RuPay). 0, 7, 8, 9 never start one.
// 12 digits: Maestro (50, 56-69) only.
bool cardPrefixValid(const char16_t *d, int count)
{
    const int first = d[0] - u'0';
    if (count == 12) {
        const int two = leading(d, 2);
        return two == 50 || (two >= 56 && two <= 69);
    }
    if (first == 1)
        return count == 15;
    if (first == 2) {
        const int four = leading(d, 4);
        return (four >= 2200 && four <= 2204) || (four >= 2221 && four <= 2720) ||
               (four == 2131 && count == 15);
    }
    return first >= 3 && first <= 6;
}

// The separator between two digit groups of a card number at text[i], if any: its length, 0 when
// there is none. One '-' or '.', one or two spaces, or a '-' or '.' with one space on either side
// ("4111 - 1111"); groups may be separated differently ("4111-1111 1111.1111").
int cardGapLength(QStringView text, qsizetype i)
{
    qsizetype k = i;
    if (at(text, k) == u' ')
        ++k;
    if (at(text, k) == u'-' || at(text, k) == u'.') {
        ++k;
        if (at(text, k) == u' ')
            ++k;
    } else if (at(text, k) == u' ') {
        ++k; // two spaces
    }
    return k > i && isDigit(at(text, k)) ? int(k - i) : 0;
}

} // namespace

// 12-19 digits, compact or in groups of 3-6 digits separated by spaces, '-' or '.' (cardGapLength()),
// passing the Luhn check and starting with an issuer prefix. A 12-digit number (Maestro) also needs
// to be written in groups or to have a card word nearby (an order number in SQL is neither).
qsizetype matchCardAt(QStringView text, qsizetype pos)
{
    char16_t digits[20];
    int count = 0;
    qsizetype groupEnds[20];
    int groupCounts[20]; // digits so far at each group end
    int groups = 0;
    qsizetype i = pos;
    while (groups < 20) {
        const qsizetype groupStart = i;
        int more = 0;
        while (isDigit(at(text, i + more)) && count + more < 20) {
            digits[count + more] = text[i + more].unicode();
            ++more;
        }
        if (count + more >= 20) {
            if (groups == 0)
                return -1; // a longer number
            break;         // the next number: the groups so far may be a card
        }
        i += more;
        count += more;
        groupEnds[groups] = i;
        groupCounts[groups] = count;
        ++groups;
        const qsizetype length = i - groupStart;
        const int gap = cardGapLength(text, i);
        if (groups == 1 && (gap == 0 || length > 6))
            break; // compact form
        if (length < 3 || length > 6) {
            --groups; // a separated form has groups of 3-6 digits
            break;
        }
        if (gap == 0 || count >= 19)
            break;
        i += gap;
    }
    for (int g = groups - 1; g >= 0; --g) {
        const int n = groupCounts[g];
        if (n < 12 || n > 19 || !numberEndOk(text, groupEnds[g]) || !cardPrefixValid(digits, n))
            continue;
        if (n == 12 && g == 0 && !hasContext(text, pos, groupEnds[g], ContextKind::Card))
            continue;
        bool allSame = true;
        for (int k = 1; k < n; ++k)
            allSame = allSame && digits[k] == digits[0];
        if (!allSame && luhnValid(QStringView(digits, n)))
            return groupEnds[g];
    }
    return -1;
}

} // namespace pairlens::privacy::detail
