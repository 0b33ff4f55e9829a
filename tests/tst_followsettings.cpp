// Writers analyse pairs with the dataset's privacy settings as they are when they write: a store opened
// before another program (`pairlens privacy`, another window) changed them finds what the change
// added, and a writer whose settings cannot be read writes nothing rather than kinds found without
// the reviewers' patterns (the server over the same: tst_server.py, test_settings_followed).
#include "dataset/dataset.h"
#include "dataset/deriver.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "dataset/privacydecisions.h"
#include "privacy/anonymizer.h"
#include "privacy/piikind.h"
#include "testutil.h"
#include "ticketpairs.h"

#include <QFile>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;

using test::kTicketQuestion;
using test::kTicketSql;
using test::ticketPair;
constexpr quint32 kCustom = test::kCustomKind;

class TstFollowSettings : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void addsEditsAndImportsFollowAnotherConnectionsChange();
    void aDeriverWithoutItsSettingsWritesNothing();
    // The race the write transaction closes: pairs analysed before another program's change and
    // written after its rescan passed them.
    void pairsAnalysedBeforeAChangeAreWrittenWithIt();
    void anImportFollowsAChangeMadeWhileItRuns();
    void analysisOfOutsideRowsFollowsAChangeMadeWhileItRuns();
    void aRescanOvertakenByAnotherChangeStartsOver();
    // A rescan reads a batch, finds the kinds, then writes those that changed: an edit committed in
    // between keeps the kinds of its new texts.
    void aRescanKeepsTheKindsOfAnEditMadeMeanwhile();

private:
    // Edits a pair's texts through a connection of its own, as another program would.
    void editElsewhere(const QString &pairId, const QString &question, const QString &sql);
    // Adds (`add`) or removes the ticket pattern through a connection of its own, as another
    // program would.
    void changePatternElsewhere(bool add);
    quint32 maskOf(const QString &pairId);
    // Pairs whose PII kinds include (`withCustom`) or lack the custom kind.
    qint64 countCustom(bool withCustom);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<Dataset> m_ds;
    std::unique_ptr<PairStore> m_store;
};

void TstFollowSettings::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(u"follow.pairlens"_s);
    QString error;
    m_ds = Dataset::open(m_path, Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(m_ds, qPrintable(error));
    m_store = std::make_unique<PairStore>(*m_ds);
    Pair plain = ticketPair(u"plain"_s);
    plain.naturalLanguageQuery = u"How many tickets are open?"_s;
    plain.sqlQuery = u"SELECT count(*) FROM tickets"_s;
    QVERIFY(m_store->add({plain}).error.isEmpty());
}

void TstFollowSettings::cleanup()
{
    m_store.reset();
    m_ds.reset();
    m_dir.reset();
}

void TstFollowSettings::changePatternElsewhere(bool add)
{
    QString error;
    const std::unique_ptr<Dataset> other = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(other, qPrintable(error));
    QHash<QString, QString> settings;
    QVERIFY2(other->readSettings(&settings, &error), qPrintable(error));
    QVERIFY2(savePrivacySettings(*other, test::withTicketPattern(settings, add), &error) >= 0,
             qPrintable(error));
}

quint32 TstFollowSettings::maskOf(const QString &pairId)
{
    const std::optional<Pair> p = m_store->getByPairId(pairId);
    return p ? p->piiMask : 0xFFFFFFFFu;
}

qint64 TstFollowSettings::countCustom(bool withCustom)
{
    QSqlQuery q(m_ds->db());
    q.prepare(
        u"SELECT count(*) FROM pairs WHERE pair_id <> 'plain' AND (coalesce(pii_mask, 0) & ?) %1 0"_s.arg(
            withCustom ? u"<>"_s : u"="_s));
    q.addBindValue(kCustom);
    return q.exec() && q.next() ? q.value(0).toLongLong() : -1;
}

