#include "server/writequeue.h"

#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/writetx.h"
#include "server/serverstore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QThread>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
// What the writer does for one group: the audit entry's bookkeeping, then the group.
struct Job
{
    QList<WriteQueue::Request> requests;
    bool finishAudit = false;
    qint64 auditRequests = 0;         // with finishAudit: the requests the closed entry served
    std::optional<QJsonObject> start; // a new "api.add" entry's detail
};

QList<WriteQueue::Answer> runJob(ServerStore &store, const Job &job)
{
    if (job.finishAudit)
        store.finishAddAudit({{u"requests"_s, job.auditRequests}});
    if (job.start)
        store.startAddAudit(u"api.add"_s, *job.start);
    return writeGroup(store, job.requests);
}

// What the writer does for one batch: the single requests' open entry closed, then the batch's own.
struct BatchJob
{
    QList<Pair> pairs;
    QJsonObject auditDetail;
    bool finishAudit = false;
    qint64 auditRequests = 0;
};

PairStore::AddResult runBatch(ServerStore &store, const BatchJob &job)
{
    if (job.finishAudit)
        store.finishAddAudit({{u"requests"_s, job.auditRequests}});
    store.startAddAudit(u"api.add"_s, job.auditDetail);
    // In a file, short transactions (~20 ms each): a recorder or the window never waits long for the
    // lock. A pair_id already stored is left as it is, so sending a batch again adds nothing twice.
    PairStore::AddResult result = store.add(job.pairs, {}, false, false);
    store.finishAddAudit({{u"added"_s, result.added}, {u"already_present"_s, result.alreadyPresent}});
    return result;
}
} // namespace

QList<WriteQueue::Answer> writeGroup(ServerStore &store, const QList<WriteQueue::Request> &requests)
{
    QList<WriteQueue::Answer> answers(requests.size());
    // A pair_id the client chose may exist already: answered with the stored pair (idempotent). The
    // group's pair_ids are looked up together (one round trip to a database server).
    QStringList chosen;
    for (const WriteQueue::Request &r : requests) {
        if (r.clientId)
            chosen << r.pair.pairId;
    }
    const std::optional<QHash<QString, Pair>> existing = store.getByPairIds(chosen);
    if (!existing) {
        const QString error = store.errorString();
        for (WriteQueue::Answer &a : answers)
            a = {isBusyError(error) ? 503 : 500, std::nullopt, error};
        return answers;
    }
    QList<Pair> pairs;
    QList<qsizetype> adding; // index in `requests` of each pair in `pairs`
    for (qsizetype i = 0; i < requests.size(); ++i) {
        const WriteQueue::Request &r = requests.at(i);
        if (r.clientId) {
            const auto stored = existing->constFind(r.pair.pairId);
            if (stored != existing->cend()) {
                answers[i] = {200, *stored, {}};
                continue;
            }
        }
        pairs.append(r.pair);
        adding.append(i);
    }
    if (pairs.isEmpty())
        return answers;
    // Derived here (not inside add()) so that the answers need not read the pairs back, with the
    // privacy settings as they are now (`pairlens privacy` may have changed them meanwhile).
    if (QString unreadable; !store.deriver().refresh(&unreadable)) {
        for (qsizetype i : std::as_const(adding))
            answers[i] = {500, std::nullopt, unreadable};
        return answers;
    }
    QList<DerivedFields> derived;
    derived.reserve(pairs.size());
    for (const Pair &p : std::as_const(pairs))
        derived.append(store.deriver().derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp, p.databaseType,
                                              p.pairId, p.metadata));
    // Every pair_id of `pairs` was looked up above (a generated one is new).
    const PairStore::AddResult r = store.add(pairs, derived, true, true);
    if (!r.error.isEmpty()) {
        const int status = isBusyError(r.error) ? 503 : 500;
        for (qsizetype i : std::as_const(adding))
            answers[i] = {status, std::nullopt, r.error};
        return answers;
    }
    if (r.added == pairs.size()) {
        // Every pair is new: stored as sent, with the derived fields (and the PII kinds the store
        // found again when the privacy settings changed before its transaction).
        const Deriver &deriver = store.deriver();
        for (qsizetype j = 0; j < adding.size(); ++j) {
            Pair stored = pairs.at(j);
            const DerivedFields &d = derived.at(j);
            stored.queryType = d.queryType;
            stored.tableNames = d.tableNames;
            stored.piiMask = deriver.currentFor(d, stored).piiMask;
            answers[adding.at(j)] = {201, std::move(stored), {}};
        }
        return answers;
    }
    // Some pair_id was stored meanwhile (by another program): each answer reads its pair back.
    QStringList ids;
    for (const Pair &p : std::as_const(pairs))
        ids << p.pairId;
    const std::optional<QHash<QString, Pair>> stored = store.getByPairIds(ids);
    for (qsizetype j = 0; j < adding.size(); ++j) {
        const auto it =
            stored ? stored->constFind(pairs.at(j).pairId) : QHash<QString, Pair>::const_iterator();
        if (stored && it != stored->cend())
            answers[adding.at(j)] = {201, *it, {}};
        else
            answers[adding.at(j)] = {500, std::nullopt, store.errorString()};
    }
    return answers;
}

