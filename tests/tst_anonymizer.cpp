// The anonymization engine: seed examples, validators, operators, consistency, SQL handling,
// spans, custom patterns and settings. The public cases are in tst_piicases.cpp.
#include "privacy/anonymizer.h"
#include "privacy/detectors.h"
#include "sql/tokenizer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

#include <thread>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::privacy;

namespace {

Config keyed(const QByteArray &key)
{
    Config c;
    c.key = key;
    return c;
}

Config allOperators(Operator op)
{
    Config c = keyed("k1");
    for (PiiKind kind : allPiiKinds())
        c.operators.insert(kind, op);
    c.databaseNameOperator = op;
    return c;
}

// Tokens that must survive anonymization unchanged: everything but literals and comments.
QStringList structuralTokens(const QString &sql, sql::Dialect dialect = sql::Dialect::Generic)
{
    QStringList out;
    for (const sql::Token &t : sql::tokenize(sql, dialect)) {
        switch (t.kind) {
        case sql::TokenKind::Whitespace:
        case sql::TokenKind::String:
        case sql::TokenKind::DollarString:
        case sql::TokenKind::LineComment:
        case sql::TokenKind::BlockComment:
            break;
        default:
            out << t.text(sql).toString();
            break;
        }
    }
    return out;
}

void verifySpans(const QString &input, const AnonymizedText &result)
{
    qsizetype lastEnd = 0;
    for (const Finding &f : result.findings) {
        QVERIFY(f.start >= lastEnd);
        QCOMPARE(input.mid(f.start, f.end - f.start), f.original);
        QCOMPARE(result.text.mid(f.replacementStart, f.replacementEnd - f.replacementStart), f.replacement);
        lastEnd = f.end;
    }
}

} // namespace

class TstAnonymizer : public QObject
{
    Q_OBJECT

private slots:
    void operators();
    void pseudonymsAreSafe();
    void consistency();
    void differentKeys();
    void sqlLiteralsAndComments();
    void sqlKeepsStructure();
    void spansAndUnicode();
    void customPattern();
    void pathologicalPattern();
    void validatePatterns();
    void settingsRoundTrip();
    void metadata();
    void pairAndMask();
    void threadSafety();
    // The leaks of issue 13: each one found and replaced, with the SQL's tokens kept.
    void leaks_data();
    void leaks();
    void concatenationKeepsTokens();
    void escapesReplaceTheirSpan();
    void dialects();
    void identifiers();
    void pairUsesDatabaseType();
};

void TstAnonymizer::operators()
{
    const QString text =
        u"a@b.com 555-123-4567 123-45-6789 4111111111111111 10.1.2.3 GB29NWBK60161331926819"_s;
    const AnonymizedText redacted = Anonymizer(allOperators(Operator::Redact)).anonymizeText(text);
    QCOMPARE(redacted.text, u"<EMAIL> <PHONE> <SSN> <CREDIT_CARD> <IP_ADDRESS> <IBAN>"_s);
    const AnonymizedText kept = Anonymizer(allOperators(Operator::Keep)).anonymizeText(text);
    QCOMPARE(kept.text, text);
    QCOMPARE(kept.findings.size(), 6);
    const AnonymizedText hashed = Anonymizer(allOperators(Operator::Hash)).anonymizeText(text);
    QCOMPARE(hashed.findings.size(), 6);
    for (const Finding &f : hashed.findings)
        QVERIFY2(QRegularExpression(u"^[0-9a-f]{16}$"_s).match(f.replacement).hasMatch(),
                 qPrintable(f.replacement));
    QCOMPARE(Anonymizer(Config{}).anonymizeDatabaseName(u"customers_prod").left(3), u"db_"_s);
    QCOMPARE(Anonymizer(Config{}).anonymizeDatabaseName(u"customers_prod").size(), 11);
    QCOMPARE(Anonymizer(allOperators(Operator::Redact)).anonymizeDatabaseName(u"x"), u"<DATABASE_NAME>"_s);
    QCOMPARE(Anonymizer(allOperators(Operator::Keep)).anonymizeDatabaseName(u"x"), u"x"_s);
    QCOMPARE(operatorFromName(u"Pseudonym"), std::optional<Operator>(Operator::Pseudonym));
    QCOMPARE(operatorFromName(u"nope"), std::nullopt);
    QCOMPARE(operatorName(Operator::Hash), u"hash"_s);
}

