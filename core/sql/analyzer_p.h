#pragma once

// Internal to the analyzer: the significant tokens of a text and the table collector.

#include "sql/analyzer.h"
#include "sql/keywords.h"
#include "sql/tokenizer.h"

#include <QVarLengthArray>

namespace pairlens::sql::detail {

// A token that is not whitespace or a comment, with its keyword looked up once.
struct Sig
{
    qsizetype start = 0;
    qsizetype length = 0;
    TokenKind kind = TokenKind::Unknown;
    Keyword keyword = Keyword::None;
    bool reserved = false;
    char16_t punct = 0; // the character of a one-character Punctuation token

    bool isWord() const { return kind == TokenKind::Word; }
    bool is(Keyword k) const { return kind == TokenKind::Word && keyword == k; }
    bool isPunct(char16_t c) const { return punct == c; }
    bool isName() const
    {
        return kind == TokenKind::QuotedIdentifier || (kind == TokenKind::Word && !reserved);
    }
};

using SigList = QVarLengthArray<Sig, 256>;

// One statement: sig[begin, end).
struct Range
{
    qsizetype begin = 0;
    qsizetype end = 0;
    Keyword head = Keyword::None; // first word (after leading parentheses)
    bool endedBySplit = false;    // ended where the next statement began, not at ';' or the end
};

// Index of the token after the parenthesis group that opens at `open`, or `end`.
qsizetype skipGroup(const SigList &sig, qsizetype open, qsizetype end);

// `WITH name [(cols)] AS (` or `WITH RECURSIVE`: a common table expression list starts at `with`.
bool looksLikeCte(const SigList &sig, qsizetype with, qsizetype end);

// Adds the tables of one statement to `tables` (first spelling wins, case-insensitive).
void collectTables(QStringView sql, const SigList &sig, const Range &range, QStringList &tables);

} // namespace pairlens::sql::detail
