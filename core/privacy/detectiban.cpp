// IBAN: two letters of a country that issues IBANs, two check digits, then the BBAN, in upper or
// lower case (not mixed); written compact or in groups separated by one or two spaces or a dash.
// The total length must be the country's IBAN length and the ISO 7064 mod-97 check must give 1.
#include "privacy/detectors.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace pairlens::privacy::detail {

namespace {

struct IbanCountry
{
    char code[3];
    int length;
};

// IBAN registry (SWIFT) with Honduras (HN, 2024), and the countries that use IBANs nationally
// outside the registry (Iran, Algeria, Morocco, and the West and Central African countries of
// the BCEAO and BEAC zones, ...; lengths as those countries publish them), sorted by code.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AO", 25}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
    {"BF", 28}, {"BG", 22}, {"BH", 22}, {"BI", 27}, {"BJ", 28}, {"BR", 29}, {"BY", 28}, {"CF", 27},
    {"CG", 27}, {"CH", 21}, {"CI", 28}, {"CM", 27}, {"CR", 22}, {"CV", 25}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"DZ", 26}, {"EE", 20}, {"EG", 29}, {"ES", 24},
    {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GA", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23},
    {"GL", 18}, {"GQ", 27}, {"GR", 27}, {"GT", 28}, {"GW", 25}, {"HN", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IR", 26}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KM", 27},
    {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
    {"LY", 25}, {"MA", 28}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MG", 27}, {"MK", 19}, {"ML", 28},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"MZ", 25}, {"NE", 28}, {"NI", 28}, {"NL", 18},
    {"NO", 15}, {"OM", 23}, {"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24},
    {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24},
    {"SM", 27}, {"SN", 28}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TD", 27}, {"TG", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

// The same lengths indexed by the code's letters (0 where no country): the pre-filter asks at every
// two letters before two digits.
constexpr std::array<quint8, 26 * 26> makeLengthTable()
{
    std::array<quint8, 26 * 26> t{};
    for (const IbanCountry &c : kIbanCountries)
        t[size_t((c.code[0] - 'A') * 26 + (c.code[1] - 'A'))] = quint8(c.length);
    return t;
}

constexpr std::array<quint8, 26 * 26> kLengthByCode = makeLengthTable();

} // namespace

int ibanLength(QStringView cc)
{
    if (cc.size() != 2 || !isAsciiAlpha(cc[0].unicode()) || !isAsciiAlpha(cc[1].unicode()))
        return 0;
    const int first = (cc[0].unicode() & ~0x20) - 'A', second = (cc[1].unicode() & ~0x20) - 'A'; // upper case
    return kLengthByCode[size_t(first * 26 + second)];
}

bool ibanChecksumValid(QStringView iban)
{
    if (iban.size() < 5 || iban.size() > 34)
        return false;
    // Move the first four characters to the end, letters count as 10..35; remainder mod 97 == 1.
    int remainder = 0;
    for (qsizetype k = 0; k < iban.size(); ++k) {
        const char16_t c = iban[(k + 4) % iban.size()].unicode();
        if (isDigit(c)) {
            remainder = (remainder * 10 + (c - u'0')) % 97;
        } else if (isAsciiUpper(c)) {
            remainder = (remainder * 100 + (c - u'A' + 10)) % 97;
        } else {
            return false;
        }
    }
    return remainder == 1;
}

qsizetype matchIbanAt(QStringView text, qsizetype pos)
{
    const int length = ibanLength(text.mid(pos, 2));
    if (length == 0 || !isDigit(at(text, pos + 2)) || !isDigit(at(text, pos + 3)))
        return -1;
    if (pos > 0 && isWordChar(text[pos - 1].unicode()))
        return -1;
    // One case throughout: "GB29 NWBK ..." or "gb29 nwbk ...", never "LV80 bANK ...".
    const bool lower = !isAsciiUpper(text[pos].unicode());
    const auto letterOk = [lower](char16_t c) { return lower ? c >= u'a' && c <= u'z' : isAsciiUpper(c); };
    if (!letterOk(text[pos + 1].unicode()))
        return -1;
    char16_t compact[40];
    int count = 0;
    qsizetype i = pos;
    while (count < length) {
        const char16_t c = at(text, i);
        if (isDigit(c) || letterOk(c)) {
            compact[count++] = lower && !isDigit(c) ? char16_t(c - u'a' + u'A') : c;
            ++i;
            continue;
        }
        // Groups of any size after the country code and check digits, joined by one or two spaces
        // or one dash: "GB29 NWBK 6016 1331 9268 19", "GB29NWBK 60161331926819".
        if (count >= 4 && (c == u' ' || c == u'-')) {
            qsizetype k = i + 1;
            if (c == u' ' && at(text, k) == u' ')
                ++k;
            if (isDigit(at(text, k)) || letterOk(at(text, k))) {
                i = k;
                continue;
            }
        }
        return -1;
    }
    if (isWordChar(at(text, i)))
        return -1;
    if (!ibanChecksumValid(QStringView(compact, count)))
        return -1;
    return i;
}

} // namespace pairlens::privacy::detail
