// `pairlens demo` and `pairlens import`: commands that put pairs into a dataset.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/bulkload.h"
#include "dataset/demogenerator.h"
#include "dataset/demowriter.h"
#include "dataset/deriver.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "storage/pgstorage.h"
#include "storage/storageimport.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}
} // namespace
static int importInto(Dataset &dataset, bool bulk, const QStringList &files, ImportFormat format);
// Imports the files into a PostgreSQL dataset through the same importer (storage/storageimport.h),
// with the same messages. Ctrl-C / SIGTERM stop it cleanly (exit 130): the batch being written is
// finished and the batches written stay (importing again adds the rest).
static int importIntoPostgres(const QString &location, const QStringList &files, ImportFormat format);
static int demoIntoPostgres(const QString &location, quint64 seed, qint64 count);

int runDemo(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"demo"_s, tr("Writes a synthetic dataset with realistic questions, SQL and PII."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL to create or add to."));
    parser.addOptions(
        {{u"pairs"_s, tr("How many pairs (default 2000)."), u"N"_s, u"2000"_s},
         {u"seed"_s, tr("Random seed; the same seed gives the same pairs (default 42)."), u"S"_s, u"42"_s}});
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    bool ok1 = false, ok2 = false;
    const qint64 count = parser.value(u"pairs"_s).toLongLong(&ok1);
    const quint64 seed = parser.value(u"seed"_s).toULongLong(&ok2);
    if (!ok1 || count < 0 || count > 100'000'000 || !ok2) {
        err(tr(
            "pairlens demo: --pairs takes a number from 0 to 100000000 and --seed a non-negative number."));
        return Usage;
    }
    const QString location = parser.positionalArguments().at(1);
    if (isPostgresLocation(location))
        return demoIntoPostgres(location, seed, count);
    // A new dataset is written as a bulk load (bulkload.h): the indexes are built once at the end.
    std::unique_ptr<BulkLoad> bulk;
    std::unique_ptr<Dataset> opened;
    if (BulkLoad::canCreate(location) && count > 0) {
        QString error;
        bulk = BulkLoad::begin(location, &error);
        if (!bulk) {
            err(error);
            return Failure;
        }
    } else {
        opened = openDataset(location, Dataset::Mode::OpenOrCreate);
        if (!opened)
            return Failure;
    }
    Dataset *ds = bulk ? &bulk->dataset() : opened.get();
    qint64 added = 0;
    {
        PairStore store(*ds);
        store.setBulkLoad(bulk != nullptr);
        ProgressBar bar(tr("demo"));
        QString error;
        added = addDemoPairs(store, seed, count, &error, [&](qint64 done, qint64 total) {
            bar.update(done, total);
            return true;
        });
        bar.finish();
        if (added < 0) {
            QString message = ds->failureMessage(Dataset::Access::Write, error);
            if (bulk)
                message.replace(bulk->temporaryPath(), location);
            err(message);
            return Failure;
        }
        store.audit(u"import"_s, added, {{u"source"_s, u"demo"_s}, {u"seed"_s, QString::number(seed)}});
        if (ds->damageReported()) {
            err(ds->damageMessage());
            return Failure;
        }
    }
    if (bulk) {
        QString error;
        if (!bulk->finish(&error)) {
            err(error);
            return Failure;
        }
    }
    out(tr("Wrote %1 demo pairs to %2.").arg(added).arg(location));
    return Ok;
}

int runImport(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(
        parser, u"import"_s,
        tr("Imports pairs from JSON Lines, JSON or CSV files (seed field names, or question/sql/db_id). "
           "Malformed records are reported with their line number; the rest are imported. Exits 0 only "
           "when every record was imported or was already present."));
    parser.addPositionalArgument(u"DATASET"_s,
                                 tr("Dataset file (created when missing) or postgresql:// URL."));
    parser.addPositionalArgument(u"FILE"_s, tr("Files to import."), u"FILE..."_s);
    parser.addOption(
        {u"format"_s, tr("Force the format: jsonl, json or csv (default: detected)."), u"FMT"_s});
    if (!parseOrExplain(parser, args, 2))
        return Usage;
    ImportFormat format = ImportFormat::Auto;
    if (parser.isSet(u"format"_s)) {
        const QString f = parser.value(u"format"_s).toLower();
        format = f == u"jsonl"_s  ? ImportFormat::Jsonl
                 : f == u"json"_s ? ImportFormat::Json
                 : f == u"csv"_s  ? ImportFormat::Csv
                                  : ImportFormat::Auto;
        if (format == ImportFormat::Auto) {
            err(tr("pairlens import: --format must be jsonl, json or csv."));
            return Usage;
        }
    }
    const QString location = parser.positionalArguments().at(1);
    if (isPostgresLocation(location))
        return importIntoPostgres(location, parser.positionalArguments().mid(2), format);
    // A new dataset is written as a bulk load (bulkload.h): nobody else can see the file until it is
    // complete, and the indexes are built once at the end.
    std::unique_ptr<BulkLoad> bulk;
    std::unique_ptr<Dataset> opened;
    if (BulkLoad::canCreate(location)) {
        QString error;
        bulk = BulkLoad::begin(location, &error);
        if (!bulk) {
            err(error);
            return Failure;
        }
    } else {
        opened = openDataset(location, Dataset::Mode::OpenOrCreate);
        if (!opened)
            return Failure;
    }
    Dataset *ds = bulk ? &bulk->dataset() : opened.get();
    if (ds->isReadOnly()) {
        err(tr("%1 is read-only; nothing was imported.").arg(ds->location()));
        return Failure;
    }
    const int code = importInto(*ds, bulk != nullptr, parser.positionalArguments().mid(2), format);
    if (bulk && code != Failure) {
        QString error;
        if (!bulk->finish(&error)) {
            err(error);
            return Failure;
        }
    }
    return code;
}

// The messages of `pairlens import` about one file: the records skipped (with their line), the
// pair_id conflicts, a fatal error, and the counts.
static void printFileReport(const QString &file, const ImportReport &r)
{
    for (const ImportIssue &i : r.issues) {
        if (i.line > 0)
            err(tr("%1:%2: skipped: %3").arg(i.file).arg(i.line).arg(i.reason));
        else
            err(tr("%1: record %2: skipped: %3").arg(i.file).arg(i.record).arg(i.reason));
    }
    if (r.rejected > r.issues.size())
        err(tr("%1: %2 more records skipped.").arg(file).arg(r.rejected - r.issues.size()));
    // A pair_id taken by another question or SQL: not an error (re-importing a file after
    // editing its pairs in the window does it), but the record's content did not come in.
    for (const ImportIssue &i : r.conflicts)
        err(tr("%1:%2: not imported: %3").arg(i.file).arg(i.line).arg(i.reason));
    if (const qint64 n = r.conflictsWithDataset + r.conflictsInFile; n > 0)
        err(tr("%1: %2 records have a pair_id that is already taken by another question or SQL (%3 in "
               "the dataset, %4 earlier in the file); they were not imported.")
                .arg(file)
                .arg(n)
                .arg(r.conflictsWithDataset)
                .arg(r.conflictsInFile));
    if (!r.fatalError.isEmpty())
        err(r.fatalError);
    out(tr("%1: %2 records, %3 imported, %4 already present, %5 skipped.")
            .arg(file)
            .arg(r.records)
            .arg(r.added)
            .arg(r.alreadyPresent)
            .arg(r.rejected));
}

// Imports the files into a dataset (a bulk load's when `bulk`), with the messages of `pairlens import`.
static int importInto(Dataset &dataset, bool bulk, const QStringList &files, ImportFormat format)
{
    Dataset *ds = &dataset;
    PairStore store(*ds);
    store.setBulkLoad(bulk);
    Importer importer(store);
    ImportReport total;
    for (const QString &file : files) {
        ProgressBar bar(QFileInfo(file).fileName(), true);
        // The audit entry is written first and counts the pairs of every committed transaction,
        // so a killed import leaves an entry that says exactly what it added.
        store.startAddAudit(u"import"_s, {{u"file"_s, file}});
        const ImportReport r = importer.importFile(file, format, bar.progress());
        bar.finish();
        printFileReport(file, r);
        total.merge(r);
        store.finishAddAudit({{u"records"_s, r.records}, {u"skipped"_s, r.rejected}});
    }
    if (!total.fatalError.isEmpty())
        return Failure;
    if (ds->damageReported()) {
        // A read of the dataset (the pair_ids already there) met a damaged page.
        err(ds->damageMessage());
        return Failure;
    }
    return total.complete() ? Ok : Incomplete;
}

// A PostgreSQL dataset that this role may write, or nullptr after saying why.
static std::unique_ptr<PgStorage> openWritablePostgres(const QString &location)
{
    QString error;
    std::unique_ptr<PgStorage> storage = PgStorage::open(location, &error);
    if (storage && !storage->canWrite(&error))
        storage.reset();
    if (!storage)
        err(error);
    return storage;
}

// The demo's pairs into a PostgreSQL schema (created when missing), analysed as an import's, in
// batches of 10,000 of their own transactions; Ctrl-C stops after the batch under way. The same
// seed gives the same pairs as in a file (their dates end now).
static int demoIntoPostgres(const QString &location, quint64 seed, qint64 count)
{
    QString error;
    const std::unique_ptr<PgStorage> storage = openWritablePostgres(location);
    if (!storage)
        return Failure;
    CancelOnSignal cancel;
    DemoGenerator generator(seed);
    const Deriver deriver = storageDeriver(*storage);
    ProgressBar bar(tr("demo"));
    qint64 added = 0;
    for (qint64 done = 0; done < count && !CancelOnSignal::requested();) {
        const QList<Pair> pairs = generator.generate(int(std::min<qint64>(10000, count - done)));
        QList<DerivedFields> derived(pairs.size());
        QtConcurrent::blockingMap(derived, [&](DerivedFields &d) {
            const Pair &p = pairs.at(&d - derived.data());
            d = deriver.derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp, p.databaseType, p.pairId,
                               p.metadata);
        });
        const qint64 n = storage->addBatch(pairs, derived, &error);
        if (n < 0) {
            bar.finish();
            err(error);
            return Failure;
        }
        added += n;
        done += pairs.size();
        bar.update(done, count);
    }
    bar.finish();
    cancel.restoreDefaults();
    if (!storage->audit(u"import"_s, added, {{u"source"_s, u"demo"_s}, {u"seed"_s, QString::number(seed)}},
                        &error))
        err(tr("Warning: the demo pairs were not recorded in the audit log: %1").arg(error));
    if (added >= 10000)
        storage->analyze();
    out(tr("Wrote %1 demo pairs to %2.").arg(added).arg(storage->location()));
    return CancelOnSignal::requested() ? Cancelled : Ok;
}

