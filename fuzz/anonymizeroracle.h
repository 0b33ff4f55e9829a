#pragma once

// The invariants of the anonymizer's output (core/privacy/anonymizer.h), shared by the targets that
// anonymize: anonymizer and custom_patterns.

#include "fuzzcommon.h"

#include "privacy/anonymizer.h"
#include "sql/tokenizer.h"

#include <algorithm>

namespace pairlens::fuzz {

inline QString tokenKindName(sql::TokenKind kind)
{
    static const char *const names[] = {"Whitespace",       "LineComment", "BlockComment", "Word",
                                        "QuotedIdentifier", "String",      "DollarString", "Number",
                                        "Parameter",        "Operator",    "Punctuation",  "Unknown"};
    const int k = int(kind);
    return k >= 0 && k < int(std::size(names)) ? QString::fromLatin1(names[k]) : QString::number(k);
}

// Findings ordered by start, never overlapping, inside the input and the output, `original` and
// `replacement` exactly the input's and the output's text of their ranges.
inline void checkFindings(QStringView input, const privacy::AnonymizedText &out, const char *what)
{
    qsizetype lastEnd = 0;
    qsizetype lastReplacementEnd = 0;
    for (const privacy::Finding &f : out.findings) {
        auto where = [&]() -> QString {
            return QStringLiteral("%1: finding [%2, %3) -> [%4, %5) in %6")
                .arg(QString::fromLatin1(what))
                .arg(f.start)
                .arg(f.end)
                .arg(f.replacementStart)
                .arg(f.replacementEnd)
                .arg(show(input));
        };
        FUZZ_CHECK(f.start >= lastEnd && f.start <= f.end && f.end <= input.size(), where());
        FUZZ_CHECK(f.replacementStart >= lastReplacementEnd && f.replacementStart <= f.replacementEnd &&
                       f.replacementEnd <= out.text.size(),
                   where());
        FUZZ_CHECK(f.original == input.mid(f.start, f.end - f.start),
                   where() + u" original " + show(f.original));
        FUZZ_CHECK(f.replacement ==
                       QStringView(out.text).mid(f.replacementStart, f.replacementEnd - f.replacementStart),
                   where() + u" replacement " + show(f.replacement));
        lastEnd = f.end;
        lastReplacementEnd = f.replacementEnd;
    }
}

// Token kinds whose text anonymization may change: literals, comments and quoted identifiers.
inline bool contentMayChange(sql::TokenKind kind)
{
    switch (kind) {
    case sql::TokenKind::String:
    case sql::TokenKind::DollarString:
    case sql::TokenKind::LineComment:
    case sql::TokenKind::BlockComment:
    case sql::TokenKind::QuotedIdentifier:
        return true;
    default:
        return false;
    }
}

// The anonymized SQL lexes, in the same dialect, into exactly the input's tokens (`tokens`, those
// of `before`): as many, of the same kinds, in the same order, and every token that is not a
// literal, a comment or a quoted identifier with the same text. A value written into a literal can
// never become code.
// `known` (when given) tells a difference that a known open issue explains (fuzzcommon.h): then
// the function returns false instead of aborting.
using KnownDifference = bool (*)(QStringView before, const sql::Token &a, QStringView after,
                                 const sql::Token &b);

inline bool checkSameTokens(QStringView before, const QList<sql::Token> &tokens, QStringView after,
                            sql::Dialect dialect, const QString &context, KnownDifference known = nullptr)
{
    const QList<sql::Token> &a = tokens;
    const QList<sql::Token> b = sql::tokenize(after, dialect);
    auto where = [&]() -> QString {
        return context + u" (dialect " + sql::dialectName(dialect) + u")\n  before: " + show(before, 400) +
               u"\n  after:  " + show(after, 400);
    };
    // A difference may come from any token up to it whose text changed: `known` is asked about each.
    auto explained = [&](qsizetype upTo) {
        for (qsizetype j = 0; known && j <= upTo && j < a.size() && j < b.size(); ++j) {
            if ((a[j].kind != b[j].kind || a[j].text(before) != b[j].text(after)) &&
                known(before, a[j], after, b[j]))
                return true;
        }
        return false;
    };
    for (qsizetype i = 0; i < a.size() && i < b.size(); ++i) {
        const bool kindChanged = a[i].kind != b[i].kind;
        const bool codeChanged = !contentMayChange(a[i].kind) && a[i].text(before) != b[i].text(after);
        if ((kindChanged || codeChanged) && explained(i))
            return false;
        if (kindChanged)
            fail(__FILE__, __LINE__, "same token kinds",
                 QStringLiteral("token %1 was %2 \"%3\", is %4 \"%5\"")
                         .arg(i)
                         .arg(tokenKindName(a[i].kind), show(a[i].text(before), 60), tokenKindName(b[i].kind),
                              show(b[i].text(after), 60)) +
                     u"; " + where());
        if (codeChanged)
            fail(__FILE__, __LINE__, "same code tokens",
                 QStringLiteral("token %1 (%2) changed from \"%3\" to \"%4\"")
                         .arg(i)
                         .arg(tokenKindName(a[i].kind), show(a[i].text(before), 60),
                              show(b[i].text(after), 60)) +
                     u"; " + where());
    }
    if (a.size() != b.size() && explained(std::min(a.size(), b.size())))
        return false;
    if (a.size() != b.size())
        fail(__FILE__, __LINE__, "same token count",
             QStringLiteral("%1 tokens before, %2 after").arg(a.size()).arg(b.size()) + u"; " + where());
    return true;
}

inline void checkSameTokens(QStringView before, QStringView after, sql::Dialect dialect,
                            const QString &context)
{
    checkSameTokens(before, sql::tokenize(before, dialect), after, dialect, context);
}

inline quint32 maskOf(const privacy::AnonymizedText &out)
{
    quint32 mask = 0;
    for (const privacy::Finding &f : out.findings)
        mask |= quint32(f.kind);
    return mask;
}

// anonymizeText() and anonymizeSql() in every dialect, with every invariant checked; `known` as for
// checkSameTokens().
inline void checkAnonymizer(const privacy::Anonymizer &anonymizer, const QString &text, const char *what,
                            KnownDifference known = nullptr)
{
    const privacy::AnonymizedText plain = anonymizer.anonymizeText(text);
    checkFindings(text, plain, what);
    FUZZ_CHECK(!plain.findings.isEmpty() || plain.text == text,
               QStringLiteral("anonymizeText changed a text without findings: ") + show(text));
    const quint32 textMask = anonymizer.scanMask(text, QStringView());
    FUZZ_CHECK(
        textMask == maskOf(plain),
        QStringLiteral("scanMask of the question %1, findings %2 for ").arg(textMask).arg(maskOf(plain)) +
            show(text));
    for (sql::Dialect dialect : sql::kAllDialects) {
        const privacy::AnonymizedText out = anonymizer.anonymizeSql(text, dialect);
        checkFindings(text, out, what);
        checkSameTokens(text, sql::tokenize(text, dialect), out.text, dialect,
                        QString::fromLatin1(what) + u": anonymizeSql", known);
        const quint32 mask = anonymizer.scanMask(QStringView(), text, dialect);
        FUZZ_CHECK(mask == maskOf(out),
                   QStringLiteral("scanMask of the SQL %1, findings %2 (dialect %3) for ")
                           .arg(mask)
                           .arg(maskOf(out))
                           .arg(sql::dialectName(dialect)) +
                       show(text));
    }
}

} // namespace pairlens::fuzz
