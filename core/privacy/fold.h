#pragma once

// Internal: the texts the detectors read. A View is a text plus where each of its UTF-16 units came
// from in the source (the anonymized text, or the whole SQL), so that a value found in a decoded,
// folded or joined text is replaced exactly where it was written. Folding gives detection a
// canonical form (docs/anonymization.md, "Folding"): compatibility characters (NFKC: fullwidth
// ＠ and letters, circled digits, ...), every Unicode decimal digit as ASCII, space separators
// (NBSP, U+202F, ...) as ' ', dashes (en dash, minus sign, ...) as '-', and zero-width characters
// removed (or, in a second view, read as spaces).

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringView>

namespace pairlens::privacy::detail {

struct View
{
    QStringView text;
    QString storage;           // holds `text` when it is not a slice of the source
    QList<qsizetype> from, to; // empty: text[i] is source[offset + i]
    qsizetype offset = 0;
    QList<qsizetype> pieceEnds; // SQL literals joined by concatenation: where each piece ends

    bool identity() const { return from.isEmpty(); }
    qsizetype sourceStart(qsizetype i) const { return identity() ? offset + i : from[i]; }
    qsizetype sourceEnd(qsizetype i) const { return identity() ? offset + i + 1 : to[i]; }
    void setStorage(QString s)
    {
        storage = std::move(s);
        text = storage;
    }
};

enum FoldNeed : int
{
    FoldNothing = 0,
    FoldCharacters = 1, // some character reads differently folded
    FoldZeroWidth = 2,  // some character is zero-width (a second view reads them as spaces)
};

// What folding would change in the text (a FoldNeed mask); ASCII text needs nothing.
int foldNeeds(QStringView text);
// The same over UTF-8 (malformed sequences count as needing it).
int foldNeeds(QByteArrayView utf8);

// `in` folded; zero-width characters are removed, or read as ' ' when `zeroWidthAsSpace`.
void foldView(const View &in, bool zeroWidthAsSpace, View &out);

} // namespace pairlens::privacy::detail
