// One dataset, many connections: nothing in PairLens may open the dataset file (or its -wal/-shm)
// except SQLite. On POSIX, closing any descriptor of a file drops every lock the process holds on
// it, including those of its SQLite connections; another process then believes it is the last
// user, checkpoints and deletes the WAL that this process still writes into.
//
// Each test holds a first connection, drives code paths that open further connections in the same
// process (core and window), and checks after each one, from /proc/locks, that the process still
// holds its locks on the dataset, and that other processes see what this one wrote.

#include "dataset/dataset.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "dataset/writeops.h"
#include "export/exporter.h"
#include "exportdialog.h"
#include "guitestutil.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "stats/statistics.h"
#include "stats/statisticsview.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {

constexpr int kPairs = 600;
constexpr int kTimeout = 60000;

// POSIX locks this process holds on `path`'s inode, from /proc/locks.
int locksHeld(const QString &path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    QFile f(u"/proc/locks"_s); // not a dataset file
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray inodeKey = QByteArray::number(quint64(st.st_ino));
    int held = 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        // "1: POSIX  ADVISORY  READ  1234 08:01:5678 1073741826 1073742335"
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() < 6 || parts.at(1) != "POSIX")
            continue;
        int i = 2;
        if (parts.at(1) == "->")
            ++i;
        const qint64 pid = parts.at(4).toLongLong();
        const QList<QByteArray> dev = parts.at(5).split(':');
        if (pid != ::getpid() || dev.size() != 3 || dev.at(2) != inodeKey)
            continue;
        if (dev.at(0).toUInt(nullptr, 16) == major(st.st_dev) &&
            dev.at(1).toUInt(nullptr, 16) == minor(st.st_dev))
            ++held;
    }
    return held;
}

// Runs the CLI; as `nobody` when asked and this test runs as root (root may write anywhere).
QByteArray runCli(const QStringList &args, int *exitCode = nullptr, bool unprivileged = false,
                  QByteArray *errors = nullptr)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    // The messages compared here are the English ones: the command speaks English whatever the
    // locale the test runs under (under LANG=de_DE.UTF-8 it would say "schreibgeschützt").
    p.setProcessEnvironment(test::englishEnvironment());
    if (unprivileged && ::geteuid() == 0)
        p.start(u"setpriv"_s, QStringList{u"--reuid=nobody"_s, u"--regid=nogroup"_s, u"--clear-groups"_s,
                                          QStringLiteral(PAIRLENS_EXE)} +
                                  args);
    else
        p.start(QStringLiteral(PAIRLENS_EXE), args);
    p.waitForFinished(120000);
    if (exitCode)
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    if (errors)
        *errors = p.readAllStandardError();
    return p.readAllStandardOutput();
}

Filter rowFilter(qint64 rowId)
{
    Filter f;
    f.rowIds = {rowId};
    f.restrictToRowIds = true;
    return f;
}

} // namespace

class TstSharedAccess : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void coreConnectionsKeepTheLocks();
    void windowConnectionsKeepTheLocks();
    void ownFilesAreRefused();
    void readOnlyFolderOpensReadOnly();
    void importAuditCountsEachTransaction();
    void committedOperationsApplyInCommitOrder();
    void recorderGetsInDuringALongAdd();

private:
    // Fails the test when the process no longer holds a lock on the dataset.
    void expectLocks(const char *after);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TstSharedAccess::initTestCase()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    // The statistics scan dataset-sized files on connections (and threads) of their own; make them
    // do so for this small file too.
    qputenv("PAIRLENS_STATS_CONNECTIONS", "2");
}

void TstSharedAccess::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    test::isolateSettings(*m_dir);
    m_path = m_dir->filePath(u"shared.pairlens"_s);
    QVERIFY(test::makeDemoDataset(m_path, kPairs));
}

void TstSharedAccess::cleanup()
{
    m_dir.reset();
}

void TstSharedAccess::expectLocks(const char *after)
{
    const int held = locksHeld(m_path);
    QVERIFY2(held > 0,
             qPrintable(u"the process lost its locks on the dataset after %1"_s.arg(QLatin1String(after))));
    // The WAL of a dataset with an open connection is never deleted (stat only, never opened).
    QVERIFY2(QFileInfo::exists(m_path + u"-wal"_s), after);
}

