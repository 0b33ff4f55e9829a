// The surrogate operator (issue 15, item 4): a realistic fake value of the same kind and format,
// keyed and consistent like the pseudonyms. Every kind through the public API: the layout of the
// original is kept (separators, grouping, case, length), the value is valid for its kind where the
// kind has a check (Luhn, mod-97), the same value gets the same surrogate in the question and the
// SQL, and another key gives another one.
#include "dataset/pair.h"
#include "privacy/anonymizer.h"
#include "privacy/detectors.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::privacy;

namespace {

Config surrogates(const QByteArray &key = QByteArrayLiteral("surrogate-test"))
{
    Config c;
    c.key = key;
    for (PiiKind kind : allPiiKinds())
        c.operators.insert(kind, Operator::Surrogate);
    c.databaseNameOperator = Operator::Surrogate;
    return c;
}

// The one finding of `text`, which must be of `kind`.
Finding only(const Anonymizer &a, const QString &text, PiiKind kind)
{
    const AnonymizedText r = a.anonymizeText(text);
    if (r.findings.size() != 1 || r.findings[0].kind != kind) {
        qWarning() << "findings of" << text << ":" << r.findings.size();
        return {};
    }
    return r.findings[0];
}

// Same length, and every character that is not a letter or digit where it was.
bool sameLayout(const QString &a, const QString &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].isLetterOrNumber() != b[i].isLetterOrNumber())
            return false;
        if (!a[i].isLetterOrNumber() && a[i] != b[i])
            return false;
    }
    return true;
}

QString digitsOf(const QString &s)
{
    QString out;
    for (QChar c : s) {
        if (c.isDigit())
            out.append(c);
    }
    return out;
}

int mod97(const QString &iban)
{
    const QString r = iban.mid(4) + iban.left(4);
    int m = 0;
    for (QChar c : r) {
        const int v = c.isDigit() ? c.digitValue() : c.toUpper().unicode() - u'A' + 10;
        m = v >= 10 ? (m * 100 + v) % 97 : (m * 10 + v) % 97;
    }
    return m;
}

} // namespace

class TestPrivacySurrogate : public QObject
{
    Q_OBJECT

private slots:
    void names()
    {
        QCOMPARE(operatorName(Operator::Surrogate), u"surrogate"_s);
        QCOMPARE(operatorFromName(u" Surrogate "), std::optional<Operator>(Operator::Surrogate));
        Config c;
        c.operators.insert(PiiKind::Name, Operator::Surrogate);
        const Config back = Config::fromSettings(c.toSettings());
        QCOMPARE(back.operatorFor(PiiKind::Name), Operator::Surrogate);
    }

    void phone()
    {
        const Anonymizer a(surrogates());
        // North American: area code kept, 555-01nn (reserved for fiction), layout kept.
        for (const QString &number : {u"(415) 867-5309"_s, u"415-867-5309"_s, u"+1 415 867 5309"_s}) {
            const Finding f = only(a, u"call "_s + number + u" today"_s, PiiKind::Phone);
            QVERIFY2(sameLayout(number, f.replacement), qPrintable(f.replacement));
            const QString d = digitsOf(f.replacement);
            QVERIFY2(d.right(10).startsWith(u"41555501"_s), qPrintable(f.replacement));
        }
        // The same number in another layout gets the same digits.
        QCOMPARE(digitsOf(only(a, u"call (415) 867-5309"_s, PiiKind::Phone).replacement),
                 digitsOf(only(a, u"call 415.867.5309"_s, PiiKind::Phone).replacement));
        // International: '+' and country code kept, the rest redrawn.
        const Finding uk = only(a, u"Tel +44 20 7946 0958"_s, PiiKind::Phone);
        QVERIFY2(sameLayout(u"+44 20 7946 0958"_s, uk.replacement), qPrintable(uk.replacement));
        QVERIFY(uk.replacement.startsWith(u"+44 "_s));
        QVERIFY(uk.replacement != uk.original);
        // National with a trunk prefix: the '0' kept.
        const Finding de = only(a, u"Telefon 030 12345678"_s, PiiKind::Phone);
        QVERIFY2(sameLayout(u"030 12345678"_s, de.replacement), qPrintable(de.replacement));
        QVERIFY(de.replacement.startsWith(u'0'));
        QVERIFY(de.replacement != de.original);
    }

    void card()
    {
        const Anonymizer a(surrogates());
        for (const QString &number : {u"4111 1111 1111 1111"_s, u"5500-0000-0000-0004"_s,
                                      u"378282246310005"_s, u"6304 2737 3398"_s}) {
            const Finding f = only(a, u"card "_s + number, PiiKind::CreditCard);
            QVERIFY2(sameLayout(number, f.replacement), qPrintable(f.replacement));
            const QString d = digitsOf(f.replacement);
            QVERIFY2(detail::luhnValid(d), qPrintable(f.replacement));
            QCOMPARE(d.left(2), digitsOf(number).left(2)); // the brand
            QVERIFY(d != digitsOf(number));
        }
    }