void TstAnonymizer::pseudonymsAreSafe()
{
    const Anonymizer a(allOperators(Operator::Pseudonym));
    const AnonymizedText out = a.anonymizeText(
        u"a@b.com 555-123-4567 123-45-6789 4111111111111111 10.1.2.3 fe80::1 GB29NWBK60161331926819"_s);
    QCOMPARE(out.findings.size(), 7);
    const QList<Finding> &f = out.findings;
    QVERIFY2(
        QRegularExpression(u"^[a-z]+\\.[a-z]+\\d\\d@example\\.org$"_s).match(f[0].replacement).hasMatch(),
        qPrintable(f[0].replacement));
    QVERIFY2(QRegularExpression(u"^[2-9]\\d\\d-555-01\\d\\d$"_s).match(f[1].replacement).hasMatch(),
             qPrintable(f[1].replacement));
    QVERIFY2(QRegularExpression(u"^9\\d\\d-\\d\\d-\\d{4}$"_s).match(f[2].replacement).hasMatch(),
             qPrintable(f[2].replacement));
    QVERIFY(detail::luhnValid(QString(f[3].replacement).remove(u'-')));
    QVERIFY2(QRegularExpression(u"^(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d+$"_s)
                 .match(f[4].replacement)
                 .hasMatch(),
             qPrintable(f[4].replacement));
    QVERIFY2(f[5].replacement.startsWith(u"2001:db8::"_s), qPrintable(f[5].replacement));
    QVERIFY(detail::ibanChecksumValid(f[6].replacement));
    QCOMPARE(f[6].replacement.size(), 22);
    // A pseudonymous SSN is never detected again.
    const AnonymizedText again = Anonymizer(Config{}).anonymizeText(f[2].replacement);
    QVERIFY(again.findings.isEmpty());
}

void TstAnonymizer::consistency()
{
    for (Operator op : {Operator::Mask, Operator::Pseudonym, Operator::Hash}) {
        const Anonymizer a(allOperators(op));
        Pair p1, p2;
        p1.naturalLanguageQuery = u"Orders of John@Example.com or 555-123-4567"_s;
        p1.sqlQuery = u"SELECT * FROM orders WHERE email = 'john@example.com' OR phone = '(555) 123-4567'"_s;
        p2.naturalLanguageQuery = u"What did JOHN@EXAMPLE.COM buy? Call +1 555 123 4567."_s;
        const AnonymizedPair r1 = a.anonymizePair(p1), r2 = a.anonymizePair(p2);
        QCOMPARE(r1.question.findings.size(), 2);
        QCOMPARE(r2.question.findings.size(), 2);
        const QString email = r1.question.findings[0].replacement,
                      phone = r1.question.findings[1].replacement;
        QCOMPARE(r2.question.findings[0].replacement, email);
        QCOMPARE(r2.question.findings[1].replacement, phone);
        QCOMPARE(r1.sql.findings.size(), 2); // needs the SQL tokenizer
        QCOMPARE(r1.sql.findings[0].replacement, email);
        QCOMPARE(r1.sql.findings[1].replacement, phone);
    }
}

void TstAnonymizer::differentKeys()
{
    const QString text = u"mail john@example.com, SSN 123-45-6789"_s;
    Config c1 = allOperators(Operator::Pseudonym), c2 = c1;
    c2.key = "another key";
    const AnonymizedText a = Anonymizer(c1).anonymizeText(text), b = Anonymizer(c2).anonymizeText(text);
    QCOMPARE(a.findings.size(), 2);
    QCOMPARE(b.findings.size(), 2);
    QVERIFY(a.findings[0].replacement != b.findings[0].replacement);
    QVERIFY(a.findings[1].replacement != b.findings[1].replacement);
    QVERIFY(Anonymizer(keyed("x")).anonymizeText(text).text !=
            Anonymizer(keyed("y")).anonymizeText(text).text);
    QVERIFY(Anonymizer(keyed("x")).anonymizeDatabaseName(u"db") !=
            Anonymizer(keyed("y")).anonymizeDatabaseName(u"db"));
    // Database names are remembered per thread: alternating anonymizers and names must never see
    // each other's answers, and a remembered answer equals a fresh one.
    const Anonymizer x(keyed("x")), y(keyed("y"));
    const QString xdb = x.anonymizeDatabaseName(u"db"), ydb = y.anonymizeDatabaseName(u"db");
    QVERIFY(xdb != ydb);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(x.anonymizeDatabaseName(u"db"), xdb);
        QCOMPARE(x.anonymizeDatabaseName(u"db"), xdb);
        QCOMPARE(y.anonymizeDatabaseName(u"db"), ydb);
        QVERIFY(x.anonymizeDatabaseName(u"other") != xdb);
    }
    QCOMPARE(Anonymizer(keyed("x")).anonymizeDatabaseName(u"db"), xdb);
}

void TstAnonymizer::sqlLiteralsAndComments()
{
    const Anonymizer a(keyed("k"));
    // Identifiers named like PII, numbers and parameters stay; only literals and comments change.
    const QString sql = u"SELECT email, phone FROM users WHERE email = 'x@y.com' AND id = 4111111111111111 "
                        u"-- call 555-123-4567\n/* ip 10.0.0.1 */"_s;
    const AnonymizedText out = a.anonymizeSql(sql);
    QCOMPARE(out.findings.size(), 3); // needs the SQL tokenizer
    QVERIFY(out.text.startsWith(u"SELECT email, phone FROM users WHERE email = 'user_"_s));
    QVERIFY(out.text.contains(u"id = 4111111111111111"_s));
    QVERIFY(out.text.contains(u"-- call XXX-XXX-4567\n"_s));
    QVERIFY(out.text.contains(u"/* ip XXX.XXX.XXX.1 */"_s));
    verifySpans(sql, out);
    // Nothing outside a literal is touched, even when it looks like PII.
    const QString bare = u"SELECT 1 FROM t WHERE a = 555-123-4567"_s;
    QCOMPARE(a.anonymizeSql(bare).text, bare);
    QCOMPARE(a.scanMask(QString(), bare), 0u);
}

