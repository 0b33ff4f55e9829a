#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QStringList>

namespace pairlens {

// Streams RFC 4180 records from a device: quoted fields with "" escapes and embedded line breaks,
// CRLF or LF line ends, a UTF-8 BOM skipped. Reads in constant memory (one record at a time).
class CsvReader
{
public:
    explicit CsvReader(QIODevice *device, char separator = ',');

    // Reads the next record into *fields. Returns false at the end of the input.
    bool next(QStringList *fields);
    // The 1-based line on which the last record returned by next() started.
    qint64 recordLine() const { return m_recordLine; }
    // Set when the last record was malformed (an unterminated quote, invalid UTF-8); the record is
    // still returned as read so the caller can report it.
    QString recordError() const { return m_recordError; }

private:
    bool fill();

    QIODevice *m_device;
    char m_separator;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_line = 1;
    qint64 m_recordLine = 0;
    QString m_recordError;
    bool m_atStart = true;
};

} // namespace pairlens
