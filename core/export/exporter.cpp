#include "export/exporter.h"

#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "export/formatwriter.h"
#include "export/jsontext.h"
#include "export/outputfile.h"
#include "export/recordsource.h"
#include "export/splitgroups.h"
#include "export/targetcheck.h"
#include "privacy/anonymizer.h"
#include "stats/statistics.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSemaphore>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <optional>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

constexpr int kBatchSize = 1024;

QString tr(const char *text)
{
    return QCoreApplication::translate("Export", text);
}

// A batch of rows on its way through the pipeline: read on the dataset's thread, anonymized and
// encoded on a worker, written in order on the dataset's thread.
struct Batch
{
    std::vector<RawRow> rows;
    QByteArray bytes;                 // the encoded records, back to back
    std::vector<qsizetype> ends;      // end offset of each record in `bytes`
    std::vector<DedupeSet::Key> keys; // with dedupe
    std::vector<bool> train;          // with a split
    QSemaphore done;
};

struct Pipeline
{
    const FormatWriter *writer = nullptr;
    const privacy::Anonymizer *anonymizer = nullptr;
    bool dedupe = false;
    const SplitGroups *groups = nullptr; // with a split

    void process(Batch &b) const
    {
        b.ends.reserve(b.rows.size());
        b.bytes.reserve(qsizetype(b.rows.size()) * 640);
        RecordConverter converter(anonymizer);
        for (const RawRow &row : b.rows) {
            const ExportRecord record = converter.convert(row);
            writer->encode(record, b.bytes);
            b.ends.push_back(b.bytes.size());
            if (dedupe)
                b.keys.push_back(dedupeKey(record));
            if (groups) {
                // As the groups were built; else from the original text and id (the side must not
                // change when they are anonymized).
                if (const std::optional<bool> train = groups->isTrainRow(row.rowId)) {
                    b.train.push_back(*train);
                    continue;
                }
                const QString type = textFromUtf8(row.column(RawRow::DatabaseType));
                b.train.push_back(
                    groups->isTrain(dupkeys::questionKey(textFromUtf8(row.column(RawRow::Question))),
                                    dupkeys::sqlKey(textFromUtf8(row.column(RawRow::Sql)), type),
                                    row.column(RawRow::PairId).toByteArray()));
            }
        }
        b.rows = {}; // free the raw text early
    }
};

QJsonObject anonymizationJson(const ExportOptions &o, const privacy::Config &config)
{
    QJsonObject a{{u"enabled"_s, o.anonymize}};
    if (!o.anonymize)
        return a;
    // Config::toSettings never holds the key; the operators per kind and the custom patterns.
    QJsonObject ops;
    const QHash<QString, QString> settings = config.toSettings();
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        if (it.key() == u"privacy.custom_patterns"_s)
            a[u"custom_patterns"_s] = QJsonDocument::fromJson(it.value().toUtf8()).array();
        else if (it.key() == u"privacy.scan_metadata"_s)
            a[u"scan_metadata"_s] = it.value() == u"true"_s;
        else
            ops[QString(it.key()).remove(u"privacy.operator."_s)] = it.value();
    }
    a[u"operators"_s] = ops;
    return a;
}

} // namespace

// --- Anonymized statistics -------------------------------------------------------------------------

// The JSON envelope's statistics as an anonymized export writes them: database names through the
// database-name operator and table names through anonymizeTableName(), exactly as in the records;
// entries that become equal are merged (their counts added).
void anonymizeStatistics(Statistics &stats, const privacy::Anonymizer &anonymizer)
{
    QMap<QString, qint64> names;
    for (auto it = stats.databaseNames.cbegin(); it != stats.databaseNames.cend(); ++it)
        names[anonymizer.anonymizeDatabaseName(it.key())] += it.value();
    stats.databaseNames = names;
    QList<Statistics::Count> tables;
    for (const Statistics::Count &t : std::as_const(stats.topTables)) {
        const QString name = anonymizeTableName(anonymizer, t.name);
        auto it = std::find_if(tables.begin(), tables.end(), [&](const auto &c) { return c.name == name; });
        if (it == tables.end())
            tables.append({name, t.count});
        else
            it->count += t.count;
    }
    std::stable_sort(tables.begin(), tables.end(), [](const auto &a, const auto &b) {
        return a.count != b.count ? a.count > b.count : a.name < b.name;
    });
    stats.topTables = tables;
}

QStringList ExportResult::sha256s() const
{
    QStringList out;
    for (const ExportedFile &f : files)
        out << QString::fromLatin1(f.sha256);
    return out;
}

