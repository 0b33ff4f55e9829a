// What keeps an anonymized SQL text's tokens those of the original: where a candidate is in the
// SQL, the token comparison, and the replacements and masks that cannot end or nest a literal.

#include "privacy/sqlscan_p.h"

#include <algorithm>
#include <string_view>

namespace pairlens::privacy::detail {

QList<Segment> segmentsOf(const SqlScan &s, const Candidate &c)
{
    const View &v = s.scan.view(c.view);
    const int chain = c.view < 0 ? -1 : s.viewChain[c.view];
    if (chain < 0)
        return {Segment{c.m.start, c.m.end, c.piece, false}};
    QList<Segment> out;
    const Chain &ch = s.chains[chain];
    qsizetype partStart = 0;
    for (qsizetype j = 0; j < ch.pieces.size(); ++j) {
        const qsizetype partEnd = v.pieceEnds.value(j, v.text.size());
        const qsizetype x = std::max(c.a, partStart), y = std::min(c.b, partEnd);
        if (x < y)
            out.append(Segment{v.sourceStart(x), v.sourceEnd(y - 1), ch.pieces[j], bool(ch.shared[j])});
        partStart = partEnd;
    }
    return out;
}

// The same token kinds, in the same order, and every token that is not a literal or comment
// unchanged: the invariant of anonymized SQL. Both texts are lexed side by side.
bool sameTokens(QStringView before, QStringView after, sql::Dialect dialect)
{
    qsizetype i = 0, j = 0;
    while (i < before.size() && j < after.size()) {
        const sql::Token x = sql::nextToken(before, i, dialect), y = sql::nextToken(after, j, dialect);
        if (x.kind != y.kind || (!isScannedToken(x.kind) && x.text(before) != y.text(after)))
            return false;
        i += x.length;
        j += y.length;
    }
    return i == before.size() && j == after.size();
}

// Text that can stand anywhere inside a string or comment without ending, nesting or escaping
// anything: what every built-in replacement is made of ('/' never at an edge, where it could pair
// with a '*' beside it). Only inside a dollar string could letters complete its tag.
bool isInert(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (detail::isAsciiAlnum(c) || c == u'_' || c == u'@' || c == u'.' || c == u':' || c == u'<' ||
            c == u'>' || c == u'-' || c == u'+' || c == u'(' || c == u')' || c == u' ')
            continue;
        if (c == u'/' && i > 0 && i + 1 < text.size())
            continue;
        return false;
    }
    return true;
}

// A replacement reduced to characters that cannot end or nest any literal or comment.
QString safeReplacement(const QString &replacement, int attempt)
{
    QString out = replacement;
    for (QChar &c : out) {
        const char16_t u = c.unicode();
        if (attempt >= 2)
            c = QChar(u'X' + (attempt - 2)); // X, Y, Z: one of them differs from any dollar tag
        else if (!(detail::isAsciiAlnum(u) || u == u'_' || u == u'@' || u == u'.' || u == u'-' || u == u' '))
            c = u'_';
    }
    return out;
}

// Whether writing `inserted` (inert text, or nothing) in place of `removed`, source text from the
// content of a literal or comment, certainly keeps the tokens. Inert text ends and nests nothing, but
// what it replaces may hold the token's structure or what a look-ahead of the tokenizer reads: the
// '/' and '*' of a comment nested in a block comment, a raw string's backslashes and quotes, and in
// strings the quotes, brackets and line breaks that decide whether an earlier '[' starts a
// [bracketed identifier] (bracketIdentifierEnd() in sql/tokenizerdialect.cpp). With nothing in its place,
// the characters around the value in a block comment or raw string could pair ("*" "/", "\" "'").
bool keepsStructure(const sql::DecodedContent &content, QStringView removed, QStringView inserted)
{
    const auto holds = [removed](std::u16string_view characters) { // all ASCII
        quint64 bits[2] = {0, 0};                                  // one bit per ASCII unit
        for (char16_t c : characters)
            bits[c >> 6] |= quint64(1) << (c & 63);
        return std::any_of(removed.begin(), removed.end(), [&bits](QChar c) {
            return c.unicode() < 0x80 && ((bits[c.unicode() >> 6] >> (c.unicode() & 63)) & 1);
        });
    };
    switch (content.form) {
    case sql::ContentForm::Comment:
        return true;
    case sql::ContentForm::BlockComment:
        return !inserted.isEmpty() && !holds(u"*/");
    case sql::ContentForm::Raw:
        return !inserted.isEmpty() && !holds(u"\\'\"");
    case sql::ContentForm::Quoted:
    case sql::ContentForm::Backslash:
    case sql::ContentForm::UnicodeEscape:
        return !holds(u"'[]\n\r");
    case sql::ContentForm::Dollar: // letters could complete the tag
    case sql::ContentForm::Hex:
    case sql::ContentForm::None:
        break;
    }
    return false;
}

// The last resort when no replacement keeps the tokens: the value's source text with every letter
// and digit masked and every other character kept, so that each quote, backslash, comment delimiter,
// dollar sign, bracket and line break stays where it was and the SQL lexes exactly as before. Letters
// and digits become 'X' (word characters stay word characters), hex digits '0', and in a dollar
// string a letter its tag does not hold ('.' should it hold X, Y and Z), so no run completes the tag.
QString structureKeepingMask(QStringView source, const sql::DecodedContent &content)
{
    QChar mask = u'X';
    if (content.form == sql::ContentForm::Hex) {
        mask = u'0';
    } else if (content.form == sql::ContentForm::Dollar) {
        mask = u'.';
        for (const QChar m : {QChar(u'X'), QChar(u'Y'), QChar(u'Z')}) {
            if (!content.dollarTag.contains(m)) {
                mask = m;
                break;
            }
        }
    }
    QString out;
    out.reserve(source.size());
    for (qsizetype i = 0; i < source.size(); ++i) {
        const QChar c = source[i];
        if (c.isHighSurrogate() && i + 1 < source.size() && source[i + 1].isLowSurrogate()) {
            const char32_t cp = QChar::surrogateToUcs4(c, source[i + 1]);
            if (QChar::isLetterOrNumber(cp))
                out += mask;
            else
                out += source.mid(i, 2);
            ++i;
            continue;
        }
        out += c.isLetterOrNumber() ? mask : c;
    }
    return out;
}

} // namespace pairlens::privacy::detail
