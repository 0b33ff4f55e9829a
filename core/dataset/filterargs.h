#pragma once

#include "dataset/filter.h"

#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace pairlens {

// The FILTER options of the command line (docs/cli.md), both ways: the parser's options and the
// Filter they give, and the options that give a Filter back. The window's "Copy as command line"
// and `pairlens` share them, so a view in the window is reproducible in a pipeline:
// filterFromOptions(parse(filterArguments(f))) is f for any filter the filter panel builds.

// Adds --from --to --successful-only --failed-only --type --db-type --db-name --table --search --pii
// --status --duplicates --normalized-duplicates.
void addFilterOptions(QCommandLineParser &parser);
bool hasFilterOptions(const QCommandLineParser &parser);
// Builds the Filter; on an invalid value returns false with one sentence naming the option.
bool filterFromOptions(const QCommandLineParser &parser, Filter *filter, QString *error);

// The options for a filter, e.g. {"--type", "SELECT", "--pii", "email", "--search", "x y"}. Row ids,
// pair ids and the scope have no FILTER option and are left out.
QStringList filterArguments(const Filter &filter);

// A word for a POSIX shell: as it is when it holds only safe characters, else in single quotes.
QString shellQuote(const QString &word);
// The words quoted and joined by spaces.
QString shellCommand(const QStringList &words);

} // namespace pairlens
