// `pairlens privacy`: shows and changes a dataset's anonymization settings (operators per kind,
// custom patterns, metadata scanning). The key is never shown.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/writetx.h"
#include "privacy/anonymizer.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSqlDatabase>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}

QStringList operatorNames()
{
    QStringList names;
    for (privacy::Operator op : {privacy::Operator::Mask, privacy::Operator::Pseudonym,
                                 privacy::Operator::Redact, privacy::Operator::Hash, privacy::Operator::Keep})
        names << privacy::operatorName(op);
    return names;
}

QJsonObject configToJson(const privacy::Config &config)
{
    QJsonObject operators;
    for (PiiKind kind : allPiiKinds()) {
        if (kind != PiiKind::Custom)
            operators.insert(piiKindName(kind), privacy::operatorName(config.operatorFor(kind)));
    }
    operators.insert(u"database_name"_s, privacy::operatorName(config.databaseNameOperator));
    QJsonArray patterns;
    for (const privacy::CustomPattern &p : config.customPatterns)
        patterns.append(QJsonObject{
            {u"name"_s, p.name}, {u"pattern"_s, p.pattern}, {u"operator"_s, privacy::operatorName(p.op)}});
    return {{u"operators"_s, operators},
            {u"custom_patterns"_s, patterns},
            {u"scan_metadata"_s, config.scanMetadata}};
}

void printConfig(const QString &location, const privacy::Config &config)
{
    out(tr("Anonymization settings of %1:").arg(location));
    const QJsonObject ops = configToJson(config).value(u"operators"_s).toObject();
    for (auto it = ops.constBegin(); it != ops.constEnd(); ++it)
        out(u"  %1 %2"_s.arg(it.key().leftJustified(14), it.value().toString()));
    out(u"  %1 %2"_s.arg(u"metadata"_s.leftJustified(14),
                         config.scanMetadata ? tr("scanned") : tr("not scanned")));
    if (config.customPatterns.isEmpty()) {
        out(tr("No custom patterns."));
        return;
    }
    out(tr("Custom patterns:"));
    for (const privacy::CustomPattern &p : config.customPatterns)
        out(u"  %1 %2  %3"_s.arg(p.name.leftJustified(14), privacy::operatorName(p.op), p.pattern));
}

} // namespace

