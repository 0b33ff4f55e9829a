// Phone numbers. North American numbers (the common case in this data, including the fictional
// 555 exchange) are checked by shape rules here; international numbers ("+CC ...", "00 CC ...",
// "011 CC ...") and national numbers with a trunk prefix are validated by libphonenumber, which is
// only called for the few candidates that survive the cheap shape checks. Other national numbers
// are judged by their grouping ("699 956 915", "60-56-85-91", "(37) 788-063"), and shapes that are
// ambiguous alone ("467 3395", "46733950") count only with a context word nearby
// (detectcontext.cpp). docs/anonymization.md lists the rules.
#include "privacy/detectors.h"
#include "privacy/memo.h"
#include "privacy/phoneparse_p.h"

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

// Parse(number, region), through parseInternationalQuickly() where that is sure of the result.
bool parse(const std::string &number, const char *region, PhoneNumber *parsed)
{
    if (region[0] == 'Z' && region[1] == 'Z' && parseInternationalQuickly(number, parsed))
        return true;
    return PhoneNumberUtil::GetInstance()->Parse(number, region, parsed) == PhoneNumberUtil::NO_PARSING_ERROR;
}

bool validForRegionUncached(const std::string &number, const char *region)
{
    PhoneNumber parsed;
    return parse(number, region, &parsed) && PhoneNumberUtil::GetInstance()->IsValidNumber(parsed);
}

bool possibleInternationalUncached(const std::string &number)
{
    PhoneNumber parsed;
    return parse(number, "ZZ", &parsed) &&
           PhoneNumberUtil::GetInstance()->IsPossibleNumberWithReason(parsed) == PhoneNumberUtil::IS_POSSIBLE;
}

// The question a memo entry answers: valid in a region, or (kPossible) a possible '+' number.
constexpr const char *kPossible = "+P";

// The last answers of this thread, in front of the shared memo: a repeated candidate costs a hash
// and a comparison of its units, not a conversion, a key string, a lock and a map lookup.
struct PhoneSlot
{
    const char *question = nullptr; // nullptr: empty
    int length = 0;
    bool answer = false;
    char16_t units[32];
};

// libphonenumber's answer (~340k instructions, ICU regular expressions) remembered once for all
// threads (an export's workers see the same numbers): the key is the question (the region code,
// two letters or "ZZ" for '+' numbers, or kPossible), then the candidate's ASCII. 65,536 entries are
// ~6 MB at most.
bool askLibphonenumber(QStringView number, const char *question, bool memoize)
{
    const auto compute = [question](const std::string &ascii) {
        return question == kPossible ? possibleInternationalUncached(ascii)
                                     : validForRegionUncached(ascii, question);
    };
    if (!memoize)
        return compute(toAscii(number));
    PhoneSlot *slot = nullptr;
    if (number.size() <= qsizetype(std::size(PhoneSlot{}.units))) {
        std::size_t h = reinterpret_cast<std::uintptr_t>(question) * 0x9E3779B97F4A7C15ull;
        for (const QChar c : number)
            h = (h ^ c.unicode()) * 0x100000001B3ull;
        thread_local DirectMemo<PhoneSlot, 1024> recent;
        slot = &recent.slot(h);
        if (slot->question == question && slot->length == number.size() &&
            std::equal(number.utf16(), number.utf16() + number.size(), slot->units))
            return slot->answer;
    }
    static SharedMemo<std::string, bool, std::hash<std::string>, 65536> memo;
    const std::string ascii = toAscii(number);
    const bool answer = memo.get(question + ascii, [&] { return compute(ascii); });
    if (slot) {
        slot->question = question;
        slot->length = int(number.size());
        slot->answer = answer;
        std::copy(number.utf16(), number.utf16() + number.size(), slot->units);
    }
    return answer;
}

bool validForRegion(QStringView number, const char *region, bool memoize)
{
    return askLibphonenumber(number, region, memoize);
}

