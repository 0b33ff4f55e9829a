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
QStringList structuralTokens(const QString &sql)
{
    QStringList out;
    for (const sql::Token &t : sql::tokenize(sql)) {
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
    QCOMPARE(out.findings[1].original, u"x@example.de"_s); // the local part is ASCII only
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

QTEST_GUILESS_MAIN(TstAnonymizer)
#include "tst_anonymizer.moc"
