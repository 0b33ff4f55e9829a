// `pairlens scan` and `pairlens anonymize` end to end: the real binary in a child process, no display.
// Expected counts come from the table of records below (what each record was written to contain),
// not from the engine.
#include "testutil.h"

#include "dataset/dataset.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// One imported pair and the PII it was written with, per kind (question + SQL + metadata).
struct Record
{
    QString id;
    QString question;
    QString sql;
    QString dbName;
    bool success = true;
    QJsonObject metadata;
    QHash<QString, int> findings; // kind -> how many values
    int inQuestion = 0, inSql = 0, inMetadata = 0;
};

QList<Record> records()
{
    return {
        {u"p1"_s,
         u"Email alice.smith@corp.com about order 12"_s,
         u"SELECT * FROM users WHERE email = 'alice.smith@corp.com'"_s,
         u"shop_prod"_s,
         true,
         {},
         {{u"email"_s, 2}},
         1,
         1,
         0},
        {u"p2"_s,
         u"Call 555-123-4567 or (555) 123-4567 today"_s,
         u"SELECT 1"_s,
         u"shop_prod"_s,
         true,
         {},
         {{u"phone"_s, 2}},
         2,
         0,
         0},
        {u"p3"_s,
         u"Whose SSN is 123-45-6789?"_s,
         u"SELECT name FROM people WHERE ssn = '123-45-6789' -- card 4111 1111 1111 1111"_s,
         u"shop_prod"_s,
         true,
         {},
         {{u"ssn"_s, 2}, {u"credit_card"_s, 1}},
         1,
         2,
         0},
        {u"p4"_s,
         u"Which requests came from 192.168.1.100?"_s,
         u"SELECT * FROM logs WHERE ip = '192.168.1.100'"_s,
         u"shop_prod"_s,
         false,
         {},
         {{u"ip_address"_s, 2}},
         1,
         1,
         0},
        {u"p5"_s,
         u"Refund to DE89 3704 0044 0532 0130 00 please"_s,
         u"SELECT 1"_s,
         u"shop_prod"_s,
         true,
         {},
         {{u"iban"_s, 1}},
         1,
         0,
         0},
        {u"p6"_s,
         u"How many orders last week?"_s,
         u"SELECT count(*) FROM orders WHERE id = 4111111111111111"_s,
         u"shop_prod"_s,
         true,
         {},
         {},
         0,
         0,
         0},
        {u"p7"_s,
         u"List users"_s,
         u"SELECT * FROM users"_s,
         u"shop_prod"_s,
         true,
         {{u"note"_s, u"reported by bob@example.org"_s}},
         {{u"email"_s, 1}},
         0,
         0,
         1},
        {u"p8"_s,
         u"Contact carol@shop.io and 555-987-6543"_s,
         u"SELECT 1"_s,
         u"crm"_s,
         true,
         {},
         {{u"email"_s, 1}, {u"phone"_s, 1}},
         2,
         0,
         0},
        {u"p9"_s, u"Badge EMP-12345 was lost"_s, u"SELECT 1"_s, u"crm"_s, true, {}, {}, 0, 0, 0},
    };
}

// Every original value of the records, in the forms it was written in and compact.
const QStringList kOriginals = {
    u"alice.smith@corp.com"_s,
    u"555-123-4567"_s,
    u"(555) 123-4567"_s,
    u"5551234567"_s,
    u"123-45-6789"_s,
    u"123456789"_s,
    u"4111 1111 1111 1111"_s,
    u"192.168.1.100"_s,
    u"DE89 3704 0044 0532 0130 00"_s,
    u"DE89370400440532013000"_s,
    u"bob@example.org"_s,
    u"carol@shop.io"_s,
    u"555-987-6543"_s,
    u"EMP-12345"_s,
    u"shop_prod"_s,
    u"crm"_s,
};

const QStringList kKinds = {u"email"_s, u"phone"_s, u"ssn"_s, u"credit_card"_s, u"ip_address"_s, u"iban"_s};

} // namespace

class TstPrivacyCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void scanCountsPerKind();
    void scanNeverPrintsOriginals();
    void scanRespectsFilter();
    void scanKeepAndCustomPatterns();
    void scanDemoDataset();
    void scanFailOnPii();
    void scanErrors();
    void anonymizeSeedExamples();
    void anonymizeConsistency();
    void anonymizeJsonOffsets();
    void anonymizeSqlKeepsIdentifiers();
    void anonymizeSqlInDialect();
    void anonymizeInvalidUtf8();
    void anonymizeFlushesPerLine();
    void anonymizeErrors();
    void surrogateOperator();

private:
    using Run = pairlens::test::CliRun;
    Run run(const QStringList &args, const QByteArray &input = {});
    QJsonObject scanJson(const QStringList &extra, const QString &dataset = {});
    QTemporaryDir m_dir;
    QString m_pii;   // the records above
    QString m_other; // the same records in another dataset (another key)
};

TstPrivacyCli::Run TstPrivacyCli::run(const QStringList &args, const QByteArray &input)
{
    return pairlens::test::runHeadless(QStringLiteral(PAIRLENS_EXE), args, m_dir.path(), input);
}

