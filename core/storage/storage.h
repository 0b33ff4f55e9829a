// The storage seam (issue 18): what PairLens needs from wherever the pairs live.
// Two implementations: SqliteStorage (sqlitestorage.h, a dataset file through Dataset/PairStore's
// own paths) and PgStorage (pgstorage.h); openStorageAt() picks one by location. tests/tst_backends.cpp
// is the contract both pass. Most file commands still use Dataset/PairStore directly.
// The interface grows as commands move onto it (so far: import, list, stats, export, scan, and
// curation: delete, restore, purge, review, notes and the audit log).
#pragma once

#include "dataset/deriver.h"
#include "dataset/filter.h"
#include "dataset/importtarget.h"
#include "dataset/pair.h"
#include "dataset/pairstore.h"
#include "stats/statistics.h"

#include <QByteArrayView>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace pairlens {

// One stored pair as a forward read gives it (Storage::readRows): the text columns as stored UTF-8,
// valid only during the callback. The export engine turns them into its records.
struct StoredRow
{
    // In the order of exporting::RawRow::Column: pair_id, natural_language_query, sql_query,
    // timestamp, database_type, database_name, metadata, query_type, table_names.
    QByteArrayView text[9];
    bool success = true;
    double executionTimeMs = -1; // < 0: unknown
    qint64 rowId = 0;
};

// A forward-only read of stored pairs in row id order, in constant memory.
class RowCursor
{
public:
    virtual ~RowCursor() = default;
    // Calls `row` for up to `max` next pairs; returns how many (0 at the end or on an error, which
    // errorString() then names in one sentence).
    virtual int fetch(int max, const std::function<void(const StoredRow &)> &row) = 0;
    virtual QString errorString() const = 0;
};

class Storage
{
public:
    virtual ~Storage() = default;

    // Where the pairs are, for messages (never with a password).
    virtual QString location() const = 0;
    // The format version of the opened store (its settings table).
    virtual int formatVersion() const = 0;
    // True when pairs may be added; false with one sentence in *why (e.g. a read-only role).
    virtual bool canWrite(QString *why) = 0;

    // Number of pairs (analysed or not, as a recorder wrote them), or -1 with *error set.
    virtual qint64 count(QString *error) = 0;
    // Adds pairs in one transaction; a pair_id already stored is skipped (so a second import of the
    // same file adds nothing). `derived` is empty (the derived fields stay to be filled, as for a
    // recorder's rows) or holds one entry per pair. Returns how many were added, -1 with *error;
    // *taken (when given) gets how many of the skipped pairs have a pair_id stored with another
    // question or SQL (the stored pair is kept). The pair_ids of one batch must be distinct.
    virtual qint64 addBatch(const QList<Pair> &pairs, const QList<DerivedFields> &derived, QString *error,
                            qint64 *taken) = 0;
    qint64 addBatch(const QList<Pair> &pairs, const QList<DerivedFields> &derived, QString *error)
    {
        return addBatch(pairs, derived, error, nullptr);
    }
    qint64 addBatch(const QList<Pair> &pairs, QString *error) { return addBatch(pairs, {}, error, nullptr); }
    // addBatch() in two steps, for a caller that prepares the next batch on another thread while
    // this one is written (an import): prepareBatch() touches no connection and may run on any
    // thread, addPrepared() writes the batch. The default keeps the pairs for addBatch().
    struct PreparedBatch
    {
        QList<Pair> pairs;
        QList<DerivedFields> derived;
        QByteArray data; // what the store sends (PostgreSQL: the rows in COPY's binary format)
        qsizetype count = 0;
        bool complete = false; // every pair has its pair_id and time (nothing for the store to fill in)
        bool fresh = false;    // set by the caller: none of the pair_ids was stored when it looked
    };
    virtual PreparedBatch prepareBatch(QList<Pair> pairs, QList<DerivedFields> derived) const
    {
        const qsizetype n = pairs.size();
        return {std::move(pairs), std::move(derived), {}, n};
    }
    virtual qint64 addPrepared(const PreparedBatch &batch, QString *error)
    {
        return addBatch(batch.pairs, batch.derived, error, nullptr);
    }
    // The privacy settings (Deriver::settingsId()) the last add found the PII kinds with inside its
    // write transaction, where it finds again those of pairs analysed with others; empty when the
    // store does not tell (a file's PairStore answers with the kinds it stored itself).
    virtual QByteArray settingsIdOfLastAdd() const { return {}; }
    // Fills the derived fields of the rows that lack them (written by recorders) with the shared
    // analysis (Deriver::derive). Returns how many rows were analysed, -1 with *error.
    virtual qint64 deriveMissing(const Deriver &deriver, QString *error) = 0;

