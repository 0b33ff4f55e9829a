#pragma once

// Internal: a reviewer's custom patterns, compiled once, matched with bounded work.

#include "privacy/anonymizer.h"
#include "privacy/detectors.h"

#include <QRegularExpression>
#include <QSet>

#include <memory>

namespace pairlens::privacy::detail {

// Patterns longer than this are refused: they are hard to review and a common vehicle of ReDoS.
constexpr qsizetype kMaxPatternLength = 1000;
// One match call sees at most this many UTF-16 units; longer texts are scanned in overlapping windows.
constexpr qsizetype kMaxMatchWindow = 4096;
constexpr qsizetype kWindowOverlap = 256;
// PCRE2's match limit for one match call (the JIT honours it): a catastrophic pattern such as
// (a+)+$ stops after this many internal steps instead of running for hours.
constexpr int kMatchLimit = 100000;

struct CompiledPattern
{
    QString name;
    Operator op = Operator::Redact;
    QRegularExpression regex;
    PiiKind kind = PiiKind::Custom; // a value marked as personal data has the kind it was marked with
};

// The name of the custom findings made by values marked as personal data of kind "custom".
inline const QString kMarkedName = QStringLiteral("marked");

struct CompiledPatterns
{
    QList<CompiledPattern> patterns; // only the valid ones, then one per marked value
    QSet<QString> notPii;            // values decided "not personal data", as written
    QSet<QString> notPiiFolded;      // the same, case-folded (compared with e-mail addresses)

    bool isNotPii(PiiKind kind, const QString &value) const;
};

// Empty when the pattern is usable; otherwise one sentence saying what is wrong.
QString checkPattern(const CustomPattern &pattern);

std::shared_ptr<const CompiledPatterns> compilePatterns(const QList<CustomPattern> &patterns,
                                                        const QList<Decision> &decisions = {});

// Appends a Match (the pattern's kind, custom = index into patterns) for every non-empty match.
void findCustom(const CompiledPatterns &compiled, QStringView text, QList<Match> &out);

} // namespace pairlens::privacy::detail