void TstAnonymizer::sqlKeepsStructure()
{
    const Anonymizer a(allOperators(Operator::Pseudonym));
    const QStringList sqls = {
        u"INSERT INTO contacts (email, phone, ssn) VALUES ('ana@example.org', '555.123.4567', '123-45-6789');"_s,
        u"UPDATE t SET note = 'card 4111-1111-1111-1111 ip 2001:db8::1' WHERE \"email\" = 'bob@mail.com'"_s,
        u"SELECT $$ john@example.com $$, E'x@y.de' FROM [users] -- done\n"_s,
    };
    for (const QString &sql : sqls) {
        const AnonymizedText out = a.anonymizeSql(sql);
        QVERIFY2(!out.findings.isEmpty(), qPrintable(sql)); // needs the SQL tokenizer
        QCOMPARE(structuralTokens(out.text), structuralTokens(sql));
        verifySpans(sql, out);
    }
}

void TstAnonymizer::spansAndUnicode()
{
    const QString text =
        u"😀 Grüße von Zoë: rufe 555-123-4567 an oder schreib an zoë.x@example.de 🎉 10.0.0.7"_s;
    const AnonymizedText out = Anonymizer(keyed("u")).anonymizeText(text);
    QCOMPARE(out.findings.size(), 3);
    verifySpans(text, out);
    const Finding &phone = out.findings[0];
    QCOMPARE(phone.original, u"555-123-4567"_s);
    // "😀" is two UTF-16 units but one code point.
    QCOMPARE(toCodePointOffset(text, phone.start), phone.start - 1);
    QCOMPARE(toCodePointOffset(text, 0), 0);
    QCOMPARE(toCodePointOffset(text, 1), 1); // inside the surrogate pair: counts the high surrogate
    QCOMPARE(toCodePointOffset(text, 2), 1);
    QCOMPARE(out.findings[1].original, u"zoë.x@example.de"_s); // internationalised local part
    QCOMPARE(toCodePointOffset(out.text, out.findings[2].replacementStart),
             out.findings[2].replacementStart - 2);
}

void TstAnonymizer::customPattern()
{
    Config c = keyed("c");
    c.customPatterns = {{u"employee id"_s, u"\\bEMP-\\d{6}\\b"_s, Operator::Redact},
                        {u"ticket"_s, u"TCK\\d+"_s, Operator::Pseudonym}};
    QVERIFY(c.validate().isEmpty());
    const Anonymizer a(c);
    const AnonymizedText out = a.anonymizeText(u"EMP-123456 filed TCK42 (EMP-1234567 is no id)"_s);
    QCOMPARE(out.findings.size(), 2);
    QCOMPARE(out.findings[0].kind, PiiKind::Custom);
    QCOMPARE(out.findings[0].customName, u"employee id"_s);
    QVERIFY(out.text.startsWith(u"<EMPLOYEE_ID> filed ticket_"_s));
    QCOMPARE(a.scanMask(u"see EMP-000001", QString()), quint32(PiiKind::Custom));
    QCOMPARE(a.anonymizeText(u"TCK42").text, out.findings[1].replacement);
}

void TstAnonymizer::pathologicalPattern()
{
    Config c;
    c.customPatterns = {{u"evil"_s, u"(a+)+$"_s, Operator::Redact},
                        {u"evil2"_s, u"(x|x)*y"_s, Operator::Mask}};
    QVERIFY(c.validate().isEmpty()); // it compiles; the match limit makes it harmless
    const Anonymizer a(c);
    const QString text = QString(30, u'a') + u'b' + u' ' + QString(20000, u'a') + u'b' + QString(5000, u'x');
    QElapsedTimer timer;
    timer.start();
    const AnonymizedText out = a.anonymizeText(text);
    a.scanMask(text, text);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(u"took %1 ms"_s.arg(timer.elapsed())));
    QCOMPARE(out.text.size(), text.size()); // nothing matched: no replacement
}

void TstAnonymizer::validatePatterns()
{
    Config c;
    c.customPatterns = {
        {u"ok"_s, u"AB\\d+"_s, Operator::Redact}, {u"broken"_s, u"(unclosed"_s, Operator::Redact},
        {u"empty"_s, u"a*"_s, Operator::Redact},  {u"long"_s, QString(2000, u'a'), Operator::Redact},
        {QString(), u"x"_s, Operator::Redact},    {u"OK"_s, u"CD\\d+"_s, Operator::Redact}};
    const QStringList errors = c.validate();
    QCOMPARE(errors.size(), 5);
    QVERIFY(errors[0].contains(u"broken"_s) && errors[0].contains(u"not a valid regular expression"_s));
    QVERIFY(errors[1].contains(u"empty text"_s));
    QVERIFY(errors[2].contains(u"too long"_s));
    QVERIFY(errors[3].contains(u"no name"_s));
    QVERIFY(errors[4].contains(u"more than once"_s));
    // Invalid patterns never match and never crash.
    QCOMPARE(Anonymizer(c).anonymizeText(u"(unclosed AB12"_s).text,
             u"<OK>"_s.replace(u"<OK>"_s, u"(unclosed <OK>"_s));
}

