// The surrogate operator: a realistic fake value of the same kind, written in the format of the
// original (its separators, grouping, case and length), so anonymized text still reads naturally.
// Like the pseudonyms it is a pure function of (key, kind, normalised value): every digit, letter
// and word choice is drawn from a stream seeded with the keyed digest, so the same value gets the
// same surrogate everywhere (`555-123-4567` and `(555) 123-4567` get the same digits, each in its
// own layout). See docs/anonymization.md (Operators).
#include "privacy/detectors.h"
#include "privacy/gazetteer.h"
#include "privacy/operators.h"

#include <QChar>

#include <array>
#include <string_view>

using namespace Qt::StringLiterals;

namespace pairlens::privacy::detail {

namespace {

constexpr std::array<std::u16string_view, 48> kGiven = {
    u"Alex",   u"Maria", u"James", u"Li",    u"Sofia",  u"Omar",  u"Emma",   u"Noah",   u"Hana",   u"Lucas",
    u"Amara",  u"Ivan",  u"Chloe", u"Mateo", u"Yuki",   u"Elena", u"Daniel", u"Priya",  u"Samuel", u"Nora",
    u"Kofi",   u"Anna",  u"Leo",   u"Zara",  u"Jonas",  u"Clara", u"Rafael", u"Ingrid", u"Tomas",  u"Leila",
    u"Martin", u"Aiko",  u"Felix", u"Rosa",  u"Victor", u"Lena",  u"Hugo",   u"Mira",   u"Oscar",  u"Julia",
    u"Pavel",  u"Ada",   u"Malik", u"Greta", u"Arjun",  u"Ines",  u"Kenji",  u"Sara"};
constexpr std::array<std::u16string_view, 48> kFamily = {
    u"Smith",   u"Garcia",  u"Chen",   u"Muller",    u"Rossi",  u"Kowalski", u"Nguyen",  u"Silva",
    u"Haddad",  u"Tanaka",  u"Okafor", u"Petrov",    u"Brown",  u"Martin",   u"Lopez",   u"Kim",
    u"Novak",   u"Jensen",  u"Murphy", u"Singh",     u"Dubois", u"Costa",    u"Ali",     u"Berg",
    u"Fischer", u"Moreau",  u"Santos", u"Lindqvist", u"Horvat", u"Yilmaz",   u"Ortega",  u"Weber",
    u"Kaplan",  u"Larsen",  u"Romano", u"Ivanova",   u"Sato",   u"Mensah",   u"Duarte",  u"Keller",
    u"Walsh",   u"Popescu", u"Varga",  u"Bakker",    u"Hughes", u"Rahman",   u"Ferrari", u"Lund"};
constexpr std::array<std::u16string_view, 32> kStreets = {
    u"Oak",    u"Maple",  u"Willow", u"Cedar",   u"Elm",     u"Birch",   u"Chestnut", u"Linden",
    u"Harbor", u"Meadow", u"River",  u"Orchard", u"Mill",    u"Church",  u"Station",  u"Garden",
    u"Park",   u"Spring", u"Hill",   u"Lake",    u"Forest",  u"Sunset",  u"Highland", u"Bridge",
    u"Market", u"Quarry", u"Rose",   u"Ash",     u"Heather", u"Juniper", u"Aspen",    u"Laurel"};
// Glued street endings (German, Dutch, Scandinavian, ...): the part before them is replaced.
constexpr std::array<std::u16string_view, 14> kGluedEndings = {
    u"straße", u"strasse", u"str",    u"weg",   u"gasse", u"platz", u"allee",
    u"straat", u"laan",    u"gracht", u"gatan", u"vägen", u"vej",   u"katu"};
// Words of an address that say what it is, not where: kept as written.
constexpr std::array<std::u16string_view, 30> kAddressWords = {
    u"apt", u"apartment", u"suite", u"ste", u"unit", u"flat", u"floor", u"fl",  u"room",  u"no",
    u"nr",  u"rue",       u"de",    u"du",  u"la",   u"le",   u"des",   u"via", u"calle", u"rua",
    u"ul",  u"n",         u"nw",    u"ne",  u"sw",   u"se",   u"e",     u"w",   u"s",     u"box"};

// A deterministic stream of numbers seeded by the digest (splitmix64).
class Stream
{
public:
    explicit Stream(const Digest &d) : m_state(digestNumber(d, 0, 0) ^ digestNumber(d, 8, 0)) {}
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int below(int n) { return int(next() % quint64(n)); }
    QChar digit(bool nonZero = false) { return QChar(u'0' + (nonZero ? 1 + below(9) : below(10))); }
    QChar letter(bool upper) { return QChar((upper ? u'A' : u'a') + below(26)); }

private:
    quint64 m_state;
};

QString str(std::u16string_view v)
{
    return QString::fromUtf16(v.data(), qsizetype(v.size()));
}

template <size_t N> bool inList(QStringView w, const std::array<std::u16string_view, N> &list)
{
    for (std::u16string_view s : list) {
        if (w.compare(QStringView(s.data(), qsizetype(s.size())), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// `word` written in the case style of `like`: all lower, all upper or capitalised.
QString inCaseOf(std::u16string_view word, QStringView like)
{
    QString out = str(word);
    bool anyLower = false, anyUpper = false;
    for (QChar c : like) {
        anyLower = anyLower || c.isLower();
        anyUpper = anyUpper || c.isUpper();
    }
    if (anyLower && !anyUpper)
        return out.toLower();
    if (anyUpper && !anyLower && like.size() > 1)
        return out.toUpper();
    return out;
}

// Every digit of `text` replaced by the stream's, from the `keep`-th digit on (the first replaced
// one not zero); every other character kept.
QString redrawDigits(QStringView text, int keep, Stream &s)
{
    QString out = text.toString();
    int seen = 0;
    bool first = true;
    for (QChar &c : out) {
        if (!isDigit(c.unicode()))
            continue;
        if (seen++ < keep)
            continue;
        c = s.digit(first);
        first = false;
    }
    return out;
}

// The length of the country calling code that `digits` starts with (ITU-T E.164: codes are
// prefix-free; 1 and 7 have one digit, the two-digit ones are listed, all others have three).
int countryCodeLength(QStringView digits)
{
    if (digits.isEmpty())
        return 0;
    if (digits[0] == u'1' || digits[0] == u'7')
        return 1;
    if (digits.size() < 2)
        return int(digits.size());
    static const std::u16string_view two = u"20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 "
                                           u"53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 "
                                           u"93 94 95 98";
    const char16_t pair[2] = {digits[0].unicode(), digits[1].unicode()};
    return two.find(std::u16string_view(pair, 2)) != std::u16string_view::npos ? 2 : 3;
}

QString digitsOnly(QStringView text)
{
    QString out;
    for (QChar c : text) {
        if (isDigit(c.unicode()))
            out.append(c);
    }
    return out;
}

// North American numbers keep the area code and become 555-01nn (reserved for fiction); other
// numbers keep their international prefix and country code, or a national number its trunk '0',
// and get new digits after them.
QString phoneSurrogate(QStringView value, Stream &s)
{
    qsizetype end = value.size(); // the extension (" x12") is redrawn like the rest
    for (qsizetype i = 1; i < value.size(); ++i) {
        if (isAsciiAlpha(value[i].unicode())) {
            end = i;
            break;
        }
    }
    const QStringView number = value.left(end);
    const QString digits = digitsOnly(number);
    const bool plus = number.startsWith(u'+');
    int prefix = 0; // digits of an international call prefix
    if (!plus && digits.startsWith(u"011") && digits.size() > 11)
        prefix = 3;
    else if (!plus && digits.startsWith(u"00"))
        prefix = 2;
    const bool international = plus || prefix > 0;
    const int cc = international ? countryCodeLength(QStringView(digits).mid(prefix)) : 0;
    const bool nanp =
        (international && digits.mid(prefix).startsWith(u'1') && digits.size() - prefix == 11) ||
        (!international && digits.size() == 10 && digits[0] >= u'2') ||
        (!international && digits.size() == 11 && digits[0] == u'1');
    if (nanp) {
        // [1] AAA 555 01nn
        const int area = int(digits.size()) - 10;
        QString out = number.toString();
        int seen = 0;
        const QString line = u"55501"_s + s.digit() + s.digit();
        for (QChar &c : out) {
            if (!isDigit(c.unicode()))
                continue;
            const int k = seen++ - area - 3;
            if (k >= 0 && k < line.size())
                c = line[k];
        }
        return out + redrawDigits(value.mid(end), 0, s);
    }
    int keep = prefix + cc;
    if (!international && digits.startsWith(u'0'))
        keep = 1; // the trunk prefix
    return redrawDigits(number, keep, s) + redrawDigits(value.mid(end), 0, s);
}

// Same length, grouping and issuer's first two digits; new digits and a valid Luhn check digit.
QString cardSurrogate(QStringView value, Stream &s)
{
    QString digits = digitsOnly(value);
    if (digits.size() < 3)
        return redrawDigits(value, 0, s);
    for (qsizetype i = 2; i + 1 < digits.size(); ++i)
        digits[i] = s.digit();
    for (char16_t check = u'0'; check <= u'9'; ++check) {
        digits[digits.size() - 1] = QChar(check);
        if (luhnValid(digits))
            break;
    }
    QString out = value.toString();
    qsizetype k = 0;
    for (QChar &c : out) {
        if (isDigit(c.unicode()) && k < digits.size())
            c = digits[k++];
    }
    return out;
}

// A US SSN in the never-issued area 900-999 (no one has it, and the detector does not find it
// again), written with the original's delimiters.
QString ssnSurrogate(QStringView value, Stream &s)
{
    QString out = value.toString();
    int seen = 0;
    for (QChar &c : out) {
        if (!isDigit(c.unicode()))
            continue;
        c = seen == 0 ? QChar(u'9') : s.digit(seen == 4 || seen == 8); // group and serial never all 0
        ++seen;
    }
    return out;
}

int mod97Of(QStringView text)
{
    int remainder = 0;
    for (QChar ch : text) {
        const char16_t c = ch.unicode();
        remainder =
            isDigit(c) ? (remainder * 10 + (c - u'0')) % 97 : (remainder * 100 + (c - u'A' + 10)) % 97;
    }
    return remainder;
}

// Same country, length and layout (letters where the account has letters, digits where it has
// digits, the original's spacing and case), valid check digits.
QString ibanSurrogate(QStringView value, const QString &normalised, Stream &s)
{
    if (normalised.size() < 5)
        return normalised;
    QString iban = normalised;
    for (qsizetype i = 4; i < iban.size(); ++i)
        iban[i] = isDigit(iban[i].unicode()) ? s.digit() : s.letter(true);
    iban[2] = iban[3] = u'0';
    const int check = 98 - mod97Of(QString(iban.mid(4) + iban.left(4)));
    iban[2] = QChar(u'0' + check / 10);
    iban[3] = QChar(u'0' + check % 10);
    QString out = value.toString();
    qsizetype k = 0;
    for (QChar &c : out) {
        if (!isAsciiAlnum(c.unicode()) || k >= iban.size())
            continue;
        const QChar x = iban[k++];
        c = c.isLower() ? x.toLower() : x;
    }
    return out;
}

// firstname.lastname at example.com, the local part's separator ('.', '_', '-' or none) and a
// number when the original's local part has digits.
QString emailSurrogate(QStringView value, Stream &s)
{
    const qsizetype at = value.lastIndexOf(u'@');
    const QStringView local = at > 0 ? value.left(at) : value;
    QChar sep;
    bool digits = false;
    for (QChar c : local) {
        if (sep.isNull() && (c == u'.' || c == u'_' || c == u'-'))
            sep = c;
        digits = digits || isDigit(c.unicode());
    }
    QString out = str(kGiven[size_t(s.below(int(kGiven.size())))]).toLower();
    if (!sep.isNull())
        out.append(sep);
    out += str(kFamily[size_t(s.below(int(kFamily.size())))]).toLower();
    if (digits)
        out += QString::number(10 + s.below(90));
    return out + u"@example.com"_s;
}

// As many words as the original: initials stay initials, the last word a family name, the
// others given names; in the original's case style.
QString nameSurrogate(QStringView value, Stream &s)
{
    QList<QStringView> words;
    for (QStringView w : value.tokenize(u' ', Qt::SkipEmptyParts))
        words.append(w);
    QString out;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QStringView w = words[i];
        if (i > 0)
            out.append(u' ');
        if (w.size() <= 2 && w.endsWith(u'.')) { // an initial
            out += s.letter(true) + w.mid(1).toString();
            continue;
        }
        const bool last = i + 1 == words.size() && words.size() > 1;
        const std::u16string_view pick = last ? kFamily[size_t(s.below(int(kFamily.size())))]
                                              : kGiven[size_t(s.below(int(kGiven.size())))];
        out += inCaseOf(pick, w);
    }
    return out;
}

// Numbers redrawn (same number of digits), street names replaced by ones of a list, suffixes,
// units, directions and particles kept as written: "1600 Pennsylvania Ave NW" -> "4821 Maple Ave
// NW", "Hauptstraße 5" -> "Lindenstraße 7". Text in scripts without spaces (CJK) gets the pseudonym.
QString addressSurrogate(QStringView value, Stream &s)
{
    QString out;
    qsizetype i = 0;
    const qsizetype n = value.size();
    bool first = true;
    while (i < n) {
        const QChar c = value[i];
        if (c.unicode() >= 0x2E80) // CJK, Hangul: no words to replace one by one
            return {};
        if (isDigit(c.unicode())) {
            out.append(s.digit(first || (i > 0 && !isDigit(value[i - 1].unicode()))));
            first = false;
            ++i;
            continue;
        }
        if (!c.isLetter()) {
            out.append(c);
            ++i;
            continue;
        }
        qsizetype e = i;
        while (e < n && (value[e].isLetter() || value[e] == u'\'' || value[e] == u'-'))
            ++e;
        const QStringView w = value.mid(i, e - i);
        const quint8 bits = gazetteerBits(w);
        if ((bits & StreetSuffix) || inList(w, kAddressWords) || w.size() == 1) {
            out += w.toString();
        } else {
            QString ending;
            for (std::u16string_view g : kGluedEndings) {
                const QStringView gv(g.data(), qsizetype(g.size()));
                if (w.size() > gv.size() + 2 && w.endsWith(gv, Qt::CaseInsensitive)) {
                    ending = w.right(gv.size()).toString();
                    break;
                }
            }
            QString street =
                inCaseOf(kStreets[size_t(s.below(int(kStreets.size())))], w.chopped(ending.size()));
            if (!ending.isEmpty())
                street += ending;
            out += street;
        }
        i = e;
    }
    return out;
}

// Letters to letters (same case), digits to digits, everything else kept.
QString shapeSurrogate(QStringView value, Stream &s)
{
    QString out = value.toString();
    for (QChar &c : out) {
        if (isDigit(c.unicode()))
            c = s.digit();
        else if (c.isLetter())
            c = s.letter(c.isUpper());
    }
    return out;
}

} // namespace

QString surrogateFor(PiiKind kind, QStringView original, const QString &normalised, const Digest &digest)
{
    Stream s(digest);
    switch (kind) {
    case PiiKind::Email:
        return emailSurrogate(original, s);
    case PiiKind::Phone:
        return phoneSurrogate(original, s);
    case PiiKind::Ssn:
        return ssnSurrogate(original, s);
    case PiiKind::CreditCard:
        return cardSurrogate(original, s);
    case PiiKind::Iban:
        return ibanSurrogate(original, normalised, s);
    case PiiKind::Name:
        return nameSurrogate(original, s);
    case PiiKind::Address:
        return addressSurrogate(original, s);
    case PiiKind::DateOfBirth: // another date, written as the original is ("12 March 1985" -> "3 July 1961")
        return rewriteDate(original, dateFromDigest(digest));
    case PiiKind::IpAddress: // the documentation ranges, as the pseudonym (see operators.cpp)
        return {};
    case PiiKind::Custom:
        return shapeSurrogate(original, s);
    }
    return {};
}

} // namespace pairlens::privacy::detail
