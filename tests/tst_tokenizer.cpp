// The SQL lexer: token kinds, exact offsets, full coverage (also over every public data set) and
// unquote().

#include "sql/tokenizer.h"
#include "testutil.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens::sql;

namespace {

QString kindName(TokenKind kind)
{
    switch (kind) {
    case TokenKind::Whitespace:
        return u"ws"_s;
    case TokenKind::LineComment:
        return u"line"_s;
    case TokenKind::BlockComment:
        return u"block"_s;
    case TokenKind::Word:
        return u"word"_s;
    case TokenKind::QuotedIdentifier:
        return u"qid"_s;
    case TokenKind::String:
        return u"str"_s;
    case TokenKind::DollarString:
        return u"dollar"_s;
    case TokenKind::Number:
        return u"num"_s;
    case TokenKind::Parameter:
        return u"param"_s;
    case TokenKind::Operator:
        return u"op"_s;
    case TokenKind::Punctuation:
        return u"punct"_s;
    case TokenKind::Unknown:
        return u"unknown"_s;
    }
    return u"?"_s;
}

// "kind:text" for every token except whitespace, which only has to be there.
QStringList describe(const QString &sql)
{
    QStringList out;
    for (const Token &t : tokenize(sql))
        if (t.kind != TokenKind::Whitespace)
            out << kindName(t.kind) + u':' + t.text(sql);
    return out;
}

// Every character covered once, in order, by non-empty tokens.
bool coversExactly(QStringView sql, const QList<Token> &tokens, QString *why)
{
    qsizetype at = 0;
    for (const Token &t : tokens) {
        if (t.start != at || t.length <= 0) {
            *why = u"token at %1 (length %2), expected start %3"_s.arg(t.start).arg(t.length).arg(at);
            return false;
        }
        at += t.length;
    }
    if (at != sql.size()) {
        *why = u"tokens end at %1 of %2"_s.arg(at).arg(sql.size());
        return false;
    }
    return true;
}

} // namespace

class TstTokenizer : public QObject
{
    Q_OBJECT

private slots:
    void kinds_data();
    void kinds();
    void offsetsAreExact();
    void coverage_data();
    void coverage();
    void unterminatedRunsToEnd_data();
    void unterminatedRunsToEnd();
    void unquote_data();
    void unquote();
    void sharedDataIsCoveredExactly_data();
    void sharedDataIsCoveredExactly();
    // Dialects, and the content of literals and comments (decodeContent, encodeContent).
    void dialectKinds_data();
    void dialectKinds();
    void decodeContent_data();
    void decodeContent();
    void encodeContentReadsBack();
    void contentNeverDecidesEarlierTokens_data();
    void contentNeverDecidesEarlierTokens();
};