QString Exporter::engineVersion()
{
    return QStringLiteral(PAIRLENS_VERSION);
}

QStringList Exporter::filesNeedingConfirmation(const ExportOptions &options, const QString &datasetLocation)
{
    return checkTargets(options,
                        [&](const QString &path) { return Dataset::isDatasetFile(datasetLocation, path); })
        .notAnExport;
}

Filter Exporter::recordedFilter(const Filter &filter, const privacy::Anonymizer *anonymizer)
{
    if (!anonymizer)
        return filter;
    Filter f = filter;
    for (QString &name : f.databaseNames)
        name = anonymizer->anonymizeDatabaseName(name);
    if (!f.search.isEmpty())
        f.search = anonymizer->anonymizeText(f.search).text;
    for (QString &id : f.pairIds)
        id = anonymizer->anonymizeIdentifier(privacy::IdentifierField::PairId, id);
    return f;
}

Exporter::Exporter(Dataset &dataset, ExportOptions options)
    : m_dataset(&dataset), m_options(std::move(options))
{}

Exporter::Exporter(Storage &storage, ExportOptions options)
    : m_storage(&storage), m_options(std::move(options))
{}

std::optional<privacy::Config> Exporter::privacyConfig(QString *error) const
{
    // Never without the settings: an anonymizer missing the reviewers' own patterns and decisions
    // would let their values out.
    QHash<QString, QString> settings;
    QString why;
    if (m_dataset ? !m_dataset->readSettings(&settings, &why) : !m_storage->readSettings(&settings, &why)) {
        *error = tr("Cannot read the privacy settings: %1").arg(why);
        return std::nullopt;
    }
    privacy::Config c = privacy::Config::fromSettings(settings);
    c.key = m_dataset ? m_dataset->secret() : m_storage->secret();
    return c;
}

QList<QByteArray> Exporter::preview(int limit, QString *error)
{
    QList<QByteArray> out;
    QString settingsError;
    const std::optional<privacy::Config> config = privacyConfig(&settingsError);
    if (!config) {
        if (error)
            *error = settingsError;
        return out;
    }
    const privacy::Anonymizer anonymizer(*config);
    WriterContext context{m_options.fields,
                          m_options.csvRaw,
                          m_options.systemPrompt.value_or(defaultSystemPrompt()),
                          m_options.promptTemplate,
                          QDateTime::currentDateTimeUtc(),
                          {}};
    const std::unique_ptr<FormatWriter> writer = FormatWriter::create(m_options.format, context);
    std::optional<RecordSource> source;
    if (m_dataset)
        source.emplace(*m_dataset);
    else
        source.emplace(*m_storage);
    if (!source->start(m_options.effectiveFilter())) {
        if (error)
            *error = source->errorString();
        return out;
    }
    std::vector<RawRow> rows;
    source->read(rows, limit);
    RecordConverter converter(m_options.anonymize ? &anonymizer : nullptr);
    for (const RawRow &row : rows) {
        QByteArray bytes;
        writer->encode(converter.convert(row), bytes);
        out << bytes;
    }
    if (error)
        *error = source->errorString();
    return out;
}

ExportResult Exporter::run(const Progress &progress)
{
    const int losses = m_storage ? m_storage->connectionLosses() : 0;
    ExportResult result = runOnce(progress);
    // Nothing of a failed attempt was committed (the files are written under temporary names), so
    // a read cut off by a lost connection starts again on the new one, once. Bytes already sent to
    // standard output (or `pairlens serve`'s response) cannot be taken back.
    if (result.ok || result.cancelled || !m_storage || m_options.toStdout() || progress.isCancelled())
        return result;
    const bool back = m_storage->reachableWithin(
        Storage::kReconnectWaitMs, [&] { return !progress.report(0, 0, tr("Reconnecting to the server")); });
    if (!back || m_storage->connectionLosses() == losses)
        return result;
    ExportResult again = runOnce(progress);
    if (again.ok)
        again.warnings.prepend(tr("The connection to %1 was lost during the export; PairLens reconnected and "
                                  "exported again from the start.")
                                   .arg(m_storage->location()));
    return again;
}

