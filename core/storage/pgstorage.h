// PostgreSQL storage on libpq (issue 18). Location: postgresql://user[:pw]@host:port/db[?schema=NAME]
// (also postgres://); the schema defaults to training_data. The password comes from the URL,
// PGPASSWORD or ~/.pgpass (libpq reads them) and is never stored or printed.
#pragma once

#include "storage/storage.h"

#include <memory>

struct pg_conn; // libpq's PGconn

namespace pairlens {

namespace pg {
struct CancelKeys;
}

class PgStorage final : public Storage
{
public:
    // 1: settings, pairs. 2: pairs_live_ts, the order of the file's default view. 3: review, trash
    // and search columns, audit_log. 4: the pairs table announces its changes (pairs_changed).
    // 5: duplicate keys. 6: pairs_timestamp dropped (no read used it; it cost a fifth of a load).
    static constexpr int kFormatVersion = 6;

    // Connects (connect_timeout 10 s unless the URL sets one) and creates the schema on first open.
    // On failure returns nullptr and one sentence in *error, never containing the password.
    // With `create` false a schema without PairLens tables is refused instead (a copy's source).
    static std::unique_ptr<PgStorage> open(const QString &location, QString *error, bool create = true);
    ~PgStorage() override;

    QString location() const override { return m_location; }
    int formatVersion() const override { return m_version; }
    // Asks the server whether this role may INSERT into the pairs table.
    bool canWrite(QString *why) override;
    qint64 count(QString *error) override;
    using Storage::addBatch;
    // Through COPY ... FROM STDIN into a temporary table, then INSERT ... ON CONFLICT (pair_id) DO NOTHING.
    qint64 addBatch(const QList<Pair> &pairs, const QList<DerivedFields> &derived, QString *error,
                    qint64 *taken) override;
    // The rows in COPY's binary format (with the search vectors and duplicate keys); addPrepared()
    // sends them.
    PreparedBatch prepareBatch(QList<Pair> pairs, QList<DerivedFields> derived) const override;
    qint64 addPrepared(const PreparedBatch &batch, QString *error) override;
    QByteArray settingsIdOfLastAdd() const override
    {
        return m_settingsInWrite ? m_settingsInWrite->settingsId() : QByteArray();
    }
    qint64 deriveMissing(const Deriver &deriver, QString *error) override;
    qint64 maxRowId(QString *error) override;
    bool findPairIds(const QStringList &ids, const ImportTarget::Found &found, QString *error) override;

    // pgread.cpp. Filters: dates, success, statement types, database types and names, tables, review
    // status, PII kinds, search, pair_ids and row ids, and the scope (live pairs, the trash, both);
    // duplicates are refused.
    qint64 count(const Filter &filter, QString *error) override;
    bool countEach(const QList<Filter> &filters, QList<qint64> *counts, QString *error) override;
    bool page(const Filter &filter, int limit, qint64 offset, QList<Pair> *out, QString *error) override;
    bool page(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset, QList<Pair> *out,
              QString *error) override;
    bool rowIds(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                QList<qint64> *out, QString *error) override;
    bool distinctValues(const QString &column, QStringList *out, QString *error) override;
    bool distinctValuesOf(const QStringList &columns, QList<QStringList> *out, QString *error) override;
    std::optional<Pair> get(qint64 rowId, QString *error) override;
    bool statistics(const Filter &filter, Statistics *out, QString *error) override;
    bool countDuplicates(const Filter &filter, Statistics *out, QString *error) override;
    // A server-side cursor (DECLARE ... NO SCROLL CURSOR, FETCH n) in a read-only REPEATABLE READ
    // transaction, ended when the cursor is destroyed; the connection serves nothing else meanwhile.
    std::unique_ptr<RowCursor> readRows(const Filter &filter, QString *error) override;

    // pgcurate.cpp: each in one transaction under the schema's curation lock (an advisory lock), so
    // that changes of the schema's pairs and their audit entries are made one after the other.
    std::optional<DeleteResult> softDelete(const Filter &filter, QString *error) override;
    qint64 restoreBatch(qint64 batch, QString *error) override;
    qint64 restore(const Filter &filter, QString *error) override;
    qint64 purge(const Filter &filter, QString *error) override;
    qint64 setReviewStatus(const Filter &filter, ReviewStatus status, QString *error) override;
    qint64 setReviewerNote(const Filter &filter, const QString &note, QString *error) override;
    bool auditLog(int limit, QList<AuditEntry> *out, QString *error) override;
    bool audit(const QString &action, qint64 pairCount, const QJsonObject &detail, QString *error) override;