void TstAnonymizer::settingsRoundTrip()
{
    Config c;
    c.key = "secret-key-bytes";
    c.operators.insert(PiiKind::Email, Operator::Pseudonym);
    c.operators.insert(PiiKind::Iban, Operator::Keep);
    c.databaseNameOperator = Operator::Hash;
    c.customPatterns = {{u"ticket"_s, u"TCK\\d+"_s, Operator::Hash}};
    c.scanMetadata = false;
    const QHash<QString, QString> settings = c.toSettings();
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        QVERIFY(it.key().startsWith(u"privacy."_s));
        QVERIFY(!it.value().contains(u"secret"_s));
    }
    QCOMPARE(settings.value(u"privacy.operator.email"_s), u"pseudonym"_s);
    QCOMPARE(settings.value(u"privacy.scan_metadata"_s), u"false"_s);
    const Config back = Config::fromSettings(settings);
    QVERIFY(back.key.isEmpty());
    QCOMPARE(back.operatorFor(PiiKind::Email), Operator::Pseudonym);
    QCOMPARE(back.operatorFor(PiiKind::Iban), Operator::Keep);
    QCOMPARE(back.operatorFor(PiiKind::Phone), Operator::Mask);
    QCOMPARE(back.databaseNameOperator, Operator::Hash);
    QCOMPARE(back.customPatterns.size(), 1);
    QCOMPARE(back.customPatterns[0].pattern, u"TCK\\d+"_s);
    QCOMPARE(back.customPatterns[0].op, Operator::Hash);
    QCOMPARE(back.scanMetadata, false);
    const Config defaults = Config::fromSettings({});
    QCOMPARE(defaults.scanMetadata, true);
    QCOMPARE(defaults.operatorFor(PiiKind::Ssn), Operator::Mask);
}

void TstAnonymizer::metadata()
{
    const QJsonObject meta{{u"user"_s, u"ana@example.org"_s},
                           {u"count"_s, 5551234567.0},
                           {u"nested"_s, QJsonObject{{u"ips"_s, QJsonArray{u"10.0.0.1"_s, u"none"_s}}}}};
    Config c = keyed("m");
    const QJsonObject out = Anonymizer(c).anonymizeMetadata(meta);
    QVERIFY(out.value(u"user"_s).toString().startsWith(u"user_"_s));
    QCOMPARE(out.value(u"count"_s).toDouble(), 5551234567.0);
    QCOMPARE(out.value(u"nested"_s).toObject().value(u"ips"_s).toArray().at(0).toString(),
             u"XXX.XXX.XXX.1"_s);
    QCOMPARE(out.value(u"nested"_s).toObject().value(u"ips"_s).toArray().at(1).toString(), u"none"_s);
    c.scanMetadata = false;
    QCOMPARE(Anonymizer(c).anonymizeMetadata(meta), meta);
}

void TstAnonymizer::pairAndMask()
{
    Pair p;
    p.naturalLanguageQuery = u"Which orders came from 10.0.0.1?"_s;
    p.sqlQuery = u"SELECT * FROM orders WHERE card = '4111 1111 1111 1111'"_s;
    p.databaseName = u"shop_prod"_s;
    const Anonymizer a(keyed("p"));
    const AnonymizedPair out = a.anonymizePair(p);
    QCOMPARE(out.piiMask, a.scanMask(p.naturalLanguageQuery, p.sqlQuery));
    QVERIFY(out.piiMask & quint32(PiiKind::IpAddress));
    QVERIFY(out.databaseName.startsWith(u"db_"_s));
    QCOMPARE(out.piiMask,
             quint32(PiiKind::IpAddress) | quint32(PiiKind::CreditCard)); // needs the SQL tokenizer
    QCOMPARE(a.scanMask(u"How many users signed up in 2023?", u"SELECT COUNT(*) FROM users LIMIT 10"), 0u);
}

void TstAnonymizer::threadSafety()
{
    const Anonymizer a(allOperators(Operator::Pseudonym));
    const QString text = u"ana@example.org 555-123-4567 10.0.0.1"_s;
    const QString expected = a.anonymizeText(text).text;
    QString r1, r2;
    std::thread t1([&] {
        for (int i = 0; i < 500; ++i)
            r1 = a.anonymizeText(text).text;
    });
    std::thread t2([&] {
        for (int i = 0; i < 500; ++i)
            r2 = a.anonymizeText(text).text;
    });
    t1.join();
    t2.join();
    QCOMPARE(r1, expected);
    QCOMPARE(r2, expected);
}

namespace {

// Token kinds of `sql` read with `dialect`.
QList<sql::TokenKind> kindsOf(const QString &sql, sql::Dialect dialect)
{
    QList<sql::TokenKind> kinds;
    for (const sql::Token &t : sql::tokenize(sql, dialect))
        kinds.append(t.kind);
    return kinds;
}

} // namespace

