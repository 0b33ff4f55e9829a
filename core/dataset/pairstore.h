#pragma once

#include "dataset/deriver.h"
#include "dataset/filter.h"
#include "dataset/pair.h"
#include "dataset/writetx.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>

class QSqlQuery;

namespace pairlens {

class Dataset;
namespace writeops {
struct Op;
}

// The dataset's pairs: counting, paging, reading, adding, curating and deleting, always through a
// Filter. Works on the Dataset's connection, so it lives on the Dataset's thread.
class PairStore
{
public:
    enum class SortColumn
    {
        Id,
        Timestamp,
        Question,
        Sql,
        QueryType,
        DatabaseType,
        DatabaseName,
        Success,
        ExecutionTime,
        PiiKinds,
        ReviewStatus,
    };
    struct Sort
    {
        SortColumn column = SortColumn::Timestamp;
        Qt::SortOrder order = Qt::DescendingOrder;
    };
    // Where a keyset page continues: the sort values (one per term of sortTerms()) and row id of
    // the last pair of the previous page.
    struct PageKey
    {
        QVariantList values;
        qint64 rowId = 0;
    };

    struct AddResult
    {
        qint64 added = 0;
        qint64 alreadyPresent = 0; // pair_id existed: left as it was
        QString error; // set when writing failed: the pairs counted above were added, the rest not
    };

    struct DeleteResult
    {
        qint64 count = 0;
        qint64 batch = 0; // restoreBatch(batch) undoes it
    };

    explicit PairStore(Dataset &dataset);

    Dataset &dataset() { return m_dataset; }

    qint64 count(const Filter &filter);
    // The largest row id (0 for an empty dataset), and how many live pairs have a larger one: what
    // other programs added since, whatever else changed meanwhile.
    qint64 maxRowId();
    qint64 countLiveAfter(qint64 rowId);
    QList<Pair> page(const Filter &filter, const Sort &sort, int limit, qint64 offset = 0);
    // Keyset pagination: the page after `after` (stable: ties are broken by row id).
    QList<Pair> pageAfter(const Filter &filter, const Sort &sort, const PageKey &after, int limit);
    PageKey keyOf(const Pair &pair, SortColumn column) const;
    // How page(), pageAfter() and rowIds() read a filter with a search: CollectMatches looks every
    // match up and sorts them; SearchIndexOrder (row-id order) walks the full-text index in rowid
    // order; SortIndexWalk (any other order, live pairs) walks the sort's index keeping the matches.
    // All three return the same rows in the same order.
    enum class SearchPath
    {
        None, // no search
        CollectMatches,
        SearchIndexOrder,
        SortIndexWalk,
    };
    static SearchPath searchPath(const Filter &filter, const Sort &sort);
    // The row id and seed fields of a row whose first ten columns are id, pair_id,
    // natural_language_query, sql_query, timestamp, database_type, database_name, success,
    // execution_time_ms, metadata (in that order); the derived fields are left empty.
    static Pair readSeedFields(const QSqlQuery &q);
    // How many matches a search in row-id order walks, when further conditions may keep few of
    // them, before the general query answers instead; 0 (the default) scales with the page.
    // Tests make it small to exercise both outcomes.
    void setSearchWalkLimit(qint64 matches) { m_searchWalkLimit = matches; }
    // Row ids of the matching pairs in sort order (for selections and streaming).
    QList<qint64> rowIds(const Filter &filter, const Sort &sort, int limit = -1, qint64 offset = 0);
    // Streams every matching pair in sort order in batches; stop by returning false.
    bool forEach(const Filter &filter, const Sort &sort, const std::function<bool(const Pair &)> &visit,
                 int batchSize = 2000);

    std::optional<Pair> get(qint64 rowId);
    std::optional<Pair> getByPairId(const QString &pairId);
    // The stored pairs of these pair_ids (any scope), in one statement; those not stored are absent.
    // std::nullopt on a failed read (errorString()).
    std::optional<QList<Pair>> getByPairIds(const QStringList &pairIds);

    // Adds pairs, computing their derived fields, in transactions short enough (~20 ms) that other
    // writers never wait long; each transaction adds a whole run of the pairs or none of it. Pairs
    // whose pair_id exists already are left untouched and counted as alreadyPresent.
    // AddMode::OneTransaction adds the whole list in one transaction (all or nothing); keep such
    // lists small (a few hundred pairs), since the write lock is held meanwhile.
    enum class AddMode
    {
        ShortTransactions,
        OneTransaction,
    };
    AddResult add(const QList<Pair> &pairs, AddMode mode = AddMode::ShortTransactions);
    // The same with the derived fields already computed (derived[i] belongs to pairs[i]), so that
    // callers can derive on another thread while the previous batch is written.
    AddResult add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
                  AddMode mode = AddMode::ShortTransactions);
    const Deriver &deriver() const { return m_deriver; }
    // For a BulkLoad's dataset only (bulkload.h), which no other program has open: add() writes each
    // list in one transaction and leaves the full-text index and pair_tables to BulkLoad::finish().
    void setBulkLoad(bool on) { m_bulkLoad = on; }