    // pgedit.cpp: one UPDATE under the curation lock (pgcurate.cpp), with the new search vector.
    bool updateText(qint64 rowId, const QString &question, const QString &sql, const DerivedFields &derived,
                    QString *error) override;

    // pgprivacy.cpp: the settings under the schema's settings lock (as updateSetting), the audit entry
    // in the same transaction; the rescan reads 5,000 pairs at a time and updates the changed kinds.
    bool updateSettings(const QHash<QString, QString> &values, const QString &action,
                        const QJsonObject &detail, QString *error) override;
    qint64 rescanPii(const Deriver &deriver, const RescanProgress &progress, QString *error) override;

    // pgkeyset.cpp: the ids of a page by (ts, id) row comparison on pairs_live_ts, then the pairs.
    bool pageAfter(const Filter &filter, const PageMark &after, int limit, QList<Pair> *out, PageMark *last,
                   QString *error) override;
    // pgkeyset.cpp: under a transaction-scoped advisory lock of the schema's settings.
    bool updateSetting(const QString &key, const SettingChange &change, QString *error) override;
    bool readSettings(QHash<QString, QString> *out, QString *error) override;
    bool reachable() override;
    int connectionLosses() const override;
    // Whether the connection was lost since the store was opened: reopened (or tried), or found
    // dropped by a statement and not reopened yet.
    bool lostSinceOpened() const;
    bool lastWriteLostUncommitted() const override;
    QByteArray secret() const override { return m_secret; }

    // pgnotify.cpp: LISTEN on the schema's channel (its name), which the statement-level trigger
    // pairs_changed of format version 4 notifies after every INSERT, UPDATE, DELETE or TRUNCATE of
    // pairs, whoever made it. A schema of an older version (read as it is by a read-only role) is
    // refused in one sentence.
    bool listenForChanges(QString *error) override;
    std::function<void()> statementCanceller() override;
    // PQconsumeInput and PQnotifies: the notifications of the schema's channel since the last call.
    int takeChanges(QString *error) override;

