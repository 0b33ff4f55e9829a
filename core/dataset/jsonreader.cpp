#include "dataset/jsonreader.h"

#include <QCoreApplication>

#include <cstring>

namespace pairlens {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JsonRecordReader", text);
}

constexpr qint64 kBlock = 256 * 1024;

bool isDelimiter(int c)
{
    return c < 0 || c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

QString shown(int c)
{
    if (c < 0)
        return tr("the end of the file");
    if (c < 0x20 || c >= 0x7f)
        return QStringLiteral("0x%1").arg(c, 2, 16, QLatin1Char('0'));
    return QStringLiteral("'%1'").arg(QLatin1Char(char(c)));
}

} // namespace

JsonRecordReader::JsonRecordReader(QIODevice *device) : m_device(device) {}

bool JsonRecordReader::refill()
{
    if (m_captureFrom >= 0) {
        appendCapture(m_block.constData() + m_captureFrom, m_block.size() - m_captureFrom);
        m_captureFrom = 0;
    }
    m_blockOffset += m_block.size();
    m_block.resize(kBlock);
    const qint64 n = m_device->read(m_block.data(), kBlock);
    m_block.resize(n > 0 ? qsizetype(n) : 0);
    m_pos = 0;
    return n > 0;
}

int JsonRecordReader::peek()
{
    if (m_pos >= m_block.size() && !refill())
        return -1;
    return uchar(m_block.at(m_pos));
}

int JsonRecordReader::get()
{
    const int c = peek();
    if (c >= 0) {
        ++m_pos;
        if (c == '\n')
            ++m_line;
    }
    return c;
}

int JsonRecordReader::peekNonSpace()
{
    while (true) {
        const int c = peek();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            get();
        else
            return c;
    }
}

void JsonRecordReader::appendCapture(const char *data, qsizetype size)
{
    if (m_overflow || size <= 0)
        return;
    if (m_capture.size() + size > kMaxRecordBytes) {
        m_overflow = true;
        m_capture = QByteArray(); // give the memory back at once
        return;
    }
    m_capture.append(data, size);
}

void JsonRecordReader::startCapture()
{
    m_capture = QByteArray();
    m_overflow = false;
    m_captureFrom = m_pos;
}

void JsonRecordReader::stopCapture()
{
    if (m_captureFrom >= 0)
        appendCapture(m_block.constData() + m_captureFrom, m_pos - m_captureFrom);
    m_captureFrom = -1;
}

void JsonRecordReader::dropCapture()
{
    m_captureFrom = -1;
    m_capture = QByteArray();
    m_overflow = false;
}

bool JsonRecordReader::fail(const QString &message, qint64 line)
{
    if (m_error.isEmpty()) {
        m_error = message;
        m_errorLine = line < 0 ? m_line : line;
    }
    dropCapture();
    m_state = State::End;
    m_block.clear();
    m_pos = 0;
    return false;
}

JsonRecordReader::Scan JsonRecordReader::scanString(QByteArray *raw)
{
    const qint64 startLine = m_line;
    get(); // the opening quote
    auto keep = [raw](const char *data, qsizetype size) {
        if (raw && raw->size() < 64)
            raw->append(data, std::min<qsizetype>(size, 64 - raw->size()));
    };
    while (true) {
        if (m_pos >= m_block.size() && !refill()) {
            fail(tr("the file ends inside a string that starts on line %1").arg(startLine));
            return Scan::Failed;
        }
        const char *data = m_block.constData();
        const qsizetype size = m_block.size();
        qsizetype i = m_pos;
        while (i < size && data[i] != '"' && data[i] != '\\' && data[i] != '\n')
            ++i;
        keep(data + m_pos, i - m_pos);
        m_pos = i;
        if (i == size)
            continue;
        const char c = data[i];
        get();
        if (c == '"')
            return Scan::Done;
        if (c == '\n')
            return Scan::LineBreak; // JSON strings hold no line breaks: this one was never closed
        keep(&c, 1);
        const int escaped = get(); // whatever follows a backslash belongs to the string
        if (escaped < 0) {
            fail(tr("the file ends inside a string that starts on line %1").arg(startLine));
            return Scan::Failed;
        }
        const char e = char(escaped);
        keep(&e, 1);
        if (escaped == '\n')
            return Scan::LineBreak;
    }
}

