// The routes over pairs and statistics of ApiServer (apiserver.h): each one a few calls into the
// store (serverstore.h), never SQL of its own.
#include "dataset/deriver.h"
#include "dataset/writetx.h"
#include "export/exporter.h"
#include "privacy/anonymizer.h"
#include "server/apiquery.h"
#include "server/apiserver.h"
#include "server/writequeue.h"
#include "stats/statistics.h"

#include <QJsonArray>
#include <QSet>
#include <QThread>

using namespace Qt::StringLiterals;

namespace pairlens::server {

void ApiServer::addPair(const ApiRequest &r)
{
    const std::optional<QJsonObject> body = jsonBody(r);
    if (!body)
        return;
    QString error;
    const std::optional<Pair> pair = pairFromBody(*body, &error);
    if (!pair)
        return fail(r, 400, error);
    const bool clientId = !body->value(u"pair_id"_s).toString().trimmed().isEmpty();
    const privacy::Anonymizer *anonymizer = anonymizerFor(r);
    // Answered after the commit of the group the pair is written in (writequeue.h).
    m_queue->add(*pair, clientId, r.key.name,
                 [this, r, anonymizer](int status, const std::optional<Pair> &stored, const QString &error) {
                     if (stored)
                         reply(r, status, {{u"pair"_s, apiPair(*stored, anonymizer)}});
                     else
                         storeFailed(r, error);
                 });
}

void ApiServer::addBatch(const ApiRequest &r)
{
    const std::optional<QJsonObject> body = jsonBody(r);
    if (!body)
        return;
    if (!body->value(u"pairs"_s).isArray())
        return fail(r, 400, u"The body must be {\"pairs\": [...]}."_s);
    const QJsonArray items = body->value(u"pairs"_s).toArray();
    if (items.size() > kMaxBatch)
        return fail(r, 413,
                    u"A batch holds at most %1 pairs; this one has %2."_s.arg(kMaxBatch).arg(items.size()));
    if (m_queue->waitingBatches() >= WriteQueue::kMaxWaitingBatches)
        return fail(r, 503,
                    u"The server is still writing %1 batches that came before this one; send it again in a "
                    "moment."_s.arg(m_queue->waitingBatches() + 1),
                    {{"Retry-After", "1"}});
    // Every pair is checked before any is written: a batch with one bad pair writes nothing.
    QList<Pair> pairs;
    pairs.reserve(items.size());
    QStringList ids;
    QSet<QString> seen;
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isObject())
            return fail(r, 400, u"pairs[%1] is not a JSON object."_s.arg(i));
        QString error;
        const std::optional<Pair> p = pairFromBody(items.at(i).toObject(), &error);
        if (!p)
            return fail(r, 400, u"pairs[%1]: %2"_s.arg(i).arg(error));
        ids << p->pairId;
        if (!seen.contains(p->pairId)) {
            seen.insert(p->pairId);
            pairs << *p;
        }
    }
    // Written on the write queue's writer after the single requests before it, under an audit entry
    // of its own (writequeue.h); answered from its result, while this thread reads on.
    const qsizetype unique = pairs.size(), duplicates = items.size() - pairs.size();
    m_queue->addBatch(
        std::move(pairs), {{u"key"_s, r.key.name}, {u"route"_s, u"POST /api/training-data/pairs:batch"_s}},
        [this, r, ids, unique, duplicates](const PairStore::AddResult &result) {
            if (!result.error.isEmpty()) {
                // The pairs of the committed transactions stay: sending the batch again adds the rest.
                if (isBusyError(result.error))
                    return fail(
                        r, 503,
                        u"Added %1 of the %2 pairs, then the dataset stayed busy (another program "
                        "holds its write lock); send the batch again to add the rest."_s.arg(result.added)
                            .arg(unique),
                        {{"Retry-After", "1"}});
                // 503 when the dataset's server does not answer now (asked here, as storeFailed() asks).
                const bool unreachable = !m_store.reachable();
                return fail(
                    r, unreachable ? 503 : 500,
                    u"Added %1 of the %2 pairs before writing failed (%3); send the batch again to add "
                    "the rest."_s.arg(result.added)
                        .arg(unique)
                        .arg(m_store.failureMessage(true, result.error)),
                    unreachable ? HeaderList{{"Retry-After", "5"}} : HeaderList{});
            }
            reply(r, result.added > 0 ? 201 : 200,
                  {{u"added"_s, result.added},
                   {u"already_present"_s, result.alreadyPresent + duplicates},
                   {u"pair_ids"_s, QJsonArray::fromStringList(ids)}});
        });
}

