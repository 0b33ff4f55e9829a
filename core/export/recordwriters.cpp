// The formats that hold whole pairs: JSONL, the JSON envelope and CSV.
#include "export/formatwriter.h"
#include "export/jsontext.h"

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

void appendJsonField(QByteArray &out, Field field, const ExportRecord &r)
{
    switch (field) {
    case Field::PairId:
        json::appendUtf8String(out, r.pairId);
        break;
    case Field::Question:
        json::appendString(out, r.question);
        break;
    case Field::Sql:
        json::appendString(out, r.sql);
        break;
    case Field::Timestamp:
        json::appendUtf8String(out, r.timestamp);
        break;
    case Field::DatabaseType:
        json::appendUtf8String(out, r.databaseType);
        break;
    case Field::DatabaseName:
        json::appendString(out, r.databaseName);
        break;
    case Field::TableNames:
        out.append(r.tableNamesJson);
        break;
    case Field::Success:
        out.append(r.success ? "true" : "false");
        break;
    case Field::ExecutionTime:
        if (r.executionTimeMs < 0)
            out.append("null");
        else
            json::appendNumber(out, r.executionTimeMs);
        break;
    case Field::QueryType:
        json::appendUtf8String(out, r.queryType);
        break;
    case Field::Metadata:
        out.append(r.metadataJson);
        break;
    }
}

class JsonObjectWriter : public FormatWriter
{
public:
    explicit JsonObjectWriter(const WriterContext &c)
        : m_fields(c.fields.isEmpty() ? allFields() : c.fields), m_keys(quotedKeys(m_fields))
    {}

    void encodeObject(const ExportRecord &r, QByteArray &out) const
    {
        out.append('{');
        for (qsizetype i = 0; i < m_fields.size(); ++i) {
            if (i)
                out.append(',');
            out.append(m_keys.at(i));
            appendJsonField(out, m_fields.at(i), r);
        }
        out.append('}');
    }

private:
    QList<Field> m_fields;
    QList<QByteArray> m_keys;
};

class JsonlWriter : public JsonObjectWriter
{
public:
    using JsonObjectWriter::JsonObjectWriter;
    void encode(const ExportRecord &r, QByteArray &out) const override
    {
        encodeObject(r, out);
        out.append('\n');
    }
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
// LF (quotes doubled). Cells that a spreadsheet would run as a formula get a leading apostrophe.
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
            appendCell(out, cellText(m_fields.at(i), r));
        }
        out.append("\r\n");
    }

private:
    static QString cellText(Field field, const ExportRecord &r)
    {
        switch (field) {
        case Field::PairId:
            return QString::fromUtf8(r.pairId);
        case Field::Question:
            return r.question;
        case Field::Sql:
            return r.sql;
        case Field::Timestamp:
            return QString::fromUtf8(r.timestamp);
        case Field::DatabaseType:
            return QString::fromUtf8(r.databaseType);
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
            return QString::fromUtf8(r.queryType);
        case Field::Metadata:
            return QString::fromUtf8(r.metadataJson);
        }
        return {};
    }

    void appendCell(QByteArray &out, const QString &text) const
    {
        bool formula = false;
        if (!m_raw && !text.isEmpty()) {
            const QChar c = text.front();
            formula = c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r';
        }
        bool quote = false;
        for (const QChar c : text) {
            if (c == u',' || c == u'"' || c == u'\n' || c == u'\r') {
                quote = true;
                break;
            }
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