void TstTokenizer::kinds_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("words and punctuation")
        << u"SELECT a.b, c FROM t;"_s
        << QStringList{u"word:SELECT"_s, u"word:a"_s,    u"punct:."_s, u"word:b"_s, u"punct:,"_s,
                       u"word:c"_s,      u"word:FROM"_s, u"word:t"_s,  u"punct:;"_s};
    QTest::newRow("line comment stops before newline")
        << u"a -- note 'x'\nb"_s << QStringList{u"word:a"_s, u"line:-- note 'x'"_s, u"word:b"_s};
    QTest::newRow("nested block comment")
        << u"a /* x /* y */ z */ b"_s << QStringList{u"word:a"_s, u"block:/* x /* y */ z */"_s, u"word:b"_s};
    QTest::newRow("string with doubled quote")
        << u"'it''s' x"_s << QStringList{u"str:'it''s'"_s, u"word:x"_s};
    QTest::newRow("E string with backslash escape")
        << u"E'a\\'b' c"_s << QStringList{u"str:E'a\\'b'"_s, u"word:c"_s};
    QTest::newRow("N and X strings") << u"N'Zoë' X'1F' n'x'"_s
                                     << QStringList{u"str:N'Zoë'"_s, u"str:X'1F'"_s, u"str:n'x'"_s};
    QTest::newRow("word ending in N is not a prefix")
        << u"WHEN'a'"_s << QStringList{u"word:WHEN"_s, u"str:'a'"_s};
    QTest::newRow("double-quoted identifier with escape")
        << u"\"my \"\"col\"\"\".x"_s << QStringList{u"qid:\"my \"\"col\"\"\""_s, u"punct:."_s, u"word:x"_s};
    QTest::newRow("backtick identifier") << u"`order`"_s << QStringList{u"qid:`order`"_s};
    QTest::newRow("bracket identifiers")
        << u"[dbo].[User Link] [# Fav's]"_s
        << QStringList{u"qid:[dbo]"_s, u"punct:."_s, u"qid:[User Link]"_s, u"qid:[# Fav's]"_s};
    QTest::newRow("array subscripts are not identifiers")
        << u"ARRAY[1, 2] x[1] text[] ['a']"_s
        << QStringList{u"word:ARRAY"_s, u"punct:["_s, u"num:1"_s,     u"punct:,"_s,
                       u"num:2"_s,      u"punct:]"_s, u"word:x"_s,    u"punct:["_s,
                       u"num:1"_s,      u"punct:]"_s, u"word:text"_s, u"punct:["_s,
                       u"punct:]"_s,    u"punct:["_s, u"str:'a'"_s,   u"punct:]"_s};
    // A `]` in a literal or comment never closes an earlier `[` (fuzz/regressions/sql_tokenizer/
    // bracket-lookahead-through-literal.sql); an apostrophe in a word does not end a name.
    QTest::newRow("bracket before a literal holding ]")
        << u"[E'x]'W [a 'b]' [c /* ] */ [d -- ]"_s
        << QStringList{u"punct:["_s,       u"str:E'x]'"_s, u"word:W"_s,  u"punct:["_s,
                       u"word:a"_s,        u"str:'b]'"_s,  u"punct:["_s, u"word:c"_s,
                       u"block:/* ] */"_s, u"punct:["_s,   u"word:d"_s,  u"line:-- ]"_s};
    QTest::newRow("apostrophes in bracket identifiers")
        << u"[Owners'] [Don't]]x] [# Fav's],\n  f(score,'#') [it''s] [a'b''c]"_s
        << QStringList{u"qid:[Owners']"_s, u"qid:[Don't]]x]"_s, u"qid:[# Fav's]"_s, u"punct:,"_s,
                       u"word:f"_s,        u"punct:("_s,        u"word:score"_s,    u"punct:,"_s,
                       u"str:'#'"_s,       u"punct:)"_s,        u"qid:[it''s]"_s,   u"punct:["_s,
                       u"word:a"_s,        u"str:'b''c]"_s};
    QTest::newRow("SEDE parameter never closes in a comment")
        << u"##a /* x## */ ##b -- y##"_s
        << QStringList{u"word:##a"_s, u"block:/* x## */"_s, u"word:##b"_s, u"line:-- y##"_s};
    QTest::newRow("dollar quoted") << u"$$ a 'b' $$ $fn$ x $$ y $fn$"_s
                                   << QStringList{u"dollar:$$ a 'b' $$"_s, u"dollar:$fn$ x $$ y $fn$"_s};
    QTest::newRow("numbers") << u"1 1.5 1.5e-3 .5 0x1F 2E10 7."_s
                             << QStringList{u"num:1"_s,    u"num:1.5"_s,  u"num:1.5e-3"_s, u"num:.5"_s,
                                            u"num:0x1F"_s, u"num:2E10"_s, u"num:7."_s};
    QTest::newRow("number then word") << u"3e x1"_s << QStringList{u"num:3"_s, u"word:e"_s, u"word:x1"_s};
    QTest::newRow("parameters") << u"? ?1 :name @id @@ROWCOUNT $1 ##UserId## ##Tag:string?php##"_s
                                << QStringList{u"param:?"_s,          u"param:?1"_s,
                                               u"param::name"_s,      u"param:@id"_s,
                                               u"param:@@ROWCOUNT"_s, u"param:$1"_s,
                                               u"param:##UserId##"_s, u"param:##Tag:string?php##"_s};
    QTest::newRow("cast operator is not a parameter")
        << u"date::timestamp"_s << QStringList{u"word:date"_s, u"op:::"_s, u"word:timestamp"_s};
    QTest::newRow("multi-character operators")
        << u"a<>b!=c<=d>=e||f->>g @> h <@ i := j"_s
        << QStringList{u"word:a"_s, u"op:<>"_s,  u"word:b"_s, u"op:!="_s,  u"word:c"_s,
                       u"op:<="_s,  u"word:d"_s, u"op:>="_s,  u"word:e"_s, u"op:||"_s,
                       u"word:f"_s, u"op:->>"_s, u"word:g"_s, u"op:@>"_s,  u"word:h"_s,
                       u"op:<@"_s,  u"word:i"_s, u"op::="_s,  u"word:j"_s};
    QTest::newRow("T-SQL temporary tables are words")
        << u"INTO #tmp FROM ##global"_s
        << QStringList{u"word:INTO"_s, u"word:#tmp"_s, u"word:FROM"_s, u"word:##global"_s};
    QTest::newRow("non-ASCII identifier")
        << u"SELECT straße"_s << QStringList{u"word:SELECT"_s, u"word:straße"_s};
    QTest::newRow("unknown character")
        << u"a \\ b"_s << QStringList{u"word:a"_s, u"unknown:\\"_s, u"word:b"_s};
    QTest::newRow("minus is not a comment") << u"a-1"_s << QStringList{u"word:a"_s, u"op:-"_s, u"num:1"_s};
}

