#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QList>
#include <QStringList>

namespace pairlens {

// Streams RFC 4180 records from a device: quoted fields with "" escapes and embedded line breaks,
// CRLF or LF line ends, a UTF-8 BOM skipped. Memory stays bounded whatever the input: a field keeps
// at most kMaxFieldBytes and a record kMaxRecordBytes; what lies beyond is read and dropped, and the
// record comes back with an error.
//
// A quoted field is broken when the input ends inside it, when it is not closed within
// kMaxRecordBytes, or when its closing quote is followed by something other than a separator or a
// line end (a quote inside a quoted field that was not doubled). Everything after such a quote
// would be read with its quoting turned inside out, so the reader goes back to the line after the
// one the broken record started on and goes on at the first line that is a whole record by itself
// (no quoted line breaks, no errors, and setFieldCount()'s number of fields). The broken record is
// returned with an error naming the lines that were skipped.
class CsvReader
{
public:
    explicit CsvReader(QIODevice *device, char separator = ',');

    static constexpr qsizetype kMaxFieldBytes = 1 << 20;   // 1 MiB of a field's UTF-8
    static constexpr qsizetype kMaxRecordBytes = 16 << 20; // 16 MiB of a record's input

    // The number of fields a record has (the header's): where reading goes on after a broken
    // quoted field. 0 (the default) takes any line without errors.
    void setFieldCount(int count) { m_fieldCount = count; }

    // Reads the next record into *fields. Returns false at the end of the input.
    bool next(QStringList *fields);
    // The 1-based line on which the last record returned by next() started.
    qint64 recordLine() const { return m_recordLine; }
    // Set when the last record was malformed (a broken quoted field, a field over kMaxFieldBytes,
    // invalid UTF-8); the record is still returned as read (possibly cut short) so the caller can
    // report it.
    QString recordError() const { return m_recordError; }

private:
    enum class Parse
    {
        Record,
        Broken, // a quoted field is broken (m_recordError says how)
        End,
    };
    // Reads one record from the current position. `singleLine`: a line break inside quotes breaks
    // the record instead of belonging to the field.
    Parse parse(bool singleLine, QList<QByteArray> *fields, bool *tooLong);
    // After a broken record: finds the next line that is a whole record by itself, starting at the
    // line after `brokenLine`, and keeps it for the next call of next(). Returns the last line skipped.
    qint64 resync(qint64 brokenLine, qint64 lineStartOffset);
    // During resync(): false, with the line skipped, when the line ahead cannot be a whole record
    // (no quotes, and another number of separators than setFieldCount() asks for).
    bool mayBeRow();
    bool fill();
    int peek();
    void skipRestOfLine();
    QStringList decode(const QList<QByteArray> &raw, bool *badUtf8) const;

    QIODevice *m_device;
    char m_separator;
    int m_fieldCount = 0;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_bufferOffset = 0; // device position of m_buffer[0]
    qint64 m_line = 1;
    qint64 m_recordLine = 0;
    qint64 m_firstBreakOffset = -1; // device position after the first line break of the record read last
    QString m_recordError;
    bool m_atStart = true;
    // A record found by resync(), returned by the next call of next().
    bool m_hasPending = false;
    QList<QByteArray> m_pending;
    qint64 m_pendingLine = 0;
};

} // namespace pairlens
