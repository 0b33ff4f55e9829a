// Fuzz target "custom_patterns": a reviewer's custom pattern (core/privacy/customdetector.h) and a
// text: checkPattern(), compilePatterns(), findCustom() over the text (windows of kMaxMatchWindow
// units), then an anonymizer with that pattern over the text as free text and as SQL, with the
// oracle of anonymizeroracle.h. Input: the pattern, a line break, the text (no line break: all
// pattern, no text). A pattern must finish in bounded work whatever it is (PCRE2's match limit):
// libFuzzer's -timeout reports one that does not.
#include "anonymizeroracle.h"
#include "fuzzcommon.h"

#include "privacy/anonymizer.h"
#include "privacy/customdetector.h"

using namespace pairlens;
using namespace pairlens::privacy;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString input = fuzz::decodeUtf8(data, size);
    const qsizetype newline = input.indexOf(u'\n');
    const QString patternText = newline < 0 ? input : input.left(newline);
    if (patternText.size() > detail::kMaxPatternLength + 16)
        return 0; // refused by length alone, see checkPattern()
    const QString text = newline < 0 ? QString() : input.mid(newline + 1);
    const Operator ops[] = {Operator::Mask, Operator::Pseudonym, Operator::Redact, Operator::Hash};
    const CustomPattern pattern{QStringLiteral("fuzz"), patternText, ops[fuzz::inputHash(data, size) % 4]};

    const QString problem = detail::checkPattern(pattern);
    const auto compiled = detail::compilePatterns({pattern});
    FUZZ_CHECK(compiled->patterns.size() == (problem.isEmpty() ? 1 : 0),
               u"checkPattern says \"" + problem + u"\" but " + QString::number(compiled->patterns.size()) +
                   u" patterns compiled from " + fuzz::show(patternText));
    if (!problem.isEmpty())
        return 0;

    QList<detail::Match> matches;
    detail::findCustom(*compiled, text, matches);
    for (const detail::Match &m : std::as_const(matches))
        FUZZ_CHECK(m.kind == PiiKind::Custom && m.custom == 0 && m.start >= 0 && m.start < m.end &&
                       m.end <= text.size(),
                   QStringLiteral("match [%1, %2) of pattern %3 in ").arg(m.start).arg(m.end).arg(m.custom) +
                       fuzz::show(text));

    Config config;
    config.key = QByteArrayLiteral("pairlens-fuzz-key-0123456789abcdef");
    config.customPatterns = {pattern};
    FUZZ_CHECK(config.validate().isEmpty(),
               u"Config::validate() refuses a pattern checkPattern() takes: " + config.validate().join(u' '));
    const Anonymizer anonymizer(config);
    fuzz::checkAnonymizer(anonymizer, text, "custom_patterns");
    return 0;
}
