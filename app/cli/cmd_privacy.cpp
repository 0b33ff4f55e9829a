// `pairlens scan` and `pairlens anonymize`: the anonymizer on the command line. Both use the same
// privacy::Anonymizer (and, with a dataset, the same key and operators) as the preview and the
// exports. Neither ever prints a detected original value, except `anonymize --json`, which echoes
// the caller's own input line in "text".
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/pairstore.h"
#include "privacy/anonymizer.h"
#include "privacy/piikind.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QStringDecoder>

#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}

// Builds the anonymizer of a dataset's settings and secret, warning about custom patterns that
// will not run.
privacy::Anonymizer anonymizerOf(const QHash<QString, QString> &settings, const QByteArray &secret)
{
    privacy::Config config = privacy::Config::fromSettings(settings);
    config.key = secret;
    for (const QString &problem : config.validate())
        err(tr("Warning: %1").arg(problem));
    return privacy::Anonymizer(config);
}

// The anonymizer of a dataset file or store, as its exports build it; nullptr after printing why its
// settings cannot be read.
std::unique_ptr<privacy::Anonymizer> datasetAnonymizer(const OpenedDataset &opened)
{
    const std::optional<QHash<QString, QString>> settings = opened.readSettings();
    if (!settings)
        return nullptr;
    return std::make_unique<privacy::Anonymizer>(anonymizerOf(*settings, opened.secret()));
}

// ---------------------------------------------------------------------------------------------
// scan

constexpr int kContextRadius = 32; // characters of anonymized text shown on each side of a finding

struct Shown
{
    QString value;   // the replacement (or a placeholder when the operator kept the value)
    QString context; // the anonymized text around it, on one line
};

// A finding as it may be shown: inside the anonymized text, with every value that an operator left
// unchanged ("keep") replaced by a placeholder, so no original value is printed.
Shown showFinding(const privacy::AnonymizedText &t, qsizetype index)
{
    auto shownValue = [](const privacy::Finding &f) {
        if (f.replacement != f.original)
            return f.replacement;
        return u"<kept %1>"_s.arg(f.kind == PiiKind::Custom ? f.customName : piiKindName(f.kind));
    };
    QString display;
    qsizetype pos = 0, targetStart = 0, targetEnd = 0;
    Shown shown;
    for (qsizetype i = 0; i < t.findings.size(); ++i) {
        const privacy::Finding &f = t.findings.at(i);
        display += QStringView(t.text).mid(pos, f.replacementStart - pos);
        const QString v = shownValue(f);
        if (i == index) {
            targetStart = display.size();
            shown.value = v;
        }
        display += v;
        if (i == index)
            targetEnd = display.size();
        pos = f.replacementEnd;
    }
    display += QStringView(t.text).mid(pos);

    qsizetype from = std::max<qsizetype>(0, targetStart - kContextRadius);
    qsizetype to = std::min<qsizetype>(display.size(), targetEnd + kContextRadius);
    if (from > 0 && display.at(from).isLowSurrogate())
        --from;
    if (to < display.size() && to > 0 && display.at(to - 1).isHighSurrogate())
        ++to;
    QString context = display.mid(from, to - from);
    for (QChar &c : context) {
        if (c == u'\n' || c == u'\r' || c == u'\t')
            c = u' ';
    }
    shown.context = (from > 0 ? u"…"_s : QString()) + context + (to < display.size() ? u"…"_s : QString());
    return shown;
}

struct Tally
{
    qint64 findings = 0;
    qint64 pairs = 0;
    QJsonArray examples;
    QSet<QString> exampleValues; // one example per distinct shown value
};

class ScanReport
{
public:
    explicit ScanReport(int maxExamples) : m_maxExamples(maxExamples)
    {
        for (PiiKind k : allPiiKinds())
            m_kinds.insert(piiKindName(k), {});
    }