QJsonObject TstPrivacyCli::scanJson(const QStringList &extra, const QString &dataset)
{
    const Run r = run(QStringList{u"scan"_s, dataset.isEmpty() ? m_pii : dataset, u"--json"_s} + extra);
    if (r.code != 0)
        qWarning() << r.err;
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &e);
    if (e.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << r.out;
    return doc.object();
}

void TstPrivacyCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QByteArray jsonl;
    for (const Record &rec : records()) {
        QJsonObject o{{u"pair_id"_s, rec.id},
                      {u"natural_language_query"_s, rec.question},
                      {u"sql_query"_s, rec.sql},
                      {u"timestamp"_s, u"2024-03-01T10:00:00Z"_s},
                      {u"database_type"_s, u"postgresql"_s},
                      {u"database_name"_s, rec.dbName},
                      {u"success"_s, rec.success}};
        if (!rec.metadata.isEmpty())
            o.insert(u"metadata"_s, rec.metadata);
        jsonl += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    const QString file = m_dir.filePath(u"pii.jsonl"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(jsonl);
    f.close();
    m_pii = m_dir.filePath(u"pii.pairlens"_s);
    m_other = m_dir.filePath(u"other.pairlens"_s);
    for (const QString &ds : {m_pii, m_other}) {
        const Run r = run({u"import"_s, ds, file});
        QVERIFY2(r.code == 0, qPrintable(r.err));
    }
}

void TstPrivacyCli::scanCountsPerKind()
{
    const QList<Record> recs = records();
    QHash<QString, int> findings, pairs;
    int withPii = 0, total = 0, inQ = 0, inS = 0, inM = 0, pairsQ = 0, pairsS = 0, pairsM = 0;
    for (const Record &rec : recs) {
        for (auto it = rec.findings.constBegin(); it != rec.findings.constEnd(); ++it) {
            findings[it.key()] += it.value();
            pairs[it.key()] += 1;
            total += it.value();
        }
        withPii += rec.findings.isEmpty() ? 0 : 1;
        inQ += rec.inQuestion;
        inS += rec.inSql;
        inM += rec.inMetadata;
        pairsQ += rec.inQuestion > 0;
        pairsS += rec.inSql > 0;
        pairsM += rec.inMetadata > 0;
    }

    const QJsonObject o = scanJson({});
    QCOMPARE(o.value(u"pairs_scanned"_s).toInteger(), recs.size());
    QCOMPARE(o.value(u"pairs_with_pii"_s).toInteger(), withPii);
    QCOMPARE(o.value(u"findings"_s).toInteger(), total);
    QCOMPARE(o.value(u"metadata_scanned"_s).toBool(), true);
    const QJsonObject kinds = o.value(u"kinds"_s).toObject();
    for (const QString &k : kKinds + QStringList{u"custom"_s}) {
        QVERIFY2(kinds.contains(k), qPrintable(k)); // every kind is always present
        const QJsonObject kind = kinds.value(k).toObject();
        QCOMPARE(kind.value(u"findings"_s).toInteger(), findings.value(k));
        QCOMPARE(kind.value(u"pairs"_s).toInteger(), pairs.value(k));
        QVERIFY(kind.value(u"examples"_s).isArray());
        if (k != u"custom"_s)
            QCOMPARE(kind.value(u"operator"_s).toString(), u"mask"_s);
    }
    const QJsonObject fields = o.value(u"fields"_s).toObject();
    QCOMPARE(fields.value(u"question"_s).toObject().value(u"findings"_s).toInteger(), inQ);
    QCOMPARE(fields.value(u"question"_s).toObject().value(u"pairs"_s).toInteger(), pairsQ);
    QCOMPARE(fields.value(u"sql"_s).toObject().value(u"findings"_s).toInteger(), inS);
    QCOMPARE(fields.value(u"sql"_s).toObject().value(u"pairs"_s).toInteger(), pairsS);
    QCOMPARE(fields.value(u"metadata"_s).toObject().value(u"findings"_s).toInteger(), inM);
    QCOMPARE(fields.value(u"metadata"_s).toObject().value(u"pairs"_s).toInteger(), pairsM);
    QVERIFY(o.value(u"custom_patterns"_s).toObject().isEmpty());
    QVERIFY(o.value(u"filter"_s).toObject().isEmpty());

    const QJsonObject db = o.value(u"database_names"_s).toObject();
    QCOMPARE(db.value(u"pairs"_s).toInteger(), recs.size());
    QCOMPARE(db.value(u"distinct"_s).toInteger(), 2);
    QCOMPARE(db.value(u"operator"_s).toString(), u"mask"_s);
    QVERIFY(QRegularExpression(u"^db_[0-9a-f]{8}$"_s).match(db.value(u"example"_s).toString()).hasMatch());

    // Examples: masked values, one per distinct value, shown inside their anonymized context.
    const QJsonArray emails = kinds.value(u"email"_s).toObject().value(u"examples"_s).toArray();
    QCOMPARE(emails.size(), 3); // alice (twice, one value), bob, carol
    QSet<QString> values;
    for (const QJsonValue &v : emails) {
        const QJsonObject e = v.toObject();
        const QString value = e.value(u"value"_s).toString();
        QVERIFY2(QRegularExpression(u"^user_[0-9a-f]{8}@example\\.com$"_s).match(value).hasMatch(),
                 qPrintable(value));
        QVERIFY(e.value(u"context"_s).toString().contains(value));
        QVERIFY(!e.value(u"pair_id"_s).toString().isEmpty());
        values.insert(value);
    }
    QCOMPARE(values.size(), 3);
    const QJsonArray phones = kinds.value(u"phone"_s).toObject().value(u"examples"_s).toArray();
    QCOMPARE(phones.first().toObject().value(u"value"_s).toString(), u"XXX-XXX-4567"_s);
    QCOMPARE(phones.first().toObject().value(u"field"_s).toString(), u"question"_s);
    QVERIFY(phones.first()
                .toObject()
                .value(u"context"_s)
                .toString()
                .contains(u"Call XXX-XXX-4567 or XXX-XXX-4567"_s));
    const QJsonArray cards = kinds.value(u"credit_card"_s).toObject().value(u"examples"_s).toArray();
    QCOMPARE(cards.first().toObject().value(u"field"_s).toString(), u"sql"_s);
    QCOMPARE(cards.first().toObject().value(u"value"_s).toString(), u"XXXX-XXXX-XXXX-1111"_s);
    bool metadataExample = false;
    for (const QJsonValue &v : emails)
        metadataExample |= v.toObject().value(u"field"_s).toString() == u"metadata.note"_s;
    QVERIFY(metadataExample);

    // --examples 0: counts only.
    const QJsonObject none = scanJson({u"--examples"_s, u"0"_s});
    for (const QString &k : kKinds)
        QVERIFY(
            none.value(u"kinds"_s).toObject().value(k).toObject().value(u"examples"_s).toArray().isEmpty());
    QCOMPARE(none.value(u"findings"_s).toInteger(), total);

    // The text report says the same.
    const Run r = run({u"scan"_s, m_pii});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Scanned %1 pairs: %2 contain PII"_s.arg(recs.size()).arg(withPii)),
             qPrintable(r.out));
    QVERIFY(
        QRegularExpression(
            u"\\nemail\\s+%1\\s+%2\\s+mask"_s.arg(findings.value(u"email"_s)).arg(pairs.value(u"email"_s)))
            .match(r.out)
            .hasMatch());
    QVERIFY(r.out.contains(u"Call XXX-XXX-4567 or XXX-XXX-4567"_s));
}