    bool setReviewStatus(const Filter &filter, ReviewStatus status, qint64 *changed = nullptr);
    bool setReviewerNote(qint64 rowId, const QString &note);
    // Edits a pair's question and SQL; the derived fields follow.
    bool updateText(qint64 rowId, const QString &question, const QString &sql);

    // Soft delete: the pairs move to the trash and can be restored until purged.
    std::optional<DeleteResult> softDelete(const Filter &filter);
    std::optional<qint64> restoreBatch(qint64 batch);
    // Restores trashed pairs matching the filter (its scope is ignored).
    std::optional<qint64> restore(const Filter &filter);
    // Removes trashed pairs matching the filter for good (its scope is ignored).
    std::optional<qint64> purge(const Filter &filter);

    // Distinct non-empty values of a column among live pairs, for filter choices.
    QStringList distinctValues(const QString &column);

    bool audit(const QString &action, qint64 pairCount, const QJsonObject &detail);
    // An audit entry that follows the adds made after it: it is written first (state "running",
    // no pairs), each add() transaction adds its pairs to it in the same transaction, and
    // finishAddAudit() marks it "done" with more detail. A killed import so leaves an entry that
    // counts exactly the pairs it added. Returns the entry's id, or 0 on failure.
    qint64 startAddAudit(const QString &action, const QJsonObject &detail);
    bool finishAddAudit(const QJsonObject &moreDetail);

    // Progress of large writes (delete, restore, purge, review): (done, total), total 0 while the
    // pairs are still being gathered. Returning false before the write's commit point cancels it.
    void setWriteProgress(std::function<bool(qint64, qint64)> progress) { m_progress = std::move(progress); }

    QString errorString() const { return m_error; }

private:
    bool fail(const QString &message);
    bool failQuery(const QSqlQuery &query);
    // Takes the write lock through `tx` (refused for a read-only dataset); false with errorString().
    bool beginWrite(WriteTransaction &tx);
    bool addRange(const QList<Pair> &pairs, const QList<DerivedFields> &derived, qsizetype from, qsizetype to,
                  AddResult *result, qint64 *heldMs);
    // Row ids of `pairs p` matching a condition after `afterId`, ascending (for staging a large write).
    std::optional<QList<qint64>> idsAfter(const QString &where, const QVariantList &bindings, qint64 afterId,
                                          int limit, QString *error);
    // Runs a large write (writeops.h) over the pairs matching `filter` (or a condition on `pairs p`).
    std::optional<qint64> runLarge(writeops::Op &op, const Filter &filter);
    std::optional<qint64> runLarge(writeops::Op &op, const QString &where, const QVariantList &bindings);
    QList<Pair> runSelect(const QString &sql, const QVariantList &bindings);

    // The statements that read (part of) a filter in sort order, to run in turn until one fills
    // the page (the last one always answers). More than one only when a search's matches are
    // walked for a filter that may keep few of them (see searchWalkLimit()).
    struct Statement
    {
        QString sql;
        QVariantList bindings;
    };
    QList<Statement> readStatements(const QString &columns, const Filter &filter, const Sort &sort,
                                    const PageKey *after, int limit, qint64 offset);
    QList<Pair> read(const Filter &filter, const Sort &sort, const PageKey *after, int limit, qint64 offset);
    // The row id of the n-th match of a full-text query in the sort's direction (after a row id);
    // nullopt when there are fewer matches.
    std::optional<qint64> nthSearchMatch(const QString &fts, const Sort &sort, qint64 n,
                                         std::optional<qint64> afterRowId);

    // Inside a write transaction: reads the privacy settings again unless no other connection has
    // committed since this did (PRAGMA data_version), so that pairs analysed before another
    // program changed them are written with the kinds of the change (Deriver::isCurrent()).
    bool settingsCurrentInWrite(QString *error);

    Dataset &m_dataset;
    Deriver m_deriver;
    qint64 m_settingsDataVersion = -1; // data_version when settingsCurrentInWrite() last read
    QString m_error;
    qint64 m_searchWalkLimit = 0;
    std::function<bool(qint64, qint64)> m_progress;
    // Adds in chunks holding the lock ~40 ms, COMMIT included (before, the chunks aimed at 20 ms
    // without COMMIT, which took another 40-70 ms on a 1M-pair dataset).
    ChunkSizer m_addSizer{100, 40};
    std::unique_ptr<LockPacer> m_addPacer; // kept across add() calls: one import is many of them
    qint64 m_addAuditId = 0;
    bool m_bulkLoad = false;
    QJsonObject m_addAuditDetail;
};

// What a sort orders by before the row id (every sort ends with the row id, so it is total), and the
// ORDER BY clause of a read over `pairs p`. Each sort is the order of an index of live pairs.
QStringList sortTerms(PairStore::SortColumn column);
QString orderByClause(const PairStore::Sort &sort);

} // namespace pairlens
