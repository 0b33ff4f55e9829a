// Privacy decisions ("not personal data", "mark as personal data"): the engine with decisions in its
// Config, and `pairlens privacy --not-pii/--mark/--forget/--list` end to end (the real binary in a
// child process, no display), honoured by scan, the stored PII kinds and export.
#include "testutil.h"

#include "dataset/dataset.h"
#include "dataset/privacydecisions.h"
#include "privacy/anonymizer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using pairlens::PiiKind;
using pairlens::privacy::Anonymizer;
using pairlens::privacy::Config;
using pairlens::privacy::Decision;

class TstPrivacyDecisions : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void engineDropsNotPii();
    void engineFindsMarkedValues();
    void decisionsRoundTrip();
    void cliNotPii();
    void cliMark();
    void cliForgetAndErrors();
    void engineNotPiiInOnePair();
    void decisionScopes();
    void cliNotPiiInOnePair();
    void exportReplacesSqlValuesInQuestion();

private:
    using Run = pairlens::test::CliRun;
    Run run(const QStringList &args);
    QString makeDataset(const QString &name);
    QJsonObject scanJson(const QString &dataset);
    QList<QJsonObject> exportRecords(const QString &dataset, const QString &name);
    QHash<QString, qint64> piiMasks(const QString &dataset);
    qint64 auditEntries(const QString &dataset);
    QTemporaryDir m_dir;
};

namespace {

// A Spider-like student id that the SSN detector flags, a real SSN-shaped value, and a name that no
// detector finds.
const QString kSpiderId = u"123456789"_s;

QByteArray pairsJsonl(const QStringList &ids, const QStringList &questions, const QStringList &sqls)
{
    QByteArray jsonl;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QJsonObject o{{u"pair_id"_s, ids[i]},
                            {u"natural_language_query"_s, questions[i]},
                            {u"sql_query"_s, sqls[i]},
                            {u"timestamp"_s, u"2024-03-01T10:00:00Z"_s},
                            {u"database_type"_s, u"sqlite"_s},
                            {u"success"_s, true}};
        jsonl += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    return jsonl;
}

const QStringList kIds = {u"s1"_s, u"s2"_s, u"s3"_s};
const QStringList kQuestions = {
    u"Show the student with id 123456789"_s,
    u"Which courses does Omar Johnson take? His SSN is 123-45-6789"_s,
    u"How many students are there?"_s,
};
const QStringList kSqls = {
    u"SELECT * FROM student WHERE stuid = '123456789'"_s,
    u"SELECT c.title FROM course c JOIN student s ON s.id = c.sid WHERE s.name = 'Omar Johnson'"_s,
    u"SELECT count(*) FROM student"_s,
};

} // namespace

TstPrivacyDecisions::Run TstPrivacyDecisions::run(const QStringList &args)
{
    return pairlens::test::runHeadless(QStringLiteral(PAIRLENS_EXE), args, m_dir.path());
}

QString TstPrivacyDecisions::makeDataset(const QString &name)
{
    const QString file = m_dir.filePath(name + u".jsonl"_s);
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(pairsJsonl(kIds, kQuestions, kSqls));
    f.close();
    const QString ds = m_dir.filePath(name + u".pairlens"_s);
    const Run r = run({u"import"_s, ds, file});
    if (r.code != 0) {
        qWarning() << r.err;
        return {};
    }
    return ds;
}

QJsonObject TstPrivacyDecisions::scanJson(const QString &dataset)
{
    const Run r = run({u"scan"_s, dataset, u"--json"_s, u"--examples"_s, u"100"_s});
    if (r.code != 0)
        qWarning() << r.err;
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

QList<QJsonObject> TstPrivacyDecisions::exportRecords(const QString &dataset, const QString &name)
{
    const QString out = m_dir.filePath(name);
    const Run r = run({u"export"_s, dataset, u"-o"_s, out, u"--format"_s, u"jsonl"_s});
    if (r.code != 0)
        qWarning() << r.err;
    QFile f(out);
    QList<QJsonObject> records;
    if (!f.open(QIODevice::ReadOnly))
        return records;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.isEmpty())
            records.append(QJsonDocument::fromJson(line).object());
    }
    return records;
}

