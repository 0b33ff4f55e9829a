#include "dataset/importer.h"
#include "dataset/importer_p.h"

#include "dataset/csvreader.h"
#include "dataset/jsonreader.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace pairlens {

using namespace detail;

// Collects pairs into batches for the store and records rejections. A batch is at most kBatch
// pairs and about kBatchBytes of their text, so that memory stays bounded whatever the records.
struct Importer::Sink
{
    Importer &importer;
    ImportReport &report;
    QString file;
    qint64 importStart = 0;
    QList<Pair> batch;
    QList<qint64> lines;
    qsizetype bytes = 0;
    static constexpr int kBatch = 5000;
    static constexpr qsizetype kBatchBytes = 8 << 20;

    void reject(qint64 line, qint64 record, const QString &reason)
    {
        ++report.rejected;
        if (report.issues.size() < ImportReport::kMaxIssues)
            report.issues.append({file, line, record, reason});
    }
    bool flush()
    {
        if (batch.isEmpty())
            return true;
        importer.noteConflicts(batch, lines, file, importStart, report);
        const ImportTarget::Added r = importer.m_target.add(batch, {});
        batch.clear();
        lines.clear();
        bytes = 0;
        report.added += r.added;
        report.alreadyPresent += r.alreadyPresent;
        if (!r.error.isEmpty()) {
            report.fatalError = importer.m_target.writeFailure(r.error);
            return false;
        }
        return true;
    }
    bool add(Pair &&p, qint64 line, qsizetype size)
    {
        batch.append(std::move(p));
        lines.append(line);
        bytes += size;
        return (batch.size() < kBatch && bytes < kBatchBytes) || flush();
    }
};

Importer::Importer(PairStore &store)
    : m_ownTarget(std::make_unique<PairStoreTarget>(store)), m_target(*m_ownTarget)
{}

Importer::Importer(ImportTarget &target) : m_target(target) {}

QString Importer::formatName(ImportFormat format)
{
    switch (format) {
    case ImportFormat::Auto:
        return u"auto"_s;
    case ImportFormat::Jsonl:
        return u"jsonl"_s;
    case ImportFormat::Json:
        return u"json"_s;
    case ImportFormat::Csv:
        return u"csv"_s;
    }
    return {};
}

ImportFormat Importer::detectFormat(const QString &path, QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"jsonl"_s || suffix == u"ndjson"_s)
        return ImportFormat::Jsonl;
    if (suffix == u"csv"_s)
        return ImportFormat::Csv;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(path, f.errorString());
        return ImportFormat::Auto;
    }
    const QByteArray head = f.read(1 << 16);
    qsizetype i = head.startsWith("\xEF\xBB\xBF") ? 3 : 0;
    while (i < head.size() && QChar::isSpace(uchar(head.at(i))))
        ++i;
    if (i >= head.size()) {
        return suffix == u"json"_s ? ImportFormat::Json : ImportFormat::Jsonl;
    }
    if (head.at(i) == '[')
        return ImportFormat::Json;
    if (head.at(i) == '{') {
        // One complete object on the first line means JSON Lines; otherwise one JSON document.
        const qsizetype eol = head.indexOf('\n', i);
        const QByteArray first = head.mid(i, eol < 0 ? -1 : eol - i);
        QJsonParseError pe;
        QJsonDocument::fromJson(first, &pe);
        if (pe.error == QJsonParseError::NoError && eol >= 0)
            return ImportFormat::Jsonl;
        return ImportFormat::Json;
    }
    if (suffix == u"json"_s) {
        *error = tr("%1 does not start with a JSON array or object.").arg(path);
        return ImportFormat::Auto;
    }
    if (head.contains(',') && !head.contains('\0'))
        return ImportFormat::Csv;
    *error = tr("Cannot tell the format of %1: expected JSON Lines, JSON or CSV.").arg(path);
    return ImportFormat::Auto;
}

ImportReport Importer::importFile(const QString &path, ImportFormat format, const Progress &progress)
{
    ImportReport report;
    if (!QFileInfo(path).isFile()) {
        report.fatalError = tr("%1 does not exist or is not a file.").arg(path);
        return report;
    }
    if (m_target.isOwnFile(path)) {
        // Reading it would open the dataset outside SQLite, which drops this process's locks on it.
        report.fatalError =
            tr("%1 is the dataset itself (or one of its files); nothing was imported.").arg(path);
        return report;
    }
    if (format == ImportFormat::Auto) {
        QString error;
        format = detectFormat(path, &error);
        if (format == ImportFormat::Auto) {
            report.fatalError = error;
            return report;
        }
    }
    // The PII kinds follow the target's privacy settings as they are now (a window's store may
    // have been opened before `pairlens privacy` changed them); never the defaults for unread ones.
    if (QString unreadable; !m_target.deriver().refresh(&unreadable)) {
        report.fatalError = unreadable;
        return report;
    }
    switch (format) {
    case ImportFormat::Jsonl:
        return importJsonl(path, progress);
    case ImportFormat::Json:
        return importJson(path, progress);
    case ImportFormat::Csv:
        return importCsv(path, progress);
    case ImportFormat::Auto:
        break;
    }
    return report;
}

