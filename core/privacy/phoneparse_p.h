#pragma once

// Internal: libphonenumber's parse of a '+' number, done without its regular expressions where
// the result is certain (phoneparse.cpp). Used by detectphone.cpp; tst_anonymizerfastpath compares
// it with PhoneNumberUtil::Parse().

#include <phonenumbers/phonenumber.pb.h>

#include <string>

namespace pairlens::privacy::detail {

// What PhoneNumberUtil::Parse(number, "ZZ") gives for `number`, a '+', digits and the separators
// " -.()/" (as matchIntlPhoneAt() hands them over), when no rule of the country can change the
// national number: a country calling code of a country (not a non-geographic entity), then a
// national number of 2 to 17 digits that does not start with '0' nor with the country's national
// prefix. Returns false, with `*out` unspecified, where it cannot be sure (the caller then asks
// Parse(), whose four regular-expression passes cost ~170,000 instructions a number).
bool parseInternationalQuickly(const std::string &number, i18n::phonenumbers::PhoneNumber *out);

} // namespace pairlens::privacy::detail
