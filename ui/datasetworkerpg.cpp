// DatasetWorker on a PostgreSQL dataset (issue 18): the same answers as for a dataset file, through
// the storage seam (storage/storage.h) on the worker's own connection.
#include "datasetworker.h"

#include "export/exporter.h"
#include "storage/pgstorage.h"
#include "storage/storageprivacy.h"

#include <QTimer>
#include <QUuid>

#include <utility>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

// How many of the newest live pairs a poll looks at to count the ones another program added.
constexpr int kNewPairsLooked = 10000;

Filter idFilter(const QList<qint64> &ids, Filter::Scope scope = Filter::Scope::Live)
{
    Filter f;
    f.rowIds = ids;
    f.restrictToRowIds = true;
    f.scope = scope;
    return f;
}

const PairStore::Sort kById{PairStore::SortColumn::Id, Qt::AscendingOrder};
const PairStore::Sort kNewestId{PairStore::SortColumn::Id, Qt::DescendingOrder};

} // namespace

void DatasetWorker::openStorage(const QString &location, Dataset::Mode mode)
{
    OpenInfo info;
    info.location = location;
    info.postgres = true;
    QString error;
    std::unique_ptr<PgStorage> pg = PgStorage::open(location, &error, mode != Dataset::Mode::ReadOnly);
    if (!pg) {
        info.error = error;
        emit opened(info);
        return;
    }
    info.location = pg->location(); // without a password
    // The preview anonymizes with the settings as read, never with defaults taken for them.
    if (QString unreadable; !pg->readSettings(&info.settings, &unreadable)) {
        info.error = tr("Cannot read the settings of %1: %2").arg(info.location, unreadable);
        emit opened(info);
        return;
    }
    QString why;
    if (mode == Dataset::Mode::ReadOnly) {
        m_storageReadOnly = true;
    } else if (!pg->canWrite(&why)) {
        m_storageReadOnly = true;
        info.readOnlyReason = why;
    }
    if (!m_storageReadOnly) {
        const Deriver deriver = storageDeriver(*pg);
        if (pg->deriveMissing(deriver, &error) < 0)
            emit failed(tr("Some pairs could not be analysed: %1").arg(error));
        // A rescan of the PII kinds cut short (the window closed, the connection lost) is finished
        // now, as a writable open of a dataset file finishes it.
        if (info.settings.contains(Deriver::kRescanPendingKey) && pg->rescanPii(deriver, {}, &error) < 0)
            emit failed(tr("Some pairs could not be analysed: %1").arg(error));
    }
    // Changes announced by the server (LISTEN/NOTIFY) make the poll a local check while nothing
    // changes; without them (an old schema on a read-only role) the poll compares marks each time.
    QString notListening;
    m_listening = pg->listenForChanges(&notListening);
    info.readOnly = m_storageReadOnly;
    info.secret = pg->secret();
    m_privacySettings = privacySettingsFingerprint(info.settings);
    m_liveCount.reset();
    m_storage = std::move(pg);
    storageMark(&m_storageMark, &error);
    m_knownMaxId = m_storageMark.maxId;
    emit opened(info);
    QTimer::singleShot(400, this, [this] { read([this] { updateTotals(); }); });
    if (!m_poll) {
        m_poll = new QTimer(this);
        connect(m_poll, &QTimer::timeout, this, &DatasetWorker::poll);
    }
    m_poll->start(m_pollInterval);
}

void DatasetWorker::storageFailed(const QString &error)
{
    if (m_reads && m_reads->interrupted())
        return; // the window closed the dataset and stopped the read
    // While the server is away, what it made the reads say comes down with the poll's sentence.
    if (!m_pollError.isEmpty() && !m_awayErrors.contains(error) && m_awayErrors.size() < 64)
        m_awayErrors << error;
    if (error == m_lastStorageError)
        return;
    m_lastStorageError = error;
    emit failed(error);
}