void TstTokenizer::kinds()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, expected);
    QCOMPARE(describe(sql), expected);
}

void TstTokenizer::offsetsAreExact()
{
    const QString sql = u"SELECT 'a@b.com' /* c */ FROM \"T\" -- x"_s;
    const QList<Token> tokens = tokenize(sql);
    QCOMPARE(tokens.size(), 11);
    QCOMPARE(tokens[2].kind, TokenKind::String);
    QCOMPARE(tokens[2].start, 7);
    QCOMPARE(tokens[2].length, 9);
    QCOMPARE(tokens[4].kind, TokenKind::BlockComment);
    QCOMPARE(tokens[4].start, 17);
    QCOMPARE(tokens[8].kind, TokenKind::QuotedIdentifier);
    QCOMPARE(tokens[8].text(sql), u"\"T\""_s);
    QCOMPARE(tokens[10].kind, TokenKind::LineComment);
    QCOMPARE(tokens[10].start + tokens[10].length, sql.size());
    for (qsizetype i = 0; i < sql.size(); ++i)
        QCOMPARE(nextToken(sql, i).start, i);
}

void TstTokenizer::coverage_data()
{
    QTest::addColumn<QString>("sql");
    QTest::newRow("empty") << QString();
    QTest::newRow("spaces only") << u"  \n\t "_s;
    QTest::newRow("spider spacing") << u"SELECT count(*) FROM head WHERE age  >  56"_s;
    QTest::newRow("emoji and surrogates") << u"SELECT '😀' AS \"😀\", 😀x FROM t"_s;
    QTest::newRow("non-breaking space") << u"SELECT\u00a0a"_s;
    QTest::newRow("lone quote") << u"'"_s;
    QTest::newRow("lone dollar") << u"$"_s;
    QTest::newRow("lone bracket") << u"["_s;
    QTest::newRow("hashes") << u"# ## ### #a## ##a"_s;
    QTest::newRow("trailing slash star") << u"a /"_s;
    QTest::newRow("E at end") << u"E"_s;
    QTest::newRow("backslash at end of E string") << u"E'\\"_s;
    QTest::newRow("carriage returns") << u"a --x\r\nb\r"_s;
}

void TstTokenizer::coverage()
{
    QFETCH(QString, sql);
    const QList<Token> tokens = tokenize(sql);
    QString why;
    QVERIFY2(coversExactly(sql, tokens, &why), qPrintable(why));
    QString rebuilt;
    for (const Token &t : tokens)
        rebuilt += t.text(sql);
    QCOMPARE(rebuilt, sql);
}

