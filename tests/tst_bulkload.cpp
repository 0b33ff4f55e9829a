// Bulk loads (dataset/bulkload.h): a new dataset written without its indexes, which are built
// once at the end, must be the same dataset the ordinary import makes; a bulk load killed midway
// leaves no dataset (and the next one clears its file away); a file that appears at the target
// meanwhile is never replaced.
#include "dataset/bulkload.h"
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/demowriter.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "testutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <QThread>

#include <csignal>

using namespace Qt::StringLiterals;
using namespace pairlens;

class TstBulkLoad : public QObject
{
    Q_OBJECT
private slots:
    void importEqualsOrdinaryImport();
    void demoEqualsOrdinaryDemo();
    void textBuiltInPlaceWhenTheWorkerCannot();
    void killedBulkImportLeavesNoDataset();
    void neverReplacesAFileThatAppeared();
    void existingDatasetIsNotBulkLoaded();

private:
    QString writeJsonl(QTemporaryDir &dir, const QString &name, int pairs);
};

namespace {

// Everything a reader can see of a dataset but the row times of the audit log and the random
// secret: every pair with every column, pair_tables, the full-text index's answers, the schema.
QStringList contents(const QString &path)
{
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::ReadOnly, &error);
    if (!ds) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    QStringList out;
    QSqlQuery q(ds->db());
    const auto dump = [&](const QString &sql) {
        if (!q.exec(sql)) {
            out << u"failed: "_s + sql;
            return;
        }
        while (q.next()) {
            QStringList row;
            for (int i = 0; i < q.record().count(); ++i)
                row << (q.value(i).isNull() ? u"NULL"_s : q.value(i).toString());
            out << row.join(u'|');
        }
    };
    dump(u"SELECT * FROM pairs ORDER BY id"_s);
    dump(u"SELECT name, pair FROM pair_tables ORDER BY pair, name"_s);
    for (const QString &term : {u"customers"_s, u"email"_s, u"orders"_s, u"refunded"_s, u"berlin"_s})
        dump(u"SELECT rowid FROM pairs_fts WHERE pairs_fts MATCH '%1' ORDER BY rowid"_s.arg(term));
    dump(u"SELECT k, v FROM pairs_fts_config ORDER BY k"_s);
    dump(u"SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"_s);
    dump(u"PRAGMA user_version"_s);
    dump(u"PRAGMA application_id"_s);
    dump(u"PRAGMA journal_mode"_s);
    dump(u"PRAGMA integrity_check"_s);
    dump(u"SELECT action, pair_count FROM audit_log ORDER BY id"_s);
    dump(u"SELECT key FROM settings ORDER BY key"_s);
    return out;
}

QStringList leftovers(const QString &dir)
{
    return QDir(dir).entryList({u"*.importing-*"_s}, QDir::Files | QDir::Hidden);
}

// FTS5's own check of the full-text index against the pairs it indexes (every term of every row).
bool fullTextIndexIsWhole(const QString &path, QString *error)
{
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, error);
    if (!ds)
        return false;
    QSqlQuery q(ds->db());
    if (q.exec(u"INSERT INTO pairs_fts(pairs_fts) VALUES ('integrity-check')"_s))
        return true;
    *error = q.lastError().text();
    return false;
}

} // namespace

QString TstBulkLoad::writeJsonl(QTemporaryDir &dir, const QString &name, int pairs)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    DemoGenerator gen(3, QDateTime(QDate(2026, 6, 1), QTime(12, 0), Qt::UTC));
    for (int i = 0; i < pairs; ++i) {
        f.write(QJsonDocument(pairToJson(gen.next())).toJson(QJsonDocument::Compact) + '\n');
        if (i == 10)
            f.write("{not json\n"); // rejected by both
        if (i == 20)                // the same pair again: already present for both
            f.write(
                QJsonDocument(
                    pairToJson(DemoGenerator(3, QDateTime(QDate(2026, 6, 1), QTime(12, 0), Qt::UTC)).next()))
                    .toJson(QJsonDocument::Compact) +
                '\n');
    }
    return path;
}

