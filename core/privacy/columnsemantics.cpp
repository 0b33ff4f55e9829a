// What the SQL says a value is: a string literal compared with (=, <>, !=, LIKE, IN (...)),
// inserted into (INSERT INTO t (cols) VALUES (...), by position) or assigned to (UPDATE ... SET
// col = '...') a column whose name says what it holds (email, phone, ssn, first_name, address,
// ...) is personal data of that kind, whatever its shape. See docs/anonymization.md.
#include "privacy/customdetector.h"
#include "privacy/gazetteer.h"
#include "privacy/sqlscan_p.h"

#include <QChar>

#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pairlens::privacy::detail {

namespace {

// The first position from `from` holding the unit a or b, or n when there is none: the quotes of
// the SQL, eight units at a time (Qt's indexOf() costs a call chain per quote of every literal).
qsizetype findEither(const char16_t *p, qsizetype from, qsizetype n, char16_t a, char16_t b)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi16(short(a)), vb = _mm_set1_epi16(short(b));
    for (; from + 8 <= n; from += 8) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + from));
        const int hit = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi16(v, va), _mm_cmpeq_epi16(v, vb)));
        if (hit != 0)
            return from + std::countr_zero(unsigned(hit)) / 2;
    }
#endif
    for (; from < n; ++from) {
        if (p[from] == a || p[from] == b)
            return from;
    }
    return n;
}

constexpr quint32 kBareName = 1u << 31; // "name": a person's name only when the value looks like one

bool contains(std::u16string_view s, std::u16string_view part)
{
    return s.find(part) != std::u16string_view::npos;
}

template <size_t N> bool isOneOf(std::u16string_view s, const std::array<std::u16string_view, N> &list)
{
    for (std::u16string_view x : list) {
        if (x == s)
            return true;
    }
    return false;
}

constexpr std::array<std::u16string_view, 33> kPersonWords = {
    u"first",  u"last",      u"full",    u"given",     u"family",  u"middle",  u"maiden",
    u"sur",    u"fore",      u"person",  u"customer",  u"cust",    u"contact", u"employee",
    u"emp",    u"client",    u"patient", u"student",   u"manager", u"owner",   u"author",
    u"driver", u"passenger", u"member",  u"teacher",   u"guest",   u"tenant",  u"applicant",
    u"staff",  u"buyer",     u"seller",  u"recipient", u"sender"};

