// The built-in detectors through the public API: the seed's examples, the accepted phone formats,
// look-alikes that must not be detected, and the validators behind the detectors.
#include "privacy/anonymizer.h"
#include "privacy/detectors.h"
#include "privacy/hmac.h"

#include <QRegularExpression>
#include <QTest>

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

} // namespace

class TstPiiDetectors : public QObject
{
    Q_OBJECT

private slots:
    void seedExamples_data();
    void seedExamples();
    void phoneFormats_data();
    void phoneFormats();
    void notPii_data();
    void notPii();
    void worldNumbers_data();
    void worldNumbers();
    void contextWords();
    void validators();
    void mastercard2Series();
    void hmacMatchesOpenSsl();
};

void TstPiiDetectors::seedExamples_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected"); // a regular expression for the whole output
    QTest::newRow("phone") << u"Call 555-123-4567 now"_s << u"Call XXX-XXX-4567 now"_s;
    QTest::newRow("email") << u"mail john@example.com"_s << u"mail user_[0-9a-f]{8}@example\\.com"_s;
    QTest::newRow("ssn") << u"SSN 123-45-6789"_s << u"SSN XXX-XX-6789"_s;
    QTest::newRow("card") << u"card 4111 1111 1111 1111."_s << u"card XXXX-XXXX-XXXX-1111\\."_s;
    QTest::newRow("ipv4") << u"from 192.168.1.100"_s << u"from XXX\\.XXX\\.XXX\\.100"_s;
    QTest::newRow("ipv6") << u"from 2001:db8::8a2e:370:7334"_s
                          << u"from XXXX:XXXX:XXXX:XXXX:XXXX:XXXX:XXXX:7334"_s;
    QTest::newRow("iban") << u"IBAN DE89 3704 0044 0532 0130 00"_s << u"IBAN DEXXXXXXXXXXXXXXXX3000"_s;
    QTest::newRow("cidr") << u"net 10.0.0.0/8"_s << u"net XXX\\.XXX\\.XXX\\.0/8"_s;
}

void TstPiiDetectors::seedExamples()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    const AnonymizedText out = Anonymizer(keyed("seed")).anonymizeText(input);
    QVERIFY2(QRegularExpression(u'^' + expected + u'$').match(out.text).hasMatch(), qPrintable(out.text));
    QCOMPARE(out.findings.size(), 1);
}

void TstPiiDetectors::phoneFormats_data()
{
    QTest::addColumn<QString>("number");
    for (const QString &n :
         {u"555-123-4567"_s, u"(555) 123-4567"_s, u"(555)123-4567"_s, u"555.123.4567"_s, u"555 123 4567"_s,
          u"+1 555 123 4567"_s, u"+1-555-123-4567"_s, u"1-555-123-4567"_s, u"+15551234567"_s,
          u"+1 (555) 123-4567"_s, u"555-123-4567 ext. 12"_s, u"+44 20 7946 0958"_s, u"+49 30 1234567"_s,
          u"+33 1 42 68 53 00"_s, u"+91 4155550132"_s, u"020 7946 0958"_s, u"090-1234-5678"_s})
        QTest::newRow(qPrintable(n)) << n;
}

void TstPiiDetectors::phoneFormats()
{
    QFETCH(QString, number);
    const QString text = u"Call " + number + u" today";
    const AnonymizedText out = Anonymizer(Config{}).anonymizeText(text);
    QCOMPARE(out.findings.size(), 1);
    const Finding f = out.findings[0];
    QCOMPARE(f.kind, PiiKind::Phone);
    QCOMPARE(f.original, number);
    QVERIFY(f.replacement.startsWith(u"XXX-XXX-"_s));
}

void TstPiiDetectors::notPii_data()
{
    QTest::addColumn<QString>("text");
    for (const QString &t :
         {u"Show the top 10 users who signed up after 2024-01-15"_s, u"Version 1.2.3 of the app"_s,
          u"orders with total > 12345678 and id < 99"_s, u"contact me at john@example.invalidtld"_s,
          u"meet on 01.02.2020 at 12:30:45"_s, u"ratio 1:2:3:4 and std::cout"_s,
          u"IP 999.1.1.1 or 192.168.01.1"_s,
          u"SSN-like 666-12-3456, 000-12-3456, 123-00-4567, 123-45-0000, 111-11-1111, 123-45.6789"_s,
          u"card-like 4111 1111 1111 1112"_s, u"look-alikes 155-123-4567 and 555-1234"_s,
          u"IBAN-like DE89 3704 0044 0532 0130 01"_s, u"a MAC aa:bb:cc:dd:ee:ff"_s,
          u"hash 4f3c2a1b9e8d7c6b"_s,
          // Issue 15: numbers that only a context word makes phone numbers, a date with a
          // context word, 12-digit Luhn-valid numbers without a card word, mixed-case IBANs.
          u"SELECT * FROM orders WHERE id = 46733950"_s, u"orders in 2019-2020 and 1999 2000"_s,
          u"calls on 2024-01-15"_s, u"What is the phone of customer 46733950?"_s,
          u"order 630427373398 shipped"_s, u"LV80 bANK 0000 4351 9500 1"_s, u"ids 467 3395 and 9472 7916"_s})
        QTest::newRow(qPrintable(t.left(30))) << t;
}

