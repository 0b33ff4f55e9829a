#include "cli/command.h"

namespace pairlens::cli {

int runDemo(const QStringList &args);
int runImport(const QStringList &args);
int runList(const QStringList &args);
int runStats(const QStringList &args);
int runDelete(const QStringList &args);
int runRestore(const QStringList &args);
int runChart(const QStringList &args);
int runScan(const QStringList &args);
int runAnonymize(const QStringList &args);
int runExport(const QStringList &args);
int runPrivacy(const QStringList &args);

const QList<Command> &commands()
{
    using namespace Qt::StringLiterals;
    static const QList<Command> all = {
        {u"demo"_s, u"demo DATASET [--pairs N] [--seed S]     synthetic dataset with realistic PII"_s,
         runDemo},
        {u"import"_s,
         u"import DATASET FILE...                 JSONL / JSON / CSV; creates DATASET if missing"_s,
         runImport},
        {u"list"_s, u"list DATASET [FILTER] [--limit N] [--offset N] [--json]"_s, runList},
        {u"stats"_s, u"stats DATASET [FILTER] [--json]"_s, runStats},
        {u"delete"_s, u"delete DATASET (--id ID... | FILTER) [--yes]"_s, runDelete},
        {u"restore"_s, u"restore DATASET (--id ID... | --all)"_s, runRestore},
        {u"chart"_s, u"chart DATASET --kind KIND -o FILE.png|.svg [--width W --height H] [FILTER]"_s,
         runChart},
        {u"scan"_s, u"scan DATASET [FILTER] [--examples N] [--json]   PII report, examples shown masked"_s,
         runScan},
        {u"anonymize"_s,
         u"anonymize [--dataset DATASET] [--sql] [--json]   stdin lines -> anonymized stdout"_s,
         runAnonymize},
        {u"export"_s, u"export DATASET -o FILE --format FMT [FILTER] [OPTIONS]"_s, runExport},
        {u"privacy"_s,
         u"privacy DATASET [--operator KIND=OP] [--add-pattern NAME=REGEX] [--remove-pattern NAME]"_s,
         runPrivacy},
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
