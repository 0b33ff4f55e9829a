#pragma once

// The dataset's database work for the window, on a thread of its own. The worker opens its own
// connection on that thread (a QSqlDatabase may only be used by the thread that opened it) and
// talks to the window only through queued calls and signals, so nothing the database does can
// freeze the window.

#include "dataset/dataset.h"
#include "dataset/filter.h"
#include "dataset/pair.h"
#include "dataset/pairstore.h"
#include "privacy/anonymizer.h"
#include "readinterrupt.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QTimer;

namespace pairlens {
class Dataset;
class Storage;
} // namespace pairlens

namespace pairlens::ui {

struct OpenInfo
{
    QString location;
    QString error;   // empty when the dataset opened
    QString details; // what SQLite said behind the error, for "Show details"
    bool readOnly = false;
    QString readOnlyReason; // why a dataset opened read-only although writing was asked for
    bool postgres = false;  // a PostgreSQL dataset (Storage): edits, adds and privacy are not offered yet
    bool migrated = false;
    QHash<QString, QString> settings;
    QByteArray secret;
};

struct FilterChoices
{
    QStringList queryTypes;
    QStringList databaseTypes;
    QStringList databaseNames;
};

// Shared by a model and the worker: the worker drops a page request before it reaches the
// database when the model moved on (new filter or sort) or scrolled far away from it.
struct LoadState
{
    std::atomic<quint64> generation{0};
    std::atomic<qint64> focusPage{0};
};

struct PageRequest
{
    std::shared_ptr<LoadState> state;
    quint64 client = 0;
    quint64 generation = 0;
    Filter filter;
    PairStore::Sort sort;
    qint64 page = 0;
    int pageSize = 100;
    int keepRadius = 0; // dropped when |page - focusPage| > keepRadius (0: never)
};

// Some of the pairs shown in a table: explicit row ids (rows that are loaded) and (offset, count)
// ranges of the sorted filter that the worker resolves to row ids.
struct Selection
{
    Filter filter;
    PairStore::Sort sort;
    QList<qint64> rowIds;
    QList<QPair<qint64, qint64>> ranges;
    bool wholeFilter = false; // every pair matching the filter
};

enum class WriteKind
{
    Delete,
    Redelete,
    RestoreBatch,
    Restore,
    Purge,
    Review,
    ReviewRestore, // undo of a review: each pair back to the status it had
    Note,
    Edit,
    Add,
    PrivacyDecisions, // replace the dataset's privacy decisions (then rescan the PII kinds)
    PrivacySettings,  // replace its operators, custom patterns and metadata scanning (config)
    Refresh
};

// One change to the dataset. Which members matter depends on the kind.
struct WriteRequest
{
    WriteKind kind = WriteKind::Review;
    Selection selection; // Delete, Restore, Purge, Review (Redelete: selection.rowIds)
    qint64 batch = 0;    // RestoreBatch
    ReviewStatus status = ReviewStatus::Unreviewed;
    QList<QList<qint64>> byStatus;      // ReviewRestore: row ids by the status (index) they go back to
    qint64 rowId = 0;                   // Note, Edit
    QString question, sql;              // Edit
    QString note;                       // Note
    Pair pair;                          // Add
    QList<privacy::Decision> decisions; // PrivacyDecisions: all of them, as they are to be
    QJsonObject change;                 // PrivacyDecisions: what changed, for the audit log
    privacy::Config config;             // PrivacySettings: the settings as they are to be
};

struct WriteResult
{
    int requestId = 0;
    WriteKind kind = WriteKind::Review;
    bool ok = false;
    QString error;
    qint64 count = 0;
    qint64 batch = 0;
    // The pairs a delete, review, restore or add applied to, so that undo and redo change the
    // same ones whatever the table shows by then.
    QList<qint64> rowIds;
    // What the write replaced, for undo: Review: rowIds by the status (index) each had before;
    // Edit: the question and SQL before. (A note's undo knows its before from the pair pane.)
    QList<QList<qint64>> previousByStatus;
    QString previousQuestion, previousSql;
    // Both privacy kinds: the dataset's settings after, read back for the preview (unset, with
    // `error` saying why, when they could not be read).
    std::optional<QHash<QString, QString>> settings;
};

class DatasetWorker : public QObject
{
    Q_OBJECT
public:
    explicit DatasetWorker(QObject *parent = nullptr);
    ~DatasetWorker() override;

