#include "dataset/importer.h"

#include "dataset/csvreader.h"
#include "dataset/dataset.h"
#include "dataset/deriver.h"
#include "dataset/jsonreader.h"
#include "dataset/pairinsert.h"
#include "dataset/pairstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QStringDecoder>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstring>

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

// Bytes of the UTF-8 form of a text (a surrogate pair makes 4, anything else 1-3).
qsizetype utf8Size(QStringView text)
{
    qsizetype n = 0;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        n += u < 0x80 ? 1 : (u < 0x800 || QChar::isSurrogate(u)) ? 2 : 3;
    }
    return n;
}

bool tooLarge(QStringView text)
{
    return text.size() > Importer::kMaxFieldBytes / 3 && utf8Size(text) > Importer::kMaxFieldBytes;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The code unit of a \uXXXX escape at `at` (the backslash), or -1.
int escapedUnit(const QByteArray &json, qsizetype at)
{
    if (at + 6 > json.size() || json.at(at) != '\\' || json.at(at + 1) != 'u')
        return -1;
    int unit = 0;
    for (qsizetype i = at + 2; i < at + 6; ++i) {
        const int h = hexValue(json.at(i));
        if (h < 0)
            return -1;
        unit = unit * 16 + h;
    }
    return unit;
}

// A \uD800-\uDFFF escape that is not one half of a surrogate pair ("\ud800" followed by anything
// but a low surrogate, or a low surrogate alone), or an empty array. Such an escape is no
// character, and Qt's parser would merge a lone high one with the character after it.
QByteArray loneSurrogateEscape(const QByteArray &json)
{
    qsizetype at = json.indexOf('\\');
    while (at >= 0 && at + 1 < json.size()) {
        if (json.at(at + 1) != 'u') {
            at = json.indexOf('\\', at + 2); // an escaped character, maybe a backslash
            continue;
        }
        const int unit = escapedUnit(json, at);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            const int low = escapedUnit(json, at + 6);
            if (low < 0xDC00 || low > 0xDFFF)
                return json.mid(at, 6);
            at = json.indexOf('\\', at + 12);
            continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            return json.mid(at, 6);
        at = json.indexOf('\\', at + 2);
    }
    return {};
}

// Parses the JSON text of one record (a JSON Lines line, a JSON array's element) into an object,
// or says why it can't be used. `what` names the text in reasons: "line" or "record".
bool parseRecordText(const QByteArray &text, bool isLine, QJsonObject *object, QString *reason)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(text);
    Q_UNUSED(decoded);
    if (decoder.hasError()) {
        *reason = isLine ? tr("the line is not valid UTF-8") : tr("the record is not valid UTF-8");
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *reason = tr("not valid JSON (%1 at column %2)").arg(pe.errorString()).arg(pe.offset + 1);
        return false;
    }
    if (!doc.isObject()) {
        *reason = isLine ? tr("the line is not a JSON object") : tr("the record is not a JSON object");
        return false;
    }
    const QByteArray lone = loneSurrogateEscape(text);
    if (!lone.isEmpty()) {
        *reason = tr("the text holds %1, half of a UTF-16 surrogate pair without its other half, which is "
                     "not a character")
                      .arg(QString::fromLatin1(lone));
        return false;
    }
    *object = doc.object();
    return true;
}

