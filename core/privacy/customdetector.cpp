#include "privacy/customdetector.h"

using namespace Qt::StringLiterals;

namespace pairlens::privacy::detail {

namespace {

QRegularExpression makeRegex(const QString &pattern)
{
    // The leading (*LIMIT_MATCH=n) lowers PCRE2's match limit for this pattern only.
    QRegularExpression re(u"(*LIMIT_MATCH=%1)"_s.arg(kMatchLimit) + pattern);
    re.optimize(); // compile (and JIT) now, not on the first match
    return re;
}

} // namespace

QString checkPattern(const CustomPattern &p)
{
    const QString name = p.name.trimmed();
    const QString label = name.isEmpty() ? u"A custom pattern"_s : u"Custom pattern \"%1\""_s.arg(name);
    if (name.isEmpty())
        return u"A custom pattern has no name."_s;
    if (p.pattern.isEmpty())
        return label + u" has an empty regular expression."_s;
    if (p.pattern.size() > kMaxPatternLength)
        return label + u" is too long (%1 characters; at most %2 are allowed)."_s.arg(p.pattern.size())
                           .arg(kMaxPatternLength);
    const QRegularExpression plain(p.pattern);
    if (!plain.isValid())
        return label + u" is not a valid regular expression: %1 at offset %2."_s.arg(plain.errorString())
                           .arg(plain.patternErrorOffset());
    const QRegularExpression re = makeRegex(p.pattern);
    if (!re.isValid())
        return label + u" is not a valid regular expression: %1."_s.arg(re.errorString());
    if (re.match(QString()).hasMatch())
        return label + u" matches an empty text; it must match at least one character."_s;
    return {};
}

bool CompiledPatterns::isNotPii(PiiKind kind, const QString &value) const
{
    if (notPii.isEmpty())
        return false;
    return notPii.contains(value.trimmed()) ||
           (kind == PiiKind::Email && notPiiFolded.contains(value.trimmed().toCaseFolded()));
}

std::shared_ptr<const CompiledPatterns> compilePatterns(const QList<CustomPattern> &patterns,
                                                        const QList<Decision> &decisions)
{
    auto compiled = std::make_shared<CompiledPatterns>();
    for (const CustomPattern &p : patterns) {
        if (!checkPattern(p).isEmpty())
            continue; // Config::validate() reports it; an invalid pattern never matches
        compiled->patterns.append(CompiledPattern{p.name.trimmed(), p.op, makeRegex(p.pattern)});
    }
    for (const Decision &d : decisions) {
        const QString value = d.value.trimmed();
        if (value.isEmpty())
            continue;
        if (d.type == Decision::Type::NotPii) {
            if (!d.pairId.isEmpty())
                continue; // one pair's decision: Anonymizer::forPair() adds it for that pair
            compiled->notPii.insert(value);
            compiled->notPiiFolded.insert(value.toCaseFolded());
            continue;
        }
        // The value as written, case-insensitively, never as part of a longer word or number.
        auto wordy = [](QChar c) { return c.isLetterOrNumber() || c == u'_'; };
        const QString pattern = (wordy(value.front()) ? u"(?<![\\p{L}\\p{N}_])"_s : QString()) +
                                QRegularExpression::escape(value) +
                                (wordy(value.back()) ? u"(?![\\p{L}\\p{N}_])"_s : QString());
        QRegularExpression re(u"(*LIMIT_MATCH=%1)"_s.arg(kMatchLimit) + pattern,
                              QRegularExpression::CaseInsensitiveOption |
                                  QRegularExpression::UseUnicodePropertiesOption);
        re.optimize();
        compiled->patterns.append(CompiledPattern{kMarkedName, Operator::Redact, re, d.kind});
    }
    return compiled;
}

void findCustom(const CompiledPatterns &compiled, QStringView text, QList<Match> &out)
{
    const qsizetype step = kMaxMatchWindow - kWindowOverlap;
    for (int index = 0; index < compiled.patterns.size(); ++index) {
        const QRegularExpression &re = compiled.patterns[index].regex;
        for (qsizetype windowStart = 0; windowStart < text.size(); windowStart += step) {
            const QStringView window = text.mid(windowStart, kMaxMatchWindow);
            const bool last = windowStart + kMaxMatchWindow >= text.size();
            // Matches starting in the overlap belong to the next window (which sees them whole).
            const qsizetype ownEnd = last ? window.size() : step;
            qsizetype offset = 0;
            bool aborted = false;
            while (offset < ownEnd) {
                const QRegularExpressionMatch m = re.match(window, offset);
                if (!m.isValid()) {
                    aborted = true; // PCRE2 reported an error (match limit reached): give up on this text
                    break;
                }
                if (!m.hasMatch() || m.capturedStart() >= ownEnd)
                    break;
                const qsizetype s = m.capturedStart(), e = m.capturedEnd();
                if (e > s)
                    out.append(Match{compiled.patterns[index].kind, windowStart + s, windowStart + e, index});
                offset = e > s ? e : s + 1;
            }
            if (aborted || last)
                break;
        }
    }
}

} // namespace pairlens::privacy::detail