    // Everything below runs on the worker's thread; DatasetSession posts the calls.
    void open(const QString &location, pairlens::Dataset::Mode mode);
    void createDemo(const QString &location, int pairs);
    void createNew(const QString &location);
    void close();
    void setPollInterval(int ms);
    // Pages starting below this offset are read with OFFSET, the rest through the id list.
    void setDirectOffsetLimit(qint64 rows) { m_directOffsetLimit = rows; }
    void count(const std::shared_ptr<LoadState> &state, quint64 client, quint64 generation,
               const Filter &filter);
    void fetchPage(const PageRequest &request);
    void loadChoices();
    void findNext(quint64 client, const Filter &filter, const PairStore::Sort &sort, qint64 fromRow);
    // The row of the pair with `pairId` among the pairs of `filter` in `sort` order (pairLocated).
    void locate(const QString &pairId, const Filter &filter, const PairStore::Sort &sort);
    void write(int requestId, const WriteRequest &request);
    void refresh(int requestId);
    // The bytes an anonymized export in `format` (an exporting::Format) writes for one pair, from the
    // export engine (Exporter::preview), whatever its review status or success.
    void previewRecord(qint64 rowId, int format);
    // Runs a read that the window may stop (ReadInterrupt) when it closes the dataset; the failure
    // of a read stopped that way is not reported.
    void read(const std::function<void()> &job, std::function<bool()> stale = {});
    // Set before the worker moves to its thread.
    void setReadInterrupt(std::shared_ptr<ReadInterrupt> reads) { m_reads = std::move(reads); }

signals:
    void opened(const pairlens::ui::OpenInfo &info);
    void counted(quint64 client, quint64 generation, qint64 matching);
    void totalsChanged(qint64 live, qint64 trash);
    void pageLoaded(quint64 client, quint64 generation, qint64 page, const QList<pairlens::Pair> &rows);
    void pageDropped(quint64 client, quint64 generation, qint64 page);
    void choicesLoaded(const pairlens::ui::FilterChoices &choices);
    void nextFound(quint64 client, qint64 row); // -1 when there is none
    // Where locate() found a pair: its row, or -1 with `exists` false (no such pair), or true (it
    // is in the trash or the filter hides it; `deleted` says which).
    void pairLocated(const QString &pairId, qint64 row, bool exists, bool deleted);
    void recordPreviewed(qint64 rowId, int format, const QByteArray &bytes, const QString &error);
    void writeFinished(const pairlens::ui::WriteResult &result);
    // Progress of a large write (done of total pairs; total 0 while they are gathered).
    void writeProgress(int requestId, qint64 done, qint64 total);
    // Another program changed the dataset: `added` more live pairs than when last refreshed.
    void externalChange(qint64 added, qint64 live);
    // Another program reviewed, deleted, restored or noted pairs of a PostgreSQL dataset: the window
    // reloads what it shows.
    void changedElsewhere();
    void failed(const QString &message, const QString &details = QString());
    // The dataset's server answers again after a poll reported it away (failed()): `errors` are the
    // messages reported meanwhile, which the window may take down.
    void reconnected(const QStringList &errors);
    // Another program (`pairlens privacy`, another window) changed the privacy settings: the
    // preview follows them.
    void settingsChanged(const QHash<QString, QString> &settings);

private:
    // Closes the dataset and removes the file at `location` for a new one; emits opened() with the
    // error and returns false when another program still has it open.
    bool removeForNew(const QString &location);
    // The open dataset's settings (file or PostgreSQL); false with *error when they cannot be read.
    bool readSettings(QHash<QString, QString> *settings, QString *error);
    // The settings after a privacy change, into result->settings, or result->error says why not.
    void readSettingsBack(WriteResult *result);
    // After another program's change: emits settingsChanged() when the privacy settings differ
    // from the last ones known (a failed read is tried again at the next change).
    void checkSettings();
    void poll();
    void updateTotals();
    QList<qint64> resolve(const Selection &selection);
    WriteResult runWrite(const WriteRequest &request);

