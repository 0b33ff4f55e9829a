// `pairlens delete` and `pairlens restore`: soft delete into the trash and back; `pairlens review`:
// review status and reviewer note for scripted curation. Both kinds of dataset, a file and a
// PostgreSQL store, through the storage seam (storage/storage.h): one path, the same messages.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <functional>
#include <optional>

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
    // The letter for yes in the user's language ("j" in German); "y" is always understood too.
    const QString yes =
        QCoreApplication::translate("cli", "y", "the key that answers yes to a [y/N] question");
    const QString prompt = question + u" ["_s + yes + u"/N] "_s;
    std::fputs(prompt.toUtf8().constData(), stderr);
    std::fflush(stderr);
    char buf[64] = {};
    if (!std::fgets(buf, sizeof buf, stdin))
        return false;
    const QString answer = QString::fromUtf8(buf).trimmed().toLower();
    return !answer.isEmpty() && (answer.startsWith(u'y') || answer.startsWith(yes.toLower()));
}

// Before a delete of `n` pairs: Ok to go on, or the exit code when nothing is to be done (no match,
// no --yes without a terminal, a "no" at the prompt), with its message printed.
std::optional<int> refuseDelete(qint64 n, bool yes)
{
    if (n == 0) {
        out(tr("No pairs match; nothing was deleted."));
        return Ok;
    }
    if (!yes) {
        if (!stdinIsTerminal()) {
            err(tr("pairlens delete: %1 pairs match; add --yes to delete them without a prompt.").arg(n));
            return Usage;
        }
        if (!confirm(tr("Move %1 pairs to the trash?").arg(n))) {
            out(tr("Nothing was deleted."));
            return Ok;
        }
    }
    return std::nullopt;
}

void deleted(qint64 count, const QString &location)
{
    out(tr("Moved %1 pairs to the trash. Undo with: pairlens restore %2 --all").arg(count).arg(location));
}

// A long write's progress drawn on the bar (a dataset file's chunked writes; PostgreSQL reports none).
std::function<bool(qint64, qint64)> barProgress(ProgressBar &bar)
{
    return [&bar](qint64 done, qint64 total) {
        if (total > 0)
            bar.update(done, total);
        return true;
    };
}

int deleteFromStorage(const QString &location, const Filter &filter, bool yes)
{
    const std::unique_ptr<Storage> storage = openStorage(location);
    if (!storage)
        return Failure;
    QString error;
    const qint64 n = storage->count(filter, &error);
    if (n < 0) {
        err(error);
        return Failure;
    }
    if (const std::optional<int> code = refuseDelete(n, yes))
        return *code;
    ProgressBar bar(tr("delete"));
    storage->setWriteProgress(barProgress(bar));
    const auto r = storage->softDelete(filter, &error);
    bar.finish();
    if (!r) {
        err(error);
        return Failure;
    }
    deleted(r->count, storage->location());
    return Ok;
}

int restoreInStorage(const QString &location, const Filter &filter)
{
    const std::unique_ptr<Storage> storage = openStorage(location);
    if (!storage)
        return Failure;
    QString error;
    ProgressBar bar(tr("restore"));
    storage->setWriteProgress(barProgress(bar));
    const qint64 n = storage->restore(filter, &error);
    bar.finish();
    if (n < 0) {
        err(error);
        return Failure;
    }
    out(tr("Restored %1 pairs.").arg(n));
    return Ok;
}

// What `review` did, printed the same way for both kinds of dataset.
int reviewed(const QCommandLineParser &parser, ReviewStatus status, qint64 matched, qint64 changed,
             qint64 notes, const QStringList &missing)
{
    for (const QString &id : std::as_const(missing))
        err(tr("Warning: no pair has the pair_id %1.").arg(id));
    const QString name = reviewStatusName(status);
    if (parser.isSet(u"json"_s)) {
        printJson(QJsonObject{{u"status"_s, name},
                              {u"matched"_s, matched},
                              {u"changed"_s, changed},
                              {u"notes"_s, notes},
                              {u"missing_ids"_s, QJsonArray::fromStringList(missing)}});
    } else if (matched == 0) {
        out(tr("No pairs match; nothing was changed."));
    } else {
        out(tr("Marked %1 pairs %2.").arg(changed).arg(name));
        if (parser.isSet(u"note"_s))
            out(tr("Set the reviewer note of %1 pairs.").arg(notes));
    }
    return missing.isEmpty() ? Ok : Incomplete;
}

