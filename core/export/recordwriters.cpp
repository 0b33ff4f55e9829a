// The formats that hold whole pairs: JSONL, the JSON envelope and CSV.
#include "export/formatwriter.h"
#include "export/jsontext.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

// "\"pair_id\":" etc., precomputed once per writer.
QList<QByteArray> quotedKeys(const QList<Field> &fields)
{
    QList<QByteArray> keys;
    for (Field f : fields) {
        QByteArray k;
        json::appendString(k, fieldName(f));
        k.append(':');
        keys << k;
    }
    return keys;
}

// The most bytes a field's JSON value can take (see json::stringBound).
qsizetype jsonFieldBound(Field field, const ExportRecord &r)
{
    switch (field) {
    case Field::PairId:
        return json::stringBound(r.pairId.size());
    case Field::Question:
        return json::stringBound(r.question.size());
    case Field::Sql:
        return json::stringBound(r.sql.size());
    case Field::Timestamp:
        return json::stringBound(r.timestamp.size());
    case Field::DatabaseType:
        return json::stringBound(r.databaseType.size());
    case Field::DatabaseName:
        return json::stringBound(r.databaseName.size());
    case Field::TableNames:
        return r.tableNamesJson.size();
    case Field::Success:
        return 5;
    case Field::ExecutionTime:
        return json::kNumberBound;
    case Field::QueryType:
        return json::stringBound(r.queryType.size());
    case Field::Metadata:
        return r.metadataJson.size();
    }
    return 0;
}

char *copy(char *p, QByteArrayView bytes)
{
    std::memcpy(p, bytes.data(), size_t(bytes.size()));
    return p + bytes.size();
}

// Writes a field's JSON value at p (sized by jsonFieldBound) and returns its end.
char *writeJsonField(char *p, Field field, const ExportRecord &r)
{
    switch (field) {
    case Field::PairId:
        return json::writeUtf8String(p, r.pairId);
    case Field::Question:
        return json::writeString(p, r.question);
    case Field::Sql:
        return json::writeString(p, r.sql);
    case Field::Timestamp:
        return json::writeUtf8String(p, r.timestamp);
    case Field::DatabaseType:
        return json::writeUtf8String(p, r.databaseType);
    case Field::DatabaseName:
        return json::writeString(p, r.databaseName);
    case Field::TableNames:
        return copy(p, r.tableNamesJson);
    case Field::Success:
        return copy(p, r.success ? QByteArrayView("true") : QByteArrayView("false"));
    case Field::ExecutionTime:
        return r.executionTimeMs < 0 ? copy(p, "null") : json::writeNumber(p, r.executionTimeMs);
    case Field::QueryType:
        return json::writeUtf8String(p, r.queryType);
    case Field::Metadata:
        return copy(p, r.metadataJson);
    }
    return p;
}

class JsonObjectWriter : public FormatWriter
{
public:
    explicit JsonObjectWriter(const WriterContext &c)
        : m_fields(c.fields.isEmpty() ? allFields() : c.fields), m_keys(quotedKeys(m_fields))
    {
        for (const QByteArray &k : std::as_const(m_keys))
            m_keysSize += k.size();
    }

    // One object, plus `last` after it when not 0: the buffer grows once to the record's bound
    // and every field is written straight into it.
    void encodeObject(const ExportRecord &r, QByteArray &out, char last = 0) const
    {
        qsizetype bound = m_keysSize + m_fields.size() + 2;
        for (Field f : m_fields)
            bound += jsonFieldBound(f, r);
        const qsizetype old = out.size();
        out.resize(old + bound);
        char *p = out.data() + old;
        *p++ = '{';
        for (qsizetype i = 0; i < m_fields.size(); ++i) {
            if (i)
                *p++ = ',';
            p = copy(p, m_keys.at(i));
            p = writeJsonField(p, m_fields.at(i), r);
        }
        *p++ = '}';
        if (last)
            *p++ = last;
        out.truncate(p - out.constData());
    }

private:
    QList<Field> m_fields;
    QList<QByteArray> m_keys;
    qsizetype m_keysSize = 0;
};

class JsonlWriter : public JsonObjectWriter
{
public:
    using JsonObjectWriter::JsonObjectWriter;
    void encode(const ExportRecord &r, QByteArray &out) const override { encodeObject(r, out, '\n'); }
};

// The seed's envelope. The pairs are streamed, so "total_pairs" and "statistics" follow the
// "pairs" array (key order carries no meaning in JSON).
class JsonEnvelopeWriter : public JsonObjectWriter
{
public:
    explicit JsonEnvelopeWriter(const WriterContext &c)
        : JsonObjectWriter(c), m_exportedAt(c.exportedAt), m_statistics(c.statistics)
    {}
    void prologue(QByteArray &out) const override
    {
        out.append("{\n\"exported_at\": ");
        json::appendString(out, m_exportedAt.toUTC().toString(Qt::ISODateWithMs));
        out.append(",\n\"format_version\": \"1.0\",\n\"pairs\": [\n");
    }
    void encode(const ExportRecord &r, QByteArray &out) const override { encodeObject(r, out); }
    void separator(QByteArray &out) const override { out.append(",\n"); }
    void epilogue(qint64 count, QByteArray &out) const override
    {
        out.append(count ? "\n],\n\"total_pairs\": " : "],\n\"total_pairs\": ");
        out.append(QByteArray::number(count));
        out.append(",\n\"statistics\": ");
        json::appendObject(out, m_statistics);
        out.append("\n}\n");
    }

private:
    QDateTime m_exportedAt;
    QJsonObject m_statistics;
};

// RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, a quote, CR or
// LF (quotes doubled). Cells that a spreadsheet would run as a formula (csvCellIsFormula) get a
// leading apostrophe and are quoted.
class CsvWriter : public FormatWriter
{
public:
    explicit CsvWriter(const WriterContext &c)
        : m_fields(c.fields.isEmpty() ? allFields() : c.fields), m_raw(c.csvRaw)
    {}

    void prologue(QByteArray &out) const override
    {
        for (qsizetype i = 0; i < m_fields.size(); ++i) {
            if (i)
                out.append(',');
            json::appendUtf8(out, fieldName(m_fields.at(i)));
        }
        out.append("\r\n");
    }

    void encode(const ExportRecord &r, QByteArray &out) const override
    {
        for (qsizetype i = 0; i < m_fields.size(); ++i) {
            if (i)
                out.append(',');
            // execution_time_ms is a number PairLens formats itself (never negative: an unknown
            // time is an empty cell), so it is never taken for a formula; every other cell is text.
            const Field field = m_fields.at(i);
            appendCell(out, cellText(field, r), field != Field::ExecutionTime);
        }
        out.append("\r\n");
    }

private:
    static QString cellText(Field field, const ExportRecord &r)
    {
        switch (field) {
        case Field::PairId:
            return textFromUtf8(r.pairId);
        case Field::Question:
            return r.question;
        case Field::Sql:
            return r.sql;
        case Field::Timestamp:
            return textFromUtf8(r.timestamp);
        case Field::DatabaseType:
            return textFromUtf8(r.databaseType);
        case Field::DatabaseName:
            return r.databaseName;
        case Field::TableNames:
            return QString::fromUtf8(r.tableNamesJson);
        case Field::Success:
            return r.success ? u"true"_s : u"false"_s;
        case Field::ExecutionTime: {
            if (r.executionTimeMs < 0)
                return {};
            QByteArray b;
            json::appendNumber(b, r.executionTimeMs);
            return QString::fromLatin1(b);
        }
        case Field::QueryType:
            return textFromUtf8(r.queryType);
        case Field::Metadata:
            return QString::fromUtf8(r.metadataJson);
        }
        return {};
    }

    void appendCell(QByteArray &out, const QString &text, bool isText) const
    {
        // OWASP's advice for CSV injection: a leading apostrophe, and the cell quoted.
        const bool formula = isText && !m_raw && csvCellIsFormula(text);
        bool quote = formula;
        for (qsizetype i = 0; !quote && i < text.size(); ++i) {
            const QChar c = text.at(i);
            quote = c == u',' || c == u'"' || c == u'\n' || c == u'\r';
        }
        if (quote)
            out.append('"');
        if (formula)
            out.append('\'');
        if (quote) {
            QString doubled = text;
            doubled.replace(u'"', u"\"\""_s);
            json::appendUtf8(out, doubled);
            out.append('"');
        } else {
            json::appendUtf8(out, text);
        }
    }

    QList<Field> m_fields;
    bool m_raw;
};

} // namespace

bool csvCellIsFormula(QStringView cell)
{
    if (cell.isEmpty())
        return false;
    const char16_t first = cell.front().unicode();
    if (first == u'\t' || first == u'\r' || first == u'\n')
        return true;
    // Spreadsheets skip what can't be seen before they look for a formula: spaces of every kind
    // (NBSP, U+2000..U+200A, U+3000, ...), line and paragraph separators, control characters and
    // format characters (zero-width space and joiners, U+FEFF, bidi marks, soft hyphen).
    for (const QChar c : cell) {
        if (c.isSpace() || c.category() == QChar::Other_Format || c.category() == QChar::Other_Control)
            continue;
        switch (c.unicode()) {
        case u'=':
        case u'+':
        case u'-':
        case u'@':
        case u'\uFF1D': // fullwidth = + - @
        case u'\uFF0B':
        case u'\uFF0D':
        case u'\uFF20':
        case u'\uFE66': // small = + - @
        case u'\uFE62':
        case u'\uFE63':
        case u'\uFE6B':
        case u'\u2212': // minus sign
            return true;
        default:
            return false;
        }
    }
    return false;
}

std::unique_ptr<FormatWriter> createRecordWriter(Format format, const WriterContext &context)
{
    switch (format) {
    case Format::Json:
        return std::make_unique<JsonEnvelopeWriter>(context);
    case Format::Csv:
        return std::make_unique<CsvWriter>(context);
    default:
        return std::make_unique<JsonlWriter>(context);
    }
}

} // namespace pairlens::exporting