void TstSharedAccess::coreConnectionsKeepTheLocks()
{
    QString error;
    auto first = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(first, qPrintable(error));
    PairStore store(*first);
    QCOMPARE(store.count({}), qint64(kPairs));
    expectLocks("opening the first connection");

    {
        auto second = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        QVERIFY2(second, qPrintable(error));
        QCOMPARE(PairStore(*second).count({}), qint64(kPairs));
    }
    expectLocks("a second connection opened and closed");
    {
        auto readOnly = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        QVERIFY2(readOnly, qPrintable(error));
        QVERIFY(!readOnly->isImmutable());
    }
    expectLocks("a read-only connection opened and closed");
    {
        auto again = first->reopen(&error);
        QVERIFY2(again, qPrintable(error));
        Statistics stats;
        QVERIFY2(computeStatistics(*again, {}, &stats, &error), qPrintable(error));
        QCOMPARE(stats.totalPairs, qint64(kPairs));
    }
    expectLocks("statistics on connections of their own");
    {
        exporting::ExportOptions o;
        o.target = m_dir->filePath(u"out.jsonl"_s);
        o.format = exporting::Format::Jsonl;
        const exporting::ExportResult r = exporting::Exporter(*first, o).run({});
        QVERIFY2(r.ok, qPrintable(r.error));
    }
    expectLocks("an export");
    {
        const QString input = m_dir->filePath(u"in.jsonl"_s);
        QFile f(input);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"pair_id":"imported-1","natural_language_query":"How many orders?","sql_query":"SELECT count(*) FROM orders"})"
            "\n");
        f.close();
        PairStore other(*first);
        const ImportReport r = Importer(other).importFile(input);
        QVERIFY2(r.fatalError.isEmpty(), qPrintable(r.fatalError));
        QCOMPARE(r.added, qint64(1));
    }
    expectLocks("an import");

    // Another process: its open and close must not delete the WAL this one uses, and it sees what
    // this process wrote; this process sees what it wrote.
    const qint64 rowId = store.rowIds({}, {}, 1).value(0);
    const QString pairId = store.get(rowId)->pairId;
    QVERIFY(store.setReviewStatus(rowFilter(rowId), ReviewStatus::Approved));
    int code = -1;
    const QByteArray listed = runCli({u"list"_s, m_path, u"--status"_s, u"approved"_s, u"--json"_s}, &code);
    QCOMPARE(code, 0);
    QVERIFY2(listed.contains(pairId.toUtf8()), listed.constData());
    expectLocks("another process listed the dataset");
    runCli({u"delete"_s, m_path, u"--id"_s, pairId, u"--yes"_s}, &code);
    QCOMPARE(code, 0);
    QCOMPARE(store.count({}), qint64(kPairs)); // kPairs + 1 imported - 1 deleted
    expectLocks("another process deleted a pair");
    QVERIFY(store.setReviewerNote(store.rowIds({}, {}, 1).value(0), u"still here"_s));
    QSqlQuery q(first->db());
    QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"ok"_s);
}

