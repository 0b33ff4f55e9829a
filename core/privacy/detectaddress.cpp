// Street addresses (docs/anonymization.md):
// - number first: "221B Baker Street", "1600 Pennsylvania Ave NW", "12 Oak Hill Rd, Apt. 4":
//   a house number, one to four capitalised words or ordinals, a street suffix of the gazetteer,
//   optionally a direction and a unit (Apt, Suite, Unit, #); French "12 rue de la Paix";
// - name first: "Hauptstraße 5", "Berliner Str. 12a", "Kalverstraat 92", "Storgatan 3",
//   "Via Roma 10", "Calle Mayor, 5", "Rua Augusta, 123", "ul. Marszałkowska 12";
// - East Asian: "東京都千代田区丸の内1-2-3", "北京市朝阳区建国路88号", "서울특별시 강남구 테헤란로 123".
#include "privacy/detectaddress_p.h"
#include "privacy/detectors.h"
#include "privacy/gazetteer.h"
#include "privacy/wordset.h"

#include <QChar>

#include <algorithm>
#include <array>
#include <string_view>

namespace pairlens::privacy::detail {

namespace {

[[gnu::noinline]] bool isLetterOutsideAscii(char16_t c)
{
    return QChar(c).isLetter();
}

// Inlined for ASCII: findAddresses() asks it at every letter of a text with a digit.
inline bool isLetterUnit(char16_t c)
{
    return c < 0x80 ? isAsciiAlpha(c) : isLetterOutsideAscii(c);
}

bool isUpperUnit(char16_t c)
{
    return c < 0x80 ? isAsciiUpper(c) : QChar(c).isUpper();
}

// A capitalised word at text[s, e): an upper-case letter, then a lower-case one ("Oak", not "FROM").
bool capitalisedAt(QStringView text, qsizetype s, qsizetype e)
{
    if (!isUpperUnit(text[s].unicode()))
        return false;
    if (e - s == 1)
        return true;
    const char16_t c = text[s + 1].unicode();
    return c < 0x80 ? (c >= u'a' && c <= u'z') : QChar(c).isLower();
}

// The end of the word of letters (inner '-', '\'' and '.' kept when a letter follows) at i.
qsizetype wordEnd(QStringView text, qsizetype i)
{
    const qsizetype n = text.size();
    while (i < n) {
        const char16_t c = text[i].unicode();
        if (isLetterUnit(c) || (c == u'-' && i + 1 < n && isLetterUnit(text[i + 1].unicode())) ||
            ((c == u'\'' || c == u'\u2019') && apostropheInWord(text, i)))
            ++i;
        else
            break;
    }
    return i;
}

// Whether a unit of a word may equal, in any case, a unit of a lower-case list entry: a quick
// test before Qt's case-insensitive comparison (exact for ASCII letters, always true otherwise).
inline bool mayEqualFolded(char16_t w, char16_t x)
{
    return w >= 0x80 || x >= 0x80 || (w | 0x20) == x;
}

// Case-insensitive, without allocating (this runs at every word of every text; wordset.h).
template <std::size_t N> bool lowerIn(QStringView word, const WordSet<N> &set)
{
    return set.containsFolded(word);
}

constexpr WordSet kMoreEnglishSuffixes{
    u"rise",    u"croft", u"bank", u"gate",   u"end",   u"drove", u"mead",    u"chase",    u"yard",
    u"garth",   u"fold",  u"wynd", u"parade", u"vale",  u"brae",  u"grange",  u"approach", u"wood",
    u"paddock", u"brow",  u"lea",  u"side",   u"copse", u"glade", u"circuit", u"link",     u"lk"};
constexpr WordSet kUnitWords{u"apt",          u"apartment", u"suite",  u"ste",   u"unit",   u"flat",
                             u"room",         u"floor",     u"casa",   u"hus",   u"zimmer", u"kat",
                             u"appartamento", u"piso",      u"andar",  u"bloco", u"stan",   u"lgh",
                             u"app",          u"bte",       u"pisarna"};
constexpr WordSet kFloorWords{u"og", u"hoog", u"stock", u"etage", u"étage"};
constexpr WordSet kRomanceTypes{u"rue",     u"avenue",   u"boulevard", u"bd",      u"place",   u"chemin",
                                u"allée",   u"impasse",  u"quai",      u"route",   u"cours",   u"voie",
                                u"passage", u"square",   u"villa",     u"cité",    u"sentier", u"esplanade",
                                u"rua",     u"travessa", u"alameda",   u"avenida", u"praça",   u"largo",
                                u"rodovia", u"viela",    u"calle",     u"camino",  u"paseo",   u"plaza"};
constexpr WordSet kElidedArticles{u"l", u"d"};
constexpr WordSet kRomanceParticles{u"de", u"la", u"du",  u"des", u"le",  u"les", u"l'", u"d'",
                                    u"da", u"do", u"dos", u"das", u"del", u"l",   u"d"};
constexpr WordSet kDottedSuffixes{u"st", u"ave", u"av",   u"rd",  u"ln",  u"blvd", u"dr",  u"ct",
                                  u"pl", u"sq",  u"pkwy", u"hwy", u"ter", u"cir",  u"trl", u"cres"};
constexpr WordSet kNumberWords{u"nr", u"no", u"nº", u"n", u"num"};
constexpr WordSet kGermanTypes{u"straße", u"strasse", u"str",   u"allee", u"platz", u"weg",
                               u"gasse",  u"gata",    u"gatan", u"vägen", u"gränd"};
constexpr WordSet kScandinavianPrefixes{u"västra", u"östra",  u"norra", u"södra", u"lilla",  u"stora",
                                        u"nedre",  u"övre",   u"gamle", u"nye",   u"vestre", u"østre",
                                        u"nordre", u"søndre", u"store", u"lille"};
constexpr WordSet kLowerTypesAfter{u"ulica",   u"cesta",    u"trg",      u"út",      u"utca",    u"útja",
                                   u"főút",    u"sor",      u"fasor",    u"tér",     u"körút",   u"köz",
                                   u"sétány",  u"iela",     u"bulvāris", u"laukums", u"gatve",   u"prospekts",
                                   u"ulice",   u"námestie", u"nábrežie", u"trieda",  u"náměstí", u"park",
                                   u"határút", u"országút", u"sugárút",  u"főtér",   u"körtér",  u"liget",
                                   u"rakpart", u"dűlő",     u"dambis",   u"gāte"};
constexpr WordSet kGermanPrepositions{u"am", u"an", u"auf", u"zum", u"zur", u"unter", u"hinter"};
constexpr WordSet kTypesFirst{
    u"via",          u"viale",     u"piazza",  u"piazzale",  u"corso",   u"borgo",    u"contrada",
    u"vicolo",       u"largo",     u"calle",   u"avenida",   u"av",      u"rua",      u"travessa",
    u"praça",        u"paseo",     u"plaza",   u"carrera",   u"camino",  u"ronda",    u"glorieta",
    u"travesía",     u"strada",    u"ul",      u"ulica",     u"aleja",   u"al",       u"os",
    u"pl",           u"wyb",       u"bulw",    u"droga",     u"ogród",   u"skwer",    u"rondo",
    u"rotonda",      u"park",      u"rynek",   u"szosa",     u"wyspa",   u"bloque",   u"edificio",
    u"escalinata",   u"jardines",  u"parcela", u"poblado",   u"parque",  u"pasaje",   u"riera",
    u"rambla",       u"subida",    u"salida",  u"bajada",    u"caserío", u"caserio",  u"aldea",
    u"barrio",       u"carretera", u"cuesta",  u"explanada", u"manzana", u"polígono", u"senda",
    u"urbanización", u"vía",       u"incrocio"};
constexpr WordSet kNameParticles{u"de",  u"del", u"la",  u"di",  u"da", u"do",
                                 u"dos", u"das", u"der", u"den", u"dem"};
constexpr WordSet kLowerCaseTypes{u"via",     u"viale", u"ul",    u"al",    u"os",    u"pl",
                                  u"wyb",     u"bulw",  u"droga", u"ogród", u"skwer", u"rondo",
                                  u"rotonda", u"park",  u"rynek", u"szosa", u"wyspa"};

bool endsWithAny(QStringView word, std::initializer_list<std::u16string_view> list)
{
    if (word.isEmpty())
        return false;
    const char16_t last = word.back().unicode();
    for (std::u16string_view x : list) {
        const QStringView sv(x.data(), qsizetype(x.size()));
        if (word.size() > sv.size() + 1 && mayEqualFolded(last, x.back()) &&
            word.endsWith(sv, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// A house number at i: 1-5 digits, an optional letter ("221B") or range ("12-14"); its end or -1.
qsizetype houseNumber(QStringView text, qsizetype i)
{
    const qsizetype n = text.size();
    const qsizetype start = i;
    while (i < n && isDigit(text[i].unicode()) && i - start < 6)
        ++i;
    if (i == start || i - start > 5 || (i < n && isDigit(text[i].unicode())))
        return -1;
    if (i + 1 < n && text[i] == u'-' && isDigit(text[i + 1].unicode())) {
        qsizetype k = i + 1;
        while (k < n && isDigit(text[k].unicode()))
            ++k;
        if (k - i <= 5)
            i = k;
    }
    if (i < n && isAsciiAlpha(text[i].unicode()) && !(i + 1 < n && isWordChar(text[i + 1].unicode())))
        ++i; // "221B", "12a"
    if (i < n && isWordChar(text[i].unicode()))
        return -1;
    return i;
}

// Street suffixes of faker's British, Australian and Ghanaian English lists (MIT) that the
// gazetteer's list (faker's "en" one) lacks.
bool moreEnglishSuffix(QStringView w)
{
    return lowerIn(w, kMoreEnglishSuffixes);
}

bool isUnitWord(QStringView w)
{
    return lowerIn(w, kUnitWords);
}

// A unit after a street: " Apt 4", ", Apt. 4B", " Suite 200", " Unit 5", " #12"; its end or `end`.
qsizetype unitAfter(QStringView text, qsizetype end)
{
    qsizetype i = end;
    if (i < text.size() && text[i] == u',')
        ++i;
    if (i >= text.size() || text[i] != u' ')
        return end;
    ++i;
    if (i < text.size() && text[i] == u'#') {
        const qsizetype h = houseNumber(text, i + 1);
        return h > 0 ? h : end;
    }
    const qsizetype w = wordEnd(text, i);
    const QStringView unit = text.mid(i, w - i);
    if ((unit == u"I" || unit == u"II" || unit == u"III" || unit == u"IV") &&
        (w == text.size() || !isWordChar(text[w].unicode())))
        return w; // a Dutch floor: "Bakkerplantsoen 649 II"
    if ((unit == u"m" || unit == u"dz") && w + 1 < text.size() && text[w] == u'.') {
        const qsizetype k = w + 1 < text.size() && text[w + 1] == u' ' ? w + 2 : w + 1;
        const qsizetype h = k < text.size() && isDigit(text[k].unicode()) ? houseNumber(text, k) : -1;
        return h > 0 ? h : end; // Polish "m. 505", Latvian "dz. 949"
    }
    if (w == i && isDigit(text[i].unicode())) {
        // A floor after the number: "4 OG", "2 hoog", "3 Stock", "1º A".
        const qsizetype h = houseNumber(text, i);
        if (h > 0 && h + 1 < text.size() && text[h] == u' ') {
            const qsizetype f = wordEnd(text, h + 1);
            if (lowerIn(text.mid(h + 1, f - h - 1), kFloorWords))
                return f;
        }
        return end;
    }
    if (!isUnitWord(text.mid(i, w - i)))
        return end;
    qsizetype k = w;
    if (k < text.size() && text[k] == u'.')
        ++k;
    if (k < text.size() && text[k] == u' ')
        ++k;
    const qsizetype h = houseNumber(text, k);
    return h > 0 ? h : end;
}

qsizetype matchEnglishAfterNumber(QStringView text, qsizetype i);

// Number first: "221B Baker Street", "12 rue de la Paix", "808 Rua Gabriel".
qsizetype matchNumberFirst(QStringView text, qsizetype pos)
{
    if (!numberStartOk(text, pos))
        return -1;
    const qsizetype number = houseNumber(text, pos);
    if (number < 0)
        return -1;
    qsizetype i = number;
    if (i < text.size() && text[i] == u',')
        ++i;
    if (i >= text.size() || text[i] != u' ')
        return -1;
    ++i;
    qsizetype w = wordEnd(text, i);
    if (w == i)
        return -1;
    const bool romanceType = lowerIn(text.mid(i, w - i), kRomanceTypes);
    // "12 Avenue Road" is English (a suffix last); "263 Avenue de l'Odéon", "808 Rua Gabriel" are not.
    if (romanceType && isUpperUnit(text[i].unicode())) {
        const qsizetype english = matchEnglishAfterNumber(text, i);
        if (english > 0)
            return english;
    }
    if (romanceType) {
        // French, Portuguese, Spanish: the type, then words up to a capitalised one, and a unit.
        qsizetype end = -1;
        for (int words = 0; words < 5; ++words) {
            // Words are joined by a space, or by the apostrophe of an elided article ("de l'Odéon").
            const bool elided = w + 1 < text.size() && (text[w] == u'\'' || text[w] == u'\u2019') &&
                                lowerIn(text.mid(w - 1, 1), kElidedArticles) &&
                                (w < 2 || !isLetterUnit(text[w - 2].unicode()));
            if (w >= text.size() || (text[w] != u' ' && !elided))
                break;
            const qsizetype s = w + 1;
            const qsizetype e = wordEnd(text, s);
            if (e == s)
                break;
            if (isUnitWord(text.mid(s, e - s)))
                break; // "Apt. 184", "Casa 7": the unit, read by unitAfter()
            if (capitalisedAt(text, s, e))
                end = e;
            else if (!lowerIn(text.mid(s, e - s), kRomanceParticles) &&
                     !text.mid(s, e - s).startsWith(u"d'") && !text.mid(s, e - s).startsWith(u"l'"))
                break;
            w = e;
        }
        return end < 0 ? -1 : unitAfter(text, end);
    }
    return matchEnglishAfterNumber(text, i);
}

// After a house number: capitalised words or ordinals, then a street suffix (the last one within
// four words), a direction and a unit: "Baker Street", "Pennsylvania Ave NW, Apt. 4".
qsizetype matchEnglishAfterNumber(QStringView text, qsizetype i)
{
    // English: capitalised words or ordinals, then a street suffix (the last one within four words).
    qsizetype end = -1;
    int names = 0;
    for (int words = 0; words < 5; ++words) {
        const qsizetype s = i;
        qsizetype e = wordEnd(text, s);
        const bool ordinal = e == s && houseNumber(text, s) < 0 && isDigit(at(text, s));
        if (ordinal) { // "5th"
            e = s;
            while (e < text.size() && isWordChar(text[e].unicode()))
                ++e;
            const QStringView o = text.mid(s, e - s);
            if (!(o.endsWith(u"st") || o.endsWith(u"nd") || o.endsWith(u"rd") || o.endsWith(u"th")))
                break;
        } else if (e == s || !capitalisedAt(text, s, e) ||
                   (e < text.size() && isWordChar(text[e].unicode()))) {
            break;
        }
        const QStringView word = text.mid(s, e - s);
        if (!ordinal && names > 0 && ((gazetteerBits(word) & StreetSuffix) || moreEnglishSuffix(word))) {
            end = e;
            // The '.' of an abbreviation ("St.", "Ave."), not a full stop after "Avenue".
            if (end < text.size() && text[end] == u'.' && lowerIn(word, kDottedSuffixes))
                ++end;
        }
        ++names;
        i = e;
        if (i < text.size() && text[i] == u'.')
            ++i;
        if (i >= text.size() || text[i] != u' ')
            break;
        ++i;
    }
    if (end < 0)
        return -1;
    // A direction ("NW") and a unit.
    if (end + 1 < text.size() && text[end] == u' ') {
        const qsizetype d = wordEnd(text, end + 1);
        const QStringView dir = text.mid(end + 1, d - end - 1);
        if (dir == u"N" || dir == u"S" || dir == u"E" || dir == u"W" || dir == u"NE" || dir == u"NW" ||
            dir == u"SE" || dir == u"SW")
            end = d;
    }
    return unitAfter(text, end);
}

// The number after a street's name: " 5", ", 5", " Nr. 5", ", nº 5"; its end or -1.
qsizetype numberAfterName(QStringView text, qsizetype i)
{
    if (i < text.size() && text[i] == u',')
        ++i;
    if (i >= text.size() || text[i] != u' ')
        return -1;
    ++i;
    const qsizetype w = wordEnd(text, i);
    if (w > i && lowerIn(text.mid(i, w - i), kNumberWords)) {
        i = w;
        if (i < text.size() && text[i] == u'.')
            ++i;
        if (i < text.size() && text[i] == u' ')
            ++i;
    } else if (i + 1 < text.size() && text[i] == u'n' && (text[i + 1] == u'º' || text[i + 1] == u'°')) {
        i += 2;
        if (i < text.size() && text[i] == u' ')
            ++i;
    }
    if (i >= text.size() || !isDigit(text[i].unicode()))
        return -1;
    return houseNumber(text, i);
}

// Name first: "Hauptstraße 5", "Via Roma 10", "Calle Mayor, 5".
qsizetype matchNameFirst(QStringView text, qsizetype pos, qsizetype *start)
{
    const qsizetype w = wordEnd(text, pos);
    qsizetype e = w;
    if (e < text.size() && text[e] == u'.')
        ++e;
    const QStringView word = text.mid(pos, w - pos);
    *start = pos;
    // What follows: a number (", 5", " Nr. 5") for a street named first, a word for a type first.
    qsizetype f = e;
    if (f < text.size() && text[f] == u',')
        ++f;
    if (f + 1 >= text.size() || text[f] != u' ')
        return -1;
    const char16_t next = text[f + 1].unicode();
    const bool number = isDigit(next) || next == u'N' || next == u'n';
    // One word with a glued suffix (German, Dutch, Scandinavian, Finnish), or "Berliner Straße".
    if (number && capitalisedAt(text, pos, w) &&
        (endsWithAny(word, {u"plantsoen", u"dijk",    u"park",     u"ska",    u"ská",    u"čka",    u"ška",
                            u"ová",       u"gränd",   u"gränden",  u"backe",  u"stigen", u"torget", u"leden",
                            u"straße",    u"strasse", u"str",      u"weg",    u"gasse",  u"platz",  u"allee",
                            u"damm",      u"ufer",    u"chaussee", u"straat", u"laan",   u"gracht", u"plein",
                            u"kade",      u"singel",  u"gatan",    u"vägen",  u"gata",   u"gade",   u"vej",
                            u"veien",     u"katu",    u"tie",      u"kuja"}) ||
         lowerIn(word, kGermanTypes))) {
        if (word.endsWith(u"str") && e == w)
            return -1; // "Str" is written "Str."
        if (lowerIn(word, kGermanTypes)) {
            // "Berliner Straße": the capitalised word before it is part of the name.
            if (pos < 2 || text[pos - 1] != u' ' || !isLetterUnit(text[pos - 2].unicode()))
                return -1;
            qsizetype b = pos - 1;
            while (b > 0 && isLetterUnit(text[b - 1].unicode()))
                --b;
            if (!capitalisedAt(text, b, pos - 1))
                return -1;
            *start = b;
        }
        const qsizetype number = numberAfterName(text, e);
        if (number > 0 && endsWithAny(word, {u"ska", u"ská", u"čka", u"ška", u"ová"})) {
            // Croatian and Slovak streets named by an adjective ("Lovranska 913", "Uránová 602"):
            // not before a year ("Nebraska 2024").
            qsizetype digits = 0;
            for (qsizetype k = e; k < number; ++k)
                digits += isDigit(text[k].unicode()) ? 1 : 0;
            if (digits > 3)
                return -1;
        }
        if (number > 0 && *start == pos && pos >= 4 && text[pos - 1] == u' ' &&
            (text.mid(0, pos - 1).endsWith(u"van") || text.mid(0, pos - 1).endsWith(u"de")) &&
            endsWithAny(word, {u"plantsoen", u"dijk", u"park", u"straat", u"laan", u"weg", u"gracht"})) {
            // Dutch "van Doornplantsoen 908", "de Witdijk 418".
            qsizetype b = pos - 1;
            while (b > 0 && text[b - 1] >= u'a' && text[b - 1] <= u'z')
                --b;
            if (b == 0 || !isLetterUnit(text[b - 1].unicode()))
                *start = b;
        }
        if (number > 0 && *start == pos && pos >= 2 && text[pos - 1] == u' ') {
            // "Västra Storgatan 5", "Lilla Nygatan 3": a Scandinavian direction or size before it.
            qsizetype b = pos - 1;
            while (b > 0 && isLetterUnit(text[b - 1].unicode()))
                --b;
            if (lowerIn(text.mid(b, pos - 1 - b), kScandinavianPrefixes) && capitalisedAt(text, b, pos - 1))
                *start = b;
        }
        return number > 0 ? unitAfter(text, number) : -1;
    }
    // A type first, then capitalised words: "Via Roma 10", "Calle Mayor, 5", "ul. Marszałkowska 12".
    // A name, then the type in lower case: "Vegova ulica 134", "Resljeva cesta 2", "Bogdán főút 31",
    // "Soma sor 7", "Kārsavas bulvāris 626" (Slovenian, Croatian, Hungarian, Latvian, Slovak).
    if (w + 1 < text.size() && text[w] == u' ' && text[w + 1].unicode() >= u'a' &&
        capitalisedAt(text, pos, w)) {
        const qsizetype t = wordEnd(text, w + 1);
        if (t + 1 < text.size() && (text[t] == u' ' || text[t] == u',') &&
            !isLetterUnit(text[t + 1].unicode()) && lowerIn(text.mid(w + 1, t - w - 1), kLowerTypesAfter)) {
            const qsizetype number = numberAfterName(text, t);
            return number > 0 ? unitAfter(text, number) : -1;
        }
    }
    // German "Am Mittelberg 8", "An den Rheinauen 30a": a house number of at most three digits
    // (so "Am Montag 2024" is no address).
    const bool german = lowerIn(word, kGermanPrepositions) && isUpperUnit(text[pos].unicode());
    if (w - pos > 12 || (!german && !lowerIn(word, kTypesFirst)))
        return -1;
    if ((word == u"ul" || word == u"al" || word == u"os" || word == u"pl" || word == u"wyb" ||
         word == u"bulw") &&
        e == w)
        return -1; // the Polish abbreviations are written with their dot
    qsizetype i = e;
    int names = 0;
    for (int words = 0; words < 5; ++words) {
        if (i >= text.size() || text[i] != u' ')
            break;
        const qsizetype s = i + 1;
        const qsizetype we = wordEnd(text, s);
        if (we == s)
            break;
        const bool particle = lowerIn(text.mid(s, we - s), kNameParticles);
        if (!capitalisedAt(text, s, we) && !particle)
            break;
        names += particle ? 0 : 1;
        i = we;
        const qsizetype number = numberAfterName(text, i);
        if (number > 0 && names > 0) {
            if (german) {
                qsizetype digits = 0;
                for (qsizetype k = i; k < number; ++k)
                    digits += isDigit(text[k].unicode()) ? 1 : 0;
                if (digits > 3)
                    return -1;
            }
            return unitAfter(text, number);
        }
    }
    return -1;
}

// The street types written in lower case before a name: "via Roma 10", "ul. Marszałkowska 12",
// "os. Mielczarek 307", "droga Stępień 62" (one comparison per word of a text with a digit).
bool lowerCaseType(QStringView text, qsizetype i)
{
    switch (text[i].unicode()) {
    case u'v':
    case u'u':
    case u'a':
    case u'o':
    case u'p':
    case u'w':
    case u'b':
    case u'd':
    case u's':
    case u'r':
        break;
    default:
        return false;
    }
    qsizetype w = i + 1;
    while (w < text.size() && w - i <= 7 && text[w].unicode() >= u'a' && text[w].unicode() <= u'z')
        ++w;
    if (w < text.size() && w - i <= 7 && text[w] == u'ó')
        w = wordEnd(text, i); // "ogród"
    if (w - i < 2 || w - i > 7)
        return false;
    return lowerIn(text.mid(i, w - i), kLowerCaseTypes);
}

} // namespace

qsizetype houseNumberAt(QStringView text, qsizetype i)
{
    return houseNumber(text, i);
}

// Whether a house number can start in the text. Every form has one, and findAddresses() reads a
// number only where no ASCII letter or digit glues onto it from the left ("omar.chen89@" holds
// none), or after a number word right after a space (numberAfterName(): " Nr5"). Most texts have
// no digit at all, or only digits glued into e-mail addresses and identifiers.
bool mayHoldHouseNumber(QStringView text)
{
    const char16_t *p = text.utf16();
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        if (!isDigit(p[i]))
            continue;
        if (i == 0)
            return true;
        const char16_t before = p[i - 1];
        if (before >= 0x80 || !(isAsciiAlpha(before) || isDigit(before)))
            return true;
        if (isDigit(before))
            continue;
        qsizetype s = i - 1;
        while (s > 0 && i - s < 4 && p[s - 1] < 0x80 && isAsciiAlpha(p[s - 1]))
            --s;
        if (s > 0 && p[s - 1] == u' ' && lowerIn(text.mid(s, i - s), kNumberWords))
            return true;
    }
    return false;
}

void findAddresses(QStringView text, QList<Match> &out, bool prefilter)
{
    if (prefilter ? !mayHoldHouseNumber(text)
                  : std::none_of(text.begin(), text.end(), [](QChar c) { return isDigit(c.unicode()); }))
        return;
    const qsizetype n = text.size();
    qsizetype i = 0, nextDigit = -1;
    while (i < n) {
        const char16_t c = text[i].unicode();
        if (isDigit(c)) {
            qsizetype end = matchNumberFirst(text, i);
            if (end > i) {
                out.append(Match{PiiKind::Address, i, end, -1});
                i = end;
                continue;
            }
            qsizetype start = i;
            if (i > 0 && text[i - 1].unicode() >= 0x3000) {
                end = matchCjk(text, i, &start);
            } else if (i > 1 && text[i - 1] == u' ' && text[i - 2].unicode() >= 0xAC00) {
                end = matchKorean(text, i, &start);
            }
            if (end > i) {
                out.append(Match{PiiKind::Address, start, end, -1});
                i = end;
                continue;
            }
            while (i < n && isWordChar(text[i].unicode()))
                ++i;
            continue;
        }
        if (isLetterUnit(c)) {
            if (i == 0 || !isWordChar(text[i - 1].unicode())) {
                qsizetype start = i;
                // A street's name is capitalised; only "via" and the Polish "ul.", "al.", "os.", "pl.",
                // "wyb." may be written lower-case.
                // Every name-first form ends with a house number a few words on.
                if (nextDigit < i) {
                    nextDigit = i;
                    while (nextDigit < n && !isDigit(text[nextDigit].unicode()))
                        ++nextDigit;
                }
                // Capitalised ("Via", "Hauptstraße", "Am"; not SQL's "SELECT") or a lower-case type.
                const bool candidate =
                    c < 0x3000 && nextDigit - i <= 72 &&
                    ((isUpperUnit(c) && (i + 1 >= n || !isUpperUnit(text[i + 1].unicode()))) ||
                     (c >= u'a' && c <= u'z' && lowerCaseType(text, i)));
                const qsizetype end = candidate ? matchNameFirst(text, i, &start) : -1;
                if (end > i) {
                    out.append(Match{PiiKind::Address, start, end, -1});
                    i = end;
                    continue;
                }
            }
            if (c >= 0x3000) { // CJK: no spaces between words, the number may follow any character
                ++i;
                continue;
            }
            while (i < n && isWordChar(text[i].unicode()))
                ++i;
            continue;
        }
        ++i;
    }
}

} // namespace pairlens::privacy::detail