// Imports the files into a PostgreSQL dataset through the same importer (storage/storageimport.h),
// with the same messages. Ctrl-C / SIGTERM stop it cleanly (exit 130): the batch being written is
// finished and the batches written stay (importing again adds the rest).
static int importIntoPostgres(const QString &location, const QStringList &files, ImportFormat format)
{
    QString error;
    const std::unique_ptr<PgStorage> storage = openWritablePostgres(location);
    if (!storage)
        return Failure;
    CancelOnSignal cancel;
    ImportReport total;
    for (const QString &file : files) {
        ProgressBar bar(QFileInfo(file).fileName(), true);
        const Progress progress([&bar](qint64 done, qint64 all, const QString &) { bar.update(done, all); },
                                CancelOnSignal::flag());
        const ImportReport r = importIntoStorage(*storage, file, format, progress);
        bar.finish();
        printFileReport(file, r);
        total.merge(r);
        if (CancelOnSignal::requested())
            break;
    }
    cancel.restoreDefaults();
    // Many new rows: the planner's statistics of the table, now rather than when autovacuum comes.
    if (total.added >= 10000)
        storage->analyze();
    if (!total.fatalError.isEmpty())
        return Failure;
    if (CancelOnSignal::requested())
        return Cancelled;
    return total.complete() ? Ok : Incomplete;
}

} // namespace pairlens::cli
