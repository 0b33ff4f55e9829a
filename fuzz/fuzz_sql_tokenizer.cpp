// Fuzz target "sql_tokenizer": any text through the SQL tokenizer (core/sql/tokenizer.h) in every
// dialect. Checks what tokenizer.h promises: the tokens cover every character exactly once, none
// is empty, nextToken() at any position gives a token starting there; decodeContent() maps every
// character of a literal or comment to source units inside it; and encodeContent() writes a value
// that ends nothing: written into a literal or comment (in place of its content, or after it), the
// text lexes into the same tokens, and forms with escapes read the value back. Input: the text as
// bytes; invalid UTF-8 is also read with lone surrogates (fuzzcommon.h).
#include "anonymizeroracle.h"
#include "fuzzcommon.h"

#include "sql/tokenizer.h"

using namespace pairlens;
using namespace pairlens::sql;

namespace {

// Literals and comments whose content is decoded and written back, per dialect and input.
constexpr int kContentChecks = 6;

// Characters that end, escape or nest literals and comments in some dialect; the second also has
// a lone surrogate (only the tokens are compared for it). Lexing never depends on what a literal
// holds but in one place: a string opened right after a word character, as in [# Fav's], whose
// content the look-ahead of an earlier '[' reads (bracketIdentifierEnd() in core/sql/tokenizerdialect.cpp).
// It gives up at a quote, and both values write one (doubled or escaped) before their ']'.
const QString &hostileValue(int which)
{
    static const QString values[] = {
        QStringLiteral("x'\"`]\\'$$*/ /*--\n#//$t$\\u0040 \r\n'@corp.com") + QChar(0xff20) + QChar(0),
        QStringLiteral("'") + QChar(0xd800) + QStringLiteral("\\'*/"),
    };
    return values[which];
}

bool readsBack(ContentForm form)
{
    return form == ContentForm::Quoted || form == ContentForm::Backslash ||
           form == ContentForm::UnicodeEscape || form == ContentForm::Hex;
}

bool wellFormed(QStringView s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate())
            ++i;
        else if (s[i].isSurrogate())
            return false;
    }
    return true;
}

// `sql` with `encoded` put in place of [from, to): the token at `index` must still be one token of
// the same kind, every other token unchanged, and (for forms with escapes) read `expected`.
void checkRewrite(QStringView sql, const QList<Token> &tokens, qsizetype index, Dialect dialect,
                  qsizetype from, qsizetype to, const QString &encoded, const QString &expected,
                  ContentForm form, char16_t uescape)
{
    const QString rebuilt = sql.left(from) + encoded + sql.mid(to);
    const QString context = QStringLiteral("token %1 (%2) rewritten with \"%3\"")
                                .arg(index)
                                .arg(fuzz::tokenKindName(tokens[index].kind), fuzz::show(encoded, 80));
    fuzz::checkSameTokens(sql, tokens, rebuilt, dialect, context);
    if (!readsBack(form) || !wellFormed(expected))
        return;
    const QList<Token> after = tokenize(rebuilt, dialect);
    const DecodedContent back = decodeContent(rebuilt, after[index], dialect, uescape);
    FUZZ_CHECK(back.value == expected, context + u" reads back \"" + fuzz::show(back.value) + u"\", not \"" +
                                           fuzz::show(expected) + u"\" (dialect " + dialectName(dialect) +
                                           u") in " + fuzz::show(rebuilt, 400));
}

