// `pairlens export`: writes the pairs matching a filter (or a selection of pair ids) in one of the
// export formats, anonymized unless --no-anonymize. See docs/export-formats.md.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/dataset.h"
#include "export/exporter.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {

QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}

QStringList splitIds(const QString &text)
{
    QStringList out;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString id = part.trimmed();
        if (!id.isEmpty())
            out << id;
    }
    return out;
}

bool readIdFile(const QString &path, QStringList *ids)
{
    QFile f(path);
    if (path == u"-"_s ? !f.open(stdin, QIODevice::ReadOnly) : !f.open(QIODevice::ReadOnly)) {
        err(tr("Cannot read %1: %2").arg(path, f.errorString()));
        return false;
    }
    while (!f.atEnd()) {
        const QString line = QString::fromUtf8(f.readLine()).trimmed();
        if (!line.isEmpty() && !line.startsWith(u'#'))
            *ids << line;
    }
    return true;
}

} // namespace

int runExport(const QStringList &args)
{
    using namespace exporting;
    QCommandLineParser parser;
    setupParser(parser, u"export"_s,
                tr("Exports the pairs matching the filter, anonymized unless --no-anonymize is given."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    addFilterOptions(parser);
    QStringList formats;
    for (Format f : allFormats())
        formats << formatName(f);
    parser.addOptions({
        {{u"o"_s, u"output"_s},
         tr("The file to write (a .gz name compresses it); - writes to standard output."),
         u"FILE"_s},
        {u"format"_s, tr("One of: %1 (default: from the file name, else jsonl).").arg(formats.join(u", "_s)),
         u"FMT"_s},
        {u"ids"_s, tr("Only these pairs (comma-separated pair_id values)."), u"ID,..."_s},
        {u"id-file"_s, tr("Only the pairs listed in FILE, one pair_id per line ('-' = stdin)."), u"FILE"_s},
        {u"fields"_s, tr("Only these fields, in this order (jsonl, json, csv)."), u"A,B,..."_s},
        {u"no-anonymize"_s, tr("Write the original values, including personal data.")},
        {u"gzip"_s, tr("Compress with gzip (appends .gz to the file name when missing).")},
        {u"split"_s,
         tr("Write NAME.train.EXT with this fraction of the pairs and NAME.val.EXT with the rest."),
         u"FRACTION"_s},
        {u"dedupe"_s, tr("Drop exact duplicates (question + SQL, ignoring case and spacing); keep the first. "
                         "On by default in the fine-tuning formats.")},
        {u"keep-duplicates"_s, tr("Keep duplicates in the fine-tuning formats.")},
        {u"include-rejected"_s, tr("Also export pairs a reviewer rejected (left out by default).")},
        {u"approved-only"_s, tr("Export approved pairs only.")},
        {u"system"_s, tr("System prompt of the chat formats ('' = none)."), u"TEXT"_s},
        {u"template"_s,
         tr("Prompt template of the prompt, chat and alpaca formats: {question}, {database_type}, "
            "{database_name}, {tables}, {query_type} ({tables} names the answer's own tables; see "
            "docs/export-formats.md)."),
         u"TEXT"_s},
        {u"include-failed"_s, tr("Also export failed pairs in the fine-tuning formats.")},
        {u"csv-raw"_s, tr("Don't neutralise CSV cells that a spreadsheet would run as formulas.")},
        {u"force"_s, tr("Replace existing files even when they are not an unchanged earlier PairLens "
                        "export of the same format (never the dataset).")},
        {u"json"_s, tr("Print the result as JSON (see docs/cli.md).")},
    });
    if (!parseOrExplain(parser, args, 1))
        return Usage;

    ExportOptions o;
    if (!filterFromOptions(parser, &o.filter))
        return Usage;
    o.target = parser.value(u"output"_s);
    if (o.target.isEmpty()) {
        err(tr("pairlens export: give the file to write with -o FILE (-o - for standard output)."));
        return Usage;
    }
    // With -o - the pairs are the output; the summary and the JSON result go to stderr.
    const auto say = o.toStdout() ? err : out;
    if (parser.isSet(u"format"_s)) {
        const std::optional<Format> f = formatFromName(parser.value(u"format"_s));
        if (!f) {
            err(tr("pairlens export: unknown format \"%1\" (use one of %2).")
                    .arg(parser.value(u"format"_s), formats.join(u", "_s)));
            return Usage;
        }
        o.format = *f;
    } else {
        QString name = o.target.toLower();
        if (name.endsWith(u".gz"_s))
            name.chop(3);
        o.format = name.endsWith(u".csv"_s)    ? Format::Csv
                   : name.endsWith(u".json"_s) ? Format::Json
                                               : Format::Jsonl;
    }
    QStringList ids = splitIds(parser.values(u"ids"_s).join(u','));
    if (parser.isSet(u"id-file"_s) &&
        Dataset::isDatasetFile(parser.positionalArguments().value(1), parser.value(u"id-file"_s))) {
        // Reading it would open the dataset outside SQLite (and it holds no ids).
        err(tr("pairlens export: --id-file %1 is the dataset itself.").arg(parser.value(u"id-file"_s)));
        return Usage;
    }
    if (parser.isSet(u"id-file"_s) && !readIdFile(parser.value(u"id-file"_s), &ids))
        return Failure;
    if ((parser.isSet(u"ids"_s) || parser.isSet(u"id-file"_s)) && ids.isEmpty()) {
        err(tr("pairlens export: --ids / --id-file name no pairs."));
        return Usage;
    }
    o.filter.pairIds = ids;
    if (parser.isSet(u"fields"_s)) {
        QString error;
        const std::optional<QList<Field>> fields = parseFields(parser.value(u"fields"_s), &error);
        if (!fields) {
            err(u"pairlens export: "_s + error);
            return Usage;
        }
        o.fields = *fields;
    }
    o.anonymize = !parser.isSet(u"no-anonymize"_s);
    o.gzip = parser.isSet(u"gzip"_s);
    if (parser.isSet(u"split"_s)) {
        bool ok = false;
        o.split = parser.value(u"split"_s).toDouble(&ok);
        if (!ok || !(o.split > 0 && o.split < 1)) {
            err(tr("pairlens export: --split takes a fraction between 0 and 1, e.g. 0.9."));
            return Usage;
        }
    }
    if (parser.isSet(u"dedupe"_s) && parser.isSet(u"keep-duplicates"_s)) {
        err(tr("pairlens export: --dedupe and --keep-duplicates exclude each other."));
        return Usage;
    }
    if (parser.isSet(u"dedupe"_s))
        o.dedupe = true;
    if (parser.isSet(u"keep-duplicates"_s))
        o.dedupe = false;
    if (parser.isSet(u"include-rejected"_s) && parser.isSet(u"approved-only"_s)) {
        err(tr("pairlens export: --include-rejected and --approved-only exclude each other."));
        return Usage;
    }
    if (parser.isSet(u"include-rejected"_s))
        o.review = ReviewScope::IncludeRejected;
    if (parser.isSet(u"approved-only"_s))
        o.review = ReviewScope::ApprovedOnly;
    if (parser.isSet(u"system"_s))
        o.systemPrompt = parser.value(u"system"_s);
    o.promptTemplate = parser.value(u"template"_s);
    o.includeFailed = parser.isSet(u"include-failed"_s);
    o.csvRaw = parser.isSet(u"csv-raw"_s);
    o.overwrite = parser.isSet(u"force"_s);
    if (const QString problem = o.validate(); !problem.isEmpty()) {
        err(u"pairlens export: "_s + problem);
        return Usage;
    }

    // From here on Ctrl-C / SIGTERM cancel cleanly (exit 130), even while the dataset opens.
    CancelOnSignal cancel;
    // A PostgreSQL dataset goes through the storage seam into the same export engine.
    OpenedDataset opened = openFileOrStorage(parser.positionalArguments().at(1), Dataset::Mode::OpenExisting);
    if (!opened)
        return Failure;
    const std::unique_ptr<Dataset> ds = std::move(opened.file);
    const std::unique_ptr<Storage> storage = std::move(opened.storage);
    if (!o.anonymize)
        err(tr("Warning: anonymization is off (--no-anonymize); the export holds the original values, "
               "including any personal data."));

    ProgressBar bar(tr("Exporting"));
    const Progress progress([&bar](qint64 done, qint64 total, const QString &) { bar.update(done, total); },
                            CancelOnSignal::flag());
    const ExportResult r = ds ? Exporter(*ds, o).run(progress) : Exporter(*storage, o).run(progress);
    bar.finish();
    cancel.restoreDefaults();

    if (r.cancelled) {
        err(tr("Export cancelled; nothing was written."));
        return Cancelled;
    }
    if (!r.ok && !r.refusedFiles.isEmpty()) {
        QStringList names;
        for (const QString &f : r.refusedFiles)
            names << QDir::toNativeSeparators(f);
        err(tr("pairlens export: not replacing %1: not an unchanged earlier PairLens %2 export; nothing "
               "was written (--force replaces it).")
                .arg(names.join(u", "_s), formatName(o.format)));
        return Failure;
    }
    if (!r.ok) {
        err(r.error);
        return Failure;
    }
    for (const QString &w : r.warnings)
        err(tr("Warning: %1").arg(w));
    if (parser.isSet(u"json"_s)) {
        QJsonArray files;
        for (const ExportedFile &f : r.files)
            files.append(QJsonObject{{u"path"_s, f.path},
                                     {u"role"_s, f.role},
                                     {u"pairs"_s, f.pairs},
                                     {u"bytes"_s, f.bytes},
                                     {u"sha256"_s, QString::fromLatin1(f.sha256)}});
        printJson(QJsonObject{{u"format"_s, formatName(o.format)},
                              {u"anonymized"_s, o.anonymize},
                              {u"review"_s, reviewScopeName(o.review)},
                              {u"matched"_s, r.matched},
                              {u"left_out"_s, QJsonObject{{u"rejected"_s, r.scope.rejected},
                                                          {u"unreviewed"_s, r.scope.unreviewed},
                                                          {u"failed"_s, r.scope.failed},
                                                          {u"duplicates"_s, r.duplicates}}},
                              {u"count"_s, r.count},
                              {u"duplicates"_s, r.duplicates},
                              {u"files"_s, files},
                              {u"manifest"_s, r.manifestPath}},
                  o.toStdout() ? stderr : stdout);
        return Ok;
    }
    QStringList names;
    for (const ExportedFile &f : r.files)
        names << u"%1 (%2)"_s.arg(o.toStdout() ? tr("standard output") : QDir::toNativeSeparators(f.path))
                     .arg(f.pairs);
    if (r.count == 0)
        say(tr("No pairs matched; wrote an empty %1 file: %2.")
                .arg(formatName(o.format), names.join(u", "_s)));
    else
        say(tr("Exported %1 pairs%2 as %3 to %4.")
                .arg(r.count)
                .arg(o.anonymize ? tr(" (anonymized)") : tr(" (NOT anonymized)"), formatName(o.format),
                     names.join(u", "_s)));
    // What the filter matched and what each rule left out, so the count written is never a surprise.
    QStringList leftOut;
    if (r.scope.rejected > 0)
        leftOut << tr("%1 rejected (--include-rejected keeps them)").arg(r.scope.rejected);
    if (r.scope.unreviewed > 0)
        leftOut << tr("%1 not approved (--approved-only)").arg(r.scope.unreviewed);
    if (r.scope.failed > 0)
        leftOut << tr("%1 failed (--include-failed keeps them)").arg(r.scope.failed);
    if (r.duplicates > 0)
        leftOut << tr("%1 duplicates (--keep-duplicates keeps them)").arg(r.duplicates);
    if (!leftOut.isEmpty())
        say(tr("%1 pairs matched; left out: %2.").arg(r.matched).arg(leftOut.join(u", "_s)));
    if (!r.manifestPath.isEmpty())
        say(tr("Manifest: %1").arg(QDir::toNativeSeparators(r.manifestPath)));
    return Ok;
}

} // namespace pairlens::cli
