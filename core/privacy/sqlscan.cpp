#include "privacy/sqlscan_p.h"

#include "privacy/customdetector.h"

#include <algorithm>
#include <bit>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pairlens::privacy::detail {

namespace {

bool isScannedToken(sql::TokenKind kind)
{
    return kind == sql::TokenKind::String || kind == sql::TokenKind::DollarString ||
           kind == sql::TokenKind::LineComment || kind == sql::TokenKind::BlockComment;
}

bool isTrivia(sql::TokenKind kind)
{
    return kind == sql::TokenKind::Whitespace || kind == sql::TokenKind::LineComment ||
           kind == sql::TokenKind::BlockComment;
}

// The first position from i that is not whitespace or a comment ("--", "#", "//" or "/* */").
qsizetype skipTrivia(QStringView sql, qsizetype i)
{
    const qsizetype n = sql.size();
    while (i < n) {
        const char16_t c = sql[i].unicode();
        const char16_t d = i + 1 < n ? sql[i + 1].unicode() : u'\0';
        if (sql[i].isSpace()) {
            ++i;
        } else if (c == u'/' && d == u'*') {
            const qsizetype close = sql.indexOf(u"*/", i + 2);
            i = close < 0 ? n : close + 2;
        } else if ((c == u'-' && d == u'-') || c == u'#' || (c == u'/' && d == u'/')) {
            while (i < n && sql[i] != u'\n' && sql[i] != u'\r')
                ++i;
        } else {
            break;
        }
    }
    return i;
}

// The first position from i holding a non-ASCII unit, a backslash or a quote (n when none).
qsizetype nextSpecialUnit(const char16_t *p, qsizetype i, qsizetype n)
{
#if defined(__SSE2__)
    const __m128i backslash = _mm_set1_epi16(short(u'\\')), quote = _mm_set1_epi16(short(u'\'')),
                  dquote = _mm_set1_epi16(short(u'"')), ascii = _mm_set1_epi16(0x7F),
                  zero = _mm_setzero_si128();
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi16(v, backslash), _mm_cmpeq_epi16(v, quote));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi16(v, dquote));
        hit = _mm_or_si128(hit, _mm_subs_epu16(v, ascii)); // non-zero above 0x7F
        const int plain = _mm_movemask_epi8(_mm_cmpeq_epi16(hit, zero));
        if (plain != 0xFFFF)
            return i + std::countr_zero(unsigned(~plain & 0xFFFF)) / 2;
    }
#endif
    for (; i < n; ++i) {
        const char16_t c = p[i];
        if (c >= 0x80 || c == u'\\' || c == u'\'' || c == u'"')
            return i;
    }
    return n;
}

// Whether "concat" (any case) is in the text.
bool containsConcat(const char16_t *p, qsizetype n)
{
    static constexpr char16_t word[] = u"concat";
    for (qsizetype i = 0; i + 6 <= n; ++i) {
        if ((p[i] | 0x20) != u'c')
            continue;
        qsizetype k = 1;
        while (k < 6 && (p[i + k] | 0x20) == word[k])
            ++k;
        if (k == 6)
            return true;
    }
    return false;
}

