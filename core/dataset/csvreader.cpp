#include "dataset/csvreader.h"

#include <QCoreApplication>
#include <QStringDecoder>

#include <algorithm>
#include <cstring>

namespace pairlens {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("CsvReader", text);
}

// More fields than this make a record too long (each field costs a list entry even when empty).
constexpr qsizetype kMaxFields = 4096;

} // namespace

CsvReader::CsvReader(QIODevice *device, char separator) : m_device(device), m_separator(separator) {}

bool CsvReader::fill()
{
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_bufferOffset += m_pos;
        m_pos = 0;
    }
    const QByteArray chunk = m_device->read(1 << 16);
    if (chunk.isEmpty())
        return false;
    m_buffer += chunk;
    return true;
}

int CsvReader::peek()
{
    if (m_pos >= m_buffer.size() && !fill())
        return -1;
    return uchar(m_buffer.at(m_pos));
}

void CsvReader::skipRestOfLine()
{
    while (true) {
        if (m_pos >= m_buffer.size() && !fill())
            return;
        const char *begin = m_buffer.constData() + m_pos;
        const void *eol = std::memchr(begin, '\n', size_t(m_buffer.size() - m_pos));
        if (eol) {
            m_pos += static_cast<const char *>(eol) - begin + 1;
            ++m_line;
            return;
        }
        m_pos = m_buffer.size();
    }
}

bool CsvReader::mayBeRow()
{
    if (m_fieldCount <= 0)
        return true;
    // Looks at the line ahead without taking it, a block at a time (memchr and count are much
    // faster than the parser on the megabytes a broken quote may leave behind).
    qsizetype scanned = 0;
    qint64 separators = 0;
    while (true) {
        if (m_pos + scanned >= m_buffer.size()) {
            if (scanned > kMaxRecordBytes) {
                skipRestOfLine();
                return false;
            }
            if (!fill()) // keeps the line looked at so far
                break;
            continue;
        }
        const char *begin = m_buffer.constData() + m_pos + scanned;
        const qsizetype left = m_buffer.size() - m_pos - scanned;
        const char *eol = static_cast<const char *>(std::memchr(begin, '\n', size_t(left)));
        const qsizetype n = eol ? eol - begin : left;
        if (std::memchr(begin, '"', size_t(n)))
            return true; // quotes: up to the parser
        separators += std::count(begin, begin + n, m_separator);
        scanned += n;
        if (eol)
            break;
    }
    if (separators + 1 == m_fieldCount)
        return true;
    m_pos += scanned;
    if (m_pos < m_buffer.size()) { // the line end
        ++m_pos;
        ++m_line;
    }
    return false;
}

CsvReader::Parse CsvReader::parse(bool singleLine, QList<QByteArray> *fields, bool *tooLong)
{
    fields->clear();
    *tooLong = false;
    m_recordError.clear();
    m_firstBreakOffset = -1;
    // Skip blank lines between records.
    while (true) {
        const int c = peek();
        if (c < 0)
            return Parse::End;
        if (c == '\n') {
            ++m_line;
            ++m_pos;
        } else if (c == '\r') {
            ++m_pos;
        } else {
            break;
        }
    }
    m_recordLine = m_line;
    QByteArray field;
    bool quoted = false;
    bool fieldStarted = false;
    qsizetype recordBytes = 0; // bytes kept of this record
    qint64 quotedSpan = 0;     // bytes read inside the current quoted field
    auto keep = [&](char c) {
        if (field.size() < kMaxFieldBytes && recordBytes < kMaxRecordBytes) {
            field += c;
            ++recordBytes;
        } else {
            *tooLong = true;
        }
    };
    auto endField = [&] {
        if (fields->size() < kMaxFields)
            fields->append(field);
        else
            *tooLong = true;
        field.clear();
        fieldStarted = false;
    };
    auto broken = [&](const QString &reason) {
        m_recordError = reason;
        endField();
        return Parse::Broken;
    };
    while (true) {
        if (m_pos >= m_buffer.size() && !fill()) {
            if (quoted)
                return broken(tr("a quoted field is not closed"));
            endField();
            return Parse::Record;
        }
        const char c = m_buffer.at(m_pos++);
        if (quoted) {
            if (c == '"') {
                const int n = peek();
                if (n == '"') {
                    keep('"');
                    ++m_pos;
                    quotedSpan += 2;
                    continue;
                }
                if (n < 0 || n == m_separator || n == '\r' || n == '\n') {
                    quoted = false;
                    continue;
                }
                return broken(tr("a quote inside a quoted field is not doubled"));
            }
            if (c == '\n') {
                ++m_line;
                if (m_firstBreakOffset < 0)
                    m_firstBreakOffset = m_bufferOffset + m_pos;
                if (singleLine)
                    return broken(tr("a quoted field goes on past the end of the line"));
            }
            keep(c);
            if (++quotedSpan > kMaxRecordBytes)
                return broken(tr("a quoted field is not closed within 16 MiB"));
            continue;
        }
        if (c == '"' && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
            quotedSpan = 0;
        } else if (c == m_separator) {
            endField();
        } else if (c == '\n') {
            ++m_line;
            endField();
            return Parse::Record;
        } else if (c == '\r') {
            // part of CRLF (or a lone CR): ignored outside quotes
        } else {
            keep(c);
            fieldStarted = true;
        }
    }
}