    void add(const Pair &pair, const privacy::Anonymizer &datasetAnonymizer)
    {
        const privacy::Anonymizer &anonymizer = datasetAnonymizer.forPair(pair.pairId);
        ++m_scanned;
        QSet<QString> kindsInPair, patternsInPair, fieldsInPair;
        auto take = [&](const privacy::AnonymizedText &t, const QString &field, const QString &path) {
            for (qsizetype i = 0; i < t.findings.size(); ++i) {
                const privacy::Finding &f = t.findings.at(i);
                const QString kind = piiKindName(f.kind);
                Tally &tally = m_kinds[kind];
                ++tally.findings;
                kindsInPair.insert(kind);
                fieldsInPair.insert(field);
                ++m_fields[field].findings;
                ++m_findings;
                if (f.kind == PiiKind::Custom) {
                    ++m_patterns[f.customName].findings;
                    patternsInPair.insert(f.customName);
                }
                if (tally.examples.size() < m_maxExamples) {
                    const Shown s = showFinding(t, i);
                    if (!tally.exampleValues.contains(s.value)) {
                        tally.exampleValues.insert(s.value);
                        QJsonObject ex{{u"pair_id"_s, pair.pairId},
                                       {u"field"_s, path.isEmpty() ? field : field + u'.' + path},
                                       {u"value"_s, s.value},
                                       {u"context"_s, s.context}};
                        if (f.kind == PiiKind::Custom)
                            ex.insert(u"pattern"_s, f.customName);
                        tally.examples.append(ex);
                    }
                }
            }
        };
        // The same calls as anonymizePair(), with the metadata's findings kept (it returns only the
        // anonymized object).
        const privacy::AnonymizedText sql =
            anonymizer.anonymizeSql(pair.sqlQuery, sql::dialectFromDatabaseType(pair.databaseType));
        take(anonymizer.anonymizeQuestion(pair.naturalLanguageQuery, sql), u"question"_s, {});
        take(sql, u"sql"_s, {});
        if (anonymizer.config().scanMetadata && !pair.metadata.isEmpty())
            scanMetadata(pair.metadata, QString(), anonymizer, take);
        for (const QString &k : std::as_const(kindsInPair))
            ++m_kinds[k].pairs;
        for (const QString &p : std::as_const(patternsInPair))
            ++m_patterns[p].pairs;
        for (const QString &f : std::as_const(fieldsInPair))
            ++m_fields[f].pairs;
        if (!kindsInPair.isEmpty())
            ++m_withPii;
        if (!pair.databaseName.isEmpty()) {
            ++m_dbPairs;
            if (m_dbNames.size() < kMaxDistinctNames)
                m_dbNames.insert(pair.databaseName);
            if (m_dbExample.isEmpty())
                m_dbExample = anonymizer.anonymizeDatabaseName(pair.databaseName);
        }
    }

    // The findings an export would write as they are, one "N pairs hold KIND values" per kind (or
    // custom pattern) that has findings: with anyPii every kind found (an export with --no-anonymize),
    // otherwise only those whose operator is keep. Database names are not PII (they are not scanned)
    // and never count.
    QStringList leaks(const privacy::Config &config, bool anyPii) const
    {
        QStringList parts;
        auto add = [&](qint64 pairs, const QString &name) {
            parts << (pairs == 1 ? tr("1 pair holds %1 values").arg(name)
                                 : tr("%1 pairs hold %2 values").arg(pairs).arg(name));
        };
        for (PiiKind kind : allPiiKinds()) {
            if (kind == PiiKind::Custom)
                continue;
            const Tally t = m_kinds.value(piiKindName(kind));
            if (t.findings > 0 && (anyPii || config.operatorFor(kind) == privacy::Operator::Keep))
                add(t.pairs, piiKindName(kind));
        }
        for (const privacy::CustomPattern &p : config.customPatterns) {
            const Tally t = m_patterns.value(p.name);
            if (t.findings > 0 && (anyPii || p.op == privacy::Operator::Keep))
                add(t.pairs, u"custom:"_s + p.name);
        }
        return parts;
    }

