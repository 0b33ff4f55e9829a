#pragma once

// The anonymizer's reading of SQL: the values in its string literals and comments, read as the
// database reads them (escapes decoded, folded, constant concatenations joined), and the checks
// that keep a rewritten SQL text's tokens exactly those of the original. Private to core/privacy.

#include "privacy/scan_p.h"
#include "sql/tokenizer.h"

#include <QList>
#include <QString>
#include <QStringView>

namespace pairlens::privacy::detail {

inline bool isScannedToken(sql::TokenKind kind)
{
    return kind == sql::TokenKind::String || kind == sql::TokenKind::DollarString ||
           kind == sql::TokenKind::LineComment || kind == sql::TokenKind::BlockComment;
}

// Whether reading the SQL token by token could find what the whole text does not show
// (sqlscanprefilter.cpp).
bool needsTokenScan(QStringView sql);
// Whether the SQL may hold a string literal or a comment, in any dialect: a quote, '$' or '#'
// anywhere, or "--", "/*", "//". Every value of an SQL text lies in one of those (identifiers,
// keywords and numbers are never read), so without them there is nothing to find.
bool mayHoldLiteralOrComment(QStringView sql);

// One literal or comment of the SQL.
struct Piece
{
    qsizetype token = 0;
    sql::DecodedContent content;
    int view = -1; // its own view in the scan
};

// Literals joined into one value: the pieces in order; `shared` marks a CONCAT_WS separator, which
// occurs between every two arguments and is never edited.
struct Chain
{
    QList<int> pieces;
    QList<bool> shared;
    int view = -1;
};

// What was found in an SQL text: the scan, the tokens, the literals and comments (pieces), the
// joined literals (chains), and which piece or chain each view belongs to.
struct SqlScan
{
    Scan scan;
    QList<sql::Token> tokens;
    QList<Piece> pieces;
    QList<Chain> chains;
    QList<int> viewPiece; // per view: its piece, or -1
    QList<int> viewChain; // per view: its chain, or -1
    void clear()          // see Scan::clear()
    {
        scan.clear();
        tokens.clear();
        pieces.clear();
        chains.clear();
        viewPiece.clear();
        viewChain.clear();
    }
    bool large() const // see Scan::large()
    {
        return scan.large() || tokens.capacity() > 1024 || pieces.capacity() > 1024 ||
               chains.capacity() > 1024 || viewPiece.capacity() > 1024 || viewChain.capacity() > 1024;
    }
};

// Values in the SQL's string literals and comments only; identifiers, keywords, numbers and
// parameters are never touched.
void detectSql(const CompiledPatterns &patterns, QStringView sql, sql::Dialect dialect, bool fast,
               SqlScan &s);

// What the SQL says a value is (columnsemantics.cpp): whether the SQL could compare, insert or
// assign a string literal to a column whose name says it holds personal data (a quote and such a
// column name), and the candidates of those literals, added to s.scan.found (needs s.tokens; a
// literal without a piece in s.pieces gets one).
bool mayHaveColumnValues(QStringView sql);
// Whether findColumnValues() could add to these candidates (false when every `col = 'x'` of such a
// column has a candidate covering 'x' and there is no other form); see columnsemantics.cpp.
bool columnValuesNeedTokens(QStringView sql, const QList<Candidate> &found);
void findColumnValues(const CompiledPatterns &patterns, QStringView sql, sql::Dialect dialect, SqlScan &s);

// Where a candidate's characters are in the SQL: one range per literal it covers.
struct Segment
{
    qsizetype start = 0, end = 0;
    int piece = 0;
    bool shared = false;
};

QList<Segment> segmentsOf(const SqlScan &s, const Candidate &c);

// The same token kinds, in the same order, and every token that is not a literal or comment
// unchanged: the invariant of anonymized SQL (sqlscankeep.cpp, like the checks below).
bool sameTokens(QStringView before, QStringView after, sql::Dialect dialect);
// Text that reads the same in every literal and comment form (no quote, backslash, delimiter...).
bool isInert(QStringView text);
// A replacement rewritten for retry `attempt` so that it holds fewer characters that could act.
QString safeReplacement(const QString &replacement, int attempt);
// True when replacing `removed` by `inserted` in that content certainly keeps the tokens.
bool keepsStructure(const sql::DecodedContent &content, QStringView removed, QStringView inserted);
// The last resort: the value's source text with letters and digits masked, every other character
// kept, so the SQL lexes exactly as before.
QString structureKeepingMask(QStringView source, const sql::DecodedContent &content);

} // namespace pairlens::privacy::detail