// Whether reading the SQL token by token could find what the whole text does not show: non-ASCII
// text (folding), backslash escapes, hex and U& strings, and string literals joined by
// concatenation (a quote followed by ||, + or, with CONCAT in the text, a comma, then another
// string; or by whitespace and another string).
bool needsTokenScan(QStringView sql)
{
    const char16_t *p = sql.utf16();
    const qsizetype n = sql.size();
    bool concat = false, concatKnown = false;
    for (qsizetype i = 0; i < n; ++i) {
        i = nextSpecialUnit(p, i, n);
        if (i >= n)
            break;
        const char16_t c = p[i];
        if (c >= 0x80 || c == u'\\')
            return true;
        if (c != u'\'' && c != u'"')
            continue;
        // A quote may open or close a literal: both readings are tried (more scans, never fewer).
        if (i > 0 && (p[i - 1] == u'x' || p[i - 1] == u'X' || p[i - 1] == u'&'))
            return true; // X'..' and U&'..'
        // Only whitespace, a comment, a quote, ||, + or a comma can follow a literal that is joined.
        const char16_t next = i + 1 < n ? p[i + 1] : u'\0';
        if (!(next == u' ' || next == u'\n' || next == u'\t' || next == u'\r' || next == u'|' ||
              next == u'+' || next == u',' || next == u'/' || next == u'-' || next == u'#' || next == u'\'' ||
              next == u'"'))
            continue;
        const qsizetype k = skipTrivia(sql, i + 1);
        if (k >= n)
            continue;
        const char16_t d = p[k];
        if (k > i + 1 && (d == u'\'' || d == u'"'))
            return true; // 'a' 'b': literals side by side
        qsizetype after = -1;
        if (d == u'|' && k + 1 < n && p[k + 1] == u'|')
            after = k + 2;
        else if (d == u'+')
            after = k + 1;
        else if (d == u',') {
            if (!concatKnown) {
                concat = containsConcat(p, n);
                concatKnown = true;
            }
            if (concat)
                after = k + 1;
        }
        if (after < 0)
            continue;
        after = skipTrivia(sql, after);
        if (after < n) {
            const char16_t e = p[after];
            const char16_t f = after + 1 < n ? p[after + 1] : u'\0';
            if (e == u'\'' || e == u'"' ||
                ((e | 0x20) >= u'a' && (e | 0x20) <= u'z' && (f == u'\'' || f == u'&')))
                return true;
        }
    }
    return false;
}

// The escape character of the U&'' string at `tokens[t]` (UESCAPE 'c' after it), '\\' without one.
char16_t uescapeAfter(QStringView sql, const QList<sql::Token> &tokens, qsizetype t)
{
    qsizetype k = t + 1;
    while (k < tokens.size() && isTrivia(tokens[k].kind))
        ++k;
    if (k >= tokens.size() || tokens[k].kind != sql::TokenKind::Word ||
        tokens[k].text(sql).compare(u"UESCAPE", Qt::CaseInsensitive) != 0)
        return u'\\';
    ++k;
    while (k < tokens.size() && isTrivia(tokens[k].kind))
        ++k;
    if (k >= tokens.size() || tokens[k].kind != sql::TokenKind::String)
        return u'\\';
    const QStringView q = tokens[k].text(sql);
    return q.size() == 3 && q[0] == u'\'' && q[2] == u'\'' ? q[1].unicode() : u'\\';
}

class SqlScanner
{
public:
    SqlScanner(QStringView sql, sql::Dialect dialect, const QList<sql::Token> &tokens)
        : m_sql(sql), m_dialect(dialect), m_tokens(tokens)
    {
        m_pieceOfToken.fill(-1, tokens.size());
        for (qsizetype t = 0; t < tokens.size(); ++t) {
            if (!isScannedToken(tokens[t].kind))
                continue;
            Piece p;
            p.token = t;
            const bool unicode = tokens[t].kind == sql::TokenKind::String && tokens[t].length > 2 &&
                                 (m_sql[tokens[t].start] == u'U' || m_sql[tokens[t].start] == u'u') &&
                                 m_sql[tokens[t].start + 1] == u'&';
            p.content =
                sql::decodeContent(sql, tokens[t], dialect, unicode ? uescapeAfter(sql, tokens, t) : u'\\');
            if (p.content.form == sql::ContentForm::None)
                continue;
            m_pieceOfToken[t] = int(pieces.size());
            pieces.append(std::move(p));
        }
        for (qsizetype t = 0; t < tokens.size(); ++t) {
            if (!isTrivia(tokens[t].kind))
                m_significant.append(t);
        }
        findChains();
    }

