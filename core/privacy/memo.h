#pragma once

// Internal: bounded memos of a pure function's results, one per thread (no locking) or one shared
// by all threads (a mutex; for results so costly that computing them once per thread shows). Real data
// repeats its personal values (the same customer's e-mail in many questions, the same phone number
// in many rows), and the two costly steps of the anonymizer are pure functions of their input:
// libphonenumber's validation (candidate, region) and the keyed replacement (anonymizer, kind,
// operator, value). When the memo holds `Capacity` entries it starts again empty, so its memory is
// bounded whatever the data, and a dataset of all-distinct values costs one lookup per value more.

#include <cstddef>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace pairlens::privacy::detail {

template <typename Key, typename Value, typename Hash = std::hash<Key>, std::size_t Capacity = 4096>
class ThreadMemo
{
public:
    // The stored result for `key`, or `compute()`'s, which is remembered.
    template <typename Compute> const Value &get(Key key, Compute &&compute)
    {
        auto it = m_map.find(key);
        if (it != m_map.end())
            return it->second;
        if (m_map.size() >= Capacity)
            m_map.clear();
        Value value = compute();
        return m_map.emplace(std::move(key), std::move(value)).first->second;
    }

private:
    std::unordered_map<Key, Value, Hash> m_map;
};

// The same shared between threads. The function runs outside the lock, so two threads may both
// compute a missing result (the same one: it is a pure function) and the second insert is a no-op.
template <typename Key, typename Value, typename Hash, std::size_t Capacity> class SharedMemo
{
public:
    template <typename Compute> Value get(const Key &key, Compute &&compute)
    {
        {
            const std::lock_guard lock(m_mutex);
            const auto it = m_map.find(key);
            if (it != m_map.end())
                return it->second;
        }
        Value value = compute();
        const std::lock_guard lock(m_mutex);
        if (m_map.size() >= Capacity)
            m_map.clear();
        m_map.emplace(key, value);
        return value;
    }

private:
    std::mutex m_mutex;
    std::unordered_map<Key, Value, Hash> m_map;
};

} // namespace pairlens::privacy::detail