ExportResult Exporter::runOnce(const Progress &progress)
{
    ExportResult result;
    const ExportOptions &o = m_options;
    auto failed = [&](const QString &message) {
        result.ok = false;
        result.error = message;
        return result;
    };
    if (const QString problem = o.validate(); !problem.isEmpty())
        return failed(problem);
    QStringList targets = o.outputPaths();
    if (!o.manifestPath().isEmpty())
        targets << o.manifestPath();
    for (const QString &path : std::as_const(targets)) {
        // Writing there would replace the dataset (or its WAL) with the export.
        if (m_dataset && m_dataset->isOwnFile(path))
            return failed(
                tr("%1 is the dataset itself (or one of its files); choose another export file.").arg(path));
    }
    // Nothing is replaced that is not an earlier export of the same kind, unless asked to (and
    // never anything but a regular file). Checked again just before the files are committed.
    const auto isOwnFile = [this](const QString &path) { return m_dataset && m_dataset->isOwnFile(path); };
    // A read's failure as one sentence: a dataset file says which file and why; the storage's
    // sentences already name the store.
    const auto readFailure = [this](const QString &error) {
        return m_dataset ? m_dataset->failureMessage(Dataset::Access::Read, error) : error;
    };
    const auto refuse = [&](const TargetCheck &check) -> bool {
        if (!check.notRegular.isEmpty()) {
            failed(tr("%1 is not a regular file; an export only replaces regular files (-o - writes to "
                      "standard output).")
                       .arg(QDir::toNativeSeparators(check.notRegular)));
            return true;
        }
        if (!o.overwrite && !check.notAnExport.isEmpty()) {
            result.refusedFiles = check.notAnExport;
            failed(tr("Not replacing %1: not an unchanged earlier PairLens %2 export; nothing was written.")
                       .arg(nativeList(check.notAnExport), formatName(o.format)));
            return true;
        }
        return false;
    };
    if (refuse(checkTargets(o, isOwnFile)))
        return result;
    const QStringList written = writtenPaths(o);
    QList<PathState> before;
    for (const QString &path : written)
        before << stateOf(path);

    const Filter filter = o.effectiveFilter();
    std::optional<PairStore> store;
    if (m_dataset)
        store.emplace(*m_dataset);
    // The source sets the connection up for one streaming pass (a small page cache, no memory map):
    // for the counts, the grouping pass of a split and the export itself.
    std::optional<RecordSource> source;
    if (m_dataset)
        source.emplace(*m_dataset);
    else
        source.emplace(*m_storage);
    {
        QString error;
        const std::optional<ScopeCounts> counts =
            m_dataset ? countScope(*m_dataset, o, &error) : countScope(*m_storage, o, &error);
        if (!counts)
            return failed(readFailure(error));
        result.scope = *counts;
        result.matched = counts->matched;
    }

    QString settingsError;
    const std::optional<privacy::Config> config = privacyConfig(&settingsError);
    if (!config)
        return failed(readFailure(settingsError));
    const privacy::Anonymizer anonymizer(*config);
    const privacy::Anonymizer *anonymizing = o.anonymize ? &anonymizer : nullptr;
    // What the manifest and the audit log record: in an anonymized export, no value the records
    // replace appears in them either.
    const Filter recorded = recordedFilter(filter, anonymizing);

    WriterContext context{o.fields,
                          o.csvRaw,
                          o.systemPrompt.value_or(defaultSystemPrompt()),
                          o.promptTemplate,
                          QDateTime::currentDateTimeUtc(),
                          {}};
    if (o.format == Format::Json) {
        Statistics stats;
        QString error;
        if (m_dataset ? !computeStatistics(*m_dataset, filter, &stats, &error)
                      : !m_storage->statistics(filter, &stats, &error))
            return failed(tr("Cannot compute the statistics: %1").arg(error));
        if (anonymizing)
            anonymizeStatistics(stats, *anonymizing);
        context.statistics = stats.toJson();
    }
    const std::unique_ptr<FormatWriter> encoder = FormatWriter::create(o.format, context);

    // One output (and one streaming writer) per file.
    const QStringList paths = o.outputPaths();
    const int level = o.compressed() ? o.gzipLevel : 0;
    std::vector<std::unique_ptr<OutputFile>> files;
    std::vector<std::unique_ptr<FormatWriter>> writers;
    for (const QString &path : paths) {
        files.push_back(std::make_unique<OutputFile>(path, level, o.outputFd));
        writers.push_back(FormatWriter::create(o.format, context));
        if (!files.back()->open() || !writers.back()->begin(files.back().get()))
            return failed(files.back()->errorString());
    }

    // A split first joins the pairs that share a normalized question or SQL into groups (one read
    // of the question and SQL of every live pair), so that each group goes to one side.
    std::optional<SplitGroups> groups;
    if (o.split > 0) {
        groups.emplace(m_dataset ? m_dataset->secret() : m_storage->secret(), o.split);
        QString countError;
        const qint64 live = store ? store->count(Filter{}) : m_storage->count(Filter{}, &countError);
        std::atomic_bool stop = progress.isCancelled();
        const Progress grouping(
            [&](qint64 done, qint64, const QString &stage) {
                if (!progress.report(done, live, stage))
                    stop = true;
            },
            &stop);
        QString error;
        if (m_dataset ? !groups->build(*m_dataset, grouping, &error)
                      : !groups->build(*m_storage, grouping, &error)) {
            if (!error.isEmpty())
                return failed(readFailure(error));
            result.cancelled = true;
            result.error = tr("The export was cancelled; no file was written.");
            return result;
        }
        result.splitGroups = groups->groupCount();
    }

    const bool dedupe = o.dedupes();
    Pipeline pipeline{encoder.get(), anonymizing, dedupe, groups ? &*groups : nullptr};
    if (!source->start(filter))
        return failed(readFailure(source->errorString()));

    // Batches are anonymized and encoded on the pool while this thread reads the next ones and
    // writes finished ones in order; at most `inFlight` batches exist at a time (bounded memory).
    QThreadPool pool;
    pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
    const size_t inFlight = size_t(pool.maxThreadCount()) * 2 + 1;
    std::deque<std::shared_ptr<Batch>> queue;
    DedupeSet seen;
    qint64 processed = 0;
    QString writeError;
    bool cancelled = progress.isCancelled();

    auto writeFront = [&]() {
        std::shared_ptr<Batch> b = queue.front();
        queue.pop_front();
        b->done.acquire();
        qsizetype start = 0;
        for (size_t i = 0; i < b->ends.size(); ++i) {
            const qsizetype end = b->ends[i];
            const qsizetype begin = start;
            start = end;
            if (!writeError.isEmpty())
                continue;
            if (dedupe && !seen.insert(b->keys[i])) {
                ++result.duplicates;
                continue;
            }
            FormatWriter &w = *writers[o.split > 0 && !b->train[i] ? 1 : 0];
            if (!w.writeEncoded(b->bytes.constData() + begin, end - begin))
                writeError = w.errorString();
        }
        processed += qint64(b->ends.size());
    };

    while (!cancelled && writeError.isEmpty()) {
        auto batch = std::make_shared<Batch>();
        batch->rows.reserve(kBatchSize);
        if (source->read(batch->rows, kBatchSize) == 0)
            break;
        queue.push_back(batch);
        pool.start([batch, &pipeline] {
            pipeline.process(*batch);
            batch->done.release();
        });
        while (queue.size() >= inFlight)
            writeFront();
        cancelled = !progress.report(processed, result.scope.selected, tr("Exporting"));
    }
    while (!queue.empty())
        writeFront();
    pool.waitForDone();
    if (!source->errorString().isEmpty() && writeError.isEmpty() && !cancelled)
        return failed(readFailure(source->errorString()));
    if (cancelled || progress.isCancelled()) {
        result.cancelled = true;
        result.error = tr("The export was cancelled; no file was written.");
        return result; // the OutputFiles discard their temporary files
    }
    if (!writeError.isEmpty())
        return failed(writeError);
    progress.report(processed, result.scope.selected, tr("Exporting"));

    for (size_t i = 0; i < writers.size(); ++i) {
        if (!writers[i]->finish())
            return failed(files[i]->errorString());
        ExportedFile f;
        f.path = files[i]->path();
        f.role = paths.size() == 1 ? u"all"_s : i == 0 ? u"train"_s : u"val"_s;
        f.pairs = writers[i]->count();
        f.bytes = files[i]->bytesWritten();
        f.sha256 = files[i]->sha256Hex();
        result.count += f.pairs;
        result.files << f;
    }

    if (groups && result.count >= 20) {
        // Whole groups go to one side: with a few large groups the shares can differ from the
        // fraction asked for, and the user should know.
        const double train = double(result.files.at(0).pairs) / double(result.count);
        if (std::abs(train - o.split) > 0.1)
            result.warnings
                << tr("The split put %1% of the pairs in the training file (%2% asked for): pairs "
                      "that share a normalized question or SQL stay on one side, and the dataset's "
                      "pairs form %3 such groups.")
                       .arg(qRound(train * 100))
                       .arg(qRound(o.split * 100))
                       .arg(result.splitGroups);
    }
    const QJsonObject leftOut{{u"rejected"_s, result.scope.rejected},
                              {u"unreviewed"_s, result.scope.unreviewed},
                              {u"failed"_s, result.scope.failed},
                              {u"duplicates"_s, result.duplicates}};

    // The manifest is written before anything is committed, so a failure leaves nothing behind.
    std::unique_ptr<QSaveFile> manifest;
    if (o.writeManifest && !o.toStdout()) {
        QJsonArray filesJson;
        for (const ExportedFile &f : std::as_const(result.files))
            filesJson.append(QJsonObject{{u"name"_s, QFileInfo(f.path).fileName()},
                                         {u"role"_s, f.role},
                                         {u"pairs"_s, f.pairs},
                                         {u"bytes"_s, f.bytes},
                                         {u"sha256"_s, QString::fromLatin1(f.sha256)}});
        const QString datasetName =
            m_dataset ? QFileInfo(m_dataset->location()).fileName() : m_storage->location();
        QJsonObject json{
            {u"manifest_version"_s, 1},
            {u"engine"_s, u"PairLens"_s},
            {u"engine_version"_s, engineVersion()},
            {u"exported_at"_s, context.exportedAt.toString(Qt::ISODateWithMs)},
            {u"dataset"_s, anonymizing ? anonymizing->anonymizeText(datasetName).text : datasetName},
            {u"format"_s, formatName(o.format)},
            {u"options"_s, o.toJson()},
            {u"filter"_s, recorded.toJson()},
            {u"filter_description"_s, recorded.describe()},
            {u"matched_pairs"_s, result.matched},
            {u"review"_s, reviewScopeName(o.review)},
            {u"left_out"_s, leftOut},
            {u"pair_count"_s, result.count},
            {u"duplicates_removed"_s, result.duplicates},
            {u"anonymization"_s, anonymizationJson(o, *config)},
            {u"files"_s, filesJson},
        };
        if (groups)
            json[u"split_groups"_s] = result.splitGroups;
        result.manifestPath = o.manifestPath();
        manifest = std::make_unique<QSaveFile>(result.manifestPath);
        manifest->setDirectWriteFallback(false);
        if (!manifest->open(QIODevice::WriteOnly) || manifest->write(QJsonDocument(json).toJson()) < 0 ||
            !manifest->flush())
            return failed(tr("Cannot write %1: %2")
                              .arg(QDir::toNativeSeparators(result.manifestPath), manifest->errorString()));
    }

    // Commit every file only now that all of them are complete, unless something appeared at (or
    // changed at) a target meanwhile that may not be replaced.
    for (qsizetype i = 0; i < written.size(); ++i) {
        if (stateOf(written.at(i)) != before.at(i)) {
            if (refuse(checkTargets(o, isOwnFile)))
                return result; // the OutputFiles and the QSaveFile discard their temporary files
            break;
        }
    }
    // A damaged page ends a read as if the pairs had run out: never commit an export of part of them.
    if (m_dataset && m_dataset->damageReported())
        return failed(m_dataset->damageMessage());
    for (size_t i = 0; i < files.size(); ++i) {
        if (!files[i]->commit()) {
            for (size_t j = 0; j < i; ++j) // best effort: don't leave half a split behind
                QFile::remove(files[j]->path());
            return failed(files[i]->errorString());
        }
    }
    if (manifest && !manifest->commit())
        result.warnings << tr("Cannot write %1: %2").arg(result.manifestPath, manifest->errorString());

    // The read is over: a PostgreSQL cursor ends its read-only transaction here, before the entry
    // is written on the same connection.
    source.reset();
    if (o.audit && (store || m_storage)) {
        QJsonArray names;
        for (const ExportedFile &f : std::as_const(result.files))
            names.append(o.toStdout() ? u"-"_s
                                      : QDir::toNativeSeparators(QFileInfo(f.path).absoluteFilePath()));
        const QJsonObject detail{{u"format"_s, formatName(o.format)},
                                 {u"files"_s, names},
                                 {u"sha256"_s, QJsonArray::fromStringList(result.sha256s())},
                                 {u"anonymized"_s, o.anonymize},
                                 {u"matched"_s, result.matched},
                                 {u"left_out"_s, leftOut},
                                 {u"options"_s, o.toJson()},
                                 {u"filter"_s, recorded.toJson()}};
        QString why;
        if (store && !store->audit(u"export"_s, result.count, detail))
            why = m_dataset->isReadOnly() ? tr("the dataset is read-only") : store->errorString();
        else if (!store && m_storage->canWrite(&why))
            m_storage->audit(u"export"_s, result.count, detail, &why);
        if (!why.isEmpty())
            result.warnings << tr("The export was not recorded in the audit log: %1").arg(why);
    }
    result.ok = true;
    return result;
}

} // namespace pairlens::exporting
