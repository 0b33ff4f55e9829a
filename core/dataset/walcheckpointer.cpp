#include "dataset/walcheckpointer.h"

#include <sqlite3.h>

namespace pairlens {

WalCheckpointer::WalCheckpointer(sqlite3 *writer)
{
    const char *path = writer ? sqlite3_db_filename(writer, "main") : nullptr;
    if (!path || !*path)
        return; // an in-memory or temporary database has no WAL to share
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return;
    }
    // A connection finds the file in WAL mode at its first read; until then a checkpoint through
    // it does nothing at all.
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return;
    }
    m_db = db;
    m_thread = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer()
{
    if (!m_db)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    m_thread.join();
    // Not the last connection to the file (the writer's is open), so the close neither
    // checkpoints nor removes the WAL; SQLite keeps the process's locks on the file.
    sqlite3_close(m_db);
}

void WalCheckpointer::start()
{
    if (!m_db)
        return;
    {
        std::lock_guard lock(m_mutex);
        if (m_requested || m_running)
            return;
        m_requested = true;
    }
    m_changed.notify_all();
}

void WalCheckpointer::wait()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_requested && !m_running; });
}

void WalCheckpointer::run()
{
    std::unique_lock lock(m_mutex);
    while (true) {
        m_changed.wait(lock, [this] { return m_requested || m_stop; });
        if (!m_requested)
            return; // stopping, nothing asked
        m_requested = false;
        m_running = true;
        lock.unlock();
        // Passive: waits for no one and takes no write lock; SQLITE_BUSY when another
        // connection checkpoints meanwhile, which does the same work.
        sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        lock.lock();
        m_running = false;
        m_changed.notify_all();
    }
}

} // namespace pairlens