QHash<QString, qint64> TstPrivacyDecisions::piiMasks(const QString &dataset)
{
    QHash<QString, qint64> masks;
    QString error;
    auto ds = pairlens::Dataset::open(dataset, pairlens::Dataset::Mode::ReadOnly, &error);
    if (!ds)
        return masks;
    QSqlQuery q(ds->db());
    q.exec(u"SELECT pair_id, coalesce(pii_mask, -1) FROM pairs"_s);
    while (q.next())
        masks.insert(q.value(0).toString(), q.value(1).toLongLong());
    return masks;
}

qint64 TstPrivacyDecisions::auditEntries(const QString &dataset)
{
    QString error;
    auto ds = pairlens::Dataset::open(dataset, pairlens::Dataset::Mode::ReadOnly, &error);
    if (!ds)
        return -1;
    QSqlQuery q(ds->db());
    q.exec(u"SELECT count(*) FROM audit_log WHERE action = 'privacy_decisions'"_s);
    return q.next() ? q.value(0).toLongLong() : -1;
}

void TstPrivacyDecisions::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TstPrivacyDecisions::engineDropsNotPii()
{
    Config config;
    config.key = QByteArray(32, 'k');
    const Anonymizer plain(config);
    QCOMPARE(plain.anonymizeText(kQuestions[0]).findings.size(), 1); // the id is read as an SSN
    config.decisions = {{Decision::Type::NotPii, kSpiderId}, {Decision::Type::NotPii, u"Alice@Corp.com"_s}};
    const Anonymizer a(config);
    QCOMPARE(a.anonymizeText(kQuestions[0]).text, kQuestions[0]);
    QCOMPARE(a.anonymizeSql(kSqls[0]).text, kSqls[0]);
    QCOMPARE(a.scanMask(kQuestions[0], kSqls[0]), 0u);
    // The exact text only: the same digits written as an SSN are still personal data.
    const auto ssn = a.anonymizeText(u"SSN 123-45-6789"_s);
    QCOMPARE(ssn.findings.size(), 1);
    QCOMPARE(ssn.findings[0].kind, PiiKind::Ssn);
    // E-mail addresses in any case; other values next to a decided one are still found.
    const auto mail = a.anonymizeText(u"mail alice@corp.com or bob@corp.com"_s);
    QCOMPARE(mail.findings.size(), 1);
    QCOMPARE(mail.findings[0].original, u"bob@corp.com"_s);
}

void TstPrivacyDecisions::engineFindsMarkedValues()
{
    Config config;
    config.key = QByteArray(32, 'k');
    config.operators.insert(PiiKind::Ssn, pairlens::privacy::Operator::Redact);
    config.decisions = {{Decision::Type::Mark, u"Omar Johnson"_s, PiiKind::Custom},
                        {Decision::Type::Mark, u"K-77"_s, PiiKind::Ssn}};
    const Anonymizer a(config);
    // Never inside a longer word (in lower case, which the name detector does not read).
    const auto q = a.anonymizeText(u"Does omar johnson know omar johnsonville? Badge K-77."_s);
    QCOMPARE(q.text, u"Does <MARKED> know omar johnsonville? Badge <SSN>."_s);
    QCOMPARE(q.findings.size(), 2);
    QCOMPARE(q.findings[0].kind, PiiKind::Custom);
    QCOMPARE(q.findings[0].customName, u"marked"_s);
    QCOMPARE(q.findings[1].kind, PiiKind::Ssn);
    // Capitalised, "Omar Johnsonville" is a name of its own (a given name and an unknown surname),
    // found as a name, not as the marked value.
    const auto capitalised = a.anonymizeText(u"Does omar johnson know Omar Johnsonville?"_s);
    QCOMPARE(capitalised.findings.size(), 2);
    QCOMPARE(capitalised.findings[1].original, u"Omar Johnsonville"_s);
    QCOMPARE(capitalised.findings[1].kind, PiiKind::Name);
    const auto sql = a.anonymizeSql(u"SELECT id FROM people WHERE name = 'Omar Johnson' -- K-77"_s);
    QCOMPARE(sql.text, u"SELECT id FROM people WHERE name = '<MARKED>' -- <SSN>"_s);
    QCOMPARE(a.scanMask(u"Omar Johnson"_s, u"SELECT 'K-77'"_s),
             quint32(PiiKind::Custom) | quint32(PiiKind::Ssn));
    // The same keyed pseudonym in the question and the SQL.
    config.operators.insert(PiiKind::Ssn, pairlens::privacy::Operator::Pseudonym);
    const Anonymizer p(config);
    const QString inText = p.anonymizeText(u"K-77"_s).text;
    QVERIFY(inText != u"K-77"_s);
    QCOMPARE(p.anonymizeSql(u"SELECT 'K-77'"_s).text, u"SELECT '%1'"_s.arg(inText));
}