void TstPrivacyCli::scanNeverPrintsOriginals()
{
    const Run text = run({u"scan"_s, m_pii, u"--examples"_s, u"1000"_s});
    const Run json = run({u"scan"_s, m_pii, u"--json"_s, u"--examples"_s, u"1000"_s});
    QCOMPARE(text.code, 0);
    QCOMPARE(json.code, 0);
    for (const QString &original : kOriginals) {
        for (const Run *r : {&text, &json}) {
            QVERIFY2(!r->out.contains(original, Qt::CaseInsensitive),
                     qPrintable(original + u" in "_s + r->out));
            QVERIFY2(!r->err.contains(original, Qt::CaseInsensitive), qPrintable(original));
        }
    }
}

void TstPrivacyCli::scanRespectsFilter()
{
    QJsonObject o = scanJson({u"--failed-only"_s}); // only p4
    QCOMPARE(o.value(u"pairs_scanned"_s).toInteger(), 1);
    QCOMPARE(o.value(u"pairs_with_pii"_s).toInteger(), 1);
    QCOMPARE(o.value(u"findings"_s).toInteger(), 2);
    QCOMPARE(
        o.value(u"kinds"_s).toObject().value(u"ip_address"_s).toObject().value(u"findings"_s).toInteger(), 2);
    QCOMPARE(o.value(u"kinds"_s).toObject().value(u"email"_s).toObject().value(u"findings"_s).toInteger(), 0);
    QCOMPARE(o.value(u"filter"_s).toObject().value(u"success"_s).toString(), u"failed"_s);

    o = scanJson({u"--db-name"_s, u"crm"_s}); // p8, p9
    QCOMPARE(o.value(u"pairs_scanned"_s).toInteger(), 2);
    QCOMPARE(o.value(u"pairs_with_pii"_s).toInteger(), 1);
    QCOMPARE(o.value(u"kinds"_s).toObject().value(u"email"_s).toObject().value(u"pairs"_s).toInteger(), 1);
    QCOMPARE(o.value(u"kinds"_s).toObject().value(u"phone"_s).toObject().value(u"findings"_s).toInteger(), 1);
    QCOMPARE(o.value(u"database_names"_s).toObject().value(u"distinct"_s).toInteger(), 1);

    // --pii filters on the PII kinds (pii_mask), which count the metadata's values too: p1 and p8
    // (question or SQL) and p7 (metadata only).
    o = scanJson({u"--pii"_s, u"email"_s});
    QCOMPARE(o.value(u"pairs_scanned"_s).toInteger(), 3);
    QCOMPARE(o.value(u"kinds"_s).toObject().value(u"email"_s).toObject().value(u"findings"_s).toInteger(), 4);

    o = scanJson({u"--search"_s, u"nothing-matches-this"_s});
    QCOMPARE(o.value(u"pairs_scanned"_s).toInteger(), 0);
    QCOMPARE(o.value(u"pairs_with_pii"_s).toInteger(), 0);
}

