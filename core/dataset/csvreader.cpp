#include "dataset/csvreader.h"

#include <QCoreApplication>
#include <QStringDecoder>

namespace pairlens {

CsvReader::CsvReader(QIODevice *device, char separator) : m_device(device), m_separator(separator) {}

bool CsvReader::fill()
{
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    const QByteArray chunk = m_device->read(1 << 16);
    if (chunk.isEmpty())
        return false;
    m_buffer += chunk;
    return true;
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
    // Skip blank lines between records.
    while (true) {
        if (m_pos >= m_buffer.size() && !fill())
            return false;
        const char c = m_buffer.at(m_pos);
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
    bool badUtf8 = false;
    auto endField = [&] {
        QStringDecoder dec(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        fields->append(dec.decode(field));
        if (dec.hasError())
            badUtf8 = true;
        field.clear();
        fieldStarted = false;
    };
    while (true) {
        if (m_pos >= m_buffer.size() && !fill()) {
            if (quoted)
                m_recordError = QCoreApplication::translate("CsvReader", "a quoted field is not closed");
            endField();
            break;
        }
        const char c = m_buffer.at(m_pos++);
        if (quoted) {
            if (c == '"') {
                if (m_pos >= m_buffer.size())
                    fill();
                if (m_pos < m_buffer.size() && m_buffer.at(m_pos) == '"') {
                    field += '"';
                    ++m_pos;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++m_line;
                field += c;
            }
            continue;
        }
        if (c == '"' && !fieldStarted) {
            quoted = true;
            fieldStarted = true;
        } else if (c == m_separator) {
            endField();
        } else if (c == '\n') {
            ++m_line;
            endField();
            break;
        } else if (c == '\r') {
            // part of CRLF (or a lone CR): ignored outside quotes
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (badUtf8 && m_recordError.isEmpty())
        m_recordError = QCoreApplication::translate("CsvReader", "the record is not valid UTF-8");
    return true;
}

} // namespace pairlens
