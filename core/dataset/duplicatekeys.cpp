#include "dataset/duplicatekeys.h"

#include "sql/tokenizer.h"

#include <QCryptographicHash>

#include <sqlite3.h>

#include <cstring>

namespace pairlens::dupkeys {
namespace {

Key keyOf(char tag, QByteArrayView a, QByteArrayView b = {})
{
    QCryptographicHash hash(QCryptographicHash::Md5);
    hash.addData(QByteArrayView(&tag, 1));
    hash.addData(a);
    if (!b.isNull()) {
        hash.addData("\x1f");
        hash.addData(b);
    }
    const QByteArrayView digest = hash.resultView();
    Key key;
    std::memcpy(key.data(), digest.data(), sizeof key);
    return key;
}

QByteArrayView bytesOf(const QString &text)
{
    return QByteArrayView(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
}

QChar folded(QChar c)
{
    const char16_t u = c.unicode();
    if (u < 0x80) // ASCII, the common case, without the Unicode tables
        return QChar(u >= u'A' && u <= u'Z' ? char16_t(u + 32) : u);
    return c.toCaseFolded();
}

// --- SQL functions ---------------------------------------------------------------------------------

QString argText(sqlite3_value *v)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(v));
    return p ? QString::fromUtf8(p, sqlite3_value_bytes(v)) : QString();
}

QByteArrayView argUtf8(sqlite3_value *v)
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(v));
    return p ? QByteArrayView(p, sqlite3_value_bytes(v)) : QByteArrayView("");
}

void resultKey(sqlite3_context *context, const Key &key)
{
    sqlite3_result_blob(context, key.data(), int(sizeof key), SQLITE_TRANSIENT);
}

void exactKeyFunction(sqlite3_context *context, int, sqlite3_value **argv)
{
    resultKey(context, exactPairKey(argUtf8(argv[0]), argUtf8(argv[1])));
}

void normalizedKeyFunction(sqlite3_context *context, int, sqlite3_value **argv)
{
    resultKey(context, normalizedPairKey(argText(argv[0]), argText(argv[1]), argText(argv[2])));
}

int registerFunctions(sqlite3 *db, const char **, const sqlite3_api_routines *)
{
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function_v2(db, "pairlens_exact_key", 2, flags, nullptr, exactKeyFunction, nullptr,
                               nullptr, nullptr);
    sqlite3_create_function_v2(db, "pairlens_normalized_key", 3, flags, nullptr, normalizedKeyFunction,
                               nullptr, nullptr, nullptr);
    return SQLITE_OK;
}

// Every connection opened after this (the dataset's, the workers', the statistics' own) gets the
// functions. Runs before main(), before any connection exists.
const bool g_registered =
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(&registerFunctions)) == SQLITE_OK;

} // namespace

QString normalizedQuestion(QStringView question)
{
    // Written in place into room for the whole question: every unit read writes at most one (a
    // space is written only before a word unit and after a unit that wrote nothing).
    QString out(question.size(), Qt::Uninitialized);
    QChar *const begin = out.data();
    QChar *w = begin;
    bool gap = false;
    bool digits = false;
    for (const QChar c : question) {
        // Surrogates (letters and symbols beyond the BMP) are kept as they are. ASCII (nearly
        // every question) without the Unicode tables: its words are letters and digits.
        const char16_t u = c.unicode();
        const bool word =
            u < 0x80 ? (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
                     : c.isLetterOrNumber() || c.isSurrogate() || c.isMark();
        if (!word) {
            gap = w != begin;
            digits = false;
            continue;
        }
        if (gap)
            *w++ = u' ';
        gap = false;
        if (c.isDigit()) {
            if (!digits)
                *w++ = u'0';
            digits = true;
            continue;
        }
        digits = false;
        *w++ = folded(c);
    }
    out.truncate(w - begin);
    return out;
}

QString normalizedSql(QStringView sql, QStringView databaseType)
{
    const sql::Dialect dialect = sql::dialectFromDatabaseType(databaseType);
    // Written in place (QString::append per token and per unit was a call each): `n` units written
    // so far, the room grown when a token needs more (a token is written with at most its length
    // and a space, so twice the SQL's length is always enough).
    QString out(2 * sql.size() + 2, Qt::Uninitialized);
    qsizetype n = 0;
    const auto write = [&](QStringView piece, bool fold) {
        if (n + piece.size() > out.size())
            out.resize(2 * (n + piece.size()));
        QChar *w = out.data() + n;
        for (const QChar c : piece)
            *w++ = fold ? folded(c) : c;
        n += piece.size();
    };
    qsizetype meaningfulEnd = 0; // n after the last token that is not a semicolon
    for (qsizetype i = 0; i < sql.size();) {
        const sql::Token t = sql::nextToken(sql, i, dialect);
        i = t.start + t.length;
        if (t.length <= 0)
            break;
        const QStringView text = t.text(sql);
        switch (t.kind) {
        case sql::TokenKind::Whitespace:
        case sql::TokenKind::LineComment:
        case sql::TokenKind::BlockComment:
            continue;
        default:
            break;
        }
        if (n > 0)
            write(u" ", false);
        switch (t.kind) {
        case sql::TokenKind::String:
        case sql::TokenKind::DollarString:
        case sql::TokenKind::Number:
        case sql::TokenKind::Parameter:
            write(u"?", false);
            break;
        case sql::TokenKind::QuotedIdentifier:
            write(sql::unquote(sql, t, dialect), true);
            break;
        case sql::TokenKind::Word:
            write(text, true);
            break;
        default:
            write(text, false);
            break;
        }
        if (!(t.kind == sql::TokenKind::Punctuation && text == u";"))
            meaningfulEnd = n;
    }
    out.truncate(meaningfulEnd); // "SELECT 1;" is "SELECT 1"
    return out;
}

Key questionKey(QStringView question)
{
    const QString n = normalizedQuestion(question);
    return n.isEmpty() ? Key{0, 0} : keyOf('q', bytesOf(n));
}

Key sqlKey(QStringView sql, QStringView databaseType)
{
    const QString n = normalizedSql(sql, databaseType);
    return n.isEmpty() ? Key{0, 0} : keyOf('s', bytesOf(n));
}

Key exactPairKey(QByteArrayView questionUtf8, QByteArrayView sqlUtf8)
{
    return keyOf('e', questionUtf8.isNull() ? QByteArrayView("") : questionUtf8,
                 sqlUtf8.isNull() ? QByteArrayView("") : sqlUtf8);
}

Key normalizedPairKey(QStringView question, QStringView sql, QStringView databaseType)
{
    const QString q = normalizedQuestion(question);
    const QString s = normalizedSql(sql, databaseType);
    return keyOf('n', bytesOf(q), bytesOf(s));
}

bool sqlFunctionsRegistered()
{
    return g_registered;
}

} // namespace pairlens::dupkeys