void TstAnonymizer::leaks_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("databaseType"); // empty: free text; else SQL of that database
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("gone"); // none of these may remain in the output
    QTest::addColumn<QString>("kept");     // the output must still contain this

    const auto row = [](const char *name, const QString &input, const QString &type, const char16_t *kind,
                        const QStringList &gone, const QString &kept = QString()) {
        QTest::newRow(name) << input << type << QString::fromUtf16(kind) << gone << kept;
    };
    // A local part may start with '-': the comment opener is not part of it.
    row("comment --ed@", u"SELECT 1 --ed@corp.com"_s, u"postgresql"_s, u"email", {u"ed@corp"_s},
        u"SELECT 1 --user_"_s);
    row("comment --ed@ generic", u"SELECT 1 --ed@corp.com\nFROM t"_s, u"unknown"_s, u"email", {u"ed@corp"_s},
        u"SELECT 1 --user_"_s);
    // Constant concatenation: detected on the joined value, replaced in each piece.
    row("|| concat", u"SELECT 'alice.smith' || '@corp.com'"_s, u"postgresql"_s, u"email",
        {u"alice"_s, u"corp.com"_s}, u"' || ''"_s);
    row("CONCAT()", u"SELECT CONCAT('555-867','-5309')"_s, u"mysql"_s, u"phone", {u"867"_s},
        u"XXX-XXX-5309"_s);
    row("CONCAT_WS()", u"SELECT CONCAT_WS('-', '555', '867', '5309')"_s, u"mysql"_s, u"phone", {u"867"_s},
        u"'-'"_s);
    row("T-SQL +", u"SELECT '555-867' + '-5309' AS phone"_s, u"mssql"_s, u"phone", {u"867"_s}, u"AS phone"_s);
    row("adjacent literals", u"SELECT 'bob.jones'\n'@corp.com'"_s, u"postgresql"_s, u"email",
        {u"bob.jones"_s});
    // Phones in other digits and with other separators.
    row("arabic-indic digits", u"call ٥٥٥-١٢٣-٤٥٦٧ now"_s, QString(), u"phone", {u"٥٥٥"_s, u"١٢٣"_s},
        u"XXX-XXX-4567"_s);
    row("extended arabic-indic digits", u"call ۵۵۵-۱۲۳-۴۵۶۷"_s, QString(), u"phone", {u"۱۲۳"_s});
    row("fullwidth digits", u"call ５５５-１２３-４５６７"_s, QString(), u"phone", {u"１２３"_s},
        u"XXX-XXX-4567"_s);
    row("devanagari digits", u"call ५५५-१२३-४५६७"_s, QString(), u"phone", {u"१२३"_s});
    row("nbsp", u"call 555\u00A0123\u00A04567"_s, QString(), u"phone", {u"123"_s});
    row("narrow nbsp", u"call 555\u202F123\u202F4567"_s, QString(), u"phone", {u"123"_s});
    row("en dash", u"call 555–123–4567"_s, QString(), u"phone", {u"123"_s});
    row("minus sign", u"call 555−123−4567"_s, QString(), u"phone", {u"123"_s});
    row("zero-width separators", u"call 555\u200B123\u200B4567"_s, QString(), u"phone", {u"123"_s});
    row("zero-width inside", u"call 555-1\u200B23-45\u200D67"_s, QString(), u"phone", {u"1\u200B23"_s});
    row("fullwidth phone in SQL", u"SELECT * FROM c WHERE phone = '５５５-１２３-４５６７'"_s, u"sqlite"_s,
        u"phone", {u"１２３"_s}, u"phone = 'XXX-XXX-4567'"_s);
    row("mixed phone separators", u"call 555 123-4567"_s, QString(), u"phone", {u"123"_s});
    // Cards with double spaces, dots, mixed separators.
    row("card double spaces", u"card 4111  1111  1111  1111"_s, QString(), u"credit_card", {u"4111  1111"_s},
        u"XXXX-XXXX-XXXX-1111"_s);
    row("card dots", u"card 4111.1111.1111.1111"_s, QString(), u"credit_card", {u"4111.1111"_s});
    row("card mixed", u"card 4111-1111 1111.1111"_s, QString(), u"credit_card", {u"4111-1111"_s});
    row("card nbsp", u"card 4111\u00A01111\u00A01111\u00A01111"_s, QString(), u"credit_card", {u"4111"_s});
    row("card fullwidth", u"card ４１１１ １１１１ １１１１ １１１１"_s, QString(), u"credit_card",
        {u"４１１１"_s});
    // MySQL: # comments, double-quoted strings, backslash-escaped quotes.
    row("mysql # comment", u"SELECT 1 # ask ed@corp.com\nFROM t"_s, u"mysql"_s, u"email", {u"ed@corp"_s},
        u"\nFROM t"_s);
    row("mysql double quotes", u"SELECT * FROM u WHERE email = \"ed@corp.com\""_s, u"MySQL 8.0"_s, u"email",
        {u"ed@corp"_s}, u"email = \"user_"_s);
    row("mysql escaped quote", u"SELECT 'O\\'Brien, ed@corp.com' FROM t"_s, u"mariadb"_s, u"email",
        {u"ed@corp"_s}, u"'O\\'Brien, user_"_s);
    row("mysql escaped quote before", u"SELECT 'it\\'s 555-123-4567\\'' FROM t"_s, u"mysql"_s, u"phone",
        {u"123"_s}, u"XXX-XXX-4567\\''"_s);
    row("mysql escaped at", u"SELECT 'alice\\@corp.com'"_s, u"mysql"_s, u"email", {u"alice"_s});
    row("bigquery # and \"\"", u"SELECT \"ed@corp.com\" # bob@corp.com"_s, u"bigquery"_s, u"email",
        {u"ed@corp"_s, u"bob@corp"_s});
    row("snowflake //", u"SELECT 1 // ed@corp.com"_s, u"snowflake"_s, u"email", {u"ed@corp"_s});
    // PostgreSQL escapes: decoded for detection, the written span replaced.
    row("E'\\x40'", u"SELECT E'alice\\x40corp.com'"_s, u"postgresql"_s, u"email", {u"alice"_s}, u"E'user_"_s);
    row("E'\\100' octal", u"SELECT E'alice\\100corp.com'"_s, u"postgres"_s, u"email", {u"alice"_s});
    row("E'\\u0040'", u"SELECT E'alice\\u0040corp.com'"_s, u"postgresql"_s, u"email", {u"alice"_s});
    row("U&'\\0040'", u"SELECT U&'alice\\0040corp.com'"_s, u"postgresql"_s, u"email", {u"alice"_s},
        u"U&'user_"_s);
    row("U&'!0040' UESCAPE", u"SELECT U&'alice!0040corp.com' UESCAPE '!'"_s, u"postgresql"_s, u"email",
        {u"alice"_s}, u"UESCAPE '!'"_s);
    row("E'' digits", u"SELECT E'\\x35\\x35\\x35-123-4567'"_s, u"postgresql"_s, u"phone", {u"-123-"_s});
    row("hex string", u"SELECT X'616C69636540636F72702E636F6D'"_s, u"mysql"_s, u"email", {u"616C69636540"_s},
        u"X'"_s);
    // URL-encoded and fullwidth at-signs.
    row("%40 text", u"mail alice%40corp.com"_s, QString(), u"email", {u"alice"_s});
    row("%40 sql", u"SELECT * FROM l WHERE url LIKE '%?to=alice%40corp.com%'"_s, u"postgresql"_s, u"email",
        {u"alice"_s}, u"LIKE '%?to=user_"_s);
    row("fullwidth at", u"mail alice＠corp.com"_s, QString(), u"email", {u"alice"_s});
    row("fullwidth address", u"mail ａｌｉｃｅ＠ｃｏｒｐ．ｃｏｍ"_s, QString(), u"email", {u"ａｌｉｃｅ"_s});
    row("small at", u"mail alice﹫corp.com"_s, QString(), u"email", {u"alice"_s});
    // Internationalised domains, newer TLDs, quoted local parts.
    row("IDN domain", u"mail walter@bücher.de"_s, QString(), u"email", {u"walter"_s, u"bücher"_s});
    row("IDN punycode", u"mail walter@xn--bcher-kva.de"_s, QString(), u"email", {u"walter"_s});
    row(".рф", u"mail иван@почта.рф"_s, QString(), u"email", {u"иван"_s, u"почта"_s});
    row(".bcn", u"mail jordi@ajuntament.bcn"_s, QString(), u"email", {u"jordi"_s});
    row(".zip", u"mail eve@files.zip"_s, QString(), u"email", {u"eve"_s});
    row("quoted local part", u"mail \"john doe\"@corp.com please"_s, QString(), u"email", {u"john doe"_s},
        u" please"_s);
    row("quoted local part in SQL", u"SELECT '\"john doe\"@corp.com'"_s, u"postgresql"_s, u"email",
        {u"john"_s}, u"SELECT 'user_"_s);
}

