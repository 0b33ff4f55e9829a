#include "readinterrupt.h"

#include <chrono>
#include <thread>

namespace pairlens::ui {

void ReadInterrupt::begin(std::function<void()> cancel, std::function<bool()> stale)
{
    const std::lock_guard lock(m_mutex);
    m_cancel = std::move(cancel);
    m_stale = std::move(stale);
    m_reading = true;
    m_interrupted = false;
    ++m_read;
}

void ReadInterrupt::end()
{
    const std::lock_guard lock(m_mutex);
    m_cancel = nullptr;
    m_stale = nullptr;
    m_reading = false;
}

bool ReadInterrupt::interrupted()
{
    // Only inside the read: a failure after it (the poll's lost connection) is reported.
    const std::lock_guard lock(m_mutex);
    return m_reading && m_interrupted;
}

void ReadInterrupt::cancelNow(unsigned long long read)
{
    // Again and again until the read ends: a cancel that reaches the server between two of the
    // read's statements finds it idle and is ignored, and the next statement would run (or wait)
    // to its end. Each time under the lock: the worker cannot leave the read (end()) and send a
    // write until the cancel request was handled (PQcancel() waits for the server to take it).
    for (;;) {
        {
            const std::lock_guard lock(m_mutex);
            if (!m_reading || m_read != read || !m_cancel)
                return;
            m_interrupted = true;
            m_cancel();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void ReadInterrupt::interrupt()
{
    interruptIf(false);
}

void ReadInterrupt::interruptStale()
{
    interruptIf(true);
}

void ReadInterrupt::interruptIf(bool onlyStale)
{
    unsigned long long read = 0;
    {
        const std::lock_guard lock(m_mutex);
        if (!m_reading || !m_cancel || m_cancelling == m_read || (onlyStale && !(m_stale && m_stale())))
            return;
        read = m_read;
        m_cancelling = read; // one thread per read
    }
    // A cancel request opens a connection to the server: never on the window's thread, which a
    // server that does not answer would freeze. The object lives as long as the thread needs it.
    std::thread([self = shared_from_this(), read] { self->cancelNow(read); }).detach();
}

} // namespace pairlens::ui
