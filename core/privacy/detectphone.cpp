// Phone numbers. North American numbers (the common case in this data, including the fictional
// 555 exchange) are checked by shape rules here; international "+CC ..." numbers and national
// numbers with a trunk prefix are validated by libphonenumber, which is only called for the few
// candidates that survive the cheap shape checks.
#include "privacy/detectors.h"
#include "privacy/memo.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <string>

namespace pairlens::privacy::detail {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

bool digitsAt(QStringView text, qsizetype i, int n)
{
    for (int k = 0; k < n; ++k) {
        if (!isDigit(at(text, i + k)))
            return false;
    }
    return true;
}

std::string toAscii(QStringView text)
{
    std::string out;
    out.reserve(size_t(text.size()));
    for (QChar c : text)
        out.push_back(c.unicode() < 0x80 ? char(c.unicode()) : ' ');
    return out;
}

bool validForRegionUncached(const std::string &number, const char *region)
{
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    PhoneNumber parsed;
    if (util->Parse(number, region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR)
        return false;
    return util->IsValidNumber(parsed);
}

// libphonenumber's answer (~340k instructions, ICU regular expressions) remembered once for all
// threads (an export's workers see the same numbers): the key is the region code (two letters, or
// "ZZ" for '+' numbers), then the candidate's ASCII. 65,536 entries are ~6 MB at most.
bool validForRegion(QStringView number, const char *region, bool memoize)
{
    const std::string ascii = toAscii(number);
    if (!memoize)
        return validForRegionUncached(ascii, region);
    static SharedMemo<std::string, bool, std::hash<std::string>, 65536> memo;
    return memo.get(region + ascii, [&] { return validForRegionUncached(ascii, region); });
}

// An optional extension after a number: " x12", " ext. 12", " ext12", " extension 12".
qsizetype extensionEnd(QStringView text, qsizetype i)
{
    qsizetype k = i;
    if (at(text, k) == u' ')
        ++k;
    const QStringView rest = text.mid(k, 10);
    qsizetype word = 0;
    if (rest.startsWith(u"extension", Qt::CaseInsensitive))
        word = 9;
    else if (rest.startsWith(u"ext.", Qt::CaseInsensitive))
        word = 4;
    else if (rest.startsWith(u"ext", Qt::CaseInsensitive))
        word = 3;
    else if (rest.startsWith(u"x", Qt::CaseInsensitive))
        word = 1;
    if (word == 0)
        return i;
    k += word;
    if (at(text, k) == u' ')
        ++k;
    const qsizetype digitsStart = k;
    while (isDigit(at(text, k)) && k - digitsStart < 7)
        ++k;
    if (k == digitsStart || k - digitsStart > 6 || !numberEndOk(text, k))
        return i;
    return k;
}

bool isPhoneSeparator(char16_t c)
{
    return c == u'-' || c == u'.' || c == u' ';
}

// The separator between the groups of a North American number at text[i]: '-', '.', one or two
// spaces; groups may be separated differently ("555 123-4567"). Its length, or 0.
int phoneGapLength(QStringView text, qsizetype i)
{
    const char16_t c = at(text, i);
    if (c == u' ' && at(text, i + 1) == u' ')
        return 2;
    return isPhoneSeparator(c) ? 1 : 0;
}

} // namespace

qsizetype matchNanpPhoneAt(QStringView text, qsizetype pos)
{
    qsizetype i = pos;
    bool plus = false;
    if (at(text, i) == u'+') {
        if (at(text, i + 1) != u'1' || (pos > 0 && isWordChar(text[pos - 1].unicode())))
            return -1;
        plus = true;
        i += 2;
        if (isPhoneSeparator(at(text, i)))
            ++i;
    } else if (at(text, i) == u'1' && isPhoneSeparator(at(text, i + 1)) &&
               (isDigit(at(text, i + 2)) || at(text, i + 2) == u'(')) {
        i += 2; // country code written without '+'
    }
    qsizetype end = -1;
    if (plus && digitsAt(text, i, 10) && !isDigit(at(text, i + 10))) {
        end = i + 10; // +15551234567
    } else {
        const qsizetype areaPos = at(text, i) == u'(' ? i + 1 : i;
        if (at(text, i) == u'(') {
            if (!digitsAt(text, i + 1, 3) || at(text, i + 4) != u')')
                return -1;
            if (i == pos && pos > 0 && isWordChar(text[pos - 1].unicode()))
                return -1;
            i += 5;
            if (at(text, i) == u' ')
                ++i;
        } else {
            const int gap = phoneGapLength(text, i + 3);
            if (!digitsAt(text, i, 3) || gap == 0)
                return -1;
            i += 3 + gap;
        }
        const char16_t area = at(text, areaPos);
        if (area < u'2' || area > u'9')
            return -1;
        if (!digitsAt(text, i, 3))
            return -1;
        const int gap2 = phoneGapLength(text, i + 3);
        if (gap2 == 0 || !digitsAt(text, i + 3 + gap2, 4))
            return -1;
        end = i + 3 + gap2 + 4;
    }
    if (isDigit(at(text, end)) || !numberEndOk(text, end))
        return -1;
    return extensionEnd(text, end);
}

qsizetype matchIntlPhoneAt(QStringView text, qsizetype pos, bool memoize)
{
    if (at(text, pos) != u'+' || !isDigit(at(text, pos + 1)) || at(text, pos + 1) == u'0' ||
        at(text, pos + 1) == u'1')
        return -1;
    if (pos > 0 && isWordChar(text[pos - 1].unicode()))
        return -1;
    qsizetype groupEnds[16];
    int groupDigits[16];
    int groups = 0;
    int digits = 0;
    qsizetype i = pos + 1;
    while (groups < 16 && i - pos < 28) {
        const qsizetype start = i;
        while (isDigit(at(text, i)))
            ++i;
        digits += int(i - start);
        if (i == start || digits > 15)
            break;
        groupEnds[groups] = i;
        groupDigits[groups] = digits;
        ++groups;
        // Up to two joiners between groups: "-", " ", ".", "(", ")", ") ", " (".
        qsizetype k = i;
        while (k - i < 2) {
            const char16_t c = at(text, k);
            if (!(isPhoneSeparator(c) || c == u'(' || c == u')'))
                break;
            ++k;
        }
        if (k == i || !isDigit(at(text, k)))
            break;
        i = k;
    }
    for (int g = groups - 1; g >= 0; --g) {
        if (groupDigits[g] < 8)
            break;
        const qsizetype end = groupEnds[g];
        if (!numberEndOk(text, end))
            continue;
        if (validForRegion(text.mid(pos, end - pos), "ZZ", memoize))
            return end;
    }
    return -1;
}

qsizetype matchNationalPhoneAt(QStringView text, qsizetype pos, qsizetype loserEnd, bool memoize)
{
    const char16_t first = at(text, pos);
    if (first == u'1') {
        // Chinese mobile numbers: 1[3-9] and nine more digits, written without separators.
        const char16_t second = at(text, pos + 1);
        if (second < u'3' || !digitsAt(text, pos, 11) || !numberEndOk(text, pos + 11) ||
            isDigit(at(text, pos + 11)))
            return -1;
        return validForRegion(text.mid(pos, 11), "CN", memoize) ? pos + 11 : -1;
    }
    if (first != u'0')
        return -1;
    // Not the tail of a longer digit sequence written in groups ("DE89 3704 0044 0532 0130 01").
    if (pos >= 2 && text[pos - 1] == u' ' && isDigit(text[pos - 2].unicode()))
        return -1;
    // A trunk-prefixed number in 2-4 groups joined by one consistent separator, 9-12 digits in all
    // (dates such as 01.02.2020 have at most eight digits).
    qsizetype i = pos;
    int digits = 0, groups = 0;
    char16_t sep = 0;
    while (true) {
        const qsizetype start = i;
        while (isDigit(at(text, i)))
            ++i;
        digits += int(i - start);
        ++groups;
        const char16_t c = at(text, i);
        if (groups < 4 && isPhoneSeparator(c) && (sep == 0 || sep == c) && isDigit(at(text, i + 1))) {
            sep = c;
            ++i;
            continue;
        }
        break;
    }
    if (groups < 2 || digits < 9 || digits > 12 || !numberEndOk(text, i) || i == loserEnd)
        return -1;
    static const char *const regions[] = {"GB", "DE", "FR", "IT", "ES", "NL", "BE", "CH", "AT",
                                          "SE", "IL", "JP", "KR", "CN", "AU", "IN", "BR", "MX"};
    const QStringView candidate = text.mid(pos, i - pos);
    for (const char *region : regions) {
        if (validForRegion(candidate, region, memoize))
            return i;
    }
    return -1;
}

} // namespace pairlens::privacy::detail