void TstAnonymizer::leaks()
{
    QFETCH(QString, input);
    QFETCH(QString, databaseType);
    QFETCH(QString, kind);
    QFETCH(QStringList, gone);
    QFETCH(QString, kept);
    const Anonymizer a(keyed("leaks"));
    const bool isSql = !databaseType.isNull();
    const sql::Dialect dialect = sql::dialectFromDatabaseType(databaseType);
    const AnonymizedText out = isSql ? a.anonymizeSql(input, dialect) : a.anonymizeText(input);
    QVERIFY2(!out.findings.isEmpty(), qPrintable(out.text));
    QCOMPARE(piiKindName(out.findings[0].kind), kind);
    for (const QString &g : gone)
        QVERIFY2(!out.text.contains(g), qPrintable(u"\"%1\" left in: %2"_s.arg(g, out.text)));
    if (!kept.isEmpty())
        QVERIFY2(out.text.contains(kept), qPrintable(out.text));
    verifySpans(input, out);
    if (isSql) {
        QCOMPARE(kindsOf(out.text, dialect), kindsOf(input, dialect));
        QCOMPARE(structuralTokens(out.text, dialect), structuralTokens(input, dialect));
        Pair p;
        p.sqlQuery = input;
        p.databaseType = databaseType;
        QCOMPARE(a.anonymizePair(p).sql.text, out.text); // the pair's database_type picks the dialect
        QVERIFY(a.scanMask(QString(), input, dialect) & quint32(out.findings[0].kind));
    } else {
        QVERIFY(a.scanMask(input, QString()) & quint32(out.findings[0].kind));
    }
}

