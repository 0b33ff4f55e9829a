// Fuzz target "anonymizer": any text through Anonymizer::anonymizeText() and anonymizeSql() in every
// dialect. The oracle (anonymizeroracle.h): the anonymized SQL lexes into exactly the input's tokens
// (kinds, count, and the text of everything but literals, comments and quoted identifiers), the
// findings are ordered and name the input's and output's text exactly, scanMask() agrees with the
// findings, and the fast paths give the same result as every detector run afresh. Input: the text
// (SQL or free text) as bytes; invalid UTF-8 is also read with lone surrogates (fuzzcommon.h).
// The operators come from a hash of the input, so an input always runs the same way.
#include "anonymizeroracle.h"
#include "fuzzcommon.h"

#include "privacy/anonymizer.h"
#include "sql/tokenizer.h"

#include <array>
#include <memory>

using namespace pairlens;
using namespace pairlens::privacy;

namespace {

constexpr int kConfigs = 6;

Config makeConfig(int which)
{
    Config config;
    config.key = QByteArrayLiteral("pairlens-fuzz-key-0123456789abcdef");
    const Operator ops[] = {Operator::Mask, Operator::Pseudonym, Operator::Redact, Operator::Hash,
                            Operator::Keep};
    if (which < 5) {
        for (PiiKind kind : allPiiKinds())
            config.operators.insert(kind, ops[which]);
    } else {
        // Mixed operators and custom patterns that match the characters that delimit literals and
        // comments: their replacements must still never end a literal early.
        const QList<PiiKind> kinds = allPiiKinds();
        for (qsizetype i = 0; i < kinds.size(); ++i)
            config.operators.insert(kinds[i], ops[i % 4]);
        config.customPatterns = {
            {QStringLiteral("employee"), QStringLiteral("EMP-\\d{4,8}"), Operator::Pseudonym},
            {QStringLiteral("delimiters"), QStringLiteral("[-'\"`$*/#\\\\\\]]{2,}"), Operator::Redact},
            {QStringLiteral("secret"), QStringLiteral("(?i)secret\\S*"), Operator::Hash},
        };
    }
    return config;
}

struct Anonymizers
{
    std::array<std::unique_ptr<Anonymizer>, kConfigs> fast;
    std::array<std::unique_ptr<Anonymizer>, kConfigs> slow; // every detector on every text, no memo
    Anonymizers()
    {
        for (int i = 0; i < kConfigs; ++i) {
            fast[size_t(i)] = std::make_unique<Anonymizer>(makeConfig(i));
            slow[size_t(i)] = std::make_unique<Anonymizer>(makeConfig(i));
            detail::AnonymizerTesting::setFastPaths(*slow[size_t(i)], false);
        }
    }
};

const Anonymizers &anonymizers()
{
    static const Anonymizers a;
    return a;
}

void sameResult(const AnonymizedText &a, const AnonymizedText &b, const QString &context)
{
    FUZZ_CHECK(a.text == b.text, context + u": fast paths give \"" + fuzz::show(a.text) +
                                     u"\", every detector \"" + fuzz::show(b.text) + u"\"");
    FUZZ_CHECK(a.findings.size() == b.findings.size(),
               context + QStringLiteral(": fast paths find %1 values, every detector %2")
                             .arg(a.findings.size())
                             .arg(b.findings.size()));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    anonymizers();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const int which = int(fuzz::inputHash(data, size) % kConfigs);
    const Anonymizer &fast = *anonymizers().fast[size_t(which)];
    const Anonymizer &slow = *anonymizers().slow[size_t(which)];
    fuzz::forEachDecoding(data, size, [&](const QString &text) {
        fuzz::checkAnonymizer(fast, text, "anonymizer");
        const QString context = QStringLiteral("config %1, text ").arg(which) + fuzz::show(text);
        sameResult(fast.anonymizeText(text), slow.anonymizeText(text), u"anonymizeText, " + context);
        sameResult(fast.anonymizeSql(text), slow.anonymizeSql(text), u"anonymizeSql, " + context);
        // The seed fields that identify a pair: a pair id stays unchanged or becomes a keyed hash.
        const QString id = fast.anonymizeIdentifier(IdentifierField::PairId, text);
        FUZZ_CHECK(id == text || id.startsWith(u"pair_"), u"pair id became " + fuzz::show(id));
        fast.anonymizeIdentifier(IdentifierField::DatabaseType, text);
        fast.anonymizeDatabaseName(text);
    });
    return 0;
}