qint64 CsvReader::resync(qint64 brokenLine, qint64 lineStartOffset)
{
    if (lineStartOffset >= 0 && !m_device->isSequential() && m_device->seek(lineStartOffset)) {
        // Back to the line after the one the broken record started on.
        m_buffer.clear();
        m_pos = 0;
        m_bufferOffset = lineStartOffset;
        m_line = brokenLine + 1;
    } else if (m_line == brokenLine) {
        skipRestOfLine(); // it broke on its first line
    }
    while (true) {
        if (peek() < 0)
            return -1;
        if (!mayBeRow())
            continue;
        QList<QByteArray> raw;
        bool tooLong = false;
        const Parse p = parse(true, &raw, &tooLong);
        if (p == Parse::End)
            return -1;
        if (p == Parse::Record && !tooLong && (m_fieldCount == 0 || raw.size() == m_fieldCount)) {
            m_pending = std::move(raw);
            m_pendingLine = m_recordLine;
            m_hasPending = true;
            return m_recordLine;
        }
        // A broken line whose break was not a line break: the rest of it goes too.
        if (p == Parse::Broken && m_line == m_recordLine)
            skipRestOfLine();
    }
}

QStringList CsvReader::decode(const QList<QByteArray> &raw, bool *badUtf8) const
{
    QStringList out;
    out.reserve(raw.size());
    QStringDecoder dec(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    for (const QByteArray &field : raw) {
        out.append(dec.decode(field));
        if (dec.hasError()) {
            *badUtf8 = true;
            dec.resetState();
        }
    }
    return out;
}

bool CsvReader::next(QStringList *fields)
{
    fields->clear();
    m_recordError.clear();
    if (m_atStart) {
        fill();
        if (m_buffer.startsWith("\xEF\xBB\xBF"))
            m_pos = 3;
        m_atStart = false;
    }
    bool badUtf8 = false;
    if (m_hasPending) {
        m_hasPending = false;
        m_recordLine = m_pendingLine;
        *fields = decode(m_pending, &badUtf8);
        m_pending.clear();
        if (badUtf8)
            m_recordError = tr("the record is not valid UTF-8");
        return true;
    }
    QList<QByteArray> raw;
    bool tooLong = false;
    const Parse p = parse(false, &raw, &tooLong);
    if (p == Parse::End)
        return false;
    if (p == Parse::Broken) {
        const qint64 line = m_recordLine;
        const QString reason = m_recordError;
        const qint64 resumed = resync(line, m_firstBreakOffset);
        m_recordLine = line;
        if (resumed < 0)
            m_recordError = tr("%1 (no line after it is a whole record, so the rest of the file was skipped)")
                                .arg(reason);
        else if (resumed > line + 1)
            m_recordError = tr("%1 (lines %2 to %3 were skipped; reading went on at line %4)")
                                .arg(reason)
                                .arg(line + 1)
                                .arg(resumed - 1)
                                .arg(resumed);
        else
            m_recordError = reason;
        *fields = decode(raw, &badUtf8);
        return true;
    }
    *fields = decode(raw, &badUtf8);
    if (tooLong)
        m_recordError = tr("a field is larger than 1 MiB, or the record larger than 16 MiB or wider than "
                           "4096 fields");
    else if (badUtf8)
        m_recordError = tr("the record is not valid UTF-8");
    return true;
}

} // namespace pairlens