void TstFollowSettings::addsEditsAndImportsFollowAnotherConnectionsChange()
{
    // The store (a window's, a server's) exists before the change; the change's own rescan has
    // finished before these pairs are written, so only the writer itself can get them right.
    changePatternElsewhere(true);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(m_store->add({ticketPair(u"added"_s)}).error.isEmpty());
    QCOMPARE(maskOf(u"added"_s) & kCustom, kCustom);

    const qint64 plainRow = m_store->getByPairId(u"plain"_s)->rowId;
    QVERIFY2(m_store->updateText(plainRow, kTicketQuestion, kTicketSql), qPrintable(m_store->errorString()));
    QCOMPARE(maskOf(u"plain"_s) & kCustom, kCustom);

    const QString jsonl = m_dir->filePath(u"tickets.jsonl"_s);
    QFile f(jsonl);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        R"({"pair_id": "imported", "natural_language_query": "What is the status of ticket TCK-204518?", )"
        R"("sql_query": "SELECT 1", "timestamp": "2026-11-30T10:00:00Z"})"
        "\n");
    f.close();
    const ImportReport report = Importer(*m_store).importFile(jsonl);
    QVERIFY2(report.fatalError.isEmpty(), qPrintable(report.fatalError));
    QCOMPARE(maskOf(u"imported"_s) & kCustom, kCustom);

    // And back: with the pattern removed elsewhere, a new pair is not tagged with it.
    changePatternElsewhere(false);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(m_store->add({ticketPair(u"after-removal"_s)}).error.isEmpty());
    QCOMPARE(maskOf(u"after-removal"_s) & kCustom, 0u);
    QCOMPARE(maskOf(u"added"_s) & kCustom, 0u); // the removal's rescan
}

void TstFollowSettings::aDeriverWithoutItsSettingsWritesNothing()
{
    // A row an outside program wrote (not analysed yet) and a reader of the settings that fails,
    // as a lost connection to a PostgreSQL server or an I/O error makes it fail.
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"INSERT INTO pairs (pair_id, natural_language_query, sql_query, timestamp) "
                   "VALUES ('outside', 'Find jane.doe@gmail.com', 'SELECT 1', '2026-11-30T10:00:00Z')"_s));
    q.finish();
    bool readable = false;
    const Deriver deriver = Deriver::following(
        [&](QHash<QString, QString> *out, QString *error) {
            if (readable)
                return m_ds->readSettings(out, error);
            *error = u"disk I/O error"_s;
            return false;
        },
        m_ds->secret());
    QString error;
    QVERIFY(!deriver.usable(&error));
    QCOMPARE(error, u"Cannot read the privacy settings: disk I/O error"_s);

    error.clear();
    QCOMPARE(deriver.deriveMissing(*m_ds, &error), -1);
    QCOMPARE(error, u"Cannot read the privacy settings: disk I/O error"_s);
    QVERIFY(q.exec(u"SELECT query_type IS NULL FROM pairs WHERE pair_id = 'outside'"_s) && q.next());
    QVERIFY(q.value(0).toBool()); // left for a writer that can read them
    q.finish();
    error.clear();
    QCOMPARE(deriver.rescanPii(*m_ds, &error), -1);
    QCOMPARE(error, u"Cannot read the privacy settings: disk I/O error"_s);

    // Readable again: the same deriver reads them at its next use and analyses the row.
    readable = true;
    error.clear();
    QCOMPARE(deriver.deriveMissing(*m_ds, &error), 1);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(m_store->getByPairId(u"outside"_s)->piiMask & quint32(PiiKind::Email), quint32(PiiKind::Email));
}

void TstFollowSettings::pairsAnalysedBeforeAChangeAreWrittenWithIt()
{
    // As the server's writer and the importer's pipeline do: analysed first, written later.
    const Pair first = ticketPair(u"first"_s);
    const DerivedFields before = m_store->deriver().derive(first.naturalLanguageQuery, first.sqlQuery,
                                                           first.timestamp, first.databaseType, first.pairId);
    QCOMPARE(before.piiMask & kCustom, 0u);
    changePatternElsewhere(true); // its rescan is over before the pair is written
    if (QTest::currentTestFailed())
        return;
    PairStore::AddResult r = m_store->add({first}, {before});
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(maskOf(u"first"_s) & kCustom, kCustom);

    // And the other way: analysed with the pattern, which is removed before the write.
    const Pair second = ticketPair(u"second"_s);
    const DerivedFields with = m_store->deriver().derive(
        second.naturalLanguageQuery, second.sqlQuery, second.timestamp, second.databaseType, second.pairId);
    QCOMPARE(with.piiMask & kCustom, kCustom);
    changePatternElsewhere(false);
    if (QTest::currentTestFailed())
        return;
    r = m_store->add({second}, {with}, PairStore::AddMode::OneTransaction);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(maskOf(u"second"_s) & kCustom, 0u);
}

void TstFollowSettings::anImportFollowsAChangeMadeWhileItRuns()
{
    // Large enough for many chunks, parsed and analysed ahead of the writes on other threads.
    const QString jsonl = m_dir->filePath(u"many.jsonl"_s);
    constexpr int kPairs = 40000;
    QVERIFY(test::writeTicketLines(jsonl, kPairs));
    int reports = 0;
    const Progress progress([&](qint64 done, qint64 total, const QString &) {
        if (++reports == 1 && done < total)
            changePatternElsewhere(true);
    });
    const ImportReport report = Importer(*m_store).importFile(jsonl, ImportFormat::Auto, progress);
    QVERIFY2(report.fatalError.isEmpty(), qPrintable(report.fatalError));
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(reports > 2); // the change came before most of the file was written
    QCOMPARE(report.added, qint64(kPairs));
    QCOMPARE(countCustom(false), qint64(0));
    QCOMPARE(countCustom(true), qint64(kPairs));
}

