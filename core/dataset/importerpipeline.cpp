// The JSON Lines import: lines read on the calling thread, parsed and analysed on a worker while
// the calling thread writes the chunk before.

#include "dataset/importer.h"
#include "dataset/importer_p.h"

#include "dataset/deriver.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <cstring>
#include <deque>

namespace pairlens {

using namespace detail;

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
    QList<RawLine> raw;        // the lines read, handed back to be freed where they were read
    std::any prepared;         // the target's work on the pairs (ImportTarget::prepare())
};

ParsedChunk parseLines(QList<RawLine> lines, const QString &file, const QByteArray &fileKey,
                       const ImportTarget &target, const QString &importTime)
{
    const Deriver &deriver = target.deriver();
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
        QString reason;
        QByteArray metadataJson;
        // Asked only for a record without a pair_id.
        const auto fallbackId = [&]() -> QByteArray {
            return fileKey + ':' + QByteArray::number(l.line) + ':' + l.text;
        };
        RecordFields fast;
        std::optional<Pair> p;
        if (fastRecordFields(l.text, &fast)) {
            p = pairFromFields(fast, fallbackId, &reason, &metadataJson);
        } else {
            QJsonObject object;
            if (!parseRecordText(l.text, true, &object, &reason)) {
                reject(l, reason);
                continue;
            }
            RecordFields fields = fieldsOf(object);
            p = pairFromFields(fields, fallbackId, &reason, &metadataJson);
        }
        if (!p) {
            reject(l, reason);
            continue;
        }
        out.derived.append(
            deriver.derive(p->naturalLanguageQuery, p->sqlQuery,
                           p->timestamp.isEmpty() ? QStringView(importTime) : QStringView(p->timestamp),
                           p->databaseType, p->pairId, p->metadata));
        // Serialised here, on the worker (it was half of the writing thread's insert cost), once:
        // pairFromRecord() wrote it for its size check.
        out.derived.last().metadataJson = std::move(metadataJson);
        out.pairs.append(std::move(*p));
        out.lines.append(l.line);
    }
    out.raw = std::move(lines);
    if (!out.pairs.isEmpty())
        out.prepared = target.prepare(out.pairs, out.derived);
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
    const qint64 importStart = m_target.maxRowId();
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
        const ImportTarget::Added r = m_target.add(parsed.pairs, parsed.derived, parsed.prepared);
        report.added += r.added;
        report.alreadyPresent += r.alreadyPresent;
        if (!r.error.isEmpty()) {
            report.fatalError = m_target.writeFailure(r.error);
            return false;
        }
        return true;
    };

    // A pipeline: while this thread writes chunk N, workers parse and analyse N+1 and N+2 (the
    // parsing of a chunk takes about twice the time of its write, so one worker kept the other
    // core half idle).
    // Analysing a record takes memory in proportion to its text (about 45 MB for a record of 1 MB
    // question, 1 MB SQL and 1 MB metadata), so a chunk with large records is never in flight
    // beside another one, and is analysed on this thread (what a worker thread frees stays with
    // its own malloc arena, so two threads would each keep their peak).
    // Memory is freed on the thread that allocated it: the lines read here come back with the
    // parsed chunk and are freed here, a written chunk is freed by the next parsing task on its
    // worker. Freeing into the other thread's malloc arena takes that arena's lock, and the two
    // threads then wait on each other (`pairlens demo`, demowriter.cpp: 1.3x).
    constexpr qsizetype kInFlight = 3; // chunks parsed or being parsed beside the one written
    ParsedChunk written;
    std::deque<QFuture<ParsedChunk>> pending;
    auto writeOldest = [&] {
        written = pending.front().takeResult();
        pending.pop_front();
        written.raw = {};
        return consume(written);
    };
    auto waitForAll = [&] {
        for (QFuture<ParsedChunk> &f : pending)
            f.waitForFinished();
        pending.clear();
    };
    while (true) {
        bool large = false;
        QList<RawLine> raw = readChunk(&large);
        if (large) {
            while (!pending.empty()) {
                if (!writeOldest()) {
                    waitForAll();
                    return report;
                }
            }
            written = {};
            if (!consume(parseLines(raw, path, fileKey, m_target, importTime)))
                return report;
            if (!progress.report(reader.position(), total, path)) {
                report.cancelled = true;
                break;
            }
            continue;
        }
        const bool last = raw.isEmpty();
        if (!last)
            pending.push_back(
                QtConcurrent::run([&, raw = std::move(raw), toFree = std::move(written)]() mutable {
                    toFree = {};
                    return parseLines(std::move(raw), path, fileKey, m_target, importTime);
                }));
        written = {};
        while (pending.size() >= (last ? 1 : kInFlight)) {
            if (!writeOldest()) {
                waitForAll();
                return report;
            }
        }
        if (last)
            break;
        if (!progress.report(reader.position(), total, path)) {
            report.cancelled = true;
            waitForAll();
            break;
        }
    }
    progress.report(total, total, path);
    return report;
}

} // namespace pairlens