void TstPrivacyDecisions::decisionsRoundTrip()
{
    const QList<Decision> decisions = {{Decision::Type::NotPii, kSpiderId},
                                       {Decision::Type::Mark, u"Omar Johnson"_s, PiiKind::Email}};
    const QString json = pairlens::privacy::decisionsToJson(decisions);
    QCOMPARE(pairlens::privacy::decisionsFromJson(json), decisions);
    const Config config = Config::fromSettings({{Config::kDecisionsKey, json}});
    QCOMPARE(config.decisions, decisions);
    // Never written with the other settings (the export manifest lists those).
    QVERIFY(!config.toSettings().contains(Config::kDecisionsKey));
    // Unreadable entries are skipped.
    QCOMPARE(
        pairlens::privacy::decisionsFromJson(
            u"[{\"decision\":\"mark\",\"kind\":\"nope\",\"value\":\"x\"},{\"decision\":\"not_pii\"},7]"_s)
            .size(),
        0);
}

void TstPrivacyDecisions::cliNotPii()
{
    const QString ds = makeDataset(u"notpii"_s);
    QVERIFY(!ds.isEmpty());
    QCOMPARE(
        scanJson(ds).value(u"kinds"_s).toObject().value(u"ssn"_s).toObject().value(u"findings"_s).toInt(), 3);
    QCOMPARE(piiMasks(ds).value(u"s1"_s), qint64(PiiKind::Ssn));
    QCOMPARE(auditEntries(ds), 0);

    const Run r = run({u"privacy"_s, ds, u"--not-pii"_s, kSpiderId});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(u"PII kinds updated for 1 pairs"_s));

    const QJsonObject scan = scanJson(ds);
    const QJsonObject ssn = scan.value(u"kinds"_s).toObject().value(u"ssn"_s).toObject();
    QCOMPARE(ssn.value(u"findings"_s).toInt(), 1); // 123-45-6789 in s2 only
    QCOMPARE(ssn.value(u"pairs"_s).toInt(), 1);
    QCOMPARE(ssn.value(u"examples"_s).toArray().first().toObject().value(u"pair_id"_s).toString(), u"s2"_s);
    // The stored PII kinds (statistics, the PII filter) follow at once.
    const QHash<QString, qint64> masks = piiMasks(ds);
    QCOMPARE(masks.value(u"s1"_s), 0);
    QCOMPARE(masks.value(u"s2"_s), qint64(PiiKind::Ssn) | qint64(PiiKind::Name)); // and Omar Johnson

    const QList<QJsonObject> records = exportRecords(ds, u"notpii-export.jsonl"_s);
    QCOMPARE(records.size(), 3);
    QCOMPARE(records[0].value(u"natural_language_query"_s).toString(), kQuestions[0]);
    QCOMPARE(records[0].value(u"sql_query"_s).toString(), kSqls[0]);
    QVERIFY(!records[1].value(u"natural_language_query"_s).toString().contains(u"123-45-6789"_s));

    // Kept in the dataset: a later process (reopening it) lists it, and the audit log has it.
    const Run list = run({u"privacy"_s, ds, u"--list"_s, u"--json"_s});
    QCOMPARE(list.code, 0);
    const QJsonArray listed =
        QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"decisions"_s).toArray();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed[0].toObject().value(u"decision"_s).toString(), u"not_pii"_s);
    QCOMPARE(listed[0].toObject().value(u"value"_s).toString(), kSpiderId);
    QCOMPARE(auditEntries(ds), 1);

    // Pairs imported later are scanned with the decisions too.
    const QString more = m_dir.filePath(u"more.jsonl"_s);
    QFile f(more);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(pairsJsonl({u"s4"_s}, {u"Student 123456789 again"_s}, {u"SELECT 1"_s}));
    f.close();
    QCOMPARE(run({u"import"_s, ds, more}).code, 0);
    QCOMPARE(piiMasks(ds).value(u"s4"_s), 0);
}