    QList<Pair> pageByIds(const PageRequest &request);
    // datasetworkerpg.cpp: the same work on a PostgreSQL dataset, through the storage seam.
    void openStorage(const QString &location, pairlens::Dataset::Mode mode);
    void storageTotals();
    void storageCount(quint64 client, quint64 generation, const Filter &filter);
    void storagePage(const PageRequest &request);
    void storageChoices();
    void storageLocate(const QString &pairId, const Filter &filter, const PairStore::Sort &sort);
    QList<qint64> storageResolve(const Selection &selection, QString *error);
    WriteResult storageWrite(int requestId, const WriteRequest &request);
    // Rescans the PII kinds with the store's settings, its progress as the write's; -1 with *error.
    std::function<bool(qint64, qint64)> rescanProgress(int requestId); // writeProgress for a rescan
    void storageRefresh(int requestId);
    void storagePreview(qint64 rowId, int format);
    void storagePoll();
    // A read's sentence in the window's error bar, once until a read succeeds again.
    void storageFailed(const QString &error);
    // What the poll compares: the largest row id and the newest audit entry.
    struct StorageMark
    {
        qint64 maxId = 0, audit = 0;
        bool operator==(const StorageMark &) const = default;
    };
    bool storageMark(StorageMark *mark, QString *error);
    // The live pairs the last unfiltered count found, and the store's mark before it: the totals
    // that follow reuse it while the mark is the same (a count of a million rows on PostgreSQL is
    // a quarter of a second).
    std::optional<std::pair<StorageMark, qint64>> m_liveCount;
    bool reportDamage(); // emits failed() with the damage sentence once; true when damage was reported

    // For pages far from the top, a model's whole result (the row ids of its filter in its sort
    // order) is read once; its pages are then looked up by row id, which costs the same at any
    // depth, where OFFSET has to walk past every row before the page.
    struct IdList
    {
        quint64 generation = 0;
        QList<qint64> ids;
    };
    QHash<quint64, IdList> m_idLists; // by client
    // A first page shorter than a page is the whole result: its size answers the count that
    // follows it without another query.
    struct ShortFirstPage
    {
        quint64 generation = 0;
        qint64 rows = 0;
    };
    QHash<quint64, ShortFirstPage> m_shortFirstPages; // by client
    qint64 m_directOffsetLimit = 2000;

    std::shared_ptr<ReadInterrupt> m_reads;
    std::unique_ptr<Storage> m_storage; // a PostgreSQL dataset (then m_dataset and m_store are null)
    bool m_storageReadOnly = false;
    bool m_listening = false; // the store announces changes (Storage::listenForChanges)
    QString m_lastStorageError;
    QString m_pollError;      // what the last poll reported while the server was away
    QStringList m_awayErrors; // every message reported since (the poll's first)
    StorageMark m_storageMark;
    std::unique_ptr<Dataset> m_dataset;
    bool m_damageReported = false; // the damage sentence was emitted for m_dataset
    std::unique_ptr<PairStore> m_store;
    QTimer *m_poll = nullptr;
    int m_pollInterval = 2000;
    QString m_privacySettings; // privacySettingsFingerprint() of the settings the window knows
    qint64 m_dataVersion = -1;
    qint64 m_knownLive = 0;
    qint64 m_knownMaxId = 0; // the largest row id when the dataset was opened or last refreshed
};

} // namespace pairlens::ui

Q_DECLARE_METATYPE(pairlens::ui::OpenInfo)
Q_DECLARE_METATYPE(pairlens::ui::FilterChoices)
Q_DECLARE_METATYPE(pairlens::ui::WriteResult)
