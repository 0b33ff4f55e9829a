// The anonymizer's fast paths change no result: the pre-filter (detail::mayContainBuiltin), the
// skipped sure losers, the per-thread memos of libphonenumber's answers and of replacements, and
// the shared, unrebuilt outputs. Every text of tests/data (questions,
// SQL, the PII cases) and 50k demo pairs with metadata go through an Anonymizer with the fast paths
// and one without (every detector on every text), and text, findings, masks and metadata must be
// identical. The pre-filter is also checked on its own: where it says "nothing", the full scan
// must find no candidate at all.
#include "dataset/demogenerator.h"
#include "privacy/anonymizer.h"
#include "privacy/detectaddress_p.h"
#include "privacy/detectors.h"
#include "privacy/memo.h"
#include "privacy/operators.h"
#include "privacy/phoneparse_p.h"
#include "privacy/sqlscan_p.h"
#include "privacy/wordset.h"
#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string_view>
#include <thread>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::privacy;

namespace {

Config config()
{
    Config c;
    c.key = QByteArrayLiteral("fast-path-key");
    return c;
}

Config withCustomPattern()
{
    Config c = config();
    c.customPatterns.append({u"employee"_s, u"EMP-\\d{6}"_s, Operator::Hash});
    c.customPatterns.append({u"word"_s, u"\\bsecret\\w*"_s, Operator::Redact});
    return c;
}

// Empty when equal, else what differs first.
QString difference(const AnonymizedText &a, const AnonymizedText &b)
{
    if (a.text != b.text)
        return u"text: \"%1\" vs \"%2\""_s.arg(a.text, b.text);
    if (a.findings.size() != b.findings.size())
        return u"%1 vs %2 findings"_s.arg(a.findings.size()).arg(b.findings.size());
    for (qsizetype i = 0; i < a.findings.size(); ++i) {
        const Finding &x = a.findings[i], &y = b.findings[i];
        if (x.kind != y.kind || x.customName != y.customName || x.start != y.start || x.end != y.end ||
            x.replacementStart != y.replacementStart || x.replacementEnd != y.replacementEnd ||
            x.original != y.original || x.replacement != y.replacement)
            return u"finding %1: %2 [%3,%4) vs %5 [%6,%7)"_s.arg(i)
                .arg(x.original)
                .arg(x.start)
                .arg(x.end)
                .arg(y.original)
                .arg(y.start)
                .arg(y.end);
    }
    return {};
}

struct Corpus
{
    QStringList texts; // questions and PII case texts
    QStringList sql;
    QByteArray error; // why a file of tests/data could not be read
};

Corpus loadTestData()
{
    Corpus c;
    for (const QString &name :
         {u"spider.jsonl"_s, u"bird_dev.jsonl"_s, u"sede.jsonl"_s, u"pg_statements.jsonl"_s,
          u"text2sql_data.jsonl"_s, u"pii_cases.jsonl"_s, u"pii_names.jsonl"_s}) {
        const QString path = test::testDataFile(name);
        QFile file(path);
        if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) {
            c.error = test::missingTestDataMessage(name);
            return c;
        }
        while (!file.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(file.readLine()).object();
            for (const QString &key : {u"question"_s, u"text"_s, u"evidence"_s}) {
                if (o.value(key).isString())
                    c.texts.append(o.value(key).toString());
            }
            if (o.value(u"sql"_s).isString())
                c.sql.append(o.value(u"sql"_s).toString());
        }
    }
    return c;
}

} // namespace

class TstAnonymizerFastPath : public QObject
{
    Q_OBJECT

private slots:
    void prefilterExamples_data();
    void prefilterExamples();
    void prefilterNeverHidesACandidate();
    void internationalNumbersSameAnswer();
    void quickParseSameAsLibphonenumber();
    void houseNumberFilterNeverHidesAnAddress();
    void unkeyedMasksAndIpv4Form();
    void asciiShortcutsSameAnswer();
    void sharedDataSameResults();
    void demoPairsSameResults();
    void unchangedOutputsShareTheInput();
    void memoKeepsAnonymizersApart();
    void utf8UnchangedOnlyWhenCertain();
    void threadMemoIsBounded();
    void scratchScansStaySmall();
    void sharedMemoAcrossThreads();
};

