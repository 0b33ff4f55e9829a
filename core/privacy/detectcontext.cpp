// Context words: a word near a number that says what the number is ("Tel. 467 3395", "card
// 6304 2737 3398"). Shapes that are ambiguous alone (a compact or two-group phone number, a
// 12-digit card number) count only with one of these words nearby; see docs/anonymization.md.
//
// The window around the number never crosses a quote, backtick, '$', line break, ';', '#' or a
// comment marker ("--", "/*", "*/"), so a value inside an SQL string literal or comment is judged
// on the literal's or comment's own words: the whole SQL and the literal read alone give the same
// answer (tst_anonymizerfastpath compares both readings).
#include "privacy/detectors.h"
#include "privacy/wordset.h"

#include <QChar>

#include <array>
#include <string_view>
#include <type_traits>

using namespace Qt::StringLiterals;

namespace pairlens::privacy::detail {

namespace {

constexpr qsizetype kBefore = 48; // UTF-16 units looked at before the number
constexpr qsizetype kAfter = 24;  // and after it

bool isBarrier(QStringView text, qsizetype i)
{
    const char16_t c = text[i].unicode();
    switch (c) {
    case u'\'':
    case u'"':
    case u'`':
    case u'$':
    case u'\n':
    case u'\r':
    case u';':
    case u'#':
        return true;
    case u'-':
        return at(text, i + 1) == u'-' || at(text, i - 1) == u'-';
    case u'/':
        return at(text, i + 1) == u'*' || at(text, i - 1) == u'*';
    case u'*':
        return at(text, i + 1) == u'/' || at(text, i - 1) == u'/';
    default:
        return false;
    }
}

bool isContextLetter(char16_t c)
{
    if (c < 0x80)
        return isAsciiAlpha(c) || c == u'_';
    return QChar(c).isLetter();
}

// Words are kept lower-case in UTF-8 (so that the lists below can hold "téléphone").
using Word = std::string_view;

// Whole words, then parts of words ("phone_number", "Kreditkarte"), lower-case.
// Phone: English, German, French, Spanish (and a few universal abbreviations).
constexpr std::array kPhoneExact = {
    Word("tel"),      Word("tél"),     Word("telf"),    Word("tlf"),     Word("tfno"),    Word("ph"),
    Word("call"),     Word("calls"),   Word("called"),  Word("calling"), Word("cell"),    Word("mob"),
    Word("sms"),      Word("dial"),    Word("appeler"), Word("appelez"), Word("appelle"), Word("appelez_moi"),
    Word("portable"), Word("llamar"),  Word("llame"),   Word("llama"),   Word("llámame"), Word("llamame"),
    Word("llámenos"), Word("anrufen"), Word("rufen"),   Word("ruf"),     Word("cel"),     Word("gsm"),
};
constexpr std::array kPhoneContains = {
    Word("phone"), Word("telef"),     Word("teleph"), Word("téléph"),   Word("teléf"),
    Word("mobil"), Word("móvil"),     Word("movil"),  Word("celular"),  Word("cellular"),
    Word("handy"), Word("rufnummer"), Word("fax"),    Word("whatsapp"),
};
// Card: English, German, French, Spanish and the brand names that are not ordinary words.
constexpr std::array kCardExact = {
    Word("cc"), Word("visa"), Word("jcb"), Word("diners"), Word("unionpay"), Word("amex"), Word("cvv"),
};
constexpr std::array kCardContains = {
    Word("card"),  Word("karte"),   Word("carte"),      Word("tarjeta"), Word("credit"), Word("kredit"),
    Word("debit"), Word("maestro"), Word("mastercard"), Word("crédit"),  Word("débit"),  Word("crédito"),
};

template <typename Exact, typename Contains>
bool matchesList(Word w, const Exact &exact, const Contains &contains)
{
    for (Word e : exact) {
        if (w == e)
            return true;
    }
    for (Word c : contains) {
        if (w.find(c) != Word::npos)
            return true;
    }
    return false;
}

bool isContextWord(QStringView word, ContextKind kind)
{
    if (word.size() < 2 || word.size() > 40)
        return false;
    char buffer[160];
    size_t n = 0;
    for (QChar c : word) {
        const char16_t u = c.unicode() < 0x80 ? char16_t(c.unicode() | (isAsciiUpper(c.unicode()) ? 0x20 : 0))
                                              : c.toLower().unicode();
        if (u < 0x80) {
            buffer[n++] = char(u);
        } else if (u < 0x800) {
            buffer[n++] = char(0xC0 | (u >> 6));
            buffer[n++] = char(0x80 | (u & 0x3F));
        } else {
            buffer[n++] = char(0xE0 | (u >> 12));
            buffer[n++] = char(0x80 | ((u >> 6) & 0x3F));
            buffer[n++] = char(0x80 | (u & 0x3F));
        }
    }
    const Word w(buffer, n);
    if (kind == ContextKind::Phone)
        return matchesList(w, kPhoneExact, kPhoneContains);
    return matchesList(w, kCardExact, kCardContains);
}

// Every word of text[from, to) (letters of any script and '_').
bool anyContextWord(QStringView text, qsizetype from, qsizetype to, ContextKind kind)
{
    qsizetype i = from;
    while (i < to) {
        if (!isContextLetter(text[i].unicode())) {
            ++i;
            continue;
        }
        qsizetype j = i;
        while (j < text.size() && isContextLetter(text[j].unicode()))
            ++j;
        // A word cut by the window's start is still read whole (its start may lie before `from`).
        qsizetype s = i;
        while (s > 0 && isContextLetter(text[s - 1].unicode()) && !isBarrier(text, s - 1))
            --s;
        if (isContextWord(text.mid(s, j - s), kind))
            return true;
        i = j;
    }
    return false;
}

template <typename Ch> bool mayHavePhoneWordIn(const Ch *p, qsizetype n)
{
    char buffer[41];
    qsizetype i = 0;
    while (i < n) {
        const auto c = std::make_unsigned_t<Ch>(p[i]);
        if (c >= 0x80)
            return true;
        if (!isContextLetter(char16_t(c))) {
            ++i;
            continue;
        }
        size_t len = 0;
        while (i < n && std::make_unsigned_t<Ch>(p[i]) < 0x80 && isContextLetter(char16_t(p[i]))) {
            if (len < sizeof buffer)
                buffer[len] = char(p[i] | (isAsciiUpper(char16_t(p[i])) ? 0x20 : 0));
            ++len;
            ++i;
        }
        if (i < n && std::make_unsigned_t<Ch>(p[i]) >= 0x80)
            return true;
        if (len >= 2 && len <= 40 && matchesList(Word(buffer, len), kPhoneExact, kPhoneContains))
            return true;
    }
    return false;
}

// Words that make the number right after them an identifier ("customer 46733950", "id: 467 3395").
constexpr std::array kIdWords = {
    Word("id"),         Word("ids"),      Word("no"),      Word("nr"),        Word("order"),
    Word("orders"),     Word("customer"), Word("client"),  Word("user"),      Word("account"),
    Word("invoice"),    Word("employee"), Word("student"), Word("item"),      Word("product"),
    Word("ticket"),     Word("case"),     Word("record"),  Word("row"),       Word("code"),
    Word("zip"),        Word("postcode"), Word("plz"),     Word("year"),      Word("years"),
    Word("isbn"),       Word("version"),  Word("ref"),     Word("reference"), Word("kunde"),
    Word("bestellung"), Word("commande"), Word("pedido"),  Word("cliente"),
};

} // namespace

bool idWordBefore(QStringView text, qsizetype start)
{
    qsizetype i = start;
    while (i > 0 && (text[i - 1] == u' ' || text[i - 1] == u':' || text[i - 1] == u'#' ||
                     text[i - 1] == u'=' || text[i - 1] == u'.'))
        --i;
    qsizetype s = i;
    while (s > 0 && s > i - 24 && (isAsciiAlpha(text[s - 1].unicode()) || text[s - 1] == u'_'))
        --s;
    if (s == i || (s > 0 && isContextLetter(text[s - 1].unicode())))
        return false;
    char buffer[24];
    for (qsizetype k = s; k < i; ++k)
        buffer[k - s] = char(text[k].unicode() | (isAsciiUpper(text[k].unicode()) ? 0x20 : 0));
    const Word w(buffer, size_t(i - s));
    // "user_id", "customerid": a column or key that holds an identifier.
    if (w.size() > 2 && w.substr(w.size() - 2) == "id")
        return true;
    for (Word id : kIdWords) {
        if (w == id)
            return true;
    }
    return false;
}

bool mayHavePhoneWord(const char16_t *text, qsizetype n)
{
    return mayHavePhoneWordIn(text, n);
}

bool mayHavePhoneWord(const char *utf8, qsizetype n)
{
    return mayHavePhoneWordIn(utf8, n);
}

bool hasContext(QStringView text, qsizetype start, qsizetype end, ContextKind kind)
{
    qsizetype from = start;
    while (from > 0 && start - from < kBefore && !isBarrier(text, from - 1))
        --from;
    qsizetype to = end;
    while (to < text.size() && to - end < kAfter && !isBarrier(text, to))
        ++to;
    return anyContextWord(text, from, start, kind) || anyContextWord(text, end, to, kind);
}

// ---- Dates of birth ----
// Dates of birth (issue 15): a date right after words that say it is one ("born", "date of birth", "DOB",
// "birthday", "geboren", "Geburtsdatum", "né le", "née le"), and the reading and rewriting of dates
// in the formats people write (ISO 1985-03-12, 12.03.1985, 03/12/1985, 12 March 1985, March 12th,
// 1985, 12. März 1985, 12 mars 1985). A date compared with a column named birth_date, dob, ... is
// columnsemantics.cpp's. See docs/anonymization.md (Dates of birth).

namespace {

// Month names by language, January first; the surrogate writes a month in the list the original's
// came from. Abbreviations (the first three letters, "Sept") are recognised in every list.
constexpr std::array<std::array<std::u16string_view, 12>, 4> kMonths = {{
    {u"january", u"february", u"march", u"april", u"may", u"june", u"july", u"august", u"september",
     u"october", u"november", u"december"},
    {u"januar", u"februar", u"märz", u"april", u"mai", u"juni", u"juli", u"august", u"september", u"oktober",
     u"november", u"dezember"},
    {u"janvier", u"février", u"mars", u"avril", u"mai", u"juin", u"juillet", u"août", u"septembre",
     u"octobre", u"novembre", u"décembre"},
    {u"enero", u"febrero", u"marzo", u"abril", u"mayo", u"junio", u"julio", u"agosto", u"septiembre",
     u"octubre", u"noviembre", u"diciembre"},
}};

bool isLetter(char16_t c)
{
    return c < 0x80 ? isAsciiAlpha(c) : QChar(c).isLetter();
}

bool equalsFolded(QStringView a, std::u16string_view b)
{
    if (const int equal = asciiFoldedEquals(a, b); equal >= 0)
        return equal == 1;
    return a.compare(QStringView(b.data(), qsizetype(b.size())), Qt::CaseInsensitive) == 0;
}

// The month named by the letters at text[pos..end): 1-12 and its language, or 0. A three- or
// four-letter abbreviation counts ("Mar", "Sept", "déc").
int monthAt(QStringView word, int *language, bool *abbreviated)
{
    if (word.size() < 3 || word.size() > 10)
        return 0;
    for (int l = 0; l < int(kMonths.size()); ++l) {
        for (int m = 0; m < 12; ++m) {
            const std::u16string_view name = kMonths[size_t(l)][size_t(m)];
            const bool whole = equalsFolded(word, name);
            const bool abbreviation = !whole && (word.size() == 3 || word.size() == 4) &&
                                      qsizetype(name.size()) > word.size() &&
                                      equalsFolded(word, name.substr(0, size_t(word.size())));
            if (whole || abbreviation) {
                *language = l;
                *abbreviated = abbreviation;
                return m + 1;
            }
        }
    }
    return 0;
}

qsizetype digitsFrom(QStringView text, qsizetype pos, int *value)
{
    qsizetype e = pos;
    int v = 0;
    while (e < text.size() && e - pos < 5 && isDigit(text[e].unicode()))
        v = v * 10 + (text[e++].unicode() - u'0');
    *value = v;
    return e;
}

qsizetype lettersFrom(QStringView text, qsizetype pos)
{
    qsizetype e = pos;
    while (e < text.size() && isLetter(text[e].unicode()))
        ++e;
    return e;
}

bool plausible(const DateParts &d)
{
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31)
        return false;
    return d.year < 100 || (d.year >= 1880 && d.year <= 2099);
}

// After a day number: an English ordinal ("12th") or a '.' ("12. März").
qsizetype afterDay(QStringView text, qsizetype e)
{
    const QStringView rest = text.mid(e, 2);
    if (rest.compare(u"st", Qt::CaseInsensitive) == 0 || rest.compare(u"nd", Qt::CaseInsensitive) == 0 ||
        rest.compare(u"rd", Qt::CaseInsensitive) == 0 || rest.compare(u"th", Qt::CaseInsensitive) == 0 ||
        rest.compare(u"er", Qt::CaseInsensitive) == 0) {
        if (e + 2 >= text.size() || !isLetter(text[e + 2].unicode()))
            return e + 2;
    }
    if (e < text.size() && text[e] == u'.' && e + 1 < text.size() && text[e + 1] == u' ')
        return e + 1;
    return e;
}

qsizetype skipSpaces(QStringView text, qsizetype k)
{
    while (k < text.size() && text[k] == u' ')
        ++k;
    return k;
}

// "12 March 1985", "12th of March, 1985", "12. März 1985", "1er janvier 1990", "12 de marzo de 1985".
qsizetype dayMonthYear(QStringView text, qsizetype pos, DateParts *d)
{
    int day = 0;
    qsizetype e = digitsFrom(text, pos, &day);
    if (e - pos < 1 || e - pos > 2)
        return -1;
    e = skipSpaces(text, afterDay(text, e));
    for (std::u16string_view filler : {u"of ", u"de "}) {
        if (equalsFolded(text.mid(e, qsizetype(filler.size())), filler))
            e = skipSpaces(text, e + qsizetype(filler.size()));
    }
    const qsizetype m = lettersFrom(text, e);
    int language = 0;
    bool abbreviated = false;
    const int month = monthAt(text.mid(e, m - e), &language, &abbreviated);
    if (month == 0)
        return -1;
    qsizetype k = m < text.size() && text[m] == u'.' ? m + 1 : m;
    if (k < text.size() && text[k] == u',')
        ++k;
    k = skipSpaces(text, k);
    if (equalsFolded(text.mid(k, 3), u"de "))
        k = skipSpaces(text, k + 3);
    int year = 0;
    const qsizetype y = digitsFrom(text, k, &year);
    if (y - k != 4)
        return -1;
    *d = DateParts{year, month, day, "DY"};
    return plausible(*d) ? y : -1;
}

// "March 12, 1985", "Mar 12th 1985".
qsizetype monthDayYear(QStringView text, qsizetype pos, DateParts *d)
{
    const qsizetype m = lettersFrom(text, pos);
    int language = 0;
    bool abbreviated = false;
    const int month = monthAt(text.mid(pos, m - pos), &language, &abbreviated);
    if (month == 0)
        return -1;
    qsizetype k = skipSpaces(text, m < text.size() && text[m] == u'.' ? m + 1 : m);
    int day = 0;
    qsizetype e = digitsFrom(text, k, &day);
    if (e - k < 1 || e - k > 2)
        return -1;
    e = afterDay(text, e);
    if (e < text.size() && text[e] == u',')
        ++e;
    e = skipSpaces(text, e);
    int year = 0;
    const qsizetype y = digitsFrom(text, e, &year);
    if (y - e != 4)
        return -1;
    *d = DateParts{year, month, day, "DY"};
    return plausible(*d) ? y : -1;
}

// Numbers joined by one separator ('-', '.', '/'): year first (ISO), or day and month first
// (12.03.1985; 03/12/1985 is read as month first, the US order, when the first can be a month).
qsizetype numericDate(QStringView text, qsizetype pos, DateParts *d)
{
    int a = 0, b = 0, c = 0;
    const qsizetype e1 = digitsFrom(text, pos, &a);
    if (e1 >= text.size() || e1 - pos < 1 || e1 - pos > 4)
        return -1;
    const char16_t sep = text[e1].unicode();
    if (sep != u'-' && sep != u'.' && sep != u'/')
        return -1;
    const qsizetype e2 = digitsFrom(text, e1 + 1, &b);
    if (e2 - e1 - 1 < 1 || e2 - e1 - 1 > 2 || e2 >= text.size() || text[e2] != sep)
        return -1;
    const qsizetype e3 = digitsFrom(text, e2 + 1, &c);
    const qsizetype lenA = e1 - pos, lenC = e3 - e2 - 1;
    if (e3 < text.size() && (isDigit(text[e3].unicode()) || isLetter(text[e3].unicode())))
        return -1;
    if (lenA == 4 && lenC >= 1 && lenC <= 2)
        *d = DateParts{a, b, c, "YMD"};
    else if (lenA <= 2 && (lenC == 4 || lenC == 2))
        *d = sep == u'/' && a <= 12 && b <= 31 ? DateParts{c, a, b, "MDY"} : DateParts{c, b, a, "DMY"};
    else
        return -1;
    return plausible(*d) ? e3 : -1;
}

// The words after which a date is a date of birth, in lower case ("birth" ends "date of birth"); each may be
// followed by fillers (`kFillers`) before the date.
constexpr std::array<std::u16string_view, 16> kTriggers = {
    u"birth date", u"birth",        u"birthdate", u"birthday", u"born",  u"dob",
    u"d.o.b.",     u"geburtsdatum", u"geboren",   u"geb.",     u"né le", u"née le",
    u"né(e) le",   u"nacimiento",   u"nacido",    u"nacida"};
constexpr std::array<std::u16string_view, 9> kFillers = {u"on",  u"in", u"is", u"was", u"am",
                                                         u"the", u"le", u"el", u"at"};

// The end of a trigger starting at text[pos] (a word boundary before it), or -1.
qsizetype triggerAt(QStringView text, qsizetype pos)
{
    if (pos > 0 && isLetter(text[pos - 1].unicode()))
        return -1;
    for (std::u16string_view t : kTriggers) {
        const qsizetype len = qsizetype(t.size());
        if (pos + len <= text.size() && equalsFolded(text.mid(pos, len), t) &&
            (pos + len == text.size() || !isLetter(text[pos + len].unicode()) || t.back() == u'.'))
            return pos + len;
    }
    return -1;
}

} // namespace

