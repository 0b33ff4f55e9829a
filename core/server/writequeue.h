#pragma once

// Single POST /pairs requests are written together, on a writer thread with a connection of its
// own: while the writer commits one group, the server's thread goes on reading requests, and the
// ones that arrive meanwhile form the next group. A group is one transaction (in a file BEGIN
// IMMEDIATE: PairStore::add, AddMode::OneTransaction) that also adds its pairs to the key's open
// "api.add" audit entry, and every request is answered only after that commit. So 16 clients
// posting at once cost one commit, not sixteen, and no answered pair can be lost by a kill -9.
// When the writer's connection cannot be opened, groups are written on the server's thread.

#include "dataset/pair.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

class QThread;

namespace pairlens::server {

class ServerStore;

class WriteQueue : public QObject
{
    Q_OBJECT
public:
    // status 201 (added), 200 (the pair_id existed: the stored pair), 503 or 500 (not written);
    // `stored` is the pair as stored when written.
    using Done = std::function<void(int status, const std::optional<Pair> &stored, const QString &error)>;

    // `store` is the server's; the writer opens its own connection with store.writerFactory().
    explicit WriteQueue(ServerStore &store, QObject *parent = nullptr);
    ~WriteQueue() override;

    void add(const Pair &pair, bool clientId, const QString &keyName, Done done);
    // Writes what is queued now and waits for it (also on shutdown and before a batch).
    void flush();
    // Marks the open audit entry done (before other adds, which need the store's audit slot).
    void closeAudit();

    // At most this many pairs per transaction (the rest goes in the next one).
    static constexpr int kMaxGroup = 500;

    // One request of a group, as the writer sees it.
    struct Request
    {
        Pair pair;
        bool clientId = false;
    };
    // What the writer answers for one request.
    struct Answer
    {
        int status = 500;
        std::optional<Pair> stored;
        QString error;
    };

private:
    struct Item
    {
        Pair pair;
        bool clientId = false;
        QString key;
        Done done;
    };
    // Takes the next group (the first queued key's items) off the queue.
    QList<Item> takeGroup(QString *key);
    // Hands the next group to the writer (or writes it here without one).
    void dispatch();
    // Answers the group in flight once the writer is done; false when it is not done yet.
    bool collect();
    void waitForWriter();

    ServerStore &m_store;
    std::unique_ptr<ServerStore> m_writerStore; // used on m_thread only
    QThread *m_thread = nullptr;
    QObject *m_writer = nullptr; // lives on m_thread: the context of the writer's calls
    QList<Item> m_items;
    QTimer m_timer;

    // The group in flight and the writer's answers, handed over under m_mutex.
    QList<Item> m_inFlight;
    std::optional<QList<Answer>> m_answers;
    std::mutex m_mutex;
    std::condition_variable m_answered;

    // The open "api.add" audit entry (of the writer's store): its key, age and requests.
    QString m_auditKey;
    qint64 m_auditStarted = 0; // ms since the epoch
    qint64 m_auditRequests = 0;
};

// Writes one group in one transaction through `store`: the answers, in the order of `requests`.
QList<WriteQueue::Answer> writeGroup(ServerStore &store, const QList<WriteQueue::Request> &requests);

} // namespace pairlens::server