void TstSharedAccess::windowConnectionsKeepTheLocks()
{
    QString error;
    auto first = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(first, qPrintable(error));
    QCOMPARE(PairStore(*first).count({}), qint64(kPairs));

    auto window = std::make_unique<MainWindow>();
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QVERIFY(window->openDataset(m_path));
    QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), kPairs, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(window->model()->pairAt(0), kTimeout);
    expectLocks("the window opened the dataset");

    // Statistics tab (its scan threads open connections of their own).
    auto *tabs = window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    tabs->setCurrentWidget(window->statisticsView());
    QTRY_VERIFY_WITH_TIMEOUT(window->statisticsView()->hasStatistics() && !window->statisticsView()->isBusy(),
                             kTimeout);
    expectLocks("the statistics tab");
    tabs->setCurrentIndex(0);

    // The preview of a selected pair.
    window->setPreview(true);
    window->tableView()->selectRow(0);
    QTest::qWait(200);
    expectLocks("the preview");

    // Export dialog.
    auto *exportAction = window->findChild<QAction *>(u"actionExport"_s);
    QVERIFY(exportAction && exportAction->isEnabled());
    exportAction->trigger();
    auto *dialog = window->findChild<ExportDialog *>(u"exportDialog"_s);
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::Jsonl);
    dialog->setScope(ExportDialog::Scope::Everything);
    const QString target = m_dir->filePath(u"window.jsonl"_s);
    dialog->setTarget(target);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"exportStart"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window->findChild<QMessageBox *>(u"exportResult"_s), kTimeout);
    expectLocks("the export dialog");

    // Import dialog.
    const QString input = m_dir->filePath(u"window-in.jsonl"_s);
    {
        QFile f(input);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"pair_id":"window-import-1","natural_language_query":"List users","sql_query":"SELECT * FROM users"})"
            "\n");
    }
    window->importFiles({input});
    QTRY_COMPARE_WITH_TIMEOUT(PairStore(*first).count({}), qint64(kPairs + 1), kTimeout);
    QTest::qWait(300);
    expectLocks("the import dialog");

    // Trash.
    window->showTrash();
    QTest::qWait(300);
    expectLocks("the trash");

    // A review in the window is seen by another process while the window is open.
    window->tableView()->setFocus();
    window->tableView()->selectRow(0);
    const Pair *selected = window->model()->pairAt(0);
    QVERIFY(selected);
    const QString pairId = selected->pairId;
    auto *approve = window->findChild<QAction *>(u"actionApprove"_s);
    QVERIFY(approve);
    approve->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(PairStore(*first).getByPairId(pairId)->reviewStatus == ReviewStatus::Approved,
                             kTimeout);
    int code = -1;
    const QByteArray listed = runCli({u"list"_s, m_path, u"--status"_s, u"approved"_s, u"--json"_s}, &code);
    QCOMPARE(code, 0);
    QVERIFY2(listed.contains(pairId.toUtf8()), listed.constData());
    expectLocks("another process read the window's review");

    window.reset();
    expectLocks("the window closed");
    QSqlQuery q(first->db());
    QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
    QCOMPARE(q.value(0).toString(), u"ok"_s);
}

void TstSharedAccess::ownFilesAreRefused()
{
    QString error;
    auto first = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(first, qPrintable(error));
    QCOMPARE(PairStore(*first).count({}), qint64(kPairs));
    const QString link = m_dir->filePath(u"link.pairlens"_s);
    QVERIFY(QFile::link(m_path, link));
    for (const QString &path : QStringList{m_path, m_path + u"-wal"_s, link}) {
        PairStore store(*first);
        const ImportReport r = Importer(store).importFile(path);
        QVERIFY2(r.fatalError.contains(u"dataset itself"_s), qPrintable(r.fatalError));
        exporting::ExportOptions o;
        o.target = path;
        o.format = exporting::Format::Jsonl;
        const exporting::ExportResult e = exporting::Exporter(*first, o).run({});
        QVERIFY(!e.ok);
        QVERIFY2(e.error.contains(u"dataset itself"_s), qPrintable(e.error));
        expectLocks("refusing to read or write the dataset's own files");
    }
    // Replacing a dataset that is open is refused (SQLite checks that no connection is left).
    QVERIFY(!Dataset::removeFiles(m_path, &error));
    QVERIFY2(error.contains(u"in use"_s), qPrintable(error));
    expectLocks("refusing to replace the dataset");
    first.reset();
    QVERIFY2(Dataset::removeFiles(m_path, &error), qPrintable(error));
    QVERIFY(!QFileInfo::exists(m_path));
    QVERIFY(!QFileInfo::exists(m_path + u"-wal"_s));
    QVERIFY(!QFileInfo::exists(m_path + u"-shm"_s));
}

