#pragma once

// The anonymization engine: detectors for the PII kinds of piikind.h, per-kind operators, keyed
// (HMAC-SHA256) consistent replacements and spans for both sides of the text. Documented in
// docs/anonymization.md. Every const member function is thread-safe: replacements are a pure
// function of (key, kind, normalised value, operator), so no shared mutable state exists.

#include "dataset/pair.h"
#include "privacy/piikind.h"
#include "sql/tokenizer.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace pairlens::privacy {

enum class Operator
{
    Mask,
    Pseudonym,
    Redact,
    Hash,
    Keep,
    Surrogate // a realistic fake value of the same kind and format (docs/anonymization.md)
};
// "mask", "pseudonym", "redact", "hash", "keep", "surrogate"
QString operatorName(Operator op);
std::optional<Operator> operatorFromName(QStringView name);

// A reviewer's own pattern: a PCRE2 regular expression (QRegularExpression syntax).
struct CustomPattern
{
    QString name;
    QString pattern;
    Operator op = Operator::Redact;
};

// A reviewer's decision about one value, everywhere it occurs (stored in the dataset's settings
// under Config::kDecisionsKey, see docs/anonymization.md):
// - NotPii: a finding whose value is this text (e-mail addresses compared case-insensitively) is
//   not personal data and is left as it is; with a pairId, only in the pair of that pair_id;
// - Mark: this text is personal data of `kind` wherever it occurs (compared case-insensitively,
//   not inside a longer word), replaced by that kind's operator like any finding of the kind.
struct Decision
{
    enum class Type
    {
        NotPii,
        Mark
    };
    Type type = Type::NotPii;
    QString value;
    PiiKind kind = PiiKind::Custom; // Mark only
    QString pairId;                 // NotPii only: empty for every pair, else that pair alone

    bool operator==(const Decision &) const = default;
};
// "not_pii", "mark"
QString decisionTypeName(Decision::Type type);
// The stored form: a compact JSON array of {"decision", "value"[, "kind"][, "pair_id"]}; unreadable
// entries are skipped on reading.
QString decisionsToJson(const QList<Decision> &decisions);
QList<Decision> decisionsFromJson(const QString &json);

struct Config
{
    QByteArray key;                     // per-dataset secret; never serialised by toSettings()
    QHash<PiiKind, Operator> operators; // missing kinds -> Mask
    Operator databaseNameOperator = Operator::Mask;
    QList<CustomPattern> customPatterns;
    bool scanMetadata = true;
    QList<Decision> decisions; // read by fromSettings(); never written by toSettings()

    // The setting that holds the decisions (see decisionsToJson()).
    static inline const QString kDecisionsKey = QStringLiteral("privacy.decisions");
    // Marked values longer than this are refused by the writers (and ignored when read).
    static constexpr qsizetype kMaxDecisionValueLength = 500;

    Operator operatorFor(PiiKind kind) const;

    // Dataset settings are a key/value table; keys are prefixed "privacy." (privacy.operator.email=mask,
    // privacy.operator.database_name=mask, privacy.custom_patterns=<json array of {name, pattern,
    // operator}>, privacy.scan_metadata=true). Never reads or writes the key. Unknown or invalid values
    // fall back to the defaults.
    static Config fromSettings(const QHash<QString, QString> &settings);
    QHash<QString, QString> toSettings() const;

    // Validates the custom patterns; one clear message per bad pattern (empty when all are fine).
    QStringList validate() const;
};

// One detected value. Offsets are UTF-16 code units (QString indices): [start, end) in the input,
// [replacementStart, replacementEnd) in the anonymized output. In SQL a value joined from several
// literals ('alice' || '@corp.com') spans them and what lies between; `original` and `replacement`
// are exactly the input's and the output's text of those ranges.
struct Finding
{
    PiiKind kind = PiiKind::Custom;
    QString customName; // the pattern's name for PiiKind::Custom
    qsizetype start = 0, end = 0;
    qsizetype replacementStart = 0, replacementEnd = 0;
    QString original;
    QString replacement;
    QString value; // the value as detected: escapes decoded, folded, joined (what was replaced)
};

struct AnonymizedText
{
    QString text;
    QList<Finding> findings; // ordered by start, never overlapping
};

struct AnonymizedPair
{
    QString pairId;       // anonymizeIdentifier(PairId, ...)
    QString databaseType; // anonymizeIdentifier(DatabaseType, ...)
    AnonymizedText question;
    AnonymizedText sql; // read with the dialect of the pair's database_type
    QString databaseName;
    QJsonObject metadata;
    quint32 piiMask = 0; // OR of the kinds found in the question and the SQL (same as scanMask())
};

