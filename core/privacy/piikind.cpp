#include "privacy/piikind.h"

using namespace Qt::StringLiterals;

namespace pairlens {

QList<PiiKind> allPiiKinds()
{
    return {PiiKind::Email, PiiKind::Phone, PiiKind::Ssn,     PiiKind::CreditCard,  PiiKind::IpAddress,
            PiiKind::Iban,  PiiKind::Name,  PiiKind::Address, PiiKind::DateOfBirth, PiiKind::Custom};
}

QString piiKindName(PiiKind kind)
{
    switch (kind) {
    case PiiKind::Email:
        return u"email"_s;
    case PiiKind::Phone:
        return u"phone"_s;
    case PiiKind::Ssn:
        return u"ssn"_s;
    case PiiKind::CreditCard:
        return u"credit_card"_s;
    case PiiKind::IpAddress:
        return u"ip_address"_s;
    case PiiKind::Iban:
        return u"iban"_s;
    case PiiKind::Name:
        return u"name"_s;
    case PiiKind::Address:
        return u"address"_s;
    case PiiKind::DateOfBirth:
        return u"date_of_birth"_s;
    case PiiKind::Custom:
        return u"custom"_s;
    }
    return {};
}

quint32 piiKindFromName(QStringView name)
{
    const QString n = name.trimmed().toString().toLower().replace(u'-', u'_');
    for (PiiKind k : allPiiKinds()) {
        if (n == piiKindName(k))
            return quint32(k);
    }
    if (n == u"ip"_s || n == u"ip_addr"_s)
        return quint32(PiiKind::IpAddress);
    if (n == u"card"_s || n == u"cc"_s || n == u"creditcard"_s)
        return quint32(PiiKind::CreditCard);
    if (n == u"phone_number"_s)
        return quint32(PiiKind::Phone);
    if (n == u"person_name"_s)
        return quint32(PiiKind::Name);
    if (n == u"street_address"_s)
        return quint32(PiiKind::Address);
    if (n == u"dob"_s || n == u"birth_date"_s || n == u"birthdate"_s || n == u"birthday"_s ||
        n == u"dateofbirth"_s)
        return quint32(PiiKind::DateOfBirth);
    if (n == u"us_ssn"_s)
        return quint32(PiiKind::Ssn);
    return 0;
}

QStringList piiKindNames(quint32 mask)
{
    QStringList out;
    for (PiiKind k : allPiiKinds()) {
        if (mask & quint32(k))
            out << piiKindName(k);
    }
    return out;
}

} // namespace pairlens
