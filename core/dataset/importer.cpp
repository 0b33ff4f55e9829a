#include "dataset/importer.h"

#include "dataset/csvreader.h"
#include "dataset/dataset.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Importer", text);
}

// Namespace for the stable ids of records that arrive without a pair_id.
const QUuid kIdNamespace(u"6f1d2a4e-3c9b-4f7a-9a51-2b0c8e7d5f10"_s);

QString firstString(const QJsonObject &o, std::initializer_list<QString> keys, bool *present = nullptr)
{
    for (const QString &k : keys) {
        const auto it = o.constFind(k);
        if (it != o.constEnd() && !it->isNull() && !it->isUndefined()) {
            if (present)
                *present = true;
            if (it->isString())
                return it->toString();
            if (it->isDouble())
                return QString::number(it->toDouble(), 'g', 17);
            if (it->isBool())
                return it->toBool() ? u"true"_s : u"false"_s;
            return QString::fromUtf8(QJsonDocument(it->toObject()).toJson(QJsonDocument::Compact));
        }
    }
    if (present)
        *present = false;
    return {};
}

std::optional<bool> parseBool(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool();
    if (v.isDouble())
        return v.toDouble() != 0;
    if (v.isString()) {
        const QString s = v.toString().trimmed().toLower();
        if (s == u"true"_s || s == u"1"_s || s == u"yes"_s || s == u"t"_s || s == u"success"_s)
            return true;
        if (s == u"false"_s || s == u"0"_s || s == u"no"_s || s == u"f"_s || s == u"failure"_s ||
            s == u"failed"_s)
            return false;
    }
    return std::nullopt;
}

const QStringList kKnownKeys = {
    u"pair_id"_s,
    u"id"_s,
    u"natural_language_query"_s,
    u"question"_s,
    u"sql_query"_s,
    u"sql"_s,
    u"query"_s,
    u"timestamp"_s,
    u"database_type"_s,
    u"db_type"_s,
    u"database_name"_s,
    u"db_id"_s,
    u"success"_s,
    u"execution_time_ms"_s,
    u"metadata"_s,
    u"query_type"_s,
    u"table_names"_s,
    u"review_status"_s,
    u"reviewer_note"_s,
    u"pii_kinds"_s,
};

} // namespace

void ImportReport::merge(const ImportReport &o)
{
    records += o.records;
    added += o.added;
    alreadyPresent += o.alreadyPresent;
    rejected += o.rejected;
    for (const ImportIssue &i : o.issues) {
        if (issues.size() < kMaxIssues)
            issues << i;
    }
    if (fatalError.isEmpty())
        fatalError = o.fatalError;
    cancelled = cancelled || o.cancelled;
}

// Collects pairs into batches for the store and records rejections.
struct Importer::Sink
{
    PairStore &store;
    ImportReport &report;
    QString file;
    QList<Pair> batch;
    static constexpr int kBatch = 5000;

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
        const PairStore::AddResult r = store.add(batch);
        batch.clear();
        if (!r.error.isEmpty()) {
            report.fatalError = tr("Cannot write to the dataset: %1").arg(r.error);
            return false;
        }
        report.added += r.added;
        report.alreadyPresent += r.alreadyPresent;
        return true;
    }
    bool add(Pair &&p)
    {
        batch.append(std::move(p));
        return batch.size() < kBatch || flush();
    }
};

Importer::Importer(PairStore &store) : m_store(store) {}

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

