#pragma once

// Write transactions that never fail where they could wait. Every transaction that writes to a
// dataset begins with BEGIN IMMEDIATE: it takes the write lock at once and waits for it through the
// busy timeout. A deferred BEGIN that reads first and writes later fails with SQLITE_BUSY at once in
// WAL mode when another connection wrote in between, without waiting.

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QString>

#include <memory>

struct sqlite3;

namespace pairlens {

class WalCheckpointer;

class WriteTransaction
{
public:
    explicit WriteTransaction(QSqlDatabase &db) : m_db(db) {}
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

    // BEGIN IMMEDIATE; on failure *error holds the driver's message.
    bool begin(QString *error);
    bool commit(QString *error);
    void rollback();
    bool isActive() const { return m_active; }
    // Milliseconds since begin() returned: the time the write lock has been held so far, or after
    // commit() the whole time including COMMIT (which writes the pages to the WAL).
    qint64 heldMs() const { return m_held.isValid() ? m_held.elapsed() : 0; }

private:
    QSqlDatabase &m_db;
    QElapsedTimer m_held;
    bool m_active = false;
};

// Sizes the chunks of a large write so that each transaction holds the write lock for about
// `targetMs`, whatever the machine and the dataset: it starts small and follows the measured time
// per row. The target is a fifth of the ~100 ms budget: the time per row varies (an FTS5 merge, a
// page read from disk) and a busy machine can deschedule the writer while it holds the lock.
class ChunkSizer
{
public:
    explicit ChunkSizer(int first = 200, int targetMs = 20, int max = 20000)
        : m_size(first), m_targetMs(targetMs), m_max(max)
    {}
    int size() const { return m_size; }
    // Records that `rows` rows took `ms` milliseconds and picks the next size.
    void record(int rows, qint64 ms);

private:
    int m_size;
    int m_targetMs;
    int m_max;
};

// Called between two chunks of a large write, after the commit: sleeps about as long as the
// write lock was held (2 to 40 ms). Other writers (recorders) wait for the lock in SQLite's busy
// handler, which polls it every few to 100 ms; without a gap a writer that commits and begins
// again at once could keep them out for seconds. Half the time free keeps each poll's chance of
// finding the lock free at about one half.
void yieldWriteLock(qint64 heldMs);

class ChunkCheckpoints;

// Paces the chunks of one long stream of writes (an import, a demo): after each chunk's commit it
// leaves the write lock free as yieldWriteLock() does while other connections are writing, and
// otherwise keeps the lock busier. Whether others write is read from `PRAGMA data_version`, which
// changes when another connection commits: another writer can only commit in one of our gaps.
// Without one for kContendedMs, the gap after a chunk is skipped, but after every kAloneWorkMs of
// writing the lock is left free for kOpenGapMs, longer than SQLite's busy handler ever sleeps
// between two polls (100 ms): a writer that starts waiting meanwhile gets the lock within about
// kAloneWorkMs + kOpenGapMs (far inside the 5 s busy timeout of the dataset's contract), and its
// commit turns the pacing back to an equal gap after every chunk.
//
// With `checkpoints`, each open gap copies what is left of the WAL (ChunkCheckpoints::now()): the
// writer is idle then, the one time a checkpoint can copy the whole WAL, so that the next write
// starts it again from its beginning. After the other chunks it calls ChunkCheckpoints::between().
class LockPacer
{
public:
    explicit LockPacer(QSqlDatabase &db);
    // Called after a chunk's commit that held the lock `heldMs` (COMMIT included).
    void pause(qint64 heldMs, ChunkCheckpoints *checkpoints = nullptr);

    static constexpr int kContendedMs = 2000;
    static constexpr int kAloneWorkMs = 500;
    static constexpr int kOpenGapMs = 120;

private:
    qint64 dataVersion();

    QSqlDatabase &m_db;
    qint64 m_version = -1;
    QElapsedTimer m_sinceOther; // since another connection last committed (invalid: never seen)
    qint64 m_workSinceGap = 0;
};

// Replaces SQLite's automatic checkpoint (a checkpoint at the COMMIT that finds 1,000 pages or
// more in the WAL) for its lifetime by one between chunks, when the WAL holds `pages` or more; at
// its end it checkpoints if the WAL holds that much and puts SQLite's default back. On a large
// dataset each row of a chunk dirties a page of each of 13 indexes, so every COMMIT ran a
// checkpoint of its own, with two fsyncs of the file; a checkpoint inside COMMIT also counts as
// time the chunk held the lock and shrinks the next chunks.
//
// The checkpoints are passive and run on a thread of their own (WalCheckpointer) while the chunks
// go on; one that runs when a checkpoint is asked for again is left to finish. SQLite starts the
// WAL again from its beginning only when a write begins with every page of it copied, so a WAL
// checkpointed while written to keeps growing: at kMaxPages the writer waits for the thread and
// copies the rest itself, and its next write starts the WAL again. kill -9 loses nothing committed;
// a power loss can lose at most the commits since the last checkpoint (synchronous = NORMAL syncs
// the WAL at checkpoints), never the dataset's consistency. Other connections keep their setting.
class ChunkCheckpoints
{
public:
    static constexpr int kPages = 16384;    // 64 MiB of 4 KiB pages
    static constexpr int kMaxPages = 65536; // 256 MiB

    explicit ChunkCheckpoints(QSqlDatabase &db, int pages = kPages);
    ~ChunkCheckpoints();
    ChunkCheckpoints(const ChunkCheckpoints &) = delete;
    ChunkCheckpoints &operator=(const ChunkCheckpoints &) = delete;

    // Between two chunks (no transaction open): a checkpoint on the thread when the WAL holds the
    // constructor's `pages` or more; past kMaxPages, one that has copied every page on return.
    void between();
    // A checkpoint that has copied every page on return, if the WAL holds anything (a LockPacer
    // gap).
    void now();
    // Returns once the checkpoint started by between() has finished.
    void wait();

private:
    static int walHook(void *self, sqlite3 *, const char *, int frames);
    void copyAll();

    sqlite3 *m_db;
    int m_pages;
    int m_frames = 0;
    std::unique_ptr<WalCheckpointer> m_thread; // opened at the first checkpoint; if it could not
                                               // be (isValid()), the checkpoints run here
};

// Records that a write transaction held the lock for `heldMs` (called at every commit). With the
// environment variable PAIRLENS_TRACE_LOCK_MS=N set, holds of N ms or more are reported on stderr
// ("pairlens: held the write lock for 12 ms (delete)"), for benchmarks and field diagnosis.
void noteLockHeld(qint64 heldMs, const char *what);

// True when the driver's error text is SQLite's "database is locked" / "busy" answer.
bool isBusyError(const QString &text);

} // namespace pairlens
