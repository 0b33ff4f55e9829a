#include "privacy/anonymizer.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <span>
#include <unordered_map>

#include "privacy/customdetector.h"
#include "privacy/detectors.h"
#include "privacy/fold.h"
#include "privacy/hmac.h"
#include "privacy/memo.h"
#include "privacy/operators.h"
#include "privacy/scan_p.h"
#include "privacy/sqlscan_p.h"
#include "sql/tokenizer.h"

#include <QJsonArray>

namespace pairlens::privacy {

using namespace Qt::StringLiterals;
using detail::Candidate;
using detail::detectSql;
using detail::detectText;
using detail::isInert;
using detail::keepsStructure;
using detail::Match;
using detail::safeReplacement;
using detail::sameTokens;
using detail::Scan;
using detail::Segment;
using detail::segmentsOf;
using detail::SqlScan;
using detail::structureKeepingMask;
using detail::View;

namespace {

// What one detected value becomes: a pure function of (anonymizer, kind, custom name, operator,
// value), remembered per thread in a direct-mapped table (see memo.h; 4,096 slots, ~0.4 MB per
// thread): a value the data repeats is hashed once, and one that it does not costs a slot's
// overwrite instead of a node's allocation and, every 16,384 values, emptying a map. The
// anonymizer is identified by its instance id, never by its address: a new anonymizer (another
// dataset's key) may be constructed where an old one was.
struct ReplacementSlot
{
    quint64 instance = 0; // 0: empty (instance ids start at 1)
    PiiKind kind = PiiKind::Custom;
    Operator op = Operator::Mask;
    QString customName;
    QString original;
    QString replacement;
};

QString replacementOf(const detail::KeyedHasher &hasher, quint64 instance, PiiKind kind,
                      const QString &customName, Operator op, const QString &original)
{
    thread_local detail::DirectMemo<ReplacementSlot, 4096> memo;
    const size_t hash = qHash(QStringView(original),
                              size_t(instance) * 0x9E3779B97F4A7C15ull ^ (size_t(kind) << 8) ^ size_t(op));
    ReplacementSlot &slot = memo.slot(hash);
    if (slot.instance == instance && slot.kind == kind && slot.op == op && slot.original == original &&
        slot.customName == customName)
        return slot.replacement;
    slot.replacement = detail::replacementFor(hasher, kind, customName, op, original);
    slot.instance = instance;
    slot.kind = kind;
    slot.op = op;
    slot.customName = customName;
    slot.original = original;
    return slot.replacement;
}

quint32 maskOf(const QList<Candidate> &found)
{
    quint32 mask = 0;
    for (const Candidate &c : found)
        mask |= quint32(c.m.kind);
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

namespace detail {

// The anonymizers of the pairs that have decisions of their own, by pair_id.
struct PairScopes
{
    std::unordered_map<QString, Anonymizer> byPair;
};

} // namespace detail

Anonymizer::Anonymizer(Config config)
    : m_config(std::move(config)),
      m_patterns(detail::compilePatterns(m_config.customPatterns, m_config.decisions)),
      m_hasher(std::make_shared<const detail::KeyedHasher>(m_config.key)), m_instance(nextInstanceId())
{
    QHash<QString, QSet<QString>> notPii; // pair_id -> values not personal data in that pair
    for (const Decision &d : std::as_const(m_config.decisions)) {
        if (d.type == Decision::Type::NotPii && !d.pairId.isEmpty() && !d.value.trimmed().isEmpty())
            notPii[d.pairId].insert(d.value.trimmed());
    }
    if (notPii.isEmpty())
        return;
    auto scopes = std::make_shared<detail::PairScopes>();
    for (auto it = notPii.cbegin(); it != notPii.cend(); ++it) {
        auto patterns = std::make_shared<detail::CompiledPatterns>(*m_patterns);
        for (const QString &value : it.value()) {
            patterns->notPii.insert(value);
            patterns->notPiiFolded.insert(value.toCaseFolded());
        }
        scopes->byPair.emplace(it.key(), Anonymizer(*this, std::move(patterns)));
    }
    m_pairScopes = std::move(scopes);
}

// A pair's anonymizer: the same key, operators and replacements (and memos), other patterns.
Anonymizer::Anonymizer(const Anonymizer &base, std::shared_ptr<const detail::CompiledPatterns> patterns)
    : m_config(base.m_config), m_fastPaths(base.m_fastPaths), m_patterns(std::move(patterns)),
      m_hasher(base.m_hasher), m_instance(base.m_instance)
{}

const Anonymizer &Anonymizer::forPair(QStringView pairId) const
{
    if (!m_pairScopes || pairId.isEmpty())
        return *this;
    const auto it = m_pairScopes->byPair.find(pairId.toString());
    return it == m_pairScopes->byPair.end() ? *this : it->second;
}

const Config &Anonymizer::config() const
{
    return m_config;
}

QString Anonymizer::replacement(const Finding &f, PiiKind kind, int custom) const
{
    Operator op = m_config.operatorFor(kind);
    if (kind == PiiKind::Custom)
        op = m_patterns->patterns.at(custom).op;
    return m_fastPaths ? replacementOf(*m_hasher, m_instance, kind, f.customName, op, f.value)
                       : detail::replacementFor(*m_hasher, kind, f.customName, op, f.value);
}

Finding Anonymizer::findingOf(const detail::View &view, qsizetype a, qsizetype b, const Match &m) const
{
    Finding f;
    f.kind = m.kind;
    if (m.kind == PiiKind::Custom)
        f.customName = m_patterns->patterns.at(m.custom).name;
    f.start = m.start;
    f.end = m.end;
    if (!view.identity())
        f.value = view.text.mid(a, b - a).toString();
    return f;
}

// The values found in a pair's SQL, found again in its question (whole words, any case) where
// nothing else was found, with the kind they had there.
static void addSqlValues(QStringView text, const QList<Finding> &sqlFindings, Scan &scan)
{
    bool added = false;
    for (const Finding &f : sqlFindings) {
        const QString &value = f.value.isEmpty() ? f.original : f.value;
        if (f.kind == PiiKind::Custom || value.trimmed().size() < 2)
            continue;
        for (qsizetype from = 0;;) {
            const qsizetype at = text.indexOf(value, from, Qt::CaseInsensitive);
            if (at < 0)
                break;
            from = at + 1;
            const qsizetype end = at + value.size();
            if ((at > 0 && detail::isWordChar(text[at - 1].unicode())) ||
                (end < text.size() && detail::isWordChar(text[end].unicode())))
                continue;
            const bool overlaps =
                std::any_of(scan.found.cbegin(), scan.found.cend(),
                            [&](const Candidate &c) { return c.m.start < end && at < c.m.end; });
            if (overlaps)
                continue;
            Candidate c;
            c.m = Match{f.kind, at, end, -1};
            c.view = -1;
            c.a = at;
            c.b = end;
            scan.found.append(c);
            added = true;
        }
    }
    if (added) {
        scan.source.text = text;
        std::sort(scan.found.begin(), scan.found.end(),
                  [](const Candidate &x, const Candidate &y) { return x.m.start < y.m.start; });
    }
}

AnonymizedText Anonymizer::build(QStringView text, const QString *shared,
                                 const QList<Finding> *sqlFindings) const
{
    detail::prefetchText(text);
    Scan &scan = detail::scratch<Scan, 0>();
    detectText(*m_patterns, text, m_fastPaths, scan);
    if (sqlFindings && !sqlFindings->isEmpty())
        addSqlValues(text, *sqlFindings, scan);
    AnonymizedText result;
    if (scan.found.isEmpty()) {
        result.text = shared ? *shared : text.toString(); // shares the original's data when possible
        return result;
    }
    result.text.reserve(text.size() + 16 * scan.found.size());
    result.findings.reserve(scan.found.size());
    qsizetype pos = 0;
    for (const Candidate &c : std::as_const(scan.found)) {
        result.text.append(text.mid(pos, c.m.start - pos));
        Finding f = findingOf(scan.view(c.view), c.a, c.b, c.m);
        f.original = text.mid(c.m.start, c.m.end - c.m.start).toString();
        if (scan.view(c.view).identity())
            f.value = f.original;
        f.replacement = replacement(f, c.m.kind, c.m.custom);
        f.replacementStart = result.text.size();
        result.text.append(f.replacement);
        f.replacementEnd = result.text.size();
        result.findings.append(std::move(f));
        pos = c.m.end;
    }
    result.text.append(text.mid(pos));
    return result;
}

AnonymizedText Anonymizer::buildSql(QStringView sql, const QString *shared, sql::Dialect dialect) const
{
    detail::prefetchText(sql);
    SqlScan &s = detail::scratch<SqlScan, 1>();
    detectSql(*m_patterns, sql, dialect, m_fastPaths, s);
    AnonymizedText result;
    if (s.scan.found.isEmpty()) {
        result.text = shared ? *shared : sql.toString();
        return result;
    }
    // What each value becomes, before it is written into the literals it came from.
    QList<Finding> findings;
    QList<QList<Segment>> segments; // of values joined from several literals
    QList<int> pieceOf;
    findings.reserve(s.scan.found.size()); // one allocation each, not one per growth
    segments.reserve(s.scan.found.size());
    pieceOf.reserve(s.scan.found.size());
    for (const Candidate &c : std::as_const(s.scan.found)) {
        Finding f = findingOf(s.scan.view(c.view), c.a, c.b, c.m);
        f.original = sql.mid(c.m.start, c.m.end - c.m.start).toString();
        if (s.scan.view(c.view).identity())
            f.value = f.original;
        f.replacement = replacement(f, c.m.kind, c.m.custom);
        findings.append(std::move(f));
        const bool joined = c.view >= 0 && s.viewChain[c.view] >= 0;
        segments.append(joined ? segmentsOf(s, c) : QList<Segment>());
        pieceOf.append(c.piece);
    }
    // The whole replacement goes into the first literal of a value, the others lose their part of
    // it (a CONCAT_WS separator is left alone): 'alice' || '@corp.com' -> 'user_..@example.com' || ''.
    // Should the result not lex into the same tokens (a custom pattern's replacement could hold
    // anything, a value could hold part of a nested comment's delimiter), the replacements are reduced
    // to safe characters, then to letters, and at last each value is masked where it stands
    // (structureKeepingMask()): changed tokens are never returned.
    constexpr int kLastResort = 5;
    for (int attempt = 0;; ++attempt) {
        bool inert = true; // every edit certainly keeps the tokens: no need to lex the result
        result.text.clear();
        result.text.reserve(sql.size() + 16 * findings.size());
        result.findings.clear();
        result.findings.reserve(findings.size());
        qsizetype pos = 0;
        for (qsizetype k = 0; k < findings.size(); ++k) {
            Finding f = findings[k];
            result.text.append(sql.mid(pos, f.start - pos));
            f.replacementStart = result.text.size();
            pos = f.start;
            bool whole = false;             // the replacement took the value's whole range, as it is
            if (f.replacement != f.value) { // "keep" (and any unchanged value) edits nothing
                const QString r = attempt == 0            ? f.replacement
                                  : attempt < kLastResort ? safeReplacement(f.replacement, attempt)
                                                          : QString();
                bool written = false;
                // A value inside one literal or comment has one range, its own (no list kept).
                const Segment one{f.start, f.end, pieceOf[k], false};
                const QList<Segment> &listed = segments[k];
                const std::span<const Segment> segs =
                    listed.isEmpty() ? std::span<const Segment>(&one, 1)
                                     : std::span<const Segment>(listed.constData(), size_t(listed.size()));
                inert = inert && isInert(r);
                const bool anyOwn =
                    std::any_of(segs.begin(), segs.end(), [](const Segment &g) { return !g.shared; });
                for (const Segment &g : segs) {
                    if (g.shared && anyOwn)
                        continue;
                    result.text.append(sql.mid(pos, g.start - pos));
                    const sql::DecodedContent &content = s.pieces[g.piece].content;
                    const QStringView removed = sql.mid(g.start, g.end - g.start);
                    if (attempt == kLastResort) {
                        result.text.append(structureKeepingMask(removed, content));
                    } else if (!written) {
                        // Inert text reads the same in every form but hex strings: no need to encode.
                        const bool plain = isInert(r) && content.form != sql::ContentForm::Hex;
                        result.text.append(plain ? r : sql::encodeContent(content, r));
                        inert = inert && keepsStructure(content, removed, r);
                        written = true;
                        whole = segs.size() == 1 && g.start == f.start && g.end == f.end && plain;
                    } else {
                        inert = inert && keepsStructure(content, removed, QStringView());
                    }
                    pos = g.end;
                }
            }
            result.text.append(sql.mid(pos, f.end - pos));
            pos = f.end;
            f.replacementEnd = result.text.size();
            if (whole) // the replacement as computed (shared)
                f.replacement = attempt == 0 ? f.replacement : safeReplacement(f.replacement, attempt);
            else
                f.replacement = result.text.mid(f.replacementStart, f.replacementEnd - f.replacementStart);
            result.findings.append(std::move(f));
        }
        result.text.append(sql.mid(pos));
        if (attempt == kLastResort) {
            Q_ASSERT(sameTokens(sql, result.text, dialect));
            break;
        }
        if ((inert && attempt == 0) || sameTokens(sql, result.text, dialect))
            break;
    }
    return result;
}

AnonymizedText Anonymizer::anonymizeText(QStringView text) const
{
    return build(text, nullptr);
}

AnonymizedText Anonymizer::anonymizeSql(QStringView sql, sql::Dialect dialect) const
{
    return buildSql(sql, nullptr, dialect);
}

AnonymizedText Anonymizer::anonymizeText(const QString &text) const
{
    return build(text, &text);
}

AnonymizedText Anonymizer::anonymizeSql(const QString &sql, sql::Dialect dialect) const
{
    return buildSql(sql, &sql, dialect);
}

AnonymizedText Anonymizer::anonymizeQuestion(const QString &question, const AnonymizedText &sql) const
{
    return build(question, &question, &sql.findings);
}

QString Anonymizer::anonymizeIdentifier(IdentifierField field, const QString &value) const
{
    if (field == IdentifierField::DatabaseType)
        return build(value, &value).text;
    // A pair id must stay unique: a value-wise replacement ("XXX-XXX-4567") could make two ids
    // equal, so an id holding personal data is replaced whole by its keyed hash.
    Scan scan;
    detectText(*m_patterns, value, m_fastPaths, scan);
    bool change = false;
    for (const Candidate &c : std::as_const(scan.found)) {
        const Operator op = c.m.kind == PiiKind::Custom ? m_patterns->patterns.at(c.m.custom).op
                                                        : m_config.operatorFor(c.m.kind);
        change = change || op != Operator::Keep;
    }
    if (!change)
        return value;
    return u"pair_"_s + detail::digestHex(m_hasher->digest(u"pair_id", value), 16);
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

quint32 Anonymizer::metadataMask(const QJsonObject &metadata) const
{
    if (!m_config.scanMetadata || metadata.isEmpty())
        return 0;
    quint32 mask = 0;
    const std::function<void(const QJsonValue &)> visit = [&](const QJsonValue &value) {
        if (value.isString()) {
            const QString text = value.toString();
            Scan scan;
            detectText(*m_patterns, text, m_fastPaths, scan);
            mask |= maskOf(scan.found);
        } else if (value.isObject()) {
            const QJsonObject o = value.toObject();
            for (auto it = o.constBegin(); it != o.constEnd(); ++it)
                visit(it.value());
        } else if (value.isArray()) {
            for (const QJsonValue &v : value.toArray())
                visit(v);
        }
    };
    for (auto it = metadata.constBegin(); it != metadata.constEnd(); ++it)
        visit(it.value());
    return mask;
}

AnonymizedPair Anonymizer::anonymizePair(const Pair &pair) const
{
    if (const Anonymizer &scoped = forPair(pair.pairId); &scoped != this)
        return scoped.anonymizePair(pair);
    detail::prefetchText(pair.sqlQuery); // both texts' cache lines at once (see scanMask())
    detail::prefetchText(pair.naturalLanguageQuery);
    AnonymizedPair out;
    out.pairId = anonymizeIdentifier(IdentifierField::PairId, pair.pairId);
    out.databaseType = anonymizeIdentifier(IdentifierField::DatabaseType, pair.databaseType);
    out.sql = buildSql(pair.sqlQuery, &pair.sqlQuery, sql::dialectFromDatabaseType(pair.databaseType));
    out.question = build(pair.naturalLanguageQuery, &pair.naturalLanguageQuery, &out.sql.findings);
    out.databaseName = anonymizeDatabaseName(pair.databaseName);
    out.metadata = pair.metadata.isEmpty() ? pair.metadata : anonymizeMetadata(pair.metadata);
    out.piiMask = maskOf(out.question) | maskOf(out.sql);
    return out;
}

bool Anonymizer::leavesUtf8Unchanged(QByteArrayView utf8) const
{
    return m_fastPaths && m_patterns->patterns.isEmpty() && !detail::mayContainBuiltin(utf8) &&
           !detail::mayContainNameOrAddress(utf8) && detail::foldNeeds(utf8) == detail::FoldNothing &&
           utf8.isValidUtf8();
}

quint32 Anonymizer::scanMask(QStringView question, QStringView sql, sql::Dialect dialect) const
{
    // Both texts' cache lines requested at once: over a long run of pairs neither is in the cache,
    // and reading them in turn waited for each line (alternate runs of bench_anonymizer on 1M demo
    // pairs: scanMask() +8-10 %; build() and buildSql() request their text's lines alike, +2-5 %).
    detail::prefetchText(question);
    detail::prefetchText(sql);
    Scan &text = detail::scratch<Scan, 2>();
    detectText(*m_patterns, question, m_fastPaths, text);
    SqlScan &s = detail::scratch<SqlScan, 3>();
    detectSql(*m_patterns, sql, dialect, m_fastPaths, s);
    return maskOf(text.found) | maskOf(s.scan.found);
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
