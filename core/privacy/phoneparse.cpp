// A '+' number parsed as libphonenumber's Parse(number, "ZZ") parses it, for the numbers where its
// regular expressions cannot change the outcome. Parse() runs four passes of ICU regular
// expressions over every number (possible-number extraction, extension, national number for
// parsing, country code: ~170,000 instructions); real data holds many distinct numbers, so each
// new one paid that even with the memos of detectphone.cpp. For a number written with digits and
// the separators " -.()/" only, Parse() comes down to: strip the separators, take the first one to
// three digits that are a country calling code, and strip the country's national prefix from the
// rest where the metadata's `national_prefix_for_parsing` matches its start (with the length
// checks around it). Where that pattern is a plain digit string the rest does not start with, or
// the country has none, nothing is stripped and the result is known; every other case goes to
// Parse(). tst_anonymizerfastpath compares the two over every calling code.
#include "privacy/phoneparse_p.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_map>

// libphonenumber's compiled-in metadata, the bytes PhoneNumberUtil parses at its own start
// (declared in its metadata.h, which Debian does not install; exported by libphonenumber.so).
namespace i18n::phonenumbers {
int metadata_size();
const void *metadata_get();
} // namespace i18n::phonenumbers

namespace pairlens::privacy::detail {

namespace {

using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Per calling code: whether it is a country's, and its national prefix for parsing when that is a
// plain digit string.
struct CallingCode
{
    enum Kind : unsigned char
    {
        None,
        Plain,
        Unsure
    };
    Kind kind = None;           // None: no country has it; Unsure: a pattern, or not a country's
    std::string nationalPrefix; // Plain: the digits Parse() strips (empty: none)
};

const std::array<CallingCode, 1000> &callingCodes()
{
    static const std::array<CallingCode, 1000> codes = [] {
        std::array<CallingCode, 1000> out{};
        PhoneMetadataCollection collection;
        if (!collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                       i18n::phonenumbers::metadata_size())) {
            for (CallingCode &c : out)
                c.kind = CallingCode::Unsure; // everything to Parse()
            return out;
        }
        std::unordered_map<std::string, const std::string *> prefixOfRegion;
        for (int i = 0; i < collection.metadata_size(); ++i)
            prefixOfRegion.emplace(collection.metadata(i).id(),
                                   &collection.metadata(i).national_prefix_for_parsing());
        const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
        for (int code = 1; code < 1000; ++code) {
            std::string region;
            util->GetRegionCodeForCountryCode(code, &region);
            if (region == "ZZ")
                continue;
            CallingCode &c = out[size_t(code)];
            const auto it = prefixOfRegion.find(region);
            c.kind = CallingCode::Unsure;
            if (region == "001" || it == prefixOfRegion.end())
                continue;
            const std::string &prefix = *it->second;
            if (prefix.find_first_not_of("0123456789") != std::string::npos)
                continue;
            c.kind = CallingCode::Plain;
            c.nationalPrefix = prefix;
        }
        return out;
    }();
    return codes;
}

} // namespace

bool parseInternationalQuickly(const std::string &number, PhoneNumber *out)
{
    if (number.size() < 2 || number[0] != '+')
        return false;
    char digits[32];
    size_t n = 0;
    for (size_t i = 1; i < number.size(); ++i) {
        const char c = number[i];
        if (c >= '0' && c <= '9') {
            if (n == sizeof digits)
                return false;
            digits[n++] = c;
        } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '/') {
            return false;
        }
    }
    // The last unit a digit, as ExtractPossibleNumber() would leave it; the first not '0' (no
    // calling code starts with one).
    const char last = number.back();
    if (n < 4 || digits[0] == '0' || last < '0' || last > '9')
        return false;
    // The first one to three digits that are a calling code (ExtractCountryCode()).
    const auto &codes = callingCodes();
    int code = 0;
    size_t codeLength = 0;
    for (size_t k = 1; k <= 3 && codeLength == 0; ++k) {
        code = code * 10 + (digits[k - 1] - '0');
        if (codes[size_t(code)].kind != CallingCode::None)
            codeLength = k;
    }
    if (codeLength == 0)
        return false;
    const CallingCode &cc = codes[size_t(code)];
    if (cc.kind != CallingCode::Plain)
        return false;
    const std::string_view national(digits + codeLength, n - codeLength);
    if (national.size() < 2 || national.size() > 17 || national[0] == '0')
        return false;
    if (!cc.nationalPrefix.empty() && national.substr(0, cc.nationalPrefix.size()) == cc.nationalPrefix)
        return false;                 // Parse() may strip it
    std::uint64_t nationalNumber = 0; // at most 17 digits
    for (const char d : national)
        nationalNumber = nationalNumber * 10 + std::uint64_t(d - '0');
    out->Clear();
    out->set_country_code(code);
    out->set_national_number(nationalNumber);
    return true;
}

} // namespace pairlens::privacy::detail