void TstAnonymizerFastPath::prefilterExamples_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("possible");
    // Each detector's least evidence, in the shortest forms it accepts.
    QTest::newRow("email") << u"mail a@b.co now"_s << true;
    QTest::newRow("ipv4") << u"host 1.2.3.4"_s << true;
    QTest::newRow("ipv6 compressed") << u"::1"_s << true;
    QTest::newRow("ipv6 v4 tail") << u"1:2:3:4:5:6:1.2.3.4"_s << true;
    QTest::newRow("ipv6 full") << u"1:2:3:4:5:6:7:8"_s << true;
    QTest::newRow("ssn") << u"123-45-6789"_s << true;
    QTest::newRow("ssn bare") << u"123456789"_s << true;
    QTest::newRow("intl 8 digits") << u"+49 30 123 45"_s << true;
    QTest::newRow("nanp paren") << u"(555) 123-4567"_s << true;
    QTest::newRow("iban") << u"NO9386011117947"_s << true;
    QTest::newRow("iban grouped") << u"pay GB82 WEST 1234 5698 7654 32"_s << true;
    // No kind can match.
    QTest::newRow("session id") << u"s-12345"_s << false;
    QTest::newRow("date") << u"WHERE d > '2023-05-01'"_s << false;
    QTest::newRow("time") << u"12:34:56"_s << false;
    QTest::newRow("limit") << u"SELECT * FROM t LIMIT 10"_s << false;
    QTest::newRow("model") << u"gpt-4o-2024"_s << false;
    QTest::newRow("at without dot") << u"x@y"_s << false;
    QTest::newRow("dot before at") << u"a.b@c"_s << false;
    QTest::newRow("version") << u"version 1.2.3"_s << false;
    QTest::newRow("8 digits no plus") << u"1234 5678"_s << false;
    QTest::newRow("upper then one digit") << u"T1.name"_s << false;
    QTest::newRow("cast") << u"x:int"_s << false;
    QTest::newRow("non-ascii") << u"naïve 東京 12"_s << false;
}

void TstAnonymizerFastPath::prefilterExamples()
{
    QFETCH(QString, text);
    QFETCH(bool, possible);
    QCOMPARE(detail::mayContainBuiltin(text), possible);
    const QByteArray utf8 = text.toUtf8();
    QCOMPARE(detail::mayContainBuiltin(QByteArrayView(utf8)), possible); // the same over UTF-8
    if (!possible) {
        QList<detail::Match> all;
        detail::findBuiltins(text, all, false);
        QVERIFY(all.isEmpty());
    }
}

void TstAnonymizerFastPath::prefilterNeverHidesACandidate()
{
    const Corpus corpus = loadTestData();
    if (!corpus.error.isEmpty())
        QFAIL(corpus.error.constData());
    QVERIFY(!corpus.texts.isEmpty() && !corpus.sql.isEmpty());
    QStringList all = corpus.texts + corpus.sql;
    DemoGenerator gen(7);
    for (const Pair &p : gen.generate(20000))
        all << p.naturalLanguageQuery << p.sqlQuery;
    qsizetype skipped = 0;
    for (const QString &text : std::as_const(all)) {
        const QByteArray utf8 = text.toUtf8();
        if (detail::mayContainBuiltin(QByteArrayView(utf8)) != detail::mayContainBuiltin(text))
            QFAIL(qPrintable(u"the pre-filter answers differently over UTF-8: "_s + text));
        if (detail::mayContainBuiltin(text))
            continue;
        ++skipped;
        QList<detail::Match> candidates;
        detail::findBuiltins(text, candidates, false);
        if (!candidates.isEmpty())
            QFAIL(qPrintable(u"the pre-filter skipped a candidate in: "_s + text));
    }
    qInfo("%lld of %lld texts skipped by the pre-filter", qint64(skipped), qint64(all.size()));
    QVERIFY(skipped > 0);
}

