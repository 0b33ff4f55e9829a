#pragma once

// Internal: bounded memos of a pure function's results, one per thread (no locking) or one shared
// by all threads (a mutex; for results so costly that computing them once per thread shows). Real data
// repeats its personal values (the same customer's e-mail in many questions, the same phone number
// in many rows), and the two costly steps of the anonymizer are pure functions of their input:
// libphonenumber's validation (candidate, region) and the keyed replacement (anonymizer, kind,
// operator, value). When the memo holds `Capacity` entries it starts again empty, so its memory is
// bounded whatever the data, and a dataset of all-distinct values costs one lookup per value more.

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace pairlens::privacy::detail {

// The map behind both memos: when it holds `Capacity` entries, an insert empties it first.
template <typename Key, typename Value, typename Hash, std::size_t Capacity> class BoundedMap
{
public:
    const Value *find(const Key &key) const
    {
        const auto it = m_map.find(key);
        return it != m_map.end() ? &it->second : nullptr;
    }
    const Value &insert(Key key, Value value)
    {
        if (m_map.size() >= Capacity)
            m_map.clear();
        return m_map.emplace(std::move(key), std::move(value)).first->second;
    }

private:
    std::unordered_map<Key, Value, Hash> m_map;
};

template <typename Key, typename Value, typename Hash, std::size_t Capacity> class ThreadMemo
{
public:
    // The stored result for `key`, or `compute()`'s, which is remembered.
    template <typename Compute> const Value &get(Key key, Compute &&compute)
    {
        if (const Value *known = m_map.find(key))
            return *known;
        return m_map.insert(std::move(key), compute());
    }

private:
    BoundedMap<Key, Value, Hash, Capacity> m_map;
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
            if (const Value *known = m_map.find(key))
                return *known;
        }
        Value value = compute();
        const std::lock_guard lock(m_mutex);
        m_map.insert(key, value);
        return value;
    }

private:
    std::mutex m_mutex;
    BoundedMap<Key, Value, Hash, Capacity> m_map;
};

// A direct-mapped memo, one per thread: `Slots` (a power of two) slots, each holding one key and its
// result; a key's hash picks its slot and a new key overwrites what was there. The caller compares
// and fills the slot (the key is part of the slot). No allocation per entry and nothing to empty:
// for data whose values mostly do not repeat (random test data, most phone numbers) the memo costs
// one hash and one comparison per value; values that do repeat stay until another value of the
// same slot comes.
template <typename Slot, std::size_t Slots> class DirectMemo
{
    static_assert((Slots & (Slots - 1)) == 0, "Slots must be a power of two");

public:
    Slot &slot(std::size_t hash) { return (*m_slots)[(hash ^ (hash >> 17)) & (Slots - 1)]; }

private:
    std::unique_ptr<std::array<Slot, Slots>> m_slots = std::make_unique<std::array<Slot, Slots>>();
};

} // namespace pairlens::privacy::detail
