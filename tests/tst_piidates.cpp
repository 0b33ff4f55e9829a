// Dates of birth as a kind of personal data (issue 15, item 3: `birth_date`, `dob`): in free text a
// date right after "born", "date of birth", "DOB", "birthday", "geboren", "né(e) le", ...; in SQL a
// literal compared with, inserted into or assigned to a column named birth_date, date_of_birth,
// dob, birthday, birthdate or geburtsdatum; the same value in the question replaced the same way;
// and the operators (mask, pseudonym, redact, hash, surrogate in the original's format). Our own
// sentences (CC0), not the held-out set.
#include "dataset/pair.h"
#include "privacy/anonymizer.h"
#include "privacy/detectors.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::privacy;

namespace {

Config keyed(Operator op = Operator::Mask)
{
    Config c;
    c.key = QByteArrayLiteral("tst_piidates");
    c.operators.insert(PiiKind::DateOfBirth, op);
    return c;
}

QStringList datesOf(const AnonymizedText &r)
{
    QStringList out;
    for (const Finding &f : r.findings) {
        if (f.kind == PiiKind::DateOfBirth)
            out << f.original;
    }
    return out;
}

} // namespace

class TstPiiDates : public QObject
{
    Q_OBJECT

private slots:
    void kind();
    void inText_data();
    void inText();
    void inSql_data();
    void inSql();
    void sameReplacementInQuestion();
    void operators();
    void surrogateKeepsTheFormat_data();
    void surrogateKeepsTheFormat();
    void fastPathsAgree();
    void anyOffset();
};

void TstPiiDates::kind()
{
    QCOMPARE(quint32(PiiKind::DateOfBirth), 512u); // pii_mask bit 9: the next free one
    QCOMPARE(piiKindName(PiiKind::DateOfBirth), u"date_of_birth"_s);
    for (const QString &alias : {u"date_of_birth"_s, u"dob"_s, u"DOB"_s, u"birth_date"_s, u"birthdate"_s,
                                 u"birthday"_s, u"date-of-birth"_s})
        QCOMPARE(piiKindFromName(alias), quint32(PiiKind::DateOfBirth));
    QVERIFY(allPiiKinds().contains(PiiKind::DateOfBirth));
    QCOMPARE(piiKindNames(quint32(PiiKind::DateOfBirth) | quint32(PiiKind::Name)),
             (QStringList{u"name"_s, u"date_of_birth"_s}));
    // Every kind has its own bit.
    quint32 seen = 0;
    for (PiiKind k : allPiiKinds()) {
        QVERIFY((seen & quint32(k)) == 0);
        seen |= quint32(k);
    }
}

void TstPiiDates::inText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("dates");
    const auto row = [](const char *tag, const QString &text, const QStringList &dates) {
        QTest::newRow(tag) << text << dates;
    };
    row("born on", u"She was born on 14 July 1979 in Porto."_s, {u"14 July 1979"_s});
    row("born iso", u"born 1979-07-14, member since 2001"_s, {u"1979-07-14"_s});
    row("dob colon", u"DOB: 07/14/1979"_s, {u"07/14/1979"_s});
    row("d.o.b.", u"Patient d.o.b. 14.07.1979, allergic to penicillin"_s, {u"14.07.1979"_s});
    row("date of birth", u"Date of birth - July 14th, 1979"_s, {u"July 14th, 1979"_s});
    row("birthday is", u"my birthday is 3 Sept 1990"_s, {u"3 Sept 1990"_s});
    row("geboren am", u"Herr Weber, geboren am 3. Oktober 1961 in Jena"_s, {u"3. Oktober 1961"_s});
    row("geburtsdatum", u"Geburtsdatum: 03.10.1961"_s, {u"03.10.1961"_s});
    row("née le", u"Mme Roux, née le 2 février 1958"_s, {u"2 février 1958"_s});
    row("two-digit year", u"DOB 14/07/79"_s, {u"14/07/79"_s});
    row("other dates", u"Order 5512 shipped on 2024-03-15, invoice dated 15.03.2024"_s, {});
    row("born year only", u"The company was born in 1985"_s, {});
    row("born without a date", u"Born to run, 12 times a day"_s, {});
    row("impossible date", u"DOB: 1979-14-40"_s, {});
    row("date before the word", u"1979-07-14 is my birthday"_s, {});
}

