#pragma once

// Internal: a reviewer's custom patterns, compiled once, matched with bounded work.

#include "privacy/anonymizer.h"
#include "privacy/detectors.h"

#include <QRegularExpression>

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
};

struct CompiledPatterns
{
    QList<CompiledPattern> patterns; // only the valid ones
};

// Empty when the pattern is usable; otherwise one sentence saying what is wrong.
QString checkPattern(const CustomPattern &pattern);

std::shared_ptr<const CompiledPatterns> compilePatterns(const QList<CustomPattern> &patterns);

// Appends a Match (kind Custom, custom = index into patterns) for every non-empty match.
void findCustom(const CompiledPatterns &compiled, QStringView text, QList<Match> &out);

} // namespace pairlens::privacy::detail