std::optional<Pair> Importer::pairFromRecord(const QJsonObject &o, const QByteArray &fallbackId,
                                             QString *reason)
{
    Pair p;
    bool hasQuestion = false, hasSql = false;
    p.naturalLanguageQuery = firstString(o, {u"natural_language_query"_s, u"question"_s}, &hasQuestion);
    p.sqlQuery = firstString(o, {u"sql_query"_s, u"sql"_s, u"query"_s}, &hasSql);
    if (!hasQuestion) {
        *reason = tr("no question (natural_language_query or question)");
        return std::nullopt;
    }
    if (p.naturalLanguageQuery.trimmed().isEmpty()) {
        *reason = tr("the question is empty");
        return std::nullopt;
    }
    if (!hasSql) {
        *reason = tr("no SQL (sql_query or sql)");
        return std::nullopt;
    }
    if (p.naturalLanguageQuery.size() > kMaxFieldBytes || p.sqlQuery.size() > kMaxFieldBytes) {
        *reason = tr("a text field is larger than 1 MiB");
        return std::nullopt;
    }
    p.pairId = firstString(o, {u"pair_id"_s, u"id"_s}).trimmed();
    if (p.pairId.isEmpty())
        p.pairId = QUuid::createUuidV5(kIdNamespace, fallbackId).toString(QUuid::WithoutBraces);
    p.timestamp = firstString(o, {u"timestamp"_s}).trimmed();
    if (!p.timestamp.isEmpty() && normalisePairTimestamp(p.timestamp).isEmpty()) {
        *reason = tr("the timestamp \"%1\" is not an ISO-8601 date and time").arg(p.timestamp.left(40));
        return std::nullopt;
    }
    p.databaseType = firstString(o, {u"database_type"_s, u"db_type"_s}).trimmed();
    p.databaseName = firstString(o, {u"database_name"_s, u"db_id"_s}).trimmed();
    if (o.contains(u"success"_s)) {
        const std::optional<bool> s = parseBool(o.value(u"success"_s));
        if (!s) {
            *reason = tr("\"success\" is not true or false");
            return std::nullopt;
        }
        p.success = *s;
    }
    p.executionTimeMs = -1;
    const QJsonValue et = o.value(u"execution_time_ms"_s);
    if (et.isDouble()) {
        p.executionTimeMs = et.toDouble();
    } else if (et.isString() && !et.toString().isEmpty()) {
        bool ok = false;
        p.executionTimeMs = et.toString().toDouble(&ok);
        if (!ok) {
            *reason = tr("\"execution_time_ms\" is not a number");
            return std::nullopt;
        }
    }
    if (p.executionTimeMs < -1)
        p.executionTimeMs = -1;
    const QJsonValue meta = o.value(u"metadata"_s);
    if (meta.isObject()) {
        p.metadata = meta.toObject();
    } else if (meta.isString() && !meta.toString().trimmed().isEmpty()) {
        const QJsonDocument d = QJsonDocument::fromJson(meta.toString().toUtf8());
        if (!d.isObject()) {
            *reason = tr("\"metadata\" is not a JSON object");
            return std::nullopt;
        }
        p.metadata = d.object();
    }
    const int status = reviewStatusFromName(firstString(o, {u"review_status"_s}));
    if (status >= 0)
        p.reviewStatus = ReviewStatus(status);
    p.reviewerNote = firstString(o, {u"reviewer_note"_s});
    // Anything else the record carries (the public data's source, split, difficulty, ...) is kept.
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!kKnownKeys.contains(it.key()) && !p.metadata.contains(it.key()))
            p.metadata.insert(it.key(), it.value());
    }
    return p;
}

