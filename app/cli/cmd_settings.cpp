// `pairlens privacy`: shows and changes a dataset's anonymization settings (operators per kind,
// custom patterns, metadata scanning). The key is never shown.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/privacydecisions.h"
#include "dataset/writetx.h"
#include "privacy/anonymizer.h"
#include "storage/storageprivacy.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
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
    for (privacy::Operator op :
         {privacy::Operator::Mask, privacy::Operator::Pseudonym, privacy::Operator::Redact,
          privacy::Operator::Hash, privacy::Operator::Keep, privacy::Operator::Surrogate})
        names << privacy::operatorName(op);
    return names;
}

QJsonArray decisionsJsonArray(const QList<privacy::Decision> &decisions)
{
    return QJsonDocument::fromJson(privacy::decisionsToJson(decisions).toUtf8()).array();
}

// The decided values are the reviewer's own input: listing them is what --list is for.
void printDecisions(const QString &location, const QList<privacy::Decision> &decisions)
{
    if (decisions.isEmpty()) {
        out(tr("%1 has no privacy decisions.").arg(location));
        return;
    }
    out(tr("Privacy decisions of %1:").arg(location));
    for (const privacy::Decision &d : decisions) {
        if (d.type == privacy::Decision::Type::Mark)
            out(u"  %1 %2"_s.arg(tr("personal data (%1)").arg(piiKindName(d.kind)).leftJustified(28),
                                 d.value));
        else if (d.pairId.isEmpty())
            out(u"  %1 %2"_s.arg(tr("not personal data").leftJustified(28), d.value));
        else
            out(u"  %1 %2"_s.arg(tr("not personal data in %1").arg(d.pairId).leftJustified(28), d.value));
    }
}

void printConfig(const QString &location, const privacy::Config &config)
{
    out(tr("Anonymization settings of %1:").arg(location));
    const QJsonObject ops = privacySettingsJson(config).value(u"operators"_s).toObject();
    for (auto it = ops.constBegin(); it != ops.constEnd(); ++it)
        out(u"  %1 %2"_s.arg(it.key().leftJustified(14), it.value().toString()));
    out(u"  %1 %2"_s.arg(u"metadata"_s.leftJustified(14),
                         config.scanMetadata ? tr("scanned") : tr("not scanned")));
    if (config.customPatterns.isEmpty()) {
        out(tr("No custom patterns."));
    } else {
        out(tr("Custom patterns:"));
        for (const privacy::CustomPattern &p : config.customPatterns)
            out(u"  %1 %2  %3"_s.arg(p.name.leftJustified(14), privacy::operatorName(p.op), p.pattern));
    }
    if (!config.decisions.isEmpty())
        out(tr("Privacy decisions: %1 (shown by --list).").arg(config.decisions.size()));
}

} // namespace

