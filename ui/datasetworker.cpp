#include "datasetworker.h"

#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/deriver.h"
#include "dataset/privacydecisions.h"
#include "export/exporter.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

Filter rowIdFilter(const QList<qint64> &ids, Filter::Scope scope = Filter::Scope::Live)
{
    Filter f;
    f.rowIds = ids;
    f.restrictToRowIds = true;
    f.scope = scope;
    return f;
}

constexpr int kFindChunk = 2000;
constexpr qint64 kFindLimit = 500000; // "next unreviewed" looks this far ahead at most

} // namespace

DatasetWorker::DatasetWorker(QObject *parent) : QObject(parent) {}

DatasetWorker::~DatasetWorker()
{
    close();
}

void DatasetWorker::open(const QString &location, Dataset::Mode mode)
{
    close();
    if (isPostgresLocation(location)) {
        openStorage(location, mode);
        return;
    }
    OpenInfo info;
    info.location = location;
    QString error;
    m_dataset = Dataset::open(location, mode, &error, &info.details);
    m_damageReported = false;
    // The preview anonymizes with the settings as read, never with defaults taken for them.
    if (QString unreadable; m_dataset && !m_dataset->readSettings(&info.settings, &unreadable)) {
        error = tr("Cannot read the settings of %1: %2").arg(location, unreadable);
        m_dataset.reset();
    }
    if (!m_dataset) {
        info.error = error;
        emit opened(info);
        return;
    }
    if (!m_dataset->isReadOnly()) {
        // Rows written by outside programs get their statement type, tables and PII kinds now.
        if (Deriver::forDataset(*m_dataset).deriveMissing(*m_dataset, &error) < 0)
            emit failed(tr("Some pairs could not be analysed: %1").arg(error));
    }
    m_store = std::make_unique<PairStore>(*m_dataset);
    m_knownMaxId = std::max<qint64>(0, m_store->maxRowId());
    info.readOnly = m_dataset->isReadOnly();
    info.readOnlyReason = m_dataset->readOnlyReason();
    info.migrated = m_dataset->wasMigrated();
    info.secret = m_dataset->secret();
    m_privacySettings = privacySettingsFingerprint(info.settings);
    m_dataVersion = m_dataset->dataVersion();
    emit opened(info);
    // The totals for the status bar can wait until the first rows are on screen.
    QTimer::singleShot(400, this, &DatasetWorker::updateTotals);
    if (!m_poll) {
        m_poll = new QTimer(this);
        connect(m_poll, &QTimer::timeout, this, &DatasetWorker::poll);
    }
    m_poll->start(m_pollInterval);
}

bool DatasetWorker::readSettings(QHash<QString, QString> *settings, QString *error)
{
    return m_dataset ? m_dataset->readSettings(settings, error) : m_storage->readSettings(settings, error);
}

void DatasetWorker::readSettingsBack(WriteResult *result)
{
    QHash<QString, QString> settings;
    QString error;
    if (readSettings(&settings, &error)) {
        m_privacySettings = privacySettingsFingerprint(settings);
        result->settings = std::move(settings);
    } else
        result->error =
            tr("The change was saved, but the preview cannot read the settings back: %1").arg(error);
}

void DatasetWorker::checkSettings()
{
    QHash<QString, QString> settings;
    QString error;
    if (!readSettings(&settings, &error))
        return;
    const QString fingerprint = privacySettingsFingerprint(settings);
    if (fingerprint == m_privacySettings)
        return;
    m_privacySettings = fingerprint;
    emit settingsChanged(settings);
}

bool DatasetWorker::removeForNew(const QString &location)
{
    close();
    QString error;
    if (Dataset::removeFiles(location, &error))
        return true;
    OpenInfo info;
    info.location = location;
    info.error = error;
    emit opened(info);
    return false;
}

void DatasetWorker::createNew(const QString &location)
{
    if (removeForNew(location))
        open(location, Dataset::Mode::OpenOrCreate);
}

