// Opening, creating, validating and migrating dataset files.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/schema.h"
#include "testutil.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;

class TstDataset : public QObject
{
    Q_OBJECT
private slots:
    void createsNewDataset();
    void refusesMissingFileUnlessCreating();
    void refusesForeignFiles_data();
    void refusesForeignFiles();
    void refusesNewerVersion();
    void cutShortDatasetIsDamagedNotEmpty();
    void migratesVersion1();
    void readOnlyFileOpensReadOnly();
    void version2ReadsReadOnlyAndUpgradesWritable();
    void settingsAndSecret();
    void outsideWriterSeedOnlyRowsGetDerived();
    void concurrentWriterWhileOpen();
    void damagedPageIsReportedNotTakenForTheEnd();
    void damagedSearchIndexIsNamed();
    void messagesForDamageAndFullDisk();
};

namespace {

// The page size of a closed dataset, the root page of one of its tables, and a page of that table
// below its root (the middle child of the root, when the root is an interior page).
struct TablePages
{
    int pageSize = 0;
    int root = 0;
    int child = 0;
};

TablePages tablePages(const QString &path, const QString &table)
{
    TablePages t;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"pages"_s);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"PRAGMA page_size"_s) && q.next())
                t.pageSize = q.value(0).toInt();
            q.prepare(u"SELECT rootpage FROM sqlite_schema WHERE name = ?"_s);
            q.addBindValue(table);
            if (q.exec() && q.next())
                t.root = q.value(0).toInt();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"pages"_s);
    t.child = t.root;
    // SQLite's file format: an interior table page (type 5) holds its cell count at byte 3 and,
    // from byte 12, a 2-byte pointer per cell to a cell that starts with the child's page number.
    QFile f(path);
    if (t.root > 1 && f.open(QIODevice::ReadOnly) && f.seek(qint64(t.root - 1) * t.pageSize)) {
        const QByteArray page = f.read(t.pageSize);
        auto u16 = [&](int at) { return (uchar(page.at(at)) << 8) | uchar(page.at(at + 1)); };
        auto u32 = [&](int at) { return (u16(at) << 16) | u16(at + 2); };
        if (page.size() == t.pageSize && page.at(0) == 5 && u16(3) > 0)
            t.child = u32(u16(12 + 2 * (u16(3) / 2)));
    }
    return t;
}

// Writes garbage over one page of a closed dataset file.
bool damagePage(const QString &path, int page, int pageSize)
{
    QFile f(path);
    if (page < 1 || !f.open(QIODevice::ReadWrite) || !f.seek(qint64(page - 1) * pageSize))
        return false;
    QByteArray garbage;
    while (garbage.size() < pageSize)
        garbage += "\xDE\xAD\xBE\xEF";
    return f.write(garbage) == pageSize;
}

} // namespace

void TstDataset::createsNewDataset()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"new.pairlens"_s);
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(ds, qPrintable(error));
    QCOMPARE(ds->formatVersion(), schema::kCurrentVersion);
    QVERIFY(!ds->isReadOnly());
    QSqlQuery q(ds->db());
    QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"wal"_s);
    QVERIFY(q.exec(u"PRAGMA application_id"_s) && q.next());
    QCOMPARE(q.value(0).toInt(), schema::kApplicationId);
    // Every table the format document names is there.
    for (const QString &t : {u"pairs"_s, u"pairs_fts"_s, u"pair_tables"_s, u"audit_log"_s, u"settings"_s}) {
        QVERIFY(q.exec(u"SELECT count(*) FROM sqlite_schema WHERE name = '%1'"_s.arg(t)) && q.next());
        QVERIFY2(q.value(0).toInt() == 1, qPrintable(t));
    }
}

void TstDataset::refusesMissingFileUnlessCreating()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY(!Dataset::open(dir.filePath(u"missing.db"_s), Dataset::Mode::OpenExisting, &error));
    QVERIFY2(error.contains(u"does not exist"_s), qPrintable(error));
    QVERIFY(!QFile::exists(dir.filePath(u"missing.db"_s)));
    QVERIFY(!Dataset::open(dir.filePath(u"no/such/folder/x.db"_s), Dataset::Mode::OpenOrCreate, &error));
    QVERIFY2(error.contains(u"not writable"_s) || error.contains(u"does not exist"_s), qPrintable(error));
}

