// A pair's search vector on PostgreSQL (issue 18): the tokenizer the writes and the filter share,
// and the vector in tsvector's two COPY forms, its input text and its binary form.
//
// The binary form is what an import sends: tsvector's input function spends most of its time
// parsing the text and sorting the lexemes, while its binary receive function only copies lexemes
// that come sorted, unique, with ascending positions. Both forms come from one walk over the tokens
// (walkLexemes()), so they keep the same lexemes; the binary one then sorts and merges them as the
// input function would (tst_pgstorage compares the two on a real server).
#include "storage/pgstorage_p.h"

#include <QtEndian>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

namespace pairlens::pg {

namespace {

// FTS5's unicode61 token characters: letters, digits and private-use characters; combining marks
// belong to the token they follow (remove_diacritics then drops them).
bool isTokenChar(char32_t c)
{
    switch (QChar::category(c)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
    case QChar::Other_PrivateUse:
    case QChar::Mark_NonSpacing:
        return true;
    default:
        return false;
    }
}

// Lower case without diacritics: the canonical decomposition without its combining marks.
QString fold(const QString &token)
{
    const QString decomposed = token.normalized(QString::NormalizationForm_D);
    QString out;
    out.reserve(decomposed.size());
    for (const char32_t c : decomposed.toUcs4()) {
        if (QChar::category(c) != QChar::Mark_NonSpacing)
            out += QString::fromUcs4(&c, 1);
    }
    return out.toLower();
}

// tsvector's limits: a lexeme of at most 2,047 bytes, positions up to 16,383, at most 256 positions
// a lexeme, at most 1 MB in all. The text form is cut at kMaxVectorText (the lexemes after it are
// left out, in both forms).
constexpr qsizetype kMaxLexeme = 2046;
constexpr int kMaxPosition = 16383;
constexpr qsizetype kMaxPositions = 256;
constexpr qsizetype kMaxVectorText = 900 * 1024;

int decimalDigits(int n)
{
    return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n < 10000 ? 4 : 5;
}

// Calls sink(lexeme, position) for each lexeme of the question, then of the SQL, that the vector
// keeps: their tokens numbered from 1 (one number left out between the two texts, so no phrase
// spans them), a lexeme longer than tsvector allows left out, and nothing once the text form would
// pass kMaxVectorText. The positions are capped at kMaxPosition.
template <typename Sink> void walkLexemes(const QString &question, const QString &sql, Sink &&sink)
{
    int position = 0;
    qsizetype textSize = 0; // of the text form so far: "'lexeme':position", separated by spaces
    const auto take = [&](QByteArrayView lexeme) {
        ++position;
        if (lexeme.size() > kMaxLexeme || textSize > kMaxVectorText)
            return;
        const int p = std::min(position, kMaxPosition);
        textSize += (textSize > 0 ? 1 : 0) + 3 + lexeme.size() + decimalDigits(p);
        sink(lexeme, p);
    };
    // ASCII text (nearly every pair) the short way: its tokens are the runs of letters and digits,
    // lower-cased, which is what searchTokens() makes of it through the Unicode tables, NFD and a
    // string per character (the import's largest cost on the client before).
    const auto tokenChar = [](char16_t c) {
        return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || (c >= u'A' && c <= u'Z');
    };
    char lower[kMaxLexeme];
    const auto addAscii = [&](const QString &text) {
        const char16_t *p = reinterpret_cast<const char16_t *>(text.utf16());
        const qsizetype n = text.size();
        if (std::any_of(p, p + n, [](char16_t c) { return c >= 0x80; }))
            return false;
        for (qsizetype i = 0; i < n;) {
            if (!tokenChar(p[i])) {
                ++i;
                continue;
            }
            qsizetype e = i;
            while (e < n && tokenChar(p[e]))
                ++e;
            if (e - i <= kMaxLexeme) {
                for (qsizetype k = i; k < e; ++k)
                    lower[k - i] = char(p[k] >= u'A' && p[k] <= u'Z' ? p[k] - u'A' + u'a' : p[k]);
                take(QByteArrayView(lower, e - i));
            } else {
                ++position; // too long for tsvector: left out, as take() would
            }
            i = e;
        }
        return true;
    };
    const auto add = [&](const QString &text) {
        if (addAscii(text))
            return;
        for (const QString &token : searchTokens(text))
            take(token.toUtf8());
    };
    add(question);
    ++position; // no phrase spans the question and the SQL
    add(sql);
}

} // namespace

QStringList searchTokens(const QString &text)
{
    QStringList tokens;
    QString current;
    for (const char32_t c : text.toUcs4()) {
        if (isTokenChar(c)) {
            current += QString::fromUcs4(&c, 1);
        } else if (!current.isEmpty()) {
            tokens << fold(current);
            current.clear();
        }
    }
    if (!current.isEmpty())
        tokens << fold(current);
    tokens.removeAll(QString()); // a run of combining marks alone
    return tokens;
}

QByteArray searchVector(const QString &question, const QString &sql)
{
    QByteArray out("");
    // Room for what the ASCII texts of most pairs give (a token of one letter takes 5 bytes and
    // its separator), so that the appends rarely reallocate.
    out.reserve(
        std::min<qsizetype>(3 * (question.size() + sql.size()) + 16, kMaxVectorText + kMaxLexeme + 16));
    walkLexemes(question, sql, [&](QByteArrayView lexeme, int position) {
        if (!out.isEmpty())
            out += ' ';
        out += '\'';
        out += lexeme;
        out += "':";
        char digits[8];
        // std::to_chars: QByteArray::number() cost ~380 instructions a position.
        const auto r = std::to_chars(digits, digits + sizeof digits, position);
        out.append(digits, r.ptr - digits);
    });
    return out;
}

void appendBinarySearchVector(QByteArray &out, const QString &question, const QString &sql)
{
    // The lexemes' bytes and entries, kept per thread (an import calls this a million times).
    struct Entry
    {
        quint64 prefix; // the first 8 bytes, big-endian and padded with zeros: most comparisons
        quint32 offset;
        quint16 length; // at most kMaxLexeme
        quint16 position;
    };
    thread_local std::vector<char> chars;
    thread_local std::vector<Entry> entries;
    chars.clear();
    entries.clear();
    walkLexemes(question, sql, [&](QByteArrayView lexeme, int position) {
        char head[8] = {};
        std::memcpy(head, lexeme.data(), size_t(std::min<qsizetype>(8, lexeme.size())));
        quint64 prefix;
        std::memcpy(&prefix, head, 8);
        entries.push_back(
            {qFromBigEndian(prefix), quint32(chars.size()), quint16(lexeme.size()), quint16(position)});
        chars.insert(chars.end(), lexeme.begin(), lexeme.end());
    });
    const char *const base = chars.data();
    // tsvector's order: the bytes compared unsigned, a prefix first (lexemes hold no zero byte, so
    // the padded prefixes order as the bytes do); equal lexemes by position.
    const auto compareLexemes = [base](const Entry &a, const Entry &b) {
        if (a.prefix != b.prefix)
            return a.prefix < b.prefix ? -1 : 1;
        if (a.length <= 8 || b.length <= 8)
            return int(a.length) - int(b.length);
        const int c =
            std::memcmp(base + a.offset + 8, base + b.offset + 8, size_t(std::min(a.length, b.length) - 8));
        return c != 0 ? c : int(a.length) - int(b.length);
    };
    std::sort(entries.begin(), entries.end(), [&](const Entry &a, const Entry &b) {
        const int c = compareLexemes(a, b);
        return c != 0 ? c < 0 : a.position < b.position;
    });

    const qsizetype start = out.size();
    out.resize(start + 8); // the field's length and the count of lexemes, written below
    qint32 count = 0;
    for (size_t i = 0; i < entries.size();) {
        const Entry &first = entries[i];
        size_t end = i + 1;
        while (end < entries.size() && compareLexemes(entries[end], first) == 0)
            ++end;
        // Its positions as the input function keeps them: ascending, each once, the first 256.
        const qsizetype at = out.size();
        out.resize(at + first.length + 3 + 2 * qsizetype(std::min(end - i, size_t(kMaxPositions))));
        char *w = out.data() + at;
        std::memcpy(w, base + first.offset, first.length);
        w += first.length;
        *w++ = '\0';
        char *const countAt = w;
        w += 2;
        quint16 positions = 0;
        int last = -1;
        for (size_t k = i; k < end && positions < kMaxPositions; ++k) {
            if (entries[k].position == last)
                continue;
            last = entries[k].position;
            qToBigEndian(quint16(last), w);
            w += 2;
            ++positions;
        }
        qToBigEndian(positions, countAt);
        out.truncate(w - out.constData());
        ++count;
        i = end;
    }
    qToBigEndian(qint32(out.size() - start - 4), out.data() + start);
    qToBigEndian(count, out.data() + start + 4);
}

void BinaryCopy::searchFields(const QString &question, const QString &sql, QByteArrayView questionUtf8,
                              QByteArrayView sqlUtf8, const QString &databaseType)
{
    appendBinarySearchVector(m_out, question, sql);
    key(dupkeys::exactPairKey(questionUtf8, sqlUtf8));
    key(dupkeys::normalizedPairKey(question, sql, databaseType));
}

} // namespace pairlens::pg