// The kind of personal data a column holds, from its name (the last part of a qualified name,
// without quotes), or 0. Parts are split at '_' and lower-to-upper changes ("customerEmail").
quint32 kindOfColumn(QStringView identifier)
{
    if (identifier.size() < 2 || identifier.size() > 48)
        return 0;
    QChar first = identifier.front();
    if (first == u'"' || first == u'`' || first == u'[')
        identifier = identifier.mid(1, identifier.size() - 2);
    char16_t joined[48];
    std::array<std::u16string_view, 6> parts;
    size_t nparts = 0, length = 0, partStart = 0;
    for (qsizetype i = 0; i < identifier.size(); ++i) {
        const char16_t c = identifier[i].unicode();
        const bool boundary = c == u'_' || c == u'-' || c == u' ' ||
                              (i > 0 && c >= u'A' && c <= u'Z' && identifier[i - 1].isLower());
        if (boundary && length > partStart && nparts < parts.size()) {
            parts[nparts++] = std::u16string_view(joined + partStart, length - partStart);
            partStart = length;
        }
        if (c == u'_' || c == u'-' || c == u' ')
            continue;
        if (c >= 0x80)
            return 0;
        joined[length++] = (c >= u'A' && c <= u'Z') ? char16_t(c | 0x20) : c;
    }
    if (length > partStart && nparts < parts.size())
        parts[nparts++] = std::u16string_view(joined + partStart, length - partStart);
    const std::u16string_view all(joined, length);
    const auto hasPart = [&](std::u16string_view p) {
        for (size_t k = 0; k < nparts; ++k) {
            if (parts[k] == p)
                return true;
        }
        return false;
    };
    // "mail" alone or "mail_address"; MailStreet, MailCity are parts of a postal address.
    if (contains(all, u"email") || all == u"mail" || all == u"mailaddress")
        return quint32(PiiKind::Email);
    if (contains(all, u"phone") || hasPart(u"tel") || hasPart(u"mobile") || hasPart(u"cell") ||
        hasPart(u"fax") || hasPart(u"telephone") || hasPart(u"mob"))
        return quint32(PiiKind::Phone);
    if (hasPart(u"ssn") || contains(all, u"socialsecurity"))
        return quint32(PiiKind::Ssn);
    if (contains(all, u"cardnumber") || contains(all, u"cardno") || contains(all, u"creditcard") ||
        all == u"ccnumber" || all == u"ccnum" || all == u"pan")
        return quint32(PiiKind::CreditCard);
    if (hasPart(u"iban"))
        return quint32(PiiKind::Iban);
    if (hasPart(u"ip") || contains(all, u"ipaddress") || contains(all, u"ipaddr"))
        return quint32(PiiKind::IpAddress);
    // birth_date, date_of_birth, dob, birthday, birthdate, BirthDate, geburtsdatum (not
    // birth_place, birth_country: where, not when).
    if (all == u"dob" || hasPart(u"dob") || contains(all, u"birthdate") || contains(all, u"dateofbirth") ||
        contains(all, u"birthday") || contains(all, u"geburtsdatum") || contains(all, u"geburtstag") ||
        contains(all, u"fechanacimiento") || contains(all, u"fechadenacimiento") ||
        contains(all, u"datenaissance") || contains(all, u"datedenaissance") ||
        (hasPart(u"birth") && (hasPart(u"date") || hasPart(u"dt") || hasPart(u"day"))))
        return quint32(PiiKind::DateOfBirth);
    if (contains(all, u"address") || hasPart(u"addr") || contains(all, u"street") || hasPart(u"zip") ||
        contains(all, u"zipcode") || contains(all, u"postcode") || contains(all, u"postalcode"))
        return quint32(PiiKind::Address);
    if (all == u"surname" || all == u"forename" || all == u"fname" || all == u"lname" || all == u"contact" ||
        all == u"firstname" || all == u"lastname" || all == u"fullname" || all == u"middlename" ||
        all == u"givenname" || all == u"familyname" || all == u"maidenname")
        return quint32(PiiKind::Name);
    if (nparts >= 2 && parts[nparts - 1] == u"name" && isOneOf(parts[nparts - 2], kPersonWords))
        return quint32(PiiKind::Name);
    if (nparts == 1 && all == u"name")
        return kBareName;
    return 0;
}

bool isComparison(QStringView op)
{
    return op == u"=" || op == u"<>" || op == u"!=" || op == u"==";
}

// Looks like a person's name: one to four capitalised words, the first a given name of the
// gazetteer that is not a stop word ("Alice", "Omar Johnson"; not "Glebe Park" or "France").
bool looksLikePersonName(QStringView value)
{
    qsizetype words = 0;
    for (QStringView w : value.tokenize(u' ', Qt::SkipEmptyParts)) {
        if (++words > 4 || !w.front().isUpper())
            return false;
        for (QChar c : w) {
            if (!c.isLetter() && c != u'-' && c != u'\'' && c != u'.')
                return false;
        }
        if (words == 1) {
            const quint8 bits = gazetteerBits(w);
            if (!(bits & GivenName) || (bits & StopWord))
                return false;
        }
    }
    return words > 0;
}

// The part of a literal's value that is the personal data: without surrounding spaces and, after
// LIKE, the '%' wildcards at its ends; empty when it holds too little to be anyone's data.
bool valueRange(QStringView value, quint32 kind, bool like, qsizetype *a, qsizetype *b)
{
    qsizetype x = 0, y = value.size();
    while (x < y && (value[x].isSpace() || (like && value[x] == u'%')))
        ++x;
    while (y > x && (value[y - 1].isSpace() || (like && value[y - 1] == u'%')))
        --y;
    const QStringView v = value.mid(x, y - x);
    if (like && (v.contains(u'%') || v.contains(u'_')))
        return false;
    if (v.contains(u"##")) // a SEDE parameter ("##Email##")
        return false;
    int letters = 0, digits = 0;
    for (QChar c : v) {
        letters += c.isLetter() ? 1 : 0;
        digits += c.isDigit() ? 1 : 0;
    }
    switch (PiiKind(kind)) {
    case PiiKind::Email: // not a domain or its end ("@corp.com", "edu")
        if (v.startsWith(u'@') || (letters < 4 && !v.contains(u'@')))
            return false;
        break;
    case PiiKind::Phone:
    case PiiKind::CreditCard:
    case PiiKind::Ssn:
    case PiiKind::Iban:
        if (digits < 4)
            return false;
        break;
    case PiiKind::IpAddress:
        if (digits < 2 || !(v.contains(u'.') || v.contains(u':')))
            return false;
        break;
    case PiiKind::Name:
        if (letters < 2)
            return false;
        break;
    default:
        if (letters + digits < 3)
            return false;
        break;
    }
    *a = x;
    *b = y;
    return true;
}

