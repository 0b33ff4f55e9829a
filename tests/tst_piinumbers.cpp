// Phone numbers, card numbers and IBANs as the world writes them (issue 15): the labelled cases of
// tests/data/pii_numbers.jsonl (written for PairLens by make-pii-numbers.py, CC0) through the
// public API. A finding counts when its [start, end) in code points and its kind equal a label;
// every other finding is a false positive, every label not found a false negative. Prints per-kind
// precision and recall as a Markdown table (docs/anonymization.md quotes it); set
// PAIRLENS_PII_METRICS=<file> to also write it to a file.
#include "privacy/anonymizer.h"
#include "privacy/detectors.h"
#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::privacy;

namespace {

struct Counts
{
    int tp = 0, fp = 0, fn = 0;
    double precision() const { return tp + fp ? double(tp) / (tp + fp) : 1.0; }
    double recall() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
};

} // namespace

class TstPiiNumbers : public QObject
{
    Q_OBJECT

private slots:
    void cases();
    void fastPathsAgree();
};

void TstPiiNumbers::cases()
{
    PAIRLENS_REQUIRE_TEST_DATA(path, u"pii_numbers.jsonl"_s)
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const Anonymizer anonymizer(Config{});
    QMap<QString, Counts> counts; // by kind name; "negative texts" collects findings in negatives
    QStringList misses;
    int cases = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        ++cases;
        const QJsonObject c = QJsonDocument::fromJson(line).object();
        const QString text = c.value(u"text"_s).toString();
        const AnonymizedText result = anonymizer.anonymizeText(text);
        QList<std::tuple<qsizetype, qsizetype, QString>> expected, found;
        for (const QJsonValue &s : c.value(u"spans"_s).toArray()) {
            const QJsonArray a = s.toArray();
            expected.append({a.at(0).toInt(), a.at(1).toInt(), a.at(2).toString()});
        }
        for (const Finding &f : result.findings)
            found.append(
                {toCodePointOffset(text, f.start), toCodePointOffset(text, f.end), piiKindName(f.kind)});
        for (const auto &e : std::as_const(expected)) {
            Counts &k = counts[std::get<2>(e)];
            if (found.contains(e)) {
                ++k.tp;
            } else {
                ++k.fn;
                misses << u"missed %1 in \"%2\""_s.arg(std::get<2>(e), text);
            }
        }
        for (const auto &f : std::as_const(found)) {
            if (!expected.contains(f)) {
                ++counts[std::get<2>(f)].fp;
                misses << u"extra %1 \"%2\" in \"%3\""_s.arg(
                    std::get<2>(f), text.mid(std::get<0>(f), std::get<1>(f) - std::get<0>(f)), text);
            }
        }
    }
    QVERIFY(cases >= 400);

    QString table = u"| kind | TP | FP | FN | precision | recall |\n|---|---|---|---|---|---|\n"_s;
    Counts all;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const Counts &k = it.value();
        all.tp += k.tp;
        all.fp += k.fp;
        all.fn += k.fn;
        table += u"| %1 | %2 | %3 | %4 | %5 % | %6 % |\n"_s.arg(it.key())
                     .arg(k.tp)
                     .arg(k.fp)
                     .arg(k.fn)
                     .arg(100 * k.precision(), 0, 'f', 1)
                     .arg(100 * k.recall(), 0, 'f', 1);
    }
    table += u"| all | %1 | %2 | %3 | %4 % | %5 % |\n"_s.arg(all.tp)
                 .arg(all.fp)
                 .arg(all.fn)
                 .arg(100 * all.precision(), 0, 'f', 1)
                 .arg(100 * all.recall(), 0, 'f', 1);
    qInfo().noquote() << "\n" << table;
    for (const QString &m : std::as_const(misses))
        qInfo().noquote() << m;
    const QString out = qEnvironmentVariable("PAIRLENS_PII_METRICS");
    if (!out.isEmpty()) {
        QFile metrics(out);
        if (metrics.open(QIODevice::WriteOnly | QIODevice::Truncate))
            metrics.write(table.toUtf8());
    }
    for (const QString &kind : {u"phone"_s, u"credit_card"_s, u"iban"_s}) {
        QVERIFY2(counts.contains(kind), qPrintable(kind));
        QVERIFY2(counts[kind].precision() >= 0.95, qPrintable(kind + u" precision"_s));
        QVERIFY2(counts[kind].recall() >= 0.95, qPrintable(kind + u" recall"_s));
    }
}

// The pre-filter (mayContainBuiltin(), which now reads context words), the skipped candidates and
// the memos change no result, in text and in SQL, where a literal read alone and the whole SQL
// must see the same context words: every case as a question, inside a string literal after a
// column named like a context word, inside a comment, and in a literal joined by || (the full
// reading).
void TstPiiNumbers::fastPathsAgree()
{
    PAIRLENS_REQUIRE_TEST_DATA(path, u"pii_numbers.jsonl"_s)
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    Anonymizer fast(Config{});
    Anonymizer full(Config{});
    detail::AnonymizerTesting::setFastPaths(full, false);
    int compared = 0;
    while (!file.atEnd()) {
        const QString text = QJsonDocument::fromJson(file.readLine()).object().value(u"text"_s).toString();
        if (text.isEmpty())
            continue;
        QString quoted = text;
        quoted.replace(u'\'', u"''"_s);
        const QString body = text.contains(u'\'') ? QString(text).remove(u'\'') : text;
        const QStringList sqls = {
            QString(u"SELECT * FROM contacts WHERE phone = '"_s + body + u"'"_s),
            QString(u"SELECT * FROM t WHERE card_number = '"_s + quoted + u"' AND telephone IS NOT NULL"_s),
            QString(u"-- phone\nSELECT 1 -- "_s + body + u"\n"_s),
            QString(u"SELECT 'call ' || '"_s + body + u"'"_s),
        };
        for (const QString &sql : sqls) {
            const AnonymizedText a = fast.anonymizeSql(sql), b = full.anonymizeSql(sql);
            QVERIFY2(a.text == b.text, qPrintable(sql + u" -> "_s + a.text + u" / "_s + b.text));
            QCOMPARE(a.findings.size(), b.findings.size());
            ++compared;
        }
        const AnonymizedText a = fast.anonymizeText(text), b = full.anonymizeText(text);
        QCOMPARE(a.text, b.text);
        QCOMPARE(detail::mayContainBuiltin(text) || a.findings.isEmpty(), true);
        QCOMPARE(detail::mayContainBuiltin(QByteArrayView(text.toUtf8())), detail::mayContainBuiltin(text));
    }
    QVERIFY(compared > 1000);
}

QTEST_GUILESS_MAIN(TstPiiNumbers)
#include "tst_piinumbers.moc"