// matchIntlPhoneAt() with its memos validates a '+' number in three or more groups only where the
// answer depends on it (a shorter prefix valid, or no possible length): the same end as validating
// every prefix from the longest, for valid, invalid, impossible and over-long numbers, numbers with
// a valid prefix and an invalid whole, and numbers followed by an extension or more digits. Each
// text twice, so the second answer comes from the memos.
void TstAnonymizerFastPath::internationalNumbersSameAnswer()
{
    const QStringList numbers = {
        u"+44 20 7946 0958"_s,     u"+44 20 7946 0958 12"_s,       u"+44 20 7946 0958 1234"_s,
        u"+44 20 7946 09"_s,       u"+44 7700 900 123"_s,          u"+44 7700 900 123 4"_s,
        u"+49 30 1234 5678"_s,     u"+49 30 1234 5678 9"_s,        u"+49 30 12345 67 8901"_s,
        u"+49 89 636 48018"_s,     u"+33 1 42 68 53 00"_s,         u"+33 1 42 68 53 00 11"_s,
        u"+33 6 12 34 56 78"_s,    u"+39 06 698 12345"_s,          u"+39 06 6981 2345 6"_s,
        u"+81 3 1234 5678"_s,      u"+81 90 1234 5678 1"_s,        u"+86 138 0013 8000"_s,
        u"+91 98765 43210"_s,      u"+91 98765 43210 9"_s,         u"+61 2 9876 5432"_s,
        u"+7 495 123-45-67"_s,     u"+7 (495) 123-45-67 89"_s,     u"+55 11 91234-5678"_s,
        u"+36 20/941-5450"_s,      u"+999 12 345 678"_s,           u"+99 12 345 678 901"_s,
        u"+44 20 7946 0958 x12"_s, u"+44 20 7946 0958 ext. 123"_s, u"+44 20 7946 0958-1"_s,
        u"+44 20 7946 0958.5"_s,   u"+44 12 34 56 78 90 12 34"_s,  u"+3 12 345 678"_s,
        u"+44 20 7946 0958abc"_s,  u"call +44 (0) 20 7946 0958"_s, u"+41 44 668 18 00"_s,
        u"+41 44 668 18 00 0"_s,   u"+353 1 234 5678"_s,           u"+353 1 234 5678 90"_s,
    };
    int prefixes = 0; // numbers read as a valid prefix of their groups (the whole invalid)
    for (const QString &number : numbers) {
        const qsizetype pos = number.indexOf(u'+');
        const qsizetype full = detail::matchIntlPhoneAt(number, pos, false);
        prefixes +=
            full > 0 && full + 1 < number.size() && number[full] == u' ' && number[full + 1].isDigit();
        for (int round = 0; round < 2; ++round) {
            const qsizetype fast = detail::matchIntlPhoneAt(number, pos, true);
            if (fast != full)
                QFAIL(qPrintable(u"%1: %2 vs %3"_s.arg(number).arg(fast).arg(full)));
        }
    }
    QVERIFY(prefixes > 0);
}

// parseInternationalQuickly() gives the number libphonenumber's Parse(number, "ZZ") gives wherever
// it answers: random '+' numbers of every calling code, 2 to 17 national digits (some starting
// with '0' or the national prefix, which it leaves to Parse()), joined by the separators
// matchIntlPhoneAt() lets through. It must answer for most of them, or it saves nothing.
void TstAnonymizerFastPath::quickParseSameAsLibphonenumber()
{
    using i18n::phonenumbers::PhoneNumber;
    using i18n::phonenumbers::PhoneNumberUtil;
    const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    std::set<int> codes;
    util->GetSupportedCallingCodes(&codes);
    QVERIFY(codes.size() > 200);
    codes.insert({99, 999, 888, 21, 42}); // calling codes no country has
    static const char *const joins[] = {" ", " ", "-", ".", " (", ") ", "/", "", "", ""};
    QRandomGenerator rng(15);
    int all = 0, decided = 0, possible = 0;
    for (const int code : codes) {
        for (int k = 0; k < 80; ++k) {
            std::string number = "+" + std::to_string(code) + joins[rng.bounded(int(std::size(joins)))];
            const int digits = 2 + int(rng.bounded(16));
            for (int d = 0; d < digits; ++d) {
                number += char('0' + rng.bounded(10));
                if (d + 1 < digits && rng.bounded(4) == 0)
                    number += joins[rng.bounded(int(std::size(joins)))];
            }
            PhoneNumber quick, parsed;
            const bool answered = detail::parseInternationalQuickly(number, &quick);
            const bool ok = util->Parse(number, "ZZ", &parsed) == PhoneNumberUtil::NO_PARSING_ERROR;
            ++all;
            if (!answered)
                continue;
            ++decided;
            if (!ok || quick.country_code() != parsed.country_code() ||
                quick.national_number() != parsed.national_number() ||
                quick.italian_leading_zero() != parsed.italian_leading_zero() ||
                quick.number_of_leading_zeros() != parsed.number_of_leading_zeros() ||
                quick.has_extension() != parsed.has_extension())
                QFAIL(qPrintable(u"%1: quick %2/%3, Parse %4 %5/%6"_s.arg(QString::fromStdString(number))
                                     .arg(quick.country_code())
                                     .arg(quick.national_number())
                                     .arg(ok)
                                     .arg(parsed.country_code())
                                     .arg(parsed.national_number())));
            possible += util->IsPossibleNumber(quick) ? 1 : 0;
        }
    }
    qInfo("%d of %d numbers parsed without Parse(), %d of them possible", decided, all, possible);
    QVERIFY(decided > all / 2);
    QVERIFY(possible > decided / 10);
    // Not a plain '+' number: left to Parse().
    PhoneNumber n;
    for (const char *other : {"+44 20 7946 0958 x12", "+44 (0)20 7946 0958", "+800 1234 5678", "+0 123 4567",
                              "44 20 7946 0958", "+44 20 7946 0958 ", "+4"})
        QVERIFY2(!detail::parseInternationalQuickly(other, &n), other);
}