    // For an import (storageimport.cpp, as a dataset file's importer asks its PairStore): the highest
    // row id stored (0 when there is none), -1 with *error; and the pairs stored under `ids` (live or
    // in the trash), `found(index into ids, row id, question, sql)` for each. False with *error.
    virtual qint64 maxRowId(QString *error) = 0;
    virtual bool findPairIds(const QStringList &ids, const ImportTarget::Found &found, QString *error) = 0;
    // True when `path` is the store itself or one of its files (a dataset file's own file).
    virtual bool isOwnFile(const QString &path) const
    {
        Q_UNUSED(path);
        return false;
    }

    // The reads below see what a dataset file's live views see: analysed pairs matching the filter.
    // A filter the store cannot apply yet fails with one sentence in *error that names it.
    virtual qint64 count(const Filter &filter, QString *error) = 0;
    // The count of each filter, in order (an export's scope counts). One count() each unless the
    // store answers them together (PostgreSQL: one scan). False with *error set.
    virtual bool countEach(const QList<Filter> &filters, QList<qint64> *counts, QString *error);
    // A page in the dataset file's default order: newest first (normalised time, then row id,
    // descending), `offset` pairs skipped.
    virtual bool page(const Filter &filter, int limit, qint64 offset, QList<Pair> *out, QString *error) = 0;
    // The window's reads. A page in one of the table's orders: the sort column, then as a dataset
    // file's table breaks ties (orderByClause(): the time for some columns, then the row id), all in
    // the sort's direction, a missing value first when ascending, texts compared byte by byte. (A
    // store may place a missing time as its time index does: PostgreSQL's last when ascending.)
    virtual bool page(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                      QList<Pair> *out, QString *error) = 0;
    // The row ids of that order (limit < 0: all of them from `offset`), as PairStore::rowIds().
    virtual bool rowIds(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                        QList<qint64> *out, QString *error) = 0;
    // The distinct non-empty values of query_type, database_type or database_name among the live
    // pairs, ascending (the filter panel's choices); false with *error.
    virtual bool distinctValues(const QString &column, QStringList *out, QString *error) = 0;
    // distinctValues() of each of `columns`, in their order, in one pass over the pairs where the
    // store can (PostgreSQL: one scan instead of one per column); false with *error.
    virtual bool distinctValuesOf(const QStringList &columns, QList<QStringList> *out, QString *error);
    // One pair by row id, live or in the trash; nullopt when there is none (*error says why when
    // the store could not be read, and is left empty when the pair does not exist).
    virtual std::optional<Pair> get(qint64 rowId, QString *error) = 0;
    // The statistics of docs/statistics.md, as aggregates computed by the store (not by reading the
    // pairs into PairLens); the duplicates are left uncounted (-1).
    virtual bool statistics(const Filter &filter, Statistics *out, QString *error) = 0;
    // Counts the exact and normalized duplicates into *out (stats/duplicates.h's definitions).
    virtual bool countDuplicates(const Filter &filter, Statistics *out, QString *error) = 0;
    // The analysed pairs matching the filter in row id order (the order pairs were added, as a
    // dataset file's export reads them), or nullptr with *error.
    virtual std::unique_ptr<RowCursor> readRows(const Filter &filter, QString *error) = 0;

