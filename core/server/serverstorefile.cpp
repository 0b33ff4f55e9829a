// The server over a dataset file: PairStore on the server's thread, workers through
// Dataset::reopen() (serverstore.h).
#include "dataset/dataset.h"
#include "dataset/writetx.h"
#include "server/serverstore.h"

#include <QCoreApplication>

namespace pairlens::server {
namespace {
Filter byPairId(const QString &pairId)
{
    Filter f;
    f.pairIds = {pairId};
    return f;
}

class FileServerStore final : public ServerStore
{
public:
    explicit FileServerStore(Dataset &dataset) : m_dataset(dataset), m_store(dataset) {}
    explicit FileServerStore(std::unique_ptr<Dataset> owned)
        : m_owned(std::move(owned)), m_dataset(*m_owned), m_store(*m_owned)
    {}

    QString location() const override { return m_dataset.location(); }
    bool canWrite(QString *why) override
    {
        if (!m_dataset.isReadOnly())
            return true;
        *why = QCoreApplication::translate("ServerStore", "%1 is read-only (%2).")
                   .arg(m_dataset.location(), m_dataset.readOnlyReason());
        return false;
    }
    bool readSettings(QHash<QString, QString> *out, QString *error) override
    {
        return m_dataset.readSettings(out, error);
    }
    bool reachable() override { return true; }
    QByteArray secret() override { return m_dataset.secret(); }
    QString failureMessage(bool write, const QString &error) const override
    {
        return m_dataset.failureMessage(write ? Dataset::Access::Write : Dataset::Access::Read, error);
    }
    const Deriver &deriver() const override { return m_store.deriver(); }
    QString errorString() const override { return m_store.errorString(); }

    PairStore::AddResult add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
                             bool oneTransaction,
                             bool /*lookedUp: SQLite's INSERT skips stored ones*/) override
    {
        if (!oneTransaction) {
            m_checkpoints.reset(); // the chunked path checkpoints in its own way (writetx.h)
            return derived.isEmpty() ? m_store.add(pairs, PairStore::AddMode::ShortTransactions)
                                     : m_store.add(pairs, derived, PairStore::AddMode::ShortTransactions);
        }
        // A stream of small commits (the write queue's groups): checkpointed between them once the
        // WAL is long, not inside every thousandth COMMIT, so a page that every commit dirties is
        // copied into the file once per checkpoint and the file is synced far less often.
        if (!m_checkpoints)
            m_checkpoints = std::make_unique<ChunkCheckpoints>(m_dataset.db());
        PairStore::AddResult r = derived.isEmpty()
                                     ? m_store.add(pairs, PairStore::AddMode::OneTransaction)
                                     : m_store.add(pairs, derived, PairStore::AddMode::OneTransaction);
        m_checkpoints->between();
        return r;
    }
    bool startAddAudit(const QString &action, const QJsonObject &detail) override
    {
        return m_store.startAddAudit(action, detail) > 0;
    }
    bool finishAddAudit(const QJsonObject &moreDetail) override { return m_store.finishAddAudit(moreDetail); }
    bool audit(const QString &action, qint64 pairs, const QJsonObject &detail) override
    {
        return m_store.audit(action, pairs, detail);
    }

    std::optional<Pair> getByPairId(const QString &pairId) override { return m_store.getByPairId(pairId); }
    std::optional<QHash<QString, Pair>> getByPairIds(const QStringList &pairIds) override
    {
        std::optional<QList<Pair>> rows = m_store.getByPairIds(pairIds);
        if (!rows)
            return std::nullopt;
        QHash<QString, Pair> out;
        for (Pair &p : *rows)
            out.insert(p.pairId, std::move(p));
        return out;
    }
    qint64 count(const Filter &filter) override { return m_store.count(filter); }
    std::optional<QList<Pair>> page(const Filter &filter, int limit, qint64 offset,
                                    const PairStore::PageKey *after) override
    {
        QList<Pair> rows = after ? m_store.pageAfter(filter, kSort, *after, limit)
                                 : m_store.page(filter, kSort, limit, offset);
        if (rows.isEmpty() && !m_store.errorString().isEmpty())
            return std::nullopt;
        return rows;
    }
    PairStore::PageKey keyOf(const Pair &pair) const override { return m_store.keyOf(pair, kSort.column); }

    std::optional<PairStore::DeleteResult> softDelete(const QString &pairId) override
    {
        return m_store.softDelete(byPairId(pairId));
    }
    std::optional<qint64> restore(const QString &pairId) override
    {
        return m_store.restore(byPairId(pairId));
    }
    bool setReviewStatus(const QString &pairId, ReviewStatus status) override
    {
        return m_store.setReviewStatus(byPairId(pairId), status);
    }
    bool setReviewerNote(const QString &pairId, const QString &note) override
    {
        const std::optional<Pair> p = m_store.getByPairId(pairId);
        return p && m_store.setReviewerNote(p->rowId, note);
    }

    std::unique_ptr<ServerStore> reopen(QString *error) const override
    {
        std::unique_ptr<Dataset> own = m_dataset.reopen(error);
        if (!own)
            return nullptr;
        return std::make_unique<FileServerStore>(std::move(own));
    }

    StatisticsJob statisticsJob() const override
    {
        const Dataset *dataset = &m_dataset;
        return [dataset](const Filter &filter, Statistics *out, QString *error) {
            std::unique_ptr<Dataset> own = dataset->reopen(error);
            return own && computeStatistics(*own, filter, out, error);
        };
    }
    ExportJob exportJob() const override
    {
        const Dataset *dataset = &m_dataset;
        return [dataset](const exporting::ExportOptions &options, std::atomic_bool *cancel) {
            exporting::ExportResult result;
            std::unique_ptr<Dataset> own = dataset->reopen(&result.error);
            if (own)
                result = exporting::Exporter(*own, options).run(Progress({}, cancel));
            return result;
        };
    }

private:
    static constexpr PairStore::Sort kSort{PairStore::SortColumn::Timestamp, Qt::DescendingOrder};
    std::unique_ptr<Dataset> m_owned; // a reopened connection this store owns
    Dataset &m_dataset;
    PairStore m_store;
    std::unique_ptr<ChunkCheckpoints> m_checkpoints; // while single commits stream in
};
} // namespace

std::unique_ptr<ServerStore> fileServerStore(Dataset &dataset)
{
    return std::make_unique<FileServerStore>(dataset);
}

} // namespace pairlens::server