void TstTokenizer::unterminatedRunsToEnd_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<int>("kind");
    QTest::newRow("string") << u"x = 'abc"_s << int(TokenKind::String);
    QTest::newRow("E string") << u"x = E'ab\\'"_s << int(TokenKind::String);
    QTest::newRow("block comment") << u"x /* a /* b */"_s << int(TokenKind::BlockComment);
    QTest::newRow("quoted identifier") << u"x \"abc"_s << int(TokenKind::QuotedIdentifier);
    QTest::newRow("backtick") << u"x `abc"_s << int(TokenKind::QuotedIdentifier);
    QTest::newRow("dollar string") << u"x $tag$ body $other$"_s << int(TokenKind::DollarString);
    QTest::newRow("line comment") << u"x -- tail"_s << int(TokenKind::LineComment);
}

void TstTokenizer::unterminatedRunsToEnd()
{
    QFETCH(QString, sql);
    QFETCH(int, kind);
    const QList<Token> tokens = tokenize(sql);
    QVERIFY(!tokens.isEmpty());
    QCOMPARE(int(tokens.last().kind), kind);
    QCOMPARE(tokens.last().start + tokens.last().length, sql.size());
    QCOMPARE(tokens.last().start, sql.indexOf(u' ') + 1 + (sql.indexOf(u'=') >= 0 ? 2 : 0));
}

void TstTokenizer::unquote_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain string") << u"'abc'"_s << u"abc"_s;
    QTest::newRow("doubled quote") << u"'it''s'"_s << u"it's"_s;
    QTest::newRow("E string escapes") << u"E'a\\nb\\'c\\\\'"_s << u"a\nb'c\\"_s;
    QTest::newRow("backslash is literal in plain string") << u"'a\\nb'"_s << u"a\\nb"_s;
    QTest::newRow("N string") << u"N'Zoë'"_s << u"Zoë"_s;
    QTest::newRow("X string") << u"X'1F'"_s << u"1F"_s;
    QTest::newRow("unterminated string") << u"'abc"_s << u"abc"_s;
    QTest::newRow("double quotes") << u"\"a\"\"b\""_s << u"a\"b"_s;
    QTest::newRow("backticks") << u"`order`"_s << u"order"_s;
    QTest::newRow("brackets") << u"[User Link]"_s << u"User Link"_s;
    QTest::newRow("bracket escape") << u"[a]]b]"_s << u"a]b"_s;
    QTest::newRow("dollar") << u"$$ x $$"_s << u" x "_s;
    QTest::newRow("tagged dollar") << u"$fn$a$$b$fn$"_s << u"a$$b"_s;
    QTest::newRow("unterminated dollar") << u"$fn$abc"_s << u"abc"_s;
}

void TstTokenizer::unquote()
{
    QFETCH(QString, sql);
    QFETCH(QString, expected);
    const QList<Token> tokens = tokenize(sql);
    QCOMPARE(tokens.size(), 1);
    QCOMPARE(pairlens::sql::unquote(sql, tokens.first()), expected);
}

void TstTokenizer::sharedDataIsCoveredExactly_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("pairs");
    // Records of the tests/data files (non-blank lines, as `python3 tests/data/make-subsets.py --count`,
    // `make-pg-statements.py --count` and `grep -c . FILE` count them).
    QTest::newRow("spider") << u"spider.jsonl"_s << 1005;
    QTest::newRow("bird_dev") << u"bird_dev.jsonl"_s << 307;
    QTest::newRow("text2sql_data") << u"text2sql_data.jsonl"_s << 549;
    QTest::newRow("sede") << u"sede.jsonl"_s << 179;
    QTest::newRow("pg_statements") << u"pg_statements.jsonl"_s << 150;
}

