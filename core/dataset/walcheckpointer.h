#pragma once

// Passive checkpoints of a dataset's WAL on a thread of their own, through a second connection to
// the same file, while the writing connection goes on writing (ChunkCheckpoints, writetx.h). A
// checkpoint copies pages from the WAL into the database file and syncs both: on a large write
// each took 150-500 ms of the writing thread, which no other work needs. SQLite runs a checkpoint
// beside a writer: they take different locks, and the checkpoint copies only what every reader
// and the writer's snapshot have passed.

#include <condition_variable>
#include <mutex>
#include <thread>

struct sqlite3;

namespace pairlens {

class WalCheckpointer
{
public:
    // Opens a connection to the main database file of `writer`; isValid() says whether it could.
    explicit WalCheckpointer(sqlite3 *writer);
    // Waits for a checkpoint that runs, then closes the connection.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    bool isValid() const { return m_db != nullptr; }
    // Starts a passive checkpoint unless one is running.
    void start();
    // Returns once no checkpoint is running.
    void wait();

private:
    void run();

    sqlite3 *m_db = nullptr;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_requested = false;
    bool m_running = false;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace pairlens
