#pragma once

#include <QHash>
#include <QList>

#include <algorithm>
#include <cstdlib>

namespace pairlens::ui {

// A bounded cache of fixed-size pages of table rows. Rows arrive a page at a time from the worker;
// once more than `capacity` pages are held, the pages farthest from where the user is looking go
// first, so memory stays flat however far one scrolls. Each page remembers the load generation it
// belongs to, so a page from before a refresh can still be shown until its replacement arrives.
template <typename Row> class RowCache
{
public:
    explicit RowCache(int pageSize = 100, int capacity = 40) : m_pageSize(pageSize), m_capacity(capacity) {}

    int pageSize() const { return m_pageSize; }
    int capacity() const { return m_capacity; }
    qsizetype pageCount() const { return m_pages.size(); }
    qint64 pageOf(qint64 row) const { return row / m_pageSize; }

    bool hasPage(qint64 page) const { return m_pages.contains(page); }
    // The generation the page was loaded for; 0 when not held.
    quint64 generationOf(qint64 page) const
    {
        const auto it = m_pages.constFind(page);
        return it == m_pages.cend() ? 0 : it->generation;
    }

    // nullptr when the row's page isn't held or the page is shorter.
    Row *row(qint64 row)
    {
        const auto it = m_pages.find(pageOf(row));
        if (it == m_pages.end())
            return nullptr;
        const qint64 i = row % m_pageSize;
        return i < it->rows.size() ? &it->rows[i] : nullptr;
    }
    const Row *row(qint64 r) const { return const_cast<RowCache *>(this)->row(r); }

    // Stores a page; evicts the pages farthest from `focusPage` beyond the capacity (never `page`).
    void insert(qint64 page, QList<Row> rows, quint64 generation, qint64 focusPage)
    {
        m_pages.insert(page, Page{std::move(rows), generation});
        evict(focusPage, page);
    }

    void remove(qint64 page) { m_pages.remove(page); }
    void clear() { m_pages.clear(); }
    QList<qint64> pages() const { return m_pages.keys(); }

private:
    struct Page
    {
        QList<Row> rows;
        quint64 generation = 0;
    };

    void evict(qint64 focusPage, qint64 keep)
    {
        while (m_pages.size() > m_capacity) {
            qint64 farthest = -1;
            qint64 distance = -1;
            for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
                const qint64 d = std::abs(it.key() - focusPage);
                if (it.key() != keep && d > distance) {
                    distance = d;
                    farthest = it.key();
                }
            }
            if (farthest < 0)
                return;
            m_pages.remove(farthest);
        }
    }

    QHash<qint64, Page> m_pages;
    int m_pageSize;
    int m_capacity;
};

} // namespace pairlens::ui