    void ssn()
    {
        const Anonymizer a(surrogates());
        for (const QString &number : {u"123-45-6789"_s, u"123 45 6789"_s}) {
            const Finding f = only(a, u"SSN "_s + number, PiiKind::Ssn);
            QVERIFY2(sameLayout(number, f.replacement), qPrintable(f.replacement));
            QVERIFY(f.replacement.startsWith(u'9')); // never issued: no one's number
            // ... and so not found again.
            QVERIFY(a.anonymizeText(u"SSN "_s + f.replacement).findings.isEmpty());
        }
    }

    void iban()
    {
        const Anonymizer a(surrogates());
        for (const QString &iban : {u"GB82 WEST 1234 5698 7654 32"_s, u"de89370400440532013000"_s,
                                    u"DE89-3704-0044-0532-0130-00"_s}) {
            const Finding f = only(a, u"IBAN "_s + iban, PiiKind::Iban);
            QVERIFY2(sameLayout(iban, f.replacement), qPrintable(f.replacement));
            QString compact = f.replacement;
            compact.remove(u' ').remove(u'-');
            QCOMPARE(compact.left(2), QString(iban.left(2)));
            QCOMPARE(mod97(compact.toUpper()), 1);
            QVERIFY(compact.toUpper() != QString(iban).remove(u' ').remove(u'-').toUpper());
            for (qsizetype i = 0; i < compact.size(); ++i) // letters where letters were
                QCOMPARE(compact[i].isDigit(), QString(iban).remove(u' ').remove(u'-')[i].isDigit());
        }
    }

    void email()
    {
        const Anonymizer a(surrogates());
        const Finding f = only(a, u"mail omar.johnson84@corp.io now"_s, PiiKind::Email);
        QVERIFY2(f.replacement.endsWith(u"@example.com"_s), qPrintable(f.replacement));
        QVERIFY(f.replacement.contains(u'.'));
        QVERIFY(f.replacement.at(f.replacement.indexOf(u'@') - 1).isDigit());
        // A surrogate is an e-mail address itself.
        QCOMPARE(only(a, u"mail "_s + f.replacement, PiiKind::Email).value, f.replacement);
    }

    void nameAndAddress()
    {
        const Anonymizer a(surrogates());
        const Finding n = only(a, u"Please call Mr. Omar Johnson tomorrow"_s, PiiKind::Name);
        QCOMPARE(n.original, u"Omar Johnson"_s);
        QCOMPARE(n.replacement.split(u' ').size(), 2);
        QVERIFY(n.replacement != n.original);
        QVERIFY(n.replacement[0].isUpper());
        const Finding ad = only(a, u"She lives at 1600 Pennsylvania Ave NW now"_s, PiiKind::Address);
        const QStringList words = ad.replacement.split(u' ');
        QCOMPARE(words.size(), 4);
        QCOMPARE(words[0].size(), 4);
        QVERIFY(words[0].toInt() >= 1000);
        QVERIFY(words[1] != u"Pennsylvania"_s);
        QCOMPARE(words[2], u"Ave"_s);
        QCOMPARE(words[3], u"NW"_s);
        const Finding de = only(a, u"Sie wohnt in der Hauptstraße 5 in Bonn"_s, PiiKind::Address);
        QVERIFY2(de.replacement.contains(u"straße "_s), qPrintable(de.replacement));
        QVERIFY(!de.replacement.startsWith(u"Haupt"_s));
    }

    void consistentAndKeyed()
    {
        const Anonymizer a(surrogates());
        Pair p;
        p.naturalLanguageQuery = u"Change the email of Omar Johnson to omar.j@corp.io"_s;
        p.sqlQuery = u"UPDATE customers SET email = 'omar.j@corp.io' WHERE name = 'Omar Johnson'"_s;
        p.databaseName = u"crm"_s;
        const AnonymizedPair r = a.anonymizePair(p);
        QHash<QString, QString> byValue;
        for (const auto *part : {&r.question, &r.sql}) {
            for (const Finding &f : part->findings) {
                if (byValue.contains(f.value))
                    QCOMPARE(f.replacement, byValue.value(f.value));
                byValue.insert(f.value, f.replacement);
            }
        }
        QCOMPARE(r.question.findings.size(), 2);
        QCOMPARE(r.sql.findings.size(), 2);
        QVERIFY(!r.question.text.contains(u"Omar"_s) && !r.sql.text.contains(u"Omar"_s));
        QVERIFY(r.databaseName != u"crm"_s);
        const Anonymizer other(surrogates(QByteArrayLiteral("another-key")));
        QVERIFY(other.anonymizePair(p).question.text != r.question.text);
        // Stable: the same input, the same output.
        QCOMPARE(a.anonymizePair(p).question.text, r.question.text);
    }

    void customPattern()
    {
        Config c = surrogates();
        c.customPatterns = {{u"employee"_s, u"EMP-\\d{4}-[A-Z]{2}"_s, Operator::Surrogate}};
        const Anonymizer a(c);
        const AnonymizedText r = a.anonymizeText(u"badge EMP-1234-AB"_s);
        QCOMPARE(r.findings.size(), 1);
        const QString s = r.findings[0].replacement;
        QVERIFY2(sameLayout(u"EMP-1234-AB"_s, s) && s != u"EMP-1234-AB"_s, qPrintable(s));
        QVERIFY(s[0].isUpper() && s[4].isDigit() && s[9].isUpper());
    }
};

QTEST_GUILESS_MAIN(TestPrivacySurrogate)
#include "tst_privacysurrogate.moc"