void TstPrivacyCli::scanKeepAndCustomPatterns()
{
    const QString copy = m_dir.filePath(u"keep.pairlens"_s);
    QVERIFY(QFile::copy(m_pii, copy));
    {
        QString error;
        auto ds = pairlens::Dataset::open(copy, pairlens::Dataset::Mode::OpenExisting, &error);
        QVERIFY2(ds, qPrintable(error));
        QVERIFY(ds->setSetting(u"privacy.operator.email"_s, u"keep"_s));
        QVERIFY(ds->setSetting(u"privacy.operator.phone"_s, u"redact"_s));
        QVERIFY(ds->setSetting(
            u"privacy.custom_patterns"_s,
            u"[{\"name\":\"employee_id\",\"pattern\":\"EMP-\\\\d{5}\",\"operator\":\"redact\"}]"_s));
    }
    const QJsonObject o = scanJson({u"--examples"_s, u"1000"_s}, copy);
    const QJsonObject kinds = o.value(u"kinds"_s).toObject();
    QCOMPARE(kinds.value(u"email"_s).toObject().value(u"operator"_s).toString(), u"keep"_s);
    QCOMPARE(kinds.value(u"email"_s).toObject().value(u"findings"_s).toInteger(), 4);
    for (const QJsonValue &v : kinds.value(u"email"_s).toObject().value(u"examples"_s).toArray())
        QCOMPARE(v.toObject().value(u"value"_s).toString(), u"<kept email>"_s);
    QCOMPARE(kinds.value(u"phone"_s)
                 .toObject()
                 .value(u"examples"_s)
                 .toArray()
                 .first()
                 .toObject()
                 .value(u"value"_s)
                 .toString(),
             u"<PHONE>"_s);
    QCOMPARE(kinds.value(u"custom"_s).toObject().value(u"findings"_s).toInteger(), 1);
    const QJsonObject pattern = o.value(u"custom_patterns"_s).toObject().value(u"employee_id"_s).toObject();
    QCOMPARE(pattern.value(u"findings"_s).toInteger(), 1);
    QCOMPARE(pattern.value(u"pairs"_s).toInteger(), 1);
    QCOMPARE(pattern.value(u"operator"_s).toString(), u"redact"_s);
    const QJsonObject ex =
        kinds.value(u"custom"_s).toObject().value(u"examples"_s).toArray().first().toObject();
    QCOMPARE(ex.value(u"value"_s).toString(), u"<EMPLOYEE_ID>"_s);
    QCOMPARE(ex.value(u"pattern"_s).toString(), u"employee_id"_s);
    QCOMPARE(o.value(u"pairs_with_pii"_s).toInteger(), 8);

    const Run text = run({u"scan"_s, copy, u"--examples"_s, u"1000"_s});
    const QString json = QString::fromUtf8(QJsonDocument(o).toJson());
    for (const QString &original : kOriginals) {
        QVERIFY2(!json.contains(original, Qt::CaseInsensitive), qPrintable(original));
        QVERIFY2(!text.out.contains(original, Qt::CaseInsensitive), qPrintable(original));
    }
    QVERIFY(text.out.contains(u"custom:employee_id"_s));
}

void TstPrivacyCli::scanDemoDataset()
{
    const QString demo = m_dir.filePath(u"demo.pairlens"_s);
    Run r = run({u"demo"_s, demo, u"--pairs"_s, u"1500"_s, u"--seed"_s, u"3"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = scanJson({u"--examples"_s, u"1000"_s}, demo);
    QCOMPARE(o.value(u"pairs_scanned"_s).toInteger(), 1500);

    // The stored pii_mask (question and SQL) is a lower bound for each kind; equal when the metadata
    // holds no PII.
    const bool metadataPii =
        o.value(u"fields"_s).toObject().value(u"metadata"_s).toObject().value(u"pairs"_s).toInteger() > 0;
    auto listTotal = [&](const QString &kind) {
        const Run l = run({u"list"_s, demo, u"--pii"_s, kind, u"--limit"_s, u"0"_s, u"--json"_s});
        return QJsonDocument::fromJson(l.out.toUtf8()).object().value(u"total"_s).toInteger(-1);
    };
    qint64 any = listTotal(u"any"_s);
    QVERIFY(any > 0);
    QVERIFY(o.value(u"pairs_with_pii"_s).toInteger() >= any);
    if (!metadataPii)
        QCOMPARE(o.value(u"pairs_with_pii"_s).toInteger(), any);
    for (const QString &k : kKinds) {
        const qint64 stored = listTotal(k);
        const qint64 scanned =
            o.value(u"kinds"_s).toObject().value(k).toObject().value(u"pairs"_s).toInteger();
        QVERIFY2(scanned >= stored, qPrintable(k));
        if (!metadataPii)
            QCOMPARE(scanned, stored);
    }

    // No e-mail address of the demo questions appears in the report (found with a plain regex here).
    r = run({u"list"_s, demo, u"--limit"_s, u"100000"_s, u"--json"_s});
    const QRegularExpression mail(u"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+"_s);
    QSet<QString> addresses;
    for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"pairs"_s).toArray()) {
        const QString q = v.toObject().value(u"natural_language_query"_s).toString();
        for (auto it = mail.globalMatch(q); it.hasNext();)
            addresses.insert(it.next().captured());
    }
    QVERIFY(!addresses.isEmpty());
    const Run text = run({u"scan"_s, demo, u"--examples"_s, u"1000"_s});
    const QString json = QString::fromUtf8(QJsonDocument(o).toJson());
    for (const QString &a : std::as_const(addresses)) {
        if (a.endsWith(u"@example.com"_s) || a.endsWith(u"@example.org"_s))
            continue; // could be a mask or pseudonym format
        QVERIFY2(!json.contains(a), qPrintable(a));
        QVERIFY2(!text.out.contains(a), qPrintable(a));
    }
}

