#include "privacy/operators.h"

#include "privacy/detectors.h"
#include "privacy/hmac.h"

using namespace Qt::StringLiterals;

namespace pairlens::privacy::detail {

namespace {

const char16_t *const kFirstNames[] = {u"alex",   u"maria", u"james", u"li",    u"sofia",  u"omar",
                                       u"emma",   u"noah",  u"hana",  u"lucas", u"amara",  u"ivan",
                                       u"chloe",  u"mateo", u"yuki",  u"elena", u"daniel", u"priya",
                                       u"samuel", u"nora",  u"kofi",  u"anna",  u"leo",    u"zara"};
const char16_t *const kLastNames[] = {u"smith",  u"garcia", u"chen",   u"muller", u"rossi",  u"kowalski",
                                      u"nguyen", u"silva",  u"haddad", u"tanaka", u"okafor", u"petrov",
                                      u"brown",  u"martin", u"lopez",  u"kim",    u"novak",  u"jensen",
                                      u"murphy", u"singh",  u"dubois", u"costa",  u"ali",    u"berg"};
const char16_t *const kAdjectives[] = {u"amber",  u"brisk", u"calm",  u"dusty", u"eager", u"fuzzy",
                                       u"gentle", u"hazel", u"ivory", u"jolly", u"keen",  u"lucid"};
const char16_t *const kNouns[] = {u"falcon", u"harbor", u"meadow", u"otter",  u"pine",   u"quartz",
                                  u"river",  u"summit", u"tundra", u"willow", u"yarrow", u"zephyr"};

QString digitsOf(QStringView text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        if (isDigit(c.unicode()))
            out.append(c);
    }
    return out;
}

// The phone number without its extension (" x12", " ext. 12").
QStringView phoneWithoutExtension(QStringView text)
{
    for (qsizetype i = 1; i < text.size(); ++i) {
        if (isAsciiAlpha(text[i].unicode()))
            return text.left(i);
    }
    return text;
}

// Splits an IP value into address, zone ("%eth0") and prefix ("/24").
void splitIp(QStringView text, QStringView *address, QStringView *prefix)
{
    qsizetype end = text.size();
    const qsizetype slash = text.indexOf(u'/');
    *prefix = slash >= 0 ? text.mid(slash) : QStringView();
    if (slash >= 0)
        end = slash;
    const qsizetype percent = text.left(end).indexOf(u'%');
    if (percent >= 0)
        end = percent;
    *address = text.left(end);
}

QString domainOf(PiiKind kind, const QString &customName)
{
    return kind == PiiKind::Custom ? u"custom:"_s + customName : piiKindName(kind);
}

QString lastDigits(const QString &digits, int n)
{
    return digits.right(n);
}

int mod97(QStringView text)
{
    int remainder = 0;
    for (QChar ch : text) {
        const char16_t c = ch.unicode();
        remainder =
            isDigit(c) ? (remainder * 10 + (c - u'0')) % 97 : (remainder * 100 + (c - u'A' + 10)) % 97;
    }
    return remainder;
}

// The kinds whose mask reads nothing of the digest (replacementFor() does not compute it for them).
bool maskIsUnkeyed(PiiKind kind)
{
    switch (kind) {
    case PiiKind::Phone:
    case PiiKind::Ssn:
    case PiiKind::CreditCard:
    case PiiKind::IpAddress:
    case PiiKind::Iban:
    case PiiKind::Custom:
        return true;
    case PiiKind::Email:
    case PiiKind::Name:
    case PiiKind::Address:
    case PiiKind::DateOfBirth:
        return false;
    }
    return false;
}

// `digest` is read only for the kinds maskIsUnkeyed() leaves out.
QString maskFor(PiiKind kind, QStringView original, const QString &normalised, const Digest &digest)
{
    switch (kind) {
    case PiiKind::Email:
        return u"user_"_s + digestHex(digest, 8) + u"@example.com"_s;
    case PiiKind::Phone:
        return u"XXX-XXX-"_s + lastDigits(digitsOf(normalised), 4);
    case PiiKind::Ssn:
        return u"XXX-XX-"_s + lastDigits(normalised, 4);
    case PiiKind::CreditCard:
        return u"XXXX-XXXX-XXXX-"_s + lastDigits(normalised, 4);
    case PiiKind::IpAddress: {
        QStringView address, prefix;
        splitIp(original, &address, &prefix);
        if (!normalised.contains(u':'))
            return u"XXX.XXX.XXX."_s + normalised.mid(normalised.lastIndexOf(u'.') + 1) + prefix;
        return u"XXXX:XXXX:XXXX:XXXX:XXXX:XXXX:XXXX:"_s + normalised.mid(normalised.lastIndexOf(u':') + 1) +
               prefix;
    }
    case PiiKind::Iban:
        return normalised.left(2) + QString(std::max<qsizetype>(0, normalised.size() - 6), u'X') +
               normalised.right(4);
    case PiiKind::Name: // nothing of the name is kept: its initials or length would say much
        return u"person_"_s + digestHex(digest, 8);
    case PiiKind::Address:
        return u"address_"_s + digestHex(digest, 8);
    case PiiKind::DateOfBirth: // nothing of the date is kept: a year or month alone narrows much
        return u"dob_"_s + digestHex(digest, 8);
    case PiiKind::Custom: {
        QString out = original.toString();
        for (QChar &c : out) {
            if (c.isLetterOrNumber())
                c = u'X';
        }
        return out;
    }
    }
    return {};
}

QString pseudonymFor(PiiKind kind, QStringView original, const QString &normalised, const QString &customName,
                     const Digest &d)
{
    switch (kind) {
    case PiiKind::Email:
        return QString::fromUtf16(kFirstNames[digestNumber(d, 0, std::size(kFirstNames))]) + u'.' +
               QString::fromUtf16(kLastNames[digestNumber(d, 8, std::size(kLastNames))]) +
               u"%1"_s.arg(digestNumber(d, 16, 100), 2, 10, QChar(u'0')) + u"@example.org"_s;
    case PiiKind::Phone: // the 555-0100..0199 numbers are reserved for fiction
        return u"%1-555-01%2"_s.arg(200 + digestNumber(d, 0, 800))
            .arg(digestNumber(d, 8, 100), 2, 10, QChar(u'0'));
    case PiiKind::Ssn: // area 900-999 is never issued (and the SSN detector rejects it)
        return u"%1-%2-%3"_s.arg(900 + digestNumber(d, 0, 100))
            .arg(1 + digestNumber(d, 8, 99), 2, 10, QChar(u'0'))
            .arg(1 + digestNumber(d, 16, 9999), 4, 10, QChar(u'0'));
    case PiiKind::CreditCard: { // a Luhn-valid Visa test-range number
        QString digits = u"4000"_s + u"%1"_s.arg(digestNumber(d, 0, 100000000000ull), 11, 10, QChar(u'0'));
        for (char16_t check = u'0'; check <= u'9'; ++check) {
            if (luhnValid(QString(digits + QChar(check)))) {
                digits.append(QChar(check));
                break;
            }
        }
        return digits.mid(0, 4) + u'-' + digits.mid(4, 4) + u'-' + digits.mid(8, 4) + u'-' +
               digits.mid(12, 4);
    }
    case PiiKind::IpAddress: {
        QStringView address, prefix;
        splitIp(original, &address, &prefix);
        if (!normalised.contains(u':')) { // RFC 5737 documentation ranges
            static const char16_t *const nets[] = {u"192.0.2.", u"198.51.100.", u"203.0.113."};
            return QString::fromUtf16(nets[digestNumber(d, 0, 3)]) +
                   QString::number(1 + digestNumber(d, 8, 254)) + prefix;
        }
        return u"2001:db8::%1:%2:%3:%4"_s.arg(digestNumber(d, 0, 0x10000), 0, 16)
                   .arg(digestNumber(d, 8, 0x10000), 0, 16)
                   .arg(digestNumber(d, 16, 0x10000), 0, 16)
                   .arg(digestNumber(d, 24, 0x10000), 0, 16) +
               prefix;
    }
    case PiiKind::Iban: { // same country and length, digits from the hash, valid check digits
        const QString country = normalised.left(2);
        QString bban;
        for (qsizetype i = 4; i < normalised.size(); ++i)
            bban.append(QChar(u'0' + int(digestNumber(d, int(i), 10))));
        const int check = 98 - mod97(QString(bban + country + u"00"_s));
        return country + u"%1"_s.arg(check, 2, 10, QChar(u'0')) + bban;
    }
    case PiiKind::Name: { // "Maria Chen"
        QString first = QString::fromUtf16(kFirstNames[digestNumber(d, 0, std::size(kFirstNames))]);
        QString last = QString::fromUtf16(kLastNames[digestNumber(d, 8, std::size(kLastNames))]);
        first[0] = first[0].toUpper();
        last[0] = last[0].toUpper();
        return first + u' ' + last;
    }
    case PiiKind::Address: { // "417 Willow Street"
        QString noun = QString::fromUtf16(kNouns[digestNumber(d, 8, std::size(kNouns))]);
        noun[0] = noun[0].toUpper();
        return QString::number(1 + digestNumber(d, 0, 999)) + u' ' + noun + u" Street"_s;
    }
    case PiiKind::DateOfBirth: { // "1963-07-21": a date between 1940 and 2005, in ISO form
        const DateParts date = dateFromDigest(d);
        return u"%1-%2-%3"_s.arg(date.year)
            .arg(date.month, 2, 10, QChar(u'0'))
            .arg(date.day, 2, 10, QChar(u'0'));
    }
    case PiiKind::Custom: {
        QString name = customName.toLower();
        for (QChar &c : name) {
            if (!c.isLetterOrNumber())
                c = u'_';
        }
        return name + u'_' + digestHex(d, 8);
    }
    }
    return {};
}

QString redactionFor(PiiKind kind, const QString &customName)
{
    if (kind == PiiKind::Custom) {
        QString name = customName.toUpper();
        for (QChar &c : name) {
            if (!c.isLetterOrNumber())
                c = u'_';
        }
        return u'<' + (name.isEmpty() ? u"CUSTOM"_s : name) + u'>';
    }
    return u'<' + piiKindName(kind).toUpper() + u'>';
}

} // namespace