    // Curation, as PairStore's methods of the same names do it in a dataset file. Each is one
    // transaction that also writes its entry in the audit log (AuditEntry), so a change is either
    // done and logged or not done at all. A role that may not change pairs gets one sentence in
    // *error ("... is read-only ..."); so does every other failure (nothing changed then).
    struct DeleteResult
    {
        qint64 count = 0;
        qint64 batch = 0; // restoreBatch(batch) undoes the delete
    };
    // A large load into an empty store (an import) may leave out the indexes that each added pair
    // would update at a random place and build them once at the end (PostgreSQL: the search and
    // time indexes; a dataset file has its own bulk path, PairStore::add()). beginBulkLoad() says
    // whether it did; if so endBulkLoad() must follow, also after a failed or cancelled load. Reads
    // stay right meanwhile, only slower. By default there is nothing to leave out.
    virtual bool beginBulkLoad() { return false; }
    virtual bool endBulkLoad(QString *error)
    {
        Q_UNUSED(error);
        return true;
    }
    // Reports the progress of the long writes below (delete, restore, purge, review of many pairs)
    // as done of total; returning false cancels one before its commit point (nothing changes). A
    // backend that makes each change in one transaction (PostgreSQL) reports nothing.
    virtual void setWriteProgress(std::function<bool(qint64 done, qint64 total)> progress)
    {
        Q_UNUSED(progress);
    }
    // Moves the live pairs matching the filter (its scope is ignored) to the trash as one new batch.
    virtual std::optional<DeleteResult> softDelete(const Filter &filter, QString *error) = 0;
    // Restores the pairs of one delete batch still in the trash; how many, or -1 with *error.
    virtual qint64 restoreBatch(qint64 batch, QString *error) = 0;
    // Restores the trashed pairs matching the filter (its scope is ignored); -1 with *error.
    virtual qint64 restore(const Filter &filter, QString *error) = 0;
    // Removes the trashed pairs matching the filter for good (its scope is ignored); -1 with *error.
    virtual qint64 purge(const Filter &filter, QString *error) = 0;
    // Sets the review status of the pairs matching the filter; returns how many pairs matched (all
    // of them have the status now, as a dataset file counts them), -1 with *error. Two edits of one
    // pair at the same time: the one committed last wins, and both are in the audit log in that order.
    virtual qint64 setReviewStatus(const Filter &filter, ReviewStatus status, QString *error) = 0;
    // Sets the reviewer note ("" clears it) of the pairs matching the filter (one pair: a filter
    // with its pair_id); returns how many pairs matched, -1 with *error.
    virtual qint64 setReviewerNote(const Filter &filter, const QString &note, QString *error) = 0;

    // One entry of the audit log, as a dataset file's audit_log table holds it, with the database
    // role that made the change (empty for a dataset file, which has no roles).
    struct AuditEntry
    {
        qint64 id = 0;
        QString at; // UTC, YYYY-MM-DDTHH:MM:SS.mmmZ
        QString action;
        qint64 pairCount = 0;
        QJsonObject detail;
        QString role;
    };
    // The newest `limit` entries, newest first; false with *error.
    virtual bool auditLog(int limit, QList<AuditEntry> *out, QString *error) = 0;
    // Adds an entry for a change made by other means (an import: importIntoStorage()); false with
    // *error.
    virtual bool audit(const QString &action, qint64 pairCount, const QJsonObject &detail,
                       QString *error) = 0;

    // Keyset paging in the default order (newest first), for deep pages that stay right while pairs
    // are added (the HTTP API's cursor): where a page ended, as the next call continues after it.
    struct PageMark
    {
        bool valid = false; // false: from the top
        QString ts;         // the pair's normalised time; null for a pair without one
        qint64 rowId = 0;
    };
    // Up to `limit` pairs matching the filter after `after`; *last gets the mark of the last one
    // (invalid when the page is empty). False with *error.
    virtual bool pageAfter(const Filter &filter, const PageMark &after, int limit, QList<Pair> *out,
                           PageMark *last, QString *error) = 0;

    // Editing by hand (the window): replaces one pair's question and SQL (live or in the trash) and
    // its derived fields (`derived`: Deriver::derive of the new text, as PairStore::updateText
    // derives them) in one transaction with its "edit" audit entry ({"pair_id"}). Two edits of one
    // pair at the same time: the one committed last wins, and both are in the audit log in that
    // order. False with one sentence in *error (a read-only role: the store's sentence). The
    // default: not supported by this store.
    virtual bool updateText(qint64 rowId, const QString &question, const QString &sql,
                            const DerivedFields &derived, QString *error);

    // Privacy settings and decisions (the window's dialog and pair pane): sets every key of `values`
    // (the other settings stay as they are) and writes one audit entry (`action`, no pairs,
    // `detail`) in one transaction, as a dataset file's savePrivacySettings() and
    // savePrivacyDecisions() store theirs. False with one sentence in *error (a read-only role: the
    // store's sentence). The default: not supported by this store.
    virtual bool updateSettings(const QHash<QString, QString> &values, const QString &action,
                                const QJsonObject &detail, QString *error);
    // Recomputes the PII kinds of every analysed pair with `deriver` (after the custom patterns,
    // metadata scanning or decisions changed), as Deriver::rescanPii() does in a file, in batches of
    // their own transactions, then removes the owed rescan's setting (Deriver::kRescanPendingKey).
    // `progress` (when set) gets (done, total) and may return false to stop. Returns how many pairs'
    // kinds changed, -1 with *error. The default: not supported by this store.
    using RescanProgress = std::function<bool(qint64 done, qint64 total)>;
    virtual qint64 rescanPii(const Deriver &deriver, const RescanProgress &progress, QString *error);