JsonRecordReader::Scan JsonRecordReader::scanValue()
{
    const qint64 startLine = m_line;
    int c = peek();
    if (c == '"')
        return scanString();
    if (c != '{' && c != '[') {
        // A number, true, false or null: up to the next delimiter.
        if (isDelimiter(c) || c == ':') {
            fail(tr("expected a value on line %1 but found %2").arg(m_line).arg(shown(c)));
            return Scan::Failed;
        }
        while (!isDelimiter(peek()))
            get();
        return Scan::Done;
    }
    m_stack.clear();
    while (true) {
        if (m_pos >= m_block.size() && !refill()) {
            fail(tr("the file ends inside a record that starts on line %1").arg(startLine));
            return Scan::Failed;
        }
        // Skip to the next character that matters.
        const char *data = m_block.constData();
        const qsizetype size = m_block.size();
        qsizetype i = m_pos;
        while (i < size) {
            const char d = data[i];
            if (d == '{' || d == '}' || d == '[' || d == ']' || d == '"' || d == '\n')
                break;
            ++i;
        }
        m_pos = i;
        if (i == size)
            continue;
        c = uchar(data[i]);
        if (c == '"') {
            const Scan s = scanString();
            if (s != Scan::Done)
                return s;
            continue;
        }
        get();
        if (c == '\n')
            continue;
        if (c == '{' || c == '[') {
            if (int(m_stack.size()) >= kMaxDepth) {
                fail(tr("the record that starts on line %1 is nested more than %2 levels deep")
                         .arg(startLine)
                         .arg(kMaxDepth));
                return Scan::Failed;
            }
            m_stack.push_back(c == '{' ? '}' : ']');
            continue;
        }
        if (m_stack.empty() || m_stack.back() != char(c)) {
            fail(tr("%1 on line %2 does not close the bracket that is open there").arg(shown(c)).arg(m_line));
            return Scan::Failed;
        }
        m_stack.pop_back();
        if (m_stack.empty())
            return Scan::Done;
    }
}

void JsonRecordReader::resyncElements()
{
    // At the start of the line after a string that was not closed. Reading goes on at the first
    // line that starts (after white space and a comma) with '{' or with the array's ']'.
    while (true) {
        int c = peek();
        while (c == ' ' || c == '\t' || c == '\r') {
            get();
            c = peek();
        }
        if (c == ',') {
            get();
            c = peek();
            while (c == ' ' || c == '\t' || c == '\r') {
                get();
                c = peek();
            }
        }
        if (c == '{' || c < 0) {
            m_state = State::Elements;
            m_firstElement = false;
            return;
        }
        if (c == ']') {
            m_state = State::AfterElement;
            return;
        }
        // Not where a record starts: skip the line.
        while (true) {
            if (m_pos >= m_block.size() && !refill()) {
                m_state = State::Elements;
                return;
            }
            const char *begin = m_block.constData() + m_pos;
            const void *eol = std::memchr(begin, '\n', size_t(m_block.size() - m_pos));
            if (eol) {
                m_pos += static_cast<const char *>(eol) - begin + 1;
                ++m_line;
                break;
            }
            m_pos = m_block.size();
        }
    }
}

bool JsonRecordReader::readElement(Record *record)
{
    record->line = m_line;
    record->index = ++m_index;
    record->text.clear();
    record->error.clear();
    record->tooLarge = false;
    startCapture();
    const Scan s = scanValue();
    if (s == Scan::Failed)
        return false;
    if (s == Scan::LineBreak) {
        dropCapture();
        const qint64 brokenOn = m_line - 1;
        resyncElements();
        if (m_line > brokenOn + 1)
            record->error = tr("a string on line %1 is not closed on its line (lines %2 to %3 were skipped; "
                               "reading went on at line %4)")
                                .arg(brokenOn)
                                .arg(brokenOn + 1)
                                .arg(m_line - 1)
                                .arg(m_line);
        else
            record->error = tr("a string on line %1 is not closed on its line").arg(brokenOn);
        return true;
    }
    stopCapture();
    record->tooLarge = m_overflow;
    record->text = std::move(m_capture);
    m_capture = QByteArray();
    m_overflow = false;
    m_state = State::AfterElement;
    return true;
}