// An optional extension after a number: " x12", " ext. 12", " ext12", " extension 12".
qsizetype extensionEnd(QStringView text, qsizetype i)
{
    qsizetype k = i;
    if (at(text, k) == u' ')
        ++k;
    if (const char16_t f = at(text, k) | 0x20; f != u'e' && f != u'x')
        return i; // every word below starts with 'e' or 'x', in any case
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

namespace {

// Whether a '+' number has a possible length for its country code (libphonenumber, remembered like
// validForRegion()).
bool possibleInternational(QStringView number, bool memoize)
{
    return askLibphonenumber(number, kPossible, memoize);
}

} // namespace

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
        // Up to two joiners between groups: "-", " ", ".", "(", ")", ") ", " ("; or one '/' after
        // an area code, as Hungary and Germany write it ("+36 20/941-5450", "+49 30/1234567").
        qsizetype k = i;
        if (at(text, k) == u'/' && groups >= 2)
            ++k;
        while (k - i < 2 && at(text, i) != u'/') {
            const char16_t c = at(text, k);
            if (!(isPhoneSeparator(c) || c == u'(' || c == u')'))
                break;
            ++k;
        }
        if (k == i || !isDigit(at(text, k)))
            break;
        i = k;
    }
    const int last = groups - 1;
    if (memoize && groups >= 3 && groupDigits[last] >= 8 && numberEndOk(text, groupEnds[last])) {
        // The same answer as the loop below with one validation fewer for most numbers: a number
        // written in three or more groups of a possible length is taken whole (the last rule)
        // unless a prefix of it is valid, so when no shorter prefix is valid (their answers are
        // remembered: numbers of one area share them) whether the whole is valid does not matter.
        // Only where a shorter prefix is valid, or the whole has no possible length, is the whole
        // validated. tst_anonymizerfastpath compares this with the loop (memoize false).
        const qsizetype whole = groupEnds[last];
        qsizetype shorter = -1; // the longest valid prefix
        for (int g = last - 1; g >= 0 && groupDigits[g] >= 8 && shorter < 0; --g) {
            if (numberEndOk(text, groupEnds[g]) &&
                validForRegion(text.mid(pos, groupEnds[g] - pos), "ZZ", true))
                shorter = groupEnds[g];
        }
        if (shorter < 0 && possibleInternational(text.mid(pos, whole - pos), true))
            return extensionEnd(text, whole);
        if (validForRegion(text.mid(pos, whole - pos), "ZZ", true))
            return extensionEnd(text, whole);
        return shorter < 0 ? -1 : extensionEnd(text, shorter);
    }
    for (int g = groups - 1; g >= 0; --g) {
        if (groupDigits[g] < 8)
            break;
        const qsizetype end = groupEnds[g];
        if (!numberEndOk(text, end))
            continue;
        if (validForRegion(text.mid(pos, end - pos), "ZZ", memoize))
            return extensionEnd(text, end);
    }
    // Not in an assigned range (made-up and test numbers are written like real ones): a number of
    // a possible length for its country code counts when written in groups or named as a phone.
    if (groups >= 1 && groupDigits[groups - 1] >= 8) {
        const qsizetype end = groupEnds[groups - 1];
        if (numberEndOk(text, end) && (groups >= 3 || hasContext(text, pos, end, ContextKind::Phone)) &&
            possibleInternational(text.mid(pos, end - pos), memoize))
            return extensionEnd(text, end);
    }
    return -1;
}

namespace {

// The digit groups of a written number: "699 956 915", "60-56-85-91", "(37) 788-063",
// "8 (495) 123-45-67", "030/1234567".
struct Run
{
    static constexpr int kMaxGroups = 8;
    int groups = 0;
    int digits = 0;
    qsizetype start[kMaxGroups] = {};
    qsizetype end[kMaxGroups] = {};
    int len[kMaxGroups] = {};
    char16_t sep[kMaxGroups] = {}; // what joins group g to the one before (0 for the first)
    int bracketed = -1;            // the group written in brackets, if any
    char d[16] = {};               // the digits