void TstPiiDetectors::notPii()
{
    QFETCH(QString, text);
    const AnonymizedText out = Anonymizer(Config{}).anonymizeText(text);
    QVERIFY2(out.findings.isEmpty(), qPrintable(out.findings.value(0).original));
    QCOMPARE(out.text, text);
}

void TstPiiDetectors::worldNumbers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("value");
    QTest::addColumn<int>("kind");
    const auto add = [](const QString &text, const QString &value, PiiKind kind) {
        QTest::newRow(qPrintable(text)) << text << value << int(kind);
    };
    // Phones: grouped national numbers stand alone; compact and two-group ones need a context word.
    add(u"Omar, 60-56-85-91"_s, u"60-56-85-91"_s, PiiKind::Phone);
    add(u"Omar, (37) 788-063"_s, u"(37) 788-063"_s, PiiKind::Phone);
    add(u"Omar, 699 956 915"_s, u"699 956 915"_s, PiiKind::Phone);
    add(u"Tel. 467 3395"_s, u"467 3395"_s, PiiKind::Phone);
    add(u"Handy: 9472 7916"_s, u"9472 7916"_s, PiiKind::Phone);
    add(u"téléphone 46733950"_s, u"46733950"_s, PiiKind::Phone);
    add(u"llamar al 9472 7916"_s, u"9472 7916"_s, PiiKind::Phone);
    add(u"phone-like 555-1234"_s, u"555-1234"_s, PiiKind::Phone);
    add(u"ring 0049 30 12345678"_s, u"0049 30 12345678"_s, PiiKind::Phone);
    add(u"ring 011 44 20 7946 0958"_s, u"011 44 20 7946 0958"_s, PiiKind::Phone);
    add(u"ring +49 (0)30 12345678"_s, u"+49 (0)30 12345678"_s, PiiKind::Phone);
    add(u"ring 8 (916) 123-45-67"_s, u"8 (916) 123-45-67"_s, PiiKind::Phone);
    add(u"ring 030/12345678"_s, u"030/12345678"_s, PiiKind::Phone);
    add(u"ring 06 12 34 56 78"_s, u"06 12 34 56 78"_s, PiiKind::Phone);
    // Cards: 12-digit Maestro with a card word or in groups, JCB's 15-digit 2131.
    add(u"card 630427373398"_s, u"630427373398"_s, PiiKind::CreditCard);
    add(u"Karte 6304 2737 3398"_s, u"6304 2737 3398"_s, PiiKind::CreditCard);
    add(u"pay 6304 2737 3398"_s, u"6304 2737 3398"_s, PiiKind::CreditCard);
    add(u"pay 213176828496175"_s, u"213176828496175"_s, PiiKind::CreditCard);
    // IBANs in lower case and other groupings.
    add(u"iban gb42nawi04454264788619."_s, u"gb42nawi04454264788619"_s, PiiKind::Iban);
    add(u"iban GB42NAWI 04454264788619"_s, u"GB42NAWI 04454264788619"_s, PiiKind::Iban);
    add(u"iban gb42-nawi-0445-4264-7886-19"_s, u"gb42-nawi-0445-4264-7886-19"_s, PiiKind::Iban);
    // Countries outside the SWIFT registry that use IBANs (Iran, Morocco) and Honduras (2024).
    add(u"IBAN IR720170000000225264111007"_s, u"IR720170000000225264111007"_s, PiiKind::Iban);
    add(u"RIB MA64 0115 1900 0001 2050 0053 4921"_s, u"MA64 0115 1900 0001 2050 0053 4921"_s, PiiKind::Iban);
    add(u"iban HN27BCEN00000000000000012345"_s, u"HN27BCEN00000000000000012345"_s, PiiKind::Iban);
    // A '/' after the area code of an international number; a bracketed trunk-prefixed area code
    // before more digits than any region assigns is still a phone number, not the SSN inside it.
    add(u"called from +36 20/941-5450 today"_s, u"+36 20/941-5450"_s, PiiKind::Phone);
    add(u"ring +49 30/1234567"_s, u"+49 30/1234567"_s, PiiKind::Phone);
    add(u"call back on (0161) 457739517"_s, u"(0161) 457739517"_s, PiiKind::Phone);
}

void TstPiiDetectors::worldNumbers()
{
    QFETCH(QString, text);
    QFETCH(QString, value);
    QFETCH(int, kind);
    const AnonymizedText out = Anonymizer(Config{}).anonymizeText(text);
    QCOMPARE(out.findings.size(), 1);
    QCOMPARE(out.findings[0].original, value);
    QCOMPARE(int(out.findings[0].kind), kind);
}