// findAddresses() reads a text only where a number stands that no ASCII letter or digit glues onto
// from the left, or a number word right after a space ("Nr5"): every address of the corpora, of
// the demo and of the forms below is found as without that check, and texts whose only digits are
// glued ("omar.chen89@outlook.com") are skipped.
void TstAnonymizerFastPath::houseNumberFilterNeverHidesAnAddress()
{
    const Corpus corpus = loadTestData();
    if (!corpus.error.isEmpty())
        QFAIL(corpus.error.constData());
    const QStringList forms = {
        u"Ship it to Hauptstraße Nr5 today"_s,
        u"Ship it to Hauptstraße Nr. 5"_s,
        u"Ship it to Hauptstraße no5"_s,
        u"Berliner Straße 12a"_s,
        u"Via Roma, nº5"_s,
        u"Calle Mayor, 5"_s,
        u"東京都千代田区丸の内1-2-3"_s,
        u"서울특별시 강남구 테헤란로 123"_s,
        u"221B Baker Street"_s,
        u"lives at 12 Oak Hill Rd, Apt. 4"_s,
        u"'1600 Pennsylvania Ave NW'"_s,
        u"(12 rue de la Paix)"_s,
    };
    QStringList all = corpus.texts + corpus.sql + forms;
    DemoGenerator gen(7);
    for (const Pair &p : gen.generate(20000))
        all << p.naturalLanguageQuery << p.sqlQuery;
    const auto same = [](const QList<detail::Match> &a, const QList<detail::Match> &b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto &x, const auto &y) {
            return x.kind == y.kind && x.start == y.start && x.end == y.end;
        });
    };
    qsizetype found = 0, skipped = 0;
    for (const QString &text : std::as_const(all)) {
        QList<detail::Match> with, without;
        detail::findAddresses(text, without, false);
        detail::findAddresses(text, with, true);
        if (!same(with, without))
            QFAIL(qPrintable(u"the house-number check hid an address in: "_s + text));
        found += without.isEmpty() ? 0 : 1;
        skipped += text.contains(QRegularExpression(u"[0-9]"_s)) && !detail::mayHoldHouseNumber(text) ? 1 : 0;
        if (forms.contains(text) && without.isEmpty())
            QFAIL(qPrintable(u"no address in the form: "_s + text));
    }
    qInfo("%lld texts with an address, %lld texts with digits skipped", qint64(found), qint64(skipped));
    QVERIFY(found > 20);
    QVERIFY(skipped > 1000);
}