void DatasetWorker::read(const std::function<void()> &job, std::function<bool()> stale)
{
    if (!m_reads) {
        job();
        return;
    }
    m_reads->begin(m_storage ? m_storage->statementCanceller() : std::function<void()>(), std::move(stale));
    job();
    m_reads->end();
}

void DatasetWorker::storageTotals()
{
    QString error;
    Filter trash;
    trash.scope = Filter::Scope::Deleted;
    StorageMark now;
    const bool marked = storageMark(&now, &error);
    const qint64 live = marked && m_liveCount && m_liveCount->first == now
                            ? m_liveCount->second
                            : m_storage->count(Filter(), &error);
    const qint64 trashed = live < 0 ? -1 : m_storage->count(trash, &error);
    if (trashed < 0) {
        storageFailed(error);
        return;
    }
    m_knownLive = live;
    emit totalsChanged(live, trashed);
}

void DatasetWorker::storageCount(quint64 client, quint64 generation, const Filter &filter)
{
    const auto known = m_shortFirstPages.constFind(client);
    if (known != m_shortFirstPages.cend() && known->generation == generation) {
        emit counted(client, generation, known->rows);
        return;
    }
    QString error;
    StorageMark before;
    const bool unfiltered = filter.isEmpty() && filter.scope == Filter::Scope::Live;
    const bool marked = unfiltered && storageMark(&before, &error);
    const qint64 n = m_storage->count(filter, &error);
    if (marked && n >= 0)
        m_liveCount = {before, n};
    if (n < 0)
        storageFailed(error);
    else
        m_lastStorageError.clear();
    emit counted(client, generation, std::max<qint64>(0, n));
}

void DatasetWorker::storagePage(const PageRequest &r)
{
    const qint64 offset = r.page * r.pageSize;
    QString error;
    QList<Pair> rows;
    const auto list = m_idLists.constFind(r.client);
    const bool haveIds = list != m_idLists.cend() && list->generation == r.generation;
    if (!haveIds && offset < m_directOffsetLimit) {
        if (!m_storage->page(r.filter, r.sort, r.pageSize, offset, &rows, &error)) {
            storageFailed(error);
        } else if (offset == 0 && rows.size() < r.pageSize) {
            m_shortFirstPages.insert(r.client, {r.generation, rows.size()});
        }
        emit pageLoaded(r.client, r.generation, r.page, rows);
        return;
    }
    // Deep pages, as for a file: the view's row ids once, then each page by its ids.
    IdList &ids = m_idLists[r.client];
    if (ids.generation != r.generation || ids.ids.isEmpty()) {
        ids.generation = r.generation;
        if (!m_storage->rowIds(r.filter, r.sort, -1, 0, &ids.ids, &error))
            storageFailed(error);
    }
    if (offset < ids.ids.size() && !m_storage->page(idFilter(ids.ids.mid(offset, r.pageSize), r.filter.scope),
                                                    r.sort, r.pageSize, 0, &rows, &error))
        storageFailed(error);
    emit pageLoaded(r.client, r.generation, r.page, rows);
}

void DatasetWorker::storageChoices()
{
    QList<QStringList> values;
    QString error;
    if (!m_storage->distinctValuesOf({u"query_type"_s, u"database_type"_s, u"database_name"_s}, &values,
                                     &error)) {
        storageFailed(error);
        return;
    }
    FilterChoices c;
    c.queryTypes = values.value(0);
    c.databaseTypes = values.value(1);
    c.databaseNames = values.value(2);
    emit choicesLoaded(c);
}

void DatasetWorker::storageLocate(const QString &pairId, const Filter &filter, const PairStore::Sort &sort)
{
    Filter byPairId;
    byPairId.scope = Filter::Scope::All;
    byPairId.pairIds = {pairId};
    QList<Pair> found;
    QString error;
    if (!m_storage->page(byPairId, kById, 1, 0, &found, &error))
        storageFailed(error);
    if (found.isEmpty() || found.first().deleted) {
        emit pairLocated(pairId, -1, !found.isEmpty(), !found.isEmpty());
        return;
    }
    QList<qint64> ids;
    if (!m_storage->rowIds(filter, sort, -1, 0, &ids, &error))
        storageFailed(error);
    emit pairLocated(pairId, ids.indexOf(found.first().rowId), true, false);
}