void TstSharedAccess::readOnlyFolderOpensReadOnly()
{
    // A dataset in a folder its user may not write to (as on a read-only mount): SQLite cannot
    // create the -wal and -shm files there, so PairLens opens it read-only (immutable) and says so.
    const QString folder = m_dir->filePath(u"ro"_s);
    QVERIFY(QDir().mkpath(folder));
    const QString path = folder + u"/ro.pairlens"_s;
    QVERIFY(test::makeDemoDataset(path, 50));
    QVERIFY(!QFileInfo::exists(path + u"-wal"_s)); // the last connection closed cleanly
    const auto all = QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther | QFile::ExeOwner |
                     QFile::ExeGroup | QFile::ExeOther;
    QVERIFY(QFile::setPermissions(m_dir->path(), all | QFile::WriteOwner));
    QVERIFY(QFile::setPermissions(folder, all));
    QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    const auto restore = qScopeGuard([&] {
        QFile::setPermissions(folder, all | QFile::WriteOwner);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    });

    int code = -1;
    QByteArray errors;
    const QByteArray listed =
        runCli({u"list"_s, path, u"--limit"_s, u"3"_s, u"--json"_s}, &code, true, &errors);
    QVERIFY2(code == 0, errors.constData());
    QCOMPARE(QJsonDocument::fromJson(listed).object().value(u"pairs"_s).toArray().size(), 3);
    const QByteArray stats = runCli({u"stats"_s, path, u"--json"_s}, &code, true, &errors);
    QVERIFY2(code == 0, errors.constData());
    QVERIFY2(stats.contains("50"), stats.constData());
    runCli({u"delete"_s, path, u"--search"_s, u"select"_s, u"--yes"_s}, &code, true, &errors);
    QVERIFY(code != 0);
    QVERIFY2(errors.contains("read-only"), errors.constData());
    QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    QVERIFY(!QFileInfo::exists(path + u"-shm"_s));

    if (::geteuid() != 0) {
        // In this process too (root would write anyway, so only an unprivileged run checks it).
        QString error;
        auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
        QVERIFY2(ds, qPrintable(error));
        QVERIFY(ds->isReadOnly());
        QVERIFY(!ds->readOnlyReason().isEmpty());
        QCOMPARE(PairStore(*ds).count({}), qint64(50));
    }
}

void TstSharedAccess::importAuditCountsEachTransaction()
{
    // An import commits in short transactions; its audit entry is written first and each
    // transaction adds its pairs to it, so the entry never disagrees with the pairs, even when the
    // import is killed between two transactions.
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    const qint64 id = store.startAddAudit(u"import"_s, {{u"file"_s, u"generated"_s}});
    QVERIFY(id > 0);
    auto entry = [&] {
        QSqlQuery q(ds->db());
        q.prepare(u"SELECT pair_count, detail FROM audit_log WHERE id = ?"_s);
        q.addBindValue(id);
        q.exec();
        q.next();
        return std::pair(q.value(0).toLongLong(), QJsonDocument::fromJson(q.value(1).toByteArray()).object());
    };
    QCOMPARE(entry().second.value(u"state"_s).toString(), u"running"_s);
    QList<Pair> pairs;
    for (int i = 0; i < 700; ++i) {
        Pair p;
        p.pairId = u"audit-%1"_s.arg(i);
        p.naturalLanguageQuery = u"How many orders did customer %1 place?"_s.arg(i);
        p.sqlQuery = u"SELECT count(*) FROM orders WHERE customer_id = %1"_s.arg(i);
        pairs << p;
    }
    const PairStore::AddResult first = store.add(pairs.mid(0, 400));
    QCOMPARE(first.added, qint64(400));
    QCOMPARE(entry().first, qint64(400)); // what a kill here would leave: the entry counts 400
    const PairStore::AddResult second = store.add(pairs.mid(300)); // 100 present already
    QCOMPARE(second.added, qint64(300));
    QCOMPARE(second.alreadyPresent, qint64(100));
    QVERIFY(store.finishAddAudit({{u"records"_s, 800}}));
    const auto [count, detail] = entry();
    QCOMPARE(count, qint64(700));
    QCOMPARE(detail.value(u"state"_s).toString(), u"done"_s);
    QCOMPARE(detail.value(u"records"_s).toInt(), 800);
    QCOMPARE(detail.value(u"file"_s).toString(), u"generated"_s);
}