// Whether the SQL holds the word INSERT (any case), without a general substring search.
bool holdsInsert(QStringView sql)
{
    for (qsizetype i = 0; i + 6 <= sql.size(); ++i) {
        if ((sql[i].unicode() | 0x20) == u'i' && (sql[i + 1].unicode() | 0x20) == u'n' &&
            sql.mid(i, 6).compare(u"insert", Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// kindOfColumn() remembered per thread for the last identifiers (SQL repeats its columns): a
// direct-mapped table of 256 entries keyed by the identifier as written.
quint32 cachedKindOfColumn(QStringView identifier)
{
    struct Slot
    {
        std::u16string key;
        quint32 kind = 0;
        bool used = false;
    };
    thread_local std::array<Slot, 256> cache;
    quint32 h = 2166136261u;
    for (QChar c : identifier)
        h = (h ^ c.unicode()) * 16777619u;
    Slot &slot = cache[(h ^ (h >> 8)) & 255];
    const std::u16string_view key(reinterpret_cast<const char16_t *>(identifier.utf16()),
                                  size_t(identifier.size()));
    if (slot.used && slot.key == key)
        return slot.kind;
    slot.key.assign(key);
    slot.kind = kindOfColumn(identifier);
    slot.used = true;
    return slot.kind;
}

// Whether a candidate found by the detectors covers the literal that starts at the quote at
// `q` (what findColumnValues() would take of it: without surrounding spaces, and '%' after LIKE).
bool literalCovered(QStringView sql, qsizetype q, bool like, const QList<Candidate> &found)
{
    const char16_t quote = sql[q].unicode();
    const qsizetype close = findEither(sql.utf16(), q + 1, sql.size(), quote, quote);
    if (close >= sql.size() || (close + 1 < sql.size() && sql[close + 1] == QChar(quote)))
        return false; // unterminated, or a doubled quote: read it properly
    qsizetype a = q + 1, b = close;
    while (a < b && (sql[a].isSpace() || (like && sql[a] == u'%')))
        ++a;
    while (b > a && (sql[b - 1].isSpace() || (like && sql[b - 1] == u'%')))
        --b;
    return std::any_of(found.cbegin(), found.cend(),
                       [a, b](const Candidate &c) { return c.m.start <= a && c.m.end >= b; });
}

bool isSqlSpace(char16_t c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r';
}

bool isOperatorUnit(char16_t c)
{
    return c == u'=' || c == u'<' || c == u'>' || c == u'!';
}

// The identifier that ends right before `end` (spaces and a closing quote or bracket between):
// its start, or -1.
qsizetype identifierBefore(QStringView sql, qsizetype end, qsizetype *identEnd)
{
    qsizetype b = end;
    while (b > 0 && isSqlSpace(sql[b - 1].unicode()))
        --b;
    if (b > 0 && (sql[b - 1] == u'"' || sql[b - 1] == u'`' || sql[b - 1] == u']'))
        --b;
    *identEnd = b;
    while (b > 0 && isWordChar(sql[b - 1].unicode()))
        --b;
    return b < *identEnd ? b : -1;
}

// The column kind of the identifier ending before `end`, or 0.
quint32 columnBefore(QStringView sql, qsizetype end, qsizetype *start = nullptr)
{
    qsizetype e = 0;
    const qsizetype b = identifierBefore(sql, end, &e);
    if (start)
        *start = b;
    if (b < 0 || e - b < 2 || e - b > 48)
        return 0;
    return cachedKindOfColumn(sql.mid(b, e - b));
}

// Read from each quote that may open a literal: what stands before it (`col =`, `col LIKE`,
// `col NOT LIKE`, `col IN (..., `, `VALUES (..., `) and after its closing quote (`= col`). Returns
// whether a column of personal data is compared with, given or assigned a literal; with `found`,
// only whether one of them needs the tokens: `col = 'x'` and `col LIKE 'x'` whose literal a
// detector's candidate already covers need nothing more (most SQL with such columns: the
// detectors know e-mail addresses and names). Comments between a column and its literal hide it
// here and in findColumnValues() alike (this decides whether that runs at all).
bool columnMentions(QStringView sql, const QList<Candidate> *found)
{
    const qsizetype n = sql.size();
    const auto wordBeforeIs = [&](qsizetype end, QStringView word, qsizetype *wordStart) {
        qsizetype b = end;
        while (b > 0 && isSqlSpace(sql[b - 1].unicode()))
            --b;
        const qsizetype e = b;
        while (b > 0 && isAsciiAlpha(sql[b - 1].unicode()))
            --b;
        *wordStart = b;
        if (e - b != word.size())
            return false;
        // ASCII letters against a lower-case ASCII word: `| 0x20` is their case folding.
        for (qsizetype k = 0; k < word.size(); ++k) {
            if ((sql[b + k].unicode() | 0x20) != word[k].unicode())
                return false;
        }
        return true;
    };
    const char16_t *p = sql.utf16();
    for (qsizetype q = 0; q < n; ++q) {
        q = findEither(p, q, n, u'\'', u'"'); // the next quote
        if (q >= n)
            break;
        const char16_t c = sql[q].unicode();
        qsizetype b = q;
        while (b > 0 && isSqlSpace(sql[b - 1].unicode()))
            --b;
        qsizetype w = 0;
        if (b > 0 && isOperatorUnit(sql[b - 1].unicode())) {
            qsizetype o = b - 1;
            while (o > 0 && isOperatorUnit(sql[o - 1].unicode()))
                --o;
            if (columnBefore(sql, o) != 0) {
                if (!found || c != u'\'' || !literalCovered(sql, q, false, *found))
                    return true;
            }
        } else if (wordBeforeIs(b, u"like", &w) || wordBeforeIs(b, u"ilike", &w)) {
            qsizetype x = w;
            if (wordBeforeIs(w, u"not", &x))
                w = x;
            if (columnBefore(sql, w) != 0) {
                if (!found || c != u'\'' || !literalCovered(sql, q, true, *found))
                    return true;
            }
        } else if (b > 0 && (sql[b - 1] == u'(' || sql[b - 1] == u',')) {
            // Back over the list to its bracket: IN (...) or VALUES (...).
            qsizetype k = b - 1;
            int depth = 0;
            for (int steps = 0; k >= 0 && steps < 4000; --k, ++steps) {
                const char16_t d = sql[k].unicode();
                if (d == u')')
                    ++depth;
                else if (d == u'(' && depth-- == 0)
                    break;
            }
            if (k > 0) {
                if (wordBeforeIs(k, u"in", &w)) {
                    qsizetype x = w;
                    if (wordBeforeIs(w, u"not", &x))
                        w = x;
                    if (columnBefore(sql, w) != 0 &&
                        (!found || c != u'\'' || !literalCovered(sql, q, false, *found)))
                        return true;
                } else if (wordBeforeIs(k, u"values", &w) || (sql[b - 1] == u',' && holdsInsert(sql))) {
                    // An INSERT (or a later row of one): its column list is read with the tokens, unless
                    // a detector's candidate already covers this value (whatever its column).
                    if (!found || c != u'\'' || !literalCovered(sql, q, false, *found))
                        return true;
                }
            }
        }
        // 'x' = col: after the closing quote.
        if (c == u'\'') {
            const qsizetype close = findEither(p, q + 1, n, u'\'', u'\'');
            if (close >= n)
                break;
            qsizetype a = close + 1;
            while (a < n && isSqlSpace(sql[a].unicode()))
                ++a;
            if (a < n && isOperatorUnit(sql[a].unicode())) {
                while (a < n && isOperatorUnit(sql[a].unicode()))
                    ++a;
                while (a < n && isSqlSpace(sql[a].unicode()))
                    ++a;
                qsizetype e = a;
                if (e < n && (sql[e] == u'"' || sql[e] == u'`' || sql[e] == u'['))
                    ++e;
                while (e < n && (isWordChar(sql[e].unicode()) || sql[e] == u'.'))
                    ++e;
                // The last part of a qualified name.
                qsizetype s0 = e;
                while (s0 > a && sql[s0 - 1] != u'.' && sql[s0 - 1] != u'"' && sql[s0 - 1] != u'`' &&
                       sql[s0 - 1] != u'[')
                    --s0;
                if (e - s0 >= 2 && e - s0 <= 48 && cachedKindOfColumn(sql.mid(s0, e - s0)) != 0)
                    return true;
            }
            q = close; // the content of a literal is no SQL
        }
    }
    return false;
}

} // namespace

bool mayHaveColumnValues(QStringView sql)
{
    return columnMentions(sql, nullptr);
}

bool columnValuesNeedTokens(QStringView sql, const QList<Candidate> &found)
{
    return columnMentions(sql, &found);
}

void findColumnValues(const CompiledPatterns &patterns, QStringView sql, sql::Dialect dialect, SqlScan &s)
{
    const QList<sql::Token> &tokens = s.tokens;
    QList<qsizetype> sig; // significant tokens
    QList<int> pieceOfSig;
    const auto pieceOfToken = [&s](qsizetype t) {
        for (qsizetype p = 0; p < s.pieces.size(); ++p) {
            if (s.pieces[p].token == t)
                return int(p);
        }
        return -2;
    };
    sig.reserve(tokens.size());
    pieceOfSig.reserve(tokens.size());
    for (qsizetype t = 0; t < tokens.size(); ++t) {
        const sql::TokenKind k = tokens[t].kind;
        if (k == sql::TokenKind::Whitespace || k == sql::TokenKind::LineComment ||
            k == sql::TokenKind::BlockComment)
            continue;
        sig.append(t);
        // -2: a literal not read yet (the fast path reads only literals with a candidate).
        pieceOfSig.append((k == sql::TokenKind::String || k == sql::TokenKind::DollarString) ? pieceOfToken(t)
                                                                                             : -1);
    }
    const auto text = [&](qsizetype j) {
        return j >= 0 && j < sig.size() ? tokens[sig[j]].text(sql) : QStringView();
    };
    const auto kindAt = [&](qsizetype j) {
        return j >= 0 && j < sig.size() ? tokens[sig[j]].kind : sql::TokenKind::Unknown;
    };
    const auto column = [&](qsizetype j) -> quint32 {
        const sql::TokenKind k = kindAt(j);
        if (k != sql::TokenKind::Word && k != sql::TokenKind::QuotedIdentifier)
            return 0;
        return cachedKindOfColumn(text(j));
    };
    const auto isWord = [&](qsizetype j, QStringView w) {
        return kindAt(j) == sql::TokenKind::Word && text(j).size() == w.size() &&
               text(j).compare(w, Qt::CaseInsensitive) == 0;
    };
    const auto isPunct = [&](qsizetype j, char16_t c) {
        return kindAt(j) == sql::TokenKind::Punctuation && text(j).size() == 1 && text(j)[0] == c;
    };
    // The columns of INSERT INTO t (c1, c2, ...) VALUES, read back from VALUES at `values`.
    const auto insertColumns = [&](qsizetype values) {
        QList<quint32> cols;
        if (!isPunct(values - 1, u')'))
            return cols;
        qsizetype j = values - 2;
        while (j >= 0 && !isPunct(j, u'(')) {
            if (!isPunct(j, u','))
                cols.prepend(column(j));
            --j;
        }
        return cols;
    };
    for (qsizetype j = 0; j < sig.size(); ++j) {
        int piece = pieceOfSig[j];
        if (piece == -1)
            continue;
        quint32 kind = 0;
        bool like = false;
        // col = 'x', col LIKE 'x', col NOT LIKE 'x', SET col = 'x'; 'x' = col.
        if (kindAt(j - 1) == sql::TokenKind::Operator && isComparison(text(j - 1))) {
            kind = column(j - 2);
        } else if (isWord(j - 1, u"LIKE") || isWord(j - 1, u"ILIKE")) {
            like = true;
            kind = column(isWord(j - 2, u"NOT") ? j - 3 : j - 2);
        }
        if (kind == 0 && kindAt(j + 1) == sql::TokenKind::Operator && isComparison(text(j + 1)))
            kind = column(j + 2);
        if (kind == 0 && (isPunct(j - 1, u'(') || isPunct(j - 1, u','))) {
            // IN ('a', 'b') or VALUES (..., 'x', ...): find the opening bracket, counting commas.
            qsizetype k = j - 1, position = 0;
            int depth = 0;
            for (; k >= 0; --k) {
                if (isPunct(k, u')'))
                    ++depth;
                else if (isPunct(k, u'(')) {
                    if (depth == 0)
                        break;
                    --depth;
                } else if (depth == 0 && isPunct(k, u','))
                    ++position;
            }
            if (k > 0 && isWord(k - 1, u"IN")) {
                kind = column(isWord(k - 2, u"NOT") ? k - 3 : k - 2);
            } else if (k > 0) {
                // VALUES (...), (...): back over earlier rows to VALUES.
                qsizetype v = k - 1;
                while (v > 0 && isPunct(v, u',') && isPunct(v - 1, u')')) {
                    int d = 0;
                    qsizetype r = v - 1;
                    for (; r >= 0; --r) {
                        if (isPunct(r, u')'))
                            ++d;
                        else if (isPunct(r, u'(') && --d == 0)
                            break;
                    }
                    v = r - 1;
                }
                if (isWord(v, u"VALUES")) {
                    const QList<quint32> cols = insertColumns(v);
                    if (position < cols.size())
                        kind = cols[position];
                }
            }
        }
        if (kind == 0)
            continue;
        if (piece == -2) {
            Piece p;
            p.token = sig[j];
            p.content = sql::decodeContent(sql, tokens[sig[j]], dialect);
            if (p.content.form == sql::ContentForm::None)
                continue;
            piece = int(s.pieces.size());
            s.pieces.append(std::move(p));
            pieceOfSig[j] = piece;
        }
        const sql::DecodedContent &content = s.pieces[piece].content;
        const QStringView value(content.value);
        qsizetype a = 0, b = 0;
        if (kind == kBareName) {
            kind = quint32(PiiKind::Name);
            if (!valueRange(value, kind, like, &a, &b) || !looksLikePersonName(value.mid(a, b - a)))
                continue;
        } else if (!valueRange(value, kind, like, &a, &b)) {
            continue;
        }
        if (kind == quint32(PiiKind::Name) && holdsNonPersonWord(value.mid(a, b - a)))
            continue; // full_name = 'General Motors', name = 'Marina Bay Street Circuit'
        if (!patterns.notPii.isEmpty() && patterns.isNotPii(PiiKind(kind), value.mid(a, b - a).toString()))
            continue; // a reviewer decided this value is not personal data
        Candidate c;
        c.m.kind = PiiKind(kind);
        c.piece = piece;
        if (content.verbatim) {
            c.view = -1;
            c.a = c.m.start = content.contentStart + a;
            c.b = c.m.end = content.contentStart + b;
        } else {
            View v;
            v.setStorage(content.value);
            v.from = content.from;
            v.to = content.to;
            s.scan.views.push_back(std::move(v));
            while (s.viewPiece.size() < qsizetype(s.scan.views.size())) {
                s.viewPiece.append(piece);
                s.viewChain.append(-1);
            }
            c.view = int(s.scan.views.size()) - 1;
            c.a = a;
            c.b = b;
            c.m.start = s.scan.views.back().sourceStart(a);
            c.m.end = s.scan.views.back().sourceEnd(b - 1);
        }
        // A detector's finding that covers the value is kept (it read the value folded and knows its
        // shape); one inside a longer value loses to it when overlaps are resolved.
        const bool covered =
            std::any_of(s.scan.found.cbegin(), s.scan.found.cend(),
                        [&c](const Candidate &k) { return k.m.start <= c.m.start && k.m.end >= c.m.end; });
        if (!covered)
            s.scan.found.append(c);
    }
}

} // namespace pairlens::privacy::detail