QList<qint64> DatasetWorker::storageResolve(const Selection &s, QString *error)
{
    QList<qint64> ids;
    if (s.wholeFilter) {
        m_storage->rowIds(s.filter, s.sort, -1, 0, &ids, error);
        return ids;
    }
    ids = s.rowIds;
    for (const auto &range : s.ranges) {
        QList<qint64> part;
        if (!m_storage->rowIds(s.filter, s.sort, int(range.second), range.first, &part, error))
            return {};
        ids += part;
    }
    return ids;
}

WriteResult DatasetWorker::storageWrite(int requestId, const WriteRequest &r)
{
    WriteResult result;
    result.kind = r.kind;
    QString &error = result.error;
    const Filter::Scope scope = r.selection.filter.scope;
    Storage &s = *m_storage;
    bool addedOwn = false; // a pair added while no other program added any
    switch (r.kind) {
    case WriteKind::Delete:
    case WriteKind::Redelete: {
        result.rowIds =
            r.kind == WriteKind::Delete ? storageResolve(r.selection, &error) : r.selection.rowIds;
        if (!error.isEmpty())
            break;
        if (const auto d = s.softDelete(idFilter(result.rowIds), &error)) {
            result.ok = true;
            result.count = d->count;
            result.batch = d->batch;
        }
        break;
    }
    case WriteKind::RestoreBatch:
        result.count = s.restoreBatch(r.batch, &error);
        result.ok = result.count >= 0;
        break;
    case WriteKind::Restore: {
        Filter trashed =
            r.selection.wholeFilter ? r.selection.filter : idFilter(storageResolve(r.selection, &error));
        trashed.scope = Filter::Scope::Deleted;
        if (!error.isEmpty() || !s.rowIds(trashed, kById, -1, 0, &result.rowIds, &error))
            break;
        result.count = s.restore(idFilter(result.rowIds, Filter::Scope::Deleted), &error);
        result.ok = result.count >= 0;
        break;
    }
    case WriteKind::Purge: {
        const Filter f = r.selection.wholeFilter ? r.selection.filter
                                                 : idFilter(storageResolve(r.selection, &error), scope);
        if (!error.isEmpty())
            break;
        result.count = s.purge(f, &error);
        result.ok = result.count >= 0;
        break;
    }
    case WriteKind::Review: {
        result.rowIds = storageResolve(r.selection, &error);
        Filter before = idFilter(result.rowIds, scope);
        for (const ReviewStatus status :
             {ReviewStatus::Unreviewed, ReviewStatus::Approved, ReviewStatus::Rejected}) {
            before.reviewStatuses = {int(status)};
            QList<qint64> ids;
            if (error.isEmpty())
                s.rowIds(before, kById, -1, 0, &ids, &error);
            result.previousByStatus << ids;
        }
        if (!error.isEmpty())
            break;
        result.count = s.setReviewStatus(idFilter(result.rowIds, scope), r.status, &error);
        result.ok = result.count >= 0;
        break;
    }
    case WriteKind::ReviewRestore:
        result.ok = true;
        for (qsizetype i = 0; i < r.byStatus.size() && result.ok; ++i) {
            if (r.byStatus.at(i).isEmpty())
                continue;
            const qint64 n =
                s.setReviewStatus(idFilter(r.byStatus.at(i), Filter::Scope::All), ReviewStatus(i), &error);
            result.ok = n >= 0;
            result.count += std::max<qint64>(0, n);
        }
        break;
    case WriteKind::Note: {
        const std::optional<Pair> old = s.get(r.rowId, &error);
        if (!old) {
            if (error.isEmpty())
                error = tr("The pair no longer exists.");
            break;
        }
        result.rowIds = {r.rowId};
        result.count = s.setReviewerNote(idFilter({r.rowId}, Filter::Scope::All), r.note, &error);
        result.ok = result.count >= 0;
        break;
    }
    case WriteKind::Edit: {
        const std::optional<Pair> old = s.get(r.rowId, &error);
        if (!old) {
            if (error.isEmpty())
                error = tr("The pair no longer exists.");
            break;
        }
        result.rowIds = {r.rowId};
        result.previousQuestion = old->naturalLanguageQuery;
        result.previousSql = old->sqlQuery;
        // Analysed before the write, as a file's edit: only the update waits for the store's lock.
        // With the settings as read, never without them.
        const Deriver deriver = storageDeriver(s);
        if (!deriver.usable(&error))
            break;
        const DerivedFields derived =
            deriver.derive(r.question, r.sql, old->timestamp, old->databaseType, old->pairId, old->metadata);
        result.ok = s.updateText(r.rowId, r.question, r.sql, derived, &error);
        result.count = 1;
        break;
    }
    case WriteKind::Add: {
        // Rows up to the known largest id are known: the one added now is this window's own, not
        // another program's, unless another program added rows since (the next poll counts those).
        StorageMark before;
        const bool noneNew = storageMark(&before, &error) && before.maxId <= m_knownMaxId;
        error.clear();
        Pair pair = r.pair;
        if (pair.pairId.isEmpty()) // named here, so that undo finds the pair it added
            pair.pairId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        // Analysed here, as `pairlens import` does for PostgreSQL, so the pair is in the views at once.
        const Deriver deriver = storageDeriver(s);
        if (!deriver.usable(&error))
            break;
        const DerivedFields derived = deriver.derive(pair.naturalLanguageQuery, pair.sqlQuery, pair.timestamp,
                                                     pair.databaseType, pair.pairId, pair.metadata);
        result.count = s.addBatch({pair}, {derived}, &error);
        result.ok = result.count == 1;
        if (result.count == 0)
            error = tr("A pair with the id %1 exists already.").arg(pair.pairId);
        if (!result.ok)
            break;
        Filter byPairId;
        byPairId.scope = Filter::Scope::All;
        byPairId.pairIds = {pair.pairId};
        QList<Pair> added;
        if (s.page(byPairId, kById, 1, 0, &added, &error) && !added.isEmpty())
            result.rowIds = {added.first().rowId};
        error.clear();
        addedOwn = noneNew;
        break;
    }
    case WriteKind::PrivacyDecisions: {
        // As savePrivacyDecisions() for a file: the decisions, an owed rescan and the audit entry in
        // one transaction, then the rescan of the PII kinds (one cut short is finished by the next open).
        result.count = savePrivacyDecisions(s, r.decisions, r.change, &error, rescanProgress(requestId));
        result.ok = result.count >= 0;
        if (result.ok)
            readSettingsBack(&result);
        break;
    }
    case WriteKind::PrivacySettings: {
        // As savePrivacySettings() for a file: checked, stored with its audit entry, and the PII kinds
        // rescanned when what detection finds changed.
        result.count = savePrivacySettings(s, r.config, &error, rescanProgress(requestId));
        result.ok = result.count >= 0;
        if (result.ok)
            readSettingsBack(&result);
        break;
    }
    case WriteKind::Refresh:
        break;
    }
    if (!result.ok && error.isEmpty())
        error = tr("The change could not be made.");
    // This window's own change is not another program's: the poll compares with the store after it.
    QString ignored;
    storageMark(&m_storageMark, &ignored);
    if (addedOwn)
        m_knownMaxId = std::max(m_knownMaxId, m_storageMark.maxId);
    return result;
}

