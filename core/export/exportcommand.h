#pragma once

// The `pairlens export` command line that writes what a set of ExportOptions describes, so that an
// export set up in the window can be run again headless (a pipeline, a scheduled job). The export
// dialog shows it with a Copy button; tst_exportcommand runs it through the real CLI and compares
// the options the CLI recorded in the manifest with the ones it was built from.

#include "export/exportoptions.h"

#include <QString>
#include <QStringList>

namespace pairlens::exporting {

struct ExportCommand
{
    // "pairlens", "export", DATASET, "-o", FILE, "--format", FMT, the filter flags, the options.
    QStringList arguments;
    // What the flags can't say (e.g. rows picked by row id, values holding a comma), one sentence
    // each; empty when the command writes exactly what the options describe.
    QStringList unsupported;

    // The arguments quoted for a POSIX shell, joined by spaces (dataset/filterargs.h).
    QString shellText() const;
};

// The command for `options` over the dataset at `dataset`: the filter's flags come from
// filterArguments() (dataset/filterargs.h), its pair ids become --ids; row ids can't be given on the
// command line (callers resolve a selection to pair ids first).
// options.overwrite is left out: the window asks before replacing, a pipeline decides with --force.
ExportCommand exportCommand(const ExportOptions &options, const QString &dataset);

} // namespace pairlens::exporting
