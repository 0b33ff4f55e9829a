#pragma once

#include <QString>

#include <atomic>
#include <functional>

namespace pairlens {

// Shared by every long operation (import, analysis, export, statistics) so that the CLI, the GUI
// and the tests drive them the same way. The operation calls report() now and then; a false return
// (or a set cancel flag) asks it to stop as soon as it safely can.
class Progress
{
public:
    using Callback = std::function<void(qint64 done, qint64 total, const QString &stage)>;

    Progress() = default;
    explicit Progress(Callback cb, std::atomic_bool *cancel = nullptr)
        : m_callback(std::move(cb)), m_cancel(cancel)
    {}

    bool isCancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }

    // Returns false when the caller should stop.
    bool report(qint64 done, qint64 total, const QString &stage = {}) const
    {
        if (m_callback)
            m_callback(done, total, stage);
        return !isCancelled();
    }

private:
    Callback m_callback;
    std::atomic_bool *m_cancel = nullptr;
};

} // namespace pairlens
