#pragma once

// What `pairlens serve` needs from the dataset it serves, so that the routes are written once for a
// dataset file and a PostgreSQL store (issue 19: "over any dataset"). FileServerStore
// (serverstorefile.cpp) keeps the file's safe paths: PairStore's short BEGIN IMMEDIATE
// transactions, its crash-safe audit entries, its keyset cursors. PgServerStore (serverstorepg.cpp)
// goes through the storage seam (storage/storage.h). Everything but the jobs runs on the server's
// thread; a job (statistics, export) runs on a worker and opens its own connection there.

#include "dataset/deriver.h"
#include "dataset/filter.h"
#include "dataset/pair.h"
#include "dataset/pairstore.h"
#include "export/exporter.h"
#include "server/apikeys.h"
#include "stats/statistics.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace pairlens {
class Dataset;
class Storage;
} // namespace pairlens

namespace pairlens::server {

class ServerStore
{
public:
    virtual ~ServerStore() = default;

    // Where the pairs are, for messages (never with a password).
    virtual QString location() const = 0;
    // False with one sentence in *why when nothing may be written (a read-only file or role).
    virtual bool canWrite(QString *why) = 0;
    // The dataset's settings (the API keys' hashes, the privacy settings) without the secret; false
    // with *error when they cannot be read.
    virtual bool readSettings(QHash<QString, QString> *out, QString *error) = 0;
    // Whether the dataset's server answers now (Storage::reachable()), asked after a failure: one
    // while it does not is answered 503, for the client to try again later.
    virtual bool reachable() = 0;
    // The API keys kept in the settings; nullopt with *error when they cannot be read.
    std::optional<QList<ApiKey>> keys(QString *error)
    {
        QHash<QString, QString> settings;
        if (!readSettings(&settings, error))
            return std::nullopt;
        return ApiKeys::fromJson(settings.value(ApiKeys::kSettingKey));
    }
    virtual QByteArray secret() = 0;
    // The sentence a client gets for a failure the store reported as `error`.
    virtual QString failureMessage(bool write, const QString &error) const = 0;
    virtual const Deriver &deriver() const = 0;
    // The last failure of the calls below that return no error themselves.
    virtual QString errorString() const = 0;

    // Adds pairs (derived[i] belongs to pairs[i]); a pair_id already stored is left as it is.
    // `oneTransaction`: all or nothing (small lists); otherwise in short transactions. `lookedUp`:
    // none of the pair_ids was stored when the caller looked (a database server may then write the
    // pairs straight into the table, and falls back to skipping stored ones if that changed).
    virtual PairStore::AddResult add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
                                     bool oneTransaction, bool lookedUp) = 0;
    // An audit entry for the adds that follow until finishAddAudit() (PairStore::startAddAudit).
    virtual bool startAddAudit(const QString &action, const QJsonObject &detail) = 0;
    virtual bool finishAddAudit(const QJsonObject &moreDetail) = 0;
    virtual bool audit(const QString &action, qint64 pairs, const QJsonObject &detail) = 0;

    // The pair with this pair_id, live or in the trash (Pair::deleted says which).
    virtual std::optional<Pair> getByPairId(const QString &pairId) = 0;
    // The stored pairs of these pair_ids, live or in the trash, by pair_id (one read for all of them
    // where the store is a round trip away); nullopt with errorString().
    virtual std::optional<QHash<QString, Pair>> getByPairIds(const QStringList &pairIds) = 0;
    // Matching pairs; -1 with errorString().
    virtual qint64 count(const Filter &filter) = 0;
    // A page newest first: `offset` pairs skipped, or the pairs after `after` (a key from keyOf()).
    // nullopt with errorString().
    virtual std::optional<QList<Pair>> page(const Filter &filter, int limit, qint64 offset,
                                            const PairStore::PageKey *after) = 0;
    // Where a page that ends with `pair` continues.
    virtual PairStore::PageKey keyOf(const Pair &pair) const = 0;

    // Curation of one pair by pair_id; nullopt / false with errorString().
    virtual std::optional<PairStore::DeleteResult> softDelete(const QString &pairId) = 0;
    virtual std::optional<qint64> restore(const QString &pairId) = 0;
    virtual bool setReviewStatus(const QString &pairId, ReviewStatus status) = 0;
    virtual bool setReviewerNote(const QString &pairId, const QString &note) = 0;

    // Another store on the same dataset for the calling thread (the write queue's writer), with a
    // connection of its own; nullptr with *error.
    virtual std::unique_ptr<ServerStore> reopen(QString *error) const = 0;

    // Jobs for a worker thread, each opening its own connection to the same dataset.
    using StatisticsJob = std::function<bool(const Filter &filter, Statistics *out, QString *error)>;
    virtual StatisticsJob statisticsJob() const = 0;
    // Runs the export engine with `options` (their outputFd set); an unopenable dataset is a failed
    // result with the reason in its error.
    using ExportJob = std::function<exporting::ExportResult(const exporting::ExportOptions &options,
                                                            std::atomic_bool *cancel)>;
    virtual ExportJob exportJob() const = 0;
};

// A dataset file (opened by the caller, who keeps it open while the server runs).
std::unique_ptr<ServerStore> fileServerStore(Dataset &dataset);
// A store behind the storage seam (a PostgreSQL database); `reopen` opens another connection to it
// for a worker thread (nullptr with *error).
std::unique_ptr<ServerStore>
storageServerStore(std::unique_ptr<Storage> storage,
                   std::function<std::unique_ptr<Storage>(QString *error)> reopen);

} // namespace pairlens::server