void TstPiiDates::inText()
{
    QFETCH(QString, text);
    QFETCH(QStringList, dates);
    const AnonymizedText r = Anonymizer(keyed()).anonymizeText(text);
    QCOMPARE(datesOf(r), dates);
    for (const QString &d : dates)
        QVERIFY2(!r.text.contains(d), qPrintable(r.text));
}

void TstPiiDates::inSql_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("dates");
    const auto row = [](const char *tag, const QString &sql, const QStringList &dates) {
        QTest::newRow(tag) << sql << dates;
    };
    row("birth_date =", u"SELECT id FROM patients WHERE birth_date = '1979-07-14'"_s, {u"1979-07-14"_s});
    row("dob = any format", u"SELECT * FROM members WHERE dob = '14.07.1979'"_s, {u"14.07.1979"_s});
    row("DateOfBirth quoted", u"SELECT * FROM \"Person\" WHERE \"DateOfBirth\" = '1979-07-14'"_s,
        {u"1979-07-14"_s});
    row("birthday in", u"SELECT * FROM users WHERE birthday IN ('1979-07-14', '1980-01-02')"_s,
        {u"1979-07-14"_s, u"1980-01-02"_s});
    row("insert", u"INSERT INTO people (name, date_of_birth) VALUES ('x', '1979-07-14')"_s,
        {u"1979-07-14"_s});
    row("update", u"UPDATE staff SET birthdate = '1979-07-14' WHERE id = 7"_s, {u"1979-07-14"_s});
    row("geburtsdatum", u"SELECT * FROM kunden WHERE geburtsdatum = '14.07.1979'"_s, {u"14.07.1979"_s});
    row("comment", u"SELECT 1 -- born 1979-07-14\n"_s, {u"1979-07-14"_s});
    row("a range is no one's birthday", u"SELECT * FROM p WHERE birth_date > '1990-01-01'"_s, {});
    row("birth place", u"SELECT * FROM p WHERE birth_place = 'Porto'"_s, {});
    row("other date column", u"SELECT * FROM orders WHERE order_date = '1979-07-14'"_s, {});
}

void TstPiiDates::inSql()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, dates);
    const AnonymizedText r = Anonymizer(keyed()).anonymizeSql(sql);
    QCOMPARE(datesOf(r), dates);
    for (const QString &d : dates)
        QVERIFY2(!r.text.contains(d), qPrintable(r.text));
}

// The value the SQL compares with a birth-date column is replaced in the question the same way.
void TstPiiDates::sameReplacementInQuestion()
{
    const Anonymizer a(keyed(Operator::Surrogate));
    Pair p;
    p.naturalLanguageQuery = u"Which patient has the birth date 1979-07-14?"_s;
    p.sqlQuery = u"SELECT name FROM patients WHERE birth_date = '1979-07-14'"_s;
    const AnonymizedPair out = a.anonymizePair(p);
    QCOMPARE(datesOf(out.sql), QStringList{u"1979-07-14"_s});
    QCOMPARE(datesOf(out.question), QStringList{u"1979-07-14"_s});
    QCOMPARE(out.question.findings[0].replacement, out.sql.findings[0].replacement);
    QVERIFY(!out.question.text.contains(u"1979-07-14"_s));
    QVERIFY(out.piiMask & quint32(PiiKind::DateOfBirth));
}

