#include "sqlhighlighter.h"

#include "sql/keywords.h"
#include "sql/tokenizer.h"

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

// Where a string that began on an earlier line ends ('' is an escaped quote), or -1.
qsizetype stringEnd(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) != u'\'')
            continue;
        if (i + 1 < text.size() && text.at(i + 1) == u'\'') {
            ++i;
            continue;
        }
        return i + 1;
    }
    return -1;
}

} // namespace

SqlHighlighter::SqlHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    m_keyword.setForeground(QColor(0x1f, 0x4e, 0xb4));
    m_keyword.setFontWeight(QFont::Bold);
    m_string.setForeground(QColor(0xa3, 0x3b, 0x15));
    m_number.setForeground(QColor(0x0b, 0x7a, 0x6c));
    m_comment.setForeground(QColor(0x6a, 0x73, 0x7d));
    m_comment.setFontItalic(true);
    m_identifier.setForeground(QColor(0x6f, 0x42, 0xc1));
    m_parameter.setForeground(QColor(0xb0, 0x5a, 0x00));
}

void SqlHighlighter::highlightBlock(const QString &text)
{
    qsizetype start = 0;
    const int previous = previousBlockState();
    if (previous == InBlockComment) {
        const qsizetype end = text.indexOf(u"*/"_s);
        start = end < 0 ? text.size() : end + 2;
        setFormat(0, int(start), m_comment);
        if (end < 0) {
            setCurrentBlockState(InBlockComment);
            return;
        }
    } else if (previous == InString) {
        const qsizetype end = stringEnd(text);
        start = end < 0 ? text.size() : end;
        setFormat(0, int(start), m_string);
        if (end < 0) {
            setCurrentBlockState(InString);
            return;
        }
    }
    setCurrentBlockState(Normal);
    const QStringView rest = QStringView(text).mid(start);
    for (const sql::Token &t : sql::tokenize(rest)) {
        const int from = int(start + t.start);
        const int length = int(t.length);
        const QStringView word = t.text(rest);
        switch (t.kind) {
        case sql::TokenKind::Word: {
            const sql::KeywordInfo info = sql::keywordInfo(word);
            if (info.keyword != sql::Keyword::None || info.reserved)
                setFormat(from, length, m_keyword);
            break;
        }
        case sql::TokenKind::String:
        case sql::TokenKind::DollarString:
            setFormat(from, length, m_string);
            if (t.kind == sql::TokenKind::String && word.count(u'\'') % 2 == 1)
                setCurrentBlockState(InString); // runs on into the next line
            break;
        case sql::TokenKind::Number:
            setFormat(from, length, m_number);
            break;
        case sql::TokenKind::LineComment:
            setFormat(from, length, m_comment);
            break;
        case sql::TokenKind::BlockComment:
            setFormat(from, length, m_comment);
            if (!word.endsWith(u"*/"_s) || word.size() < 4)
                setCurrentBlockState(InBlockComment);
            break;
        case sql::TokenKind::QuotedIdentifier:
            setFormat(from, length, m_identifier);
            break;
        case sql::TokenKind::Parameter:
            setFormat(from, length, m_parameter);
            break;
        default:
            break;
        }
    }
}

} // namespace pairlens::ui
