#include "privacy/anonymizer.h"

#include <algorithm>
#include <atomic>

#include "privacy/customdetector.h"
#include "privacy/detectors.h"
#include "privacy/hmac.h"
#include "privacy/memo.h"
#include "privacy/operators.h"
#include "sql/tokenizer.h"

#include <QJsonArray>

namespace pairlens::privacy {

using detail::Match;

namespace {

// Built-in detectors (skipped when the pre-filter sees no possible value), then custom patterns,
// which always run. `fast` is false only when tests compare against the full scan.
void detectAll(const detail::CompiledPatterns &patterns, QStringView text, QList<Match> &out, bool fast)
{
    if (fast ? detail::mayContainBuiltin(text) : true)
        detail::findBuiltins(text, out, fast);
    if (!patterns.patterns.isEmpty())
        detail::findCustom(patterns, text, out);
}

QList<Match> detectText(const detail::CompiledPatterns &patterns, QStringView text, bool fast)
{
    QList<Match> matches;
    detectAll(patterns, text, matches, fast);
    detail::resolveOverlaps(matches);
    return matches;
}

bool isScannedToken(sql::TokenKind kind)
{
    return kind == sql::TokenKind::String || kind == sql::TokenKind::DollarString ||
           kind == sql::TokenKind::LineComment || kind == sql::TokenKind::BlockComment;
}

// Values in the SQL's string literals and comments only; identifiers, keywords, numbers and
// parameters are never touched. The whole text is scanned first (cheap, and empty for most SQL);
// only when something is found is the SQL tokenized (up to the last candidate): candidates inside a literal
// or comment are kept, and a literal or comment that a candidate crosses is scanned again on its own.
QList<Match> detectSql(const detail::CompiledPatterns &patterns, QStringView sql, bool fast)
{
    QList<Match> raw;
    detectAll(patterns, sql, raw, fast);
    if (raw.isEmpty())
        return raw;
    QList<Match> matches;
    // Tokens one at a time (no list), and only as far as the last candidate reaches: a token that
    // starts after it can neither hold nor cross one.
    qsizetype reach = 0;
    for (const Match &m : std::as_const(raw))
        reach = std::max(reach, m.end);
    for (qsizetype next = 0; next < reach;) {
        const sql::Token token = sql::nextToken(sql, next);
        next += token.length;
        if (!isScannedToken(token.kind))
            continue;
        const qsizetype end = token.start + token.length;
        bool crossed = false;
        const qsizetype before = matches.size();
        for (const Match &m : std::as_const(raw)) {
            if (m.start >= token.start && m.end <= end)
                matches.append(m);
            else if (m.start < end && m.end > token.start)
                crossed = true;
        }
        if (!crossed)
            continue;
        matches.resize(before);
        QList<Match> inner;
        detectAll(patterns, token.text(sql), inner, fast);
        for (Match m : std::as_const(inner)) {
            m.start += token.start;
            m.end += token.start;
            matches.append(m);
        }
    }
    detail::resolveOverlaps(matches);
    return matches;
}

// What one detected value becomes: a pure function of (anonymizer, kind, custom name, operator,
// value), remembered per thread (see memo.h; 16,384 entries are ~4 MB per thread at most). The
// anonymizer is identified by its instance id, never by its address: a new anonymizer (another dataset's key)
// may be constructed where an old one was.
struct ReplacementKey
{
    quint64 instance = 0;
    PiiKind kind = PiiKind::Custom;
    Operator op = Operator::Mask;
    QString customName;
    QString original;
    bool operator==(const ReplacementKey &) const = default;
};

struct ReplacementKeyHash
{
    size_t operator()(const ReplacementKey &k) const noexcept
    {
        return size_t(qHashMulti(0, k.instance, quint32(k.kind), int(k.op), k.customName, k.original));
    }
};

QString replacementOf(const detail::KeyedHasher &hasher, quint64 instance, PiiKind kind,
                      const QString &customName, Operator op, const QString &original)
{
    thread_local detail::ThreadMemo<ReplacementKey, QString, ReplacementKeyHash, 16384> memo;
    return memo.get(ReplacementKey{instance, kind, op, customName, original},
                    [&] { return detail::replacementFor(hasher, kind, customName, op, original); });
}

quint32 maskOf(const QList<Match> &matches)
{
    quint32 mask = 0;
    for (const Match &m : matches)
        mask |= quint32(m.kind);
    return mask;
}

quint32 maskOf(const AnonymizedText &text)
{
    quint32 mask = 0;
    for (const Finding &f : text.findings)
        mask |= quint32(f.kind);
    return mask;
}

bool anonymizeJson(const Anonymizer &anonymizer, const QJsonValue &value, QJsonValue *out);

// Sets *out and returns true only when something changes: unchanged objects and arrays are never
// rebuilt, a changed one is a copy of the original with the changed values replaced.
bool anonymizeObject(const Anonymizer &anonymizer, const QJsonObject &object, QJsonObject *out)
{
    bool any = false;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        QJsonValue changed;
        if (!anonymizeJson(anonymizer, it.value(), &changed))
            continue;
        if (!any)
            *out = object;
        any = true;
        out->insert(it.key(), changed);
    }
    return any;
}

bool anonymizeJson(const Anonymizer &anonymizer, const QJsonValue &value, QJsonValue *out)
{
    switch (value.type()) {
    case QJsonValue::String: {
        AnonymizedText a = anonymizer.anonymizeText(value.toString());
        if (a.findings.isEmpty())
            return false;
        *out = std::move(a.text);
        return true;
    }
    case QJsonValue::Object: {
        QJsonObject changed;
        if (!anonymizeObject(anonymizer, value.toObject(), &changed))
            return false;
        *out = std::move(changed);
        return true;
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        QJsonArray changed;
        bool any = false;
        for (qsizetype i = 0; i < array.size(); ++i) {
            QJsonValue v;
            if (!anonymizeJson(anonymizer, array.at(i), &v))
                continue;
            if (!any)
                changed = array;
            any = true;
            changed.replace(i, v);
        }
        if (any)
            *out = std::move(changed);
        return any;
    }
    default:
        return false;
    }
}

} // namespace