// isKnownTld() answers two- and three-letter labels from bits instead of its binary search, and
// the word lists compare ASCII words without Qt's case folding: the same answers as the list and
// as QStringView::compare(Qt::CaseInsensitive).
void TstAnonymizerFastPath::asciiShortcutsSameAnswer()
{
    static constexpr std::string_view tlds[] = {
#include "privacy/tldlist.inc"
    };
    int known = 0;
    for (int length = 2; length <= 3; ++length) {
        for (int k = 0; k < (length == 2 ? 26 * 26 : 26 * 26 * 26); ++k) {
            char lower[3];
            QString label;
            for (int j = length - 1, rest = k; j >= 0; --j, rest /= 26)
                lower[j] = char('a' + rest % 26);
            const std::string_view word(lower, size_t(length));
            const bool listed = std::binary_search(std::begin(tlds), std::end(tlds), word);
            known += listed;
            const QString asWritten = QString::fromLatin1(lower, length);
            for (const QString &l :
                 {asWritten, asWritten.toUpper(), QString(asWritten.left(1).toUpper() + asWritten.mid(1))}) {
                if (detail::isKnownTld(l) != listed)
                    QFAIL(qPrintable(l));
            }
        }
    }
    QCOMPARE(known, 249 + 217); // every two- and three-letter TLD of the list
    QVERIFY(!detail::isKnownTld(u"c0m") && !detail::isKnownTld(u"d-e") && detail::isKnownTld(u"xn--p1ai"));

    const QStringList words = {u"like"_s,   u"LIKE"_s,        u"Like"_s,    u"lik"_s,         u"likes"_s,
                               u"li@e"_s,   u"li`e"_s,        u"li[e"_s,    u"li{e"_s,        u"values"_s,
                               u"VALUES"_s, u"stra\u00DFe"_s, u"STRASSE"_s, u"Stra\u00DFe"_s, u"\u212Aing"_s,
                               u"king"_s,   u"KING"_s,        u"\u017Ft"_s, u"st"_s,          u"ST"_s,
                               u"1st"_s,    u"1ST"_s,         u""_s,        u"a"_s,           u"A"_s,
                               u"_"_s,      u"\u00E9"_s,      u"\u00C9"_s};
    for (const QString &a : words) {
        for (const QString &b : words) {
            const std::u16string_view bv(reinterpret_cast<const char16_t *>(b.utf16()), size_t(b.size()));
            const int fast = detail::asciiFoldedEquals(a, bv);
            const bool qt = QStringView(a).compare(b, Qt::CaseInsensitive) == 0;
            if (fast >= 0 && (fast == 1) != qt)
                QFAIL(qPrintable(a + u" / "_s + b));
            const auto ascii = [](const QString &w) {
                return std::all_of(w.cbegin(), w.cend(), [](QChar c) { return c.unicode() < 0x80; });
            };
            if (fast < 0 && ascii(a) && ascii(b))
                QFAIL(qPrintable(u"ASCII left to Qt: "_s + a + u" / "_s + b));
        }
    }
}

// replacementFor() skips the keyed digest where the mask reads none of it (numbers, IP addresses,
// IBANs, custom values): such masks are the same under any key, and those that do read it differ.
// normalise() writes an IPv4 address's parts in decimal itself: as the format string did.
void TstAnonymizerFastPath::unkeyedMasksAndIpv4Form()
{
    const detail::KeyedHasher a(QByteArrayLiteral("key-a")), b(QByteArrayLiteral("key-b"));
    const QList<std::pair<PiiKind, QString>> values = {
        {PiiKind::Phone, u"+44 20 7946 0958"_s},
        {PiiKind::Ssn, u"123-45-6789"_s},
        {PiiKind::CreditCard, u"4111 1111 1111 1111"_s},
        {PiiKind::IpAddress, u"10.0.42.7"_s},
        {PiiKind::IpAddress, u"2001:db8::1"_s},
        {PiiKind::Iban, u"DE89 3704 0044 0532 0130 00"_s},
        {PiiKind::Custom, u"EMP-123456"_s},
    };
    for (const auto &[kind, value] : values) {
        const QString x = detail::replacementFor(a, kind, u"employee"_s, Operator::Mask, value);
        QCOMPARE(x, detail::replacementFor(b, kind, u"employee"_s, Operator::Mask, value));
        QVERIFY(x != value);
        QVERIFY(detail::replacementFor(a, kind, u"employee"_s, Operator::Hash, value) !=
                detail::replacementFor(b, kind, u"employee"_s, Operator::Hash, value));
    }
    for (PiiKind kind : {PiiKind::Email, PiiKind::Name, PiiKind::Address, PiiKind::DateOfBirth}) {
        const QString value = kind == PiiKind::Email         ? u"omar.johnson@example.org"_s
                              : kind == PiiKind::DateOfBirth ? u"1985-03-12"_s
                                                             : u"Omar Johnson"_s;
        QVERIFY(detail::replacementFor(a, kind, {}, Operator::Mask, value) !=
                detail::replacementFor(b, kind, {}, Operator::Mask, value));
    }
    for (int v = 0; v < 256; ++v) {
        const QString ip = u"%1.%2.%3.%4"_s.arg(v).arg(255 - v).arg(v / 16).arg(v % 100);
        QCOMPARE(detail::normalise(PiiKind::IpAddress, ip), ip);
    }
}

