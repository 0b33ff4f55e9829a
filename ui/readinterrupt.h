#pragma once

#include <functional>
#include <memory>
#include <mutex>

namespace pairlens::ui {

// Lets the window stop the dataset worker's read in flight when it closes the dataset: on a large
// PostgreSQL schema a count or the filter panel's choices take a second or more, and the next
// dataset would wait for them. Only reads: the worker marks each one with begin() and end(), and
// interrupt() cancels a statement only between them, never a write. Shared by the window's thread
// and the worker's (always owned by a std::shared_ptr).
class ReadInterrupt : public std::enable_shared_from_this<ReadInterrupt>
{
public:
    // Worker thread: a read starts; `cancel` (Storage::statementCanceller(), may be empty) stops it.
    // `stale` (may be empty; called under the lock from any thread) says whether its answer has
    // become useless: a table's count or page after the table moved on to another filter or sort.
    void begin(std::function<void()> cancel, std::function<bool()> stale = {});
    // Worker thread: the read is over. The canceller is dropped under the lock, so that a cancel
    // sent from interrupt() has reached the server before the next statement (a write) is sent.
    void end();
    // Worker thread: whether the read that runs now was interrupted (its failure is not reported);
    // false outside a read.
    bool interrupted();
    // Any thread: stops the read that runs now, if any: every statement it still sends fails. Does
    // not wait for a slow or lost server: the cancel requests are sent from a thread of its own.
    void interrupt();
    // Any thread: stops the read that runs now if it has become stale.
    void interruptStale();

private:
    void interruptIf(bool onlyStale);
    void cancelNow(unsigned long long read);

    std::mutex m_mutex;
    std::function<void()> m_cancel;
    std::function<bool()> m_stale;
    bool m_reading = false;
    unsigned long long m_read = 0;       // counts begin(): a late cancel never stops the next read
    unsigned long long m_cancelling = 0; // the read a cancelling thread was started for
    bool m_interrupted = false;
};

// Begins a read on `reads` (which may be null) for its lifetime: a job on a pool thread marks the
// statements of its store that its owner may stop.
class ReadScope
{
public:
    ReadScope(const std::shared_ptr<ReadInterrupt> &reads, std::function<void()> cancel) : m_reads(reads)
    {
        if (m_reads)
            m_reads->begin(std::move(cancel));
    }
    ~ReadScope()
    {
        if (m_reads)
            m_reads->end();
    }
    ReadScope(const ReadScope &) = delete;
    ReadScope &operator=(const ReadScope &) = delete;

private:
    std::shared_ptr<ReadInterrupt> m_reads;
};

} // namespace pairlens::ui
