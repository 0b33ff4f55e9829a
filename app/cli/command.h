#pragma once

#include <QString>
#include <QStringList>

namespace pairlens::cli {

// A headless subcommand: `pairlens NAME ARGS...`. run() gets the arguments after the program
// name (args[0] is the subcommand) and returns the process exit code.
struct Command
{
    QString name;
    QString usage;       // the arguments, e.g. "DATASET [FILTER] [--json]"
    const char *summary; // one sentence for `pairlens --help` (context "cli", translated when shown)
    int (*run)(const QStringList &args);
};

const QList<Command> &commands();
const Command *findCommand(const QString &name);

// Exit codes shared by every command.
enum ExitCode
{
    Ok = 0,
    Failure = 1,     // the operation failed (message on stderr)
    Usage = 2,       // the command line was wrong
    Incomplete = 3,  // ran, but not everything succeeded (e.g. rejected import records)
    PiiLeak = 4,     // personal data would leave un-anonymized (`scan --fail-on-pii`, `--fail-on-any-pii`)
    Cancelled = 130, // interrupted (Ctrl-C, SIGTERM); nothing half-written is left behind
};

} // namespace pairlens::cli
