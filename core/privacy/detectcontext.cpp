// Context words: a word near a number that says what the number is ("Tel. 467 3395", "card
// 6304 2737 3398"). Shapes that are ambiguous alone (a compact or two-group phone number, a
// 12-digit card number) count only with one of these words nearby; see docs/anonymization.md.
//
// The window around the number never crosses a quote, backtick, '$', line break, ';', '#' or a
// comment marker ("--", "/*", "*/"), so a value inside an SQL string literal or comment is judged
// on the literal's or comment's own words: the whole SQL and the literal read alone give the same
// answer (tst_anonymizerfastpath compares both readings).
#include "privacy/detectors.h"

#include <QChar>

#include <array>
#include <string_view>
#include <type_traits>

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

} // namespace pairlens::privacy::detail