void TstDataset::refusesForeignFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("text file") << QByteArray("pair_id,question\n1,hello\n") << u"not an SQLite"_s;
    QTest::newRow("json") << QByteArray("{\"pairs\": []}") << u"not an SQLite"_s;
    QByteArray damaged("SQLite format 3\0", 16);
    damaged += QByteArray(4096, '\xAB');
    QTest::newRow("damaged sqlite") << damaged << u"damaged"_s;
}

void TstDataset::refusesForeignFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"foreign.db"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    QString error, details;
    QVERIFY(!Dataset::open(path, Dataset::Mode::OpenOrCreate, &error, &details));
    QVERIFY2(error.contains(expected), qPrintable(error));
    // One sentence; the driver's words ("Unable to fetch row") never, SQLite's only in the details.
    QVERIFY2(!error.contains(u"Unable to"_s) && !error.contains(u"SQLite error"_s), qPrintable(error));
    if (expected == u"damaged"_s)
        QVERIFY2(details.startsWith(u"SQLite error 26"_s), qPrintable(details));
    // The file is left exactly as it was.
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), content);
}

void TstDataset::cutShortDatasetIsDamagedNotEmpty()
{
    // A copy that stopped after a few pages: it must fail as damaged, never open as an empty or a
    // smaller dataset (or be "migrated" into one).
    QTemporaryDir dir;
    const QString path = dir.filePath(u"cut.pairlens"_s);
    QVERIFY(test::makeDemoDataset(path, 2000));
    const qint64 size = QFileInfo(path).size();
    for (const qint64 keep : {size / 2, qint64(4096 * 2)}) { // shorter each time
        QVERIFY(QFile::resize(path, keep));
        QString error, details;
        std::unique_ptr<Dataset> ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error, &details);
        if (ds) {
            // Page 1 and the table list were intact: the damage shows where pairs are read.
            PairStore store(*ds);
            const qint64 n = store.count(Filter());
            QVERIFY2(ds->damageReported(), qPrintable(QString::number(n)));
            QVERIFY(ds->damageMessage().contains(u" is damaged: "_s));
            continue;
        }
        QVERIFY2(error.contains(u" is damaged: "_s) && error.contains(u"restore it from a backup"_s),
                 qPrintable(error));
        QVERIFY2(!error.contains(u"empty"_s), qPrintable(error));
        QVERIFY2(details.startsWith(u"SQLite error"_s), qPrintable(details));
        QCOMPARE(QFileInfo(path).size(), keep); // left as it was
    }
}

void TstDataset::refusesNewerVersion()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"future.db"_s);
    {
        QString error;
        auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY(ds);
        QSqlQuery q(ds->db());
        QVERIFY(q.exec(u"PRAGMA user_version = 99"_s));
    }
    QString error;
    QVERIFY(!Dataset::open(path, Dataset::Mode::OpenExisting, &error));
    QVERIFY2(error.contains(u"newer PairLens"_s) && error.contains(u"99"_s), qPrintable(error));
}

