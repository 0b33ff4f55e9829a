#pragma once

// Internal: what a detected value becomes under each operator. Every function is pure: the result
// depends only on (key, kind, normalised value, operator), which makes replacements consistent
// across the question, the SQL and all pairs of a dataset.

#include "privacy/anonymizer.h"
#include "privacy/detectors.h"
#include "privacy/hmac.h"

namespace pairlens::privacy::detail {

// The normalised form of a value, the input of the keyed hash: e-mail lower-case; phone, SSN and
// card digits only (North American numbers without the leading 1, other international numbers
// with their '+'); IP addresses in canonical form without zone or prefix; IBAN compact upper-case.
QString normalise(PiiKind kind, QStringView original);

QString replacementFor(const KeyedHasher &hasher, PiiKind kind, const QString &customName, Operator op,
                       QStringView original);

// The surrogate operator (surrogate.cpp): a realistic value of the kind in the original's format, or
// empty where there is none (IP addresses, East Asian addresses: the pseudonym is used).
QString surrogateFor(PiiKind kind, QStringView original, const QString &normalised, const Digest &digest);

// The date a date of birth's pseudonym and surrogate show (1940-2005, day 1-28), from its digest.
DateParts dateFromDigest(const Digest &d);

QString databaseNameReplacement(const KeyedHasher &hasher, Operator op, QStringView name);

} // namespace pairlens::privacy::detail