void ApiServer::listPairs(const ApiRequest &r)
{
    QString error;
    const std::optional<Filter> filter = filterFromQuery(r.query, &error);
    const std::optional<qint64> limit =
        filter ? intParameter(r.query, u"limit"_s, 100, kMaxPageSize, &error) : std::nullopt;
    const std::optional<qint64> offset =
        limit ? intParameter(r.query, u"offset"_s, 0, std::numeric_limits<qint64>::max() / 2, &error)
              : std::nullopt;
    if (!offset)
        return fail(r, 400, error);
    std::optional<PairStore::PageKey> after;
    if (r.query.hasQueryItem(u"cursor"_s)) {
        after = decodeCursor(r.query.queryItemValue(u"cursor"_s));
        if (!after)
            return fail(r, 400, u"cursor: not a cursor this server returned."_s);
    }
    const qint64 total = m_store.count(*filter);
    if (total < 0)
        return failed(r, m_store.failureMessage(false, m_store.errorString()));
    const std::optional<QList<Pair>> rows =
        m_store.page(*filter, int(*limit), *offset, after ? &*after : nullptr);
    if (!rows)
        return failed(r, m_store.failureMessage(false, m_store.errorString()));
    const QList<Pair> &page = *rows;
    const privacy::Anonymizer *anonymizer = anonymizerFor(r);
    QJsonArray pairs;
    for (const Pair &p : page)
        pairs.append(apiPair(p, anonymizer));
    QJsonObject out{{u"pairs"_s, pairs}, {u"total"_s, total}, {u"limit"_s, *limit}};
    if (!after)
        out[u"offset"_s] = *offset;
    // The cursor continues after the last pair of this page, whatever was added or deleted since.
    out[u"next_cursor"_s] = page.size() == *limit && *limit > 0
                                ? QJsonValue(encodeCursor(m_store.keyOf(page.last())))
                                : QJsonValue();
    reply(r, 200, out);
}

void ApiServer::getPair(const ApiRequest &r, const QString &pairId)
{
    const std::optional<Pair> p = m_store.getByPairId(pairId);
    if (!p && !m_store.errorString().isEmpty()) // not read: never "no such pair"
        return storeFailed(r, m_store.errorString());
    if (!p || p->deleted)
        return fail(
            r, 404,
            p ? u"The pair %1 is in the trash (restore it with POST .../pairs/%1/restore)."_s.arg(pairId)
              : u"No pair has the pair_id %1."_s.arg(pairId));
    reply(r, 200, {{u"pair"_s, apiPair(*p, anonymizerFor(r))}});
}