    QList<Piece> pieces;
    QList<Chain> chains;

private:
    bool isStringPiece(qsizetype sig) const
    {
        if (sig < 0 || sig >= m_significant.size())
            return false;
        const qsizetype t = m_significant[sig];
        return m_tokens[t].kind == sql::TokenKind::String && m_pieceOfToken[t] >= 0;
    }
    bool isJoin(qsizetype sig) const
    {
        if (sig < 0 || sig >= m_significant.size())
            return false;
        const sql::Token &t = m_tokens[m_significant[sig]];
        if (t.kind != sql::TokenKind::Operator)
            return false;
        const QStringView text = t.text(m_sql);
        return text == u"||" || text == u"+";
    }
    bool isPunct(qsizetype sig, char16_t c) const
    {
        if (sig < 0 || sig >= m_significant.size())
            return false;
        const sql::Token &t = m_tokens[m_significant[sig]];
        return t.kind == sql::TokenKind::Punctuation && t.length == 1 && m_sql[t.start] == c;
    }
    // String literals from significant token `sig` joined by || or +, or written side by side: the
    // pieces, and the significant index after them.
    qsizetype linearChain(qsizetype sig, QList<int> *out) const
    {
        while (isStringPiece(sig)) {
            out->append(m_pieceOfToken[m_significant[sig]]);
            if (isJoin(sig + 1) && isStringPiece(sig + 2))
                sig += 2;
            else if (isStringPiece(sig + 1))
                sig += 1;
            else
                return sig + 1;
        }
        return sig;
    }
    // Pieces joined one after the other: the whole run and every shorter run of two or more in it
    // (a literal's edge is an edge: in 'a' || 'b@corp.com' || '1' the address ends before '1').
    void addLinear(const QList<int> &run)
    {
        const qsizetype n = run.size();
        for (qsizetype length = std::min<qsizetype>(n, 16); length >= 2; --length) {
            if (length < n && length > 4 && n > 8)
                continue; // long runs: the whole, and runs of up to four
            for (qsizetype first = 0; first + length <= n; ++first) {
                Chain chain;
                chain.pieces = run.mid(first, length);
                chain.shared.fill(false, length);
                chains.append(chain);
            }
        }
    }

    void findChains()
    {
        for (qsizetype sig = 0; sig < m_significant.size();) {
            const sql::Token &t = m_tokens[m_significant[sig]];
            if (t.kind == sql::TokenKind::Word && isPunct(sig + 1, u'(')) {
                const QStringView word = t.text(m_sql);
                const bool ws = word.compare(u"concat_ws", Qt::CaseInsensitive) == 0;
                if (ws || word.compare(u"concat", Qt::CaseInsensitive) == 0) {
                    // Every argument a constant string (or constant strings joined).
                    QList<QList<int>> args;
                    qsizetype k = sig + 2;
                    bool ok = true;
                    while (true) {
                        QList<int> arg;
                        const qsizetype next = linearChain(k, &arg);
                        if (arg.isEmpty()) {
                            ok = false;
                            break;
                        }
                        args.append(arg);
                        k = next;
                        if (isPunct(k, u',')) {
                            ++k;
                            continue;
                        }
                        ok = isPunct(k, u')');
                        break;
                    }
                    if (ok && ws && args.size() >= 3) {
                        Chain chain;
                        for (qsizetype a = 1; a < args.size(); ++a) {
                            if (a > 1) {
                                for (int p : std::as_const(args[0])) {
                                    chain.pieces.append(p);
                                    chain.shared.append(true);
                                }
                            }
                            for (int p : std::as_const(args[a])) {
                                chain.pieces.append(p);
                                chain.shared.append(false);
                            }
                        }
                        chains.append(chain);
                    } else if (ok && !ws) {
                        QList<int> all;
                        for (const QList<int> &arg : std::as_const(args))
                            all += arg;
                        addLinear(all);
                    }
                    ++sig;
                    continue;
                }
            }
            if (isStringPiece(sig)) {
                QList<int> linear;
                const qsizetype next = linearChain(sig, &linear);
                addLinear(linear);
                sig = next;
                continue;
            }
            ++sig;
        }
    }

    QStringView m_sql;
    sql::Dialect m_dialect;
    const QList<sql::Token> &m_tokens;
    QList<int> m_pieceOfToken;
    QList<qsizetype> m_significant;
};

// The view of one literal or comment (a slice of the SQL when it has no escapes).
View pieceView(QStringView sql, const sql::DecodedContent &content)
{
    View v;
    if (content.verbatim) {
        v.text = sql.mid(content.contentStart, content.contentEnd - content.contentStart);
        v.offset = content.contentStart;
    } else {
        v.setStorage(content.value);
        v.from = content.from;
        v.to = content.to;
    }
    return v;
}

// The joined view of a chain: its pieces' values one after the other.
View chainView(const QList<Piece> &pieces, const Chain &chain)
{
    View v;
    QString text;
    for (int p : chain.pieces) {
        const sql::DecodedContent &c = pieces[p].content;
        for (qsizetype i = 0; i < c.size(); ++i) {
            v.from.append(c.sourceStart(i));
            v.to.append(c.sourceEnd(i));
        }
        text += c.value;
        v.pieceEnds.append(text.size());
    }
    v.setStorage(std::move(text));
    return v;
}