bool JsonRecordReader::finish()
{
    const int c = peekNonSpace();
    if (c >= 0)
        return fail(tr("there is more after the end of the JSON document, on line %1").arg(m_line));
    m_state = State::End;
    return false;
}

bool JsonRecordReader::next(Record *record)
{
    while (true) {
        switch (m_state) {
        case State::Start: {
            if (peek() == 0xEF && m_block.mid(m_pos, 3) == "\xEF\xBB\xBF")
                m_pos += 3;
            const int c = peekNonSpace();
            if (c < 0) {
                m_state = State::End; // an empty file holds no records
                return false;
            }
            if (c == '[') {
                get();
                m_state = State::Elements;
                m_firstElement = true;
            } else if (c == '{') {
                m_inEnvelope = true;
                m_objectLine = m_line;
                startCapture(); // a single pair unless it has a "pairs" array
                get();
                m_state = State::EnvelopeMembers;
                m_firstMember = true;
            } else {
                return fail(tr("it does not start with a JSON array or object"));
            }
            continue;
        }
        case State::Elements: {
            const int c = peekNonSpace();
            if (c == ']' && m_firstElement) {
                get();
                m_state = m_inEnvelope ? State::EnvelopeAfterValue : State::Trailing;
                continue;
            }
            if (c < 0)
                return fail(tr("the file ends inside the array"));
            return readElement(record);
        }
        case State::AfterElement: {
            const int c = peekNonSpace();
            if (c == ',') {
                get();
                m_firstElement = false;
                m_state = State::Elements;
                continue;
            }
            if (c == ']') {
                get();
                m_state = m_inEnvelope ? State::EnvelopeAfterValue : State::Trailing;
                continue;
            }
            if (c < 0)
                return fail(tr("the file ends inside the array"));
            return fail(tr("expected ',' or ']' after record %1 on line %2 but found %3")
                            .arg(m_index)
                            .arg(m_line)
                            .arg(shown(c)));
        }
        case State::EnvelopeMembers: {
            int c = peekNonSpace();
            if (c == '}' && m_firstMember) {
                m_state = State::EnvelopeAfterValue;
                continue;
            }
            if (c != '"')
                return fail(tr("expected a key in quotes on line %1 but found %2").arg(m_line).arg(shown(c)));
            QByteArray key;
            const Scan k = scanString(&key);
            if (k == Scan::Failed)
                return false;
            if (k == Scan::LineBreak)
                return fail(tr("a key on line %1 is not closed on its line").arg(m_line - 1), m_line - 1);
            c = peekNonSpace();
            if (c != ':')
                return fail(tr("expected ':' on line %1 but found %2").arg(m_line).arg(shown(c)));
            get();
            c = peekNonSpace();
            if (key == "pairs" && c == '[' && !m_pairsFound) {
                // An export envelope: its pairs are the records, whatever else it holds.
                m_pairsFound = true;
                dropCapture();
                get();
                m_state = State::Elements;
                m_firstElement = true;
                continue;
            }
            const Scan v = scanValue();
            if (v == Scan::Failed)
                return false;
            if (v == Scan::LineBreak)
                return fail(tr("a string on line %1 is not closed on its line").arg(m_line - 1), m_line - 1);
            m_state = State::EnvelopeAfterValue;
            continue;
        }
        case State::EnvelopeAfterValue: {
            const int c = peekNonSpace();
            if (c == ',') {
                get();
                m_firstMember = false;
                m_state = State::EnvelopeMembers;
                continue;
            }
            if (c != '}')
                return fail(tr("expected ',' or '}' on line %1 but found %2").arg(m_line).arg(shown(c)));
            get();
            m_state = State::Trailing;
            if (!m_pairsFound) {
                // No "pairs" array: the object is a single pair.
                stopCapture();
                record->line = m_objectLine;
                record->index = ++m_index;
                record->error.clear();
                record->tooLarge = m_overflow;
                record->text = std::move(m_capture);
                m_capture = QByteArray();
                m_overflow = false;
                return true;
            }
            continue;
        }
        case State::Trailing:
            return finish();
        case State::End:
            return false;
        }
    }
}

} // namespace pairlens
