#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace pairlens::ui {

// Colours SQL by its tokens (core's sql::tokenize, the same lexer the analyzer uses): keywords,
// strings, numbers, comments, quoted identifiers and parameters. Block comments and strings that
// span lines carry over through the block state.
class SqlHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit SqlHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    enum State
    {
        Normal = 0,
        InBlockComment = 1,
        InString = 2
    };

    QTextCharFormat m_keyword;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_comment;
    QTextCharFormat m_identifier;
    QTextCharFormat m_parameter;
};

} // namespace pairlens::ui