void TstBulkLoad::importEqualsOrdinaryImport()
{
    QTemporaryDir dir;
    const QString jsonl = writeJsonl(dir, u"pairs.jsonl"_s, 7000);
    QVERIFY(!jsonl.isEmpty());
    const QString ordinary = dir.filePath(u"ordinary.pairlens"_s);
    const QString bulk = dir.filePath(u"bulk.pairlens"_s);
    QString error;
    ImportReport a, b;
    {
        auto ds = Dataset::open(ordinary, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY2(ds, qPrintable(error));
        PairStore store(*ds);
        a = Importer(store).importFile(jsonl);
    }
    QVERIFY(BulkLoad::canCreate(bulk));
    {
        auto load = BulkLoad::begin(bulk, &error);
        QVERIFY2(load, qPrintable(error));
        // Nothing is at the target until the load is finished.
        QVERIFY(!QFile::exists(bulk));
        {
            PairStore store(load->dataset());
            store.setBulkLoad(true);
            b = Importer(store).importFile(jsonl);
        }
        QVERIFY(!QFile::exists(bulk));
        QVERIFY2(load->finish(&error), qPrintable(error));
    }
    QCOMPARE(b.records, a.records);
    QCOMPARE(b.added, a.added);
    QCOMPARE(a.added, 7000);
    QCOMPARE(b.alreadyPresent, a.alreadyPresent);
    QCOMPARE(b.rejected, a.rejected);
    QVERIFY(!BulkLoad::canCreate(bulk));
    const QStringList expected = contents(ordinary);
    QVERIFY(expected.size() > 7000);
    QCOMPARE(contents(bulk), expected);
    QVERIFY2(leftovers(dir.path()).isEmpty(), qPrintable(leftovers(dir.path()).join(u' ')));
    QVERIFY2(fullTextIndexIsWhole(bulk, &error), qPrintable(error));

    // The bulk-loaded dataset works as any other: search, delete and undo.
    auto ds = Dataset::open(bulk, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    Filter search;
    search.search = u"customers"_s;
    const qint64 matches = store.count(search);
    QVERIFY(matches > 0);
    const auto del = store.softDelete(search);
    QVERIFY(del && del->count == matches);
    QCOMPARE(store.count(search), 0);
    QCOMPARE(store.restoreBatch(del->batch).value_or(-1), matches);
    QCOMPARE(store.count(search), matches);
}

void TstBulkLoad::demoEqualsOrdinaryDemo()
{
    QTemporaryDir dir;
    const QString ordinary = dir.filePath(u"ordinary.pairlens"_s);
    const QString bulk = dir.filePath(u"bulk.pairlens"_s);
    const QDateTime end(QDate(2026, 6, 1), QTime(12, 0), Qt::UTC);
    QString error;
    {
        auto ds = Dataset::open(ordinary, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY2(ds, qPrintable(error));
        PairStore store(*ds);
        QCOMPARE(addDemoPairs(store, 5, 12000, &error, {}, end), 12000);
    }
    {
        auto load = BulkLoad::begin(bulk, &error);
        QVERIFY2(load, qPrintable(error));
        {
            PairStore store(load->dataset());
            store.setBulkLoad(true);
            QCOMPARE(addDemoPairs(store, 5, 12000, &error, {}, end), 12000);
        }
        QVERIFY2(load->finish(&error), qPrintable(error));
    }
    // Every column but the import-time ones (none here: every demo pair has its timestamp).
    auto withoutTimes = [](const QString &path) {
        QString e;
        auto ds = Dataset::open(path, Dataset::Mode::ReadOnly, &e);
        QStringList out;
        QSqlQuery q(ds->db());
        q.exec(
            u"SELECT id, pair_id, natural_language_query, sql_query, database_type, database_name, success, "
            "execution_time_ms, metadata, query_type, table_names, pii_mask, question_length, sql_length, "
            "review_status, deleted FROM pairs ORDER BY id"_s);
        while (q.next()) {
            QStringList row;
            for (int i = 0; i < 16; ++i)
                row << q.value(i).toString();
            out << row.join(u'|');
        }
        return out;
    };
    const QStringList expected = withoutTimes(ordinary);
    QCOMPARE(expected.size(), 12000);
    QCOMPARE(withoutTimes(bulk), expected);
}

// The full-text index and pair_tables are built on a worker into a side file; when that fails
// (here: a directory where the side file goes), the bulk load builds them in place instead.
void TstBulkLoad::textBuiltInPlaceWhenTheWorkerCannot()
{
    QTemporaryDir dir;
    const QString jsonl = writeJsonl(dir, u"pairs.jsonl"_s, 3000);
    const QString ordinary = dir.filePath(u"ordinary.pairlens"_s);
    const QString bulk = dir.filePath(u"bulk.pairlens"_s);
    const QString side = BulkLoad::temporaryPathFor(bulk, QCoreApplication::applicationPid()) + u"-text"_s;
    QVERIFY(QDir().mkpath(side));
    QString error;
    {
        auto ds = Dataset::open(ordinary, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY2(ds, qPrintable(error));
        PairStore store(*ds);
        QCOMPARE(Importer(store).importFile(jsonl).added, 3000);
    }
    {
        auto load = BulkLoad::begin(bulk, &error);
        QVERIFY2(load, qPrintable(error));
        {
            PairStore store(load->dataset());
            store.setBulkLoad(true);
            QCOMPARE(Importer(store).importFile(jsonl).added, 3000);
        }
        QVERIFY2(load->finish(&error), qPrintable(error));
    }
    QVERIFY(QFileInfo(side).isDir()); // the worker could not have used it
    QCOMPARE(contents(bulk), contents(ordinary));
    QVERIFY2(fullTextIndexIsWhole(bulk, &error), qPrintable(error));
}

void TstBulkLoad::killedBulkImportLeavesNoDataset()
{
    QTemporaryDir dir;
    const QString jsonl = writeJsonl(dir, u"many.jsonl"_s, 60000);
    const QString target = dir.filePath(u"new.pairlens"_s);
    // kill -9 at several moments of the load: while pairs go in, and while indexes are built.
    int killed = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        QProcess p;
        p.start(QStringLiteral(PAIRLENS_EXE), {u"import"_s, target, jsonl});
        QVERIFY(p.waitForStarted());
        const QString temp = BulkLoad::temporaryPathFor(target, p.processId());
        QElapsedTimer t;
        t.start();
        // Wait until the temporary dataset holds pairs (or the import is done), then a bit more.
        while (p.state() == QProcess::Running && QFileInfo(temp).size() < 2 << 20 && t.elapsed() < 60000)
            QThread::msleep(5);
        QThread::msleep(attempt * 150);
        if (p.state() != QProcess::Running)
            break; // finished before the kill: the machine is fast; the rest is checked below
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished());
        ++killed;
        QVERIFY2(!QFile::exists(target), "a killed bulk load left a dataset behind");
    }
    QVERIFY(killed > 0);
    // The next import creates the dataset in full and removes what the killed ones left.
    QProcess p;
    p.start(QStringLiteral(PAIRLENS_EXE), {u"import"_s, target, jsonl});
    QVERIFY(p.waitForFinished(120000));
    QVERIFY(QFile::exists(target));
    QVERIFY2(leftovers(dir.path()).isEmpty(), qPrintable(leftovers(dir.path()).join(u' ')));
    QString error;
    auto ds = Dataset::open(target, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    QCOMPARE(store.count({}), 60000);
    QSqlQuery q(ds->db());
    QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"ok"_s);
}

void TstBulkLoad::neverReplacesAFileThatAppeared()
{
    QTemporaryDir dir;
    const QString target = dir.filePath(u"raced.pairlens"_s);
    QString error;
    auto load = BulkLoad::begin(target, &error);
    QVERIFY2(load, qPrintable(error));
    {
        PairStore store(load->dataset());
        store.setBulkLoad(true);
        QCOMPARE(addDemoPairs(store, 1, 500, &error), 500);
    }
    // Another program creates the dataset meanwhile, and keeps it open.
    QVERIFY(pairlens::test::makeDemoDataset(target, 20, 9));
    auto other = Dataset::open(target, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(other, qPrintable(error));
    QVERIFY(!load->finish(&error));
    QVERIFY2(error.contains(target) && error.contains(u"another program created it"_s), qPrintable(error));
    PairStore store(*other);
    QCOMPARE(store.count({}), 20);
    QVERIFY2(leftovers(dir.path()).isEmpty(), qPrintable(leftovers(dir.path()).join(u' ')));
}

void TstBulkLoad::existingDatasetIsNotBulkLoaded()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"there.pairlens"_s);
    QVERIFY(pairlens::test::makeDemoDataset(path, 10, 9));
    QVERIFY(!BulkLoad::canCreate(path));
    QVERIFY(!BulkLoad::canCreate(u"postgresql://localhost/db"_s));
    QVERIFY(BulkLoad::canCreate(dir.filePath(u"missing.pairlens"_s)));
}

QTEST_GUILESS_MAIN(TstBulkLoad)
#include "tst_bulkload.moc"