// The seed fields that identify rather than describe a pair, anonymized by anonymizeIdentifier().
enum class IdentifierField
{
    PairId,       // "pair_<hash16>" (keyed) when it holds personal data: unique, stable, no part kept
    DatabaseType, // each detected value replaced like in free text ("postgresql" stays)
};

namespace detail {
struct CompiledPatterns;
struct PairScopes;
class KeyedHasher;
struct AnonymizerTesting;
struct Match;
struct View;
} // namespace detail

class Anonymizer
{
public:
    explicit Anonymizer(Config config);

    const Config &config() const;

    // The anonymizer of the pair whose pair_id is `pairId`: this one, or when a reviewer decided a
    // value of that pair alone is not personal data (Decision::pairId), one that also leaves it.
    // Callers that scan one pair's fields go through it (anonymizePair() does so itself).
    const Anonymizer &forPair(QStringView pairId) const;
    bool hasPairDecisions() const { return m_pairScopes != nullptr; }

    AnonymizedText anonymizeText(QStringView text) const; // free text
    // String literals and comments only, read with the lexical rules of `dialect` (see
    // sql::dialectFromDatabaseType()); the output has exactly the input's tokens.
    AnonymizedText anonymizeSql(QStringView sql, sql::Dialect dialect = sql::Dialect::Generic) const;
    // The same; when nothing is found, the result's text shares the input's data (no copy).
    AnonymizedText anonymizeText(const QString &text) const;
    AnonymizedText anonymizeSql(const QString &sql, sql::Dialect dialect = sql::Dialect::Generic) const;
    // The question of a pair whose SQL was anonymized into `sql`: also every value found in that SQL
    // (by a detector or by what the SQL says a column holds) is found in the question, whole words,
    // case-insensitively, and gets the same replacement. anonymizePair() reads a pair this way.
    AnonymizedText anonymizeQuestion(const QString &question, const AnonymizedText &sql) const;
    // pair_id or database_type: unchanged (shared) unless it holds personal data; see IdentifierField.
    QString anonymizeIdentifier(IdentifierField field, const QString &value) const;
    QString anonymizeDatabaseName(QStringView name) const;
    // String values, if scanMetadata. Returns `metadata` itself (shared) when nothing changes.
    QJsonObject anonymizeMetadata(const QJsonObject &metadata) const;
    AnonymizedPair anonymizePair(const Pair &pair) const;
    // True when anonymizeText() of this UTF-8 text certainly returns it unchanged: valid UTF-8, no
    // custom pattern, and no built-in kind can match (the pre-filter). Lets a caller holding UTF-8
    // (the exporter's metadata) keep the bytes without decoding them; false means "maybe".
    bool leavesUtf8Unchanged(QByteArrayView utf8) const;
    // OR of the PiiKind bits found in the string values of `metadata` (0 unless scanMetadata).
    quint32 metadataMask(const QJsonObject &metadata) const;
    // OR of the PiiKind bits found in the question (free text) and in the SQL's literals and comments.
    quint32 scanMask(QStringView question, QStringView sql,
                     sql::Dialect dialect = sql::Dialect::Generic) const;

private:
    Anonymizer(const Anonymizer &base, std::shared_ptr<const detail::CompiledPatterns> patterns);
    friend struct detail::AnonymizerTesting;
    AnonymizedText build(QStringView text, const QString *shared,
                         const QList<Finding> *sqlFindings = nullptr) const;
    Finding findingOf(const detail::View &view, qsizetype a, qsizetype b, const detail::Match &m) const;
    QString replacement(const Finding &f, PiiKind kind, int custom) const;
    AnonymizedText buildSql(QStringView sql, const QString *shared, sql::Dialect dialect) const;

    Config m_config;
    bool m_fastPaths = true; // pre-filter, skipped sure losers, memos; off only in tests and benchmarks
    std::shared_ptr<const detail::CompiledPatterns> m_patterns;
    std::shared_ptr<const detail::KeyedHasher> m_hasher;
    std::shared_ptr<const detail::PairScopes> m_pairScopes; // null without per-pair decisions
    quint64 m_instance = 0; // unique per constructed anonymizer; copies share it (same config)
};

namespace detail {
// For tests and benchmarks only: turns the pre-filter (mayContainBuiltin()), the skipping of
// candidates that cannot win and the memos (memo.h) off, so results can be
// compared with every detector run on every text and every value validated and replaced afresh.
struct AnonymizerTesting
{
    static void setFastPaths(Anonymizer &anonymizer, bool on) { anonymizer.m_fastPaths = on; }
};
} // namespace detail

// Converts a UTF-16 offset into `text` to a Unicode code point offset (for JSON output).
qsizetype toCodePointOffset(QStringView text, qsizetype utf16Offset);

} // namespace pairlens::privacy