void TstAnonymizerFastPath::sharedDataSameResults()
{
    const Corpus corpus = loadTestData();
    if (!corpus.error.isEmpty())
        QFAIL(corpus.error.constData());
    QVERIFY(!corpus.texts.isEmpty() && !corpus.sql.isEmpty());
    for (const Config &c : {config(), withCustomPattern()}) {
        const Anonymizer fast(c);
        Anonymizer full(c);
        detail::AnonymizerTesting::setFastPaths(full, false);
        for (const QString &text : corpus.texts) {
            const QString diff = difference(fast.anonymizeText(text), full.anonymizeText(text));
            if (!diff.isEmpty())
                QFAIL(qPrintable(text + u": "_s + diff));
            QCOMPARE(fast.scanMask(text, {}), full.scanMask(text, {}));
        }
        for (const QString &sql : corpus.sql) {
            const QString diff = difference(fast.anonymizeSql(sql), full.anonymizeSql(sql));
            if (!diff.isEmpty())
                QFAIL(qPrintable(sql + u": "_s + diff));
            // The same SQL as free text: all of it scanned, not only literals and comments.
            const QString asText = difference(fast.anonymizeText(sql), full.anonymizeText(sql));
            if (!asText.isEmpty())
                QFAIL(qPrintable(sql + u": "_s + asText));
            QCOMPARE(fast.scanMask({}, sql), full.scanMask({}, sql));
        }
    }
}

void TstAnonymizerFastPath::demoPairsSameResults()
{
    DemoGenerator gen(2024, QDateTime(QDate(2025, 6, 30), QTime(12, 0), Qt::UTC));
    const QList<Pair> pairs = gen.generate(50000);
    for (const Config &c : {config(), withCustomPattern()}) {
        const Anonymizer fast(c);
        Anonymizer full(c);
        detail::AnonymizerTesting::setFastPaths(full, false);
        int withPii = 0, metadataChanged = 0;
        for (const Pair &p : pairs) {
            const AnonymizedPair a = fast.anonymizePair(p), b = full.anonymizePair(p);
            QString diff = difference(a.question, b.question);
            if (diff.isEmpty())
                diff = difference(a.sql, b.sql);
            if (!diff.isEmpty())
                QFAIL(qPrintable(p.naturalLanguageQuery + u" / "_s + p.sqlQuery + u": "_s + diff));
            QCOMPARE(a.databaseName, b.databaseName);
            QCOMPARE(a.metadata, b.metadata);
            QCOMPARE(a.piiMask, b.piiMask);
            QCOMPARE(fast.scanMask(p.naturalLanguageQuery, p.sqlQuery), a.piiMask);
            withPii += a.piiMask != 0;
            metadataChanged += a.metadata != p.metadata;
            // Each metadata string on its own, as the exporter anonymizes them.
            for (auto it = p.metadata.constBegin(); it != p.metadata.constEnd(); ++it) {
                if (!it.value().isString())
                    continue;
                const QString value = it.value().toString();
                const QString d = difference(fast.anonymizeText(value), full.anonymizeText(value));
                if (!d.isEmpty())
                    QFAIL(qPrintable(value + u": "_s + d));
            }
        }
        // The comparison covered both paths.
        QVERIFY(withPii > 1000);
        QVERIFY(metadataChanged > 1000);
    }
}

void TstAnonymizerFastPath::unchangedOutputsShareTheInput()
{
    const Anonymizer a(config());
    const QString question = u"How many users signed up in 2023?"_s;
    const QString sql = u"SELECT COUNT(*) FROM users WHERE created_at >= '2023-01-01' LIMIT 10"_s;
    const AnonymizedText q = a.anonymizeText(question), s = a.anonymizeSql(sql);
    QVERIFY(q.findings.isEmpty() && s.findings.isEmpty());
    QCOMPARE(q.text.constData(), question.constData()); // the same data, not a copy
    QCOMPARE(s.text.constData(), sql.constData());
    QCOMPARE(q.findings.capacity(), 0);

    Pair p;
    p.naturalLanguageQuery = question;
    p.sqlQuery = sql;
    p.metadata = QJsonObject{{u"agent"_s, u"sql-agent"_s},
                             {u"session_id"_s, u"s-12345"_s},
                             {u"tags"_s, QJsonArray{u"a"_s, 1, QJsonObject{{u"k"_s, u"v"_s}}}}};
    const AnonymizedPair out = a.anonymizePair(p);
    QCOMPARE(out.question.text.constData(), question.constData());
    QCOMPARE(out.sql.text.constData(), sql.constData());
    QCOMPARE(out.metadata, p.metadata);
    QCOMPARE(out.piiMask, 0u);

    // A change deep inside replaces that value only; everything else is kept as it was.
    QJsonObject meta = p.metadata;
    meta.insert(u"tags"_s, QJsonArray{u"a"_s, QJsonObject{{u"by"_s, u"ana@example.org"_s}}, 2});
    const QJsonObject changed = a.anonymizeMetadata(meta);
    QCOMPARE(changed.value(u"agent"_s), meta.value(u"agent"_s));
    QCOMPARE(changed.value(u"session_id"_s), meta.value(u"session_id"_s));
    const QJsonArray tags = changed.value(u"tags"_s).toArray();
    QCOMPARE(tags.size(), 3);
    QCOMPARE(tags.at(0), QJsonValue(u"a"_s));
    QCOMPARE(tags.at(2), QJsonValue(2));
    QVERIFY(tags.at(1).toObject().value(u"by"_s).toString().startsWith(u"user_"_s));
}