void TstFollowSettings::analysisOfOutsideRowsFollowsAChangeMadeWhileItRuns()
{
    // Rows an outside program wrote, analysed in batches; the pattern arrives after the first.
    constexpr int kRows = 12000;
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
                   "INSERT INTO pairs (pair_id, natural_language_query, sql_query, timestamp) "
                   "SELECT 'o' || i, 'What is the status of ticket TCK-204518?', 'SELECT ' || i, "
                   "'2026-11-30T10:00:00Z' FROM n"_s.arg(kRows)));
    q.finish();
    int reports = 0;
    QString error;
    const qint64 derived =
        Deriver::forDataset(*m_ds).deriveMissing(*m_ds, &error, [&](qint64 done, qint64 total) {
            if (++reports == 1 && done < total)
                changePatternElsewhere(true);
            return true;
        });
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(derived, qint64(kRows));
    QCOMPARE(countCustom(false), qint64(0));
    QCOMPARE(countCustom(true), qint64(kRows));
}

void TstFollowSettings::aRescanOvertakenByAnotherChangeStartsOver()
{
    // 12,000 ticket pairs; this connection adds the pattern and rescans them in batches; after
    // the first batch another program removes it again (and runs its own rescan to the end).
    constexpr int kPairs = 12000;
    QList<Pair> pairs;
    for (int i = 0; i < kPairs; ++i)
        pairs << ticketPair(u"r%1"_s.arg(i));
    QVERIFY(m_store->add(pairs).error.isEmpty());
    QString error;
    QHash<QString, QString> settings;
    QVERIFY2(m_ds->readSettings(&settings, &error), qPrintable(error));
    const privacy::Config config = test::withTicketPattern(settings, true);
    int reports = 0;
    const qint64 changed = savePrivacySettings(*m_ds, config, &error, [&](qint64 done, qint64 total) {
        if (++reports == 1 && done < total)
            changePatternElsewhere(false);
        return true;
    });
    QVERIFY2(changed >= 0, qPrintable(error));
    QVERIFY(!QTest::currentTestFailed());
    QVERIFY(reports > 1);
    // The settings are the other program's (no pattern), and so are the kinds.
    QCOMPARE(countCustom(true), qint64(0));
    QVERIFY2(m_ds->readSettings(&settings, &error), qPrintable(error));
    QVERIFY(!settings.contains(Deriver::kRescanPendingKey));
}

void TstFollowSettings::editElsewhere(const QString &pairId, const QString &question, const QString &sql)
{
    QString error;
    const std::unique_ptr<Dataset> other = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(other, qPrintable(error));
    PairStore store(*other);
    const std::optional<Pair> pair = store.getByPairId(pairId);
    QVERIFY(pair);
    QVERIFY(store.updateText(pair->rowId, question, sql));
}

void TstFollowSettings::aRescanKeepsTheKindsOfAnEditMadeMeanwhile()
{
    // Two ticket pairs stored without the custom kind; a scanner that finds it in the ticket
    // number, and the other program's edit of "victim" to a text without one while the rescan
    // reads that pair (after the read, before the write).
    QVERIFY(m_store->add({ticketPair(u"victim"_s), ticketPair(u"other"_s)}).error.isEmpty());
    QCOMPARE(countCustom(true), qint64(0));
    bool edited = false;
    const Deriver scanner([&](QStringView question, QStringView, QStringView, QStringView pairId,
                              const QJsonObject &) -> quint32 {
        if (pairId == u"victim" && !edited) {
            edited = true;
            editElsewhere(u"victim"_s, u"How many tickets are closed?"_s, u"SELECT count(*) FROM tickets"_s);
        }
        return question.contains(u"TCK-") ? kCustom : 0;
    });
    QString error;
    const qint64 changed = scanner.rescanPii(*m_ds, &error);
    QVERIFY2(changed >= 0, qPrintable(error));
    QVERIFY(edited);
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(m_store->getByPairId(u"victim"_s)->naturalLanguageQuery, u"How many tickets are closed?"_s);
    QCOMPARE(maskOf(u"victim"_s) & kCustom, 0u); // the edit's kinds, not those of the old text
    QCOMPARE(maskOf(u"other"_s) & kCustom, kCustom);
    QCOMPARE(changed, qint64(1));
}

QTEST_GUILESS_MAIN(TstFollowSettings)
#include "tst_followsettings.moc"
