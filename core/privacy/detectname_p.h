#pragma once

// Internal: the words the name detector reads (detectname.cpp, detectnamewords.cpp).

#include "privacy/detectors.h"

#include <QChar>

#include <vector>

namespace pairlens::privacy::detail {

// Out of line: a letter outside ASCII is rare on the hot path.
bool isLetterOutsideAscii(char16_t c);

// Inlined for ASCII: readWords() asks it at every letter of every text.
inline bool isLetterUnit(char16_t c)
{
    if (c < 0x80)
        return isAsciiAlpha(c);
    return isLetterOutsideAscii(c);
}

inline bool isUpperUnit(char16_t c)
{
    if (c < 0x80)
        return isAsciiUpper(c);
    return QChar(c).isUpper() || QChar(c).isTitleCase();
}

inline bool isLowerUnit(char16_t c)
{
    if (c < 0x80)
        return c >= u'a' && c <= u'z';
    return QChar(c).isLower();
}

inline bool isApostrophe(char16_t c)
{
    return c == u'\'' || c == u'\u2019';
}

struct Word
{
    qsizetype start = 0, end = 0; // the letters (a possessive "'s" left out)
    qsizetype after = 0;          // end, or past a '.' right after it
    quint8 bits = 0;              // the gazetteer's bits but Vocabulary (0: unknown)
    bool vocabulary = false;      // a word of the word list that no name is ("Show", "Ergonomic")
    bool capitalised = false;
    bool initial = false; // one upper-case letter and a '.'
};

// The capitalised words and initials of the text (letters, with inner apostrophes and hyphens), with
// their gazetteer bits; a word glued to a digit or '_' (an identifier such as "name_1") is left out.
void readWords(QStringView text, std::vector<Word> &words);

} // namespace pairlens::privacy::detail