void DatasetWorker::createDemo(const QString &location, int pairs)
{
    if (!removeForNew(location))
        return;
    QString error;
    {
        std::unique_ptr<Dataset> ds = Dataset::open(location, Dataset::Mode::OpenOrCreate, &error);
        if (!ds) {
            OpenInfo info;
            info.location = location;
            info.error = error;
            emit opened(info);
            return;
        }
        PairStore store(*ds);
        DemoGenerator generator;
        for (int done = 0; done < pairs;) {
            const int n = std::min(5000, pairs - done);
            const PairStore::AddResult r = store.add(generator.generate(n));
            if (!r.error.isEmpty()) {
                OpenInfo info;
                info.location = location;
                info.error = tr("Cannot write the demo dataset: %1").arg(r.error);
                emit opened(info);
                return;
            }
            done += n;
        }
    }
    open(location, Dataset::Mode::OpenExisting);
}

void DatasetWorker::close()
{
    if (m_poll)
        m_poll->stop();
    m_idLists.clear();
    m_shortFirstPages.clear();
    m_store.reset();
    m_dataset.reset();
    m_storage.reset();
    m_liveCount.reset();
    m_storageReadOnly = false;
    m_listening = false;
    m_lastStorageError.clear();
    m_pollError.clear();
    m_awayErrors.clear();
    m_storageMark = {};
    m_knownLive = 0;
}

void DatasetWorker::setPollInterval(int ms)
{
    m_pollInterval = ms;
    if (m_poll && m_poll->isActive())
        m_poll->start(ms);
}

void DatasetWorker::updateTotals()
{
    if (m_storage) {
        storageTotals();
        return;
    }
    if (!m_store)
        return;
    Filter trash;
    trash.scope = Filter::Scope::Deleted;
    m_knownLive = m_store->count({});
    emit totalsChanged(m_knownLive, m_store->count(trash));
}

void DatasetWorker::count(const std::shared_ptr<LoadState> &state, quint64 client, quint64 generation,
                          const Filter &filter)
{
    if (m_storage && !(state && state->generation.load() != generation)) {
        storageCount(client, generation, filter);
        return;
    }
    if (!m_store || (state && state->generation.load() != generation))
        return; // the model has moved on and ignores this count anyway
    const auto known = m_shortFirstPages.constFind(client);
    if (known != m_shortFirstPages.cend() && known->generation == generation) {
        emit counted(client, generation, known->rows);
        return;
    }
    const qint64 n = m_store->count(filter);
    const bool damaged = reportDamage();
    if (n < 0 && !damaged)
        emit failed(tr("Cannot count the pairs: %1").arg(m_store->errorString()));
    emit counted(client, generation, std::max<qint64>(0, n));
}

void DatasetWorker::fetchPage(const PageRequest &r)
{
    const bool stale = r.state->generation.load() != r.generation;
    const bool far = r.keepRadius > 0 && std::abs(r.page - r.state->focusPage.load()) > r.keepRadius;
    if (m_storage && !stale && !far) {
        storagePage(r);
        return;
    }
    if (!m_store || stale || far) {
        emit pageDropped(r.client, r.generation, r.page);
        return;
    }
    const qint64 offset = r.page * r.pageSize;
    const auto list = m_idLists.constFind(r.client);
    const bool haveIds = list != m_idLists.cend() && list->generation == r.generation;
    if (!haveIds && offset < m_directOffsetLimit) {
        const QList<Pair> rows = m_store->page(r.filter, r.sort, r.pageSize, offset);
        const bool damaged = reportDamage();
        if (offset == 0 && rows.size() < r.pageSize && m_store->errorString().isEmpty() && !damaged)
            m_shortFirstPages.insert(r.client, {r.generation, rows.size()});
        emit pageLoaded(r.client, r.generation, r.page, rows);
        return;
    }
    const QList<Pair> rows = pageByIds(r);
    reportDamage();
    emit pageLoaded(r.client, r.generation, r.page, rows);
}

bool DatasetWorker::reportDamage()
{
    // A damaged page ends a read as if the pairs had run out: the table would quietly show part of
    // them. Said once per dataset, in the damage sentence (where, and to restore from a backup).
    if (!m_dataset || !m_dataset->damageReported())
        return false;
    if (!m_damageReported) {
        m_damageReported = true;
        emit failed(m_dataset->damageMessage(), m_dataset->damageDetails());
    }
    return true;
}

