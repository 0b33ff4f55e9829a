#include "server/writequeue.h"

#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/writetx.h"
#include "server/serverstore.h"

#include <QTimer>

using namespace Qt::StringLiterals;

namespace pairlens::server {

WriteQueue::WriteQueue(ServerStore &store, QObject *parent) : QObject(parent), m_store(store)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &WriteQueue::flush);
}

WriteQueue::~WriteQueue()
{
    flush();
    closeAudit();
}

void WriteQueue::closeAudit()
{
    if (m_auditKey.isEmpty())
        return;
    m_store.finishAddAudit({{u"requests"_s, m_auditRequests}});
    m_auditKey.clear();
    m_auditRequests = 0;
}

void WriteQueue::add(const Pair &pair, bool clientId, const QString &keyName, Done done)
{
    m_items.append(Item{pair, clientId, keyName, std::move(done)});
    if (m_items.size() >= kMaxGroup) {
        flush();
        return;
    }
    if (m_scheduled)
        return;
    m_scheduled = true;
    // Under load (the last group held more than one pair, or it was written a moment ago) the group
    // stays open for a millisecond, so that the clients answered by the last commit join this one:
    // one commit then serves many requests. A lone recorder is written at the next turn of the
    // event loop, without the wait.
    const bool busy = m_lastGroup > 1 || (m_sinceFlush.isValid() && m_sinceFlush.elapsed() < 2);
    m_timer.start(busy ? 1 : 0);
}

void WriteQueue::flush()
{
    m_scheduled = false;
    m_timer.stop();
    m_lastGroup = int(m_items.size());
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
    m_sinceFlush.start();
}

void WriteQueue::writeGroup(const QString &key, QList<Item> &items)
{
    // A pair_id the client chose may exist already: answered with the stored pair (idempotent). The
    // group's pair_ids are looked up together (one round trip to a database server).
    QStringList chosen;
    for (const Item &item : std::as_const(items)) {
        if (item.clientId)
            chosen << item.pair.pairId;
    }
    const std::optional<QHash<QString, Pair>> existing = m_store.getByPairIds(chosen);
    if (!existing) {
        const QString error = m_store.errorString();
        for (Item &item : items)
            item.done(isBusyError(error) ? 503 : 500, std::nullopt, error);
        return;
    }
    QList<Pair> pairs;
    QList<Item *> adding;
    for (Item &item : items) {
        if (item.clientId) {
            const auto stored = existing->constFind(item.pair.pairId);
            if (stored != existing->cend()) {
                item.done(200, *stored, {});
                continue;
            }
        }
        pairs.append(item.pair);
        adding.append(&item);
    }
    if (pairs.isEmpty())
        return;
    // One audit entry per key and minute (not per commit): it is written first, each add()
    // transaction adds its pairs to it in the same transaction, and it is closed when the key
    // changes, after a minute or on shutdown. A kill -9 leaves it counting exactly the pairs added.
    if (m_auditKey != key || !m_auditAge.isValid() || m_auditAge.elapsed() > 60000) {
        closeAudit();
        if (m_store.startAddAudit(u"api.add"_s,
                                  {{u"key"_s, key}, {u"route"_s, u"POST /api/training-data/pairs"_s}})) {
            m_auditKey = key;
            m_auditAge.start();
        }
    }
    m_auditRequests += items.size();
    // Derived here (not inside add()) so that the answers need not read the pairs back.
    QList<DerivedFields> derived;
    derived.reserve(pairs.size());
    for (const Pair &p : std::as_const(pairs))
        derived.append(m_store.deriver().derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                                p.databaseType, p.pairId, p.metadata));
    const PairStore::AddResult r = m_store.add(pairs, derived, true);
    if (!r.error.isEmpty()) {
        const int status = isBusyError(r.error) ? 503 : 500;
        for (Item *item : std::as_const(adding))
            item->done(status, std::nullopt, r.error);
        return;
    }
    if (r.added == pairs.size()) {
        // Every pair is new: stored as sent, with the derived fields.
        for (qsizetype i = 0; i < adding.size(); ++i) {
            Pair stored = pairs.at(i);
            stored.queryType = derived.at(i).queryType;
            stored.tableNames = derived.at(i).tableNames;
            stored.piiMask = derived.at(i).piiMask;
            adding.at(i)->done(201, stored, {});
        }
        return;
    }
    // Some pair_id was stored meanwhile (by another program): each answer reads its pair back.
    QStringList ids;
    for (const Item *item : std::as_const(adding))
        ids << item->pair.pairId;
    const std::optional<QHash<QString, Pair>> stored = m_store.getByPairIds(ids);
    for (Item *item : std::as_const(adding)) {
        const auto it =
            stored ? stored->constFind(item->pair.pairId) : QHash<QString, Pair>::const_iterator();
        if (stored && it != stored->cend())
            item->done(201, *it, {});
        else
            item->done(500, std::nullopt, m_store.errorString());
    }
}

} // namespace pairlens::server
