#include "storage/storageimport.h"

#include "dataset/bulkload.h"
#include "dataset/pairstore.h"
#include "privacy/anonymizer.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>

using namespace Qt::StringLiterals;

namespace pairlens {

ImportReport importIntoStorage(Storage &storage, const QString &file, ImportFormat format,
                               const Progress &progress, const QJsonObject &auditDetail)
{
    ImportReport report;
    QTemporaryDir dir;
    if (!dir.isValid()) {
        report.fatalError = QCoreApplication::translate("Storage", "Cannot create a temporary folder for the "
                                                                   "import: %1")
                                .arg(dir.errorString());
        return report;
    }
    QString error;
    std::unique_ptr<BulkLoad> staging = BulkLoad::begin(dir.filePath(u"staging.pairlens"_s), &error);
    if (!staging) {
        report.fatalError = error;
        return report;
    }
    // The staging dataset's analysis finds the PII kinds the storage's settings find.
    {
        const privacy::Config config = privacy::Config::fromSettings(storage.settings());
        QHash<QString, QString> settings = config.toSettings();
        settings.insert(privacy::Config::kDecisionsKey, privacy::decisionsToJson(config.decisions));
        for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
            if (!staging->dataset().setSetting(it.key(), it.value())) {
                report.fatalError = staging->dataset().errorString();
                return report;
            }
        }
    }
    qint64 lastId = 0, moved = 0, added = 0, taken = 0;
    QString moveError;
    // The storage writes one batch at a time on a worker thread while this thread reads and analyses
    // the next records (the staging dataset stays on this thread).
    QFuture<void> writing;
    QString writeError;
    const auto waitForWrite = [&]() {
        writing.waitForFinished();
        writing = {};
        if (!writeError.isEmpty() && moveError.isEmpty())
            moveError = writeError;
    };
    // Moves the pairs staged since the last call on to the storage, in batches.
    const auto move = [&]() {
        constexpr int kBatch = 5000;
        QSqlQuery q(staging->dataset().db());
        q.setForwardOnly(true);
        while (moveError.isEmpty()) {
            q.prepare(
                u"SELECT id, pair_id, natural_language_query, sql_query, timestamp, database_type, "
                "database_name, success, execution_time_ms, metadata, ts, query_type, table_names, "
                "pii_mask, question_length, sql_length FROM pairs WHERE id > ? ORDER BY id LIMIT %1"_s.arg(
                    kBatch));
            q.addBindValue(lastId);
            if (!q.exec()) {
                moveError = q.lastError().text();
                return;
            }
            QList<Pair> pairs;
            QList<DerivedFields> derived;
            while (q.next()) {
                lastId = q.value(0).toLongLong();
                Pair p = PairStore::readSeedFields(q);
                p.rowId = 0; // a row of the staging dataset, not of the target
                DerivedFields d;
                d.ts = q.value(10).toString();
                d.queryType = q.value(11).toString();
                d.tableNamesJson = q.value(12).toString();
                d.piiMask = quint32(q.value(13).toLongLong());
                d.questionLength = q.value(14).toInt();
                d.sqlLength = q.value(15).toInt();
                pairs.append(std::move(p));
                derived.append(std::move(d));
            }
            q.finish();
            if (pairs.isEmpty())
                return;
            waitForWrite();
            if (!moveError.isEmpty())
                return;
            writing = QtConcurrent::run([&storage, &writeError, &moved, &added, &taken,
                                         pairs = std::move(pairs), derived = std::move(derived)]() {
                qint64 conflicts = 0;
                const qint64 n = storage.addBatch(pairs, derived, &writeError, &conflicts);
                if (n >= 0) {
                    moved += pairs.size();
                    added += n;
                    taken += conflicts;
                }
            });
        }
    };
    std::atomic_bool stop = false;
    {
        PairStore store(staging->dataset());
        store.setBulkLoad(true);
        Importer importer(store);
        const Progress staged(
            [&](qint64 done, qint64 total, const QString &stage) {
                move();
                if (!moveError.isEmpty() || !progress.report(done, total, stage))
                    stop = true;
            },
            &stop);
        report = importer.importFile(file, format, staged);
        if (moveError.isEmpty() && !report.cancelled)
            move();
        waitForWrite();
    }
    // The staging dataset counted what was new to it; the storage says what was new to it.
    report.alreadyPresent += moved - added;
    report.added = added;
    report.conflictsWithDataset = taken;
    if (!moveError.isEmpty()) {
        report.cancelled = false;
        if (report.fatalError.isEmpty())
            report.fatalError = moveError;
    }
    // The entry `pairlens import` writes in a dataset file's audit log, once the pairs are in (a
    // killed import leaves none: the batches it committed are in the store unlogged). As for a file,
    // a failure to log does not fail the import.
    QString auditError;
    QJsonObject detail{{u"file"_s, file},
                       {u"records"_s, report.records},
                       {u"skipped"_s, report.rejected},
                       {u"state"_s, u"done"_s}};
    for (auto it = auditDetail.begin(); it != auditDetail.end(); ++it)
        detail.insert(it.key(), it.value());
    if (moveError.isEmpty())
        storage.audit(u"import"_s, added, detail, &auditError);
    return report;
}

} // namespace pairlens