void TstDataset::migratesVersion1()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"v1.db"_s);
    {
        // A version-1 file as an older PairLens wrote it: seed and derived fields, no curation.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v1"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QString error;
        QVERIFY2(schema::migrate(db, 0, &error, 1), qPrintable(error));
        QSqlQuery q(db);
        QVERIFY(q.exec(
            u"INSERT INTO pairs(pair_id, natural_language_query, sql_query, query_type, table_names) "
            "VALUES ('old-1', 'How many users?', 'SELECT count(*) FROM users', 'SELECT', '[\"users\"]')"_s));
        QVERIFY(q.exec(u"PRAGMA user_version"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"v1"_s);
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    QVERIFY(ds->wasMigrated());
    QCOMPARE(ds->formatVersion(), schema::kCurrentVersion);
    PairStore store(*ds);
    const auto p = store.getByPairId(u"old-1"_s);
    QVERIFY(p);
    QCOMPARE(p->naturalLanguageQuery, u"How many users?"_s);
    QCOMPARE(p->reviewStatus, ReviewStatus::Unreviewed);
    QSqlQuery q(ds->db());
    QVERIFY(q.exec(u"SELECT name FROM pair_tables"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"users"_s);
    // Curation works on the migrated file.
    Filter f;
    f.pairIds = {u"old-1"_s};
    QVERIFY(store.softDelete(f));
    QCOMPARE(store.count({}), 0);
}

void TstDataset::readOnlyFileOpensReadOnly()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"ro.db"_s);
    {
        QString error;
        auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY(ds);
        PairStore store(*ds);
        Pair p;
        p.pairId = u"a"_s;
        p.naturalLanguageQuery = u"q"_s;
        p.sqlQuery = u"SELECT 1"_s;
        QVERIFY(store.add({p}).error.isEmpty());
        QSqlQuery q(ds->db());
        q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
        q.exec(u"PRAGMA journal_mode = DELETE"_s);
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup);
    // root can write any file, so there the read-only path is entered through the mode instead.
    const bool permissionsApply = !QFileInfo(path).isWritable();
    QString error;
    auto ds =
        Dataset::open(path, permissionsApply ? Dataset::Mode::OpenExisting : Dataset::Mode::ReadOnly, &error);
    QVERIFY2(ds, qPrintable(error));
    QVERIFY(ds->isReadOnly());
    PairStore store(*ds);
    QCOMPARE(store.count({}), 1);
    QVERIFY(!store.softDelete(Filter{}));
    QVERIFY(store.errorString().contains(u"read-only"_s));
    QCOMPARE(store.count({}), 1);
}

// Version 3 only adds the sort indexes: a read-only version-2 file opens as it is, and a writable
// one gets them.
void TstDataset::version2ReadsReadOnlyAndUpgradesWritable()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"v2.pairlens"_s);
    const char *const sortIndexes[] = {"pairs_question", "pairs_sql", "pairs_pii"};
    auto countSortIndexes = [&](Dataset &ds) {
        QSqlQuery q(ds.db());
        int n = 0;
        for (const char *name : sortIndexes) {
            q.prepare(u"SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?"_s);
            q.addBindValue(QString::fromLatin1(name));
            if (q.exec() && q.next())
                n += q.value(0).toInt();
        }
        return n;
    };
    {
        QString error;
        auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY2(ds, qPrintable(error));
        QCOMPARE(countSortIndexes(*ds), 3);
        PairStore store(*ds);
        DemoGenerator gen(5);
        QCOMPARE(store.add(gen.generate(200)).added, 200);
        // Back to what version 2 wrote.
        QSqlQuery q(ds->db());
        for (const char *name : sortIndexes)
            QVERIFY(q.exec(u"DROP INDEX "_s + QString::fromLatin1(name)));
        QVERIFY(q.exec(u"PRAGMA user_version = 2"_s));
        q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
    }
    const PairStore::Sort byQuestion{PairStore::SortColumn::Question, Qt::AscendingOrder};
    QList<qint64> sorted;
    {
        QString error;
        auto ds = Dataset::open(path, Dataset::Mode::ReadOnly, &error);
        QVERIFY2(ds, qPrintable(error));
        QCOMPARE(ds->formatVersion(), 2);
        QVERIFY(!ds->wasMigrated());
        QCOMPARE(countSortIndexes(*ds), 0);
        PairStore store(*ds);
        QCOMPARE(store.count({}), 200);
        const QList<Pair> page = store.page({}, byQuestion, 200);
        QCOMPARE(page.size(), 200);
        for (qsizetype i = 1; i < page.size(); ++i)
            QVERIFY(page.at(i - 1).naturalLanguageQuery <= page.at(i).naturalLanguageQuery);
        sorted = store.rowIds({}, byQuestion);
    }
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    QVERIFY(ds->wasMigrated());
    QCOMPARE(ds->formatVersion(), schema::kCurrentVersion);
    QCOMPARE(countSortIndexes(*ds), 3);
    PairStore store(*ds);
    QCOMPARE(store.rowIds({}, byQuestion), sorted); // the same order through the index
}