void TstAnonymizer::concatenationKeepsTokens()
{
    const Anonymizer a(keyed("concat"));
    // The joined value gets the one replacement the same value gets anywhere else.
    const QString email = a.anonymizeText(u"alice.smith@corp.com"_s).text;
    const AnonymizedText out =
        a.anonymizeSql(u"SELECT 'alice.smith' || '@corp.com' AS m"_s, sql::Dialect::PostgreSQL);
    QCOMPARE(out.text, u"SELECT '"_s + email + u"' || '' AS m"_s);
    QCOMPARE(out.findings.size(), 1);
    QCOMPARE(out.findings[0].value, u"alice.smith@corp.com"_s);
    QCOMPARE(out.findings[0].original, u"alice.smith' || '@corp.com"_s);
    // A value inside one piece is still found on its own; pieces that are not constant never join.
    const AnonymizedText inner = a.anonymizeSql(u"SELECT 'x' || 'call 555-123-4567' || col || '-0000'"_s);
    QCOMPARE(inner.findings.size(), 1);
    QVERIFY(inner.text.contains(u"'call XXX-XXX-4567' || col || '-0000'"_s));
    // Nothing is joined across a comma outside CONCAT.
    QVERIFY(a.anonymizeSql(u"SELECT '555-867', '-5309'"_s).findings.isEmpty());
    // CONCAT_WS: the separator is between every two arguments and stays.
    const AnonymizedText ws =
        a.anonymizeSql(u"SELECT CONCAT_WS('-', '555', '867', '5309')"_s, sql::Dialect::MySQL);
    QCOMPARE(ws.text, u"SELECT CONCAT_WS('-', 'XXX-XXX-5309', '', '')"_s);
}

void TstAnonymizer::escapesReplaceTheirSpan()
{
    const Anonymizer a(keyed("esc"));
    const QString email = a.anonymizeText(u"alice@corp.com"_s).text;
    const AnonymizedText e =
        a.anonymizeSql(u"SELECT E'it\\'s alice\\x40corp.com'"_s, sql::Dialect::PostgreSQL);
    QCOMPARE(e.text, u"SELECT E'it\\'s "_s + email + u"'"_s);
    QCOMPARE(e.findings[0].original, u"alice\\x40corp.com"_s);
    QCOMPARE(e.findings[0].value, u"alice@corp.com"_s);
    // A replacement that holds the literal's quote is escaped for that literal.
    Config c = keyed("esc");
    c.customPatterns = {{u"name"_s, u"O'Brien"_s, Operator::Mask}};
    const Anonymizer custom(c);
    QCOMPARE(custom.anonymizeSql(u"SELECT 'Mr O''Brien'"_s).text, u"SELECT 'Mr X''XXXXX'"_s);
    QCOMPARE(custom.anonymizeSql(u"SELECT 'Mr O\\'Brien'"_s, sql::Dialect::MySQL).text,
             u"SELECT 'Mr X\\'XXXXX'"_s);
    QCOMPARE(custom.anonymizeSql(u"SELECT \"Mr O'Brien\""_s, sql::Dialect::MySQL).text,
             u"SELECT \"Mr X'XXXXX\""_s);
    // In a comment nothing can be escaped: what would end it is replaced.
    c.customPatterns = {{u"end"_s, u"secret\\*/x"_s, Operator::Keep},
                        {u"nl"_s, u"tok\\d+"_s, Operator::Pseudonym}};
    c.customPatterns[1].name = u"a*/b\n--"_s;
    const Anonymizer odd(c);
    const QString sql = u"SELECT 1 /* tok42 */ -- tok7\n"_s;
    const AnonymizedText out = odd.anonymizeSql(sql);
    QCOMPARE(out.findings.size(), 2);
    QCOMPARE(kindsOf(out.text, sql::Dialect::Generic), kindsOf(sql, sql::Dialect::Generic));
}

