#pragma once

#include <QHashFunctions>
#include <QList>
#include <QString>
#include <QStringList>

namespace pairlens {

// The kinds of personal data PairLens detects. The values are bits: a pair's `pii_mask` column is
// the OR of the kinds found in it (0 = none found, NULL = not scanned yet).
enum class PiiKind : quint32
{
    Email = 1u << 0,
    Phone = 1u << 1,
    Ssn = 1u << 2,
    CreditCard = 1u << 3,
    IpAddress = 1u << 4,
    Iban = 1u << 5,
    Custom = 1u << 6,
    Name = 1u << 7,        // a person's name
    Address = 1u << 8,     // a street address
    DateOfBirth = 1u << 9, // a date of birth (in text after "born", "DOB", ...; in SQL by its column)
};

QList<PiiKind> allPiiKinds();
// Stable lower-case names used on the command line and in JSON: email, phone, ssn, credit_card,
// ip_address, iban, name, address, date_of_birth, custom.
QString piiKindName(PiiKind kind);
// Accepts the stable names and a few aliases (ip, card, cc, dob, birth_date, birthday); returns 0
// when unknown.
quint32 piiKindFromName(QStringView name);
QStringList piiKindNames(quint32 mask);

// Lets PiiKind be a QHash key (Qt 6.4 has no generic qHash for enums).
inline size_t qHash(PiiKind kind, size_t seed = 0) noexcept
{
    return ::qHash(quint32(kind), seed);
}

} // namespace pairlens