QString shownId(const QString &id)
{
    return id.size() > 80 ? id.left(79) + u'…' : id;
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
    conflictsWithDataset += o.conflictsWithDataset;
    conflictsInFile += o.conflictsInFile;
    for (const ImportIssue &i : o.conflicts) {
        if (conflicts.size() < kMaxConflicts)
            conflicts << i;
    }
    if (fatalError.isEmpty())
        fatalError = o.fatalError;
    cancelled = cancelled || o.cancelled;
}

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
        const PairStore::AddResult r = importer.m_store.add(batch);
        batch.clear();
        lines.clear();
        bytes = 0;
        report.added += r.added;
        report.alreadyPresent += r.alreadyPresent;
        if (!r.error.isEmpty()) {
            report.fatalError = importer.writeFailure(r.error);
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
    if (tooLarge(p.naturalLanguageQuery)) {
        *reason = tr("the question is larger than 1 MiB of UTF-8");
        return std::nullopt;
    }
    if (tooLarge(p.sqlQuery)) {
        *reason = tr("the SQL is larger than 1 MiB of UTF-8");
        return std::nullopt;
    }
    auto largeField = [&](const QString &value, const QString &name) {
        if (!tooLarge(value))
            return false;
        *reason = tr("\"%1\" is larger than 1 MiB of UTF-8").arg(name);
        return true;
    };
    p.pairId = firstString(o, {u"pair_id"_s, u"id"_s}).trimmed();
    if (largeField(p.pairId, u"pair_id"_s))
        return std::nullopt;
    if (p.pairId.isEmpty())
        p.pairId = QUuid::createUuidV5(kIdNamespace, fallbackId).toString(QUuid::WithoutBraces);
    p.timestamp = firstString(o, {u"timestamp"_s}).trimmed();
    if (largeField(p.timestamp, u"timestamp"_s))
        return std::nullopt;
    if (!p.timestamp.isEmpty() && normalisePairTimestamp(p.timestamp).isEmpty()) {
        *reason = tr("the timestamp \"%1\" is not an ISO-8601 date and time").arg(p.timestamp.left(40));
        return std::nullopt;
    }
    p.databaseType = firstString(o, {u"database_type"_s, u"db_type"_s}).trimmed();
    p.databaseName = firstString(o, {u"database_name"_s, u"db_id"_s}).trimmed();
    if (largeField(p.databaseType, u"database_type"_s) || largeField(p.databaseName, u"database_name"_s))
        return std::nullopt;
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
    // Metadata is a JSON object, or a string holding one (CSV); null, absent or an empty string
    // mean none. Anything else (an array, a number, true or false) is refused like a string that
    // holds no object, never dropped.
    const QJsonValue meta = o.value(u"metadata"_s);
    if (meta.isObject()) {
        p.metadata = meta.toObject();
    } else if (meta.isString()) {
        if (!meta.toString().trimmed().isEmpty()) {
            const QJsonDocument d = QJsonDocument::fromJson(meta.toString().toUtf8());
            if (!d.isObject()) {
                *reason = tr("\"metadata\" is not a JSON object");
                return std::nullopt;
            }
            p.metadata = d.object();
        }
    } else if (meta.isArray()) {
        *reason = tr("\"metadata\" is not a JSON object (it is an array)");
        return std::nullopt;
    } else if (meta.isDouble()) {
        *reason = tr("\"metadata\" is not a JSON object (it is a number)");
        return std::nullopt;
    } else if (meta.isBool()) {
        *reason = tr("\"metadata\" is not a JSON object (it is true or false)");
        return std::nullopt;
    }
    const int status = reviewStatusFromName(firstString(o, {u"review_status"_s}));
    if (status >= 0)
        p.reviewStatus = ReviewStatus(status);
    p.reviewerNote = firstString(o, {u"reviewer_note"_s});
    if (largeField(p.reviewerNote, u"reviewer_note"_s))
        return std::nullopt;
    // Anything else the record carries (the public data's source, split, difficulty, ...) is kept.
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!kKnownKeys.contains(it.key()) && !p.metadata.contains(it.key()))
            p.metadata.insert(it.key(), it.value());
    }
    if (!p.metadata.isEmpty() &&
        QJsonDocument(p.metadata).toJson(QJsonDocument::Compact).size() > kMaxFieldBytes) {
        *reason = tr("\"metadata\" (with the other fields the record carries) is larger than 1 MiB of UTF-8");
        return std::nullopt;
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

void Importer::noteConflicts(const QList<Pair> &pairs, const QList<qint64> &lines, const QString &file,
                             qint64 importStart, ImportReport &report)
{
    struct Note
    {
        qint64 line;
        QString reason;
        bool inFile;
    };
    QList<Note> notes;
    // Within the list: the first record with a pair_id is the one the store keeps.
    QHash<QString, qsizetype> first;
    first.reserve(pairs.size());
    QStringList ids;
    for (qsizetype i = 0; i < pairs.size(); ++i) {
        const Pair &p = pairs.at(i);
        const auto it = first.constFind(p.pairId);
        if (it == first.constEnd()) {
            first.insert(p.pairId, i);
            ids.append(p.pairId);
            continue;
        }
        const Pair &kept = pairs.at(*it);
        if (kept.naturalLanguageQuery != p.naturalLanguageQuery || kept.sqlQuery != p.sqlQuery)
            notes.append({lines.value(i),
                          tr("pair_id \"%1\" was used on line %2 with another question or SQL; the first "
                             "record was kept")
                              .arg(shownId(p.pairId))
                              .arg(lines.value(*it)),
                          true});
    }
    // In the dataset: before this import, or added by an earlier batch of it (a higher row id).
    QString lookupError;
    const bool looked = findPairIds(
        sqliteHandle(m_store.dataset().db()), ids,
        [&](qsizetype k, qint64 rowId, const QString &question, const QString &sql) {
            const qsizetype i = first.value(ids.at(k), -1);
            if (i < 0)
                return;
            const Pair &p = pairs.at(i);
            if (question == p.naturalLanguageQuery && sql == p.sqlQuery)
                return;
            const bool inFile = rowId > importStart;
            notes.append({lines.value(i),
                          inFile
                              ? tr("pair_id \"%1\" was used by an earlier record of this file with another "
                                   "question or SQL; the first record was kept")
                                    .arg(shownId(p.pairId))
                              : tr("pair_id \"%1\" is already in the dataset with another question or SQL; "
                                   "the pair in the dataset was kept")
                                    .arg(shownId(p.pairId)),
                          inFile});
        },
        &lookupError);
    if (!looked)
        return; // the add that follows reports what is wrong with the dataset
    std::stable_sort(notes.begin(), notes.end(),
                     [](const Note &a, const Note &b) { return a.line < b.line; });
    for (const Note &n : notes) {
        ++(n.inFile ? report.conflictsInFile : report.conflictsWithDataset);
        if (report.conflicts.size() < ImportReport::kMaxConflicts)
            report.conflicts.append({file, n.line, 0, n.reason});
    }
}

QString Importer::writeFailure(const QString &error) const
{
    // The store's errors may carry its own "Cannot write to the dataset: " in front.
    QString detail = error;
    const QString prefix =
        QCoreApplication::translate("PairStore", "Cannot write to the dataset: %1").arg(QString());
    if (!prefix.isEmpty() && detail.startsWith(prefix))
        detail = detail.mid(prefix.size());
    return m_store.dataset().failureMessage(Dataset::Access::Write, detail);
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
    QList<qint64> lines;       // of the pairs
    QList<ImportIssue> issues; // in line order
};

ParsedChunk parseLines(const QList<RawLine> &lines, const QString &file, const QByteArray &fileKey,
                       const Deriver &deriver, const QString &importTime)
{
    ParsedChunk out;
    out.pairs.reserve(lines.size());
    out.derived.reserve(lines.size());
    out.lines.reserve(lines.size());
    auto reject = [&](const RawLine &l, const QString &reason) {
        out.issues.append({file, l.line, l.record, reason});
    };
    for (const RawLine &l : lines) {
        if (!l.error.isEmpty()) {
            reject(l, l.error);
            continue;
        }
        QJsonObject object;
        QString reason;
        if (!parseRecordText(l.text, true, &object, &reason)) {
            reject(l, reason);
            continue;
        }
        std::optional<Pair> p = Importer::pairFromRecord(
            object, fileKey + ':' + QByteArray::number(l.line) + ':' + l.text, &reason);
        if (!p) {
            reject(l, reason);
            continue;
        }
        out.derived.append(
            deriver.derive(p->naturalLanguageQuery, p->sqlQuery,
                           p->timestamp.isEmpty() ? QStringView(importTime) : QStringView(p->timestamp),
                           p->databaseType, p->pairId, p->metadata));
        out.pairs.append(std::move(*p));
        out.lines.append(l.line);
    }
    return out;
}

// Reads a file line by line in blocks of 256 KiB. QIODevice::readLine() on a QFile falls back to
// reading a byte at a time when its buffer holds no line end, which made a 3 GB line take half a
// minute; this finds line ends with memchr. A line longer than `max` is read to its end without
// being held.
class LineReader
{
public:
    explicit LineReader(QIODevice &device) : m_device(device) {}

    // Reads the next line without its '\n' into *line. Returns false at the end of the input;
    // *tooLong is set (and *line empty) when the line was longer than `max`.
    bool next(QByteArray *line, qsizetype max, bool *tooLong)
    {
        *line = QByteArray();
        *tooLong = false;
        bool any = false;
        while (true) {
            if (m_pos >= m_block.size() && !refill())
                return any;
            any = true;
            const char *begin = m_block.constData() + m_pos;
            const qsizetype left = m_block.size() - m_pos;
            const char *eol = static_cast<const char *>(std::memchr(begin, '\n', size_t(left)));
            const qsizetype n = eol ? eol - begin : left;
            if (!*tooLong && line->size() + n <= max) {
                line->append(begin, n);
            } else if (!*tooLong) {
                *tooLong = true;
                *line = QByteArray(); // give the memory back at once
            }
            m_pos += eol ? n + 1 : n;
            if (eol)
                return true;
        }
    }
    qint64 position() const { return m_offset + m_pos; }

private:
    bool refill()
    {
        m_offset += m_block.size();
        m_block.resize(kBlock);
        const qint64 n = m_device.read(m_block.data(), kBlock);
        m_block.resize(n > 0 ? qsizetype(n) : 0);
        m_pos = 0;
        return n > 0;
    }
    static constexpr qint64 kBlock = 256 * 1024;
    QIODevice &m_device;
    QByteArray m_block;
    qsizetype m_pos = 0;
    qint64 m_offset = 0;
};

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
    const qint64 importStart = m_store.maxRowId();
    LineReader reader(f);
    qint64 lineNo = 0;

    // Reads up to kChunk records, or about kChunkBytes of them, on this thread. *large is set when
    // one of them is kLargeLine or more.
    constexpr int kChunk = 5000;
    constexpr qsizetype kChunkBytes = 1 << 20;
    constexpr qsizetype kLargeLine = 64 << 10;
    auto readChunk = [&](bool *large) {
        *large = false;
        QList<RawLine> chunk;
        qsizetype bytes = 0;
        QByteArray line;
        bool tooLong = false;
        while (chunk.size() < kChunk && bytes < kChunkBytes && reader.next(&line, kMaxLineBytes, &tooLong)) {
            ++lineNo;
            if (tooLong) {
                // Longer than the limit: the rest of the line was skipped without holding it.
                chunk.append({lineNo, ++report.records, {}, tr("the line is longer than 16 MiB")});
                continue;
            }
            if (lineNo == 1 && line.startsWith("\xEF\xBB\xBF"))
                line.remove(0, 3);
            QByteArray trimmed = line.trimmed();
            if (trimmed.isEmpty())
                continue;
            bytes += trimmed.size();
            *large = *large || trimmed.size() >= kLargeLine;
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
        noteConflicts(parsed.pairs, parsed.lines, path, importStart, report);
        const PairStore::AddResult r = m_store.add(parsed.pairs, parsed.derived);
        report.added += r.added;
        report.alreadyPresent += r.alreadyPresent;
        if (!r.error.isEmpty()) {
            report.fatalError = writeFailure(r.error);
            return false;
        }
        return true;
    };

    // A two-stage pipeline: while this thread writes chunk N, a worker parses and analyses N+1.
    // Analysing a record takes memory in proportion to its text (about 45 MB for a record of 1 MB
    // question, 1 MB SQL and 1 MB metadata), so a chunk with large records is never in flight
    // beside another one, and is analysed on this thread (what a worker thread frees stays with
    // its own malloc arena, so two threads would each keep their peak).
    QFuture<ParsedChunk> pending;
    while (true) {
        bool large = false;
        QList<RawLine> raw = readChunk(&large);
        if (large) {
            if (pending.isValid() && !consume(pending.result()))
                return report;
            pending = {};
            if (!consume(parseLines(raw, path, fileKey, deriver, importTime)))
                return report;
            if (!progress.report(reader.position(), total, path)) {
                report.cancelled = true;
                break;
            }
            continue;
        }
        QFuture<ParsedChunk> next;
        const bool last = raw.isEmpty();
        if (!last)
            next =
                QtConcurrent::run(parseLines, std::move(raw), path, fileKey, std::cref(deriver), importTime);
        if (pending.isValid() && !consume(pending.result())) {
            next.waitForFinished();
            return report;
        }
        pending = next;
        if (last)
            break;
        if (!progress.report(reader.position(), total, path)) {
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
    // Streamed: one record's text at a time, never the whole document.
    JsonRecordReader reader(&f);
    Sink sink{*this, report, path, m_store.maxRowId(), {}, {}, 0};
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
    Sink sink{*this, report, path, m_store.maxRowId(), {}, {}, 0};
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