void TstPrivacyDecisions::cliMark()
{
    const QString ds = makeDataset(u"mark"_s);
    QVERIFY(!ds.isEmpty());
    QCOMPARE(
        scanJson(ds).value(u"kinds"_s).toObject().value(u"custom"_s).toObject().value(u"findings"_s).toInt(),
        0);
    const Run r = run({u"privacy"_s, ds, u"--mark"_s, u"custom=Omar Johnson"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));

    const QJsonObject scan = scanJson(ds);
    const QJsonObject custom = scan.value(u"kinds"_s).toObject().value(u"custom"_s).toObject();
    QCOMPARE(custom.value(u"findings"_s).toInt(), 2); // question and SQL of s2
    QCOMPARE(custom.value(u"pairs"_s).toInt(), 1);
    QVERIFY(!QJsonDocument(scan).toJson().contains("Omar"));
    QCOMPARE(piiMasks(ds).value(u"s2"_s), qint64(PiiKind::Ssn) | qint64(PiiKind::Custom));

    const QList<QJsonObject> records = exportRecords(ds, u"mark-export.jsonl"_s);
    QCOMPARE(records.size(), 3);
    QCOMPARE(records[1].value(u"natural_language_query"_s).toString(),
             u"Which courses does <MARKED> take? His SSN is XXX-XX-6789"_s);
    QCOMPARE(records[1].value(u"sql_query"_s).toString(),
             u"SELECT c.title FROM course c JOIN student s ON s.id = c.sid WHERE s.name = '<MARKED>'"_s);

    // A kind's operator applies to the values marked with it: pseudonyms, the same everywhere.
    QCOMPARE(
        run({u"privacy"_s, ds, u"--mark"_s, u"email=Omar Johnson"_s, u"--operator"_s, u"email=pseudonym"_s})
            .code,
        0);
    const QList<QJsonObject> again = exportRecords(ds, u"mark-export2.jsonl"_s);
    const QString question = again[1].value(u"natural_language_query"_s).toString();
    const QString sql = again[1].value(u"sql_query"_s).toString();
    const QString prefix = u"Which courses does "_s;
    QVERIFY2(question.startsWith(prefix), qPrintable(question));
    const QString pseudonym =
        question.mid(prefix.size(), question.indexOf(u' ', prefix.size()) - prefix.size());
    QVERIFY2(pseudonym.contains(u'@') && !pseudonym.contains(u"Omar"_s), qPrintable(pseudonym));
    QVERIFY2(sql.endsWith(u"'%1'"_s.arg(pseudonym)), qPrintable(sql));
    QCOMPARE(
        scanJson(ds).value(u"kinds"_s).toObject().value(u"email"_s).toObject().value(u"findings"_s).toInt(),
        2);
    QCOMPARE(auditEntries(ds), 2);
    const Run list = run({u"privacy"_s, ds, u"--list"_s});
    QVERIFY(list.out.contains(u"personal data (email)"_s));
    QVERIFY(list.out.contains(u"Omar Johnson"_s));
}

void TstPrivacyDecisions::cliForgetAndErrors()
{
    const QString ds = makeDataset(u"forget"_s);
    QVERIFY(!ds.isEmpty());
    QCOMPARE(run({u"privacy"_s, ds, u"--not-pii"_s, kSpiderId}).code, 0);
    QCOMPARE(piiMasks(ds).value(u"s1"_s), 0);
    const Run forget = run({u"privacy"_s, ds, u"--forget"_s, kSpiderId});
    QVERIFY2(forget.code == 0, qPrintable(forget.err));
    QCOMPARE(piiMasks(ds).value(u"s1"_s), qint64(PiiKind::Ssn));
    QVERIFY(run({u"privacy"_s, ds, u"--list"_s}).out.contains(u"no privacy decisions"_s));
    QCOMPARE(auditEntries(ds), 2);

    QCOMPARE(run({u"privacy"_s, ds, u"--forget"_s, u"nothing"_s}).code, 2);
    QCOMPARE(run({u"privacy"_s, ds, u"--mark"_s, u"person=Omar"_s}).code, 2);
    QCOMPARE(run({u"privacy"_s, ds, u"--mark"_s, u"Omar"_s}).code, 2);
    QCOMPARE(run({u"privacy"_s, ds, u"--not-pii"_s, u"  "_s}).code, 2);
    QCOMPARE(run({u"privacy"_s, ds, u"--not-pii"_s, QString(501, u'x')}).code, 2);
    QCOMPARE(auditEntries(ds), 2); // refused changes write nothing
}

