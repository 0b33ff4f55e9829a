#include "dataset/writetx.h"

#include "dataset/pairinsert.h"
#include "dataset/walcheckpointer.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace pairlens {

WriteTransaction::~WriteTransaction()
{
    if (m_active)
        rollback();
}

bool WriteTransaction::begin(QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(u"BEGIN IMMEDIATE"_s)) {
        if (error)
            *error = q.lastError().text();
        return false;
    }
    m_active = true;
    m_held.start();
    return true;
}

bool WriteTransaction::commit(QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(u"COMMIT"_s)) {
        if (error)
            *error = q.lastError().text();
        rollback();
        return false;
    }
    m_active = false;
    // The lock is held until COMMIT has written the transaction's pages to the WAL: on a large
    // dataset that is often longer than the statements before it (each row of an import dirties a
    // page of each of 13 indexes). heldMs() keeps counting past this point; the time includes an
    // automatic checkpoint run by this COMMIT, which no longer holds the write lock.
    noteLockHeld(heldMs(), "write");
    return true;
}

void WriteTransaction::rollback()
{
    QSqlQuery q(m_db);
    q.exec(u"ROLLBACK"_s);
    m_active = false;
}

void ChunkSizer::record(int rows, qint64 ms)
{
    if (rows <= 0)
        return;
    const double perRow = std::max<double>(ms, 0.5) / rows;
    const double ideal = m_targetMs / perRow;
    // Grow at most 1.5x per step and shrink at once: a slow chunk means the lock was held too long.
    const int next = int(std::min(ideal, double(m_size) * 1.5));
    m_size = std::clamp(next, 1, m_max);
}

void noteLockHeld(qint64 heldMs, const char *what)
{
    static const int threshold = [] {
        bool ok = false;
        const int v = qEnvironmentVariableIntValue("PAIRLENS_TRACE_LOCK_MS", &ok);
        return ok ? v : -1;
    }();
    if (threshold >= 0 && heldMs >= threshold)
        std::fprintf(stderr, "pairlens: held the write lock for %lld ms (%s)\n",
                     static_cast<long long>(heldMs), what);
}

void yieldWriteLock(qint64 heldMs)
{
    QThread::msleep(
        std::clamp<unsigned long>(static_cast<unsigned long>(std::max<qint64>(heldMs, 0)), 2, 40));
}

LockPacer::LockPacer(QSqlDatabase &db) : m_db(db)
{
    // Starts alone (m_sinceOther not started): a writer that commits between this and the first
    // chunk's pause turns the gaps on there, and one that starts waiting during the first chunks
    // gets in at the first open gap. Starting as if another connection had just written cost
    // every import 2 s of equal gaps (a fifth of 20,000 pairs into a 1M-pair dataset).
    m_version = dataVersion();
}

qint64 LockPacer::dataVersion()
{
    QSqlQuery q(m_db);
    if (q.exec(u"PRAGMA data_version"_s) && q.next())
        return q.value(0).toLongLong();
    return -1;
}

void LockPacer::pause(qint64 heldMs, ChunkCheckpoints *checkpoints)
{
    const qint64 version = dataVersion();
    if (version != m_version || version < 0) {
        m_version = version;
        m_sinceOther.start();
    }
    if (m_sinceOther.isValid() && m_sinceOther.elapsed() < kContendedMs) {
        m_workSinceGap = 0;
        if (checkpoints)
            checkpoints->between();
        yieldWriteLock(heldMs);
        return;
    }
    m_workSinceGap += std::max<qint64>(heldMs, 1);
    if (m_workSinceGap < kAloneWorkMs) {
        if (checkpoints)
            checkpoints->between();
        return;
    }
    m_workSinceGap = 0;
    QElapsedTimer gap;
    gap.start();
    if (checkpoints)
        checkpoints->now(); // the rest of what the thread copied meanwhile
    const qint64 left = kOpenGapMs - gap.elapsed();
    if (left > 0)
        QThread::msleep(static_cast<unsigned long>(left));
}

ChunkCheckpoints::ChunkCheckpoints(QSqlDatabase &db, int pages) : m_db(sqliteHandle(db)), m_pages(pages)
{
    if (m_db)
        sqlite3_wal_hook(m_db, &ChunkCheckpoints::walHook, this);
}

ChunkCheckpoints::~ChunkCheckpoints()
{
    if (!m_db)
        return;
    wait();
    // A long WAL is checkpointed here (mostly copied by the thread already); a short one is left
    // to the next commit that finds 1,000 pages or to the last connection's close (an import is
    // many of these objects).
    if (m_frames >= m_pages)
        copyAll();
    m_thread.reset();
    sqlite3_wal_autocheckpoint(m_db, 1000); // SQLite's default, and its own hook again
}

void ChunkCheckpoints::between()
{
    if (!m_db || m_frames < m_pages)
        return;
    if (m_frames >= std::max(m_pages, int(kMaxPages))) {
        copyAll();
        return;
    }
    if (!m_thread)
        m_thread = std::make_unique<WalCheckpointer>(m_db);
    if (m_thread->isValid())
        m_thread->start(); // unless one runs: then the next chunk asks again
    else
        copyAll();
}

void ChunkCheckpoints::now()
{
    if (m_db && m_frames > 0)
        copyAll();
}

void ChunkCheckpoints::wait()
{
    if (m_thread)
        m_thread->wait();
}

void ChunkCheckpoints::copyAll()
{
    wait();
    // Passive: copies what no reader still needs, waits for no one, takes no write lock. With the
    // thread's checkpoints before it, only the pages written since the last one are left.
    sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    m_frames = 0;
}

int ChunkCheckpoints::walHook(void *self, sqlite3 *, const char *, int frames)
{
    static_cast<ChunkCheckpoints *>(self)->m_frames = frames;
    return SQLITE_OK;
}

bool isBusyError(const QString &text)
{
    return text.contains(u"database is locked"_s, Qt::CaseInsensitive) ||
           text.contains(u"database table is locked"_s, Qt::CaseInsensitive) ||
           text.contains(u"busy"_s, Qt::CaseInsensitive);
}

} // namespace pairlens
