#include "privacy/sqlscan_p.h"

#include "privacy/customdetector.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pairlens::privacy::detail {

namespace {

// Whether a quote follows the same quote anywhere ('' or ""), eight units at a time.
bool hasDoubledQuote(const char16_t *p, qsizetype n)
{
    qsizetype i = 1;
#if defined(__SSE2__)
    const __m128i single = _mm_set1_epi16(short(u'\'')), twin = _mm_set1_epi16(short(u'"'));
    for (; i + 8 <= n; i += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        const __m128i before = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i - 1));
        const __m128i quote = _mm_or_si128(_mm_cmpeq_epi16(v, single), _mm_cmpeq_epi16(v, twin));
        if (_mm_movemask_epi8(_mm_and_si128(quote, _mm_cmpeq_epi16(v, before))) != 0)
            return true;
    }
#endif
    for (; i < n; ++i) {
        if ((p[i] == u'\'' || p[i] == u'"') && p[i - 1] == p[i])
            return true;
    }
    return false;
}

bool isTrivia(sql::TokenKind kind)
{
    return kind == sql::TokenKind::Whitespace || kind == sql::TokenKind::LineComment ||
           kind == sql::TokenKind::BlockComment;
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
        known.names = detail::mayContainNameOrAddress(view.text) ? 1 : 0; // as in detectText()
        known.builtin = known.names || detail::mayContainBuiltin(view.text) ? 1 : 0;
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

// Where reading the SQL's tokens for its literals and comments may start: after the last
// whitespace before the first unit that could begin or be inside one (a quote, '`', '[', '$', '#',
// '-', '/', or a unit outside ASCII). Every token before that unit is a word, number, operator,
// punctuation, parameter or whitespace, and none of those holds whitespace but a whitespace run,
// which ends where a unit that is no whitespace follows: so the lexer, which reads each token from
// its start alone, has a token boundary there and reads the same tokens from it as from 0. (A
// string's prefix letters, as in E'x' or U&'x', come after that whitespace.) 0 when there is none.
qsizetype firstTokenToRead(QStringView sql)
{
    const char16_t *p = sql.utf16();
    const qsizetype n = sql.size();
    const auto special = [](char16_t c) {
        return c >= 0x80 || c == u'\'' || c == u'"' || c == u'`' || c == u'[' || c == u'$' || c == u'#' ||
               c == u'-' || c == u'/';
    };
    qsizetype first = 0;
#if defined(__SSE2__)
    const auto eq = [](__m128i v, char16_t c) { return _mm_cmpeq_epi16(v, _mm_set1_epi16(short(c))); };
    const __m128i ascii = _mm_set1_epi16(0x7F), zero = _mm_setzero_si128();
    for (; first + 8 <= n; first += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + first));
        __m128i hit =
            _mm_or_si128(_mm_or_si128(eq(v, u'\''), eq(v, u'"')), _mm_or_si128(eq(v, u'`'), eq(v, u'[')));
        hit = _mm_or_si128(hit, _mm_or_si128(_mm_or_si128(eq(v, u'$'), eq(v, u'#')),
                                             _mm_or_si128(eq(v, u'-'), eq(v, u'/'))));
        hit = _mm_or_si128(hit, _mm_andnot_si128(_mm_cmpeq_epi16(_mm_subs_epu16(v, ascii), zero),
                                                 _mm_set1_epi16(-1))); // above 0x7F
        if (_mm_movemask_epi8(hit) != 0)
            break;
    }
#endif
    while (first < n && !special(p[first]))
        ++first;
    // The lexer's whitespace in ASCII (everything before `first` is ASCII).
    const auto space = [](char16_t c) {
        return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r' || c == u'\f' || c == u'\v';
    };
    for (qsizetype w = first - 1; w >= 0; --w) {
        if (space(p[w]))
            return w + 1;
    }
    return 0;
}

// SQL that needs no decoding, folding or joining (see needsTokenScan()), with the candidates found
// in the whole text: those inside the content of a literal or comment are kept; a literal or
// comment that a candidate crosses, or whose content is not verbatim (doubled quotes), is read on
// its own. Tokens are read one at a time, and only as far as the last candidate reaches.
// tst_anonymizerfastpath and tst_anonymizerinvariants compare this with the full reading.
void detectSimpleSql(const detail::CompiledPatterns &patterns, QStringView sql, sql::Dialect dialect,
                     const QList<Match> &raw, SqlScan &s)
{
    s.scan.source.text = sql;         // view -1
    s.scan.found.reserve(raw.size()); // one allocation, not one per growth
    qsizetype reach = 0;
    for (const Match &m : raw)
        reach = std::max(reach, m.end);
    for (qsizetype next = firstTokenToRead(sql); next < reach;) {
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
    if (fast && !mayHoldLiteralOrComment(sql))
        return; // no literal, no comment: nothing of the SQL is ever read (custom patterns neither)
    const bool names = detail::mayContainNameOrAddress(sql);
    // A doubled quote inside a literal ('O''Brien') is one character of the value: names are read
    // in the decoded literal (the whole text shows "O''Brien").
    if (fast && patterns.patterns.isEmpty() && !needsTokenScan(sql) &&
        !(names && hasDoubledQuote(sql.utf16(), sql.size()))) {
        const bool builtins = names || detail::mayContainBuiltin(sql); // as in detectText()
        if (!builtins && !names && !mayHaveColumnValues(sql))
            return;
        thread_local QList<Match> raw; // a scratch list: its capacity is kept between calls
        raw.resize(0);
        if (builtins)
            detail::findBuiltins(sql, raw, fast);
        if (names) {
            detail::findNames(sql, raw);
            detail::findAddresses(sql, raw);
            detail::findDatesOfBirth(sql, raw);
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

} // namespace pairlens::privacy::detail
