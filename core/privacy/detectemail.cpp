// E-mail addresses: an ASCII local part (letters, digits and . _ % + -, no leading, trailing or
// doubled dot), '@', then at least two host labels (letters, digits, inner hyphens) whose last label
// is a real top-level domain (tldlist.cpp).
#include "privacy/detectors.h"

namespace pairlens::privacy::detail {

namespace {

bool isLocalChar(char16_t c)
{
    return isAsciiAlnum(c) || c == u'.' || c == u'_' || c == u'%' || c == u'+' || c == u'-';
}

bool isLabelChar(char16_t c)
{
    return isAsciiAlnum(c) || c == u'-';
}

} // namespace

qsizetype matchEmailAround(QStringView text, qsizetype atSign, qsizetype *start)
{
    // Local part, leftwards from the '@'.
    qsizetype s = atSign;
    while (s > 0 && atSign - s < 64 && isLocalChar(text[s - 1].unicode()))
        --s;
    while (s < atSign && text[s] == u'.')
        ++s;
    if (s == atSign || text[atSign - 1] == u'.' || (s > 0 && isWordChar(text[s - 1].unicode())))
        return -1;
    for (qsizetype i = s + 1; i < atSign; ++i) {
        if (text[i] == u'.' && text[i - 1] == u'.')
            return -1;
    }
    // Host labels, rightwards.
    qsizetype i = atSign + 1;
    int labels = 0;
    qsizetype lastLabelStart = i;
    qsizetype end = -1;
    while (i < text.size() && i - atSign < 255) {
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
    if (labels < 2 || end < 0 || isWordChar(at(text, end)))
        return -1;
    if (!isKnownTld(text.mid(lastLabelStart, end - lastLabelStart)))
        return -1;
    *start = s;
    return end;
}

} // namespace pairlens::privacy::detail