void detectSqlView(const detail::CompiledPatterns &patterns, SqlScan &s, View &&view, int piece, int chain,
                   bool fast)
{
    const int needs = detail::foldNeeds(view.text);
    PreFilter known;
    if (fast && needs == detail::FoldNothing) {
        known.builtin = detail::mayContainBuiltin(view.text) ? 1 : 0;
        known.names = detail::mayContainNameOrAddress(view.text) ? 1 : 0;
        if (patterns.patterns.isEmpty() && !known.builtin && !known.names)
            return;
    }
    const qsizetype before = s.scan.found.size();
    s.scan.views.push_back(std::move(view));
    detectWithFolding(patterns, s.scan, int(s.scan.views.size()) - 1, needs, fast, known);
    while (s.viewPiece.size() < qsizetype(s.scan.views.size())) {
        s.viewPiece.append(piece);
        s.viewChain.append(chain);
    }
    for (qsizetype k = before; k < s.scan.found.size(); ++k)
        s.scan.found[k].piece = piece;
}

// SQL that needs no decoding, folding or joining (see needsTokenScan()), with the candidates found
// in the whole text: those inside the content of a literal or comment are kept; a literal or
// comment that a candidate crosses, or whose content is not verbatim (doubled quotes), is read on
// its own. Tokens are read one at a time, and only as far as the last candidate reaches.
// tst_anonymizerfastpath and tst_anonymizerinvariants compare this with the full reading.
void detectSimpleSql(const detail::CompiledPatterns &patterns, QStringView sql, sql::Dialect dialect,
                     const QList<Match> &raw, SqlScan &s)
{
    s.scan.source.text = sql; // view -1
    qsizetype reach = 0;
    for (const Match &m : raw)
        reach = std::max(reach, m.end);
    for (qsizetype next = 0; next < reach;) {
        const sql::Token token = sql::nextToken(sql, next, dialect);
        next += token.length;
        if (!isScannedToken(token.kind))
            continue;
        const qsizetype end = token.start + token.length;
        bool crossed = false, inside = false;
        for (const Match &m : raw) {
            if (m.start < end && m.end > token.start)
                inside = true;
        }
        if (!inside)
            continue;
        Piece piece;
        piece.token = -1;
        piece.content = sql::decodeContent(sql, token, dialect);
        if (piece.content.form == sql::ContentForm::None)
            continue;
        const int index = int(s.pieces.size());
        s.pieces.append(std::move(piece));
        const sql::DecodedContent &c = s.pieces.constLast().content;
        const qsizetype before = s.scan.found.size();
        for (const Match &m : raw) {
            if (m.start >= c.contentStart && m.end <= c.contentEnd)
                s.scan.found.append(Candidate{m, -1, m.start, m.end, index});
            else if (m.start < end && m.end > token.start)
                crossed = true;
        }
        if (crossed || !c.verbatim) {
            s.scan.found.resize(before);
            detectSqlView(patterns, s, pieceView(sql, c), index, -1, true);
        }
    }
    resolve(s.scan.found);
}

} // namespace

