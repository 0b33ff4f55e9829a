// `pairlens delete` and `pairlens restore`: soft delete into the trash and back.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/pairstore.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}

QStringList idList(const QCommandLineParser &parser)
{
    QStringList ids;
    for (const QString &v : parser.values(u"id"_s)) {
        for (const QString &part : v.split(u',', Qt::SkipEmptyParts))
            ids << part.trimmed();
    }
    // Further positional arguments after --id are ids too: `--id a b c`.
    if (parser.isSet(u"id"_s))
        ids += parser.positionalArguments().mid(2);
    return ids;
}

bool confirm(const QString &question)
{
    std::fputs(question.toUtf8().constData(), stderr);
    std::fputs(" [y/N] ", stderr);
    std::fflush(stderr);
    char buf[16] = {};
    if (!std::fgets(buf, sizeof buf, stdin))
        return false;
    return buf[0] == 'y' || buf[0] == 'Y';
}
} // namespace

int runDelete(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(
        parser, u"delete"_s,
        tr("Moves pairs to the trash (restore them with 'pairlens restore'). Give --id or a filter."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file."));
    addFilterOptions(parser);
    parser.addOptions({{u"id"_s, tr("A pair_id to delete (repeat, or separate with commas)."), u"ID"_s},
                       {u"yes"_s, tr("Don't ask for confirmation.")}});
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    Filter filter;
    if (!filterFromOptions(parser, &filter))
        return Usage;
    filter.pairIds = idList(parser);
    // An option given with nothing in it (--search "") restricts nothing either.
    if (filter.pairIds.isEmpty() && (!hasFilterOptions(parser) || filter.isEmpty())) {
        err(tr("pairlens delete: give --id ID or a filter (for example --failed-only); refusing to delete "
               "every pair."));
        return Usage;
    }
    auto ds = openDataset(parser.positionalArguments().at(1), Dataset::Mode::OpenExisting);
    if (!ds)
        return Failure;
    PairStore store(*ds);
    const qint64 n = store.count(filter);
    if (n < 0) {
        err(ds->failureMessage(Dataset::Access::Read, store.errorString()));
        return Failure;
    }
    if (n == 0) {
        out(tr("No pairs match; nothing was deleted."));
        return Ok;
    }
    if (!parser.isSet(u"yes"_s)) {
        if (!stdinIsTerminal()) {
            err(tr("pairlens delete: %1 pairs match; add --yes to delete them without a prompt.").arg(n));
            return Usage;
        }
        if (!confirm(tr("Move %1 pairs to the trash?").arg(n))) {
            out(tr("Nothing was deleted."));
            return Ok;
        }
    }
    ProgressBar bar(tr("delete"));
    store.setWriteProgress([&bar](qint64 done, qint64 total) {
        if (total > 0)
            bar.update(done, total);
        return true;
    });
    const auto r = store.softDelete(filter);
    bar.finish();
    if (!r) {
        err(ds->failureMessage(Dataset::Access::Write, store.errorString()));
        return Failure;
    }
    out(tr("Moved %1 pairs to the trash. Undo with: pairlens restore %2 --all")
            .arg(r->count)
            .arg(ds->location()));
    return Ok;
}

int runRestore(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"restore"_s, tr("Restores deleted pairs from the trash."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file."));
    parser.addOptions({{u"id"_s, tr("A pair_id to restore (repeat, or separate with commas)."), u"ID"_s},
                       {u"all"_s, tr("Restore every deleted pair.")}});
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    Filter filter;
    filter.pairIds = idList(parser);
    if (filter.pairIds.isEmpty() == !parser.isSet(u"all"_s)) {
        err(tr("pairlens restore: give either --id ID... or --all."));
        return Usage;
    }
    auto ds = openDataset(parser.positionalArguments().at(1), Dataset::Mode::OpenExisting);
    if (!ds)
        return Failure;
    PairStore store(*ds);
    ProgressBar bar(tr("restore"));
    store.setWriteProgress([&bar](qint64 done, qint64 total) {
        if (total > 0)
            bar.update(done, total);
        return true;
    });
    const auto n = store.restore(filter);
    bar.finish();
    if (!n) {
        err(ds->failureMessage(Dataset::Access::Write, store.errorString()));
        return Failure;
    }
    out(tr("Restored %1 pairs.").arg(*n));
    return Ok;
}

} // namespace pairlens::cli
