#include "cli/command.h"

#include <QCoreApplication>

namespace pairlens::cli {

int runDemo(const QStringList &args);
int runImport(const QStringList &args);
int runCopy(const QStringList &args);
int runList(const QStringList &args);
int runStats(const QStringList &args);
int runDelete(const QStringList &args);
int runRestore(const QStringList &args);
int runReview(const QStringList &args);
int runChart(const QStringList &args);
int runScan(const QStringList &args);
int runAnonymize(const QStringList &args);
int runExport(const QStringList &args);
int runPrivacy(const QStringList &args);
int runServe(const QStringList &args);
int runKeys(const QStringList &args);

const QList<Command> &commands()
{
    using namespace Qt::StringLiterals;
    static const QList<Command> all = {
        {u"demo"_s, u"DATASET [--pairs N] [--seed S]"_s,
         QT_TRANSLATE_NOOP("cli", "Adds synthetic pairs with realistic PII; creates DATASET if missing."),
         runDemo},
        {u"import"_s, u"DATASET FILE... [--format jsonl|json|csv]"_s,
         QT_TRANSLATE_NOOP("cli", "Adds the pairs of JSONL, JSON or CSV files; creates DATASET if missing."),
         runImport},
        {u"copy"_s, u"SOURCE TARGET [--yes]"_s,
         QT_TRANSLATE_NOOP("cli",
                           "Copies a whole dataset between a dataset file and PostgreSQL, losslessly."),
         runCopy},
        {u"list"_s, u"DATASET [FILTER] [--limit N] [--offset N] [--json]"_s,
         QT_TRANSLATE_NOOP("cli", "Lists the pairs matching the filter."), runList},
        {u"stats"_s, u"DATASET [FILTER] [--json]"_s,
         QT_TRANSLATE_NOOP("cli", "Prints the statistics of the pairs matching the filter."), runStats},
        {u"delete"_s, u"DATASET (--id ID... | FILTER) [--yes]"_s,
         QT_TRANSLATE_NOOP("cli", "Moves pairs to the trash (restore brings them back)."), runDelete},
        {u"restore"_s, u"DATASET (--id ID... | --all)"_s,
         QT_TRANSLATE_NOOP("cli", "Brings pairs back from the trash."), runRestore},
        {u"review"_s,
         u"DATASET (--id ID,... | FILTER | --all) --status approved|rejected|unreviewed [--note TEXT]"_s,
         QT_TRANSLATE_NOOP("cli",
                           "Sets the review status (and note) of pairs; exports leave rejected pairs out."),
         runReview},
        {u"chart"_s, u"DATASET --kind KIND -o FILE.png|.svg [--width W --height H] [FILTER]"_s,
         QT_TRANSLATE_NOOP("cli", "Draws a statistics chart to a PNG or SVG file, with no display."),
         runChart},
        {u"scan"_s, u"DATASET [FILTER] [--examples N] [--json] [--fail-on-pii]"_s,
         QT_TRANSLATE_NOOP("cli", "Reports the personal data in the pairs; examples are shown anonymized."),
         runScan},
        {u"anonymize"_s, u"[--dataset DATASET] [--sql [--database-type TYPE]] [--json]"_s,
         QT_TRANSLATE_NOOP("cli", "Anonymizes the lines of standard input to standard output."),
         runAnonymize},
        {u"export"_s, u"DATASET -o FILE|- [--format FMT] [FILTER] [OPTIONS]"_s,
         QT_TRANSLATE_NOOP("cli", "Writes the pairs matching the filter, anonymized, with a manifest."),
         runExport},
        {u"privacy"_s,
         u"DATASET [--operator KIND=OP] [--add-pattern NAME=REGEX] [--remove-pattern NAME] [--not-pii VALUE] "
         "[--mark KIND=VALUE] [--forget VALUE] [--list]"_s,
         QT_TRANSLATE_NOOP("cli", "Shows or changes the dataset's anonymization settings."), runPrivacy},
        {u"serve"_s,
         u"DATASET [--listen ADDR:PORT] [--cert FILE --key FILE] [--rate-limit N] [--max-body BYTES]"_s,
         QT_TRANSLATE_NOOP("cli", "Serves the Training Data Export API (HTTP) over the dataset."), runServe},
        {u"keys"_s,
         u"DATASET (create --name NAME --scope read,write,export,raw,admin | list | revoke NAME)"_s,
         QT_TRANSLATE_NOOP("cli", "Creates, lists and revokes the API keys of 'pairlens serve'."), runKeys},
    };
    return all;
}

const Command *findCommand(const QString &name)
{
    for (const Command &c : commands()) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

} // namespace pairlens::cli