ImportReport Importer::importFile(const QString &path, ImportFormat format, const Progress &progress)
{
    ImportReport report;
    if (!QFileInfo(path).isFile()) {
        report.fatalError = tr("%1 does not exist or is not a file.").arg(path);
        return report;
    }
    if (m_store.dataset().isOwnFile(path)) {
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

namespace {

// A line of a JSON Lines file, read on the calling thread and parsed on a worker.
struct RawLine
{
    qint64 line = 0;
    qint64 record = 0;
    QByteArray text;
    QString error; // set when the line was rejected while reading (too long)
};

struct ParsedChunk
{
    QList<Pair> pairs;
    QList<DerivedFields> derived;
    QList<ImportIssue> issues; // in line order
};

ParsedChunk parseLines(const QList<RawLine> &lines, const QString &file, const QByteArray &fileKey,
                       const Deriver &deriver, const QString &importTime)
{
    ParsedChunk out;
    out.pairs.reserve(lines.size());
    out.derived.reserve(lines.size());
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    auto reject = [&](const RawLine &l, const QString &reason) {
        out.issues.append({file, l.line, l.record, reason});
    };
    for (const RawLine &l : lines) {
        if (!l.error.isEmpty()) {
            reject(l, l.error);
            continue;
        }
        const QString decoded = decoder.decode(l.text);
        Q_UNUSED(decoded);
        if (decoder.hasError()) {
            decoder.resetState();
            reject(l, tr("the line is not valid UTF-8"));
            continue;
        }
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(l.text, &pe);
        if (pe.error != QJsonParseError::NoError) {
            reject(l, tr("not valid JSON (%1 at column %2)").arg(pe.errorString()).arg(pe.offset + 1));
            continue;
        }
        if (!doc.isObject()) {
            reject(l, tr("the line is not a JSON object"));
            continue;
        }
        QString reason;
        std::optional<Pair> p = Importer::pairFromRecord(
            doc.object(), fileKey + ':' + QByteArray::number(l.line) + ':' + l.text, &reason);
        if (!p) {
            reject(l, reason);
            continue;
        }
        out.derived.append(
            deriver.derive(p->naturalLanguageQuery, p->sqlQuery,
                           p->timestamp.isEmpty() ? QStringView(importTime) : QStringView(p->timestamp)));
        out.pairs.append(std::move(*p));
    }
    return out;
}

// Reads one line (with its '\n') into *line, reusing its buffer, in steps of 64 KiB: a line is
// never given a buffer larger than it needs (QIODevice::readLine(max) allocates `max` bytes for
// every line). A line longer than `max` is read to its end and dropped: returns false then.
bool readBoundedLine(QIODevice &f, qsizetype max, QByteArray *line)
{
    line->clear();
    char step[64 * 1024];
    bool tooLong = false;
    while (!f.atEnd()) {
        const qint64 n = f.readLine(step, sizeof step);
        if (n <= 0)
            break;
        if (!tooLong && line->size() + n <= max)
            line->append(step, n);
        else
            tooLong = true;
        if (step[n - 1] == '\n')
            break;
    }
    if (tooLong)
        line->clear();
    return !tooLong;
}

} // namespace

ImportReport Importer::importJsonl(const QString &path, const Progress &progress)
{
    ImportReport report;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        report.fatalError = tr("Cannot read %1: %2").arg(path, f.errorString());
        return report;
    }
    const qint64 total = f.size();
    const QByteArray fileKey = QFileInfo(path).fileName().toUtf8();
    const QString importTime = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const Deriver &deriver = m_store.deriver();
    qint64 lineNo = 0;

    // Reads up to kChunk records on this thread.
    constexpr int kChunk = 5000;
    auto readChunk = [&] {
        QList<RawLine> chunk;
        while (chunk.size() < kChunk && !f.atEnd()) {
            QByteArray line;
            ++lineNo;
            if (!readBoundedLine(f, kMaxLineBytes, &line)) {
                // Longer than the limit: the rest of the line was skipped without holding it.
                chunk.append({lineNo, ++report.records, {}, tr("the line is longer than 16 MiB")});
                continue;
            }
            if (lineNo == 1 && line.startsWith("\xEF\xBB\xBF"))
                line.remove(0, 3);
            QByteArray trimmed = line.trimmed();
            if (trimmed.isEmpty())
                continue;
            chunk.append({lineNo, ++report.records, std::move(trimmed), {}});
        }
        return chunk;
    };
    auto consume = [&](const ParsedChunk &parsed) {
        for (const ImportIssue &i : parsed.issues) {
            ++report.rejected;
            if (report.issues.size() < ImportReport::kMaxIssues)
                report.issues.append(i);
        }
        if (parsed.pairs.isEmpty())
            return true;
        const PairStore::AddResult r = m_store.add(parsed.pairs, parsed.derived);
        if (!r.error.isEmpty()) {
            report.fatalError = tr("Cannot write to the dataset: %1").arg(r.error);
            return false;
        }
        report.added += r.added;
        report.alreadyPresent += r.alreadyPresent;
        return true;
    };

    // A two-stage pipeline: while this thread writes chunk N, a worker parses and analyses N+1.
    QFuture<ParsedChunk> pending;
    while (true) {
        const QList<RawLine> raw = readChunk();
        QFuture<ParsedChunk> next;
        if (!raw.isEmpty())
            next = QtConcurrent::run(parseLines, raw, path, fileKey, std::cref(deriver), importTime);
        if (pending.isValid() && !consume(pending.result())) {
            next.waitForFinished();
            return report;
        }
        pending = next;
        if (raw.isEmpty())
            break;
        if (!progress.report(f.pos(), total, path)) {
            report.cancelled = true;
            pending.waitForFinished();
            break;
        }
    }
    progress.report(total, total, path);
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
    const QByteArray data = f.readAll();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
    if (pe.error != QJsonParseError::NoError) {
        const qint64 line = data.left(pe.offset).count('\n') + 1;
        report.fatalError = tr("%1 is not valid JSON: %2 on line %3.").arg(path, pe.errorString()).arg(line);
        return report;
    }
    QJsonArray records;
    if (doc.isArray()) {
        records = doc.array();
    } else if (doc.object().value(u"pairs"_s).isArray()) {
        records = doc.object().value(u"pairs"_s).toArray();
    } else if (doc.isObject()) {
        records.append(doc.object()); // a single pair
    }
    Sink sink{m_store, report, path, {}};
    const QByteArray fileKey = QFileInfo(path).fileName().toUtf8();
    const qint64 total = records.size();
    for (qint64 i = 0; i < total; ++i) {
        ++report.records;
        const QJsonValue v = records.at(i);
        if (!v.isObject()) {
            sink.reject(0, i + 1, tr("record %1 is not a JSON object").arg(i + 1));
            continue;
        }
        QString reason;
        const QByteArray key = fileKey + ':' + QByteArray::number(i) + ':' +
                               QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
        std::optional<Pair> p = pairFromRecord(v.toObject(), key, &reason);
        if (!p) {
            sink.reject(0, i + 1, reason);
            continue;
        }
        if (!sink.add(std::move(*p)))
            return report;
        if ((i & 1023) == 0 && !progress.report(i, total, path)) {
            report.cancelled = true;
            break;
        }
    }
    sink.flush();
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
    for (QString &h : header)
        h = h.trimmed();
    if (!header.contains(u"natural_language_query"_s) && !header.contains(u"question"_s)) {
        report.fatalError =
            tr("%1 has no \"natural_language_query\" or \"question\" column in its header.").arg(path);
        return report;
    }
    Sink sink{m_store, report, path, {}};
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
        for (int i = 0; i < header.size(); ++i) {
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
        if (!sink.add(std::move(*p)))
            return report;
        if ((report.records & 1023) == 0 && !progress.report(f.pos(), total, path)) {
            report.cancelled = true;
            break;
        }
    }
    sink.flush();
    progress.report(total, total, path);
    return report;
}

} // namespace pairlens