void TstPrivacyCli::scanFailOnPii()
{
    // Pairs per kind, from the records table, and the sentence part the scan says for a kind.
    QHash<QString, int> pairs;
    for (const Record &rec : records()) {
        for (auto it = rec.findings.constBegin(); it != rec.findings.constEnd(); ++it)
            pairs[it.key()] += 1;
    }
    auto holds = [](int n, const QString &kind) {
        return n == 1 ? u"1 pair holds %1 values"_s.arg(kind) : u"%1 pairs hold %2 values"_s.arg(n).arg(kind);
    };
    const QString keepEnd = u" that an export would keep un-anonymized (operator keep).\n"_s;

    // Default operators (mask): nothing would leave as it is, but PII is there.
    Run r = run({u"scan"_s, m_pii, u"--fail-on-pii"_s});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QVERIFY(r.out.contains(u"Scanned 9 pairs"_s));
    r = run({u"scan"_s, m_pii, u"--fail-on-any-pii"_s});
    QCOMPARE(r.code, 4);
    QVERIFY(r.out.contains(u"Scanned 9 pairs"_s)); // the report is still printed
    QStringList all;
    for (const QString &k : kKinds)
        all << holds(pairs.value(k), k);
    QCOMPARE(r.err,
             u"pairlens scan: %1 and %2 that an export with --no-anonymize would write as they are.\n"_s.arg(
                 all.mid(0, all.size() - 1).join(u", "_s), all.constLast()));
    r = run({u"scan"_s, m_pii, u"--fail-on-any-pii"_s, u"--search"_s, u"orders last week"_s}); // p6: no PII
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.isEmpty());

    // A dataset whose e-mail operator is keep, set with the real command.
    const QString leak = m_dir.filePath(u"leak.pairlens"_s);
    r = run({u"import"_s, leak, m_dir.filePath(u"pii.jsonl"_s)});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run({u"privacy"_s, leak, u"--operator"_s, u"email=keep"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run({u"scan"_s, leak});
    QCOMPARE(r.code, 0); // without the option, a report only
    r = run({u"scan"_s, leak, u"--fail-on-pii"_s});
    QCOMPARE(r.code, 4);
    QVERIFY(r.out.contains(u"Scanned 9 pairs"_s));
    QCOMPARE(r.err, u"pairlens scan: "_s + holds(pairs.value(u"email"_s), u"email"_s) + keepEnd);
    QCOMPARE(r.err, u"pairlens scan: 3 pairs hold email values"_s + keepEnd);
    for (const QString &original : kOriginals)
        QVERIFY2(!r.err.contains(original, Qt::CaseInsensitive) &&
                     !r.out.contains(original, Qt::CaseInsensitive),
                 qPrintable(original));

    // --json: the report is still one valid object on stdout, the sentence on stderr.
    r = run({u"scan"_s, leak, u"--fail-on-pii"_s, u"--json"_s});
    QCOMPARE(r.code, 4);
    QJsonParseError e;
    const QJsonObject o = QJsonDocument::fromJson(r.rawOut, &e).object();
    QCOMPARE(e.error, QJsonParseError::NoError);
    QCOMPARE(o.value(u"pairs_scanned"_s).toInteger(), 9);
    QCOMPARE(o.value(u"kinds"_s).toObject().value(u"email"_s).toObject().value(u"operator"_s).toString(),
             u"keep"_s);
    QCOMPARE(r.err, u"pairlens scan: 3 pairs hold email values"_s + keepEnd);

    // The filter decides which pairs count: p4 has no e-mail; p8 is the one crm pair with one.
    r = run({u"scan"_s, leak, u"--fail-on-pii"_s, u"--failed-only"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.err.isEmpty());
    r = run({u"scan"_s, leak, u"--fail-on-pii"_s, u"--db-name"_s, u"crm"_s, u"--json"_s});
    QCOMPARE(r.code, 4);
    QCOMPARE(r.err, u"pairlens scan: 1 pair holds email values"_s + keepEnd);
    QVERIFY(QJsonDocument::fromJson(r.rawOut).isObject());

    // A custom pattern kept as it is counts too, by its name.
    r = run({u"privacy"_s, leak, u"--add-pattern"_s, u"employee_id=EMP-\\d{5}"_s, u"--pattern-operator"_s,
             u"keep"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run({u"scan"_s, leak, u"--fail-on-pii"_s});
    QCOMPARE(r.code, 4);
    QCOMPARE(r.err, u"pairlens scan: 3 pairs hold email values and 1 pair holds custom:employee_id values"_s +
                        keepEnd);

    // Every operator replaces again: exit 0; database names kept as they are never count (not PII).
    r = run({u"privacy"_s, leak, u"--operator"_s, u"email=hash"_s, u"--operator"_s, u"database_name=keep"_s,
             u"--add-pattern"_s, u"employee_id=EMP-\\d{5}"_s, u"--pattern-operator"_s, u"redact"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run({u"scan"_s, leak, u"--fail-on-pii"_s});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    r = run({u"scan"_s, leak, u"--fail-on-any-pii"_s, u"--db-name"_s, u"crm"_s});
    QCOMPARE(r.code, 4);
    QCOMPARE(r.err,
             u"pairlens scan: 1 pair holds email values, 1 pair holds phone values and 1 pair holds "
             u"custom:employee_id values that an export with --no-anonymize would write as they are.\n"_s);

    // Usage errors and unreadable datasets keep their codes.
    r = run({u"scan"_s, leak, u"--fail-on-pii"_s, u"--examples"_s, u"many"_s});
    QCOMPARE(r.code, 2);
    r = run({u"scan"_s, m_dir.filePath(u"missing.pairlens"_s), u"--fail-on-any-pii"_s});
    QCOMPARE(r.code, 1);
}

void TstPrivacyCli::scanErrors()
{
    Run r = run({u"scan"_s, m_dir.filePath(u"missing.pairlens"_s)});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(u"does not exist"_s));
    QCOMPARE(r.err.trimmed().count(u'\n'), 0);
    r = run({u"scan"_s, m_pii, u"--examples"_s, u"many"_s});
    QCOMPARE(r.code, 2);
    r = run({u"scan"_s, m_pii, u"--pii"_s, u"passport"_s});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"passport"_s));
    r = run({u"scan"_s});
    QCOMPARE(r.code, 2);
    r = run({u"--help"_s});
    QVERIFY(r.out.contains(u"\n  scan DATASET"_s));
    QVERIFY(r.out.contains(u"\n  anonymize ["_s));
    r = run({u"anonymize"_s, u"--help"_s});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"random key"_s));
}

void TstPrivacyCli::anonymizeSeedExamples()
{
    const Run r = run({u"anonymize"_s}, "Call 555-123-4567 now\n"
                                        "SSN 123-45-6789\n"
                                        "card 4111 1111 1111 1111\n"
                                        "from 192.168.1.100\n"
                                        "mail john.doe@corp.com\n"
                                        "\n"
                                        "nothing here\r\n");
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.split(u'\n');
    QCOMPARE(lines.size(), 8); // seven lines, each ended by a newline
    QCOMPARE(lines.at(0), u"Call XXX-XXX-4567 now"_s);
    QCOMPARE(lines.at(1), u"SSN XXX-XX-6789"_s);
    QCOMPARE(lines.at(2), u"card XXXX-XXXX-XXXX-1111"_s);
    QCOMPARE(lines.at(3), u"from XXX.XXX.XXX.100"_s);
    QVERIFY2(QRegularExpression(u"^mail user_[0-9a-f]{8}@example\\.com$"_s).match(lines.at(4)).hasMatch(),
             qPrintable(lines.at(4)));
    QCOMPARE(lines.at(5), QString());
    QCOMPARE(lines.at(6), u"nothing here"_s);
    QVERIFY(r.err.isEmpty()); // stdin is not a terminal: no note
}

void TstPrivacyCli::anonymizeConsistency()
{
    const QByteArray input = "a john.doe@corp.com\nb John.Doe@Corp.com and 555-123-4567\nc +1 555 123 4567\n";
    auto emailOf = [](const QString &line) {
        return QRegularExpression(u"user_[0-9a-f]{8}@example\\.com"_s).match(line).captured();
    };
    const Run once = run({u"anonymize"_s}, input);
    QCOMPARE(once.code, 0);
    QStringList l = once.out.split(u'\n');
    QVERIFY(!emailOf(l.at(0)).isEmpty());
    QCOMPARE(emailOf(l.at(1)), emailOf(l.at(0))); // same value (case-insensitive), same replacement
    const Run twice = run({u"anonymize"_s}, input);
    QVERIFY(twice.out != once.out); // a random key per run

    const Run d1 = run({u"anonymize"_s, u"--dataset"_s, m_pii}, input);
    const Run d2 = run({u"anonymize"_s, u"--dataset"_s, m_pii}, input);
    const Run other = run({u"anonymize"_s, u"--dataset"_s, m_other}, input);
    QCOMPARE(d1.code, 0);
    QCOMPARE(d1.out, d2.out);                       // the dataset's key: the same across runs
    QVERIFY(emailOf(d1.out) != emailOf(other.out)); // another dataset, another key

    // anonymize --dataset gives the value the replacement that scan (and so an export) shows.
    const Run p1 = run({u"anonymize"_s, u"--dataset"_s, m_pii}, "alice.smith@corp.com\n");
    const QJsonObject scan = scanJson({u"--examples"_s, u"1000"_s});
    bool found = false;
    for (const QJsonValue &v :
         scan.value(u"kinds"_s).toObject().value(u"email"_s).toObject().value(u"examples"_s).toArray())
        found |= v.toObject().value(u"value"_s).toString() == p1.out.trimmed();
    QVERIFY2(found, qPrintable(p1.out)); // anonymize --dataset and scan agree
}

void TstPrivacyCli::anonymizeJsonOffsets()
{
    const QString line = u"😀 zoë wrote to alice@corp.com, 555-123-4567"_s;
    const Run r = run({u"anonymize"_s, u"--json"_s}, line.toUtf8() + "\nplain\n");
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    const QJsonObject o = QJsonDocument::fromJson(lines.at(0).toUtf8()).object();
    QCOMPARE(o.value(u"line"_s).toInteger(), 1);
    QCOMPARE(o.value(u"text"_s).toString(), line);
    const QString anonymized = o.value(u"anonymized"_s).toString();
    const QJsonArray findings = o.value(u"findings"_s).toArray();
    QCOMPARE(findings.size(), 2);

    auto codePoints = [](const QString &s) { return qint64(s.toUcs4().size()); };
    const QJsonObject email = findings.at(0).toObject();
    QCOMPARE(email.value(u"kind"_s).toString(), u"email"_s);
    const qsizetype at = line.indexOf(u"alice@corp.com"_s);
    QCOMPARE(email.value(u"start"_s).toInteger(), codePoints(line.left(at)));
    QCOMPARE(email.value(u"start"_s).toInteger(), 15); // 😀 is one code point (two UTF-16 units)
    QCOMPARE(email.value(u"end"_s).toInteger(), codePoints(line.left(at)) + 14);
    const QJsonObject phone = findings.at(1).toObject();
    QCOMPARE(phone.value(u"kind"_s).toString(), u"phone"_s);
    QCOMPARE(phone.value(u"replacement"_s).toString(), u"XXX-XXX-4567"_s);
    QCOMPARE(phone.value(u"end"_s).toInteger(), codePoints(line));
    // The replacement spans point into "anonymized", also in code points.
    const QList<uint> out = anonymized.toUcs4();
    for (const QJsonValue &v : findings) {
        const QJsonObject f = v.toObject();
        const qint64 rs = f.value(u"replacement_start"_s).toInteger(),
                     re = f.value(u"replacement_end"_s).toInteger();
        QCOMPARE(QString::fromUcs4(reinterpret_cast<const char32_t *>(out.constData()) + rs, re - rs),
                 f.value(u"replacement"_s).toString());
    }
    const QJsonObject plain = QJsonDocument::fromJson(lines.at(1).toUtf8()).object();
    QCOMPARE(plain.value(u"anonymized"_s).toString(), u"plain"_s);
    QVERIFY(plain.value(u"findings"_s).toArray().isEmpty());
    QCOMPARE(plain.value(u"line"_s).toInteger(), 2);
}

void TstPrivacyCli::anonymizeSqlKeepsIdentifiers()
{
    const QByteArray sql = "SELECT email FROM users WHERE email = 'x.y@corp.com' -- call 555-123-4567\n"
                           "SELECT * FROM cards WHERE id = 4111111111111111\n";
    const Run r = run({u"anonymize"_s, u"--sql"_s}, sql);
    QCOMPARE(r.code, 0);
    const QStringList lines = r.out.split(u'\n');
    QVERIFY2(
        QRegularExpression(u"^SELECT email FROM users WHERE email = 'user_[0-9a-f]{8}@example\\.com' -- call "
                           u"XXX-XXX-4567$"_s)
            .match(lines.at(0))
            .hasMatch(),
        qPrintable(lines.at(0)));
    QCOMPARE(lines.at(1), u"SELECT * FROM cards WHERE id = 4111111111111111"_s); // a number, not a literal
    // As free text the number is a card.
    const Run t = run({u"anonymize"_s}, "SELECT * FROM cards WHERE id = 4111111111111111\n");
    QCOMPARE(t.out.trimmed(), u"SELECT * FROM cards WHERE id = XXXX-XXXX-XXXX-1111"_s);
}

void TstPrivacyCli::anonymizeSqlInDialect()
{
    // MySQL reads "..." as a string and # as a comment; generic SQL reads an identifier and code.
    const QByteArray sql =
        "SELECT id FROM users WHERE email = \"ann.lee@corp.com\" # ask bob.jones@corp.com\n";
    const Run mysql = run({u"anonymize"_s, u"--sql"_s, u"--database-type"_s, u"MySQL 8.0"_s}, sql);
    QCOMPARE(mysql.code, 0);
    QVERIFY2(
        QRegularExpression(u"^SELECT id FROM users WHERE email = \"user_[0-9a-f]{8}@example\\.com\" # ask "
                           u"user_[0-9a-f]{8}@example\\.com$"_s)
            .match(mysql.out.trimmed())
            .hasMatch(),
        qPrintable(mysql.out));
    const Run generic = run({u"anonymize"_s, u"--sql"_s}, sql);
    QCOMPARE(generic.code, 0);
    QCOMPARE(generic.out.toUtf8(), sql); // an identifier and code: not changed
}

void TstPrivacyCli::anonymizeInvalidUtf8()
{
    const QByteArray input = "ok 555-123-4567\n"
                             "\xff\xfe bad 123-45-6789\n"
                             "overlong \xc0\xaf 123-45-6789\n"
                             "surrogate \xed\xa0\x80 123-45-6789\n"
                             "last\n";
    Run r = run({u"anonymize"_s}, input);
    QCOMPARE(r.code, 3);
    QCOMPARE(r.out, u"ok XXX-XXX-4567\nlast\n"_s);
    QVERIFY(!r.rawOut.contains("123-45-6789"));
    QVERIFY(!r.rawOut.contains('\xff'));
    for (const char *n : {"Line 2", "Line 3", "Line 4"})
        QVERIFY2(r.err.contains(QString::fromLatin1(n)), qPrintable(r.err));
    QVERIFY(!r.err.contains(u"Line 1 "_s));
    QVERIFY(!r.err.contains(u"123-45-6789"_s));

    r = run({u"anonymize"_s, u"--json"_s}, input);
    QCOMPARE(r.code, 3);
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5); // one object per input line
    const QJsonObject bad = QJsonDocument::fromJson(lines.at(1).toUtf8()).object();
    QCOMPARE(bad.value(u"line"_s).toInteger(), 2);
    QCOMPARE(bad.value(u"error"_s).toString(), u"invalid_utf8"_s);
    QVERIFY(!bad.contains(u"text"_s));
    QVERIFY(!r.out.contains(u"123-45-6789"_s));
    QCOMPARE(QJsonDocument::fromJson(lines.at(4).toUtf8()).object().value(u"anonymized"_s).toString(),
             u"last"_s);
}

