// pairlens: runs a headless subcommand, or starts the window program (app/window_main.cpp). This
// executable links no GUI library: the window and `pairlens chart` run in `pairlens-window`.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "identity.h"
#include "launch.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>

using namespace Qt::StringLiterals;
using pairlens::app::installTranslations;
using pairlens::app::setIdentity;

namespace {

void printUsage()
{
    using namespace pairlens::cli;
    out(QCoreApplication::translate("main", "PairLens %1: curate natural-language to SQL training pairs.")
            .arg(QStringLiteral(PAIRLENS_VERSION)));
    out(QString());
    out(QCoreApplication::translate(
        "main", "Usage: pairlens COMMAND ARGUMENTS...     runs a command, with no window"));
    out(QCoreApplication::translate("main", "       pairlens [gui] [DATASET]          opens the window"));
    out(QString());
    out(QCoreApplication::translate("main", "Commands:"));
    for (const Command &c : commands()) {
        out(u"  %1 %2"_s.arg(c.name, c.usage));
        out(u"      "_s + QCoreApplication::translate("cli", c.summary));
    }
    out(QString());
    out(QCoreApplication::translate(
        "main", "FILTER: --from DATE --to DATE --successful-only --failed-only --type T,... --db-type T,... "
                "--db-name N,... --table NAME,... --search TEXT --pii [KIND,...] --status S,... --duplicates "
                "--normalized-duplicates"));
    out(QCoreApplication::translate(
        "main", "Exit status: 0 done, 1 failed, 2 wrong command line, 3 incomplete (some records rejected), "
                "4 personal data would leave un-anonymized (scan --fail-on-pii), 130 cancelled."));
    out(QCoreApplication::translate("main", "Run 'pairlens COMMAND --help' for the options of a command."));
}

// Commands that DESIGN.md names and this build does not have yet (none now; kept for the next).
const QStringList kLaterCommands = {};

int editDistance(const QString &a, const QString &b)
{
    QList<int> row(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// True when the window should open `args` (the arguments after the program name): nothing, `gui`
// with at most a dataset, or one dataset given as a path or a URL. Anything else is a command line
// error, never a window: a headless job must not hang on a window it cannot see.
bool opensWindow(const QStringList &args)
{
    QStringList rest = args;
    if (!rest.isEmpty() && rest.first() == u"gui"_s)
        rest.removeFirst();
    if (rest.isEmpty())
        return true;
    if (rest.size() > 1 || args.first() != rest.first())
        return rest.size() == 1; // "gui DATASET"
    const QString &word = rest.first();
    return word.contains(u'/') || word.contains(u'.') || word.startsWith(u"postgres"_s) ||
           QFileInfo::exists(word);
}

int unknownCommand(const QString &word)
{
    using namespace pairlens::cli;
    if (kLaterCommands.contains(word)) {
        err(QCoreApplication::translate("main", "pairlens: '%1' is not part of PairLens %2 yet. Run "
                                                "'pairlens --help' for the commands it has.")
                .arg(word, QStringLiteral(PAIRLENS_VERSION)));
        return Usage;
    }
    QString best;
    int bestDistance = 3; // suggest only close matches
    for (const Command &c : commands()) {
        const int d = editDistance(word.toLower(), c.name);
        if (d < bestDistance || (c.name.startsWith(word.toLower()) && word.size() >= 2 && d < 99)) {
            bestDistance = c.name.startsWith(word.toLower()) ? 0 : d;
            best = c.name;
        }
    }
    if (!best.isEmpty())
        err(QCoreApplication::translate("main", "pairlens: unknown command '%1'. Did you mean '%2'? Run "
                                                "'pairlens --help' for the commands.")
                .arg(word, best));
    else
        err(QCoreApplication::translate("main", "pairlens: unknown command '%1'. Run 'pairlens --help' for "
                                                "the commands.")
                .arg(word));
    return Usage;
}

} // namespace

int main(int argc, char *argv[])
{
    const QString first = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (first == u"--help"_s || first == u"-h"_s || first == u"help"_s || first == u"--version"_s) {
        QCoreApplication app(argc, argv);
        setIdentity();
        installTranslations(app);
        if (first == u"--version"_s)
            pairlens::cli::out(u"pairlens "_s + QStringLiteral(PAIRLENS_VERSION));
        else
            printUsage();
        return 0;
    }
    if (const pairlens::cli::Command *command = pairlens::cli::findCommand(first)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        installTranslations(app);
        QStringList args = QCoreApplication::arguments().mid(1);
        return pairlens::cli::finishCommand(command->run(args));
    }
    if (first.startsWith(u'-') && first != u"--dataset"_s) {
        QCoreApplication app(argc, argv);
        pairlens::cli::err(u"pairlens: unknown option %1. Try 'pairlens --help'."_s.arg(first));
        return pairlens::cli::Usage;
    }
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (!opensWindow(args)) {
        QCoreApplication app(argc, argv);
        setIdentity();
        installTranslations(app);
        return unknownCommand(args.first());
    }
    return pairlens::app::execWindowProgram(args);
}