// The replacement memo is keyed by the anonymizer instance, kind and operator: anonymizers built
// one after another (at the same address, with other keys or operators) never see each other's
// replacements, and a remembered replacement equals a fresh one.
void TstAnonymizerFastPath::memoKeepsAnonymizersApart()
{
    const QString text = u"Call +44 20 7946 0123 or 555-867-5309, mail ana@example.org"_s;
    QStringList seen;
    for (int i = 0; i < 3; ++i) {
        for (Operator op : {Operator::Mask, Operator::Pseudonym, Operator::Hash, Operator::Redact}) {
            Config c;
            c.key = "memo-key-" + QByteArray::number(i);
            c.operators.insert(PiiKind::Email, op);
            c.operators.insert(PiiKind::Phone, op);
            const Anonymizer fast(c);
            Anonymizer full(c);
            detail::AnonymizerTesting::setFastPaths(full, false);
            const AnonymizedText first = fast.anonymizeText(text);
            const AnonymizedText again = fast.anonymizeText(text); // from the memo
            QCOMPARE(first.findings.size(), 3);
            QCOMPARE(difference(first, full.anonymizeText(text)), QString());
            QCOMPARE(difference(again, first), QString());
            if (op == Operator::Pseudonym || op == Operator::Hash) { // keyed: differs per key and operator
                QVERIFY2(!seen.contains(first.text), qPrintable(first.text));
                seen.append(first.text);
            }
        }
    }
}

// leavesUtf8Unchanged() lets the exporter copy metadata bytes as they are: it may say "unchanged"
// only when anonymizeText() finds nothing, never for invalid UTF-8, and never with custom patterns.
void TstAnonymizerFastPath::utf8UnchangedOnlyWhenCertain()
{
    const Anonymizer plain(config());
    const Anonymizer custom(withCustomPattern());
    QStringList texts = {u"sql-agent"_s,        u"s-48213"_s,
                         u"gpt-4o-mini"_s,      u"Zoë Müller – 東京 📈"_s,
                         u"ana@example.org"_s,  u"call +44 20 7946 0123"_s,
                         u"10.1.2.3"_s,         u"DE89 3704 0044"_s,
                         u"fe80::1"_s,          u"relation does not exist"_s,
                         u"EMP-123456 secret"_s};
    DemoGenerator gen(11);
    for (const Pair &p : gen.generate(5000)) {
        for (auto it = p.metadata.constBegin(); it != p.metadata.constEnd(); ++it)
            texts << it.value().toString();
    }
    int unchanged = 0;
    for (const QString &text : std::as_const(texts)) {
        const QByteArray utf8 = text.toUtf8();
        if (plain.leavesUtf8Unchanged(utf8)) {
            ++unchanged;
            QVERIFY2(plain.anonymizeText(text).findings.isEmpty(), qPrintable(text));
        }
        QVERIFY(!custom.leavesUtf8Unchanged(utf8)); // custom patterns always run
    }
    QVERIFY(unchanged > 5000);
    QVERIFY(plain.leavesUtf8Unchanged(QByteArrayView("Zo\xc3\xab")));
    QVERIFY(!plain.leavesUtf8Unchanged(QByteArrayView("Zo\xc3")));          // truncated sequence
    QVERIFY(!plain.leavesUtf8Unchanged(QByteArrayView("caf\xe9 latin-1"))); // not UTF-8 at all
    QVERIFY(!plain.leavesUtf8Unchanged(QByteArrayView("ana@example.org")));
}