std::function<bool(qint64, qint64)> DatasetWorker::rescanProgress(int requestId)
{
    return [this, requestId](qint64 done, qint64 total) {
        emit writeProgress(requestId, done, total);
        return true;
    };
}

void DatasetWorker::storageRefresh(int requestId)
{
    WriteResult result;
    result.requestId = requestId;
    result.kind = WriteKind::Refresh;
    QString error;
    if (!m_storageReadOnly && m_storage->deriveMissing(storageDeriver(*m_storage), &error) < 0)
        result.error = error;
    QList<qint64> newest;
    if (m_storage->rowIds(Filter(), kNewestId, kNewPairsLooked, 0, &newest, &error))
        result.count =
            std::count_if(newest.cbegin(), newest.cend(), [this](qint64 id) { return id > m_knownMaxId; });
    else if (result.error.isEmpty())
        result.error = error;
    storageMark(&m_storageMark, &error);
    m_knownMaxId = std::max(m_knownMaxId, m_storageMark.maxId);
    updateTotals();
    result.ok = result.error.isEmpty();
    emit writeFinished(result);
    loadChoices();
}

void DatasetWorker::storagePreview(qint64 rowId, int format)
{
    exporting::ExportOptions o;
    o.format = exporting::Format(format);
    o.filter.rowIds = {rowId};
    o.filter.restrictToRowIds = true;
    o.review = exporting::ReviewScope::IncludeRejected;
    o.includeFailed = true;
    QString error;
    const QList<QByteArray> records = exporting::Exporter(*m_storage, o).preview(1, &error);
    if (records.isEmpty() && error.isEmpty())
        error = tr("The pair no longer exists.");
    emit recordPreviewed(rowId, format, records.value(0), error);
}

