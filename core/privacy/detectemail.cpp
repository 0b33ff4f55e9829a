// E-mail addresses: a local part, '@' (or its URL encoding "%40"), then at least two host labels
// whose last label is a real top-level domain (tldlist.cpp). The local part is a dot-atom (letters
// and digits of any script, . _ % + -; no leading, trailing or doubled dot) or a quoted string
// ("john doe"); host labels are letters and digits of any script with inner hyphens (IDN), and a
// non-ASCII top-level domain is checked in its ASCII form (.рф is xn--p1ai).
#include "privacy/detectors.h"

#include <QChar>

namespace pairlens::privacy::detail {

namespace {

// Scripts written without spaces between words: their letters are not taken into a local part
// (in "请联系zhang@corp.com" the address is "zhang@corp.com"), and may touch an address.
bool isSpacelessScript(char16_t c)
{
    if (c < 0x0E00)
        return false;
    switch (QChar::script(char32_t(c))) {
    case QChar::Script_Han:
    case QChar::Script_Hiragana:
    case QChar::Script_Katakana:
    case QChar::Script_Thai:
    case QChar::Script_Lao:
    case QChar::Script_Khmer:
    case QChar::Script_Myanmar:
    case QChar::Script_Tibetan:
        return true;
    default:
        return false;
    }
}

// A letter, digit or mark of any script (internationalised local parts and host labels).
bool isIntlChar(char16_t c)
{
    if (c < 0x80)
        return false;
    if (QChar::isSurrogate(c))
        return false;
    return QChar::isLetterOrNumber(char32_t(c)) || QChar::isMark(char32_t(c));
}

bool isLocalChar(char16_t c)
{
    if (c < 0x80)
        return isAsciiAlnum(c) || c == u'.' || c == u'_' || c == u'%' || c == u'+' || c == u'-';
    return isIntlChar(c) && !isSpacelessScript(c);
}

bool isLabelChar(char16_t c)
{
    return c < 0x80 ? isAsciiAlnum(c) || c == u'-' : isIntlChar(c) && !isSpacelessScript(c);
}

// A character before the local part that does not glue onto it.
bool startBoundaryOk(QStringView text, qsizetype s)
{
    if (s == 0)
        return true;
    const char16_t prev = text[s - 1].unicode();
    return !isWordChar(prev) || isSpacelessScript(prev);
}

// A quoted local part ending right before the '@' at `atSign`: its opening quote, or -1. The
// opening quote is the nearest unescaped '"' to the left on the same line (no '@' in between) whose
// left neighbour does not glue onto it; when there is none, the nearest '"' even after a backslash
// (in \"john doe"@corp.com the backslash is outside).
qsizetype quotedLocalStart(QStringView text, qsizetype atSign)
{
    const qsizetype limit = std::max<qsizetype>(0, atSign - 66);
    qsizetype escaped = -1;
    for (qsizetype k = atSign - 2; k >= limit; --k) {
        const char16_t c = text[k].unicode();
        if (c == u'\n' || c == u'\r' || c == u'@')
            break;
        if (c != u'"')
            continue;
        if (k > 0 && text[k - 1] == u'\\') {
            if (escaped < 0)
                escaped = k;
            continue;
        }
        if (startBoundaryOk(text, k))
            return k;
        break;
    }
    return escaped >= 0 && startBoundaryOk(text, escaped) ? escaped : -1;
}

} // namespace

qsizetype matchEmailAround(QStringView text, qsizetype atSign, qsizetype atEnd, qsizetype *start)
{
    if (atSign == 0)
        return -1;
    qsizetype s = atSign;
    if (text[atSign - 1] == u'"') {
        s = quotedLocalStart(text, atSign);
        if (s < 0 || s == atSign - 2) // none, or an empty ""
            return -1;
    } else {
        // A dot-atom, leftwards from the '@'.
        while (s > 0 && atSign - s < 64 && isLocalChar(text[s - 1].unicode()))
            --s;
        while (s < atSign && text[s] == u'.')
            ++s;
        if (s == atSign || text[atSign - 1] == u'.' || !startBoundaryOk(text, s))
            return -1;
        for (qsizetype i = s + 1; i < atSign; ++i) {
            if (text[i] == u'.' && text[i - 1] == u'.')
                return -1;
        }
    }
    // Host labels, rightwards.
    qsizetype i = atEnd;
    int labels = 0;
    qsizetype lastLabelStart = i;
    qsizetype end = -1;
    while (i < text.size() && i - atEnd < 255) {
        const qsizetype labelStart = i;
        while (i < text.size() && isLabelChar(text[i].unicode()))
            ++i;
        const qsizetype length = i - labelStart;
        if (length == 0 || length > 63 || text[labelStart] == u'-' || text[i - 1] == u'-')
            break;
        ++labels;
        lastLabelStart = labelStart;
        end = i;
        if (at(text, i) == u'.' && isLabelChar(at(text, i + 1)))
            ++i;
        else
            break;
    }
    if (labels < 2 || end < 0)
        return -1;
    const char16_t next = at(text, end);
    if (isWordChar(next) && !isSpacelessScript(next))
        return -1;
    if (!isKnownTld(text.mid(lastLabelStart, end - lastLabelStart))) {
        // "ed@corp.com-2024-05-01": the address ends at the hyphen when what is before it is a TLD.
        const qsizetype hyphen = text.mid(lastLabelStart, end - lastLabelStart).indexOf(u'-');
        if (hyphen <= 0 || !isKnownTld(text.mid(lastLabelStart, hyphen)))
            return -1;
        end = lastLabelStart + hyphen;
    }
    *start = s;
    return end;
}

} // namespace pairlens::privacy::detail
