// The server over a store behind the storage seam (storage/storage.h): a PostgreSQL schema. Every
// call is one statement or one transaction of the store; workers open their own connection.
#include "server/serverstore.h"
#include "storage/storage.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
Filter byPairId(const QString &pairId, Filter::Scope scope = Filter::Scope::Live)
{
    Filter f;
    f.pairIds = {pairId};
    f.scope = scope;
    return f;
}

// The HTTP cursor carries a PairStore::PageKey; here its one value is the pair's normalised time
// (null for a pair without one).
PairStore::PageKey keyFromMark(const Storage::PageMark &mark)
{
    return {{mark.ts.isNull() ? QVariant() : QVariant(mark.ts)}, mark.rowId};
}

std::optional<Storage::PageMark> markFromKey(const PairStore::PageKey &key)
{
    if (key.values.size() != 1)
        return std::nullopt;
    Storage::PageMark mark;
    mark.valid = true;
    mark.rowId = key.rowId;
    if (!key.values.first().isNull())
        mark.ts = key.values.first().toString();
    return mark;
}

class StorageServerStore final : public ServerStore
{
public:
    StorageServerStore(std::unique_ptr<Storage> storage,
                       std::function<std::unique_ptr<Storage>(QString *)> reopen)
        : m_storage(std::move(storage)), m_reopen(std::move(reopen)), m_deriver(storageDeriver(*m_storage))
    {}

    QString location() const override { return m_storage->location(); }
    bool canWrite(QString *why) override { return m_storage->canWrite(why); }
    bool readSettings(QHash<QString, QString> *out, QString *error) override
    {
        return m_storage->readSettings(out, error);
    }
    bool reachable() override { return m_storage->reachable(); }
    QByteArray secret() override { return m_storage->secret(); }
    // The store's sentences name the server and the schema already.
    QString failureMessage(bool, const QString &error) const override { return error; }
    const Deriver &deriver() const override { return m_deriver; }
    QString errorString() const override { return m_error; }

    // A batch's pair_ids looked up in one statement, as an import looks its batches up: when none is
    // stored, the batch goes straight into the table. False also when the lookup fails (the add
    // then skips stored ones itself).
    bool noneStored(const QList<Pair> &pairs)
    {
        QStringList ids;
        ids.reserve(pairs.size());
        for (const Pair &p : pairs)
            ids << p.pairId;
        bool any = false;
        QString error;
        return m_storage->findPairIds(
                   ids, [&](qsizetype, qint64, const QString &, const QString &) { any = true; }, &error) &&
               !any;
    }

    PairStore::AddResult add(const QList<Pair> &pairs, const QList<DerivedFields> &derived, bool,
                             bool lookedUp) override
    {
        // One transaction whatever the size (a server has no lock another program waits for).
        PairStore::AddResult result;
        QString error;
        // Analysed here, as a file's add() does: the live views show analysed pairs only.
        QList<DerivedFields> fields = derived;
        if (fields.isEmpty()) {
            // With the privacy settings as they are now (`pairlens privacy` may have changed them).
            if (!m_deriver.refresh(&error)) {
                result.error = error;
                return result;
            }
            fields.reserve(pairs.size());
            for (const Pair &p : pairs)
                fields.append(m_deriver.derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                               p.databaseType, p.pairId, p.metadata));
        }
        // Looked up: straight into the table when the storage can (PostgreSQL's COPY without the
        // staging table, whose truncation at every commit was a seventh of the server's work).
        Storage::PreparedBatch batch = m_storage->prepareBatch(pairs, fields);
        batch.fresh = lookedUp || (batch.complete && noneStored(pairs));
        const qint64 added = m_storage->addPrepared(batch, &error);
        if (added < 0) {
            result.error = error;
            return result;
        }
        result.added = added;
        result.alreadyPresent = pairs.size() - added;
        // A change of the privacy settings committed after `fields` were analysed: the storage found
        // those kinds again inside its transaction, and deriver() takes that change too, so that the
        // answers (writeGroup(): Deriver::currentFor()) carry the kinds stored.
        if (const QByteArray seen = m_storage->settingsIdOfLastAdd();
            !seen.isEmpty() && seen != m_deriver.settingsId())
            m_deriver.refresh(&error); // on failure deriver() stays as it was, as before the add

