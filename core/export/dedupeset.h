#pragma once

#include <QtGlobal>

#include <array>
#include <vector>

namespace pairlens::exporting {

// A set of 128-bit hashes in one flat open-addressing table: 16 bytes per slot, at most 70% full,
// so a million distinct pairs take about 32 MB. Used to drop exact duplicates during an export.
class DedupeSet
{
public:
    using Key = std::array<quint64, 2>;

    // Returns true when the key was new.
    bool insert(Key key)
    {
        if (key[0] == 0 && key[1] == 0)
            key[1] = 1; // the all-zero key marks an empty slot
        if (size_t(m_size + 1) * 10 > m_slots.size() * 7)
            grow();
        if (!place(m_slots, key))
            return false;
        ++m_size;
        return true;
    }
    qsizetype size() const { return m_size; }

private:
    static bool place(std::vector<Key> &table, const Key &key)
    {
        const size_t mask = table.size() - 1;
        for (size_t i = size_t(key[0]) & mask;; i = (i + 1) & mask) {
            Key &slot = table[i];
            if (slot[0] == 0 && slot[1] == 0) {
                slot = key;
                return true;
            }
            if (slot == key)
                return false;
        }
    }
    void grow()
    {
        std::vector<Key> bigger(m_slots.empty() ? 1024 : m_slots.size() * 2, Key{0, 0});
        for (const Key &k : m_slots) {
            if (k[0] != 0 || k[1] != 0)
                place(bigger, k);
        }
        m_slots.swap(bigger);
    }

    std::vector<Key> m_slots;
    qsizetype m_size = 0;
};

} // namespace pairlens::exporting