int runPrivacy(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(
        parser, u"privacy"_s,
        tr("Shows or changes how a dataset is anonymized: the operator per kind of PII (mask, pseudonym, "
           "redact, hash, keep, surrogate), custom patterns and whether metadata is scanned. Used by the "
           "preview, scan and every export. The dataset's key is never shown."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    parser.addOptions({
        {u"operator"_s,
         tr("Set the operator of a kind: KIND=OP, e.g. email=pseudonym or name=surrogate (kinds: email, "
            "phone, ssn, credit_card, ip_address, iban, name, address, date_of_birth, database_name). "
            "Repeatable."),
         u"KIND=OP"_s},
        {u"add-pattern"_s, tr("Add or replace a custom pattern: NAME=REGEX (PCRE syntax). Repeatable."),
         u"NAME=REGEX"_s},
        {u"pattern-operator"_s, tr("Operator of the patterns added with --add-pattern (default redact)."),
         u"OP"_s, u"redact"_s},
        {u"remove-pattern"_s, tr("Remove the custom pattern NAME. Repeatable."), u"NAME"_s},
        {u"scan-metadata"_s, tr("Scan string values in metadata: on or off."), u"on|off"_s},
        {u"not-pii"_s,
         tr("Decide that VALUE is not personal data: findings of exactly this value are left as they "
            "are everywhere (e-mail addresses in any case). Repeatable."),
         u"VALUE"_s},
        {u"mark"_s,
         tr("Mark VALUE as personal data of KIND (email, phone, ssn, credit_card, ip_address, iban, name, "
            "address, date_of_birth or custom) wherever it occurs: KIND=VALUE. Repeatable."),
         u"KIND=VALUE"_s},
        {u"forget"_s, tr("Remove the decisions about VALUE (with --pair: that pair's only). Repeatable."),
         u"VALUE"_s},
        {u"pair"_s,
         tr("With --not-pii or --forget: only in the pair whose pair_id is ID (the value stays "
            "personal data in every other pair)."),
         u"ID"_s},
        {u"list"_s, tr("Print the privacy decisions (the values decided, as given).")},
        {u"json"_s, tr("Print the settings as JSON.")},
    });
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    const bool deciding = parser.isSet(u"not-pii"_s) || parser.isSet(u"mark"_s) || parser.isSet(u"forget"_s);
    const bool settingsChanging = parser.isSet(u"operator"_s) || parser.isSet(u"add-pattern"_s) ||
                                  parser.isSet(u"remove-pattern"_s) || parser.isSet(u"scan-metadata"_s);
    const bool changing = settingsChanging || deciding;
    const std::optional<QString> pairScope =
        parser.isSet(u"pair"_s) ? std::optional<QString>(parser.value(u"pair"_s)) : std::nullopt;
    if (pairScope && (pairScope->isEmpty() || parser.isSet(u"mark"_s) ||
                      !(parser.isSet(u"not-pii"_s) || parser.isSet(u"forget"_s)))) {
        err(tr("--pair takes a pair_id and goes with --not-pii or --forget (a mark applies to every "
               "pair)."));
        return Usage;
    }
    // A dataset file, or a PostgreSQL store through the storage seam (the same changes, audit entries
    // and rescans: storage/storageprivacy.h).
    OpenedDataset opened = openFileOrStorage(
        parser.positionalArguments().at(1), changing ? Dataset::Mode::OpenExisting : Dataset::Mode::ReadOnly);
    if (!opened)
        return Failure;
    // Changes are made to the settings as read: the defaults taken for unreadable ones would be
    // written back over the reviewers' patterns and decisions.
    const std::optional<QHash<QString, QString>> stored = opened.readSettings();
    if (!stored)
        return Failure;
    const std::unique_ptr<Dataset> ds = std::move(opened.file);
    const std::unique_ptr<Storage> storage = std::move(opened.storage);
    const QString where = ds ? ds->location() : storage->location();
    privacy::Config config = privacy::Config::fromSettings(*stored);
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
    const QList<privacy::Decision> decisionsBefore = config.decisions;
    QJsonObject change;
    for (const QString &value : parser.values(u"forget"_s)) {
        const qsizetype before = config.decisions.size();
        config.decisions = withoutDecision(config.decisions, value, pairScope);
        if (config.decisions.size() == before) {
            err(tr("--forget: there is no decision about \"%1\".").arg(value));
            return Usage;
        }
        change[u"forget"_s] = change[u"forget"_s].toArray() + value;
    }
    auto checkValue = [](const QString &option, const QString &value) {
        if (value.trimmed().isEmpty()) {
            err(tr("%1: the value is empty.").arg(option));
            return false;
        }
        if (value.size() > privacy::Config::kMaxDecisionValueLength) {
            err(tr("%1: the value is longer than %2 characters.")
                    .arg(option)
                    .arg(privacy::Config::kMaxDecisionValueLength));
            return false;
        }
        return true;
    };
    for (const QString &value : parser.values(u"not-pii"_s)) {
        if (!checkValue(u"--not-pii"_s, value))
            return Usage;
        privacy::Decision decision{privacy::Decision::Type::NotPii, value};
        decision.pairId = pairScope.value_or(QString());
        config.decisions = withDecision(config.decisions, decision);
        change[u"not_pii"_s] = change[u"not_pii"_s].toArray() + value.trimmed();
        if (pairScope)
            change[u"pair_id"_s] = *pairScope;
    }
    for (const QString &assignment : parser.values(u"mark"_s)) {
        const qsizetype eq = assignment.indexOf(u'=');
        const quint32 kind = eq <= 0 ? 0 : piiKindFromName(assignment.left(eq).trimmed().toLower());
        if (!kind) {
            err(tr("--mark: \"%1\" is not KIND=VALUE with KIND one of %2.")
                    .arg(assignment, piiKindNames(~0u).join(u", "_s)));
            return Usage;
        }
        const QString value = assignment.mid(eq + 1);
        if (!checkValue(u"--mark"_s, value))
            return Usage;
        config.decisions =
            withDecision(config.decisions, {privacy::Decision::Type::Mark, value, PiiKind(kind)});
        change[u"mark"_s] = change[u"mark"_s].toArray() + QJsonObject{{u"kind"_s, piiKindName(PiiKind(kind))},
                                                                      {u"value"_s, value.trimmed()}};
    }
    const bool decisionsChanged = config.decisions != decisionsBefore;
    const QStringList problems = config.validate();
    if (!problems.isEmpty()) {
        for (const QString &p : problems)
            err(p);
        err(tr("Nothing was changed."));
        return Usage;
    }

    if (changing) {
        QString readOnly;
        if (ds ? ds->isReadOnly() : !storage->canWrite(&readOnly)) {
            err(ds ? tr("%1 is read-only; nothing was changed.").arg(where)
                   : tr("%1 Nothing was changed.").arg(readOnly));
            return Failure;
        }
        const bool patternsChanged = !sameCustomPatterns(patternsBefore, config.customPatterns);
        if (settingsChanging) {
            // Stored in one transaction; a change of the custom patterns rescans the PII kinds.
            ProgressBar bar(tr("rescan"));
            QString error;
            const auto progress = [&](qint64 done, qint64 total) {
                bar.update(done, total);
                return true;
            };
            const qint64 n = ds ? savePrivacySettings(*ds, config, &error, progress)
                                : savePrivacySettings(*storage, config, &error, progress);
            bar.finish();
            if (n < 0) {
                err(tr("The settings could not be saved or applied to %1: %2").arg(where, error));
                return Failure;
            }
            if (patternsChanged && !parser.isSet(u"json"_s))
                out(tr("Custom patterns changed: PII kinds updated for %1 pairs.").arg(n));
        }
        if (decisionsChanged) {
            ProgressBar bar(tr("rescan"));
            QString error;
            const auto progress = [&](qint64 done, qint64 total) {
                bar.update(done, total);
                return true;
            };
            const qint64 n = ds ? savePrivacyDecisions(*ds, config.decisions, change, &error, progress)
                                : savePrivacyDecisions(*storage, config.decisions, change, &error, progress);
            bar.finish();
            if (n < 0) {
                err(tr("The privacy decisions could not be saved or applied: %1").arg(error));
                return Failure;
            }
            if (!parser.isSet(u"json"_s) && !parser.isSet(u"list"_s))
                out(tr("Privacy decisions changed: PII kinds updated for %1 pairs.").arg(n));
        }
    }
    if (parser.isSet(u"list"_s)) {
        if (parser.isSet(u"json"_s))
            printJson(QJsonObject{{u"decisions"_s, decisionsJsonArray(config.decisions)}});
        else
            printDecisions(where, config.decisions);
    } else if (parser.isSet(u"json"_s)) {
        QJsonObject json = privacySettingsJson(config);
        json.insert(u"decisions"_s, qint64(config.decisions.size()));
        printJson(json);
    } else {
        printConfig(where, config);
    }
    return Ok;
}

} // namespace pairlens::cli