void TstPrivacyDecisions::engineNotPiiInOnePair()
{
    Config config;
    config.key = QByteArray(32, 'k');
    Decision here{Decision::Type::NotPii, kSpiderId};
    here.pairId = u"s1"_s;
    config.decisions = {here};
    const Anonymizer a(config);
    QVERIFY(a.hasPairDecisions());
    // Every other pair (and a caller that names none) still sees the value as personal data.
    QCOMPARE(a.anonymizeText(kQuestions[0]).findings.size(), 1);
    QCOMPARE(&a.forPair(u"s2"_s), &a);
    QCOMPARE(&a.forPair(QString()), &a);
    const Anonymizer &s1 = a.forPair(u"s1"_s);
    QVERIFY(&s1 != &a);
    QCOMPARE(s1.anonymizeText(kQuestions[0]).text, kQuestions[0]);
    QCOMPARE(s1.anonymizeSql(kSqls[0]).text, kSqls[0]);
    QCOMPARE(s1.scanMask(kQuestions[0], kSqls[0]), 0u);
    // Other values of that pair are still found, with the replacements every pair gets.
    const auto other = s1.anonymizeText(u"SSN 123-45-6789"_s);
    QCOMPARE(other.findings.size(), 1);
    QCOMPARE(other.text, a.anonymizeText(u"SSN 123-45-6789"_s).text);
    // anonymizePair() picks the pair's decisions itself.
    pairlens::Pair pair;
    pair.pairId = u"s1"_s;
    pair.naturalLanguageQuery = kQuestions[0];
    pair.sqlQuery = kSqls[0];
    QCOMPARE(a.anonymizePair(pair).question.text, kQuestions[0]);
    pair.pairId = u"s9"_s;
    QVERIFY(a.anonymizePair(pair).question.text != kQuestions[0]);
    // The stored form keeps the scope.
    QCOMPARE(pairlens::privacy::decisionsFromJson(pairlens::privacy::decisionsToJson(config.decisions)),
             config.decisions);
}

void TstPrivacyDecisions::decisionScopes()
{
    using pairlens::withDecision;
    using pairlens::withoutDecision;
    Decision inS1{Decision::Type::NotPii, kSpiderId};
    inS1.pairId = u"s1"_s;
    Decision inS2 = inS1;
    inS2.pairId = u"s2"_s;
    QList<Decision> d = withDecision(withDecision({}, inS1), inS2);
    QCOMPARE(d.size(), 2);              // two pairs, two decisions
    QCOMPARE(withDecision(d, inS1), d); // the same again changes nothing
    // A decision for every pair replaces those of single pairs about the value.
    const Decision everywhere{Decision::Type::NotPii, kSpiderId};
    QCOMPARE(withDecision(d, everywhere), QList<Decision>{everywhere});
    // ... and a single pair's is then not added.
    QCOMPARE(withDecision({everywhere}, inS1), QList<Decision>{everywhere});
    // A pair's "not personal data" is an exception to a mark for every pair: both are kept.
    const Decision mark{Decision::Type::Mark, kSpiderId, PiiKind::Ssn};
    QCOMPARE(withDecision({mark}, inS1).size(), 2);
    // Forgetting: one pair's, or every decision about the value.
    QCOMPARE(withoutDecision(d, kSpiderId, u"s2"_s), QList<Decision>{inS1});
    QCOMPARE(withoutDecision(d, kSpiderId, QString()), d);
    QVERIFY(withoutDecision(d, kSpiderId).isEmpty());
}

