// The words of a text as the name detector reads them: capitalised words with their gazetteer bits,
// and initials.
#include "privacy/detectname_p.h"
#include "privacy/gazetteer.h"

namespace pairlens::privacy::detail {

[[gnu::noinline]] bool isLetterOutsideAscii(char16_t c)
{
    return QChar(c).isLetter();
}

namespace {

// Capitalised: an upper-case letter, then lower-case letters; after "Mc", "Mac", an apostrophe or
// a hyphen another upper-case letter may follow ("McDonald", "O'Brien", "Smith-Jones").
bool capitalised(QStringView w)
{
    if (w.size() < 2 || !isUpperUnit(w[0].unicode()))
        return false;
    for (qsizetype i = 1; i < w.size(); ++i) {
        const char16_t c = w[i].unicode();
        if (isLowerUnit(c) || isApostrophe(c) || c == u'-')
            continue;
        if (isUpperUnit(c)) {
            const char16_t p = w[i - 1].unicode();
            if (isApostrophe(p) || p == u'-' || (i == 2 && w.startsWith(u"Mc")) ||
                (i == 3 && w.startsWith(u"Mac")))
                continue;
        }
        return false;
    }
    return true;
}

quint8 bitsOf(QStringView w)
{
    const quint8 bits = gazetteerBits(w);
    if (bits != 0)
        return bits;
    // "O'Brien", "D'Angelo", "McAllister", "MacGregor": family names by their form.
    if (w.size() >= 4 && (w[1] == u'\'' || w[1] == u'\u2019') && isUpperUnit(w[2].unicode()))
        return FamilyName;
    if ((w.size() >= 4 && w.startsWith(u"Mc") && isUpperUnit(w[2].unicode())) ||
        (w.size() >= 5 && w.startsWith(u"Mac") && isUpperUnit(w[3].unicode())))
        return FamilyName;
    if (!w.contains(u'-'))
        return 0;
    // "Smith-Jones", "Anne-Marie": every part a name.
    quint8 any = 0;
    for (QStringView part : w.tokenize(u'-')) {
        const quint8 b = gazetteerBits(part);
        if (!(b & (GivenName | FamilyName)) || (b & StopWord))
            return 0;
        any |= b & (GivenName | FamilyName);
    }
    return any;
}

} // namespace

void readWords(QStringView text, std::vector<Word> &words)
{
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const char16_t c = text[i].unicode();
        if (!isLetterUnit(c)) {
            ++i;
            continue;
        }
        if (c >= u'a' && c <= u'z') {
            // A lower-case ASCII word (most words of a question, SQL's identifiers) is never a
            // name's: past it in one run of ASCII letters, digits and '_', as the steps below would
            // go, unless it ends at a unit that could join it to more ('-', an apostrophe, or one
            // outside ASCII), where they decide.
            const qsizetype e = skipAsciiWordChars(text.utf16(), i + 1, n);
            const char16_t stop = e < n ? text[e].unicode() : char16_t(0);
            if (stop < 0x80 && stop != u'-' && !isApostrophe(stop)) {
                i = e;
                continue;
            }
        }
        const bool glued = i > 0 && isWordChar(text[i - 1].unicode());
        qsizetype e = i + 1;
        while (e < n) {
            const char16_t d = text[e].unicode();
            if (isLetterUnit(d) || (d == u'-' && e + 1 < n && isLetterUnit(text[e + 1].unicode())) ||
                (isApostrophe(d) && apostropheInWord(text, e)))
                ++e;
            else
                break;
        }
        const bool gluedAfter = e < n && isWordChar(text[e].unicode());
        if (glued || gluedAfter || !isUpperUnit(c)) {
            i = e;
            while (i < n && isWordChar(text[i].unicode()))
                ++i;
            continue;
        }
        Word w;
        w.start = i;
        w.end = e;
        if (e - i > 2 && isApostrophe(text[e - 2].unicode()) && (text[e - 1] == u's' || text[e - 1] == u'S'))
            w.end = e - 2; // "Smith's"
        w.after = w.end < n && text[w.end] == u'.' && w.end == e ? w.end + 1 : w.end;
        const QStringView s = text.mid(w.start, w.end - w.start);
        if (s.size() == 1) {
            w.initial = w.after > w.end;
        } else if (capitalised(s)) {
            w.capitalised = true;
            const quint8 bits = bitsOf(s);
            w.bits = bits & ~Vocabulary;
            w.vocabulary = (bits & Vocabulary) != 0;
        }
        if (w.initial || w.capitalised)
            words.push_back(w);
        i = e;
    }
}

bool apostropheInWord(QStringView text, qsizetype i)
{
    if (i < 1 || i + 1 >= text.size() || !isLetterUnit(text[i + 1].unicode()) ||
        !isLetterUnit(text[i - 1].unicode()))
        return false;
    if (i >= 2 && isLetterUnit(text[i - 2].unicode()))
        return true; // "Smith's", "don't"
    const char16_t p = text[i - 1].unicode();
    return p == u'O' || p == u'D' || p == u'L';
}

} // namespace pairlens::privacy::detail
