#include "storage/storageimport.h"

#include "storage/storage.h"

#include <QDateTime>
#include <QHash>

#include <utility>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

// The importer's writes into a Storage: each batch of records, read and analysed by the importer, in
// one Storage::addBatch() (COPY for PostgreSQL), with no other copy of the pairs on the way.
class StorageTarget final : public ImportTarget
{
public:
    explicit StorageTarget(Storage &storage) : m_storage(storage), m_deriver(storageDeriver(storage)) {}

    const Deriver &deriver() const override { return m_deriver; }
    bool isOwnFile(const QString &path) const override { return m_storage.isOwnFile(path); }
    qint64 maxRowId() override
    {
        // Unknown: every pair_id found taken then counts as taken by the dataset, not by the file.
        QString error;
        return qMax<qint64>(0, m_storage.maxRowId(&error));
    }
    bool findPairIds(const QStringList &ids, const Found &found, QString *error) override
    {
        // The importer looks up each batch's pair_ids just before adding it: when none is stored, the
        // store may write the batch without checking each again (PreparedBatch::fresh).
        bool any = false;
        const bool looked = m_storage.findPairIds(
            ids,
            [&](qsizetype k, qint64 rowId, const QString &question, const QString &sql) {
                any = true;
                found(k, rowId, question, sql);
            },
            error);
        m_lookedUpNone = looked && !any;
        return looked;
    }
    std::any prepare(const QList<Pair> &pairs, const QList<DerivedFields> &derived) const override
    {
        // The first pair of a pair_id in the list is the one stored, as in a dataset file; a store
        // is given each pair_id once per batch.
        const QString importTime = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
        QList<Pair> unique;
        QList<DerivedFields> uniqueDerived;
        QHash<QString, bool> seen;
        seen.reserve(pairs.size());
        unique.reserve(pairs.size());
        uniqueDerived.reserve(pairs.size());
        for (qsizetype i = 0; i < pairs.size(); ++i) {
            const Pair &p = pairs.at(i);
            if (seen.contains(p.pairId))
                continue;
            seen.insert(p.pairId, true);
            uniqueDerived.append(derived.isEmpty()
                                     ? m_deriver.derive(p.naturalLanguageQuery, p.sqlQuery,
                                                        p.timestamp.isEmpty() ? importTime : p.timestamp,
                                                        p.databaseType, p.pairId, p.metadata)
                                     : derived.at(i));
            unique.append(p);
            // A record without a time is stored at the import's time, as a dataset file stores it.
            if (unique.last().timestamp.isEmpty())
                unique.last().timestamp = uniqueDerived.last().ts;
        }
        return m_storage.prepareBatch(std::move(unique), std::move(uniqueDerived));
    }
    Added add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
              const std::any &prepared) override
    {
        const auto *given = std::any_cast<Storage::PreparedBatch>(&prepared);
        Storage::PreparedBatch batch =
            given ? *given : std::any_cast<Storage::PreparedBatch>(prepare(pairs, derived));
        batch.fresh = std::exchange(m_lookedUpNone, false);
        Added result;
        qint64 n = m_storage.addPrepared(batch, &result.error);
        // Lost twice, or the server still away (restarting): nothing of the batch was done, so once
        // the server answers again it is written once more, and a long import outlives a restart of
        // the server.
        if (n < 0 && m_storage.lastWriteLostUncommitted() &&
            m_storage.reachableWithin(Storage::kReconnectWaitMs)) {
            result.error.clear();
            n = m_storage.addPrepared(batch, &result.error);
        }
        if (n < 0)
            return result;
        result.added = n;
        result.alreadyPresent = pairs.size() - n;
        // The store finds the kinds again when the privacy settings changed before its write:
        // the batches analysed from now on take the change (one read of the settings a batch).
        if (QString unreadable; !m_deriver.refresh(&unreadable))
            result.error = unreadable;
        return result;
    }
    // The store's errors are already one sentence naming the store.
    QString writeFailure(const QString &error) const override { return error; }

private:
    Storage &m_storage;
    const Deriver m_deriver;
    bool m_lookedUpNone = false;
};

} // namespace

ImportReport importIntoStorage(Storage &storage, const QString &file, ImportFormat format,
                               const Progress &progress, const QJsonObject &auditDetail)
{
    StorageTarget target(storage);
    const bool bulk = storage.beginBulkLoad();
    ImportReport report = Importer(target).importFile(file, format, progress);
    if (bulk) {
        // Also after a failed or cancelled import: the pairs it added are in and need their indexes.
        QString indexError;
        if (!storage.endBulkLoad(&indexError) && report.fatalError.isEmpty())
            report.fatalError = indexError;
    }
    // The entry `pairlens import` writes in a dataset file's audit log, once the pairs are in (a
    // killed import leaves none: the batches it committed are in the store unlogged). As for a file,
    // a failure to log does not fail the import.
    if (!report.fatalError.isEmpty() && report.added == 0)
        return report;
    QString auditError;
    QJsonObject detail{{u"file"_s, file},
                       {u"records"_s, report.records},
                       {u"skipped"_s, report.rejected},
                       {u"state"_s, u"done"_s}};
    for (auto it = auditDetail.begin(); it != auditDetail.end(); ++it)
        detail.insert(it.key(), it.value());
    storage.audit(u"import"_s, report.added, detail, &auditError);
    return report;
}

} // namespace pairlens