int reviewInStorage(const QCommandLineParser &parser, const QString &location, const Filter &filter,
                    ReviewStatus status)
{
    const std::unique_ptr<Storage> storage = openStorage(location);
    if (!storage)
        return Failure;
    QString error;
    const qint64 matched = storage->count(filter, &error);
    if (matched < 0) {
        err(error);
        return Failure;
    }
    QStringList missing;
    if (!filter.pairIds.isEmpty() && matched < filter.pairIds.size()) {
        // As a dataset file looks them up: a pair_id stored anywhere (live, in the trash, unanalysed).
        for (const QString &id : filter.pairIds) {
            Filter one;
            one.scope = Filter::Scope::All;
            one.pairIds = {id};
            const qint64 n = storage->count(one, &error);
            if (n < 0) {
                err(error);
                return Failure;
            }
            if (n == 0)
                missing << id;
        }
    }
    qint64 changed = 0, notes = 0;
    ProgressBar bar(tr("review"));
    storage->setWriteProgress(barProgress(bar));
    if (matched > 0 && (changed = storage->setReviewStatus(filter, status, &error)) < 0) {
        bar.finish();
        err(error);
        return Failure;
    }
    if (matched > 0 && parser.isSet(u"note"_s) &&
        (notes = storage->setReviewerNote(filter, parser.value(u"note"_s), &error)) < 0) {
        bar.finish();
        err(error);
        return Failure;
    }
    bar.finish();
    return reviewed(parser, status, matched, changed, notes, missing);
}
} // namespace

int runDelete(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(
        parser, u"delete"_s,
        tr("Moves pairs to the trash (restore them with 'pairlens restore'). Give --id or a filter."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
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
    return deleteFromStorage(parser.positionalArguments().at(1), filter, parser.isSet(u"yes"_s));
}

int runRestore(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"restore"_s, tr("Restores deleted pairs from the trash."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
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
    return restoreInStorage(parser.positionalArguments().at(1), filter);
}

int runReview(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"review"_s,
                tr("Sets the review status (and the reviewer note) of pairs. Give --id, a filter or --all, "
                   "and the new status with --status S (or with --set S, --status then selecting pairs by "
                   "their current status)."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    addFilterOptions(parser);
    parser.addOptions({
        {u"id"_s, tr("A pair_id to review (repeat, or separate with commas)."), u"ID"_s},
        {u"all"_s, tr("Review every pair (when no --id or filter is given).")},
        {u"set"_s, tr("The new review status: approved, rejected or unreviewed."), u"STATUS"_s},
        {u"note"_s, tr("Also set this reviewer note ('' clears it)."), u"TEXT"_s},
        {u"json"_s, tr("Print the result as JSON (see docs/cli.md).")},
    });
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    Filter filter;
    if (!filterFromOptions(parser, &filter))
        return Usage;
    // --status is a FILTER option (which pairs); the new status is --set. `--status S` alone, with
    // no other selection, is read as the new status, the way DESIGN.md writes the command.
    QString newStatus = parser.value(u"set"_s);
    if (newStatus.isEmpty() && parser.values(u"status"_s).size() == 1 &&
        !parser.value(u"status"_s).contains(u',')) {
        newStatus = parser.value(u"status"_s);
        filter.reviewStatuses.clear();
    }
    const int status = reviewStatusFromName(newStatus);
    if (newStatus.isEmpty() || status < 0) {
        err(tr("pairlens review: give the new status with --status approved|rejected|unreviewed."));
        return Usage;
    }
    filter.pairIds = idList(parser);
    const bool all = parser.isSet(u"all"_s);
    if (filter.pairIds.isEmpty() && filter.isEmpty() && !all) {
        err(tr("pairlens review: give --id ID, a filter (for example --db-name NAME) or --all; refusing to "
               "review every pair."));
        return Usage;
    }
    return reviewInStorage(parser, parser.positionalArguments().at(1), filter, ReviewStatus(status));
}

} // namespace pairlens::cli
