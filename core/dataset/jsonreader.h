#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QString>

#include <vector>

namespace pairlens {

// Streams the records of a JSON document without holding the document: the elements of a
// top-level array, the elements of the "pairs" array of an export envelope ({"pairs": [...], ...}),
// or a top-level object that is a single pair. Each record is handed out as its own JSON text, to
// be parsed on its own; a record larger than kMaxRecordBytes is read to its end without being held
// and handed out empty with `tooLarge` set. Memory stays bounded whatever the file's size.
//
// The reader only finds where records begin and end (strings, escapes, brackets); what is inside
// a record is checked by whoever parses its text. A string that runs past the end of its line is
// never valid JSON: its record is handed out with `error` set, and reading goes on at the next line
// that starts (after white space and a comma) with '{' or with the array's ']'. Any other break in
// the document's structure (a bracket closed by the wrong kind, the file ending inside a record,
// text after the document) ends the reading: next() returns false and error() says why and where.
class JsonRecordReader
{
public:
    explicit JsonRecordReader(QIODevice *device);

    static constexpr qsizetype kMaxRecordBytes = 16 << 20; // 16 MiB of JSON text per record
    static constexpr int kMaxDepth = 1000;

    struct Record
    {
        QByteArray text;       // the record's JSON text; empty when tooLarge
        qint64 line = 0;       // 1-based line on which it starts
        qint64 index = 0;      // 1-based position in its array (1 for a single top-level object)
        bool tooLarge = false; // larger than kMaxRecordBytes: skipped
        QString error;         // set when the record is broken (a string not closed on its line)
    };

    // Reads the next record. Returns false at the end of the document, or on an error that ends
    // the reading (error() is then set).
    bool next(Record *record);
    QString error() const { return m_error; }
    qint64 errorLine() const { return m_errorLine; }
    // Bytes read so far, for progress.
    qint64 position() const { return m_blockOffset + m_pos; }

private:
    enum class State
    {
        Start,
        Elements,           // in an array: an element or ']' next (']' only right after '[')
        AfterElement,       // in an array: ',' or ']' next
        EnvelopeMembers,    // in the top-level object: a key or '}' next ('}' only right after '{')
        EnvelopeAfterValue, // in the top-level object: ',' or '}' next
        Trailing,           // after the document: only white space may follow
        End,
    };
    enum class Scan
    {
        Done,
        LineBreak, // a string ran past the end of its line
        Failed,    // error() is set
    };

    bool refill();
    int peek();
    int get();
    // Skips white space and returns the next character without taking it (-1 at the end).
    int peekNonSpace();
    void startCapture();
    void stopCapture();
    void dropCapture();
    void appendCapture(const char *data, qsizetype size);
    // Reads a string from its opening quote; *raw (when given) gets up to 64 bytes of it.
    Scan scanString(QByteArray *raw = nullptr);
    // Reads one JSON value (from its first character) to its end.
    Scan scanValue();
    // After a string that was not closed on its line: on to where the next record starts.
    void resyncElements();
    bool fail(const QString &message, qint64 line = -1);
    // The element at the current position: read, captured and handed out.
    bool readElement(Record *record);
    // After the document's last character: only white space may follow.
    bool finish();

    QIODevice *m_device;
    QByteArray m_block;
    qsizetype m_pos = 0;
    qint64 m_blockOffset = 0;
    qint64 m_line = 1;
    State m_state = State::Start;
    bool m_inEnvelope = false;
    bool m_pairsFound = false;
    bool m_firstElement = false;
    bool m_firstMember = false;
    qint64 m_index = 0;
    qint64 m_objectLine = 0;
    // Capture of the text being read (a record, or the top-level object as a possible single pair).
    qsizetype m_captureFrom = -1;
    QByteArray m_capture;
    bool m_overflow = false;
    std::vector<char> m_stack;
    QString m_error;
    qint64 m_errorLine = 0;
};

} // namespace pairlens
