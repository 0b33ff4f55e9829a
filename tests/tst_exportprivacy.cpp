// The export engine's anonymization: on by default, and the statistics, the recorded filter,
// identifiers and dialects anonymized like the pairs.
#include "dataset/demogenerator.h"
#include "exportfixture.h"

#include "privacy/anonymizer.h"

#include <QJsonArray>
#include <QSet>
#include <QSqlQuery>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::exporting;
using namespace pairlens::test;

class TstExportPrivacy : public QObject, private ExportFixture
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void anonymizedByDefault();
    void statisticsAnonymizedLikeThePairs();
    void recordedFilterIsAnonymized();
    void identifiersAndDialectAnonymized();
};

void TstExportPrivacy::init()
{
    setUp();
}

void TstExportPrivacy::cleanup()
{
    tearDown();
}

void TstExportPrivacy::anonymizedByDefault()
{
    ExportResult r = exportTo(u"a.jsonl"_s, Format::Jsonl);
    QVERIFY2(r.ok, qPrintable(r.error));
    QByteArray raw = readFile(r.files.at(0).path);
    QVERIFY(!raw.contains(kEmail.toUtf8()));
    QVERIFY(!raw.contains("grace.hopper"));
    QCOMPARE(parseJsonl(raw).size(), 5);

    ExportOptions o;
    o.anonymize = false;
    r = exportTo(u"b.jsonl"_s, Format::Jsonl, o);
    QVERIFY(readFile(r.files.at(0).path).contains(kEmail.toUtf8()));
}

void TstExportPrivacy::statisticsAnonymizedLikeThePairs()
{
    const QString dbName = u"customer_zoe@corp.com"_s;
    const QString table = u"t_frank.green@corp.com"_s;
    Pair a =
        pair(u"s1"_s, u"Orders of the customer?"_s, u"SELECT * FROM `"_s + table + u"` JOIN orders ON 1"_s);
    a.databaseName = dbName;
    Pair b = pair(u"s2"_s, u"Other orders?"_s, u"SELECT * FROM orders"_s);
    b.databaseName = u"hr_erin.grey@corp.com"_s;
    PairStore store(*m_ds);
    QCOMPARE(store.add({a, b}).added, 2);

    ExportResult r = exportTo(u"st.json"_s, Format::Json);
    QVERIFY2(r.ok, qPrintable(r.error));
    QByteArray raw = readFile(r.files.at(0).path);
    QJsonObject doc = QJsonDocument::fromJson(raw).object();
    // The statistics' database names and tables are exactly the values the records carry.
    QSet<QString> recordNames, recordTables;
    for (const QJsonValue &v : doc[u"pairs"_s].toArray()) {
        recordNames << v[u"database_name"_s].toString();
        for (const QJsonValue &t : v[u"table_names"_s].toArray())
            recordTables << t.toString();
    }
    const QJsonObject stats = doc[u"statistics"_s].toObject();
    const QStringList statNames = stats[u"database_names"_s].toObject().keys();
    QCOMPARE(QSet<QString>(statNames.cbegin(), statNames.cend()), recordNames);
    QSet<QString> statTables;
    for (const QJsonValue &t : stats[u"top_tables"_s].toArray())
        statTables << t[u"name"_s].toString();
    QCOMPARE(statTables, recordTables);
    QVERIFY(statTables.contains(u"orders"_s)); // an ordinary name stays as it is
    for (const QString &original : {dbName, u"hr_erin.grey@corp.com"_s, table, u"shop"_s}) {
        const QByteArray outside = QByteArray(raw).replace((u'`' + table + u'`').toUtf8(), "`SQL`");
        QVERIFY2(!outside.contains(original.toUtf8()), qPrintable(original));
    }
    // The same replacement as the records, also for the table name in a prompt ({tables}).
    ExportOptions t;
    t.filter.pairIds = {u"s1"_s};
    t.promptTemplate = u"Tables: {tables}"_s;
    r = exportTo(u"st-alpaca.jsonl"_s, Format::Alpaca, t);
    QVERIFY2(r.ok, qPrintable(r.error));
    const QString instruction =
        parseJsonl(readFile(r.files.at(0).path)).value(0)[u"instruction"_s].toString();
    QVERIFY2(!instruction.contains(table) && instruction.contains(u"orders"_s), qPrintable(instruction));

    // Names that become equal (operator redact) are merged, their counts added.
    QVERIFY(m_ds->setSetting(u"privacy.operator.database_name"_s, u"redact"_s));
    r = exportTo(u"st-redact.json"_s, Format::Json);
    QVERIFY2(r.ok, qPrintable(r.error));
    doc = QJsonDocument::fromJson(readFile(r.files.at(0).path)).object();
    const QJsonObject names = doc[u"statistics"_s][u"database_names"_s].toObject();
    QCOMPARE(names.size(), 1);
    QCOMPARE(names.begin().value().toInt(), 7);
    QCOMPARE(names.begin().key(), doc[u"pairs"_s].toArray().at(0)[u"database_name"_s].toString());

    // Without anonymization the statistics hold the original values.
    ExportOptions plain;
    plain.anonymize = false;
    r = exportTo(u"st-raw.json"_s, Format::Json, plain);
    QVERIFY2(r.ok, qPrintable(r.error));
    doc = QJsonDocument::fromJson(readFile(r.files.at(0).path)).object();
    QVERIFY(doc[u"statistics"_s][u"database_names"_s].toObject().contains(dbName));
    bool found = false;
    for (const QJsonValue &t : doc[u"statistics"_s][u"top_tables"_s].toArray())
        found = found || t[u"name"_s].toString() == table;
    QVERIFY(found);
}

