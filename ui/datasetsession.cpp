#include "datasetsession.h"

#include "privacy/anonymizer.h"

#include <QThread>

namespace pairlens::ui {

DatasetSession::DatasetSession(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<OpenInfo>();
    qRegisterMetaType<FilterChoices>();
    qRegisterMetaType<WriteResult>();
    qRegisterMetaType<QList<Pair>>();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("pairlens-dataset"));
    m_worker = new DatasetWorker;
    m_worker->setReadInterrupt(m_reads);
    m_worker->moveToThread(m_thread);
    // The worker (and with it the dataset connection) is destroyed on its own thread.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DatasetWorker::opened, this, &DatasetSession::onOpened);
    connect(m_worker, &DatasetWorker::writeFinished, this, &DatasetSession::onWriteFinished);
    connect(m_worker, &DatasetWorker::totalsChanged, this, [this](qint64 live, qint64 trash) {
        m_live = live;
        m_trash = trash;
        m_totalsKnown = true;
        emit totalsChanged(live, trash);
    });
    connect(m_worker, &DatasetWorker::externalChange, this, &DatasetSession::externalChange);
    // Another window's review, delete or note on a PostgreSQL dataset: every model reloads in place.
    connect(m_worker, &DatasetWorker::changedElsewhere, this, [this] {
        if (m_open)
            emit modified();
    });
    connect(m_worker, &DatasetWorker::writeProgress, this,
            [this](int, qint64 done, qint64 total) { emit writeProgress(done, total); });
    connect(m_worker, &DatasetWorker::failed, this, &DatasetSession::writeFailed);
    connect(m_worker, &DatasetWorker::reconnected, this, &DatasetSession::reconnected);
    // Another program's change of the privacy settings: the preview shows what an export would.
    connect(m_worker, &DatasetWorker::settingsChanged, this, [this](const QHash<QString, QString> &settings) {
        if (!m_open)
            return;
        useSettings(settings);
        emit modified();
    });
    m_thread->start();
}

DatasetSession::~DatasetSession()
{
    abandonReads();
    post([](DatasetWorker *w) { w->close(); });
    m_thread->quit();
    m_thread->wait();
}

void DatasetSession::post(std::function<void(DatasetWorker *)> job)
{
    DatasetWorker *w = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [w, job = std::move(job)] { job(w); }, Qt::QueuedConnection);
}

void DatasetSession::postRead(std::function<void(DatasetWorker *)> job, std::function<bool()> stale)
{
    post([epoch = m_epoch, asked = m_epoch->load(), job = std::move(job),
          stale = std::move(stale)](DatasetWorker *w) {
        if (epoch->load() == asked)
            w->read([w, &job] { job(w); }, stale);
    });
}

namespace {

// A table's read whose answer is of no use any more: the table asked for another generation since.
std::function<bool()> staleWhenMovedOn(const std::shared_ptr<LoadState> &state, quint64 generation)
{
    if (!state)
        return {};
    return [state, generation] { return state->generation.load() != generation; };
}

} // namespace

void DatasetSession::abandonReads()
{
    ++*m_epoch;
    m_reads->interrupt();
}

void DatasetSession::open(const QString &location, Dataset::Mode mode)
{
    m_connectLocation = location;
    emit opening(location);
    emit busyChanged(true);
    post([location, mode](DatasetWorker *w) { w->open(location, mode); });
}

void DatasetSession::createNew(const QString &location)
{
    m_connectLocation = location;
    emit opening(location);
    emit busyChanged(true);
    post([location](DatasetWorker *w) { w->createNew(location); });
}

void DatasetSession::createDemo(const QString &location, int pairs)
{
    m_connectLocation = location;
    emit opening(location);
    emit busyChanged(true);
    post([location, pairs](DatasetWorker *w) { w->createDemo(location, pairs); });
}

void DatasetSession::close()
{
    abandonReads();
    post([](DatasetWorker *w) { w->close(); });
    const bool wasOpen = m_open;
    m_open = false;
    m_info = {};
    m_anonymizer.reset();
    m_live = m_trash = 0;
    m_totalsKnown = false;
    if (wasOpen)
        emit closed();
}

void DatasetSession::setPollInterval(int ms)
{
    post([ms](DatasetWorker *w) { w->setPollInterval(ms); });
}

void DatasetSession::setDirectOffsetLimit(qint64 rows)
{
    post([rows](DatasetWorker *w) { w->setDirectOffsetLimit(rows); });
}

void DatasetSession::onOpened(const OpenInfo &info)
{
    emit busyChanged(false);
    if (!info.error.isEmpty()) {
        emit openFailed(info.location, info.error, info.details);
        return;
    }
    m_info = info;
    m_open = true;
    useSettings(info.settings);
    emit opened(info);
}

void DatasetSession::useSettings(const QHash<QString, QString> &settings)
{
    m_info.settings = settings;
    privacy::Config config = privacy::Config::fromSettings(settings);
    config.key = m_info.secret;
    m_anonymizer = std::make_unique<privacy::Anonymizer>(config);
}

void DatasetSession::requestCount(const std::shared_ptr<LoadState> &state, quint64 client, quint64 generation,
                                  const Filter &filter)
{
    postRead([=](DatasetWorker *w) { w->count(state, client, generation, filter); },
             staleWhenMovedOn(state, generation));
}

void DatasetSession::requestPage(const PageRequest &request)
{
    postRead([request](DatasetWorker *w) { w->fetchPage(request); },
             staleWhenMovedOn(request.state, request.generation));
}

void DatasetSession::requestChoices()
{
    postRead([](DatasetWorker *w) { w->loadChoices(); });
}

void DatasetSession::requestNextUnreviewed(quint64 client, const Filter &filter, const PairStore::Sort &sort,
                                           qint64 fromRow)
{
    postRead([=](DatasetWorker *w) { w->findNext(client, filter, sort, fromRow); });
}

void DatasetSession::requestLocate(const QString &pairId, const Filter &filter, const PairStore::Sort &sort)
{
    postRead([=](DatasetWorker *w) { w->locate(pairId, filter, sort); });
}

void DatasetSession::requestRecord(qint64 rowId, int format)
{
    postRead([rowId, format](DatasetWorker *w) { w->previewRecord(rowId, format); });
}

void DatasetSession::write(const WriteRequest &request, Callback callback)
{
    const int id = ++m_lastRequest;
    if (callback)
        m_callbacks.insert(id, std::move(callback));
    emit busyChanged(true);
    post([id, request](DatasetWorker *w) { w->write(id, request); });
}

void DatasetSession::refresh(Callback callback)
{
    const int id = ++m_lastRequest;
    if (callback)
        m_callbacks.insert(id, std::move(callback));
    emit busyChanged(true);
    post([id](DatasetWorker *w) { w->refresh(id); });
}

void DatasetSession::onWriteFinished(const WriteResult &result)
{
    emit busyChanged(false);
    if ((result.kind == WriteKind::PrivacyDecisions || result.kind == WriteKind::PrivacySettings) &&
        result.ok && result.settings) {
        // The preview follows the new decisions and settings at once.
        useSettings(*result.settings);
    }
    if (const Callback cb = m_callbacks.take(result.requestId))
        cb(result);
    const bool privacyChange =
        result.kind == WriteKind::PrivacyDecisions || result.kind == WriteKind::PrivacySettings;
    // A failed write, or a privacy change saved whose settings could not be read back.
    if ((!result.ok || (privacyChange && !result.settings)) && !result.error.isEmpty())
        emit writeFailed(result.error);
    if (result.ok || result.kind == WriteKind::Refresh)
        emit modified();
}

} // namespace pairlens::ui
