// When a long stream of writes (an import, a delete of many pairs) checkpoints the WAL: on a
// thread of its own once the WAL is long, and the rest in the gaps that LockPacer leaves the write
// lock free while no one else writes, so that the WAL starts again (core/dataset/writetx.h). A checkpoint
// copies pages from the WAL into the database file, so the file's size (read with stat, the file is never
// opened here) tells whether one ran.
#include "dataset/pairinsert.h"
#include "dataset/writetx.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace pairlens;

class TstWritePacing : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void alonePacerCheckpointsInItsGaps();
    void contendedPacerLeavesShortGaps();
    void endOfChunksCheckpointsOnlyALongWal();
    void withoutASecondConnectionTheWriterCheckpoints();

private:
    // Writes `rows` rows of 4 KiB in one write transaction: each takes a page of the WAL.
    void writeRows(int rows);
    // Writes 100 rows, pauses after them as a chunk that held the lock `heldMs`, and waits for a
    // checkpoint that the pause started.
    void chunk(LockPacer &pacer, ChunkCheckpoints &checkpoints, qint64 heldMs);
    qint64 fileSize() const { return QFileInfo(m_path).size(); }

    QTemporaryDir m_dir;
    QString m_path;
    QString m_name;
};

void TstWritePacing::init()
{
    QVERIFY(m_dir.isValid());
    m_path = m_dir.filePath(u"pacing.sqlite"_s);
    QFile::remove(m_path);
    m_name = QString::fromLatin1(QTest::currentTestFunction());
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
    db.setDatabaseName(m_path);
    QVERIFY(db.open());
    QSqlQuery q(db);
    QVERIFY(q.exec(u"PRAGMA journal_mode = WAL"_s));
    QVERIFY(q.exec(u"CREATE TABLE t(x BLOB)"_s));
    QVERIFY(q.exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s));
}

void TstWritePacing::cleanup()
{
    QSqlDatabase::database(m_name).close();
    QSqlDatabase::removeDatabase(m_name);
}

void TstWritePacing::writeRows(int rows)
{
    QSqlDatabase db = QSqlDatabase::database(m_name);
    WriteTransaction tx(db);
    QString error;
    QVERIFY2(tx.begin(&error), qPrintable(error));
    QSqlQuery q(db);
    QVERIFY(q.prepare(u"INSERT INTO t(x) VALUES (zeroblob(4000))"_s));
    for (int i = 0; i < rows; ++i)
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
    QVERIFY2(tx.commit(&error), qPrintable(error));
}

void TstWritePacing::chunk(LockPacer &pacer, ChunkCheckpoints &checkpoints, qint64 heldMs)
{
    writeRows(100);
    if (QTest::currentTestFailed())
        return;
    pacer.pause(heldMs, &checkpoints);
    checkpoints.wait();
}

void TstWritePacing::alonePacerCheckpointsInItsGaps()
{
    QSqlDatabase db = QSqlDatabase::database(m_name);
    ChunkCheckpoints checkpoints(db, 150); // "long" at 150 pages, to keep the test small
    LockPacer pacer(db);                   // alone: no other connection has committed
    const qint64 empty = fileSize();

    chunk(pacer, checkpoints, 1); // no gap due, 100 pages: nothing
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(fileSize(), empty);

    chunk(pacer, checkpoints, 1); // 200 pages: the thread copies them while the writer goes on
    if (QTest::currentTestFailed())
        return;
    const qint64 copied = fileSize();
    QVERIFY2(copied >= empty + 200 * 4000, "the thread did not checkpoint 200 pages");

    chunk(pacer, checkpoints, LockPacer::kAloneWorkMs); // a gap: the rest is copied in it
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(fileSize() >= copied + 100 * 4000, "the gap did not checkpoint the rest of the WAL");

    // Every page copied in the gap, so the next write starts the WAL from its beginning: 100
    // pages in it, below the limit, and no checkpoint.
    const qint64 after = fileSize();
    chunk(pacer, checkpoints, 1);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(fileSize(), after);
}

void TstWritePacing::contendedPacerLeavesShortGaps()
{
    QSqlDatabase db = QSqlDatabase::database(m_name);
    ChunkCheckpoints checkpoints(db, 150);
    LockPacer pacer(db);
    const qint64 empty = fileSize();
    {
        // Another connection commits, as a recorder does in the pacer's gaps.
        QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name + u"-other"_s);
        other.setDatabaseName(m_path);
        QVERIFY(other.open());
        QSqlQuery q(other);
        QVERIFY(q.exec(u"INSERT INTO t(x) VALUES (1)"_s));
    }
    QSqlDatabase::removeDatabase(m_name + u"-other"_s);
    // Now a short gap after every chunk, none of the long ones that copy the WAL: 101 pages
    // after 500 ms of writing stay in it.
    chunk(pacer, checkpoints, LockPacer::kAloneWorkMs);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(fileSize(), empty);
    // Past the limit the thread copies them.
    chunk(pacer, checkpoints, 1);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(fileSize() >= empty + 200 * 4000, "200 pages in the WAL were not checkpointed");
}

void TstWritePacing::endOfChunksCheckpointsOnlyALongWal()
{
    QSqlDatabase db = QSqlDatabase::database(m_name);
    const qint64 empty = fileSize();
    {
        ChunkCheckpoints checkpoints(db, 150);
        writeRows(100);
    }
    QCOMPARE(fileSize(), empty); // a short WAL is left to SQLite's own checkpoint or the close
    {
        ChunkCheckpoints checkpoints(db, 150);
        writeRows(100); // 200 pages in the WAL now: the first 100 were not checkpointed
    }
    QVERIFY2(fileSize() >= empty + 200 * 4000, "a long WAL was left at the end of the chunks");
    // SQLite's automatic checkpoint is back: a commit past 1,000 pages runs one.
    const qint64 before = fileSize();
    writeRows(1100);
    QVERIFY(fileSize() > before);
}

void TstWritePacing::withoutASecondConnectionTheWriterCheckpoints()
{
    // The file moved away while it is open (its path renamed, as a user may do): a second
    // connection cannot open it, and the writer's own connection checkpoints instead.
    QSqlDatabase db = QSqlDatabase::database(m_name);
    const QString moved = m_path + u".moved"_s;
    QVERIFY(QFile::rename(m_path, moved));
    const qint64 empty = QFileInfo(moved).size();
    ChunkCheckpoints checkpoints(db, 150);
    LockPacer pacer(db);
    chunk(pacer, checkpoints, 1);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(QFileInfo(moved).size(), empty);
    chunk(pacer, checkpoints, 1);
    if (QTest::currentTestFailed())
        return;
    QVERIFY2(QFileInfo(moved).size() >= empty + 200 * 4000, "200 pages in the WAL were not checkpointed");
}

QTEST_GUILESS_MAIN(TstWritePacing)
#include "tst_writepacing.moc"
