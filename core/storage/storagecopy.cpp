#include "storage/storagecopy.h"
#include "storage/storage.h"
#include "storage/storagecopy_p.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonObject>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace copydetail {

QString tr(const char *text)
{
    return QCoreApplication::translate("StorageCopy", text);
}

} // namespace copydetail

using namespace copydetail;

namespace {

// What names one dataset, for "SOURCE and TARGET are the same": a file's absolute path, or a
// PostgreSQL server, database and schema (whoever connects).
QString identity(const QString &location)
{
    if (!isPostgresLocation(location)) {
        const QFileInfo info(location);
        return info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
    }
    const QUrl url(location);
    QString schema = QUrlQuery(url).queryItemValue(u"schema"_s, QUrl::FullyDecoded);
    if (schema.isEmpty())
        schema = u"training_data"_s;
    return u"%1:%2%3/%4"_s.arg(url.host().toLower()).arg(url.port(5432)).arg(url.path(), schema);
}

// One pass from `source` to `target`.
CopyReport copyWith(Source &source, Target &target, const Progress &progress)
{
    CopyReport report;
    QHash<QString, QString> settings;
    qint64 total = 0;
    if (!source.begin(&settings, &total, &report.error) || !target.begin(&report.error))
        return report;
    const auto stop = [&] {
        report.cancelled = true;
        report.pairs = report.trashed = report.auditEntries = 0;
        return report;
    };
    if (!progress.report(0, total))
        return stop();
    while (true) {
        QList<Row> rows;
        rows.reserve(kPairBatch);
        const int n = source.pairs(&rows, &report.error);
        if (n < 0)
            return report;
        if (n == 0)
            break;
        if (!target.addPairs(rows, &report.error))
            return report;
        report.pairs += n;
        for (const Row &row : std::as_const(rows))
            report.trashed += row[kBatchColumn].isNull() ? 0 : 1;
        if (!progress.report(report.pairs, std::max(total, report.pairs)))
            return stop();
    }
    if (!target.endPairs(&report.error))
        return report;
    while (true) {
        QList<AuditRow> rows;
        const int n = source.audit(&rows, &report.error);
        if (n < 0)
            return report;
        if (n == 0)
            break;
        if (!target.addAudit(rows, &report.error))
            return report;
        report.auditEntries += n;
    }
    if (progress.isCancelled())
        return stop();
    const QJsonObject detail{{u"source"_s, source.location()}, {u"audit_entries"_s, report.auditEntries}};
    if (!target.finish(settings, report.pairs, detail, &report.error))
        return report;
    return report;
}

// One attempt. *opened: whether both sides opened; *lost: whether a server's connection (the
// source's or the target's) was lost in it.
CopyReport copyOnce(const QString &sourceLocation, const QString &targetLocation, const Progress &progress,
                    bool *opened, bool *lost)
{
    *opened = *lost = false;
    CopyReport report;
    std::unique_ptr<Source> source = openSource(sourceLocation, &report.error);
    if (!source)
        return report;
    std::unique_ptr<Target> target = openTarget(targetLocation, &report.error);
    if (!target)
        return report;
    *opened = true;
    report = copyWith(*source, *target, progress);
    *lost = source->lostConnection() || target->lostConnection();
    return report;
}

} // namespace

CopyReport copyDataset(const QString &sourceLocation, const QString &targetLocation, const Progress &progress)
{
    if (identity(sourceLocation) == identity(targetLocation)) {
        CopyReport report;
        report.error = tr("The source and the target are the same dataset; nothing was copied.");
        return report;
    }
    bool opened = false, lost = false;
    CopyReport report = copyOnce(sourceLocation, targetLocation, progress, &opened, &lost);
    if (report.error.isEmpty() || report.cancelled || !lost || progress.isCancelled())
        return report;
    // The target was left as it was (storagecopy.h), so a copy cut off by a lost connection (a
    // server restarting) starts again from the beginning once both sides open, asked every half
    // second for 15 s; a second loss ends it with its error.
    const QString first = report.error;
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        report = copyOnce(sourceLocation, targetLocation, progress, &opened, &lost);
        if (opened || report.cancelled || waited.elapsed() >= Storage::kReconnectWaitMs)
            break;
        // Neither side could be opened yet: the server is still starting.
        if (!progress.report(0, 0, tr("Reconnecting to the server")))
            return report;
        QThread::msleep(500);
    }
    if (report.error.isEmpty() && !report.cancelled)
        report.warnings << tr("The connection was lost during the copy (%1); PairLens reconnected and copied "
                              "again from the start.")
                               .arg(first);
    return report;
}

} // namespace pairlens
