#pragma once

#include "datasetworker.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace pairlens::privacy {
class Anonymizer;
}

namespace pairlens::ui {

// The window's side of the open dataset: owns the worker thread, posts requests to it, remembers
// what the window needs to know (location, read-only, totals) and holds the anonymizer the preview
// uses. Models and dialogs share one session.
class DatasetSession : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const WriteResult &)>;

    explicit DatasetSession(QObject *parent = nullptr);
    ~DatasetSession() override;

    DatasetWorker *worker() const { return m_worker; }

    void open(const QString &location, pairlens::Dataset::Mode mode = pairlens::Dataset::Mode::OpenExisting);
    void createDemo(const QString &location, int pairs);
    // A new, empty dataset at `location`, replacing the file there unless another program has it open.
    void createNew(const QString &location);
    void close();
    void setPollInterval(int ms);
    void setDirectOffsetLimit(qint64 rows);

    bool isOpen() const { return m_open; }
    bool isReadOnly() const { return m_info.readOnly; }
    QString location() const { return m_info.location; }
    // The location as it was opened: for a PostgreSQL dataset with the password typed in the connect
    // dialog (kept in memory only), for the threads that open connections of their own (facets,
    // statistics, copies). location() never has a password.
    QString connectLocation() const { return m_open ? m_connectLocation : QString(); }
    const OpenInfo &info() const { return m_info; }
    const privacy::Anonymizer *anonymizer() const { return m_anonymizer.get(); }
    qint64 liveTotal() const { return m_live; }
    qint64 trashTotal() const { return m_trash; }
    // False from opening until the worker has counted the totals (liveTotal() is 0 meanwhile).
    bool totalsKnown() const { return m_totalsKnown; }

    quint64 newClientId() { return ++m_lastClient; }

    // Reads (answered by the worker's signals).
    // Dropped before it reaches the database when `state` has moved on to another generation.
    void requestCount(const std::shared_ptr<LoadState> &state, quint64 client, quint64 generation,
                      const Filter &filter);
    void requestPage(const PageRequest &request);
    // A table moved on to another filter or sort: its count or page in flight is stopped.
    void interruptStaleReads() { m_reads->interruptStale(); }
    void requestChoices();
    void requestNextUnreviewed(quint64 client, const Filter &filter, const PairStore::Sort &sort,
                               qint64 fromRow);
    // Answered by the worker's recordPreviewed().
    void requestRecord(qint64 rowId, int format);
    void requestLocate(const QString &pairId, const Filter &filter, const PairStore::Sort &sort);

    // Writes. The callback runs on the window's thread once the worker is done; then `modified`
    // tells every model to reload in place.
    void write(const WriteRequest &request, Callback callback = {});
    void refresh(Callback callback = {});

signals:
    // A dataset is about to be opened or created at `location` (before the worker starts).
    void opening(const QString &location);
    void opened(const pairlens::ui::OpenInfo &info);
    void openFailed(const QString &location, const QString &error, const QString &details);
    void closed();
    void modified();
    void totalsChanged(qint64 live, qint64 trash);
    void writeFailed(const QString &error, const QString &details = QString());
    // The dataset's server answers again; `errors` were reported while it was away
    // (DatasetWorker::reconnected()).
    void reconnected(const QStringList &errors);
    void externalChange(qint64 added, qint64 live);
    void busyChanged(bool busy);
    // A large write's progress (done of total pairs; total 0 while they are gathered).
    void writeProgress(qint64 done, qint64 total);

private:
    void post(std::function<void(DatasetWorker *)> job);
    // The dataset's settings as the window knows them, and the preview's anonymizer built from them.
    void useSettings(const QHash<QString, QString> &settings);
    // A read: dropped when the dataset it was asked of has been closed before it runs, and
    // interrupted when the dataset is closed while it runs (ReadInterrupt).
    // `stale` as for ReadInterrupt::begin().
    void postRead(std::function<void(DatasetWorker *)> job, std::function<bool()> stale = {});
    // Closing: reads still queued are dropped, the one in flight is stopped.
    void abandonReads();
    void onOpened(const OpenInfo &info);
    void onWriteFinished(const WriteResult &result);

    QThread *m_thread = nullptr;
    std::shared_ptr<ReadInterrupt> m_reads = std::make_shared<ReadInterrupt>();
    std::shared_ptr<std::atomic<quint64>> m_epoch = std::make_shared<std::atomic<quint64>>(0);
    DatasetWorker *m_worker = nullptr;
    OpenInfo m_info;
    QString m_connectLocation;
    bool m_open = false;
    std::unique_ptr<privacy::Anonymizer> m_anonymizer;
    QHash<int, Callback> m_callbacks;
    int m_lastRequest = 0;
    quint64 m_lastClient = 0;
    qint64 m_live = 0;
    qint64 m_trash = 0;
    bool m_totalsKnown = false;
};

} // namespace pairlens::ui