QList<Pair> DatasetWorker::pageByIds(const PageRequest &r)
{
    IdList &list = m_idLists[r.client];
    if (list.generation != r.generation || list.ids.isEmpty()) {
        list.generation = r.generation;
        list.ids = m_store->rowIds(r.filter, r.sort);
    }
    const qint64 offset = r.page * r.pageSize;
    if (offset >= list.ids.size())
        return {};
    // The ids are already filtered: looking them up by id alone lets SQLite go straight to them.
    const Filter byId = rowIdFilter(list.ids.mid(offset, r.pageSize), Filter::Scope::All);
    QList<Pair> rows = m_store->page(byId, r.sort, r.pageSize, 0);
    if (r.filter.scope != Filter::Scope::All) {
        const bool wantDeleted = r.filter.scope == Filter::Scope::Deleted;
        rows.removeIf([wantDeleted](const Pair &p) { return p.deleted != wantDeleted; });
    }
    return rows;
}

void DatasetWorker::loadChoices()
{
    if (m_storage) {
        storageChoices();
        return;
    }
    if (!m_store)
        return;
    FilterChoices c;
    c.queryTypes = m_store->distinctValues(u"query_type"_s);
    c.databaseTypes = m_store->distinctValues(u"database_type"_s);
    c.databaseNames = m_store->distinctValues(u"database_name"_s);
    emit choicesLoaded(c);
}

void DatasetWorker::findNext(quint64 client, const Filter &filter, const PairStore::Sort &sort,
                             qint64 fromRow)
{
    if (!m_store && !m_storage)
        return;
    // One chunk of the view from `offset`, from the file or through the seam; nullopt when the
    // store failed (then said so).
    const auto chunk = [&](qint64 offset) -> std::optional<QList<Pair>> {
        if (!m_storage)
            return m_store->page(filter, sort, kFindChunk, offset);
        QList<Pair> rows;
        QString error;
        if (!m_storage->page(filter, sort, kFindChunk, offset, &rows, &error)) {
            storageFailed(error);
            return std::nullopt;
        }
        return rows;
    };
    for (qint64 offset = fromRow; offset < fromRow + kFindLimit; offset += kFindChunk) {
        const std::optional<QList<Pair>> rows = chunk(offset);
        if (!rows)
            break;
        for (qsizetype i = 0; i < rows->size(); ++i) {
            if (rows->at(i).reviewStatus == ReviewStatus::Unreviewed) {
                emit nextFound(client, offset + i);
                return;
            }
        }
        if (rows->size() < kFindChunk)
            break;
    }
    emit nextFound(client, -1);
}

void DatasetWorker::locate(const QString &pairId, const Filter &filter, const PairStore::Sort &sort)
{
    if (m_storage) {
        storageLocate(pairId, filter, sort);
        return;
    }
    if (!m_store)
        return;
    const std::optional<Pair> pair = m_store->getByPairId(pairId);
    if (!pair || pair->deleted) {
        emit pairLocated(pairId, -1, pair.has_value(), pair.has_value());
        return;
    }
    // The row ids of the view in its order (one indexed read, as deep pages do): where the pair is.
    const qint64 row = m_store->rowIds(filter, sort).indexOf(pair->rowId);
    emit pairLocated(pairId, row, true, false);
}

QList<qint64> DatasetWorker::resolve(const Selection &s)
{
    if (s.wholeFilter)
        return m_store->rowIds(s.filter, s.sort);
    QList<qint64> ids = s.rowIds;
    for (const auto &range : s.ranges)
        ids += m_store->rowIds(s.filter, s.sort, int(range.second), range.first);
    return ids;
}