qsizetype parseDateAt(QStringView text, qsizetype pos, DateParts *date)
{
    if (pos >= text.size())
        return -1;
    DateParts d;
    qsizetype end = -1;
    if (isDigit(text[pos].unicode())) {
        end = numericDate(text, pos, &d);
        if (end < 0)
            end = dayMonthYear(text, pos, &d);
    } else if (isLetter(text[pos].unicode())) {
        end = monthDayYear(text, pos, &d);
    }
    if (end >= 0 && date)
        *date = d;
    return end;
}

void findDatesOfBirth(QStringView text, QList<Match> &out)
{
    if (!mayHaveBirthWord(text))
        return;
    const qsizetype n = text.size();
    const auto u = [text, n](qsizetype k) {
        return k < n ? char16_t(text[k].unicode() | 0x20) : char16_t(0);
    };
    for (qsizetype i = 0; i < n; ++i) {
        if (!birthStart(u(i), u(i + 1), u(i + 2)))
            continue;
        qsizetype k = triggerAt(text, i);
        if (k < 0)
            continue;
        // Fillers: ':', '-', ',', '(' and words such as "on", "am", "le".
        for (int hop = 0; hop < 4 && k < n; ++hop) {
            while (k < n && (text[k] == u' ' || text[k] == u':' || text[k] == u'-' || text[k] == u',' ||
                             text[k] == u'(' || text[k] == u'='))
                ++k;
            const qsizetype e = lettersFrom(text, k);
            bool filler = false;
            for (std::u16string_view f : kFillers)
                filler = filler || (e - k == qsizetype(f.size()) && equalsFolded(text.mid(k, e - k), f));
            if (!filler)
                break;
            k = e;
        }
        const qsizetype end = parseDateAt(text, k, nullptr);
        if (end > k) {
            out.append(Match{PiiKind::DateOfBirth, k, end, -1});
            i = end - 1;
        }
    }
}