void TstDataset::settingsAndSecret()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"s.db"_s);
    QByteArray secret;
    {
        QString error;
        auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY(ds);
        secret = ds->secret();
        QCOMPARE(secret.size(), 32);
        QVERIFY(ds->setSetting(u"privacy.operator.email"_s, u"redact"_s));
        QVERIFY(
            !test::storedSettings(*ds).contains(u"privacy.secret"_s)); // never handed out with the settings
    }
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::ReadOnly, &error);
    QVERIFY2(ds, qPrintable(error));
    QVERIFY(ds->isReadOnly());
    QCOMPARE(ds->secret(), secret); // stable across opens
    QCOMPARE(ds->setting(u"privacy.operator.email"_s), u"redact"_s);
    QVERIFY(!ds->setSetting(u"x"_s, u"y"_s));
    PairStore store(*ds);
    Pair p;
    p.naturalLanguageQuery = u"q"_s;
    QVERIFY(!store.add({p}).error.isEmpty());
    QVERIFY(store.errorString().contains(u"read-only"_s));
    // Another dataset has another secret.
    auto other = Dataset::open(dir.filePath(u"t.db"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY(other);
    QVERIFY(other->secret() != secret);
}

void TstDataset::outsideWriterSeedOnlyRowsGetDerived()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"outside.db"_s);
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    QVERIFY(ds);
    {
        // An outside program writing only seed fields, through its own connection.
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"outside"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(
            q.exec(u"INSERT INTO pairs(pair_id, natural_language_query, sql_query, timestamp, database_type, "
                   "success) VALUES ('ext-1', 'Delete old sessions', 'DELETE FROM sessions WHERE age > 30', "
                   "'2024-03-01T10:00:00+02:00', 'postgresql', 0)"_s));
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"outside"_s);
    const qint64 before = ds->dataVersion();
    Q_UNUSED(before);
    PairStore store(*ds);
    Filter f;
    f.queryTypes = {u"DELETE"_s};
    QCOMPARE(store.count(f), 0); // not analysed yet
    QCOMPARE(Deriver::forDataset(*ds).deriveMissing(*ds, &error), 1);
    QCOMPARE(store.count(f), 1);
    const auto p = store.getByPairId(u"ext-1"_s);
    QVERIFY(p);
    QCOMPARE(p->tableNames, QStringList{u"sessions"_s});
    QVERIFY(!p->success);
    // The timestamp with an offset is normalised to UTC for filtering.
    Filter byDate;
    byDate.from = parseFilterDate(u"2024-03-01T08:00:00Z"_s, false);
    byDate.to = parseFilterDate(u"2024-03-01T08:00:00Z"_s, true);
    QCOMPARE(store.count(byDate), 1);
    // The full-text index followed the outside insert.
    Filter search;
    search.search = u"sessions"_s;
    QCOMPARE(store.count(search), 1);
}

void TstDataset::concurrentWriterWhileOpen()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"busy.db"_s);
    QString error;
    auto reader = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    QVERIFY(reader);
    PairStore readStore(*reader);
    const qint64 v0 = reader->dataVersion();
    auto writer = reader->reopen(&error);
    QVERIFY2(writer, qPrintable(error));
    PairStore writeStore(*writer);
    QList<Pair> pairs;
    for (int i = 0; i < 100; ++i) {
        Pair p;
        p.pairId = u"w-%1"_s.arg(i);
        p.naturalLanguageQuery = u"question %1"_s.arg(i);
        p.sqlQuery = u"SELECT %1"_s.arg(i);
        pairs << p;
    }
    QCOMPARE(writeStore.add(pairs).added, 100);
    QCOMPARE(readStore.count({}), 100);
    QVERIFY(reader->dataVersion() != v0); // the reader can tell something changed
}