WriteResult DatasetWorker::runWrite(const WriteRequest &r)
{
    WriteResult result;
    result.kind = r.kind;
    const Filter::Scope scope = r.selection.filter.scope;
    switch (r.kind) {
    case WriteKind::Delete:
    case WriteKind::Redelete: {
        result.rowIds = r.kind == WriteKind::Delete ? resolve(r.selection) : r.selection.rowIds;
        if (const auto d = m_store->softDelete(rowIdFilter(result.rowIds))) {
            result.ok = true;
            result.count = d->count;
            result.batch = d->batch;
        }
        break;
    }
    case WriteKind::RestoreBatch:
        if (const auto n = m_store->restoreBatch(r.batch)) {
            result.ok = true;
            result.count = *n;
        }
        break;
    case WriteKind::Restore: {
        // The restored pairs by row id, so that undo can move the same ones to the trash again.
        Filter trashed = r.selection.wholeFilter ? r.selection.filter : rowIdFilter(resolve(r.selection));
        trashed.scope = Filter::Scope::Deleted;
        result.rowIds = m_store->rowIds(trashed, {PairStore::SortColumn::Id, Qt::AscendingOrder});
        if (const auto n = m_store->restore(rowIdFilter(result.rowIds, Filter::Scope::Deleted))) {
            result.ok = true;
            result.count = *n;
        }
        break;
    }
    case WriteKind::Purge: {
        const Filter f =
            r.selection.wholeFilter ? r.selection.filter : rowIdFilter(resolve(r.selection), scope);
        if (const auto n = m_store->purge(f)) {
            result.ok = true;
            result.count = *n;
        }
        break;
    }
    case WriteKind::Review: {
        result.rowIds = resolve(r.selection);
        // Each pair's own status before, for undo: read just before the write (a pair another
        // program reviews in between is restored to what this read saw).
        Filter before = rowIdFilter(result.rowIds, scope);
        for (const ReviewStatus s :
             {ReviewStatus::Unreviewed, ReviewStatus::Approved, ReviewStatus::Rejected}) {
            before.reviewStatuses = {int(s)};
            result.previousByStatus << m_store->rowIds(before,
                                                       {PairStore::SortColumn::Id, Qt::AscendingOrder});
        }
        if (!m_store->errorString().isEmpty())
            break;
        result.ok = m_store->setReviewStatus(rowIdFilter(result.rowIds, scope), r.status, &result.count);
        break;
    }
    case WriteKind::ReviewRestore:
        result.ok = true;
        for (qsizetype s = 0; s < r.byStatus.size() && result.ok; ++s) {
            if (r.byStatus.at(s).isEmpty())
                continue;
            qint64 n = 0;
            // Scope All: a pair trashed since still gets back the status it had.
            result.ok = m_store->setReviewStatus(rowIdFilter(r.byStatus.at(s), Filter::Scope::All),
                                                 ReviewStatus(s), &n);
            result.count += n;
        }
        break;
    case WriteKind::Note:
    case WriteKind::Edit: {
        const std::optional<Pair> old = m_store->get(r.rowId);
        if (!old) {
            result.error = tr("The pair no longer exists.");
            break;
        }
        result.rowIds = {r.rowId};
        result.previousQuestion = old->naturalLanguageQuery;
        result.previousSql = old->sqlQuery;
        result.ok = r.kind == WriteKind::Note ? m_store->setReviewerNote(r.rowId, r.note)
                                              : m_store->updateText(r.rowId, r.question, r.sql);
        result.count = 1;
        break;
    }
    case WriteKind::Add: {
        // Rows up to here are known: the one added now is this window's own, not another program's,
        // unless another program added rows since (those the next poll still counts).
        const bool noneNew = m_store->countLiveAfter(m_knownMaxId) == 0;
        Pair pair = r.pair;
        if (pair.pairId.isEmpty()) // named here, so that undo finds the pair it added
            pair.pairId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const PairStore::AddResult a = m_store->add({pair});
        if (noneNew)
            m_knownMaxId = std::max<qint64>(m_knownMaxId, m_store->maxRowId());
        result.ok = a.error.isEmpty() && a.added == 1;
        result.count = a.added;
        if (a.error.isEmpty() && a.added == 0)
            result.error = tr("A pair with the id %1 exists already.").arg(pair.pairId);
        if (result.ok) {
            if (const std::optional<Pair> added = m_store->getByPairId(pair.pairId))
                result.rowIds = {added->rowId};
        }
        break;
    }
    case WriteKind::PrivacyDecisions: {
        QString error;
        result.count = savePrivacyDecisions(*m_dataset, r.decisions, r.change, &error);
        result.ok = result.count >= 0;
        result.error = error;
        if (result.ok)
            readSettingsBack(&result);
        break;
    }
    case WriteKind::PrivacySettings: {
        QString error;
        result.count = savePrivacySettings(*m_dataset, r.config, &error);
        result.ok = result.count >= 0;
        result.error = error;
        if (result.ok)
            readSettingsBack(&result);
        break;
    }
    case WriteKind::Refresh:
        break;
    }
    if (!result.ok && result.error.isEmpty())
        result.error = m_store->errorString();
    return result;
}