void TstTokenizer::sharedDataIsCoveredExactly()
{
    QFETCH(QString, file);
    QFETCH(int, pairs);
    PAIRLENS_REQUIRE_TEST_DATA(path, file)
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    int count = 0;
    int literals = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine();
        if (line.trimmed().isEmpty())
            continue;
        const QString sql = QJsonDocument::fromJson(line).object().value(u"sql"_s).toString();
        const QList<Token> tokens = tokenize(sql);
        QString why;
        QVERIFY2(coversExactly(sql, tokens, &why), qPrintable(u"pair %1: %2"_s.arg(count).arg(why)));
        for (const Token &t : tokens)
            literals += t.kind == TokenKind::String || t.kind == TokenKind::QuotedIdentifier ? 1 : 0;
        ++count;
    }
    QCOMPARE(count, pairs);
    QVERIFY(literals > 0); // text2sql_data writes its strings in double quotes
}

namespace {

QStringList describeIn(const QString &sql, Dialect dialect)
{
    QStringList out;
    for (const Token &t : tokenize(sql, dialect))
        if (t.kind != TokenKind::Whitespace)
            out << kindName(t.kind) + u':' + t.text(sql);
    return out;
}

} // namespace

void TstTokenizer::dialectKinds_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("mysql #") << u"a # b\nc"_s << u"mysql"_s
                             << QStringList{u"word:a"_s, u"line:# b"_s, u"word:c"_s};
    QTest::newRow("pg # is an operator")
        << u"a # b"_s << u"postgresql"_s << QStringList{u"word:a"_s, u"op:#"_s, u"word:b"_s};
    QTest::newRow("generic #temp") << u"#t"_s << u""_s << QStringList{u"word:#t"_s};
    QTest::newRow("mysql \"string\"") << u"\"a\\\"b\""_s << u"mysql"_s << QStringList{u"str:\"a\\\"b\""_s};
    QTest::newRow("pg \"identifier\"") << u"\"a\""_s << u"postgresql"_s << QStringList{u"qid:\"a\""_s};
    QTest::newRow("mysql backslash quote")
        << u"'a\\'b' x"_s << u"mysql"_s << QStringList{u"str:'a\\'b'"_s, u"word:x"_s};
    QTest::newRow("pg standard backslash")
        << u"'a\\' x"_s << u"postgresql"_s << QStringList{u"str:'a\\'"_s, u"word:x"_s};
    QTest::newRow("pg U&") << u"U&'\\0040' x"_s << u"postgresql"_s
                           << QStringList{u"str:U&'\\0040'"_s, u"word:x"_s};
    QTest::newRow("sqlite U& is not a string")
        << u"U&'x'"_s << u"sqlite"_s << QStringList{u"word:U"_s, u"op:&"_s, u"str:'x'"_s};
    QTest::newRow("mysql no nesting")
        << u"/* a /* b */ c"_s << u"mysql"_s << QStringList{u"block:/* a /* b */"_s, u"word:c"_s};
    QTest::newRow("pg nesting") << u"/* a /* b */ c */"_s << u"postgresql"_s
                                << QStringList{u"block:/* a /* b */ c */"_s};
    QTest::newRow("snowflake //") << u"a // b\nc"_s << u"snowflake"_s
                                  << QStringList{u"word:a"_s, u"line:// b"_s, u"word:c"_s};
    QTest::newRow("bigquery strings") << u"'''it's''' r'\\d' b\"x\""_s << u"bigquery"_s
                                      << QStringList{u"str:'''it's'''"_s, u"str:r'\\d'"_s, u"str:b\"x\""_s};
    QTest::newRow("tsql brackets") << u"[a b]"_s << u"mssql"_s << QStringList{u"qid:[a b]"_s};
    QTest::newRow("pg brackets are subscripts")
        << u"[a]"_s << u"postgresql"_s << QStringList{u"punct:["_s, u"word:a"_s, u"punct:]"_s};
}

void TstTokenizer::dialectKinds()
{
    QFETCH(QString, sql);
    QFETCH(QString, dialect);
    QFETCH(QStringList, expected);
    const Dialect d = dialectFromDatabaseType(dialect);
    QCOMPARE(describeIn(sql, d), expected);
    QString why;
    QVERIFY2(coversExactly(sql, tokenize(sql, d), &why), qPrintable(why));
}

