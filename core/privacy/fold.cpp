// Folding for detection: see fold.h and docs/anonymization.md ("Folding").
#include "privacy/fold.h"

#include <QChar>

#include <cstring>

namespace pairlens::privacy::detail {

namespace {

bool isZeroWidth(char32_t c)
{
    return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 || c == 0xFEFF || c == 0x00AD ||
           c == 0x180E || (c >= 0x2061 && c <= 0x2064);
}

enum class Fold
{
    Same,
    ZeroWidth,
    Changed,
};

// The folded form of one character that is not a compatibility character (or of one character of
// a compatibility decomposition): digits, spaces and dashes; 0 when it stays.
char16_t simpleFold(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Number_DecimalDigit: {
        const int v = QChar::digitValue(c);
        return v >= 0 && v <= 9 ? char16_t(u'0' + v) : char16_t(0);
    }
    case QChar::Separator_Space:
        return u' ';
    case QChar::Punctuation_Dash:
        return u'-';
    default:
        return c == 0x2212 ? u'-' : char16_t(0); // the minus sign
    }
}

// How one non-ASCII code point folds; the folded text goes to *out when Changed.
Fold foldCodePoint(char32_t c, QString *out)
{
    if (c < 0x80)
        return Fold::Same;
    if (isZeroWidth(c))
        return Fold::ZeroWidth;
    if (const char16_t simple = simpleFold(c)) {
        if (out)
            *out = QChar(simple);
        return Fold::Changed;
    }
    const QChar::Decomposition tag = QChar::decompositionTag(c);
    if (tag == QChar::NoDecomposition || tag == QChar::Canonical)
        return Fold::Same;
    if (!out)
        return Fold::Changed;
    QString folded = QString::fromUcs4(&c, 1).normalized(QString::NormalizationForm_KC);
    for (QChar &u : folded) {
        if (const char16_t simple = u.isSurrogate() ? char16_t(0) : simpleFold(u.unicode()))
            u = QChar(simple);
    }
    if (folded.size() == (c > 0xFFFF ? 2 : 1) && folded == QString::fromUcs4(&c, 1))
        return Fold::Same;
    *out = std::move(folded);
    return Fold::Changed;
}

int needsOf(char32_t c)
{
    switch (foldCodePoint(c, nullptr)) {
    case Fold::Same:
        return FoldNothing;
    case Fold::ZeroWidth:
        return FoldCharacters | FoldZeroWidth;
    case Fold::Changed:
        return FoldCharacters;
    }
    return FoldNothing;
}

} // namespace

int foldNeeds(QStringView text)
{
    int needs = FoldNothing;
    const char16_t *p = text.utf16();
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        // Four ASCII units at a time.
        while (i + 4 <= n) {
            quint64 x;
            std::memcpy(&x, p + i, sizeof x);
            if (x & 0xFF80FF80FF80FF80ull)
                break;
            i += 4;
        }
        if (i >= n)
            break;
        const char16_t c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        char32_t cp = c;
        if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(p[i + 1])) {
            cp = QChar::surrogateToUcs4(c, p[i + 1]);
            ++i;
        }
        ++i;
        needs |= needsOf(cp);
        if (needs == (FoldCharacters | FoldZeroWidth))
            break;
    }
    return needs;
}

int foldNeeds(QByteArrayView utf8)
{
    int needs = FoldNothing;
    const auto *p = reinterpret_cast<const uchar *>(utf8.data());
    const qsizetype n = utf8.size();
    qsizetype i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            quint64 x;
            std::memcpy(&x, p + i, sizeof x);
            if (x & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const uchar lead = p[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        const int len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
        if (len == 0 || i + len > n)
            return FoldCharacters;
        char32_t cp = lead & (0x7F >> len);
        for (int k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return FoldCharacters;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        i += len;
        needs |= needsOf(cp);
        if (needs == (FoldCharacters | FoldZeroWidth))
            break;
    }
    return needs;
}

void foldView(const View &in, bool zeroWidthAsSpace, View &out)
{
    const QStringView t = in.text;
    const qsizetype n = t.size();
    QString text;
    text.reserve(n);
    out.from.clear();
    out.to.clear();
    out.from.reserve(n);
    out.to.reserve(n);
    out.pieceEnds.clear();
    qsizetype piece = 0;
    QString folded;
    auto put = [&](QChar c, qsizetype from, qsizetype to) {
        text.append(c);
        out.from.append(from);
        out.to.append(to);
    };
    for (qsizetype i = 0; i < n;) {
        while (piece < in.pieceEnds.size() && in.pieceEnds[piece] <= i) {
            out.pieceEnds.append(text.size());
            ++piece;
        }
        const qsizetype limit = piece < in.pieceEnds.size() ? in.pieceEnds[piece] : n;
        const char16_t c = t[i].unicode();
        if (c < 0x80) {
            put(QChar(c), in.sourceStart(i), in.sourceEnd(i));
            ++i;
            continue;
        }
        qsizetype j = i + 1;
        char32_t cp = c;
        if (QChar::isHighSurrogate(c) && j < limit && QChar::isLowSurrogate(t[j].unicode())) {
            cp = QChar::surrogateToUcs4(c, t[j].unicode());
            ++j;
        }
        const qsizetype from = in.sourceStart(i), to = in.sourceEnd(j - 1);
        switch (foldCodePoint(cp, &folded)) {
        case Fold::Same:
            for (qsizetype k = i; k < j; ++k)
                put(t[k], from, to);
            break;
        case Fold::ZeroWidth:
            if (zeroWidthAsSpace)
                put(QChar(u' '), from, to);
            break;
        case Fold::Changed:
            for (QChar u : std::as_const(folded))
                put(u, from, to);
            break;
        }
        i = j;
    }
    while (piece < in.pieceEnds.size()) {
        out.pieceEnds.append(text.size());
        ++piece;
    }
    out.offset = 0;
    out.setStorage(std::move(text));
}

} // namespace pairlens::privacy::detail
