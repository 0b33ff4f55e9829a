#include "server/writequeue.h"

#include "dataset/pairstore.h"
#include "dataset/writetx.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace pairlens::server {

WriteQueue::WriteQueue(PairStore &store, QObject *parent) : QObject(parent), m_store(store) {}

WriteQueue::~WriteQueue()
{
    flush();
}

void WriteQueue::add(const Pair &pair, bool clientId, const QString &keyName, Done done)
{
    m_items.append(Item{pair, clientId, keyName, std::move(done)});
    if (!m_scheduled) {
        m_scheduled = true;
        // After the requests already read in this turn of the event loop: they join the group.
        QTimer::singleShot(0, this, &WriteQueue::flush);
    }
}

void WriteQueue::flush()
{
    m_scheduled = false;
    while (!m_items.isEmpty()) {
        const QString key = m_items.first().key;
        QList<Item> group;
        for (qsizetype i = 0; i < m_items.size() && group.size() < kMaxGroup;) {
            if (m_items.at(i).key == key)
                group.append(m_items.takeAt(i));
            else
                ++i;
        }
        writeGroup(key, group);
    }
}

void WriteQueue::writeGroup(const QString &key, QList<Item> &items)
{
    // A pair_id the client chose may exist already: answered with the stored pair (idempotent).
    QList<Pair> pairs;
    QList<Item *> adding;
    for (Item &item : items) {
        if (item.clientId) {
            if (const std::optional<Pair> stored = m_store.getByPairId(item.pair.pairId)) {
                item.done(200, stored, {});
                continue;
            }
        }
        pairs.append(item.pair);
        adding.append(&item);
    }
    if (pairs.isEmpty())
        return;
    m_store.startAddAudit(u"api.add"_s, {{u"key"_s, key}, {u"route"_s, u"POST /api/training-data/pairs"_s}});
    const PairStore::AddResult r = m_store.add(pairs, PairStore::AddMode::OneTransaction);
    m_store.finishAddAudit({{u"added"_s, r.added}, {u"already_present"_s, r.alreadyPresent}});
    if (!r.error.isEmpty()) {
        const int status = isBusyError(r.error) ? 503 : 500;
        for (Item *item : std::as_const(adding))
            item->done(status, std::nullopt, r.error);
        return;
    }
    for (Item *item : std::as_const(adding)) {
        const std::optional<Pair> stored = m_store.getByPairId(item->pair.pairId);
        if (stored)
            item->done(201, stored, {});
        else
            item->done(500, std::nullopt, m_store.errorString());
    }
}

} // namespace pairlens::server
