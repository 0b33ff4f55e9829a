#pragma once

// Single POST /pairs requests are written together, on a writer thread with a connection of its
// own: while the writer commits one group, the server's thread goes on reading requests, and the
// ones that arrive meanwhile form the next group. A group is one transaction (in a file BEGIN
// IMMEDIATE: PairStore::add, AddMode::OneTransaction) that also adds its pairs to the key's open
// "api.add" audit entry, and every request is answered only after that commit. So 16 clients
// posting at once cost one commit, not sixteen, and no answered pair can be lost by a kill -9.
// When the writer's connection cannot be opened, groups are written on the server's thread.

#include "dataset/pair.h"
#include "dataset/pairstore.h"

#include <QJsonObject>
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
    // POST /pairs:batch: `pairs` added on the writer after the requests queued before them, in
    // short transactions (a pair_id already stored is left as it is), under an "api.add" audit entry
    // of their own with `auditDetail`; `done` gets the result on the server's thread. Meanwhile the
    // server reads and checks the next requests, so a client's next batch is parsed while this one
    // is written (before, the two took turns and the cores stood idle 43 % of a batch run).
    using BatchDone = std::function<void(const PairStore::AddResult &result)>;
    void addBatch(QList<Pair> pairs, const QJsonObject &auditDetail, BatchDone done);
    // Batches waiting for the writer (not the one in flight). The server refuses more than
    // kMaxWaitingBatches (503, Retry-After), so many clients posting batches at once cannot make it
    // hold more than a few batches' pairs in memory.
    qsizetype waitingBatches() const { return m_batches.size(); }
    static constexpr int kMaxWaitingBatches = 4;
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
        quint64 order = 0; // arrival, against the batches'
    };
    struct Batch
    {
        QList<Pair> pairs;
        QJsonObject auditDetail;
        BatchDone done;
        quint64 order = 0;
    };
    // Takes the next group (the first queued key's items) off the queue.
    QList<Item> takeGroup(QString *key);
    // Hands the next group or batch, whichever came first, to the writer (or writes a group here
    // without one).
    void dispatch();
    void dispatchBatch();
    // Answers the group in flight once the writer is done; false when it is not done yet.
    bool collect();
    void waitForWriter();
    // Runs `work` on the writer, hands its result over in `slot` (under m_mutex) and collects it on
    // the server's thread.
    template <typename Work, typename Result> void runOnWriter(Work work, std::optional<Result> &slot);

    ServerStore &m_store;
    std::unique_ptr<ServerStore> m_writerStore; // used on m_thread only
    QThread *m_thread = nullptr;
    QObject *m_writer = nullptr; // lives on m_thread: the context of the writer's calls
    QList<Item> m_items;
    QList<Batch> m_batches;
    quint64 m_arrivals = 0;
    QTimer m_timer;

    // The group or batch in flight and the writer's answers, handed over under m_mutex.
    QList<Item> m_inFlight;
    std::optional<Batch> m_batchInFlight;
    std::optional<QList<Answer>> m_answers;
    std::optional<PairStore::AddResult> m_batchResult;
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
