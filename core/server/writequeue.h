#pragma once

// Single POST /pairs requests are written together: the pairs that arrive while the event loop is
// busy go into one transaction (in a file BEGIN IMMEDIATE: PairStore::add, AddMode::OneTransaction), which
// also adds them to the key's open "api.add" audit entry, and every request is answered only after that
// commit. So 16 clients posting at once cost one commit, not sixteen, and no answered pair can be
// lost by a kill -9.

#include "dataset/pair.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <optional>

namespace pairlens::server {

class ServerStore;

class WriteQueue : public QObject
{
    Q_OBJECT
public:
    // status 201 (added), 200 (the pair_id existed: the stored pair), 503 or 500 (not written);
    // `stored` is the pair as stored when written.
    using Done = std::function<void(int status, const std::optional<Pair> &stored, const QString &error)>;

    explicit WriteQueue(ServerStore &store, QObject *parent = nullptr);

    void add(const Pair &pair, bool clientId, const QString &keyName, Done done);
    // Writes what is queued now (also called by the destructor and on shutdown).
    void flush();
    // Marks the open audit entry done (before other adds, which need the store's audit slot).
    void closeAudit();
    ~WriteQueue() override;

    // At most this many pairs per transaction (the rest goes in the next one).
    static constexpr int kMaxGroup = 500;

private:
    struct Item
    {
        Pair pair;
        bool clientId = false;
        QString key;
        Done done;
    };
    void writeGroup(const QString &key, QList<Item> &items);

    ServerStore &m_store;
    QList<Item> m_items;
    bool m_scheduled = false;
    QTimer m_timer;
    int m_lastGroup = 0;
    QString m_auditKey; // the key of the open "api.add" entry (empty: none)
    QElapsedTimer m_auditAge;
    qint64 m_auditRequests = 0;
    QElapsedTimer m_sinceFlush;
};

} // namespace pairlens::server