// Values in the SQL's string literals and comments only, each read as the database reads it
// (escapes decoded, folded, constant concatenations joined); identifiers, keywords, numbers and
// parameters are never touched. When nothing could need the tokens (no custom pattern, ASCII, no
// backslash, hex string or concatenation), the whole text is scanned first: most SQL has nothing.
void detectSql(const detail::CompiledPatterns &patterns, QStringView sql, sql::Dialect dialect, bool fast,
               SqlScan &s)
{
    const bool names = detail::mayContainNameOrAddress(sql);
    // A doubled quote inside a literal ('O''Brien') is one character of the value: names are read
    // in the decoded literal (the whole text shows "O''Brien").
    bool doubled = false;
    for (qsizetype i = 1; names && !doubled && i < sql.size(); ++i)
        doubled = (sql[i] == u'\'' || sql[i] == u'"') && sql[i - 1] == sql[i];
    if (fast && patterns.patterns.isEmpty() && !needsTokenScan(sql) && !doubled) {
        const bool builtins = detail::mayContainBuiltin(sql);
        if (!builtins && !names && !mayHaveColumnValues(sql))
            return;
        QList<Match> raw;
        if (builtins)
            detail::findBuiltins(sql, raw, fast);
        if (names) {
            detail::findNames(sql, raw);
            detail::findAddresses(sql, raw);
        }
        if (!patterns.notPii.isEmpty())
            raw.removeIf([&](const Match &m) { // values a reviewer decided are not personal data
                return patterns.isNotPii(m.kind, sql.mid(m.start, m.end - m.start).toString());
            });
        if (!raw.isEmpty())
            detectSimpleSql(patterns, sql, dialect, raw, s);
        // (A mention that needs the tokens is a mention: no separate mayHaveColumnValues() here.)
        if (columnValuesNeedTokens(sql, s.scan.found)) {
            // The tokens, and only the literals next to a column of personal data.
            s.scan.source.text = sql;
            s.tokens = sql::tokenize(sql, dialect);
            const qsizetype before = s.scan.found.size();
            findColumnValues(patterns, sql, dialect, s);
            if (s.scan.found.size() > before)
                resolve(s.scan.found);
        }
        return;
    }
    const bool columns = mayHaveColumnValues(sql);
    s.tokens = sql::tokenize(sql, dialect);
    SqlScanner scanner(sql, dialect, s.tokens);
    s.pieces = std::move(scanner.pieces);
    s.chains = std::move(scanner.chains);
    for (qsizetype p = 0; p < s.pieces.size(); ++p)
        detectSqlView(patterns, s, pieceView(sql, s.pieces[p].content), int(p), -1, fast);
    for (qsizetype c = 0; c < s.chains.size(); ++c)
        detectSqlView(patterns, s, chainView(s.pieces, s.chains[c]), -1, int(c), fast);
    s.scan.source.text = sql; // view -1, for the values of columns (below)
    if (columns)
        findColumnValues(patterns, sql, dialect, s);
    // Values inside one literal or comment first; a value joined from several literals only where
    // it overlaps none of them (its range spans what lies between the literals, such as a comment).
    QList<Candidate> single, joined;
    for (const Candidate &c : std::as_const(s.scan.found))
        (c.view < 0 || s.viewChain[c.view] < 0 ? single : joined).append(c);
    resolve(single);
    sortByPreference(joined);
    for (const Candidate &c : std::as_const(joined)) {
        const bool overlaps = std::any_of(single.cbegin(), single.cend(), [&c](const Candidate &k) {
            return c.m.start < k.m.end && k.m.start < c.m.end;
        });
        if (!overlaps)
            single.append(c);
    }
    std::sort(single.begin(), single.end(),
              [](const Candidate &x, const Candidate &y) { return x.m.start < y.m.start; });
    s.scan.found = std::move(single);
}

QList<Segment> segmentsOf(const SqlScan &s, const Candidate &c)
{
    const View &v = s.scan.view(c.view);
    const int chain = c.view < 0 ? -1 : s.viewChain[c.view];
    if (chain < 0)
        return {Segment{c.m.start, c.m.end, c.piece, false}};
    QList<Segment> out;
    const Chain &ch = s.chains[chain];
    qsizetype partStart = 0;
    for (qsizetype j = 0; j < ch.pieces.size(); ++j) {
        const qsizetype partEnd = v.pieceEnds.value(j, v.text.size());
        const qsizetype x = std::max(c.a, partStart), y = std::min(c.b, partEnd);
        if (x < y)
            out.append(Segment{v.sourceStart(x), v.sourceEnd(y - 1), ch.pieces[j], bool(ch.shared[j])});
        partStart = partEnd;
    }
    return out;
}

// The same token kinds, in the same order, and every token that is not a literal or comment
// unchanged: the invariant of anonymized SQL. Both texts are lexed side by side.
bool sameTokens(QStringView before, QStringView after, sql::Dialect dialect)
{
    qsizetype i = 0, j = 0;
    while (i < before.size() && j < after.size()) {
        const sql::Token x = sql::nextToken(before, i, dialect), y = sql::nextToken(after, j, dialect);
        if (x.kind != y.kind || (!isScannedToken(x.kind) && x.text(before) != y.text(after)))
            return false;
        i += x.length;
        j += y.length;
    }
    return i == before.size() && j == after.size();
}

