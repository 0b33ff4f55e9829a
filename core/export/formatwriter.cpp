#include "export/formatwriter.h"

#include "export/outputfile.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {

// Defined in recordwriters.cpp and trainingwriters.cpp.
std::unique_ptr<FormatWriter> createRecordWriter(Format format, const WriterContext &context);
std::unique_ptr<FormatWriter> createTrainingWriter(Format format, const WriterContext &context);

std::unique_ptr<FormatWriter> FormatWriter::create(Format format, const WriterContext &context)
{
    if (isRecordFormat(format))
        return createRecordWriter(format, context);
    return createTrainingWriter(format, context);
}

bool FormatWriter::begin(OutputFile *file)
{
    m_file = file;
    m_count = 0;
    m_scratch.clear();
    prologue(m_scratch);
    return m_file->write(m_scratch);
}

bool FormatWriter::writeEncoded(const char *data, qsizetype size)
{
    if (m_count > 0) {
        m_scratch.clear();
        separator(m_scratch);
        if (!m_scratch.isEmpty() && !m_file->write(m_scratch))
            return false;
    }
    ++m_count;
    return m_file->write(data, size);
}

bool FormatWriter::write(const ExportRecord &record)
{
    QByteArray bytes;
    encode(record, bytes);
    return writeEncoded(bytes.constData(), bytes.size());
}

bool FormatWriter::finish()
{
    m_scratch.clear();
    epilogue(m_count, m_scratch);
    return m_file->write(m_scratch) && m_file->finish();
}

QString FormatWriter::errorString() const
{
    return m_file ? m_file->errorString() : QString();
}

QString renderTemplate(const QString &templ, const ExportRecord &r)
{
    QString out;
    out.reserve(templ.size() + r.question.size() + 64);
    qsizetype i = 0;
    while (i < templ.size()) {
        const qsizetype open = templ.indexOf(u'{', i);
        if (open < 0) {
            out += QStringView(templ).mid(i);
            break;
        }
        out += QStringView(templ).mid(i, open - i);
        const qsizetype close = templ.indexOf(u'}', open + 1);
        if (close < 0) {
            out += QStringView(templ).mid(open);
            break;
        }
        const QStringView name = QStringView(templ).mid(open + 1, close - open - 1);
        if (name == u"question")
            out += r.question;
        else if (name == u"database_type")
            out += r.databaseType.isEmpty() ? u"SQL"_s : QString::fromUtf8(r.databaseType);
        else if (name == u"database_name")
            out += r.databaseName;
        else if (name == u"tables") {
            const QStringList tables = r.tableNames();
            out += tables.isEmpty() ? u"(unknown)"_s : tables.join(u", "_s);
        } else if (name == u"query_type")
            out += QString::fromUtf8(r.queryType);
        else {
            out += u'{';
            i = open + 1;
            continue;
        }
        i = close + 1;
    }
    return out;
}

} // namespace pairlens::exporting