void TstPiiDetectors::contextWords()
{
    using namespace pairlens::privacy::detail;
    const auto phone = [](const QString &t) {
        const qsizetype at = t.indexOf(u'#');
        QString text = t;
        text.replace(at, 1, u"4673 3950"_s);
        return hasContext(text, at, at + 9, ContextKind::Phone);
    };
    QVERIFY(phone(u"Telefon: #"_s));
    QVERIFY(phone(u"# (mobile)"_s));
    QVERIFY(phone(u"the phone_number is #"_s));
    QVERIFY(phone(u"Rufnummer #"_s));
    QVERIFY(phone(u"móvil #"_s));
    QVERIFY(!phone(u"call_id #"_s));   // an identifier, not the word
    QVERIFY(!phone(u"hotel #"_s));     // "tel" only as a whole word
    QVERIFY(!phone(u"phone = '#'"_s)); // never across a quote
    QVERIFY(!phone(u"-- call\n#"_s));  // nor a line break
    QVERIFY(!phone(u"a phone, and then many more words than fit the window before #"_s));
    QVERIFY(idWordBefore(u"customer 46733950", 9));
    QVERIFY(idWordBefore(u"user_id = 46733950", 10));
    QVERIFY(!idWordBefore(u"phone 46733950", 6));
    QVERIFY(mayHavePhoneWord(u"Tel 1234567", 11));
    QVERIFY(!mayHavePhoneWord(u"hotel 1234567", 13));
    QVERIFY(mayHavePhoneWord("t\xc3\xa9l 1234567", 12)); // any non-ASCII character may be one
}

void TstPiiDetectors::validators()
{
    using namespace pairlens::privacy::detail;
    QVERIFY(luhnValid(u"4111111111111111"));
    QVERIFY(!luhnValid(u"4111111111111112"));
    QVERIFY(ssnValid(u"123456789"));
    for (const char16_t *bad : {u"000123456", u"666123456", u"900123456", u"999123456", u"123001234",
                                u"123450000", u"111111111", u"078051120"})
        QVERIFY2(!ssnValid(QStringView(bad)), qPrintable(QString::fromUtf16(bad)));
    QVERIFY(ibanChecksumValid(u"GB29NWBK60161331926819"));
    QVERIFY(!ibanChecksumValid(u"GB29NWBK60161331926818"));
    QCOMPARE(ibanLength(u"DE"), 22);
    QCOMPARE(ibanLength(u"US"), 0);
    QCOMPARE(ibanLength(u"gb"), 22);
    QCOMPARE(ibanLength(u"IR"), 26);
    QCOMPARE(ibanLength(u"HN"), 28);
    QVERIFY(!ibanChecksumValid(u"IR720170000000225264111008"));
    QVERIFY(ibanChecksumValid(u"GB42NAWI04454264788619"));
    quint8 v4[4];
    QVERIFY(parseIpv4(u"255.255.255.255", v4));
    QVERIFY(!parseIpv4(u"256.1.1.1", v4));
    QVERIFY(!parseIpv4(u"10.01.1.1", v4));
    quint16 v6[8];
    QVERIFY(parseIpv6(u"::", v6));
    QVERIFY(parseIpv6(u"::ffff:192.0.2.1", v6));
    QCOMPARE(v6[5], quint16(0xffff));
    QCOMPARE(v6[7], quint16(0x0201));
    QVERIFY(parseIpv6(u"2001:0db8:0000:0000:0000:ff00:0042:8329", v6));
    QVERIFY(!parseIpv6(u"2001::db8::1", v6));
    QVERIFY(!parseIpv6(u"1:2:3:4:5:6:7", v6));
    QVERIFY(isKnownTld(u"COM"));
    QVERIFY(isKnownTld(u"de"));
    QVERIFY(isKnownTld(u"xn--p1ai"));
    QVERIFY(!isKnownTld(u"invalidtld"));
}

void TstPiiDetectors::mastercard2Series()
{
    // 2221-2720 is Mastercard; 2100 is no issuer.
    for (const QString &prefix : {u"222100"_s, u"272099"_s, u"210000"_s}) {
        QString digits = prefix + u"123456789"_s;
        for (char16_t check = u'0'; check <= u'9'; ++check) {
            if (detail::luhnValid(QString(digits + QChar(check)))) {
                digits += QChar(check);
                break;
            }
        }
        const AnonymizedText out = Anonymizer(Config{}).anonymizeText(QString(u"pay " + digits));
        QCOMPARE(out.findings.size(), prefix == u"210000"_s ? 0 : 1);
    }
}

void TstPiiDetectors::hmacMatchesOpenSsl()
{
    using namespace pairlens::privacy::detail;
    for (const QByteArray &key : {QByteArray(), QByteArray("k"), QByteArray(64, 'x'), QByteArray(200, 'y')}) {
        const KeyedHasher hasher(key);
        for (const QString &value :
             {QString(), u"john@example.com"_s, u"Zoë 😀 Müller"_s, QString(300, u'a')}) {
            QCOMPARE(hasher.digest(u"email", value), referenceDigest(key, u"email", value));
            QCOMPARE(hasher.digest(u"custom:Zoë", value), referenceDigest(key, u"custom:Zoë", value));
        }
    }
}

QTEST_GUILESS_MAIN(TstPiiDetectors)
#include "tst_piidetectors.moc"