void TstPrivacyCli::anonymizeFlushesPerLine()
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PAIRLENS_EXE), {u"anonymize"_s});
    QVERIFY(p.waitForStarted());
    p.write("SSN 123-45-6789\n");
    QByteArray got;
    while (!got.contains('\n') && p.waitForReadyRead(30000))
        got += p.readAllStandardOutput();
    QCOMPARE(got, QByteArray("SSN XXX-XX-6789\n")); // answered while stdin is still open
    p.write("IP 10.0.0.1\n");
    got.clear();
    while (!got.contains('\n') && p.waitForReadyRead(30000))
        got += p.readAllStandardOutput();
    QCOMPARE(got, QByteArray("IP XXX.XXX.XXX.1\n"));
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
}

void TstPrivacyCli::anonymizeErrors()
{
    Run r = run({u"anonymize"_s, u"--dataset"_s, m_dir.filePath(u"nope.pairlens"_s)}, "x\n");
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(u"does not exist"_s));
    QVERIFY(r.out.isEmpty());
    r = run({u"anonymize"_s, u"some text"_s}, "x\n");
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(u"stdin"_s));
    r = run({u"anonymize"_s, u"--bogus"_s}, "x\n");
    QCOMPARE(r.code, 2);
    // An empty input is fine.
    r = run({u"anonymize"_s}, "");
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.isEmpty());
    // --dataset opens read-only: the dataset file is not changed.
    const QByteArray before = [&] {
        QFile f(m_other);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    r = run({u"anonymize"_s, u"--dataset"_s, m_other}, "a@corp.com\n");
    QCOMPARE(r.code, 0);
    QFile f(m_other);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
}

