#include "privacy/anonymizer.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <span>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "privacy/customdetector.h"
#include "privacy/detectors.h"
#include "privacy/fold.h"
#include "privacy/hmac.h"
#include "privacy/memo.h"
#include "privacy/operators.h"
#include "sql/tokenizer.h"

#include <QJsonArray>

namespace pairlens::privacy {

using namespace Qt::StringLiterals;
using detail::Match;
using detail::View;

namespace {

// A value found in one of the views of an input: its kind and the hull of the source characters it
// was read from (m.start, m.end), and the view and range it was read in.
struct Candidate
{
    Match m;
    int view = 0;
    qsizetype a = 0, b = 0; // in views[view].text
    int piece = -1;         // SQL: the literal or comment it lies in (-1: several, see its chain)
};

// The views of one input (the text itself, its folded forms, each SQL literal, joined literals) and
// the candidates found in them.
struct Scan
{
    View source;             // view -1: the input itself (no copy, no map)
    std::vector<View> views; // by index: a View's text may point into its own storage
    QList<Candidate> found;

    const View &view(int index) const { return index < 0 ? source : views[size_t(index)]; }
};

// Built-in detectors (skipped when the pre-filter sees no possible value), custom patterns when
// `custom` is set; candidates in source coordinates.
void detectInView(const detail::CompiledPatterns &patterns, Scan &scan, int viewIndex, bool fast,
                  bool builtins, bool custom)
{
    const View &view = scan.view(viewIndex);
    thread_local QList<Match> matches; // a scratch list: its capacity is kept between calls
    matches.resize(0);
    if (builtins && (fast ? detail::mayContainBuiltin(view.text) : true))
        detail::findBuiltins(view.text, matches, fast);
    if (custom && !patterns.patterns.isEmpty())
        detail::findCustom(patterns, view.text, matches);
    for (const Match &m : std::as_const(matches)) {
        Candidate c;
        c.m = m;
        c.m.start = view.sourceStart(m.start);
        c.m.end = view.sourceEnd(m.end - 1);
        c.view = viewIndex;
        c.a = m.start;
        c.b = m.end;
        scan.found.append(c);
    }
}

// Detects in the view `baseIndex` and, when folding changes it (`needs`, a FoldNeed mask), in its
// folded forms instead: zero-width characters removed and, when it has any, read as spaces. Custom
// patterns also see the text as written.
void detectWithFolding(const detail::CompiledPatterns &patterns, Scan &scan, int baseIndex, int needs,
                       bool fast)
{
    if (needs == detail::FoldNothing) {
        detectInView(patterns, scan, baseIndex, fast, true, true);
        return;
    }
    detectInView(patterns, scan, baseIndex, fast, false, true);
    for (const bool spaces : {false, true}) {
        if (spaces && !(needs & detail::FoldZeroWidth))
            break;
        View folded;
        detail::foldView(scan.view(baseIndex), spaces, folded);
        scan.views.push_back(std::move(folded));
        detectInView(patterns, scan, int(scan.views.size()) - 1, fast, true, true);
    }
}

// Longest first (by their source hulls; ties: the kind's priority, then the earlier start and view).
void sortByPreference(QList<Candidate> &found)
{
    std::sort(found.begin(), found.end(), [](const Candidate &x, const Candidate &y) {
        const qsizetype lx = x.m.end - x.m.start, ly = y.m.end - y.m.start;
        if (lx != ly)
            return lx > ly;
        if (detail::kindPriority(x.m.kind) != detail::kindPriority(y.m.kind))
            return detail::kindPriority(x.m.kind) < detail::kindPriority(y.m.kind);
        if (x.m.start != y.m.start)
            return x.m.start < y.m.start;
        return x.view < y.view;
    });
}

// Keeps the longest of overlapping candidates, sorted by start.
void resolve(QList<Candidate> &found)
{
    if (found.size() < 2)
        return;
    sortByPreference(found);
    QList<Candidate> kept;
    kept.reserve(found.size());
    for (const Candidate &c : std::as_const(found)) {
        bool overlaps = false;
        for (const Candidate &k : std::as_const(kept)) {
            if (c.m.start < k.m.end && k.m.start < c.m.end) {
                overlaps = true;
                break;
            }
        }
        if (!overlaps)
            kept.append(c);
    }
    std::sort(kept.begin(), kept.end(),
              [](const Candidate &x, const Candidate &y) { return x.m.start < y.m.start; });
    found = std::move(kept);
}

void detectText(const detail::CompiledPatterns &patterns, QStringView text, bool fast, Scan &scan)
{
    const int needs = detail::foldNeeds(text);
    if (fast && patterns.patterns.isEmpty() && needs == detail::FoldNothing &&
        !detail::mayContainBuiltin(text))
        return;
    scan.source.text = text;
    detectWithFolding(patterns, scan, -1, needs, fast);
    resolve(scan.found);
}

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
};

void detectSqlView(const detail::CompiledPatterns &patterns, SqlScan &s, View &&view, int piece, int chain,
                   bool fast)
{
    if (fast && patterns.patterns.isEmpty() && !detail::mayContainBuiltin(view.text) &&
        detail::foldNeeds(view.text) == detail::FoldNothing)
        return;
    const qsizetype before = s.scan.found.size();
    const int needs = detail::foldNeeds(view.text);
    s.scan.views.push_back(std::move(view));
    detectWithFolding(patterns, s.scan, int(s.scan.views.size()) - 1, needs, fast);
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

// Values in the SQL's string literals and comments only, each read as the database reads it
// (escapes decoded, folded, constant concatenations joined); identifiers, keywords, numbers and
// parameters are never touched. When nothing could need the tokens (no custom pattern, ASCII, no
// backslash, hex string or concatenation), the whole text is scanned first: most SQL has nothing.
void detectSql(const detail::CompiledPatterns &patterns, QStringView sql, sql::Dialect dialect, bool fast,
               SqlScan &s)
{
    if (fast && patterns.patterns.isEmpty() && !needsTokenScan(sql)) {
        if (!detail::mayContainBuiltin(sql))
            return;
        QList<Match> raw;
        detail::findBuiltins(sql, raw, fast);
        if (!raw.isEmpty())
            detectSimpleSql(patterns, sql, dialect, raw, s);
        return;
    }
    s.tokens = sql::tokenize(sql, dialect);
    SqlScanner scanner(sql, dialect, s.tokens);
    s.pieces = std::move(scanner.pieces);
    s.chains = std::move(scanner.chains);
    for (qsizetype p = 0; p < s.pieces.size(); ++p)
        detectSqlView(patterns, s, pieceView(sql, s.pieces[p].content), int(p), -1, fast);
    for (qsizetype c = 0; c < s.chains.size(); ++c)
        detectSqlView(patterns, s, chainView(s.pieces, s.chains[c]), -1, int(c), fast);
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

// Where a candidate's characters are in the SQL: one range per literal it covers.
struct Segment
{
    qsizetype start = 0, end = 0;
    int piece = 0;
    bool shared = false;
};

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
    const auto holds = [removed](QStringView characters) {
        return std::any_of(removed.begin(), removed.end(),
                           [characters](QChar c) { return characters.contains(c); });
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

// What one detected value becomes: a pure function of (anonymizer, kind, custom name, operator,
// value), remembered per thread (see memo.h; 16,384 entries are ~4 MB per thread at most). The
// anonymizer is identified by its instance id, never by its address: a new anonymizer (another dataset's key)
// may be constructed where an old one was.
struct ReplacementKey
{
    quint64 instance = 0;
    PiiKind kind = PiiKind::Custom;
    Operator op = Operator::Mask;
    QString customName;
    QString original;
    bool operator==(const ReplacementKey &) const = default;
};

struct ReplacementKeyHash
{
    size_t operator()(const ReplacementKey &k) const noexcept
    {
        return size_t(qHashMulti(0, k.instance, quint32(k.kind), int(k.op), k.customName, k.original));
    }
};

QString replacementOf(const detail::KeyedHasher &hasher, quint64 instance, PiiKind kind,
                      const QString &customName, Operator op, const QString &original)
{
    thread_local detail::ThreadMemo<ReplacementKey, QString, ReplacementKeyHash, 16384> memo;
    return memo.get(ReplacementKey{instance, kind, op, customName, original},
                    [&] { return detail::replacementFor(hasher, kind, customName, op, original); });
}

quint32 maskOf(const QList<Candidate> &found)
{
    quint32 mask = 0;
    for (const Candidate &c : found)
        mask |= quint32(c.m.kind);
    return mask;
}

quint32 maskOf(const AnonymizedText &text)
{
    quint32 mask = 0;
    for (const Finding &f : text.findings)
        mask |= quint32(f.kind);
    return mask;
}

bool anonymizeJson(const Anonymizer &anonymizer, const QJsonValue &value, QJsonValue *out);

// Sets *out and returns true only when something changes: unchanged objects and arrays are never
// rebuilt, a changed one is a copy of the original with the changed values replaced.
bool anonymizeObject(const Anonymizer &anonymizer, const QJsonObject &object, QJsonObject *out)
{
    bool any = false;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        QJsonValue changed;
        if (!anonymizeJson(anonymizer, it.value(), &changed))
            continue;
        if (!any)
            *out = object;
        any = true;
        out->insert(it.key(), changed);
    }
    return any;
}

bool anonymizeJson(const Anonymizer &anonymizer, const QJsonValue &value, QJsonValue *out)
{
    switch (value.type()) {
    case QJsonValue::String: {
        AnonymizedText a = anonymizer.anonymizeText(value.toString());
        if (a.findings.isEmpty())
            return false;
        *out = std::move(a.text);
        return true;
    }
    case QJsonValue::Object: {
        QJsonObject changed;
        if (!anonymizeObject(anonymizer, value.toObject(), &changed))
            return false;
        *out = std::move(changed);
        return true;
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        QJsonArray changed;
        bool any = false;
        for (qsizetype i = 0; i < array.size(); ++i) {
            QJsonValue v;
            if (!anonymizeJson(anonymizer, array.at(i), &v))
                continue;
            if (!any)
                changed = array;
            any = true;
            changed.replace(i, v);
        }
        if (any)
            *out = std::move(changed);
        return any;
    }
    default:
        return false;
    }
}

} // namespace

static quint64 nextInstanceId()
{
    static std::atomic<quint64> counter{0};
    return ++counter;
}

Anonymizer::Anonymizer(Config config)
    : m_config(std::move(config)), m_patterns(detail::compilePatterns(m_config.customPatterns)),
      m_hasher(std::make_shared<const detail::KeyedHasher>(m_config.key)), m_instance(nextInstanceId())
{}

const Config &Anonymizer::config() const
{
    return m_config;
}

QString Anonymizer::replacement(const Finding &f, PiiKind kind, int custom) const
{
    Operator op = m_config.operatorFor(kind);
    if (kind == PiiKind::Custom)
        op = m_patterns->patterns.at(custom).op;
    return m_fastPaths ? replacementOf(*m_hasher, m_instance, kind, f.customName, op, f.value)
                       : detail::replacementFor(*m_hasher, kind, f.customName, op, f.value);
}

Finding Anonymizer::findingOf(const detail::View &view, qsizetype a, qsizetype b, const Match &m) const
{
    Finding f;
    f.kind = m.kind;
    if (m.kind == PiiKind::Custom)
        f.customName = m_patterns->patterns.at(m.custom).name;
    f.start = m.start;
    f.end = m.end;
    if (!view.identity())
        f.value = view.text.mid(a, b - a).toString();
    return f;
}

AnonymizedText Anonymizer::build(QStringView text, const QString *shared) const
{
    Scan scan;
    detectText(*m_patterns, text, m_fastPaths, scan);
    AnonymizedText result;
    if (scan.found.isEmpty()) {
        result.text = shared ? *shared : text.toString(); // shares the original's data when possible
        return result;
    }
    result.text.reserve(text.size() + 16 * scan.found.size());
    result.findings.reserve(scan.found.size());
    qsizetype pos = 0;
    for (const Candidate &c : std::as_const(scan.found)) {
        result.text.append(text.mid(pos, c.m.start - pos));
        Finding f = findingOf(scan.view(c.view), c.a, c.b, c.m);
        f.original = text.mid(c.m.start, c.m.end - c.m.start).toString();
        if (scan.view(c.view).identity())
            f.value = f.original;
        f.replacement = replacement(f, c.m.kind, c.m.custom);
        f.replacementStart = result.text.size();
        result.text.append(f.replacement);
        f.replacementEnd = result.text.size();
        result.findings.append(std::move(f));
        pos = c.m.end;
    }
    result.text.append(text.mid(pos));
    return result;
}

AnonymizedText Anonymizer::buildSql(QStringView sql, const QString *shared, sql::Dialect dialect) const
{
    SqlScan s;
    detectSql(*m_patterns, sql, dialect, m_fastPaths, s);
    AnonymizedText result;
    if (s.scan.found.isEmpty()) {
        result.text = shared ? *shared : sql.toString();
        return result;
    }
    // What each value becomes, before it is written into the literals it came from.
    QList<Finding> findings;
    QList<QList<Segment>> segments; // of values joined from several literals
    QList<int> pieceOf;
    for (const Candidate &c : std::as_const(s.scan.found)) {
        Finding f = findingOf(s.scan.view(c.view), c.a, c.b, c.m);
        f.original = sql.mid(c.m.start, c.m.end - c.m.start).toString();
        if (s.scan.view(c.view).identity())
            f.value = f.original;
        f.replacement = replacement(f, c.m.kind, c.m.custom);
        findings.append(std::move(f));
        const bool joined = c.view >= 0 && s.viewChain[c.view] >= 0;
        segments.append(joined ? segmentsOf(s, c) : QList<Segment>());
        pieceOf.append(c.piece);
    }
    // The whole replacement goes into the first literal of a value, the others lose their part of
    // it (a CONCAT_WS separator is left alone): 'alice' || '@corp.com' -> 'user_..@example.com' || ''.
    // Should the result not lex into the same tokens (a custom pattern's replacement could hold
    // anything, a value could hold part of a nested comment's delimiter), the replacements are reduced
    // to safe characters, then to letters, and at last each value is masked where it stands
    // (structureKeepingMask()): changed tokens are never returned.
    constexpr int kLastResort = 5;
    for (int attempt = 0;; ++attempt) {
        bool inert = true; // every edit certainly keeps the tokens: no need to lex the result
        result.text.clear();
        result.text.reserve(sql.size() + 16 * findings.size());
        result.findings.clear();
        qsizetype pos = 0;
        for (qsizetype k = 0; k < findings.size(); ++k) {
            Finding f = findings[k];
            result.text.append(sql.mid(pos, f.start - pos));
            f.replacementStart = result.text.size();
            pos = f.start;
            bool whole = false;             // the replacement took the value's whole range, as it is
            if (f.replacement != f.value) { // "keep" (and any unchanged value) edits nothing
                const QString r = attempt == 0            ? f.replacement
                                  : attempt < kLastResort ? safeReplacement(f.replacement, attempt)
                                                          : QString();
                bool written = false;
                // A value inside one literal or comment has one range, its own (no list kept).
                const Segment one{f.start, f.end, pieceOf[k], false};
                const QList<Segment> &listed = segments[k];
                const std::span<const Segment> segs =
                    listed.isEmpty() ? std::span<const Segment>(&one, 1)
                                     : std::span<const Segment>(listed.constData(), size_t(listed.size()));
                inert = inert && isInert(r);
                const bool anyOwn =
                    std::any_of(segs.begin(), segs.end(), [](const Segment &g) { return !g.shared; });
                for (const Segment &g : segs) {
                    if (g.shared && anyOwn)
                        continue;
                    result.text.append(sql.mid(pos, g.start - pos));
                    const sql::DecodedContent &content = s.pieces[g.piece].content;
                    const QStringView removed = sql.mid(g.start, g.end - g.start);
                    if (attempt == kLastResort) {
                        result.text.append(structureKeepingMask(removed, content));
                    } else if (!written) {
                        // Inert text reads the same in every form but hex strings: no need to encode.
                        const bool plain = isInert(r) && content.form != sql::ContentForm::Hex;
                        result.text.append(plain ? r : sql::encodeContent(content, r));
                        inert = inert && keepsStructure(content, removed, r);
                        written = true;
                        whole = segs.size() == 1 && g.start == f.start && g.end == f.end && plain;
                    } else {
                        inert = inert && keepsStructure(content, removed, QStringView());
                    }
                    pos = g.end;
                }
            }
            result.text.append(sql.mid(pos, f.end - pos));
            pos = f.end;
            f.replacementEnd = result.text.size();
            if (whole) // the replacement as computed (shared)
                f.replacement = attempt == 0 ? f.replacement : safeReplacement(f.replacement, attempt);
            else
                f.replacement = result.text.mid(f.replacementStart, f.replacementEnd - f.replacementStart);
            result.findings.append(std::move(f));
        }
        result.text.append(sql.mid(pos));
        if (attempt == kLastResort) {
            Q_ASSERT(sameTokens(sql, result.text, dialect));
            break;
        }
        if ((inert && attempt == 0) || sameTokens(sql, result.text, dialect))
            break;
    }
    return result;
}

AnonymizedText Anonymizer::anonymizeText(QStringView text) const
{
    return build(text, nullptr);
}

AnonymizedText Anonymizer::anonymizeSql(QStringView sql, sql::Dialect dialect) const
{
    return buildSql(sql, nullptr, dialect);
}

AnonymizedText Anonymizer::anonymizeText(const QString &text) const
{
    return build(text, &text);
}

AnonymizedText Anonymizer::anonymizeSql(const QString &sql, sql::Dialect dialect) const
{
    return buildSql(sql, &sql, dialect);
}

QString Anonymizer::anonymizeIdentifier(IdentifierField field, const QString &value) const
{
    if (field == IdentifierField::DatabaseType)
        return build(value, &value).text;
    // A pair id must stay unique: a value-wise replacement ("XXX-XXX-4567") could make two ids
    // equal, so an id holding personal data is replaced whole by its keyed hash.
    Scan scan;
    detectText(*m_patterns, value, m_fastPaths, scan);
    bool change = false;
    for (const Candidate &c : std::as_const(scan.found)) {
        const Operator op = c.m.kind == PiiKind::Custom ? m_patterns->patterns.at(c.m.custom).op
                                                        : m_config.operatorFor(c.m.kind);
        change = change || op != Operator::Keep;
    }
    if (!change)
        return value;
    return u"pair_"_s + detail::digestHex(m_hasher->digest(u"pair_id", value), 16);
}

QString Anonymizer::anonymizeDatabaseName(QStringView name) const
{
    // A dataset has few database names and consecutive pairs usually share one, so each thread
    // remembers its last answer (per anonymizer) instead of computing the keyed hash every pair.
    // Keyed by the anonymizer's instance id, never by its address: a new anonymizer (another
    // dataset's key) may be constructed where an old one was.
    struct Last
    {
        quint64 instance = 0;
        QString name;
        QString replacement;
    };
    thread_local Last last;
    if (last.instance == m_instance && last.name == name)
        return last.replacement;
    last.instance = m_instance;
    last.name = name.toString();
    last.replacement = detail::databaseNameReplacement(*m_hasher, m_config.databaseNameOperator, name);
    return last.replacement;
}

QJsonObject Anonymizer::anonymizeMetadata(const QJsonObject &metadata) const
{
    if (!m_config.scanMetadata)
        return metadata;
    QJsonObject changed;
    return anonymizeObject(*this, metadata, &changed) ? changed : metadata;
}

AnonymizedPair Anonymizer::anonymizePair(const Pair &pair) const
{
    AnonymizedPair out;
    out.pairId = anonymizeIdentifier(IdentifierField::PairId, pair.pairId);
    out.databaseType = anonymizeIdentifier(IdentifierField::DatabaseType, pair.databaseType);
    out.question = build(pair.naturalLanguageQuery, &pair.naturalLanguageQuery);
    out.sql = buildSql(pair.sqlQuery, &pair.sqlQuery, sql::dialectFromDatabaseType(pair.databaseType));
    out.databaseName = anonymizeDatabaseName(pair.databaseName);
    out.metadata = pair.metadata.isEmpty() ? pair.metadata : anonymizeMetadata(pair.metadata);
    out.piiMask = maskOf(out.question) | maskOf(out.sql);
    return out;
}

bool Anonymizer::leavesUtf8Unchanged(QByteArrayView utf8) const
{
    return m_fastPaths && m_patterns->patterns.isEmpty() && !detail::mayContainBuiltin(utf8) &&
           detail::foldNeeds(utf8) == detail::FoldNothing && utf8.isValidUtf8();
}

quint32 Anonymizer::scanMask(QStringView question, QStringView sql, sql::Dialect dialect) const
{
    Scan text;
    detectText(*m_patterns, question, m_fastPaths, text);
    SqlScan s;
    detectSql(*m_patterns, sql, dialect, m_fastPaths, s);
    return maskOf(text.found) | maskOf(s.scan.found);
}

qsizetype toCodePointOffset(QStringView text, qsizetype utf16Offset)
{
    const qsizetype end = qBound<qsizetype>(0, utf16Offset, text.size());
    qsizetype points = end;
    for (qsizetype i = 1; i < end; ++i) {
        if (text[i].isLowSurrogate() && text[i - 1].isHighSurrogate())
            --points;
    }
    return points;
}

} // namespace pairlens::privacy