void TstExportPrivacy::recordedFilterIsAnonymized()
{
    Pair p = pair(u"rf1"_s, u"Orders for "_s + kEmail, u"SELECT * FROM orders"_s);
    p.databaseName = u"customer_zoe@corp.com"_s;
    QCOMPARE(PairStore(*m_ds).add({p}).added, 1);
    ExportOptions o;
    o.filter.databaseNames = {u"customer_zoe@corp.com"_s};
    o.filter.search = kEmail.toUpper();
    o.filter.pairIds = {u"rf1"_s, u"ann.lee@corp.com"_s};
    ExportResult r = exportTo(u"rf.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 1);
    const QString exportedName =
        parseJsonl(readFile(r.files.at(0).path)).value(0)[u"database_name"_s].toString();
    const QByteArray manifestText = readFile(r.manifestPath);
    const QJsonObject manifest = QJsonDocument::fromJson(manifestText).object();
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC"_s) && q.next());
    const QByteArray auditText = q.value(0).toString().toUtf8();
    const QJsonObject audit = QJsonDocument::fromJson(auditText).object();
    for (const QJsonObject &filter : {manifest[u"filter"_s].toObject(), audit[u"filter"_s].toObject()}) {
        // The structure is kept: the same keys, the same number of values.
        // (review_statuses: rejected pairs are left out.)
        QCOMPARE(filter.keys(),
                 (QStringList{u"database_names"_s, u"pair_ids"_s, u"review_statuses"_s, u"search"_s}));
        QCOMPARE(filter[u"database_names"_s].toArray(), QJsonArray{exportedName});
        QVERIFY(filter[u"search"_s].toString().endsWith(u"@example.com"_s));
        QCOMPARE(filter[u"pair_ids"_s].toArray().size(), 2);
        QCOMPARE(filter[u"pair_ids"_s].toArray().at(0).toString(), u"rf1"_s);
    }
    for (const QByteArray &text : {manifestText, auditText}) {
        for (const QString &original : {kEmail, kEmail.toUpper(), u"customer_zoe"_s, u"ann.lee@corp.com"_s})
            QVERIFY2(!text.contains(original.toUtf8()),
                     qPrintable(original + u" in "_s + QString::fromUtf8(text)));
    }
    QVERIFY(!manifest[u"filter_description"_s].toString().contains(u"corp.com"_s));

    // Without anonymization the filter is recorded as given.
    o.anonymize = false;
    r = exportTo(u"rf-raw.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    const QJsonObject raw =
        QJsonDocument::fromJson(readFile(r.manifestPath)).object()[u"filter"_s].toObject();
    QCOMPARE(raw[u"search"_s].toString(), kEmail.toUpper());
    QCOMPARE(raw[u"database_names"_s].toArray(), QJsonArray{u"customer_zoe@corp.com"_s});
}

void TstExportPrivacy::identifiersAndDialectAnonymized()
{
    // Personal data in pair_id and database_type, and SQL that is only read right in its dialect:
    // MySQL's double-quoted strings and '#' comments.
    Pair a = pair(u"ann.lee@corp.com"_s, u"Her orders?"_s,
                  u"SELECT * FROM users WHERE email = \"bob.jones@corp.com\" # or dora.kim@corp.com"_s);
    a.databaseType = u"mysql"_s;
    Pair b = pair(u"id-2"_s, u"Other orders?"_s, u"SELECT * FROM orders"_s);
    b.databaseType = u"postgresql carl.nash@corp.com"_s;
    PairStore store(*m_ds);
    QCOMPARE(store.add({a, b}).added, 2);
    QCOMPARE(store.add(DemoGenerator(11).generate(200)).added, 200);

    ExportOptions o;
    o.split = 0.5;
    ExportResult r = exportTo(u"ids.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QByteArray all;
    QHash<QString, QString> sideOf; // exported id -> file
    for (const ExportedFile &f : r.files) {
        const QByteArray bytes = readFile(f.path);
        all += bytes;
        for (const QJsonObject &line : parseJsonl(bytes))
            sideOf.insert(line[u"pair_id"_s].toString(), f.path);
    }
    for (const char *original : {"ann.lee", "bob.jones", "dora.kim", "carl.nash"})
        QVERIFY2(!all.contains(original), original);
    QCOMPARE(sideOf.size(), 207);        // ids stay unique
    QVERIFY(sideOf.contains(u"id-2"_s)); // ordinary ids stay
    QString anonId;
    for (auto it = sideOf.cbegin(); it != sideOf.cend(); ++it) {
        if (it.key().startsWith(u"pair_"_s))
            anonId = it.key();
    }
    QVERIFY2(!anonId.isEmpty(), "the id holding an e-mail address is replaced by pair_<hash>");
    QVERIFY(all.contains("\"database_type\":\"mysql\""));
    QVERIFY(all.contains("\"database_type\":\"postgresql "));
    // The replacement keeps MySQL's tokens: still a double-quoted string and a '#' comment.
    QVERIFY2(all.contains("WHERE email = \\\"") && all.contains(" # or "), all.left(400).constData());

    // The side of a pair is chosen by its original id: the same with and without anonymization.
    o.anonymize = false;
    const ExportResult plain = exportTo(u"ids-raw.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(plain.ok, qPrintable(plain.error));
    QSet<QString> plainTrain;
    for (const QJsonObject &line : parseJsonl(readFile(plain.files.at(0).path)))
        plainTrain << line[u"pair_id"_s].toString();
    QCOMPARE(plainTrain.contains(u"ann.lee@corp.com"_s), sideOf.value(anonId) == r.files.at(0).path);
    for (auto it = sideOf.cbegin(); it != sideOf.cend(); ++it) {
        if (it.key() != anonId)
            QCOMPARE(plainTrain.contains(it.key()), it.value() == r.files.at(0).path);
    }
}

QTEST_GUILESS_MAIN(TstExportPrivacy)
#include "tst_exportprivacy.moc"