    QJsonObject toJson(const Filter &filter, const privacy::Config &config) const
    {
        QJsonObject kinds;
        for (auto it = m_kinds.constBegin(); it != m_kinds.constEnd(); ++it) {
            const PiiKind kind = PiiKind(piiKindFromName(it.key()));
            QJsonObject k{
                {u"findings"_s, it->findings}, {u"pairs"_s, it->pairs}, {u"examples"_s, it->examples}};
            if (kind != PiiKind::Custom)
                k.insert(u"operator"_s, privacy::operatorName(config.operatorFor(kind)));
            kinds.insert(it.key(), k);
        }
        QJsonObject patterns;
        for (const privacy::CustomPattern &p : config.customPatterns) {
            const Tally t = m_patterns.value(p.name);
            patterns.insert(p.name, QJsonObject{{u"findings"_s, t.findings},
                                                {u"pairs"_s, t.pairs},
                                                {u"operator"_s, privacy::operatorName(p.op)}});
        }
        QJsonObject fields;
        for (const QString &f : {u"question"_s, u"sql"_s, u"metadata"_s}) {
            const Tally t = m_fields.value(f);
            fields.insert(f, QJsonObject{{u"findings"_s, t.findings}, {u"pairs"_s, t.pairs}});
        }
        QJsonObject db{{u"pairs"_s, m_dbPairs},
                       {u"distinct"_s, qint64(m_dbNames.size())},
                       {u"operator"_s, privacy::operatorName(config.databaseNameOperator)}};
        if (!m_dbExample.isEmpty() && config.databaseNameOperator != privacy::Operator::Keep)
            db.insert(u"example"_s, m_dbExample);
        return QJsonObject{{u"pairs_scanned"_s, m_scanned},
                           {u"pairs_with_pii"_s, m_withPii},
                           {u"findings"_s, m_findings},
                           {u"metadata_scanned"_s, config.scanMetadata},
                           {u"kinds"_s, kinds},
                           {u"custom_patterns"_s, patterns},
                           {u"fields"_s, fields},
                           {u"database_names"_s, db},
                           {u"filter"_s, filter.toJson()}};
    }

    void print(const Filter &filter, const privacy::Config &config) const
    {
        auto pct = [&](qint64 n) {
            return m_scanned ? u"%1%"_s.arg(100.0 * double(n) / double(m_scanned), 0, 'f', 1) : u"-"_s;
        };
        if (!filter.isEmpty())
            out(tr("Filter: %1").arg(filter.describe()));
        out(tr("Scanned %1 pairs: %2 contain PII (%3), %4 findings.")
                .arg(m_scanned)
                .arg(m_withPii)
                .arg(pct(m_withPii))
                .arg(m_findings));
        out(QString());
        out(u"%1 %2 %3  %4"_s.arg(tr("KIND").leftJustified(20), tr("FINDINGS").rightJustified(10),
                                  tr("PAIRS").rightJustified(10), tr("OPERATOR")));
        for (PiiKind kind : allPiiKinds()) {
            if (kind == PiiKind::Custom)
                continue;
            const Tally t = m_kinds.value(piiKindName(kind));
            out(u"%1 %2 %3  %4"_s.arg(piiKindName(kind).leftJustified(20))
                    .arg(t.findings, 10)
                    .arg(t.pairs, 10)
                    .arg(privacy::operatorName(config.operatorFor(kind))));
        }
        for (const privacy::CustomPattern &p : config.customPatterns) {
            const Tally t = m_patterns.value(p.name);
            out(u"%1 %2 %3  %4"_s.arg(QString(u"custom:"_s + p.name).leftJustified(20))
                    .arg(t.findings, 10)
                    .arg(t.pairs, 10)
                    .arg(privacy::operatorName(p.op)));
        }
        out(QString());
        const Tally q = m_fields.value(u"question"_s), s = m_fields.value(u"sql"_s),
                    m = m_fields.value(u"metadata"_s);
        out(tr("Where: question %1 findings in %2 pairs; SQL %3 in %4; metadata %5")
                .arg(q.findings)
                .arg(q.pairs)
                .arg(s.findings)
                .arg(s.pairs)
                .arg(config.scanMetadata ? tr("%1 in %2").arg(m.findings).arg(m.pairs) : tr("not scanned")));
        const QString op = privacy::operatorName(config.databaseNameOperator);
        out(m_dbExample.isEmpty() || config.databaseNameOperator == privacy::Operator::Keep
                ? tr("Database names: %1 distinct in %2 pairs, replaced with operator %3.")
                      .arg(m_dbNames.size())
                      .arg(m_dbPairs)
                      .arg(op)
                : tr("Database names: %1 distinct in %2 pairs, replaced with operator %3 (e.g. %4).")
                      .arg(m_dbNames.size())
                      .arg(m_dbPairs)
                      .arg(op, m_dbExample));
        bool header = false;
        for (PiiKind kind : allPiiKinds()) {
            const Tally t = m_kinds.value(piiKindName(kind));
            if (t.examples.isEmpty())
                continue;
            if (!header) {
                out(QString());
                out(tr("Examples (anonymized; original values are never shown):"));
                header = true;
            }
            out(u"  %1"_s.arg(piiKindName(kind)));
            for (const QJsonValue &v : t.examples) {
                const QJsonObject e = v.toObject();
                out(u"    %1  %2  %3"_s.arg(e.value(u"pair_id"_s).toString(), e.value(u"field"_s).toString(),
                                            e.value(u"context"_s).toString()));
            }
        }
    }

private:
    static constexpr qsizetype kMaxDistinctNames = 1'000'000; // bounds memory on absurd datasets