void TstAnonymizer::dialects()
{
    using sql::Dialect;
    QCOMPARE(sql::dialectFromDatabaseType(u"PostgreSQL 16"), Dialect::PostgreSQL);
    QCOMPARE(sql::dialectFromDatabaseType(u"postgres"), Dialect::PostgreSQL);
    QCOMPARE(sql::dialectFromDatabaseType(u"MariaDB"), Dialect::MySQL);
    QCOMPARE(sql::dialectFromDatabaseType(u"sqlite3"), Dialect::SQLite);
    QCOMPARE(sql::dialectFromDatabaseType(u"Microsoft SQL Server"), Dialect::TSql);
    QCOMPARE(sql::dialectFromDatabaseType(u"mssql"), Dialect::TSql);
    QCOMPARE(sql::dialectFromDatabaseType(u"bigquery"), Dialect::BigQuery);
    QCOMPARE(sql::dialectFromDatabaseType(u"snowflake"), Dialect::Snowflake);
    QCOMPARE(sql::dialectFromDatabaseType(u"oracle"), Dialect::Generic);
    QCOMPARE(sql::dialectFromDatabaseType(u""), Dialect::Generic);
    const Anonymizer a(keyed("d"));
    // '#' starts a comment in MySQL only; elsewhere "# x@y.com" is code and stays.
    const QString hash = u"SELECT a # b FROM t # ed@corp.com\n"_s;
    QVERIFY(a.anonymizeSql(hash, Dialect::PostgreSQL).findings.isEmpty());
    QCOMPARE(a.anonymizeSql(hash, Dialect::MySQL).findings.size(), 1);
    // "..." is an identifier in PostgreSQL, a string in MySQL.
    const QString quoted = u"SELECT \"ed@corp.com\""_s;
    QVERIFY(a.anonymizeSql(quoted, Dialect::PostgreSQL).findings.isEmpty());
    QCOMPARE(a.anonymizeSql(quoted, Dialect::MySQL).findings.size(), 1);
    // A backslash escapes in MySQL strings, not in standard ones: 'a\' ends the PostgreSQL string.
    const QString bs = u"SELECT 'a\\', 'ed@corp.com'"_s;
    QCOMPARE(a.anonymizeSql(bs, Dialect::PostgreSQL).findings.size(), 1);
    QCOMPARE(kindsOf(a.anonymizeSql(bs, Dialect::MySQL).text, Dialect::MySQL), kindsOf(bs, Dialect::MySQL));
    // Nested comments only where the database nests them.
    const QString nested = u"SELECT 1 /* a /* b */ ed@corp.com */"_s;
    QCOMPARE(a.anonymizeSql(nested, Dialect::PostgreSQL).findings.size(), 1);
    QVERIFY(a.anonymizeSql(nested, Dialect::MySQL).findings.isEmpty()); // code after the comment
}

void TstAnonymizer::identifiers()
{
    Config c = keyed("ids");
    const Anonymizer a(c);
    QCOMPARE(a.anonymizeIdentifier(IdentifierField::PairId, u"demo-7-0000042"_s), u"demo-7-0000042"_s);
    const QString id = a.anonymizeIdentifier(IdentifierField::PairId, u"ed@corp.com-2024-05-01"_s);
    QVERIFY2(QRegularExpression(u"^pair_[0-9a-f]{16}$"_s).match(id).hasMatch(), qPrintable(id));
    QCOMPARE(a.anonymizeIdentifier(IdentifierField::PairId, u"ed@corp.com-2024-05-01"_s), id); // stable
    // Ids that differ only in their personal data stay different (a mask would make them equal).
    QVERIFY(a.anonymizeIdentifier(IdentifierField::PairId, u"call-555-123-4567"_s) !=
            a.anonymizeIdentifier(IdentifierField::PairId, u"call-555-999-4567"_s));
    QVERIFY(Anonymizer(keyed("other")).anonymizeIdentifier(IdentifierField::PairId, u"ed@corp.com-1"_s) !=
            a.anonymizeIdentifier(IdentifierField::PairId, u"ed@corp.com-1"_s));
    QCOMPARE(a.anonymizeIdentifier(IdentifierField::DatabaseType, u"postgresql"_s), u"postgresql"_s);
    const QString type = a.anonymizeIdentifier(IdentifierField::DatabaseType, u"mysql (ed@corp.com)"_s);
    QVERIFY(type.startsWith(u"mysql (user_"_s) && !type.contains(u"ed@"_s));
    const Anonymizer keep(allOperators(Operator::Keep));
    QCOMPARE(keep.anonymizeIdentifier(IdentifierField::PairId, u"ed@corp.com-1"_s), u"ed@corp.com-1"_s);
}

void TstAnonymizer::pairUsesDatabaseType()
{
    const Anonymizer a(keyed("pair"));
    Pair p;
    p.pairId = u"session-ed@corp.com-1"_s;
    p.databaseType = u"mysql"_s;
    p.sqlQuery = u"SELECT 1 # owner ed@corp.com\n"_s;
    const AnonymizedPair out = a.anonymizePair(p);
    QVERIFY(out.pairId.startsWith(u"pair_"_s));
    QCOMPARE(out.databaseType, u"mysql"_s);
    QVERIFY(!out.sql.text.contains(u"ed@corp"_s));
    QCOMPARE(out.piiMask, quint32(PiiKind::Email));
    p.databaseType = u"postgresql"_s; // '#' is an operator there: nothing in a literal
    QCOMPARE(a.anonymizePair(p).sql.text, p.sqlQuery);
}

QTEST_GUILESS_MAIN(TstAnonymizer)
#include "tst_anonymizer.moc"
