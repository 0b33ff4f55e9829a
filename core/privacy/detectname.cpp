// Person names: capitalised words of the gazetteer (gazetteer.h) read together. A name is
// - a given name followed by given or family names ("Omar Johnson", "Anna Maria Rossi"), or
//   initials and a family name ("J. Smith", "John F. Kennedy");
// - any capitalised words after a title ("Dr. Okafor", "Mrs Smith", "Herr Müller");
// - a single given or family name after a context word ("customer Omar", "named Alice").
// Words that are also common English words ("Will", "Rose", "Price") or stop words (months,
// places, "Street", "Order") need more evidence: a common word counts only next to another name
// that is not one, or after a strong context word; a stop word only after a title.
#include "privacy/detectname_p.h"
#include "privacy/gazetteer.h"
#include "privacy/wordset.h"

#include <array>
#include <string_view>
#include <vector>

namespace pairlens::privacy::detail {

namespace {

// Only one space (or a no-break space) between two words of one name.
bool adjacent(QStringView text, const Word &a, const Word &b)
{
    return b.start == a.after + 1 && (text[a.after] == u' ' || text[a.after] == u'\u00A0');
}

// The word that ends right before `pos` (spaces, ',' or ':' between), at most 16 units.
QStringView wordBefore(QStringView text, qsizetype pos)
{
    qsizetype k = pos;
    while (k > 0 && (text[k - 1] == u' ' || text[k - 1] == u',' || text[k - 1] == u':'))
        --k;
    if (k == pos)
        return {};
    const qsizetype end = k;
    while (k > 0 && isLetterUnit(text[k - 1].unicode()) && end - k < 16)
        --k;
    if (k > 0 && isWordChar(text[k - 1].unicode()))
        return {};
    return text.mid(k, end - k);
}

// Words after which a single name is one: strong ones (a name that is also a common word counts
// too) and weak ones.
constexpr WordSet kStrongContext{u"customer", u"customers", u"client",    u"named",   u"called", u"user",
                                 u"employee", u"staff",     u"patient",   u"student", u"member", u"person",
                                 u"contact",  u"manager",   u"owner",     u"teacher", u"driver", u"passenger",
                                 u"guest",    u"tenant",    u"applicant", u"author",  u"nurse",  u"doctor",
                                 u"dear",     u"hi",        u"hello",     u"kunde",   u"kundin", u"herrn",
                                 u"holder",   u"cliente",   u"signed",    u"regards"};
constexpr WordSet kWeakContext{u"for", u"by"};

// Words of organisations and places (compared case-insensitively as whole words). They also carry
// the gazetteer's Organisation bit (make-gazetteers.py), so a Word's bits answer without a lookup.
constexpr std::array<std::u16string_view, 40> kNonPerson = {
    u"company",   u"companies",  u"motors",     u"motor",   u"corporation", u"corp",    u"inc",
    u"ltd",       u"llc",        u"gmbh",       u"plc",     u"crew",        u"circuit", u"academy",
    u"school",    u"college",    u"university", u"club",    u"united",      u"fc",      u"team",
    u"group",     u"bank",       u"airlines",   u"airways", u"hotel",       u"records", u"studios",
    u"pictures",  u"press",      u"monte",      u"santo",   u"sao",         u"são",     u"fort",
    u"institute", u"foundation", u"hospital",   u"stadium", u"island"};

bool nonPersonWord(QStringView w)
{
    if (w.size() < 2)
        return false;
    if (gazetteerBits(w) & Organisation)
        return true; // "GmbH", "Hijos", "Partners", "Combinatie"
    if (w.size() > 11)
        return false;
    for (std::u16string_view x : kNonPerson) {
        const char16_t a = w.front().unicode(), b = x.front();
        if (w.size() == qsizetype(x.size()) && (a >= 0x80 || b >= 0x80 || (a | 0x20) == b) &&
            w.compare(QStringView(x.data(), qsizetype(x.size())), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// Between two words only lower-case particles of family names, one or two: " van ", " van der ",
// " de la ", " di ", " von ".
bool particlesBetween(QStringView text, const Word &a, const Word &b)
{
    if (b.start - a.after < 4 || b.start - a.after > 10 || text[a.after] != u' ')
        return false;
    int particles = 0;
    qsizetype k = a.after + 1;
    while (k < b.start) {
        qsizetype e = k;
        while (e < b.start && text[e] >= u'a' && text[e] <= u'z')
            ++e;
        const QStringView p = text.mid(k, e - k);
        if (e >= b.start || text[e] != u' ' || ++particles > 2 ||
            !(p == u"van" || p == u"von" || p == u"de" || p == u"der" || p == u"den" || p == u"del" ||
              p == u"della" || p == u"di" || p == u"da" || p == u"du" || p == u"dos" || p == u"das" ||
              p == u"la" || p == u"le" || p == u"ten" || p == u"ter" || p == u"zu"))
            return false;
        k = e + 1;
    }
    return particles > 0 && k == b.start;
}

// The context word before `pos` is written as in a sentence, not in a Title Case heading ("A User
// Rank In A Given Tag"): in lower case, or a greeting or closing ("Dear", "Hi", "Regards").
bool contextInProse(QStringView text, qsizetype pos)
{
    const QStringView w = wordBefore(text, pos);
    if (w.isEmpty())
        return false;
    if (isLowerUnit(w[0].unicode()))
        return true;
    static constexpr WordSet kGreetings{u"dear", u"hi", u"hello", u"regards"};
    return kGreetings.containsFolded(w);
}

int contextBefore(QStringView text, qsizetype pos)
{
    const QStringView w = wordBefore(text, pos);
    if (w.isEmpty())
        return 0;
    if (kStrongContext.containsFolded(w))
        return 2;
    return kWeakContext.containsFolded(w) ? 1 : 0;
}

// A capitalised word that may be a name the gazetteer does not know: unknown, or a family name,
// and no organisation or place.
bool unknownNameWord(const Word &w)
{
    return w.capitalised && (w.bits == 0 || w.bits == FamilyName) && !(w.bits & Organisation);
}

bool isNameWord(const Word &w)
{
    return w.capitalised && (w.bits & (GivenName | FamilyName)) && !(w.bits & StopWord);
}

// A given name that is also a stop word ("Charlotte", "Victoria", "Jordan") begins a name when a
// family name that is no common word follows ("Charlotte Evans"; not "Virginia Beach").
bool stopGivenStarts(QStringView text, const std::vector<Word> &words, size_t i)
{
    const Word &w = words[i];
    if (!w.capitalised || !(w.bits & GivenName) || !(w.bits & StopWord) || i + 1 >= words.size())
        return false;
    const Word &x = words[i + 1];
    return adjacent(text, w, x) && x.capitalised && (x.bits & FamilyName) &&
           !(x.bits & (CommonWord | StopWord));
}

bool isParticle(QStringView w)
{
    static constexpr WordSet kParticles{u"de",  u"di", u"da",  u"del", u"della", u"van", u"von", u"der",
                                        u"den", u"du", u"dos", u"das", u"le",    u"la",  u"ten", u"ter"};
    return kParticles.containsFolded(w);
}

// Words after which capitalised words are more often a place or a thing than a person: "in
// Sesto Olinda", "at Kuala Lumpur", "the Lakers".
bool placeOrThingBefore(QStringView before)
{
    static constexpr WordSet kPlaceOrThing{u"in",   u"at",  u"near", u"the", u"a", u"an",
                                           u"into", u"via", u"im",   u"à",   u"en"};
    return kPlaceOrThing.containsFolded(before);
}

// Strong context words that also introduce things ("a band called Gorgoroth", "a ship named
// Aquababy"): one unknown word after them is no evidence of a person.
bool thingContext(QStringView w)
{
    static constexpr WordSet kThingContext{u"called", u"named", u"signed", u"author"};
    return kThingContext.containsFolded(w);
}

// A word that may be part of a name the gazetteer does not hold: capitalised, and neither a word
// of the word list, a name that is also a common word, a stop word, a street suffix, a title nor
// a word of an organisation or place.
bool plainNameWord(QStringView text, const Word &w)
{
    // kNonPerson's words carry the Organisation bit too (make-gazetteers.py): no second lookup.
    Q_UNUSED(text);
    return w.capitalised && !w.vocabulary &&
           !(w.bits & (CommonWord | StopWord | StreetSuffix | Title | Organisation));
}

// A number after the words (a lower-case word may come between): a street and its house number
// ("Lovranska 913", "Cesta Ljubljanske brigade 666"), not a person.
bool numberAfter(QStringView text, qsizetype pos)
{
    const qsizetype n = text.size();
    qsizetype k = pos;
    for (int hop = 0; hop < 2; ++hop) {
        while (k < n && (text[k] == u' ' || text[k] == u','))
            ++k;
        if (k < n && text[k].isDigit())
            return true;
        if (hop == 1 || k >= n || !isLowerUnit(text[k].unicode()))
            return false;
        while (k < n && isLetterUnit(text[k].unicode()))
            ++k;
    }
    return false;
}

// A verb done to a person that starts a sentence ("Call Dražen Kovačević", "Ask Tünde Varró").
bool personVerbStarts(QStringView text, const Word &w)
{
    qsizetype k = w.start;
    while (k > 0 && text[k - 1] == u' ')
        --k;
    if (k > 0 && text[k - 1] != u'.' && text[k - 1] != u'!' && text[k - 1] != u'?' && text[k - 1] != u'\n')
        return false;
    static constexpr WordSet kPersonVerbs{u"ask",     u"call",    u"email", u"e-mail", u"phone", u"text",
                                          u"message", u"contact", u"tell",  u"invite", u"thank", u"pay",
                                          u"remind",  u"notify",  u"cc",    u"ping"};
    return kPersonVerbs.containsFolded(text.mid(w.start, w.end - w.start));
}

// Two or three capitalised words, none of them a word of the word list, a common or stop word
// or an organisation's ("Gábor Kocsis", "Bảo Khánh Tô", "Oliviero Di Maggio"), that are no
// part of a longer run of capitalised words, not after words that introduce places or things
// and not before a house number: a name the gazetteer does not hold, in any language. Returns
// the index past the run's last word, or `i` when there is none.
size_t capitalisedRun(QStringView text, const std::vector<Word> &words, size_t i)
{
    const size_t n = words.size();
    if (!plainNameWord(text, words[i]))
        return i;
    if (i > 0 && adjacent(text, words[i - 1], words[i]) && words[i - 1].capitalised &&
        contextBefore(text, words[i].start) == 0 && !personVerbStarts(text, words[i - 1]))
        return i; // the tail of a longer run
    const QStringView before = wordBefore(text, words[i].start);
    if (!before.isEmpty() && placeOrThingBefore(before))
        return i;
    size_t end = i + 1;
    int names = 1;
    while (end < n && adjacent(text, words[end - 1], words[end])) {
        const Word &x = words[end];
        const QStringView xs = text.mid(x.start, x.end - x.start);
        if (x.capitalised && isParticle(xs) && end + 1 < n && adjacent(text, x, words[end + 1]) &&
            plainNameWord(text, words[end + 1])) {
            ++end; // "Di" in "Oliviero Di Maggio"
            continue;
        }
        if (!plainNameWord(text, x))
            break;
        if (words[end - 1].after > words[end - 1].end)
            return i; // an abbreviation inside ("Tsa. Kkt", "Bezp.Org. Arājs")
        if (++names > 3)
            return i;
        ++end;
    }
    if (names < 2)
        return i;
    // Another capitalised word right after (a heading, a title, an organisation): no name.
    if (end < n && adjacent(text, words[end - 1], words[end]) && !words[end].initial)
        return i;
    if (numberAfter(text, words[end - 1].end))
        return i;
    return end;
}

// Capitalised names joined by commas, '&' and "and" in its languages that end in an
// organisation's word make a company: "Valladares Garibay, Gastélum Olivares y Crespo Abrego
// Asociados", "Andersson Fransson, Lindholm AB", "Márton és Veres Kkt.". Reads at most eight words
// after `pos`.
bool organisationAfter(QStringView text, qsizetype pos)
{
    const qsizetype n = text.size();
    qsizetype k = pos;
    for (int hop = 0; hop < 8; ++hop) {
        while (k < n && (text[k] == u' ' || text[k] == u',' || text[k] == u'&' || text[k] == u'.'))
            ++k;
        qsizetype e = k;
        while (e < n && (isLetterUnit(text[e].unicode()) || text[e] == u'-'))
            ++e;
        if (e == k)
            return false;
        const QStringView w = text.mid(k, e - k);
        if (nonPersonWord(w))
            return true;
        if (e - k == 1 && e + 1 < n && text[e] == u'.' && isLetterUnit(text[e + 1].unicode())) {
            // A dotted abbreviation: "d.o.o.", "B.V.", "S.L.", "s.r.o."
            char16_t letters[8];
            qsizetype count = 0, d = k;
            while (count < 8 && d + 1 < n && isLetterUnit(text[d].unicode()) && text[d + 1] == u'.') {
                letters[count++] = text[d].unicode();
                d += 2;
            }
            if (count >= 2 && nonPersonWord(QStringView(letters, count)))
                return true;
        }
        if (!isUpperUnit(w[0].unicode())) {
            bool joiner = false;
            for (std::u16string_view j : {u"y", u"e", u"és", u"and", u"und", u"och", u"og", u"en", u"et",
                                          u"i", u"a", u"ve", u"si", u"și"})
                joiner = joiner || w == QStringView(j.data(), qsizetype(j.size()));
            if (!joiner)
                return false;
        }
        k = e;
    }
    return false;
}

} // namespace

bool holdsNonPersonWord(QStringView text)
{
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        while (i < n && !isLetterUnit(text[i].unicode()))
            ++i;
        qsizetype e = i;
        while (e < n && isLetterUnit(text[e].unicode()))
            ++e;
        if (e > i && nonPersonWord(text.mid(i, e - i)))
            return true;
        i = e;
    }
    return false;
}

void findNames(QStringView text, QList<Match> &out)
{
    thread_local std::vector<Word> words;
    words.clear();
    readWords(text, words);
    const size_t n = words.size();
    for (size_t i = 0; i < n; ++i) {
        const Word &w = words[i];
        if (w.capitalised && (w.bits & Title)) {
            // A title and up to three capitalised words or initials: "Dr. Okafor", "Mrs J. Smith".
            size_t last = i;
            for (size_t k = i + 1; k < n && k <= i + 3 && adjacent(text, words[k - 1], words[k]); ++k) {
                if (words[k].bits & (Title | StreetSuffix) && !(words[k].bits & (GivenName | FamilyName)))
                    break;
                last = k;
            }
            while (last > i && words[last].initial)
                --last;
            if (last > i) {
                out.append(Match{PiiKind::Name, words[i + 1].start, words[last].end, -1});
                i = last;
                continue;
            }
        }
        const bool stopStart = stopGivenStarts(text, words, i);
        if (w.capitalised && w.bits == 0 && i + 1 < n && adjacent(text, w, words[i + 1]) &&
            unknownNameWord(words[i + 1]) && contextBefore(text, w.start) == 2 &&
            contextInProse(text, w.start)) {
            // Two names the gazetteer does not know after a strong context word: "customer Borna
            // Pavešić", "Regards, Themba Nonyana".
            size_t last = i + 1; // and a third ("Liên Kiệt Vương")
            if (last + 1 < n && adjacent(text, words[last], words[last + 1]) && words[last + 1].capitalised &&
                !(words[last + 1].bits & (StopWord | StreetSuffix | Title)) &&
                !(words[last + 1].bits & Organisation))
                ++last;
            out.append(Match{PiiKind::Name, w.start, words[last].end, -1});
            i = last;
            continue;
        }
        if (!isNameWord(w) && !w.initial && !stopStart) {
            if (const size_t run = capitalisedRun(text, words, i);
                run > i && !organisationAfter(text, words[run - 1].end)) {
                out.append(Match{PiiKind::Name, w.start, words[run - 1].end, -1});
                i = run - 1;
            } else if (w.bits == 0 && plainNameWord(text, w) && contextBefore(text, w.start) == 2 &&
                       contextInProse(text, w.start) && !thingContext(wordBefore(text, w.start)) &&
                       !(i + 1 < n && adjacent(text, w, words[i + 1])) && !numberAfter(text, w.end)) {
                // One word the gazetteer does not know after a strong context word: "Hi Tonko",
                // "user István".
                out.append(Match{PiiKind::Name, w.start, w.end, -1});
            }
            continue;
        }
        // The run of names and initials from here.
        size_t end = i + 1;
        while (end < n && end < i + 4) {
            const Word &x = words[end];
            if (!adjacent(text, words[end - 1], words[end])) {
                // A family name after particles: "Jente van de Wal", "Boet de Lange".
                if ((words[i].bits & GivenName) && !words[end - 1].initial &&
                    particlesBetween(text, words[end - 1], x) && x.capitalised &&
                    !(x.bits & (StopWord | StreetSuffix | Title)) && !(x.bits & Organisation)) {
                    ++end;
                    break;
                }
                break;
            }
            // An unknown capitalised word after a given and a family name ends it ("María Teresa
            // Gamboa Acuña", "Omar Johnson Xylander").
            if (x.capitalised && x.bits == 0 && end - i >= 2 && (words[i].bits & GivenName) &&
                !(x.bits & Organisation) && (end + 1 >= n || !adjacent(text, x, words[end + 1]))) {
                ++end;
                break;
            }
            // An unknown capitalised word between two names is a middle name ("Richard Milhous Nixon").
            const bool middle = x.capitalised && x.bits == 0 && end + 1 < n &&
                                adjacent(text, x, words[end + 1]) && isNameWord(words[end + 1]) &&
                                !words[end + 1].initial;
            if (!(isNameWord(x) || x.initial || middle))
                break;
            ++end;
        }
        while (end > i + 1 && words[end - 1].initial)
            --end; // a name ends with a name
        int names = 0, common = 0, initials = 0;
        bool given = false;
        for (size_t k = i; k < end; ++k) {
            if (words[k].initial) {
                ++initials;
                continue;
            }
            ++names;
            common += (words[k].bits & (CommonWord | StopWord)) ? 1 : 0;
            if (names == 1)
                given = (words[k].bits & GivenName) != 0;
        }
        const int context = contextBefore(text, w.start);
        bool accept = false;
        if (names >= 2 && (given || words[i].initial))
            accept = common < names || context > 0;
        else if (names == 1 && initials >= 1 && words[i].initial)
            accept = true; // "J. Smith"
        else if (names == 1 && initials == 0)
            accept = context == 2 || (context == 1 && common == 0);
        else if (names >= 2)
            accept = context > 0 && common < names; // "Smith John" only after a context word
        // A given name and an unknown capitalised word after a context word, or mid-sentence (after
        // a word in lower case, the unknown word not followed by another capitalised one).
        const auto midSentence = [&] {
            const QStringView before = wordBefore(text, w.start);
            return !before.isEmpty() && isLowerUnit(before[0].unicode()) &&
                   !(w.bits & (CommonWord | StopWord)) &&
                   (end + 1 >= n || !adjacent(text, words[end], words[end + 1]));
        };
        if (names == 1 && initials == 0 && end < n && adjacent(text, words[end - 1], words[end]) &&
            words[end].capitalised && words[end].bits == 0 && (w.bits & GivenName) &&
            (context > 0 || midSentence())) {
            ++end; // "customer Omar Xylander": a given name and an unknown capitalised word
            accept = true;
        }
        // An organisation or a place: "Columbus Crew", "Santo Domingo", "General Motors".
        for (size_t k = i; accept && k < std::min(n, end + 1); ++k) {
            if (k == end && !adjacent(text, words[end - 1], words[k]))
                break;
            accept = !(words[k].bits & Organisation);
        }
        size_t run = capitalisedRun(text, words, i);
        if (run > i && organisationAfter(text, words[run - 1].end))
            run = i;
        if (accept && run <= i && context == 0 && !words[i].initial) {
            // "in Maria Clara do Norte", "the Reis de Nossa Senhora office": a place or a thing.
            const QStringView before = wordBefore(text, w.start);
            accept = before.isEmpty() || !placeOrThingBefore(before);
        }
        if (!accept && run <= i)
            continue;
        if (run > end)
            end = run; // "Sanja Lončar Kurtović", "Oliviero Di Maggio"
        out.append(Match{PiiKind::Name, words[i].start, words[end - 1].end, -1});
        i = end - 1;
    }
}

} // namespace pairlens::privacy::detail