    template <typename Take>
    static void scanMetadata(const QJsonValue &value, const QString &path,
                             const privacy::Anonymizer &anonymizer, Take &take)
    {
        if (value.isString()) {
            take(anonymizer.anonymizeText(value.toString()), u"metadata"_s, path);
        } else if (value.isObject()) {
            const QJsonObject o = value.toObject();
            for (auto it = o.constBegin(); it != o.constEnd(); ++it)
                scanMetadata(it.value(), path.isEmpty() ? it.key() : path + u'.' + it.key(), anonymizer,
                             take);
        } else if (value.isArray()) {
            const QJsonArray a = value.toArray();
            for (qsizetype i = 0; i < a.size(); ++i)
                scanMetadata(a.at(i), u"%1[%2]"_s.arg(path).arg(i), anonymizer, take);
        }
    }

    int m_maxExamples;
    qint64 m_scanned = 0, m_withPii = 0, m_findings = 0, m_dbPairs = 0;
    QMap<QString, Tally> m_kinds;
    QMap<QString, Tally> m_patterns;
    QMap<QString, Tally> m_fields;
    QSet<QString> m_dbNames;
    QString m_dbExample;
};

// ---------------------------------------------------------------------------------------------
// anonymize

void writeLine(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

QJsonObject findingsJson(const QString &input, const privacy::AnonymizedText &a, qint64 line)
{
    QJsonArray findings;
    for (const privacy::Finding &f : a.findings) {
        QJsonObject o{
            {u"kind"_s, piiKindName(f.kind)},
            {u"start"_s, qint64(privacy::toCodePointOffset(input, f.start))},
            {u"end"_s, qint64(privacy::toCodePointOffset(input, f.end))},
            {u"replacement"_s, f.replacement},
            {u"replacement_start"_s, qint64(privacy::toCodePointOffset(a.text, f.replacementStart))},
            {u"replacement_end"_s, qint64(privacy::toCodePointOffset(a.text, f.replacementEnd))}};
        if (f.kind == PiiKind::Custom)
            o.insert(u"pattern"_s, f.customName);
        findings.append(o);
    }
    return QJsonObject{
        {u"line"_s, line}, {u"text"_s, input}, {u"anonymized"_s, a.text}, {u"findings"_s, findings}};
}

} // namespace