static quint64 nextInstanceId()
{
    static std::atomic<quint64> counter{0};
    return ++counter;
}

Anonymizer::Anonymizer(Config config)
    : m_config(std::move(config)), m_patterns(detail::compilePatterns(m_config.customPatterns)),
      m_hasher(std::make_shared<const detail::KeyedHasher>(m_config.key)), m_instance(nextInstanceId())
{}

const Config &Anonymizer::config() const
{
    return m_config;
}

AnonymizedText Anonymizer::build(QStringView text, const QString *shared, bool sql) const
{
    const detail::CompiledPatterns &patterns = *m_patterns;
    const QList<Match> matches =
        sql ? detectSql(patterns, text, m_fastPaths) : detectText(patterns, text, m_fastPaths);
    AnonymizedText result;
    if (matches.isEmpty()) {
        result.text = shared ? *shared : text.toString(); // shares the original's data when possible
        return result;
    }
    result.text.reserve(text.size() + 16 * matches.size());
    result.findings.reserve(matches.size());
    qsizetype pos = 0;
    for (const Match &m : matches) {
        result.text.append(text.mid(pos, m.start - pos));
        Finding f;
        f.kind = m.kind;
        Operator op = m_config.operatorFor(m.kind);
        if (m.kind == PiiKind::Custom) {
            const detail::CompiledPattern &p = patterns.patterns.at(m.custom);
            f.customName = p.name;
            op = p.op;
        }
        f.start = m.start;
        f.end = m.end;
        f.original = text.mid(m.start, m.end - m.start).toString();
        f.replacement = m_fastPaths
                            ? replacementOf(*m_hasher, m_instance, m.kind, f.customName, op, f.original)
                            : detail::replacementFor(*m_hasher, m.kind, f.customName, op, f.original);
        f.replacementStart = result.text.size();
        result.text.append(f.replacement);
        f.replacementEnd = result.text.size();
        result.findings.append(std::move(f));
        pos = m.end;
    }
    result.text.append(text.mid(pos));
    return result;
}

AnonymizedText Anonymizer::anonymizeText(QStringView text) const
{
    return build(text, nullptr, false);
}

AnonymizedText Anonymizer::anonymizeSql(QStringView sql) const
{
    return build(sql, nullptr, true);
}

AnonymizedText Anonymizer::anonymizeText(const QString &text) const
{
    return build(text, &text, false);
}

AnonymizedText Anonymizer::anonymizeSql(const QString &sql) const
{
    return build(sql, &sql, true);
}

QString Anonymizer::anonymizeDatabaseName(QStringView name) const
{
    // A dataset has few database names and consecutive pairs usually share one, so each thread
    // remembers its last answer (per anonymizer) instead of computing the keyed hash every pair.
    // Keyed by the anonymizer's instance id, never by its address: a new anonymizer (another
    // dataset's key) may be constructed where an old one was.
    struct Last
    {
        quint64 instance = 0;
        QString name;
        QString replacement;
    };
    thread_local Last last;
    if (last.instance == m_instance && last.name == name)
        return last.replacement;
    last.instance = m_instance;
    last.name = name.toString();
    last.replacement = detail::databaseNameReplacement(*m_hasher, m_config.databaseNameOperator, name);
    return last.replacement;
}

QJsonObject Anonymizer::anonymizeMetadata(const QJsonObject &metadata) const
{
    if (!m_config.scanMetadata)
        return metadata;
    QJsonObject changed;
    return anonymizeObject(*this, metadata, &changed) ? changed : metadata;
}

AnonymizedPair Anonymizer::anonymizePair(const Pair &pair) const
{
    AnonymizedPair out;
    out.question = build(pair.naturalLanguageQuery, &pair.naturalLanguageQuery, false);
    out.sql = build(pair.sqlQuery, &pair.sqlQuery, true);
    out.databaseName = anonymizeDatabaseName(pair.databaseName);
    out.metadata = pair.metadata.isEmpty() ? pair.metadata : anonymizeMetadata(pair.metadata);
    out.piiMask = maskOf(out.question) | maskOf(out.sql);
    return out;
}

bool Anonymizer::leavesUtf8Unchanged(QByteArrayView utf8) const
{
    return m_fastPaths && m_patterns->patterns.isEmpty() && !detail::mayContainBuiltin(utf8) &&
           utf8.isValidUtf8();
}

quint32 Anonymizer::scanMask(QStringView question, QStringView sql) const
{
    return maskOf(detectText(*m_patterns, question, m_fastPaths)) |
           maskOf(detectSql(*m_patterns, sql, m_fastPaths));
}

qsizetype toCodePointOffset(QStringView text, qsizetype utf16Offset)
{
    const qsizetype end = qBound<qsizetype>(0, utf16Offset, text.size());
    qsizetype points = end;
    for (qsizetype i = 1; i < end; ++i) {
        if (text[i].isLowSurrogate() && text[i - 1].isHighSurrogate())
            --points;
    }
    return points;
}

} // namespace pairlens::privacy