void ApiServer::patchPair(const ApiRequest &r, const QString &pairId)
{
    const std::optional<QJsonObject> body = jsonBody(r);
    if (!body)
        return;
    int status = -1;
    if (body->contains(u"review_status"_s)) {
        status = reviewStatusFromName(body->value(u"review_status"_s).toString());
        if (!body->value(u"review_status"_s).isString() || status < 0)
            return fail(r, 400, u"review_status must be \"approved\", \"rejected\" or \"unreviewed\"."_s);
    }
    const QJsonValue note = body->value(u"reviewer_note"_s);
    if (!note.isUndefined() && !note.isNull() && !note.isString())
        return fail(r, 400, u"reviewer_note must be a string."_s);
    if (status < 0 && note.isUndefined())
        return fail(r, 400, u"Give review_status, reviewer_note or both."_s);
    const std::optional<Pair> p = m_store.getByPairId(pairId);
    if (!p && !m_store.errorString().isEmpty())
        return storeFailed(r, m_store.errorString());
    if (!p || p->deleted)
        return fail(r, 404, u"No pair has the pair_id %1."_s.arg(pairId));
    if (status >= 0 && !m_store.setReviewStatus(pairId, ReviewStatus(status)))
        return storeFailed(r, m_store.errorString());
    if (!note.isUndefined() && !m_store.setReviewerNote(pairId, note.toString()))
        return storeFailed(r, m_store.errorString());
    QJsonObject detail{{u"pair_id"_s, pairId}};
    if (status >= 0)
        detail[u"review_status"_s] = reviewStatusName(ReviewStatus(status));
    if (!note.isUndefined())
        detail[u"reviewer_note"_s] = true; // that it changed; the note itself stays in the pair
    auditRequest(r, u"api.review"_s, 1, detail);
    reply(r, 200, {{u"pair"_s, apiPair(m_store.getByPairId(pairId).value_or(*p), anonymizerFor(r))}});
}

void ApiServer::deletePair(const ApiRequest &r, const QString &pairId)
{
    const std::optional<PairStore::DeleteResult> d = m_store.softDelete(pairId);
    if (!d)
        return storeFailed(r, m_store.errorString());
    if (d->count == 0)
        return fail(r, 404, u"No pair has the pair_id %1 (or it is in the trash already)."_s.arg(pairId));
    auditRequest(r, u"api.delete"_s, d->count, {{u"pair_id"_s, pairId}, {u"batch"_s, d->batch}});
    reply(r, 200,
          {{u"message"_s,
            u"Pair %1 moved to the trash; POST .../pairs/%1/restore brings it back."_s.arg(pairId)},
           {u"pair_id"_s, pairId},
           {u"batch"_s, d->batch}});
}

void ApiServer::restorePair(const ApiRequest &r, const QString &pairId)
{
    const std::optional<qint64> n = m_store.restore(pairId);
    if (!n)
        return storeFailed(r, m_store.errorString());
    if (*n == 0)
        return fail(r, 404, u"No pair with the pair_id %1 is in the trash."_s.arg(pairId));
    auditRequest(r, u"api.restore"_s, *n, {{u"pair_id"_s, pairId}});
    const std::optional<Pair> p = m_store.getByPairId(pairId);
    QJsonObject out{{u"message"_s, u"Pair %1 restored."_s.arg(pairId)}};
    if (p)
        out[u"pair"_s] = apiPair(*p, anonymizerFor(r));
    reply(r, 200, out);
}

void ApiServer::statistics(const ApiRequest &r)
{
    QString error;
    const std::optional<Filter> filter = filterFromQuery(r.query, &error);
    if (!filter)
        return fail(r, 400, error);
    // Computed on a worker with its own connection (a few hundred ms on 1M pairs): the recorders'
    // POSTs are answered meanwhile.
    struct Result
    {
        Statistics stats;
        QString error;
        bool ok = false;
    };
    auto result = std::make_shared<Result>();
    QThread *worker = QThread::create([job = m_store.statisticsJob(), result, f = *filter] {
        result->ok = job(f, &result->stats, &result->error);
    });
    m_workers.append(worker);
    connect(worker, &QThread::finished, this, [this, r, result, worker] {
        m_workers.removeOne(worker);
        worker->deleteLater();
        if (!result->ok)
            return failed(r, m_store.failureMessage(false, result->error));
        if (const privacy::Anonymizer *anonymizer = anonymizerFor(r))
            exporting::anonymizeStatistics(result->stats, *anonymizer);
        reply(r, 200, {{u"statistics"_s, result->stats.toJson()}});
    });
    worker->start();
}

} // namespace pairlens::server