QString normalise(PiiKind kind, QStringView original)
{
    switch (kind) {
    case PiiKind::Email:
        return original.toString().toLower();
    case PiiKind::Phone: {
        const QStringView number = phoneWithoutExtension(original);
        const QString digits = digitsOf(number);
        if (number.startsWith(u"+1") || (digits.size() == 11 && digits[0] == u'1' && !isDigit(at(number, 1))))
            return digits.mid(1);
        return number.startsWith(u'+') ? u'+' + digits : digits;
    }
    case PiiKind::Ssn:
    case PiiKind::CreditCard:
        return digitsOf(original);
    case PiiKind::IpAddress: {
        QStringView address, prefix;
        splitIp(original, &address, &prefix);
        quint8 v4[4];
        if (parseIpv4(address, v4)) { // "a.b.c.d" in decimal, written directly (no format string)
            char16_t out[15];
            int k = 0;
            for (int part = 0; part < 4; ++part) {
                if (part > 0)
                    out[k++] = u'.';
                const int v = v4[part];
                if (v >= 100)
                    out[k++] = char16_t(u'0' + v / 100);
                if (v >= 10)
                    out[k++] = char16_t(u'0' + v / 10 % 10);
                out[k++] = char16_t(u'0' + v % 10);
            }
            return QString(reinterpret_cast<const QChar *>(out), k);
        }
        quint16 v6[8];
        if (!parseIpv6(address, v6))
            return address.toString().toLower();
        QString out;
        for (int i = 0; i < 8; ++i)
            out += (i ? u":"_s : QString()) + QString::number(v6[i], 16);
        return out;
    }
    case PiiKind::Iban: {
        QString out;
        for (QChar c : original) {
            if (isAsciiAlnum(c.unicode()))
                out.append(c.toUpper());
        }
        return out;
    }
    case PiiKind::Name:
    case PiiKind::Address: {
        // Case and spacing do not matter: "Omar Johnson" in the SQL and "omar  johnson" in the
        // question are the same person.
        return original.toString().simplified().toCaseFolded();
    }
    case PiiKind::DateOfBirth: {
        // The date itself: "1985-03-12", "12.03.1985" and "March 12, 1985" are the same birthday.
        DateParts date;
        if (parseDateAt(original, 0, &date) == original.size()) {
            const int year = date.year >= 100 ? date.year : date.year + (date.year <= 30 ? 2000 : 1900);
            return u"%1-%2-%3"_s.arg(year, 4, 10, QChar(u'0'))
                .arg(date.month, 2, 10, QChar(u'0'))
                .arg(date.day, 2, 10, QChar(u'0'));
        }
        return original.toString().simplified().toCaseFolded();
    }
    case PiiKind::Custom:
        return original.toString();
    }
    return original.toString();
}

