#include "piistyle.h"

#include <QCoreApplication>

namespace pairlens::ui {

QColor piiColor(PiiKind kind)
{
    // Light enough to read dark text on, distinct from each other (Tableau-like hues).
    switch (kind) {
    case PiiKind::Email:
        return QColor(0x9e, 0xc5, 0xfe);
    case PiiKind::Phone:
        return QColor(0xa3, 0xe4, 0xb4);
    case PiiKind::Ssn:
        return QColor(0xf8, 0xb4, 0xb4);
    case PiiKind::CreditCard:
        return QColor(0xfd, 0xd8, 0x8a);
    case PiiKind::IpAddress:
        return QColor(0xd4, 0xb8, 0xf4);
    case PiiKind::Iban:
        return QColor(0x9f, 0xe3, 0xe0);
    case PiiKind::Name:
        return QColor(0xf9, 0xc4, 0xe1);
    case PiiKind::Address:
        return QColor(0xc8, 0xe6, 0x9c);
    case PiiKind::DateOfBirth:
        return QColor(0xff, 0xd5, 0x9e);
    case PiiKind::Custom:
        return QColor(0xe6, 0xc9, 0xa8);
    }
    return QColor(0xdd, 0xdd, 0xdd);
}

QString piiLabel(PiiKind kind)
{
    switch (kind) {
    case PiiKind::Email:
        return QCoreApplication::translate("PiiStyle", "E-mail");
    case PiiKind::Phone:
        return QCoreApplication::translate("PiiStyle", "Phone");
    case PiiKind::Ssn:
        return QCoreApplication::translate("PiiStyle", "SSN");
    case PiiKind::CreditCard:
        return QCoreApplication::translate("PiiStyle", "Card");
    case PiiKind::IpAddress:
        return QCoreApplication::translate("PiiStyle", "IP");
    case PiiKind::Iban:
        return QCoreApplication::translate("PiiStyle", "IBAN");
    case PiiKind::Name:
        return QCoreApplication::translate("PiiStyle", "Name");
    case PiiKind::Address:
        return QCoreApplication::translate("PiiStyle", "Address");
    case PiiKind::DateOfBirth:
        return QCoreApplication::translate("PiiStyle", "Birth date");
    case PiiKind::Custom:
        return QCoreApplication::translate("PiiStyle", "Custom");
    }
    return {};
}

QString piiDescription(PiiKind kind)
{
    switch (kind) {
    case PiiKind::Email:
        return QCoreApplication::translate("PiiStyle", "E-mail address");
    case PiiKind::Phone:
        return QCoreApplication::translate("PiiStyle", "Phone number");
    case PiiKind::Ssn:
        return QCoreApplication::translate("PiiStyle", "US social security number");
    case PiiKind::CreditCard:
        return QCoreApplication::translate("PiiStyle", "Credit card number");
    case PiiKind::IpAddress:
        return QCoreApplication::translate("PiiStyle", "IP address");
    case PiiKind::Iban:
        return QCoreApplication::translate("PiiStyle", "IBAN (bank account)");
    case PiiKind::Name:
        return QCoreApplication::translate("PiiStyle", "Person name");
    case PiiKind::Address:
        return QCoreApplication::translate("PiiStyle", "Street address");
    case PiiKind::DateOfBirth:
        return QCoreApplication::translate("PiiStyle", "Date of birth");
    case PiiKind::Custom:
        return QCoreApplication::translate("PiiStyle", "Custom pattern");
    }
    return {};
}

QString reviewStatusLabel(ReviewStatus status)
{
    switch (status) {
    case ReviewStatus::Unreviewed:
        return QCoreApplication::translate("PiiStyle", "Unreviewed");
    case ReviewStatus::Approved:
        return QCoreApplication::translate("PiiStyle", "Approved");
    case ReviewStatus::Rejected:
        return QCoreApplication::translate("PiiStyle", "Rejected");
    }
    return {};
}

QColor reviewStatusColor(ReviewStatus status)
{
    switch (status) {
    case ReviewStatus::Unreviewed:
        return QColor(0x80, 0x80, 0x80);
    case ReviewStatus::Approved:
        return QColor(0x1b, 0x7f, 0x3b);
    case ReviewStatus::Rejected:
        return QColor(0xc0, 0x2b, 0x2b);
    }
    return {};
}

} // namespace pairlens::ui