void TstPrivacyDecisions::cliNotPiiInOnePair()
{
    const QString ds = makeDataset(u"notpiipair"_s);
    QVERIFY(!ds.isEmpty());
    // s4 holds the same id as s1.
    const QString more = m_dir.filePath(u"pairscope.jsonl"_s);
    QFile f(more);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(pairsJsonl({u"s4"_s}, {u"Student 123456789 again"_s}, {u"SELECT 1"_s}));
    f.close();
    QCOMPARE(run({u"import"_s, ds, more}).code, 0);
    QCOMPARE(piiMasks(ds).value(u"s4"_s), qint64(PiiKind::Ssn));

    const Run r = run({u"privacy"_s, ds, u"--not-pii"_s, kSpiderId, u"--pair"_s, u"s1"_s});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(u"PII kinds updated for 1 pairs"_s));
    QHash<QString, qint64> masks = piiMasks(ds);
    QCOMPARE(masks.value(u"s1"_s), 0);
    QCOMPARE(masks.value(u"s4"_s), qint64(PiiKind::Ssn)); // the same value elsewhere is still found

    const QList<QJsonObject> records = exportRecords(ds, u"notpiipair-export.jsonl"_s);
    QCOMPARE(records.size(), 4);
    QCOMPARE(records[0].value(u"natural_language_query"_s).toString(), kQuestions[0]);
    QCOMPARE(records[0].value(u"sql_query"_s).toString(), kSqls[0]);
    QVERIFY(!records[3].value(u"natural_language_query"_s).toString().contains(kSpiderId));
    const QJsonObject ssn = scanJson(ds).value(u"kinds"_s).toObject().value(u"ssn"_s).toObject();
    QCOMPARE(ssn.value(u"pairs"_s).toInt(), 2); // s2 and s4

    const Run list = run({u"privacy"_s, ds, u"--list"_s, u"--json"_s});
    const QJsonArray listed =
        QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"decisions"_s).toArray();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed[0].toObject().value(u"pair_id"_s).toString(), u"s1"_s);
    QVERIFY(run({u"privacy"_s, ds, u"--list"_s}).out.contains(u"not personal data in s1"_s));

    // --pair goes with --not-pii or --forget only; a mark applies to every pair.
    const Run bad = run({u"privacy"_s, ds, u"--mark"_s, u"ssn=K-1"_s, u"--pair"_s, u"s1"_s});
    QCOMPARE(bad.code, 2);
    QVERIFY(bad.err.contains(u"--pair"_s));

    // Forgetting that pair's decision brings the finding back.
    const Run forget = run({u"privacy"_s, ds, u"--forget"_s, kSpiderId, u"--pair"_s, u"s1"_s});
    QVERIFY2(forget.code == 0, qPrintable(forget.err));
    QCOMPARE(piiMasks(ds).value(u"s1"_s), qint64(PiiKind::Ssn));
    QCOMPARE(auditEntries(ds), 2);
}

void TstPrivacyDecisions::exportReplacesSqlValuesInQuestion()
{
    // "kdunbar77" is no e-mail, phone or name by its shape; the SQL says it is a user's e-mail
    // column's value. The export and scan replace it in the question too.
    const QString file = m_dir.filePath(u"columns.jsonl"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(pairsJsonl(
        {u"c1"_s}, {u"Which orders did the user with e-mail kdunbar77 place?"_s},
        {u"SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email = 'kdunbar77'"_s}));
    f.close();
    const QString ds = m_dir.filePath(u"columns.pairlens"_s);
    QCOMPARE(run({u"import"_s, ds, file}).code, 0);
    const QList<QJsonObject> records = exportRecords(ds, u"columns-export.jsonl"_s);
    QCOMPARE(records.size(), 1);
    const QString question = records[0].value(u"natural_language_query"_s).toString();
    const QString sql = records[0].value(u"sql_query"_s).toString();
    QVERIFY2(!sql.contains(u"kdunbar77"_s), qPrintable(sql));
    QVERIFY2(!question.contains(u"kdunbar77"_s), qPrintable(question));
    // The same replacement on both sides.
    const qsizetype at = sql.indexOf(u"u.email = '"_s) + 11;
    const QString replacement = sql.mid(at, sql.indexOf(u'\'', at) - at);
    QVERIFY(!replacement.isEmpty());
    QVERIFY2(question.contains(replacement), qPrintable(question + u" / "_s + replacement));
    // scan counts it in the question as well.
    const QJsonObject email = scanJson(ds).value(u"kinds"_s).toObject().value(u"email"_s).toObject();
    QCOMPARE(email.value(u"findings"_s).toInt(), 2);
}

QTEST_GUILESS_MAIN(TstPrivacyDecisions)
#include "tst_privacydecisions.moc"