int runScan(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(
        parser, u"scan"_s,
        tr("Reports the personal data (PII) found in the pairs matching the filter: findings and pairs "
           "per kind, where they are, and a few examples shown anonymized, exactly as an export would "
           "write them. Original values are never printed."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    addFilterOptions(parser);
    parser.addOptions(
        {{u"examples"_s, tr("Examples per kind (default 3, 0 for none)."), u"N"_s, u"3"_s},
         {u"fail-on-pii"_s,
          tr("Exit with code 4 when an export with the dataset's privacy settings would write "
             "personal data as it is (a kind or custom pattern whose operator is keep has "
             "findings).")},
         {u"fail-on-any-pii"_s,
          tr("Exit with code 4 when any personal data is found (for exports with --no-anonymize).")},
         {u"json"_s, tr("Print JSON (see docs/cli.md).")}});
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    Filter filter;
    if (!filterFromOptions(parser, &filter))
        return Usage;
    bool ok = false;
    const int examples = parser.value(u"examples"_s).toInt(&ok);
    if (!ok || examples < 0 || examples > 1000) {
        err(tr("pairlens scan: --examples takes a number from 0 to 1000."));
        return Usage;
    }
    // A PostgreSQL store gives the same report, from the server's rows.
    OpenedDataset opened = openFileOrStorage(parser.positionalArguments().at(1), Dataset::Mode::OpenExisting);
    if (!opened)
        return Failure;
    const std::unique_ptr<privacy::Anonymizer> scanning = datasetAnonymizer(opened);
    if (!scanning)
        return Failure;
    const privacy::Anonymizer &anonymizer = *scanning;
    const std::unique_ptr<Dataset> ds = std::move(opened.file);
    const std::unique_ptr<Storage> storage = std::move(opened.storage);
    ScanReport report(examples);
    ProgressBar bar(tr("scan"));
    qint64 done = 0;
    const auto add = [&](const Pair &pair, qint64 total) {
        report.add(pair, anonymizer);
        if (++done % 1000 == 0)
            bar.update(done, total);
    };
    if (storage) {
        QString error;
        const qint64 total = storage->count(filter, &error);
        const std::unique_ptr<RowCursor> cursor = total < 0 ? nullptr : storage->readRows(filter, &error);
        if (!cursor) {
            err(error);
            return Failure;
        }
        // In row id order, as from a dataset file, so the examples are the same pairs'.
        while (cursor->fetch(1024, [&](const StoredRow &row) { add(pairFromStoredRow(row), total); }) > 0) {
        }
        bar.finish();
        if (!cursor->errorString().isEmpty()) {
            err(cursor->errorString());
            return Failure;
        }
    } else {
        PairStore store(*ds);
        const qint64 total = store.count(filter);
        if (total < 0 || ds->damageReported()) {
            err(ds->failureMessage(Dataset::Access::Read, store.errorString()));
            return Failure;
        }
        const bool complete =
            store.forEach(filter, {PairStore::SortColumn::Id, Qt::AscendingOrder}, [&](const Pair &pair) {
                add(pair, total);
                return true;
            });
        bar.finish();
        // A damaged page ends the read as if the pairs had run out: a scan of part of them says
        // nothing.
        if (!complete || ds->damageReported()) {
            err(ds->failureMessage(Dataset::Access::Read, store.errorString()));
            return Failure;
        }
    }
    if (parser.isSet(u"json"_s))
        printJson(report.toJson(filter, anonymizer.config()));
    else
        report.print(filter, anonymizer.config());

    // Pipelines: the report is printed either way; one sentence on stderr says what would leak.
    const bool anyPii = parser.isSet(u"fail-on-any-pii"_s);
    if (anyPii || parser.isSet(u"fail-on-pii"_s)) {
        const QStringList leaks = report.leaks(anonymizer.config(), anyPii);
        if (!leaks.isEmpty()) {
            QString list = leaks.constLast();
            if (leaks.size() > 1)
                list = tr("%1 and %2").arg(leaks.mid(0, leaks.size() - 1).join(u", "_s), list);
            err(anyPii ? tr("pairlens scan: %1 that an export with --no-anonymize would write as they are.")
                             .arg(list)
                       : tr("pairlens scan: %1 that an export would keep un-anonymized (operator keep).")
                             .arg(list));
            return PiiLeak;
        }
    }
    return Ok;
}

int runAnonymize(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"anonymize"_s,
                tr("Anonymizes text lines from stdin to stdout, one output line per input line, flushed at "
                   "once. With --dataset, the dataset's key and operators are used, so a value gets the same "
                   "replacement as in that dataset's exports. Without it, a random key is made for this run "
                   "only: pseudonyms and hashes then differ between runs. Lines that are not valid UTF-8 are "
                   "not written; each is reported on stderr with its line number and the exit code is 3."));
    parser.addOptions(
        {{u"dataset"_s, tr("Use the key and operators of this dataset (opened read-only)."), u"DATASET"_s},
         {u"sql"_s, tr("Treat each line as SQL: only string literals and comments change.")},
         {u"database-type"_s,
          tr("With --sql: read the SQL in this database's dialect (mysql, postgresql, sqlite, mssql, ...), "
             "as "
             "exports do for a pair of that database_type."),
          u"TYPE"_s},
         {u"json"_s, tr("One JSON object per line with the findings (see docs/cli.md).")}});
    if (!parseOrExplain(parser, args, 0))
        return Usage;
    if (parser.positionalArguments().size() > 1) {
        err(tr("pairlens anonymize: unexpected argument \"%1\"; the text is read from stdin.")
                .arg(parser.positionalArguments().at(1)));
        return Usage;
    }
    std::unique_ptr<privacy::Anonymizer> anonymizer;
    if (parser.isSet(u"dataset"_s)) {
        // A dataset file or a PostgreSQL store: its settings and secret, as its exports use them.
        const OpenedDataset opened = openFileOrStorage(parser.value(u"dataset"_s), Dataset::Mode::ReadOnly);
        if (!opened)
            return Failure;
        anonymizer = datasetAnonymizer(opened);
        if (!anonymizer)
            return Failure;
    } else {
        privacy::Config config;
        config.key.resize(32);
        QRandomGenerator::system()->generate(config.key.begin(), config.key.end());
        anonymizer = std::make_unique<privacy::Anonymizer>(config);
        if (stdinIsTerminal())
            err(tr("No --dataset: using a random key for this run; pseudonyms differ between runs."));
    }
    const bool sql = parser.isSet(u"sql"_s);
    const sql::Dialect dialect = sql::dialectFromDatabaseType(parser.value(u"database-type"_s));
    const bool json = parser.isSet(u"json"_s);

    qint64 lineNo = 0, invalid = 0;
    char *buffer = nullptr;
    size_t capacity = 0;
    ssize_t n;
    while ((n = ::getline(&buffer, &capacity, stdin)) >= 0) {
        ++lineNo;
        QByteArrayView bytes(buffer, n);
        if (bytes.endsWith('\n'))
            bytes.chop(1);
        if (bytes.endsWith('\r'))
            bytes.chop(1);
        // A byte order mark is dropped only at the start of the input.
        QStringDecoder decoder(QStringConverter::Utf8, lineNo == 1
                                                           ? QStringConverter::Flag::Default
                                                           : QStringConverter::Flag::ConvertInitialBom);
        const QString input = decoder.decode(bytes);
        if (decoder.hasError()) {
            // Never echo bytes that could not be read: they may hold a value the detectors cannot see.
            ++invalid;
            err(tr("Line %1 is not valid UTF-8; it was not written.").arg(lineNo));
            if (json) {
                writeLine(QJsonDocument(QJsonObject{{u"line"_s, lineNo}, {u"error"_s, u"invalid_utf8"_s}})
                              .toJson(QJsonDocument::Compact));
            }
            continue;
        }
        const privacy::AnonymizedText a =
            sql ? anonymizer->anonymizeSql(input, dialect) : anonymizer->anonymizeText(input);
        if (json)
            writeLine(QJsonDocument(findingsJson(input, a, lineNo)).toJson(QJsonDocument::Compact));
        else
            writeLine(a.text.toUtf8());
    }
    std::free(buffer);
    if (std::ferror(stdin)) {
        err(tr("Cannot read stdin after line %1.").arg(lineNo));
        return Failure;
    }
    if (invalid > 0) {
        err(tr("%1 of %2 lines were not valid UTF-8 and were left out.").arg(invalid).arg(lineNo));
        return Incomplete;
    }
    return Ok;
}

} // namespace pairlens::cli