void checkContent(QStringView sql, const QList<Token> &tokens, qsizetype index, Dialect dialect)
{
    const Token &t = tokens[index];
    const char16_t uescape = u'\\';
    const DecodedContent c = decodeContent(sql, t, dialect, uescape);
    if (c.form == ContentForm::None)
        return;
    auto where = [&]() -> QString {
        return QStringLiteral("decodeContent of token %1 [%2, +%3) (dialect ")
                   .arg(index)
                   .arg(t.start)
                   .arg(t.length) +
               dialectName(dialect) + u") in " + fuzz::show(sql, 400);
    };
    FUZZ_CHECK(t.start <= c.contentStart && c.contentStart <= c.contentEnd &&
                   c.contentEnd <= t.start + t.length,
               where() + QStringLiteral(": content [%1, %2)").arg(c.contentStart).arg(c.contentEnd));
    if (c.verbatim) {
        FUZZ_CHECK(c.value == sql.mid(c.contentStart, c.contentEnd - c.contentStart),
                   where() + u": verbatim value");
    } else {
        FUZZ_CHECK(c.from.size() == c.value.size() && c.to.size() == c.value.size(),
                   where() + QStringLiteral(": %1 characters, %2 starts, %3 ends")
                                 .arg(c.value.size())
                                 .arg(c.from.size())
                                 .arg(c.to.size()));
        qsizetype last = c.contentStart;
        for (qsizetype i = 0; i < c.value.size(); ++i) {
            FUZZ_CHECK(c.from[i] >= last && c.from[i] < c.to[i] && c.to[i] <= c.contentEnd,
                       where() +
                           QStringLiteral(": character %1 from [%2, %3)").arg(i).arg(c.from[i]).arg(c.to[i]));
            last = c.from[i];
        }
    }
    // The content written back as it reads: the same tokens, the same value.
    checkRewrite(sql, tokens, index, dialect, c.contentStart, c.contentEnd, encodeContent(c, c.value),
                 c.value, c.form, uescape);
    // A hostile value after the content (between its last escape sequence and the closing
    // delimiter). Not for the last token: it may be unterminated, its content cut inside an escape.
    if (t.start + t.length < sql.size()) {
        for (int which = 0; which < 2; ++which)
            checkRewrite(sql, tokens, index, dialect, c.contentEnd, c.contentEnd,
                         encodeContent(c, hostileValue(which)), c.value + hostileValue(which), c.form,
                         uescape);
    }
}

void checkText(const QString &sql)
{
    for (Dialect dialect : kAllDialects) {
        const QList<Token> tokens = tokenize(sql, dialect);
        qsizetype pos = 0;
        int contentChecks = 0; // each tokenizes the whole text again: the first kContentChecks
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            const Token &t = tokens[i];
            FUZZ_CHECK(t.start == pos && t.length > 0 && t.start + t.length <= sql.size(),
                       QStringLiteral("token %1 at %2 (+%3), expected at %4 (dialect ")
                               .arg(i)
                               .arg(t.start)
                               .arg(t.length)
                               .arg(pos) +
                           dialectName(dialect) + u") in " + fuzz::show(sql, 400));
            pos += t.length;
            switch (t.kind) {
            case TokenKind::String:
            case TokenKind::DollarString:
            case TokenKind::QuotedIdentifier:
                unquote(sql, t, dialect);
                if (contentChecks++ < kContentChecks)
                    checkContent(sql, tokens, i, dialect);
                break;
            case TokenKind::LineComment:
            case TokenKind::BlockComment:
                if (contentChecks++ < kContentChecks)
                    checkContent(sql, tokens, i, dialect);
                break;
            default:
                break;
            }
        }
        FUZZ_CHECK(pos == sql.size(),
                   QStringLiteral("tokens cover %1 of %2 units (dialect ").arg(pos).arg(sql.size()) +
                       dialectName(dialect) + u") in " + fuzz::show(sql, 400));
        // nextToken() from any position (the analyzer's way in), on the first 64.
        for (qsizetype p = 0; p < sql.size() && p < 64; ++p) {
            const Token t = nextToken(sql, p, dialect);
            FUZZ_CHECK(
                t.start == p && t.length > 0 && p + t.length <= sql.size(),
                QStringLiteral("nextToken at %1 gave [%2, +%3) (dialect ").arg(p).arg(t.start).arg(t.length) +
                    dialectName(dialect) + u") in " + fuzz::show(sql, 400));
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::forEachDecoding(data, size, checkText);
    // The dialect of a database_type: any text names one of them, or none.
    dialectFromDatabaseType(fuzz::decodeUtf8(data, size < 64 ? size : 64));
    return 0;
}