void DatasetWorker::write(int requestId, const WriteRequest &request)
{
    WriteResult result;
    if (m_storage) {
        result = storageWrite(requestId, request);
        if (request.kind != WriteKind::Note)
            updateTotals();
    } else if (!m_store) {
        result.error = tr("No dataset is open.");
    } else {
        m_store->setWriteProgress([this, requestId](qint64 done, qint64 total) {
            emit writeProgress(requestId, done, total);
            return true;
        });
        result = runWrite(request);
        m_store->setWriteProgress({});
        if (request.kind != WriteKind::Note)
            updateTotals();
    }
    result.requestId = requestId;
    result.kind = request.kind;
    emit writeFinished(result);
}

void DatasetWorker::refresh(int requestId)
{
    if (m_storage) {
        storageRefresh(requestId);
        return;
    }
    WriteResult result;
    result.requestId = requestId;
    result.kind = WriteKind::Refresh;
    if (m_store) {
        QString error;
        if (!m_dataset->isReadOnly() && Deriver::forDataset(*m_dataset).deriveMissing(*m_dataset, &error) < 0)
            result.error = error;
        m_dataVersion = m_dataset->dataVersion();
        const qint64 added = m_store->countLiveAfter(m_knownMaxId);
        m_knownMaxId = std::max<qint64>(m_knownMaxId, m_store->maxRowId());
        updateTotals();
        result.count = std::max<qint64>(0, added);
        result.ok = result.error.isEmpty();
    }
    emit writeFinished(result);
    loadChoices();
}

void DatasetWorker::previewRecord(qint64 rowId, int format)
{
    if (m_storage) {
        storagePreview(rowId, format);
        return;
    }
    if (!m_dataset)
        return;
    exporting::ExportOptions o;
    o.format = exporting::Format(format);
    o.filter.rowIds = {rowId};
    o.filter.restrictToRowIds = true;
    // Shown for any pair: the pane says apart when the review or a failure keeps it out of exports.
    o.review = exporting::ReviewScope::IncludeRejected;
    o.includeFailed = true;
    QString error;
    const QList<QByteArray> records = exporting::Exporter(*m_dataset, o).preview(1, &error);
    if (records.isEmpty() && error.isEmpty())
        error = tr("The pair no longer exists.");
    emit recordPreviewed(rowId, format, records.value(0), error);
}

void DatasetWorker::poll()
{
    if (m_storage) {
        storagePoll();
        return;
    }
    if (!m_dataset)
        return;
    const qint64 version = m_dataset->dataVersion();
    if (version == m_dataVersion)
        return;
    if (!m_dataset->isReadOnly()) {
        // Pairs written by recorders get their statement type, tables and PII kinds now, so that
        // filters and searches find them (deriving is cheap when nothing is missing).
        QString error;
        if (Deriver::forDataset(*m_dataset).deriveMissing(*m_dataset, &error) < 0)
            emit failed(tr("Some pairs could not be analysed: %1").arg(error));
    }
    m_dataVersion = m_dataset->dataVersion();
    checkSettings();
    // New pairs are counted by row id since the last refresh, so rows added before the first totals
    // were read (or while other pairs were deleted) are never absorbed into the known count.
    const qint64 added = m_store->countLiveAfter(m_knownMaxId);
    const qint64 live = m_store->count({});
    if (added > 0 || live != m_knownLive)
        emit externalChange(std::max<qint64>(0, added), live);
}

} // namespace pairlens::ui