ImportReport Importer::importJson(const QString &path, const Progress &progress)
{
    ImportReport report;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        report.fatalError = tr("Cannot read %1: %2").arg(path, f.errorString());
        return report;
    }
    // Streamed: one record's text at a time, never the whole document.
    JsonRecordReader reader(&f);
    Sink sink{*this, report, path, m_target.maxRowId(), {}, {}, 0};
    const QByteArray fileKey = QFileInfo(path).fileName().toUtf8();
    const qint64 total = f.size();
    JsonRecordReader::Record record;
    while (reader.next(&record)) {
        ++report.records;
        if (!record.error.isEmpty()) {
            sink.reject(record.line, record.index, record.error);
            continue;
        }
        if (record.tooLarge) {
            sink.reject(record.line, record.index, tr("the record is larger than 16 MiB"));
            continue;
        }
        QJsonObject object;
        QString reason;
        if (!record.text.startsWith('{')) {
            sink.reject(record.line, record.index, tr("the record is not a JSON object"));
            continue;
        }
        if (!parseRecordText(record.text, false, &object, &reason)) {
            sink.reject(record.line, record.index, reason);
            continue;
        }
        // The same key as when the whole array was parsed at once: re-imports find the same ids.
        const QByteArray key = fileKey + ':' + QByteArray::number(record.index - 1) + ':' +
                               QJsonDocument(object).toJson(QJsonDocument::Compact);
        std::optional<Pair> p = pairFromRecord(object, key, &reason);
        if (!p) {
            sink.reject(record.line, record.index, reason);
            continue;
        }
        if (!sink.add(std::move(*p), record.line, record.text.size() * 3))
            return report;
        if ((report.records & 1023) == 0 && !progress.report(reader.position(), total, path)) {
            report.cancelled = true;
            break;
        }
    }
    if (!sink.flush())
        return report;
    if (!reader.error().isEmpty() && !report.cancelled) {
        report.fatalError = tr("%1 is not valid JSON: %2; reading stopped on line %3, after %4 records.")
                                .arg(path, reader.error())
                                .arg(reader.errorLine())
                                .arg(report.records);
        return report;
    }
    progress.report(total, total, path);
    return report;
}

ImportReport Importer::importCsv(const QString &path, const Progress &progress)
{
    ImportReport report;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        report.fatalError = tr("Cannot read %1: %2").arg(path, f.errorString());
        return report;
    }
    CsvReader reader(&f);
    QStringList header;
    if (!reader.next(&header)) {
        return report; // an empty file holds no records
    }
    if (!reader.recordError().isEmpty()) {
        report.fatalError = tr("The header of %1 cannot be read: %2.").arg(path, reader.recordError());
        return report;
    }
    for (QString &h : header)
        h = h.trimmed();
    if (!header.contains(u"natural_language_query"_s) && !header.contains(u"question"_s)) {
        report.fatalError =
            tr("%1 has no \"natural_language_query\" or \"question\" column in its header.").arg(path);
        return report;
    }
    reader.setFieldCount(int(header.size()));
    Sink sink{*this, report, path, m_target.maxRowId(), {}, {}, 0};
    const QByteArray fileKey = QFileInfo(path).fileName().toUtf8();
    const qint64 total = f.size();
    QStringList fields;
    while (reader.next(&fields)) {
        ++report.records;
        if (!reader.recordError().isEmpty()) {
            sink.reject(reader.recordLine(), report.records, reader.recordError());
            continue;
        }
        if (fields.size() != header.size()) {
            sink.reject(reader.recordLine(), report.records,
                        tr("%1 fields where the header has %2").arg(fields.size()).arg(header.size()));
            continue;
        }
        QJsonObject o;
        qsizetype size = 0;
        for (int i = 0; i < header.size(); ++i) {
            size += fields.at(i).size();
            if (!fields.at(i).isEmpty() || header.at(i) == u"sql_query"_s || header.at(i) == u"sql"_s)
                o.insert(header.at(i), fields.at(i));
        }
        QString reason;
        std::optional<Pair> p = pairFromRecord(
            o, fileKey + ':' + QByteArray::number(reader.recordLine()) + ':' + fields.join(u'\x1f').toUtf8(),
            &reason);
        if (!p) {
            sink.reject(reader.recordLine(), report.records, reason);
            continue;
        }
        if (!sink.add(std::move(*p), reader.recordLine(), size * 4))
            return report;
        if ((report.records & 1023) == 0 && !progress.report(f.pos(), total, path)) {
            report.cancelled = true;
            break;
        }
    }
    if (!sink.flush())
        return report;
    progress.report(total, total, path);
    return report;
}

} // namespace pairlens
