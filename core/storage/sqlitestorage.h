// The storage seam's SQLite implementation (issue 18): a dataset file behind the Storage interface,
// every method through the file's own paths (PairStore's chunked BEGIN IMMEDIATE writes and audit
// entries, Dataset's settings, the statistics and duplicate counts of stats/).
#pragma once

#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "storage/storage.h"

#include <memory>

namespace pairlens {

class SqliteStorage final : public Storage
{
public:
    // Opens the dataset file (Dataset::open's modes); nullptr with one sentence in *error.
    static std::unique_ptr<SqliteStorage> open(const QString &path, Dataset::Mode mode, QString *error);
    explicit SqliteStorage(std::unique_ptr<Dataset> dataset);

    Dataset &dataset() { return *m_dataset; }

    QString location() const override;
    int formatVersion() const override;
    bool canWrite(QString *why) override;
    qint64 count(QString *error) override;
    qint64 addBatch(const QList<Pair> &pairs, const QList<DerivedFields> &derived, QString *error,
                    qint64 *taken) override;
    using Storage::addBatch;
    qint64 deriveMissing(const Deriver &deriver, QString *error) override;
    qint64 maxRowId(QString *error) override;
    bool findPairIds(const QStringList &ids, const ImportTarget::Found &found, QString *error) override;
    bool isOwnFile(const QString &path) const override;
    qint64 count(const Filter &filter, QString *error) override;
    bool page(const Filter &filter, int limit, qint64 offset, QList<Pair> *out, QString *error) override;
    bool page(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset, QList<Pair> *out,
              QString *error) override;
    bool rowIds(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                QList<qint64> *out, QString *error) override;
    bool distinctValues(const QString &column, QStringList *out, QString *error) override;
    std::optional<Pair> get(qint64 rowId, QString *error) override;
    bool statistics(const Filter &filter, Statistics *out, QString *error) override;
    bool countDuplicates(const Filter &filter, Statistics *out, QString *error) override;
    std::unique_ptr<RowCursor> readRows(const Filter &filter, QString *error) override;
    void setWriteProgress(std::function<bool(qint64 done, qint64 total)> progress) override;
    std::optional<DeleteResult> softDelete(const Filter &filter, QString *error) override;
    qint64 restoreBatch(qint64 batch, QString *error) override;
    qint64 restore(const Filter &filter, QString *error) override;
    qint64 purge(const Filter &filter, QString *error) override;
    qint64 setReviewStatus(const Filter &filter, ReviewStatus status, QString *error) override;
    qint64 setReviewerNote(const Filter &filter, const QString &note, QString *error) override;
    bool auditLog(int limit, QList<AuditEntry> *out, QString *error) override;
    bool audit(const QString &action, qint64 pairCount, const QJsonObject &detail, QString *error) override;
    bool pageAfter(const Filter &filter, const PageMark &after, int limit, QList<Pair> *out, PageMark *last,
                   QString *error) override;
    bool updateText(qint64 rowId, const QString &question, const QString &sql, const DerivedFields &derived,
                    QString *error) override;
    bool updateSettings(const QHash<QString, QString> &values, const QString &action,
                        const QJsonObject &detail, QString *error) override;
    qint64 rescanPii(const Deriver &deriver, const RescanProgress &progress, QString *error) override;
    bool readSettings(QHash<QString, QString> *out, QString *error) override;
    bool updateSetting(const QString &key, const SettingChange &change, QString *error) override;
    QByteArray secret() const override;
    // PRAGMA data_version polling (Dataset::dataVersion()): a commit by another connection counts as
    // one change (the connection's own writes do not change it, as PgStorage counts only other
    // sessions' notifications).
    bool listenForChanges(QString *error) override;
    int takeChanges(QString *error) override;

private:
    // One sentence for a failed write of PairStore (the read-only reason when the file is read-only).
    QString writeFailure() const;
    // The statistics' result: true, or false with *error made the file's sentence (damage, a full
    // disk, or what failed).
    bool statisticsRead(bool computed, QString *error) const;

    std::unique_ptr<Dataset> m_dataset;
    PairStore m_store;
    bool m_listening = false;
    qint64 m_dataVersion = 0;
};

// Opens the store a location names: PgStorage for postgresql:// (pgstorage.h), SqliteStorage for a
// dataset file path (`mode` applies to a file only); nullptr with one sentence in *error.
std::unique_ptr<Storage> openStorageAt(const QString &location, Dataset::Mode mode, QString *error);

} // namespace pairlens