        // Each commit gets its entry right after it (the store's adds write none themselves).
        if (m_auditOpen && added > 0) {
            QJsonObject detail = m_auditDetail;
            detail[u"added"_s] = added;
            m_storage->audit(m_auditAction, added, detail, &error);
        }
        return result;
    }
    bool startAddAudit(const QString &action, const QJsonObject &detail) override
    {
        m_auditOpen = true;
        m_auditAction = action;
        m_auditDetail = detail;
        return true;
    }
    bool finishAddAudit(const QJsonObject &) override
    {
        m_auditOpen = false;
        return true;
    }
    bool audit(const QString &action, qint64 pairs, const QJsonObject &detail) override
    {
        return m_storage->audit(action, pairs, detail, &m_error);
    }

    std::optional<Pair> getByPairId(const QString &pairId) override
    {
        QList<Pair> rows;
        m_error.clear();
        if (!m_storage->page(byPairId(pairId, Filter::Scope::All), 1, 0, &rows, &m_error) || rows.isEmpty())
            return std::nullopt;
        return rows.first();
    }
    std::optional<QHash<QString, Pair>> getByPairIds(const QStringList &pairIds) override
    {
        QHash<QString, Pair> out;
        if (pairIds.isEmpty())
            return out;
        Filter f;
        f.pairIds = pairIds;
        f.scope = Filter::Scope::All;
        QList<Pair> rows;
        m_error.clear();
        if (!m_storage->page(f, int(pairIds.size()), 0, &rows, &m_error))
            return std::nullopt;
        for (Pair &p : rows)
            out.insert(p.pairId, std::move(p));
        return out;
    }
    qint64 count(const Filter &filter) override { return m_storage->count(filter, &m_error); }
    std::optional<QList<Pair>> page(const Filter &filter, int limit, qint64 offset,
                                    const PairStore::PageKey *after) override
    {
        QList<Pair> rows;
        if (!after) {
            if (!m_storage->page(filter, limit, offset, &rows, &m_error))
                return std::nullopt;
            return rows;
        }
        const std::optional<Storage::PageMark> mark = markFromKey(*after);
        if (!mark) {
            m_error =
                QCoreApplication::translate("ServerStore", "the cursor is not one this server returned");
            return std::nullopt;
        }
        Storage::PageMark last;
        if (!m_storage->pageAfter(filter, *mark, limit, &rows, &last, &m_error))
            return std::nullopt;
        return rows;
    }
    PairStore::PageKey keyOf(const Pair &pair) const override
    {
        // The pair's normalised time as the store keeps it (Deriver::derive: the text as given when
        // it is no timestamp, never null for an analysed pair).
        QString ts = normalisePairTimestamp(pair.timestamp);
        if (ts.isEmpty())
            ts = pair.timestamp.isNull() ? u""_s : pair.timestamp;
        Storage::PageMark mark;
        mark.valid = true;
        mark.rowId = pair.rowId;
        mark.ts = ts;
        return keyFromMark(mark);
    }

    std::optional<PairStore::DeleteResult> softDelete(const QString &pairId) override
    {
        const std::optional<Storage::DeleteResult> d = m_storage->softDelete(byPairId(pairId), &m_error);
        if (!d)
            return std::nullopt;
        return PairStore::DeleteResult{d->count, d->batch};
    }
    std::optional<qint64> restore(const QString &pairId) override
    {
        const qint64 n = m_storage->restore(byPairId(pairId), &m_error);
        if (n < 0)
            return std::nullopt;
        return n;
    }
    bool setReviewStatus(const QString &pairId, ReviewStatus status) override
    {
        return m_storage->setReviewStatus(byPairId(pairId), status, &m_error) >= 0;
    }
    bool setReviewerNote(const QString &pairId, const QString &note) override
    {
        return m_storage->setReviewerNote(byPairId(pairId), note, &m_error) >= 0;
    }

    std::unique_ptr<ServerStore> reopen(QString *error) const override
    {
        std::unique_ptr<Storage> own = m_reopen(error);
        if (!own)
            return nullptr;
        return std::make_unique<StorageServerStore>(std::move(own), m_reopen);
    }

    StatisticsJob statisticsJob() const override
    {
        return [reopen = m_reopen](const Filter &filter, Statistics *out, QString *error) {
            std::unique_ptr<Storage> own = reopen(error);
            return own && own->statistics(filter, out, error);
        };
    }
    ExportJob exportJob() const override
    {
        return [reopen = m_reopen](const exporting::ExportOptions &options, std::atomic_bool *cancel) {
            exporting::ExportResult result;
            std::unique_ptr<Storage> own = reopen(&result.error);
            if (own)
                result = exporting::Exporter(*own, options).run(Progress({}, cancel));
            return result;
        };
    }

private:
    std::unique_ptr<Storage> m_storage;
    std::function<std::unique_ptr<Storage>(QString *)> m_reopen;
    Deriver m_deriver;
    QString m_error;
    bool m_auditOpen = false;
    QString m_auditAction;
    QJsonObject m_auditDetail;
};
} // namespace

std::unique_ptr<ServerStore>
storageServerStore(std::unique_ptr<Storage> storage,
                   std::function<std::unique_ptr<Storage>(QString *error)> reopen)
{
    return std::make_unique<StorageServerStore>(std::move(storage), std::move(reopen));
}

} // namespace pairlens::server