void TstTokenizer::decodeContent_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("dialect");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("spanOfAt"); // the source text the '@' of the value was written as
    QTest::newRow("doubled quote") << u"'a''@'"_s << u""_s << u"a'@"_s << u"@"_s;
    QTest::newRow("E hex") << u"E'a\\x40b'"_s << u"postgresql"_s << u"a@b"_s << u"\\x40"_s;
    QTest::newRow("E octal") << u"E'a\\100b'"_s << u"postgresql"_s << u"a@b"_s << u"\\100"_s;
    QTest::newRow("E unicode") << u"E'a\\u0040b'"_s << u"postgresql"_s << u"a@b"_s << u"\\u0040"_s;
    QTest::newRow("U&") << u"U&'a\\0040b'"_s << u"postgresql"_s << u"a@b"_s << u"\\0040"_s;
    QTest::newRow("U& long") << u"U&'a\\+000040b'"_s << u"postgresql"_s << u"a@b"_s << u"\\+000040"_s;
    QTest::newRow("mysql backslash") << u"'a\\@b\\''"_s << u"mysql"_s << u"a@b'"_s << u"\\@"_s;
    QTest::newRow("mysql like escape") << u"'\\%@'"_s << u"mysql"_s << u"\\%@"_s << u"@"_s;
    QTest::newRow("standard backslash") << u"'a\\@'"_s << u"postgresql"_s << u"a\\@"_s << u"@"_s;
    QTest::newRow("hex") << u"X'614062'"_s << u"mysql"_s << u"a@b"_s << u"40"_s;
    QTest::newRow("dollar") << u"$fn$a@b$fn$"_s << u"postgresql"_s << u"a@b"_s << u"@"_s;
    QTest::newRow("line comment") << u"--a@b"_s << u""_s << u"a@b"_s << u"@"_s;
    QTest::newRow("hash comment") << u"#a@b"_s << u"mysql"_s << u"a@b"_s << u"@"_s;
    QTest::newRow("block comment") << u"/*a@b*/"_s << u""_s << u"a@b"_s << u"@"_s;
    QTest::newRow("unterminated") << u"'a@b"_s << u""_s << u"a@b"_s << u"@"_s;
    QTest::newRow("unterminated ending in a quote") << u"'a@''"_s << u""_s << u"a@'"_s << u"@"_s;
    QTest::newRow("bigquery triple") << u"'''a'@'''"_s << u"bigquery"_s << u"a'@"_s << u"@"_s;
}

void TstTokenizer::decodeContent()
{
    QFETCH(QString, sql);
    QFETCH(QString, dialect);
    QFETCH(QString, value);
    QFETCH(QString, spanOfAt);
    const Dialect d = dialectFromDatabaseType(dialect);
    const QList<Token> tokens = tokenize(sql, d);
    QCOMPARE(tokens.size(), 1);
    const DecodedContent c = pairlens::sql::decodeContent(sql, tokens[0], d);
    QVERIFY(c.form != ContentForm::None);
    QCOMPARE(c.value, value);
    const qsizetype at = c.value.indexOf(u'@');
    QCOMPARE(sql.mid(c.sourceStart(at), c.sourceEnd(at) - c.sourceStart(at)), spanOfAt);
    // Anything written back stays inside the token; where the form has escapes, it reads as itself.
    const QString weird = u"x'\"\\*/$fn$\n-- end"_s;
    const QString rebuilt = sql.left(c.contentStart) + encodeContent(c, weird) + sql.mid(c.contentEnd);
    const QList<Token> again = tokenize(rebuilt, d);
    QCOMPARE(again.size(), 1);
    QCOMPARE(again[0].kind, tokens[0].kind);
    const DecodedContent back = pairlens::sql::decodeContent(rebuilt, again[0], d);
    if (c.form == ContentForm::Quoted || c.form == ContentForm::Backslash ||
        c.form == ContentForm::UnicodeEscape || c.form == ContentForm::Hex)
        QCOMPARE(back.value, weird);
}