int runPrivacy(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(
        parser, u"privacy"_s,
        tr("Shows or changes how a dataset is anonymized: the operator per kind of PII (mask, pseudonym, "
           "redact, hash, keep), custom patterns and whether metadata is scanned. Used by the preview, "
           "scan and every export. The dataset's key is never shown."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file."));
    parser.addOptions({
        {u"operator"_s,
         tr("Set the operator of a kind: KIND=OP, e.g. email=pseudonym (kinds: email, phone, ssn, "
            "credit_card, ip_address, iban, database_name). Repeatable."),
         u"KIND=OP"_s},
        {u"add-pattern"_s, tr("Add or replace a custom pattern: NAME=REGEX (PCRE syntax). Repeatable."),
         u"NAME=REGEX"_s},
        {u"pattern-operator"_s, tr("Operator of the patterns added with --add-pattern (default redact)."),
         u"OP"_s, u"redact"_s},
        {u"remove-pattern"_s, tr("Remove the custom pattern NAME. Repeatable."), u"NAME"_s},
        {u"scan-metadata"_s, tr("Scan string values in metadata: on or off."), u"on|off"_s},
        {u"json"_s, tr("Print the settings as JSON.")},
    });
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    const bool changing = parser.isSet(u"operator"_s) || parser.isSet(u"add-pattern"_s) ||
                          parser.isSet(u"remove-pattern"_s) || parser.isSet(u"scan-metadata"_s);
    auto ds = openDataset(parser.positionalArguments().at(1),
                          changing ? Dataset::Mode::OpenExisting : Dataset::Mode::ReadOnly);
    if (!ds)
        return Failure;
    privacy::Config config = privacy::Config::fromSettings(ds->settings());
    const QList<privacy::CustomPattern> patternsBefore = config.customPatterns;

    for (const QString &assignment : parser.values(u"operator"_s)) {
        const qsizetype eq = assignment.indexOf(u'=');
        const QString kind = assignment.left(eq).trimmed().toLower();
        const std::optional<privacy::Operator> op =
            eq < 0 ? std::nullopt : privacy::operatorFromName(assignment.mid(eq + 1).trimmed());
        if (!op) {
            err(tr("--operator: \"%1\" is not KIND=OP with OP one of %2.")
                    .arg(assignment, operatorNames().join(u", "_s)));
            return Usage;
        }
        if (kind == u"database_name"_s) {
            config.databaseNameOperator = *op;
            continue;
        }
        const quint32 bit = piiKindFromName(kind);
        if (!bit || PiiKind(bit) == PiiKind::Custom) {
            err(tr("--operator: unknown kind \"%1\".").arg(kind));
            return Usage;
        }
        config.operators.insert(PiiKind(bit), *op);
    }
    const std::optional<privacy::Operator> patternOp =
        privacy::operatorFromName(parser.value(u"pattern-operator"_s));
    if (!patternOp) {
        err(tr("--pattern-operator: use one of %1.").arg(operatorNames().join(u", "_s)));
        return Usage;
    }
    for (const QString &name : parser.values(u"remove-pattern"_s)) {
        const qsizetype before = config.customPatterns.size();
        config.customPatterns.removeIf([&](const privacy::CustomPattern &p) { return p.name == name; });
        if (config.customPatterns.size() == before) {
            err(tr("--remove-pattern: there is no custom pattern named \"%1\".").arg(name));
            return Usage;
        }
    }
    for (const QString &definition : parser.values(u"add-pattern"_s)) {
        const qsizetype eq = definition.indexOf(u'=');
        if (eq <= 0 || eq == definition.size() - 1) {
            err(tr("--add-pattern: \"%1\" is not NAME=REGEX.").arg(definition));
            return Usage;
        }
        const QString name = definition.left(eq).trimmed();
        config.customPatterns.removeIf([&](const privacy::CustomPattern &p) { return p.name == name; });
        config.customPatterns.append({name, definition.mid(eq + 1), *patternOp});
    }
    if (parser.isSet(u"scan-metadata"_s)) {
        const QString v = parser.value(u"scan-metadata"_s).toLower();
        if (v != u"on"_s && v != u"off"_s) {
            err(tr("--scan-metadata takes on or off."));
            return Usage;
        }
        config.scanMetadata = v == u"on"_s;
    }
    const QStringList problems = config.validate();
    if (!problems.isEmpty()) {
        for (const QString &p : problems)
            err(p);
        err(tr("Nothing was changed."));
        return Usage;
    }

    if (changing) {
        if (ds->isReadOnly()) {
            err(tr("%1 is read-only; nothing was changed.").arg(ds->location()));
            return Failure;
        }
        // Custom patterns decide the "custom" PII kind of every pair: scan again when they change.
        bool patternsChanged = patternsBefore.size() != config.customPatterns.size();
        for (qsizetype i = 0; !patternsChanged && i < patternsBefore.size(); ++i)
            patternsChanged = patternsBefore[i].name != config.customPatterns[i].name ||
                              patternsBefore[i].pattern != config.customPatterns[i].pattern;
        WriteTransaction tx(ds->db());
        QString error;
        if (!tx.begin(&error)) {
            err(tr("Cannot write to %1: %2").arg(ds->location(), error));
            return Failure;
        }
        const QHash<QString, QString> settings = config.toSettings();
        for (auto it = settings.constBegin(); it != settings.constEnd(); ++it) {
            if (!ds->setSetting(it.key(), it.value())) {
                err(tr("Cannot write to %1: %2").arg(ds->location(), ds->errorString()));
                return Failure;
            }
        }
        // Committed with the patterns: a rescan cut short (kill, crash) is finished by the next
        // writable open of the dataset, so the PII kinds never stay half updated.
        if (patternsChanged && !ds->setSetting(Deriver::kRescanPendingKey, u"1"_s)) {
            err(tr("Cannot write to %1: %2").arg(ds->location(), ds->errorString()));
            return Failure;
        }
        PairStore(*ds).audit(u"settings"_s, 0, {{u"privacy"_s, configToJson(config)}});
        if (!tx.commit(&error)) {
            err(tr("Cannot write to %1: %2").arg(ds->location(), error));
            return Failure;
        }
        if (patternsChanged) {
            ProgressBar bar(tr("rescan"));
            QString error;
            const qint64 n = Deriver::forDataset(*ds).rescanPii(*ds, &error, [&](qint64 done, qint64 total) {
                bar.update(done, total);
                return true;
            });
            bar.finish();
            if (n < 0) {
                err(tr("The settings were saved, but the PII kinds could not be updated: %1").arg(error));
                return Failure;
            }
            if (!parser.isSet(u"json"_s))
                out(tr("Custom patterns changed: PII kinds updated for %1 pairs.").arg(n));
        }
    }
    if (parser.isSet(u"json"_s))
        printJson(configToJson(config));
    else
        printConfig(ds->location(), config);
    return Ok;
}

} // namespace pairlens::cli