bool DatasetWorker::storageMark(StorageMark *mark, QString *error)
{
    // Two index lookups, cheap at any size (a poll never counts the pairs): the largest row id of
    // any row (a recorder's rows are in no view until analysed) and the newest audit entry, which
    // every delete, restore, purge, review and note writes in its transaction.
    Filter all;
    all.scope = Filter::Scope::All;
    QList<qint64> newest;
    QList<Storage::AuditEntry> audit;
    if (!m_storage->rowIds(all, kNewestId, 1, 0, &newest, error) || !m_storage->auditLog(1, &audit, error))
        return false;
    mark->maxId = newest.value(0);
    mark->audit = audit.isEmpty() ? 0 : audit.first().id;
    return true;
}

void DatasetWorker::storagePoll()
{
    QString error;
    // Announced changes (other connections' only): none, nothing to read. Some: the marks say what
    // happened; a change that moves neither (a recorder's own UPDATE) reloads the view. A lost
    // connection announced nothing meanwhile: everything is read again.
    bool unexplained = false;
    if (m_listening) {
        const int changes = m_storage->takeChanges(&error);
        if (changes >= 0 && !m_pollError.isEmpty()) {
            emit reconnected(m_awayErrors);
            m_pollError.clear();
            m_awayErrors.clear();
            m_lastStorageError.clear();
        }
        if (changes == 0)
            return;
        unexplained = true;
        if (changes < 0) {
            m_pollError = error;
            storageFailed(error);
            return; // away: nothing can be read until a poll reconnects
        }
    }
    // Another program's change shows in the row ids or the audit log.
    StorageMark mark;
    if (!storageMark(&mark, &error))
        return;
    if (mark == m_storageMark && !unexplained)
        return;
    const bool newRows = mark.maxId > m_storageMark.maxId;
    const bool curated = mark.audit != m_storageMark.audit || (unexplained && !newRows);
    m_storageMark = mark;
    if (newRows && !m_storageReadOnly) {
        if (m_storage->deriveMissing(storageDeriver(*m_storage), &error) < 0)
            emit failed(tr("Some pairs could not be analysed: %1").arg(error));
    }
    if (curated) {
        // A change of the privacy settings is audited too.
        checkSettings();
        storageTotals();
        emit changedElsewhere();
    }
    if (!newRows)
        return;
    // The new pairs since the last refresh, among the newest live ones.
    QList<qint64> newest;
    if (!m_storage->rowIds(Filter(), kNewestId, kNewPairsLooked, 0, &newest, &error))
        return;
    const qint64 added =
        std::count_if(newest.cbegin(), newest.cend(), [this](qint64 id) { return id > m_knownMaxId; });
    if (added > 0)
        emit externalChange(added, m_knownLive + added);
}

} // namespace pairlens::ui