void TstTokenizer::encodeContentReadsBack()
{
    DecodedContent quoted;
    quoted.form = ContentForm::Quoted;
    QCOMPARE(encodeContent(quoted, u"it's"), u"it''s"_s);
    DecodedContent backslash = quoted;
    backslash.form = ContentForm::Backslash;
    QCOMPARE(encodeContent(backslash, u"a'b\\c"), u"a\\'b\\\\c"_s);
    DecodedContent block;
    block.form = ContentForm::BlockComment;
    QCOMPARE(encodeContent(block, u"*/x/*y*/"), u"_/x_*y__"_s); // no pair left, no * or / at an edge
    DecodedContent line;
    line.form = ContentForm::Comment;
    QCOMPARE(encodeContent(line, u"a\nb\rc"), u"a b c"_s);
    DecodedContent dollar;
    dollar.form = ContentForm::Dollar;
    QCOMPARE(encodeContent(dollar, u"$fn$"), u"_fn_"_s);
    DecodedContent hex;
    hex.form = ContentForm::Hex;
    QCOMPARE(encodeContent(hex, u"a@"), u"6140"_s);
}

// What a literal or comment holds never changes the tokens before it: a value written into one
// (encodeContent(), as the anonymizer does) leaves every token where it was, in every dialect. The
// look-aheads of `[x]` and `##Name##` stop at literals and comments. The one exception, skipped here,
// is a string opened right after a word character: for T-SQL names such as [# Fav's] the look-ahead
// of an earlier `[` reads its content (bracketIdentifierEnd()); in SQLite and T-SQL, where E'' is no
// string prefix, the first row is one. The first row is the fuzzer's
// fuzz/regressions/sql_tokenizer/bracket-lookahead-through-literal.sql.
void TstTokenizer::contentNeverDecidesEarlierTokens_data()
{
    QTest::addColumn<QString>("sql");
    QTest::newRow("[E''W") << u"[E''W"_s;
    QTest::newRow("bracket, string") << u"x = [ 'b' ] + [a 'c' d"_s;
    QTest::newRow("bracket, N and U& strings") << u"[N'' c [U&'x' y"_s;
    QTest::newRow("bracket, comments") << u"[a /* c */ d [e -- f\n]"_s;
    QTest::newRow("bracket, dollar strings") << u"[a $$x$$ b [c $t$ y $t$ d"_s;
    QTest::newRow("SEDE parameter, comments") << u"##a /* ; */ b## ##c -- ;\n##"_s;
    QTest::newRow("SEDE parameter, string and dollar string") << u"##a 'x' b## ##c $$;$$ d##"_s;
}

void TstTokenizer::contentNeverDecidesEarlierTokens()
{
    QFETCH(QString, sql);
    const QString values[] = {u"]"_s, u"a]b"_s, u"]]"_s, u"["_s, u"##"_s, u";x##"_s, u"x\ny]"_s};
    for (Dialect d : kAllDialects) {
        const QList<Token> tokens = tokenize(sql, d);
        for (qsizetype i = 0; i < tokens.size(); ++i) {
            const DecodedContent c = pairlens::sql::decodeContent(sql, tokens[i], d);
            if (c.form == ContentForm::None || c.form == ContentForm::Hex)
                continue;
            const qsizetype start = tokens[i].start;
            if (sql[start] == u'\'' && start > 0 &&
                (sql[start - 1].isLetterOrNumber() || sql[start - 1] == u'_'))
                continue; // an apostrophe
            for (const QString &value : values) {
                const QString rebuilt =
                    sql.left(c.contentStart) + encodeContent(c, value) + sql.mid(c.contentEnd);
                const QList<Token> after = tokenize(rebuilt, d);
                const QString where = u"[%1] token %2 of \"%3\" holding \"%4\": \"%5\""_s.arg(
                    dialectName(d), QString::number(i), sql, value, rebuilt);
                QVERIFY2(after.size() == tokens.size(), qPrintable(where));
                for (qsizetype k = 0; k < tokens.size(); ++k) {
                    QVERIFY2(after[k].kind == tokens[k].kind, qPrintable(where));
                    if (k < i)
                        QVERIFY2(after[k].text(rebuilt) == tokens[k].text(sql), qPrintable(where));
                }
            }
        }
    }
}

QTEST_GUILESS_MAIN(TstTokenizer)
#include "tst_tokenizer.moc"