    int value(int g) const
    {
        int v = 0;
        for (qsizetype k = start[g]; k < end[g]; ++k)
            v = v * 10 + (d[offset(g) + int(k - start[g])] - '0');
        return v;
    }
    int offset(int g) const
    {
        int o = 0;
        for (int k = 0; k < g; ++k)
            o += len[k];
        return o;
    }
    bool year(int g) const { return len[g] == 4 && value(g) >= 1900 && value(g) <= 2099; }
};

// Reads the groups from `pos`: digits joined by one ' ', '-', '.' or '/', one of them possibly in
// brackets followed by an optional ' ' or '-'. False when there is none, or when the run goes on
// past 8 groups or 15 digits: such a run is no phone number, nor is any part of it.
bool readRun(QStringView text, qsizetype pos, Run &r)
{
    qsizetype i = pos;
    char16_t joiner = 0;
    while (true) {
        bool bracket = false;
        if (at(text, i) == u'(' && r.bracketed < 0) {
            bracket = true;
            ++i;
        }
        const qsizetype groupStart = i;
        while (isDigit(at(text, i)))
            ++i;
        const int len = int(i - groupStart);
        if (len == 0)
            return false;
        if (r.groups == Run::kMaxGroups || r.digits + len > 15)
            return false;
        for (int k = 0; k < len; ++k)
            r.d[r.digits + k] = char(text[groupStart + k].unicode());
        r.start[r.groups] = groupStart;
        r.end[r.groups] = i;
        r.len[r.groups] = len;
        r.sep[r.groups] = joiner;
        r.digits += len;
        if (bracket) {
            if (at(text, i) != u')' || len > 5)
                return false;
            r.bracketed = r.groups;
            ++i;
        }
        ++r.groups;
        const char16_t c = at(text, i);
        if (bracket) {
            qsizetype k = i;
            if (c == u' ' || c == u'-')
                ++k;
            if (!isDigit(at(text, k)))
                return false; // an area code is followed by the number
            joiner = u')';
            i = k;
            continue;
        }
        if ((c == u' ' || c == u'-' || c == u'.' || c == u'/') &&
            (isDigit(at(text, i + 1)) ||
             (at(text, i + 1) == u'(' && r.bracketed < 0 && isDigit(at(text, i + 2))))) {
            joiner = c;
            ++i;
            continue;
        }
        return true;
    }
}

bool dayMonth(const Run &r, int g, int max)
{
    return r.len[g] <= 2 && r.value(g) >= 1 && r.value(g) <= max;
}

// Three groups of 4-2-2 or 2-2-4 digits (or fewer than 2): the shape of a date whatever the values,
// never a phone number, context or not. The pre-filter (mayContainBuiltin()) relies on this rule.
bool dateShaped(const Run &r)
{
    return r.groups == 3 && ((r.len[0] == 4 && r.len[1] <= 2 && r.len[2] <= 2) ||
                             (r.len[0] <= 2 && r.len[1] <= 2 && r.len[2] == 4));
}

// Dates (2024-01-15, 15.01.2024, 01/15/2024), year lists and ranges (2019-2020), IPv4-like
// dotted quads and thousands written with dots (12.345.678) are not phone numbers.
bool notAPhone(const Run &r)
{
    if (dateShaped(r))
        return true;
    for (int g = 0; g + 2 < r.groups; ++g) {
        if (r.sep[g + 1] != r.sep[g + 2] || r.sep[g + 1] == u')')
            continue;
        if (r.year(g) && dayMonth(r, g + 1, 12) && dayMonth(r, g + 2, 31))
            return true;
        if (r.year(g + 2) && dayMonth(r, g, 31) && dayMonth(r, g + 1, 31))
            return true;
    }
    bool allYears = r.groups >= 2;
    for (int g = 0; g < r.groups; ++g)
        allYears = allYears && r.year(g);
    if (allYears)
        return true;
    bool dots = r.groups >= 2, quad = r.groups == 4, thousands = r.groups >= 2 && r.len[0] <= 3;
    for (int g = 1; g < r.groups; ++g) {
        dots = dots && r.sep[g] == u'.';
        quad = quad && r.len[g] <= 3;
        thousands = thousands && r.len[g] == 3;
    }
    if (dots && ((quad && r.len[0] <= 3) || thousands))
        return true;
    // A compact 8-digit date (20240115).
    if (r.groups == 1 && r.len[0] == 8) {
        const int v = r.value(0);
        const int y = v / 10000, m = v / 100 % 100, day = v % 100;
        if (y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && day >= 1 && day <= 31)
            return true;
    }
    return false;
}

// Regions whose national numbers start with the trunk prefix 0 (or 8): first those this data
// meets most, then the most populous.
const char *const kTrunkRegions[] = {
    "GB", "DE", "FR", "IT", "NL", "BE", "CH", "AT", "SE", "IL", "JP", "KR", "CN", "AU", "IN", "BR",
    "MX", "ID", "PK", "NG", "BD", "PH", "EG", "VN", "IR", "TR", "TH", "TZ", "ZA", "KE", "MM", "UG",
    "SD", "DZ", "AR", "IQ", "AF", "UA", "MA", "SA", "MY", "PE", "NZ", "TW", "FI", "IE",
};
const char *const kTrunk8Regions[] = {"RU", "KZ", "BY", "UZ"};

// The international prefix a number starts with ("00", "011"), 0 when none.
int internationalPrefix(const Run &r)
{
    if (r.bracketed == 0 || r.d[0] != '0')
        return 0;
    if (r.d[1] == '0' && r.digits >= 10)
        return 2;
    if (r.d[1] == '1' && r.d[2] == '1' && r.digits >= 11)
        return 3;
    return 0;
}

} // namespace