void TstPiiDates::operators()
{
    const QString text = u"DOB: 1979-07-14"_s;
    const auto replaced = [&](Operator op) { return Anonymizer(keyed(op)).anonymizeText(text).text; };
    QVERIFY(QRegularExpression(u"^DOB: dob_[0-9a-f]{8}$"_s).match(replaced(Operator::Mask)).hasMatch());
    QCOMPARE(replaced(Operator::Redact), u"DOB: <DATE_OF_BIRTH>"_s);
    QCOMPARE(replaced(Operator::Keep), text);
    const QString pseudonym = replaced(Operator::Pseudonym);
    QVERIFY2(QRegularExpression(u"^DOB: (19[4-9][0-9]|200[0-5])-[01][0-9]-[0-2][0-9]$"_s)
                 .match(pseudonym)
                 .hasMatch(),
             qPrintable(pseudonym));
    QVERIFY(pseudonym != text);
    QCOMPARE(replaced(Operator::Pseudonym), pseudonym); // keyed and consistent
    // The same birthday written differently is the same value: the same pseudonym.
    QCOMPARE(Anonymizer(keyed(Operator::Pseudonym)).anonymizeText(u"DOB: 14.07.1979"_s).text, pseudonym);
    QCOMPARE(Anonymizer(keyed(Operator::Pseudonym)).anonymizeText(u"born July 14, 1979"_s).text,
             u"born "_s + pseudonym.mid(5));
    // Another key, another date.
    Config other = keyed(Operator::Pseudonym);
    other.key = QByteArrayLiteral("another key");
    QVERIFY(Anonymizer(other).anonymizeText(text).text != pseudonym);
}

void TstPiiDates::surrogateKeepsTheFormat_data()
{
    QTest::addColumn<QString>("date");
    QTest::addColumn<QString>("shape");
    QTest::newRow("iso") << u"1979-07-14"_s << u"^(19[4-9][0-9]|200[0-5])-[01][0-9]-[0-2][0-9]$"_s;
    QTest::newRow("dmy dots") << u"14.07.1979"_s << u"^[0-2][0-9]\\.[01][0-9]\\.(19|20)[0-9]{2}$"_s;
    QTest::newRow("mdy slashes") << u"07/14/1979"_s << u"^[01][0-9]/[0-2][0-9]/(19|20)[0-9]{2}$"_s;
    QTest::newRow("two-digit year") << u"14/07/79"_s << u"^[0-2][0-9]/[01][0-9]/[0-9]{2}$"_s;
    QTest::newRow("english") << u"14 July 1979"_s
                             << u"^[0-9]{1,2} (January|February|March|April|May|June|July|August|September|"
                                "October|November|December) (19|20)[0-9]{2}$"_s;
    QTest::newRow("english month first")
        << u"July 14th, 1979"_s << u"^[A-Z][a-z]+ [0-9]{1,2}(st|nd|rd|th), (19|20)[0-9]{2}$"_s;
    QTest::newRow("abbreviated") << u"3 Sept 1990"_s << u"^[0-9]{1,2} [A-Z][a-z]{3} (19|20)[0-9]{2}$"_s;
    QTest::newRow("german") << u"3. Oktober 1961"_s
                            << u"^[0-9]{1,2}\\. (Januar|Februar|März|April|Mai|Juni|Juli|August|September|"
                               "Oktober|November|Dezember) (19|20)[0-9]{2}$"_s;
    QTest::newRow("french") << u"2 février 1958"_s
                            << u"^[0-9]{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|"
                               "octobre|novembre|décembre) (19|20)[0-9]{2}$"_s;
}

void TstPiiDates::surrogateKeepsTheFormat()
{
    QFETCH(QString, date);
    QFETCH(QString, shape);
    const Anonymizer a(keyed(Operator::Surrogate));
    const AnonymizedText r = a.anonymizeText(u"born "_s + date);
    QCOMPARE(datesOf(r), QStringList{date});
    const QString surrogate = r.findings[0].replacement;
    QVERIFY2(QRegularExpression(shape).match(surrogate).hasMatch(), qPrintable(surrogate));
    QVERIFY(surrogate != date);
    // A date again, and the same one for the same birthday however it is written.
    detail::DateParts parsed, iso;
    QCOMPARE(detail::parseDateAt(surrogate, 0, &parsed), surrogate.size());
    const QString isoSurrogate = a.anonymizeText(u"born 1979-07-14"_s).findings.value(0).replacement;
    QCOMPARE(detail::parseDateAt(isoSurrogate, 0, &iso), isoSurrogate.size());
    if (date != u"14/07/79"_s && date != u"3 Sept 1990"_s && date != u"3. Oktober 1961"_s &&
        date != u"2 février 1958"_s) {
        QCOMPARE(parsed.month, iso.month);
        QCOMPARE(parsed.day, iso.day);
        QCOMPARE(parsed.year, iso.year);
    }
}