// --operator KIND=surrogate through the real command: stored, listed, and `anonymize --dataset`
// writes realistic values in the input's format, the same ones on every run (the dataset's key).
void TstPrivacyCli::surrogateOperator()
{
    const QString ds = m_dir.filePath(u"surrogate.pairlens"_s);
    Run r = run({u"import"_s, ds, m_dir.filePath(u"pii.jsonl"_s)});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run({u"privacy"_s, ds, u"--operator"_s, u"phone=surrogate"_s, u"--operator"_s, u"name=surrogate"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run({u"privacy"_s, ds});
    QVERIFY2(r.out.contains(QRegularExpression(u"phone +surrogate"_s)), qPrintable(r.out));
    QVERIFY2(r.out.contains(QRegularExpression(u"name +surrogate"_s)), qPrintable(r.out));
    const QByteArray line = "Call Dr. Omar Johnson at (415) 867-5309\n";
    r = run({u"anonymize"_s, u"--dataset"_s, ds}, line);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QRegularExpressionMatch m =
        QRegularExpression(u"^Call Dr\\. ([A-Z][a-z]+ [A-Z][a-z]+) at \\(415\\) 555-01\\d\\d\\n$"_s)
            .match(r.out);
    QVERIFY2(m.hasMatch(), qPrintable(r.out));
    QVERIFY(m.captured(1) != u"Omar Johnson"_s);
    QCOMPARE(run({u"anonymize"_s, u"--dataset"_s, ds}, line).out, r.out);
    r = run({u"privacy"_s, ds, u"--operator"_s, u"name=lifelike"_s});
    QCOMPARE(r.code, 2);
}

QTEST_GUILESS_MAIN(TstPrivacyCli)
#include "tst_privacycli.moc"