qsizetype matchNationalPhoneAt(QStringView text, qsizetype pos, qsizetype loserEnd, bool memoize)
{
    const char16_t first = at(text, pos);
    if (first != u'(' && !isDigit(first))
        return -1;
    // '+' numbers are matchIntlPhoneAt()'s and matchNanpPhoneAt()'s.
    if (pos > 0 && (isWordChar(text[pos - 1].unicode()) || text[pos - 1] == u'+'))
        return -1;
    // Not the tail of a longer digit sequence written in groups ("DE89 3704 0044 0532 0130 01"),
    // nor what follows an area code in brackets ("(205) 892-5664" is read from its '(').
    qsizetype before = pos - 1;
    if (before >= 0 && text[before] == u' ')
        --before;
    if (before >= 0 && before < pos - 1 && isDigit(text[before].unicode()))
        return -1;
    if (before >= 1 && text[before] == u')' && isDigit(text[before - 1].unicode()))
        return -1;
    Run r;
    if (!readRun(text, pos, r))
        return -1;
    const qsizetype end = r.end[r.groups - 1];
    if (r.digits < 7 || !numberEndOk(text, end) || isDigit(at(text, end)) || end == loserEnd)
        return -1;
    if (notAPhone(r))
        return -1;
    const QStringView candidate = text.mid(pos, end - pos);
    const auto context = [&] {
        return !idWordBefore(text, pos) && hasContext(text, pos, end, ContextKind::Phone);
    };
    bool ok = false;
    if (r.groups == 1 && r.d[0] == '1' && r.digits == 11 && r.d[1] >= '3') {
        // Chinese mobile numbers: 1[3-9] and nine more digits, written without separators.
        ok = validForRegion(candidate, "CN", memoize) || context();
        return ok ? extensionEnd(text, end) : -1;
    }
    if (const int prefix = internationalPrefix(r)) {
        // "00 44 20 7946 0958", "011 49 30 1234567": the '+' written as the international prefix.
        qsizetype from = pos + prefix;
        if (r.len[0] == prefix)
            from = r.start[1];
        if (r.bracketed < 0 || r.start[r.bracketed] - 1 >= from) {
            const QString plus = u'+' + text.mid(from, end - from).toString();
            ok = validForRegion(plus, "ZZ", memoize) ||
                 ((r.groups >= 3 || context()) && possibleInternational(plus, memoize));
        }
    }
    if (ok) {
        // an international number
    } else if (r.d[0] == '0' || (r.d[0] == '8' && r.len[0] == 1 && r.digits >= 10 && r.digits <= 11)) {
        // A trunk prefix ('0', or '8' written alone as in "8 (916) 123-45-67"): validated as a
        // national number of the regions that use it ("011 2345-6789" is also Buenos Aires).
        if (r.digits >= 9 && r.digits <= 12 && (r.groups >= 2 || r.digits >= 10)) {
            if (r.d[0] == '0') {
                for (const char *region : kTrunkRegions) {
                    if ((ok = validForRegion(candidate, region, memoize)))
                        break;
                }
            } else {
                for (const char *region : kTrunk8Regions) {
                    if ((ok = validForRegion(candidate, region, memoize)))
                        break;
                }
            }
        }
        ok = ok || (r.digits >= 8 && r.digits <= 12 && context());
        // A trunk-prefixed area code in brackets and the subscriber's digits ("(0161) 457739517",
        // "(030) 1234567"), written so only phone numbers are, even when no region would assign
        // it: not an SSN, an order number or an amount.
        ok = ok || (r.bracketed == 0 && r.d[0] == '0' && r.len[0] >= 3 && r.len[0] <= 5 && r.digits >= 8 &&
                    r.digits <= 13 && r.digits - r.len[0] >= 5);
    } else if (r.digits > 12) {
        ok = false;
    } else if (r.groups == 3 && r.len[0] == 3 && r.len[1] == 3 && r.len[2] == 4) {
        // The North American shape: valid area codes are matchNanpPhoneAt()'s; others
        // ("123-456-7890") only when named as a phone.
        if (r.d[0] >= '2' && r.sep[1] != u'/' && r.sep[2] != u'/' && r.bracketed < 0)
            return -1;
        ok = context();
    } else if (r.bracketed >= 0) {
        // "(37) 788-063", "(11) 91234-5678": an area code in brackets.
        ok = r.digits - r.offset(r.bracketed + 1) >= 5 || context();
    } else {
        // 3-2-4 is the shape of a US SSN (the SSN detector judges it, mixed separators included).
        const bool ssnShaped = r.groups == 3 && r.len[0] == 3 && r.len[1] == 2 && r.len[2] == 4;
        bool grouped = r.groups >= 3 && r.digits >= 8 && !ssnShaped;
        for (int g = 0; g < r.groups; ++g)
            grouped = grouped && r.len[g] >= 2 && r.len[g] <= 4 && r.sep[g] != u'/';
        // Three or more groups of 2-4 digits ("699 956 915", "60-56-85-91"); compact and
        // two-group numbers ("467 3395", "46733950") only when named as a phone.
        ok = grouped || context();
    }
    if (!ok)
        return -1;
    return extensionEnd(text, end);
}

} // namespace pairlens::privacy::detail
