// `pairlens copy SOURCE TARGET`: a whole dataset, between a dataset file and PostgreSQL
// (storage/storagecopy.h).
#include "cli/cliutil.h"
#include "cli/command.h"
#include "storage/storage.h"
#include "storage/storagecopy.h"

#include <QCoreApplication>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {

QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}

// A location as messages show it: a URL without its password.
QString shown(const QString &location)
{
    if (!isPostgresLocation(location))
        return location;
    QUrl url(location);
    url.setPassword({});
    return url.toString();
}

} // namespace

int runCopy(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"copy"_s,
                tr("Copies a dataset with every pair, its review and trash, the audit log and the settings "
                   "(including the anonymization key) between a dataset file and PostgreSQL. TARGET must be "
                   "new or hold no pairs; an interrupted copy leaves no half-written target."));
    parser.addPositionalArgument(u"SOURCE"_s, tr("Dataset file or postgresql:// URL to copy."));
    parser.addPositionalArgument(u"TARGET"_s,
                                 tr("New dataset file, or postgresql:// URL of an empty schema."));
    parser.addOption(
        {u"yes"_s, tr("Don't ask for confirmation (copy never replaces pairs, so it asks nothing).")});
    if (!parseOrExplain(parser, args, 2))
        return Usage;
    if (parser.positionalArguments().size() != 3) {
        err(tr("pairlens copy: give one SOURCE and one TARGET."));
        return Usage;
    }
    const QString source = parser.positionalArguments().at(1), target = parser.positionalArguments().at(2);
    CancelOnSignal cancel;
    CopyReport r;
    {
        ProgressBar bar(tr("copy"));
        const Progress progress(
            [&bar](qint64 done, qint64 total, const QString &) { bar.update(done, total); },
            CancelOnSignal::flag());
        r = copyDataset(source, target, progress);
        bar.finish();
    }
    cancel.restoreDefaults();
    if (r.cancelled || (CancelOnSignal::requested() && !r.error.isEmpty())) {
        err(tr("Copy cancelled; nothing was written to %1.").arg(shown(target)));
        return Cancelled;
    }
    if (!r.error.isEmpty()) {
        err(r.error);
        return Failure;
    }
    for (const QString &w : std::as_const(r.warnings))
        err(tr("Warning: %1").arg(w));
    out(tr("Copied %1 pairs (%2 in the trash) and %3 audit log entries to %4.")
            .arg(r.pairs)
            .arg(r.trashed)
            .arg(r.auditEntries)
            .arg(shown(target)));
    return Ok;
}

} // namespace pairlens::cli