// Text that can stand anywhere inside a string or comment without ending, nesting or escaping
// anything: what every built-in replacement is made of ('/' never at an edge, where it could pair
// with a '*' beside it). Only inside a dollar string could letters complete its tag.
bool isInert(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (detail::isAsciiAlnum(c) || c == u'_' || c == u'@' || c == u'.' || c == u':' || c == u'<' ||
            c == u'>' || c == u'-' || c == u'+' || c == u'(' || c == u')' || c == u' ')
            continue;
        if (c == u'/' && i > 0 && i + 1 < text.size())
            continue;
        return false;
    }
    return true;
}

// A replacement reduced to characters that cannot end or nest any literal or comment.
QString safeReplacement(const QString &replacement, int attempt)
{
    QString out = replacement;
    for (QChar &c : out) {
        const char16_t u = c.unicode();
        if (attempt >= 2)
            c = QChar(u'X' + (attempt - 2)); // X, Y, Z: one of them differs from any dollar tag
        else if (!(detail::isAsciiAlnum(u) || u == u'_' || u == u'@' || u == u'.' || u == u'-' || u == u' '))
            c = u'_';
    }
    return out;
}

// Whether writing `inserted` (inert text, or nothing) in place of `removed`, source text from the
// content of a literal or comment, certainly keeps the tokens. Inert text ends and nests nothing, but
// what it replaces may hold the token's structure or what a look-ahead of the tokenizer reads: the
// '/' and '*' of a comment nested in a block comment, a raw string's backslashes and quotes, and in
// strings the quotes, brackets and line breaks that decide whether an earlier '[' starts a
// [bracketed identifier] (bracketIdentifierEnd() in sql/tokenizer.cpp). With nothing in its place,
// the characters around the value in a block comment or raw string could pair ("*" "/", "\" "'").
bool keepsStructure(const sql::DecodedContent &content, QStringView removed, QStringView inserted)
{
    const auto holds = [removed](std::u16string_view characters) { // all ASCII
        return std::any_of(removed.begin(), removed.end(), [characters](QChar c) {
            return c.unicode() < 0x80 && characters.find(c.unicode()) != std::u16string_view::npos;
        });
    };
    switch (content.form) {
    case sql::ContentForm::Comment:
        return true;
    case sql::ContentForm::BlockComment:
        return !inserted.isEmpty() && !holds(u"*/");
    case sql::ContentForm::Raw:
        return !inserted.isEmpty() && !holds(u"\\'\"");
    case sql::ContentForm::Quoted:
    case sql::ContentForm::Backslash:
    case sql::ContentForm::UnicodeEscape:
        return !holds(u"'[]\n\r");
    case sql::ContentForm::Dollar: // letters could complete the tag
    case sql::ContentForm::Hex:
    case sql::ContentForm::None:
        break;
    }
    return false;
}

// The last resort when no replacement keeps the tokens: the value's source text with every letter
// and digit masked and every other character kept, so that each quote, backslash, comment delimiter,
// dollar sign, bracket and line break stays where it was and the SQL lexes exactly as before. Letters
// and digits become 'X' (word characters stay word characters), hex digits '0', and in a dollar
// string a letter its tag does not hold ('.' should it hold X, Y and Z), so no run completes the tag.
QString structureKeepingMask(QStringView source, const sql::DecodedContent &content)
{
    QChar mask = u'X';
    if (content.form == sql::ContentForm::Hex) {
        mask = u'0';
    } else if (content.form == sql::ContentForm::Dollar) {
        mask = u'.';
        for (const QChar m : {QChar(u'X'), QChar(u'Y'), QChar(u'Z')}) {
            if (!content.dollarTag.contains(m)) {
                mask = m;
                break;
            }
        }
    }
    QString out;
    out.reserve(source.size());
    for (qsizetype i = 0; i < source.size(); ++i) {
        const QChar c = source[i];
        if (c.isHighSurrogate() && i + 1 < source.size() && source[i + 1].isLowSurrogate()) {
            const char32_t cp = QChar::surrogateToUcs4(c, source[i + 1]);
            if (QChar::isLetterOrNumber(cp))
                out += mask;
            else
                out += source.mid(i, 2);
            ++i;
            continue;
        }
        out += c.isLetterOrNumber() ? mask : c;
    }
    return out;
}

} // namespace pairlens::privacy::detail