    QString schema() const { return m_schema; }
    // The process id of the server's backend serving this connection (PQbackendPID), e.g. for an
    // administrator's pg_terminate_backend(); 0 without a connection.
    int backendPid() const;
    // For the copy (storagecopysource.cpp, storagecopytarget.cpp), which streams whole tables in and out with
    // COPY: the connection and the schema's name quoted for SQL.
    pg_conn *connection() const;
    QString quotedSchema() const { return m_quotedSchema; }
    // Refreshes the planner's statistics of the pairs table (ANALYZE) after a large import, instead
    // of waiting for autovacuum: the statistics' grouping sets are planned from them. Skipped
    // quietly by PostgreSQL for a role that does not own the table.
    void analyze();
    // pgbulk.cpp. Into an empty pairs table whose owner this role is: drops pairs_search and
    // pairs_live_ts (holding the schema's bulk-load lock, a session advisory lock) and builds them
    // again at the end, both at once on two connections. A process killed in between leaves them
    // missing; the next open by the table's owner builds them (repairIndexes()) once no bulk load
    // holds the lock.
    bool beginBulkLoad() override;
    bool endBulkLoad(QString *error) override;
    // True when this open created the schema (no PairLens tables were there before).
    bool createdSchema() const { return m_createdSchema; }
    // The size of the pairs table (in blocks of 8 KiB) from which statistics() splits its scan
    // between two connections (4,096 unless set); tests lower it to read small tables so.
    static void setStatisticsSplitBlocks(qint64 blocks);
    // How many pairs a page in time order of a hard-to-count filter walks before it sorts the
    // matches instead (10,000 unless set), and whether only when the planner's plan is the walk
    // (askPlanner: true unless set); tests lower the one and turn off the other (pgpage.cpp).
    static void setTimePageWalk(int pairs, bool askPlanner = true);

private:
    qint64 addPreparedBatch(const PreparedBatch &batch, QString *error, qint64 *taken);
    // One run of each write; the public functions run it once more after a reconnect
    // (pg::againAfterReconnect()).
    qint64 addPreparedBatchOnce(const PreparedBatch &batch, QString *error, qint64 *taken);
    qint64 deriveMissingOnce(const Deriver &deriver, QString *error);
    bool updateSettingsOnce(const QHash<QString, QString> &values, const QString &action,
                            const QJsonObject &detail, QString *error);
    qint64 rescanPiiOnce(const Deriver &deriver, const RescanProgress &progress, QString *error);
    bool updateSettingOnce(const QString &key, const SettingChange &change, QString *error);
    qint64 curateOnce(const QString &action, const QJsonObject &detail, qint64 pairCount,
                      const std::function<qint64(QString *why, QJsonObject *detail)> &change, QString *error);
    struct Conn;
    PgStorage() = default;
    bool migrate(QString *error);
    bool ensureSecret(QString *error);
    // pgbulk.cpp: builds the indexes a killed bulk load left missing (see beginBulkLoad()).
    void repairIndexes();
    bool takeBulkLock(const QString &condition);
    void releaseBulkLock();
    bool buildBulkIndexes(QString *error);
    // The sentence for a failed change of the settings (pgkeyset.cpp, pgprivacy.cpp): a role that may
    // not write (SQLSTATE 42501 or 25006) is told so, anything else gives PostgreSQL's reason.
    QString settingsFailure(const QByteArray &state, const QString &why) const;
    // pgread.cpp: the pairs matching the filter, with `orderAndLimit` (ORDER BY ... LIMIT ...) appended.
    // `idsFirst`: the order and limit pick the row ids alone, then their rows are read (a sort by a
    // column carries 16 bytes a row instead of the whole pair: 300 instead of 450-490 ms at 1M).
    bool readPairs(const Filter &filter, const QString &orderAndLimit, QList<Pair> *out, QString *error,
                   bool idsFirst = false);
    // pgread.cpp: the rows of `SELECT <a pair's columns> FROM <from>` (whose pairs are `p`).
    bool readPairRows(const QString &from, const QList<QByteArray> &params, QList<Pair> *out, QString *error);
    // pgpage.cpp: a page in time order of a filter whose matches the planner cannot count (a search
    // and a PII kind together, tables, ...), which it would otherwise find by walking pairs_live_ts
    // through every pair when they are few. NotTried when the filter is not such a filter.
    enum class TimePage
    {
        NotTried,
        Read,
        Failed
    };
    TimePage timePage(const Filter &filter, bool ascending, int limit, qint64 offset, QList<Pair> *out,
                      QString *error);
    // pgcurate.cpp: one curation change. Takes the curation lock, runs `change` (which returns the
    // pairs it changed, or -1 with *why) and writes the audit entry with `pairCount` (or the count
    // `change` returns when pairCount < 0), all in one transaction. Returns the count or -1 with
    // *error.
    qint64 curate(const QString &action, QJsonObject detail, qint64 pairCount,
                  const std::function<qint64(QString *why, QJsonObject *detail)> &change, QString *error);

    // pgstats.cpp: the second connection of the statistics' split scan (m_helper), opened on first use.
    pg_conn *helperConnection();
    // pgsettingslock.cpp. Inside a write transaction that stores PII kinds (`begin`: begins it
    // too): takes the schema's settings lock shared (updateSettings() takes it alone, so a change
    // of the privacy settings commits before this transaction began or after it ends, and the
    // change's rescan then sees its rows) and reads the settings again, in one round trip. False
    // with *why when that fails.
    bool lockSettingsShared(QString *why, bool begin = false);
    // The privacy settings as lockSettingsShared() last read them: fields derived with others
    // (Deriver::isCurrent()) are derived again with these (Deriver::withCurrentKinds()).
    const Deriver &settingsInWrite();
    // The batch with every PII kind found with settingsInWrite() (itself when they all were).
    PreparedBatch withCurrentKinds(const PreparedBatch &batch);

    std::shared_ptr<pg::CancelKeys> m_cancelKeys; // of m_conn and m_helper, for statementCanceller()
    std::unique_ptr<Conn> m_conn;
    std::unique_ptr<Conn> m_helper;
    QByteArray m_conninfo; // as connected, password included: kept in memory only, for m_helper
    QString m_location;    // the URL without its password
    QString m_schema;
    QString m_quotedSchema;
    int m_version = 0;
    bool m_create = true;
    bool m_createdSchema = false;
    QByteArray m_secret;
    std::unique_ptr<Deriver> m_settingsInWrite; // lockSettingsShared()'s reading, made on first use
    QHash<QString, QString> m_settingsRead;     // the settings lockSettingsShared() last read
};

} // namespace pairlens