// The pre-filter changes nothing: each text alone, in a literal and in a comment, with fast paths
// on and off.
void TstPiiDates::fastPathsAgree()
{
    Anonymizer fast(keyed());
    Anonymizer full(keyed());
    detail::AnonymizerTesting::setFastPaths(full, false);
    const QStringList texts = {u"born on 14 July 1979"_s,  u"dob: 1979-07-14"_s,
                               u"DOB 14/07/79"_s,          u"geboren am 3. Oktober 1961"_s,
                               u"née le 2 février 1958"_s, u"nothing here 1979-07-14"_s,
                               u"birthday 2024"_s};
    for (const QString &text : texts) {
        QCOMPARE(fast.anonymizeText(text).text, full.anonymizeText(text).text);
        const QStringList sqls = {QString(u"SELECT * FROM t WHERE note = '"_s + text + u"'"_s),
                                  QString(u"SELECT 1 -- "_s + text + u"\n"_s)};
        for (const QString &sql : sqls) {
            QCOMPARE(fast.anonymizeSql(sql).text, full.anonymizeSql(sql).text);
        }
        QCOMPARE(detail::mayContainNameOrAddress(QStringView(text)),
                 detail::mayContainNameOrAddress(QByteArrayView(text.toUtf8())));
    }
}

// The pre-filter reads sixteen units at a time: a birth word at any offset, in any case, with
// characters above U+00FF around it, is still seen, in UTF-16 and UTF-8 alike.
void TstPiiDates::anyOffset()
{
    const Anonymizer a(keyed(Operator::Redact));
    for (const QString &word : {u"DOB: 1979-07-14"_s, u"née le 2 février 1958"_s,
                                u"Geburtsdatum 03.10.1961"_s, u"BORN 14 July 1979"_s}) {
        for (int k = 0; k < 40; ++k) {
            const QString text = QString(k, u'\u0142') + u' ' + word + u' ' + QString(40 - k, u'x');
            QVERIFY2(detail::mayHaveBirthWord(QStringView(text)), qPrintable(text));
            QVERIFY(detail::mayHaveBirthWord(QByteArrayView(text.toUtf8())));
            QVERIFY2(a.anonymizeText(text).text.contains(u"<DATE_OF_BIRTH>"_s), qPrintable(text));
        }
    }
    const QString none = QString(64, u'\u0142') + u" bo bi do ge na n\u00e8 1979-07-14"_s;
    QVERIFY(!detail::mayHaveBirthWord(QStringView(none)));
    QVERIFY(!detail::mayHaveBirthWord(QByteArrayView(none.toUtf8())));
    // At the very end of texts of every length around the block size (shorter texts are read
    // unit by unit, longer ones end with an overlapping block): the last two units still count.
    for (const QString &word : {u"dob"_s, u"D.O"_s, u"Geb"_s, u"bir"_s, u"BORN"_s, u"nac"_s, u"n\u00e9"_s}) {
        for (int k = 0; k < 40; ++k) {
            for (const QChar pad : {QChar(u'x'), QChar(u'\u0142')}) {
                const QString text = QString(k, pad) + word;
                QVERIFY2(detail::mayHaveBirthWord(QStringView(text)), qPrintable(text));
                QVERIFY2(detail::mayHaveBirthWord(QByteArrayView(text.toUtf8())), qPrintable(text));
                const QString cut = text.chopped(1); // one unit short of the word: nothing
                if (word.size() == 3 && !word.startsWith(u'n'))
                    QVERIFY2(!detail::mayHaveBirthWord(QStringView(cut)), qPrintable(cut));
            }
        }
    }
}

QTEST_GUILESS_MAIN(TstPiiDates)
#include "tst_piidates.moc"