    // The settings a dataset file keeps in its settings table (privacy operators, custom patterns),
    // without the secret; false with *error (and nothing in *out) when they cannot be read. Whoever
    // anonymizes with them must not go on without them (the reviewers' patterns and decisions).
    virtual bool readSettings(QHash<QString, QString> *out, QString *error) = 0;
    // Whether the store's server answers now (a trivial query, after reconnecting when the connection
    // was lost). Asked after a failure, to tell "try again later" from an error. A file always does.
    virtual bool reachable() { return true; }
    // How long a long operation cut off by a lost connection waits for the server to answer again
    // (a restart takes a few seconds) before it gives up, and reachableWithin(), which asks every
    // half second; false at once when `stop` (if given) says so.
    static constexpr int kReconnectWaitMs = 15000;
    bool reachableWithin(int ms, const std::function<bool()> &stop = {});
    // How many times the store's connection was lost and opened again so far (0 for a file): a
    // caller compares it before and after a failure to tell a lost connection from an error.
    virtual int connectionLosses() const { return 0; }
    // Whether the last write failed only because the connection was lost before its COMMIT was sent
    // (PostgreSQL rolled all of it back, so running it again does it once), also when the store could
    // not reconnect yet. A file: never.
    virtual bool lastWriteLostUncommitted() const { return false; }
    // Changes one setting in one transaction, with other changes of it made one after the other:
    // `change` gets the current value (empty when unset) and returns the new one, or nullopt with
    // *error to leave it as it is. False with one sentence in *error (e.g. for a read-only role).
    using SettingChange = std::function<std::optional<QString>(const QString &current, QString *error)>;
    virtual bool updateSetting(const QString &key, const SettingChange &change, QString *error) = 0;
    // The per-dataset anonymization secret (32 bytes), as Dataset::secret(): created once with the
    // store; a role that may not write into a store without one gets a secret for this session.
    virtual QByteArray secret() const = 0;

    // Change notification (several people at once). listenForChanges() asks the store to announce
    // every change of its pairs (added, deleted, reviewed, noted, purged: by PairLens or by anyone
    // else, a recorder's plain INSERT included) to this connection; false with one sentence in *error
    // when it cannot. takeChanges() never waits: how many announcements arrived since the last call
    // (0: nothing changed; only other connections' changes count, several may come as one). When the
    // connection was lost the store reconnects and listens again and answers at least 1 (re-read
    // everything: what changed meanwhile was not announced), also after a reconnect made by another
    // call; -1 with one sentence in *error while the server cannot be reached (the next call tries
    // again). A store without notifications (the
    // default) answers false with *error empty, and 0: poll instead.
    virtual bool listenForChanges(QString *error)
    {
        Q_UNUSED(error);
        return false;
    }
    virtual int takeChanges(QString *error)
    {
        Q_UNUSED(error);
        return 0;
    }

    // A function that any thread may call to stop the statement this store runs at that moment,
    // which then fails with an error (nothing half-done: a write rolls back); empty where the store
    // has none to stop (a dataset file's reads are short). Made on the store's thread; when called,
    // it stops whatever the store runs then. The caller decides which statements it may stop (the
    // window: reads only, see ui::ReadInterrupt).
    virtual std::function<void()> statementCanceller() { return {}; }
};

// The analysis of a store without anonymization settings of its own: what Deriver::forDataset()
// does for a new dataset file.
Deriver defaultDeriver();

// The analysis with the store's own anonymization settings (its custom patterns and decisions decide
// the PII kinds), as Deriver::forDataset() analyses a file's pairs: Deriver::following() the store's
// readSettings(), on the thread that owns the store.
Deriver storageDeriver(Storage &storage);

// The pair a forward read gave, with its derived fields (statement type, tables) as stored.
Pair pairFromStoredRow(const StoredRow &row);

// True for a location that names a PostgreSQL database (postgresql:// or postgres://).
bool isPostgresLocation(const QString &location);

} // namespace pairlens