void TstSharedAccess::committedOperationsApplyInCommitOrder()
{
    // A restore committed by another process that has not finished applying it (still running,
    // or killed and not yet reaped) must take effect before a delete committed after it: the
    // delete then trashes the pairs and nothing brings them back afterwards.
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore store(*ds);
    const QList<qint64> ids = store.rowIds({}, {}, 3);
    QCOMPARE(ids.size(), 3);
    QVERIFY(store.softDelete(rowFilter(ids.at(0)))); // trashed, then
    QVERIFY(store.softDelete(rowFilter(ids.at(1))));
    {
        // ... a restore of both, committed and staged by a live process (this one) that stopped
        // applying it.
        QSqlQuery q(ds->db());
        QVERIFY(q.exec(u"INSERT INTO write_ops(action, state, value, batch, owner, created_at, seq) VALUES "
                       "('restore', 'applying', '', 0, 'this-host:1', '2026-01-01T00:00:00.000Z', "
                       "(SELECT coalesce(max(seq), 0) + 1 FROM write_ops))"_s));
        const qint64 op = q.lastInsertId().toLongLong();
        for (qint64 id : {ids.at(0), ids.at(1)}) {
            q.prepare(u"INSERT INTO write_op_rows(op, pair) VALUES (?, ?)"_s);
            q.addBindValue(op);
            q.addBindValue(id);
            QVERIFY(q.exec());
        }
    }
    // A delete of the same pairs, acknowledged after the restore's commit.
    Filter both;
    both.rowIds = {ids.at(0), ids.at(1)};
    both.restrictToRowIds = true;
    const auto deleted = store.softDelete(both);
    QVERIFY2(deleted, qPrintable(store.errorString()));
    QCOMPARE(deleted->count, qint64(2));
    QCOMPARE(writeops::pendingCount(ds->db()), 0);
    Filter trash;
    trash.scope = Filter::Scope::Deleted;
    QCOMPARE(store.count(trash), qint64(2));
    // Reopening (recovery) changes nothing.
    auto again = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(PairStore(*again).count(trash), qint64(2));
}

void TstSharedAccess::recorderGetsInDuringALongAdd()
{
    // A long add (`pairlens demo` adding to an existing dataset: the chunked path of imports and of
    // the server) leaves out the gap after a chunk while no one else writes (LockPacer), but leaves
    // the lock free for longer than SQLite's busy handler sleeps at regular intervals. A recorder
    // that starts writing after the add has had the lock to itself for a while gets every one of
    // its transactions through within its 5 s busy timeout, and the add finishes all the same.
    constexpr int kAdded = 60000;
    constexpr int kTransactions = 50, kRows = 10;
    QProcess demo;
    demo.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    demo.start(QStringLiteral(PAIRLENS_EXE),
               {u"demo"_s, m_path, u"--pairs"_s, QString::number(kAdded), u"--seed"_s, u"9"_s});
    QVERIFY(demo.waitForStarted());
    const QString name = u"recorder"_s;
    {
        QSqlDatabase rec = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        rec.setDatabaseName(m_path);
        rec.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
        QVERIFY(rec.open());
        // Half of the add alone first (longer than LockPacer::kContendedMs on any machine this
        // runs on, unless the add is over before: then the recorder simply writes after it).
        const auto rows = [&] {
            QSqlQuery q(rec);
            return q.exec(u"SELECT max(id) FROM pairs"_s) && q.next() ? q.value(0).toLongLong() : 0;
        };
        while (demo.state() == QProcess::Running && rows() < kPairs + kAdded / 2)
            QTest::qWait(50);
        QSqlQuery q(rec);
        for (int t = 0; t < kTransactions; ++t) {
            QVERIFY2(q.exec(u"BEGIN IMMEDIATE"_s), qPrintable(q.lastError().text()));
            for (int i = 0; i < kRows; ++i) {
                q.prepare(
                    u"INSERT INTO pairs(pair_id, natural_language_query, sql_query) VALUES (?, ?, ?)"_s);
                q.addBindValue(u"recorder-%1-%2"_s.arg(t).arg(i));
                q.addBindValue(u"How many orders are open?"_s);
                q.addBindValue(u"SELECT count(*) FROM orders WHERE open"_s);
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
            QVERIFY2(q.exec(u"COMMIT"_s), qPrintable(q.lastError().text()));
        }
    }
    QSqlDatabase::removeDatabase(name);
    QVERIFY(demo.waitForFinished(kTimeout));
    QCOMPARE(demo.exitStatus(), QProcess::NormalExit);
    QCOMPARE(demo.exitCode(), 0);
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    QSqlQuery q(ds->db());
    QVERIFY(q.exec(u"SELECT count(*), count(*) FILTER (WHERE pair_id LIKE 'recorder-%') FROM pairs"_s) &&
            q.next());
    QCOMPARE(q.value(0).toLongLong(), qint64(kPairs + kAdded + kTransactions * kRows));
    QCOMPARE(q.value(1).toLongLong(), qint64(kTransactions * kRows));
}

QTEST_MAIN(TstSharedAccess)
#include "tst_sharedaccess.moc"
