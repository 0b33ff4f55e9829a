#pragma once

// The format writers. Each format is a small class that turns records into bytes; the streaming
// functions (begin/write/finish) send them to an OutputFile. encode() is const and keeps no state,
// so the exporter encodes batches of records on worker threads and writes them in order.

#include "export/exportoptions.h"
#include "export/exportrecord.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <memory>

namespace pairlens::exporting {

class OutputFile;

// What a writer needs besides the records.
struct WriterContext
{
    QList<Field> fields;    // jsonl, json, csv (empty = all)
    bool csvRaw = false;    // csv: keep cells that look like spreadsheet formulas as they are
    QString systemPrompt;   // chat formats (empty = none)
    QString promptTemplate; // prompt, chat and alpaca formats (empty = the format's default)
    QDateTime exportedAt;   // json envelope
    QJsonObject statistics; // json envelope
};

class FormatWriter
{
public:
    virtual ~FormatWriter() = default;

    static std::unique_ptr<FormatWriter> create(Format format, const WriterContext &context);

    // Bytes before the first record (a CSV header, the opening of the JSON envelope).
    virtual void prologue(QByteArray &out) const { Q_UNUSED(out); }
    // One record, appended to `out` (thread-safe: const and stateless).
    virtual void encode(const ExportRecord &record, QByteArray &out) const = 0;
    // Between two records (",\n" in the JSON envelope; JSONL and CSV records end in a newline).
    virtual void separator(QByteArray &out) const { Q_UNUSED(out); }
    // Bytes after the last record; `count` is the number of records written.
    virtual void epilogue(qint64 count, QByteArray &out) const
    {
        Q_UNUSED(count);
        Q_UNUSED(out);
    }

    // Streaming: begin() writes the prologue, write() one record (or writeEncoded() the output of
    // encode()), finish() the epilogue. They return false when the file can't be written.
    bool begin(OutputFile *file);
    bool write(const ExportRecord &record);
    bool writeEncoded(const char *data, qsizetype size);
    bool finish();
    qint64 count() const { return m_count; }
    QString errorString() const;

private:
    OutputFile *m_file = nullptr;
    QByteArray m_scratch;
    qint64 m_count = 0;
    QString m_error;
};

// True when a spreadsheet would take this CSV cell for a formula (OWASP, "CSV Injection"): it starts
// with a tab, CR or LF, or its first character after leading spaces and invisible characters
// (Unicode spaces such as NBSP, control characters, zero-width and other format characters such as
// U+200B..U+200D and U+FEFF) is = + - @, a fullwidth or small form of one (U+FF1D U+FF0B U+FF0D
// U+FF20, U+FE66 U+FE62 U+FE63 U+FE6B) or the minus sign U+2212. The CSV writer writes such text
// cells with a leading apostrophe, quoted, unless ExportOptions::csvRaw.
bool csvCellIsFormula(QStringView cell);

// Fills a template's placeholders {question}, {database_type}, {database_name}, {tables} and
// {query_type}; other text (including unknown {names}) is kept as it is.
QString renderTemplate(const QString &templ, const ExportRecord &record);

} // namespace pairlens::exporting