void TstDataset::damagedPageIsReportedNotTakenForTheEnd()
{
    // A damaged page of the pairs table ends a read of the pairs as if they had run out (the issue:
    // `list` showed 117 of 1,523 pairs and exited 0). SQLite's report of the damage tells the two
    // apart, whichever code path read the page.
    QTemporaryDir dir;
    const QString path = dir.filePath(u"damaged.pairlens"_s);
    QVERIFY(test::makeDemoDataset(path, 1523));
    const TablePages pages = tablePages(path, u"pairs"_s);
    QVERIFY2(pages.child != pages.root, "the pairs table should span more than one page");
    QVERIFY(damagePage(path, pages.child, pages.pageSize));

    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    QVERIFY(!ds->damageReported());
    PairStore store(*ds);
    const QList<Pair> read = store.page({}, {}, 5000);
    QVERIFY(read.size() < 1523);
    // The store tells the failed step from the end of the rows, and so does a rescan.
    QVERIFY2(!store.errorString().isEmpty(), "a read that met damage reports an error");
    QVERIFY(ds->damageReported());
    QString rescanError;
    QCOMPARE(Deriver::forDataset(*ds).rescanPii(*ds, &rescanError), qint64(-1));
    QVERIFY(!rescanError.isEmpty());
    const QString message = ds->damageMessage();
    QVERIFY2(message.startsWith(path + u" is damaged: "_s), qPrintable(message));
    QVERIFY2(message.contains(u"page %1"_s.arg(pages.child)), qPrintable(message));
    QVERIFY2(message.contains(u"restore it from a backup"_s), qPrintable(message));
    QCOMPARE(message.count(u'\n'), 0);
    QCOMPARE(ds->failureMessage(Dataset::Access::Read, u"Unable to fetch row"_s), message);

    // A dataset opened afterwards starts with no damage reported.
    auto other = Dataset::open(dir.filePath(u"healthy.pairlens"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY(other);
    QVERIFY(!other->damageReported());
    QCOMPARE(other->failureMessage(Dataset::Access::Read, u"boom"_s),
             u"Cannot read %1: boom"_s.arg(other->location()));
}

void TstDataset::damagedSearchIndexIsNamed()
{
    // The issue: a damaged page of the full-text index made searches fail with "Parameter count
    // mismatch" (the statement could not be prepared, and only its execution was checked).
    QTemporaryDir dir;
    const QString path = dir.filePath(u"fts.pairlens"_s);
    QVERIFY(test::makeDemoDataset(path, 500));
    const TablePages config = tablePages(path, u"pairs_fts_config"_s);
    QVERIFY(damagePage(path, config.root, config.pageSize));
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    QCOMPARE(store.count({}), 500); // no search: the index is not read
    Filter search;
    search.search = u"customers"_s;
    QCOMPARE(store.count(search), -1);
    QVERIFY(ds->damageReported());
    const QString message = ds->failureMessage(Dataset::Access::Read, store.errorString());
    QVERIFY2(message.contains(u"is damaged: its full-text search index cannot be read"_s),
             qPrintable(message));
    QVERIFY2(!message.contains(u"Parameter count"_s), qPrintable(message));
}

void TstDataset::messagesForDamageAndFullDisk()
{
    QVERIFY(Dataset::isDiskFullError(u"database or disk is full Unable to fetch row"_s));
    QVERIFY(Dataset::isDiskFullError(u"No space left on device"_s));
    QVERIFY(Dataset::isDamageError(u"database disk image is malformed"_s));
    QVERIFY(!Dataset::isDamageError(u"database is locked"_s));
    QTemporaryDir dir;
    const QString path = dir.filePath(u"x.pairlens"_s);
    const QString full = Dataset::diskFullMessage(path);
    QVERIFY2(full.startsWith(u"Cannot write to %1: the disk is full ("_s.arg(path)), qPrintable(full));
    QVERIFY2(full.contains(u" free on "_s), qPrintable(full));
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    QVERIFY(ds);
    // (The free space of the test's disk changes as others write to it.)
    QVERIFY(ds->failureMessage(Dataset::Access::Write, u"database or disk is full"_s)
                .startsWith(u"Cannot write to %1: the disk is full ("_s.arg(path)));
}

QTEST_GUILESS_MAIN(TstDataset)
#include "tst_dataset.moc"
