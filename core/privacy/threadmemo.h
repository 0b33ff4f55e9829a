#pragma once

// Internal: a bounded memo of a pure function's results, one per thread (no locking). Real data
// repeats its personal values (the same customer's e-mail in many questions, the same phone number
// in many rows), and the two costly steps of the anonymizer are pure functions of their input:
// libphonenumber's validation (candidate, region) and the keyed replacement (anonymizer, kind,
// operator, value). When the memo holds `Capacity` entries it starts again empty, so its memory is
// bounded whatever the data, and a dataset of all-distinct values costs one lookup per value more.

#include <cstddef>
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

} // namespace pairlens::privacy::detail