QString rewriteDate(QStringView original, const DateParts &to)
{
    DateParts from;
    const qsizetype end = parseDateAt(original, 0, &from);
    if (end != original.size())
        return {};
    QString out;
    const qsizetype n = original.size();
    qsizetype i = 0;
    int numberIndex = 0;
    while (i < n) {
        const char16_t c = original[i].unicode();
        if (isDigit(c)) {
            int value = 0;
            const qsizetype e = digitsFrom(original, i, &value);
            const qsizetype width = e - i;
            const char role = numberIndex < 3 ? from.roles[numberIndex] : 'D';
            const int replacement = role == 'Y'   ? (width == 4 ? to.year : to.year % 100)
                                    : role == 'M' ? to.month
                                                  : to.day;
            // Numeric dates keep their widths ("07/04/79"); a day next to a month name keeps a
            // leading zero only when it had one ("04 July", but "July 2nd" from "July 14th").
            const bool pad = width >= 2 && (from.roles[1] != 'Y' || original[i] == u'0');
            out += pad ? u"%1"_s.arg(replacement, int(width), 10, QChar(u'0')) : QString::number(replacement);
            ++numberIndex;
            i = e;
            continue;
        }
        if (isLetter(c)) {
            const qsizetype e = lettersFrom(original, i);
            const QStringView word = original.mid(i, e - i);
            int language = 0;
            bool abbreviated = false;
            if (monthAt(word, &language, &abbreviated) != 0) {
                QString name =
                    QString::fromUtf16(kMonths[size_t(language)][size_t(to.month - 1)].data(),
                                       qsizetype(kMonths[size_t(language)][size_t(to.month - 1)].size()));
                if (abbreviated)
                    name = name.left(word.size());
                if (word[0].isUpper())
                    name[0] = name[0].toUpper();
                if (word.size() > 1 && word[1].isUpper())
                    name = name.toUpper();
                out += name;
            } else if (i > 0 && isDigit(original[i - 1].unicode()) &&
                       word.compare(u"er", Qt::CaseInsensitive) == 0) {
                if (to.day == 1)
                    out += word; // "1er janvier": only the first has the ordinal
            } else if (i > 0 && isDigit(original[i - 1].unicode()) && word.size() == 2 &&
                       (word.compare(u"st", Qt::CaseInsensitive) == 0 ||
                        word.compare(u"nd", Qt::CaseInsensitive) == 0 ||
                        word.compare(u"rd", Qt::CaseInsensitive) == 0 ||
                        word.compare(u"th", Qt::CaseInsensitive) == 0)) {
                const int day = to.day;
                const QString suffix = (day % 10 == 1 && day != 11)   ? u"st"_s
                                       : (day % 10 == 2 && day != 12) ? u"nd"_s
                                       : (day % 10 == 3 && day != 13) ? u"rd"_s
                                                                      : u"th"_s;
                out += word[0].isUpper() ? suffix.toUpper() : suffix;
            } else {
                out += word;
            }
            i = e;
            continue;
        }
        out += original[i];
        ++i;
    }
    return out;
}

} // namespace pairlens::privacy::detail