WriteQueue::WriteQueue(ServerStore &store, QObject *parent) : QObject(parent), m_store(store)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &WriteQueue::dispatch);
    // The writer: a thread with a connection of its own, opened (and later closed) on that thread.
    m_thread = new QThread;
    m_thread->setObjectName(u"pairlens-writer"_s);
    m_writer = new QObject;
    m_writer->moveToThread(m_thread);
    m_thread->start();
    QString error;
    QMetaObject::invokeMethod(
        m_writer, [this, &error] { m_writerStore = m_store.reopen(&error); }, Qt::BlockingQueuedConnection);
    if (!m_writerStore)
        qWarning("pairlens serve: the write queue writes on the server's thread (%s)", qPrintable(error));
}

WriteQueue::~WriteQueue()
{
    flush();
    closeAudit();
    QMetaObject::invokeMethod(
        m_writer, [this] { m_writerStore.reset(); }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_writer; // its thread has ended
    delete m_thread;
}

void WriteQueue::add(const Pair &pair, bool clientId, const QString &keyName, Done done)
{
    m_items.append(Item{pair, clientId, keyName, std::move(done), ++m_arrivals});
    if (!m_inFlight.isEmpty() || m_batchInFlight)
        return; // the next group forms while the writer commits; dispatched when it is done
    if (m_items.size() >= kMaxGroup)
        dispatch();
    else if (!m_timer.isActive())
        m_timer.start(0); // after the other requests this turn of the event loop brought
}

QList<WriteQueue::Item> WriteQueue::takeGroup(QString *key)
{
    QList<Item> group;
    if (m_items.isEmpty())
        return group;
    *key = m_items.first().key;
    for (qsizetype i = 0; i < m_items.size() && group.size() < kMaxGroup;) {
        if (m_items.at(i).key == *key)
            group.append(m_items.takeAt(i));
        else
            ++i;
    }
    return group;
}

template <typename Work, typename Result> void WriteQueue::runOnWriter(Work work, std::optional<Result> &slot)
{
    QMetaObject::invokeMethod(
        m_writer,
        [this, work = std::move(work), &slot] {
            Result result = work();
            {
                const std::lock_guard lock(m_mutex);
                slot = std::move(result);
            }
            m_answered.notify_all();
            // Dropped by Qt if the queue is gone by then (its destructor collected the answers).
            QMetaObject::invokeMethod(
                this,
                [this] {
                    if (collect())
                        dispatch();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void WriteQueue::addBatch(QList<Pair> pairs, const QJsonObject &auditDetail, BatchDone done)
{
    if (!m_writerStore) { // written here, in turn with the single requests
        flush();
        closeAudit();
        done(runBatch(m_store, BatchJob{std::move(pairs), auditDetail}));
        return;
    }
    m_batches.append(Batch{std::move(pairs), auditDetail, std::move(done), ++m_arrivals});
    dispatch();
}

void WriteQueue::dispatchBatch()
{
    Batch batch = m_batches.takeFirst();
    BatchJob job{batch.pairs, batch.auditDetail, !m_auditKey.isEmpty(), m_auditRequests};
    m_auditKey.clear(); // the single requests after the batch open an entry of their own
    m_auditRequests = 0;
    m_batchInFlight = std::move(batch);
    runOnWriter([this, job = std::move(job)] { return runBatch(*m_writerStore, job); }, m_batchResult);
}

void WriteQueue::dispatch()
{
    if (!m_inFlight.isEmpty() || m_batchInFlight)
        return;
    if (!m_batches.isEmpty() && (m_items.isEmpty() || m_batches.first().order < m_items.first().order)) {
        dispatchBatch();
        return;
    }
    QString key;
    QList<Item> group = takeGroup(&key);
    if (group.isEmpty())
        return;
    Job job;
    for (const Item &item : std::as_const(group))
        job.requests.append({item.pair, item.clientId});
    // One audit entry per key and minute (not per commit): it is written first, each group's
    // transaction adds its pairs to it, and it is closed when the key changes, after a minute or on
    // shutdown. A kill -9 leaves it counting exactly the pairs added.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_auditKey != key || now - m_auditStarted > 60000) {
        job.finishAudit = !m_auditKey.isEmpty();
        job.auditRequests = m_auditRequests;
        job.start = QJsonObject{{u"key"_s, key}, {u"route"_s, u"POST /api/training-data/pairs"_s}};
        m_auditKey = key;
        m_auditStarted = now;
        m_auditRequests = 0;
    }
    m_auditRequests += group.size();

    if (!m_writerStore) {
        const QList<Answer> answers = runJob(m_store, job);
        for (qsizetype i = 0; i < group.size(); ++i)
            group[i].done(answers.at(i).status, answers.at(i).stored, answers.at(i).error);
        return;
    }
    m_inFlight = std::move(group);
    runOnWriter([this, job = std::move(job)] { return runJob(*m_writerStore, job); }, m_answers);
}

bool WriteQueue::collect()
{
    if (m_batchInFlight) {
        std::optional<PairStore::AddResult> result;
        {
            const std::lock_guard lock(m_mutex);
            if (!m_batchResult)
                return false;
            result = std::move(m_batchResult);
            m_batchResult.reset();
        }
        Batch batch = std::move(*m_batchInFlight);
        m_batchInFlight.reset();
        batch.done(*result);
        return true;
    }
    QList<Answer> answers;
    {
        const std::lock_guard lock(m_mutex);
        if (!m_answers || m_inFlight.isEmpty())
            return false;
        answers = std::move(*m_answers);
        m_answers.reset();
    }
    QList<Item> group = std::move(m_inFlight);
    m_inFlight.clear();
    for (qsizetype i = 0; i < group.size(); ++i)
        group[i].done(answers.at(i).status, answers.at(i).stored, answers.at(i).error);
    return true;
}

void WriteQueue::waitForWriter()
{
    if (m_inFlight.isEmpty() && !m_batchInFlight)
        return;
    {
        const bool batch = m_batchInFlight.has_value();
        std::unique_lock lock(m_mutex);
        m_answered.wait(lock,
                        [this, batch] { return batch ? m_batchResult.has_value() : m_answers.has_value(); });
    }
    collect();
}

void WriteQueue::flush()
{
    m_timer.stop();
    waitForWriter();
    while (!m_items.isEmpty() || !m_batches.isEmpty()) {
        dispatch();
        waitForWriter();
    }
}

void WriteQueue::closeAudit()
{
    flush();
    if (m_auditKey.isEmpty())
        return;
    const QJsonObject detail{{u"requests"_s, m_auditRequests}};
    if (m_writerStore)
        QMetaObject::invokeMethod(
            m_writer, [this, detail] { m_writerStore->finishAddAudit(detail); },
            Qt::BlockingQueuedConnection);
    else
        m_store.finishAddAudit(detail);
    m_auditKey.clear();
    m_auditRequests = 0;
}

} // namespace pairlens::server