DateParts dateFromDigest(const Digest &d)
{
    DateParts date;
    date.year = 1940 + int(digestNumber(d, 0, 66));
    date.month = 1 + int(digestNumber(d, 8, 12));
    date.day = 1 + int(digestNumber(d, 16, 28)); // every month has a 28th
    return date;
}

QString replacementFor(const KeyedHasher &hasher, PiiKind kind, const QString &customName, Operator op,
                       QStringView original)
{
    if (op == Operator::Keep)
        return original.toString();
    if (op == Operator::Redact)
        return redactionFor(kind, customName);
    const QString normalised = normalise(kind, original);
    // The keyed digest (two SHA-256 runs) only where the replacement reads it: the masks of
    // numbers, IP addresses, IBANs and custom values keep their shape and last characters and
    // never do (maskFor()); the demo's and most data's distinct values are of these kinds.
    const bool keyed = op != Operator::Mask || !maskIsUnkeyed(kind);
    const Digest digest = keyed ? hasher.digest(domainOf(kind, customName), normalised) : Digest{};
    switch (op) {
    case Operator::Mask:
        return maskFor(kind, original, normalised, digest);
    case Operator::Pseudonym:
        return pseudonymFor(kind, original, normalised, customName, digest);
    case Operator::Hash:
        return digestHex(digest, 16);
    case Operator::Surrogate: {
        QString surrogate = surrogateFor(kind, original, normalised, digest);
        return surrogate.isEmpty() ? pseudonymFor(kind, original, normalised, customName, digest) : surrogate;
    }
    case Operator::Redact:
    case Operator::Keep:
        break;
    }
    return original.toString();
}

QString databaseNameReplacement(const KeyedHasher &hasher, Operator op, QStringView name)
{
    if (name.isEmpty() || op == Operator::Keep)
        return name.toString();
    if (op == Operator::Redact)
        return u"<DATABASE_NAME>"_s;
    const Digest digest = hasher.digest(u"database_name", name);
    switch (op) {
    case Operator::Mask:
        return u"db_"_s + digestHex(digest, 8);
    case Operator::Pseudonym:
    case Operator::Surrogate:
        return QString::fromUtf16(kAdjectives[digestNumber(digest, 0, std::size(kAdjectives))]) + u'_' +
               QString::fromUtf16(kNouns[digestNumber(digest, 8, std::size(kNouns))]) + u'_' +
               QString::number(digestNumber(digest, 16, 100));
    case Operator::Hash:
        return digestHex(digest, 16);
    case Operator::Redact:
    case Operator::Keep:
        break;
    }
    return name.toString();
}

} // namespace pairlens::privacy::detail