void TstAnonymizerFastPath::threadMemoIsBounded()
{
    detail::ThreadMemo<int, int, std::hash<int>, 4> memo;
    int calls = 0;
    const auto get = [&](int key) { return memo.get(key, [&] { return ++calls, key * 10; }); };
    for (int round = 0; round < 3; ++round) {
        for (int key = 0; key < 4; ++key)
            QCOMPARE(get(key), key * 10);
    }
    QCOMPARE(calls, 4);   // rounds 2 and 3 came from the memo
    QCOMPARE(get(7), 70); // a fifth key: the memo starts again empty
    QCOMPARE(calls, 5);
    QCOMPARE(get(0), 0); // computed again
    QCOMPARE(calls, 6);
    QCOMPARE(get(7), 70); // still there
    QCOMPARE(calls, 6);
}

// The scans the anonymizer reuses on a thread keep their lists' capacity from one text to the
// next, and give it back after a huge text; an SQL of 3,000 e-mail literals in between changes
// nothing of what the texts after it give.
void TstAnonymizerFastPath::scratchScansStaySmall()
{
    detail::SqlScan &first = detail::scratch<detail::SqlScan, 99>();
    first.scan.found.resize(10);
    first.pieces.resize(10);
    detail::SqlScan &again = detail::scratch<detail::SqlScan, 99>();
    QCOMPARE(&again, &first);
    QVERIFY(again.scan.found.isEmpty() && again.pieces.isEmpty());
    QVERIFY(again.scan.found.capacity() >= 10); // kept
    again.scan.found.resize(5000);
    again.tokens.resize(5000);
    detail::SqlScan &after = detail::scratch<detail::SqlScan, 99>();
    QVERIFY(after.scan.found.isEmpty() && after.tokens.isEmpty());
    QVERIFY(after.scan.found.capacity() <= 1024 && after.tokens.capacity() <= 1024); // given back

    const Anonymizer anonymizer{Config{}};
    const QString small = u"SELECT * FROM t WHERE email = 'ann@example.org' AND note = 'x'"_s;
    const QString question = u"Mail ann@example.org about order 12"_s;
    const AnonymizedText before = anonymizer.anonymizeSql(small);
    const AnonymizedText beforeQuestion = anonymizer.anonymizeText(question);
    const quint32 mask = anonymizer.scanMask(question, small);
    QStringList values;
    for (int i = 0; i < 3000; ++i)
        values << u"'user%1@example.org'"_s.arg(i);
    const QString huge = u"SELECT * FROM t WHERE email IN ("_s + values.join(u", "_s) + u')';
    QCOMPARE(anonymizer.anonymizeSql(huge).findings.size(), 3000);
    QCOMPARE(anonymizer.scanMask(huge, huge), anonymizer.scanMask(u"x@example.org"_s, QString()));
    QCOMPARE(anonymizer.anonymizeSql(small).text, before.text);
    QCOMPARE(anonymizer.anonymizeSql(small).findings.size(), before.findings.size());
    QCOMPARE(anonymizer.anonymizeText(question).text, beforeQuestion.text);
    QCOMPARE(anonymizer.scanMask(question, small), mask);
}

// Two threads asking one shared memo for the same keys all get the right value; each key is
// computed at most once per thread (a race may compute it twice), and the memo stays bounded.
void TstAnonymizerFastPath::sharedMemoAcrossThreads()
{
    detail::SharedMemo<int, int, std::hash<int>, 64> memo;
    std::atomic<int> calls{0};
    std::atomic<int> wrong{0};
    const auto work = [&] {
        for (int round = 0; round < 50; ++round) {
            for (int key = 0; key < 40; ++key) {
                if (memo.get(key, [&] { return ++calls, key * 3; }) != key * 3)
                    ++wrong;
            }
        }
    };
    std::thread a(work), b(work);
    a.join();
    b.join();
    QCOMPARE(wrong.load(), 0);
    QVERIFY(calls.load() >= 40);
    QVERIFY2(calls.load() <= 80, qPrintable(QString::number(calls.load())));
    for (int key = 100; key < 200; ++key) // beyond the capacity: starts again empty, still right
        QCOMPARE(memo.get(key, [&] { return key * 3; }), key * 3);
}

QTEST_GUILESS_MAIN(TstAnonymizerFastPath)
#include "tst_anonymizerfastpath.moc"
