#pragma once

#include <QList>
#include <QStringView>

namespace pairlens::sql {

// A lexical token of an SQL text. Offsets are in UTF-16 code units of the input (QString indices).
enum class TokenKind
{
    Whitespace,
    LineComment,      // -- ... (to end of line)
    BlockComment,     // /* ... */ (nesting allowed, as PostgreSQL does)
    Word,             // keyword or bare identifier: letters, digits, _, $, non-ASCII letters
    QuotedIdentifier, // "x"  `x`  [x]
    String,           // 'x' (with '' escapes), E'x', N'x', X'..'
    DollarString,     // $$ ... $$ or $tag$ ... $tag$
    Number,
    Parameter,   // ?  ?1  :name  @name  $1  ##Param##  ##Param:int##
    Operator,    // + - * / % = <> != < > <= >= || :: etc.
    Punctuation, // ( ) , ; .
    Unknown,
};

struct Token
{
    TokenKind kind = TokenKind::Unknown;
    qsizetype start = 0;
    qsizetype length = 0;

    QStringView text(QStringView source) const { return source.mid(start, length); }
};

// Splits the whole text into tokens, covering every character exactly once (whitespace and comments
// included), so that replacing a token's range rebuilds the text faithfully. Never fails: an
// unterminated string or comment runs to the end of the input.
QList<Token> tokenize(QStringView sql);

// The token that starts at `position` (0 <= position < sql.size()). tokenize() is this in a loop;
// the analyzer calls it directly so that it needs no list. Never returns an empty token.
Token nextToken(QStringView sql, qsizetype position);

// The content of a String/DollarString/QuotedIdentifier token with its quotes and escapes removed.
QString unquote(QStringView source, const Token &token);

} // namespace pairlens::sql
