#include "storage/sqlitestorage.h"

#include "dataset/pairinsert.h"
#include "dataset/reviewnotes.h"
#include "dataset/writetx.h"
#include "stats/duplicates.h"
#include "stats/statistics.h"
#include "storage/pgstorage.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pairlens {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SqliteStorage", text);
}

// A forward read in row id order through PairStore's keyset pages (the order an export reads).
class SqliteRowCursor final : public RowCursor
{
public:
    SqliteRowCursor(PairStore &store, const Filter &filter) : m_store(store), m_filter(filter) {}

    int fetch(int max, const std::function<void(const StoredRow &)> &row) override
    {
        if (m_done || max <= 0)
            return 0;
        const PairStore::Sort sort{PairStore::SortColumn::Id, Qt::AscendingOrder};
        const QList<Pair> pairs = m_started ? m_store.pageAfter(m_filter, sort, m_after, max)
                                            : m_store.page(m_filter, sort, max, 0);
        m_started = true;
        if (!m_store.errorString().isEmpty() && pairs.isEmpty())
            m_error = m_store.errorString();
        if (pairs.size() < max)
            m_done = true;
        for (const Pair &p : pairs) {
            const QByteArray text[9] = {
                p.pairId.toUtf8(),
                p.naturalLanguageQuery.toUtf8(),
                p.sqlQuery.toUtf8(),
                p.timestamp.toUtf8(),
                p.databaseType.toUtf8(),
                p.databaseName.toUtf8(),
                QJsonDocument(p.metadata).toJson(QJsonDocument::Compact),
                p.queryType.toUtf8(),
                QJsonDocument(QJsonArray::fromStringList(p.tableNames)).toJson(QJsonDocument::Compact),
            };
            StoredRow r;
            for (int i = 0; i < 9; ++i)
                r.text[i] = QByteArrayView(text[i]);
            r.success = p.success;
            r.executionTimeMs = p.executionTimeMs;
            r.rowId = p.rowId;
            row(r);
        }
        if (!pairs.isEmpty())
            m_after = m_store.keyOf(pairs.last(), PairStore::SortColumn::Id);
        return int(pairs.size());
    }
    QString errorString() const override { return m_error; }

private:
    PairStore &m_store;
    Filter m_filter;
    PairStore::PageKey m_after;
    bool m_started = false;
    bool m_done = false;
    QString m_error;
};

} // namespace

std::unique_ptr<SqliteStorage> SqliteStorage::open(const QString &path, Dataset::Mode mode, QString *error)
{
    auto ds = Dataset::open(path, mode, error);
    if (!ds)
        return nullptr;
    return std::make_unique<SqliteStorage>(std::move(ds));
}

SqliteStorage::SqliteStorage(std::unique_ptr<Dataset> dataset)
    : m_dataset(std::move(dataset)), m_store(*m_dataset)
{}

QString SqliteStorage::location() const
{
    return m_dataset->location();
}

int SqliteStorage::formatVersion() const
{
    return m_dataset->formatVersion();
}

bool SqliteStorage::canWrite(QString *why)
{
    if (!m_dataset->isReadOnly())
        return true;
    if (why)
        *why = m_dataset->readOnlyReason().isEmpty() ? tr("The dataset is read-only.")
                                                     : m_dataset->readOnlyReason();
    return false;
}

QString SqliteStorage::writeFailure() const
{
    if (m_dataset->isReadOnly())
        return m_dataset->readOnlyReason().isEmpty() ? tr("The dataset is read-only.")
                                                     : m_dataset->readOnlyReason();
    // The file's own sentence: which dataset, and a damaged file or a full disk said as such.
    return m_dataset->failureMessage(Dataset::Access::Write, m_store.errorString());
}

qint64 SqliteStorage::count(QString *error)
{
    // Every row, analysed or not (as PgStorage counts a recorder's rows).
    QSqlQuery q(m_dataset->db());
    if (!q.exec(u"SELECT count(*) FROM pairs"_s) || !q.next()) {
        *error = tr("Cannot count the pairs: %1").arg(q.lastError().text());
        return -1;
    }
    return q.value(0).toLongLong();
}

qint64 SqliteStorage::addBatch(const QList<Pair> &pairs, const QList<DerivedFields> &derived, QString *error,
                               qint64 *taken)
{
    if (!canWrite(error))
        return -1;
    // A taken pair_id: stored with another question or SQL (the stored pair is kept).
    qint64 takenCount = 0;
    if (taken) {
        for (const Pair &p : pairs) {
            if (const auto stored = m_store.getByPairId(p.pairId))
                takenCount +=
                    stored->naturalLanguageQuery != p.naturalLanguageQuery || stored->sqlQuery != p.sqlQuery;
        }
    }
    const PairStore::AddResult r = derived.isEmpty()
                                       ? m_store.add(pairs, PairStore::AddMode::OneTransaction)
                                       : m_store.add(pairs, derived, PairStore::AddMode::OneTransaction);
    if (!r.error.isEmpty()) {
        *error = r.error;
        return -1;
    }
    if (taken)
        *taken = takenCount;
    return r.added;
}

qint64 SqliteStorage::maxRowId(QString *error)
{
    Q_UNUSED(error);
    return m_store.maxRowId();
}

bool SqliteStorage::findPairIds(const QStringList &ids, const ImportTarget::Found &found, QString *error)
{
    return pairlens::findPairIds(sqliteHandle(m_dataset->db()), ids, found, error);
}

bool SqliteStorage::isOwnFile(const QString &path) const
{
    return m_dataset->isOwnFile(path);
}

qint64 SqliteStorage::deriveMissing(const Deriver &deriver, QString *error)
{
    return deriver.deriveMissing(*m_dataset, error);
}

qint64 SqliteStorage::count(const Filter &filter, QString *error)
{
    const qint64 n = m_store.count(filter);
    if (n < 0)
        *error = m_dataset->failureMessage(Dataset::Access::Read, m_store.errorString());
    return n;
}

bool SqliteStorage::page(const Filter &filter, int limit, qint64 offset, QList<Pair> *out, QString *error)
{
    return page(filter, PairStore::Sort(), limit, offset, out, error);
}

bool SqliteStorage::page(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                         QList<Pair> *out, QString *error)
{
    *out = m_store.page(filter, sort, limit, offset);
    // A damaged page ends a read as if the pairs had run out: SQLite's report of the damage, not
    // the number of pairs read, tells the two apart.
    if ((out->isEmpty() && !m_store.errorString().isEmpty()) || m_dataset->damageReported()) {
        *error = m_dataset->failureMessage(Dataset::Access::Read, m_store.errorString());
        return false;
    }
    return true;
}

bool SqliteStorage::rowIds(const Filter &filter, const PairStore::Sort &sort, int limit, qint64 offset,
                           QList<qint64> *out, QString *error)
{
    *out = m_store.rowIds(filter, sort, limit, offset);
    if (out->isEmpty() && !m_store.errorString().isEmpty()) {
        *error = m_store.errorString();
        return false;
    }
    return true;
}

bool SqliteStorage::distinctValues(const QString &column, QStringList *out, QString *error)
{
    if (column != "query_type"_L1 && column != "database_type"_L1 && column != "database_name"_L1) {
        *error = tr("There are no choices for the column %1.").arg(column);
        return false;
    }
    *out = m_store.distinctValues(column);
    return true;
}

std::optional<Pair> SqliteStorage::get(qint64 rowId, QString *error)
{
    auto p = m_store.get(rowId);
    if (!p && error)
        error->clear();
    return p;
}

bool SqliteStorage::statistics(const Filter &filter, Statistics *out, QString *error)
{
    return statisticsRead(computeStatistics(*m_dataset, filter, out, error), error);
}

bool SqliteStorage::countDuplicates(const Filter &filter, Statistics *out, QString *error)
{
    return statisticsRead(addDuplicates(*m_dataset, filter, out, error), error);
}

bool SqliteStorage::statisticsRead(bool computed, QString *error) const
{
    if (computed && !m_dataset->damageReported())
        return true;
    *error = m_dataset->damageReported() || Dataset::isDamageError(*error) || Dataset::isDiskFullError(*error)
                 ? m_dataset->failureMessage(Dataset::Access::Read, *error)
                 : tr("Cannot compute statistics of %1: %2").arg(m_dataset->location(), *error);
    return false;
}

std::unique_ptr<RowCursor> SqliteStorage::readRows(const Filter &filter, QString *error)
{
    Q_UNUSED(error);
    return std::make_unique<SqliteRowCursor>(m_store, filter);
}

void SqliteStorage::setWriteProgress(std::function<bool(qint64 done, qint64 total)> progress)
{
    m_store.setWriteProgress(std::move(progress));
}

std::optional<Storage::DeleteResult> SqliteStorage::softDelete(const Filter &filter, QString *error)
{
    if (!canWrite(error))
        return std::nullopt;
    const auto r = m_store.softDelete(filter);
    if (!r) {
        *error = writeFailure();
        return std::nullopt;
    }
    return DeleteResult{r->count, r->batch};
}

qint64 SqliteStorage::restoreBatch(qint64 batch, QString *error)
{
    if (!canWrite(error))
        return -1;
    const auto n = m_store.restoreBatch(batch);
    if (!n)
        *error = writeFailure();
    return n.value_or(-1);
}

qint64 SqliteStorage::restore(const Filter &filter, QString *error)
{
    if (!canWrite(error))
        return -1;
    const auto n = m_store.restore(filter);
    if (!n)
        *error = writeFailure();
    return n.value_or(-1);
}

qint64 SqliteStorage::purge(const Filter &filter, QString *error)
{
    if (!canWrite(error))
        return -1;
    const auto n = m_store.purge(filter);
    if (!n)
        *error = writeFailure();
    return n.value_or(-1);
}

qint64 SqliteStorage::setReviewStatus(const Filter &filter, ReviewStatus status, QString *error)
{
    if (!canWrite(error))
        return -1;
    qint64 changed = 0;
    if (!m_store.setReviewStatus(filter, status, &changed)) {
        *error = writeFailure();
        return -1;
    }
    // The pairs that matched (all have the status now). Not a count after the change: a filter on
    // the review status itself (`--status approved --set unreviewed`) matches none of them then.
    return changed;
}

qint64 SqliteStorage::setReviewerNote(const Filter &filter, const QString &note, QString *error)
{
    if (!canWrite(error))
        return -1;
    // The file's own path for notes (`pairlens review --note`): chunked BEGIN IMMEDIATE writes and
    // one "note" entry in the audit log.
    const std::optional<qint64> n = setReviewerNotes(*m_dataset, filter, note, error);
    if (!n)
        *error = m_dataset->failureMessage(Dataset::Access::Write, *error);
    return n.value_or(-1);
}

bool SqliteStorage::auditLog(int limit, QList<AuditEntry> *out, QString *error)
{
    out->clear();
    QSqlQuery q(m_dataset->db());
    q.prepare(u"SELECT id, at, action, pair_count, detail FROM audit_log ORDER BY id DESC LIMIT ?"_s);
    q.addBindValue(limit);
    if (!q.exec()) {
        *error = tr("Cannot read the audit log: %1").arg(q.lastError().text());
        return false;
    }
    while (q.next()) {
        AuditEntry e;
        e.id = q.value(0).toLongLong();
        e.at = q.value(1).toString();
        e.action = q.value(2).toString();
        e.pairCount = q.value(3).toLongLong();
        e.detail = QJsonDocument::fromJson(q.value(4).toByteArray()).object();
        out->append(e);
    }
    return true;
}

bool SqliteStorage::audit(const QString &action, qint64 pairCount, const QJsonObject &detail, QString *error)
{
    if (!canWrite(error))
        return false;
    if (!m_store.audit(action, pairCount, detail)) {
        *error = writeFailure();
        return false;
    }
    return true;
}

bool SqliteStorage::pageAfter(const Filter &filter, const PageMark &after, int limit, QList<Pair> *out,
                              PageMark *last, QString *error)
{
    // The default order (newest first) through PairStore's keyset pages, as the HTTP API's cursor on
    // a file continues.
    const PairStore::Sort sort;
    *last = PageMark();
    if (after.valid) {
        PairStore::PageKey key;
        key.values = {after.ts.isNull() ? QVariant() : QVariant(after.ts)};
        key.rowId = after.rowId;
        *out = m_store.pageAfter(filter, sort, key, limit);
    } else {
        *out = m_store.page(filter, sort, limit, 0);
    }
    if (out->isEmpty()) {
        if (!m_store.errorString().isEmpty()) {
            *error = m_store.errorString();
            return false;
        }
        return true;
    }
    const PairStore::PageKey key = m_store.keyOf(out->last(), sort.column);
    last->valid = true;
    const QVariant ts = key.values.value(0);
    last->ts = ts.isNull() ? QString() : ts.toString();
    last->rowId = key.rowId;
    return true;
}

bool SqliteStorage::updateText(qint64 rowId, const QString &question, const QString &sql,
                               const DerivedFields &derived, QString *error)
{
    // PairStore derives the fields itself with the file's own analysis (the same Deriver::derive).
    Q_UNUSED(derived);
    if (!canWrite(error))
        return false;
    if (!m_store.updateText(rowId, question, sql)) {
        *error = writeFailure();
        return false;
    }
    return true;
}

bool SqliteStorage::updateSettings(const QHash<QString, QString> &values, const QString &action,
                                   const QJsonObject &detail, QString *error)
{
    if (!canWrite(error))
        return false;
    // The keys and the audit entry in one BEGIN IMMEDIATE transaction, as savePrivacySettings()
    // writes a file's.
    WriteTransaction tx(m_dataset->db());
    if (!tx.begin(error))
        return false;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (!m_dataset->setSetting(it.key(), it.value())) {
            *error = m_dataset->errorString();
            return false;
        }
    }
    if (!m_store.audit(action, 0, detail)) {
        *error = writeFailure();
        return false;
    }
    return tx.commit(error);
}

qint64 SqliteStorage::rescanPii(const Deriver &deriver, const RescanProgress &progress, QString *error)
{
    if (!canWrite(error))
        return -1;
    // Deriver::rescanPii removes the owed rescan's setting when it completes.
    return deriver.rescanPii(*m_dataset, error, progress);
}

bool SqliteStorage::readSettings(QHash<QString, QString> *out, QString *error)
{
    return m_dataset->readSettings(out, error);
}

bool SqliteStorage::updateSetting(const QString &key, const SettingChange &change, QString *error)
{
    if (!canWrite(error))
        return false;
    // One BEGIN IMMEDIATE transaction: the read and the write of the setting are not interleaved
    // with another writer's.
    WriteTransaction tx(m_dataset->db());
    if (!tx.begin(error))
        return false;
    const std::optional<QString> value = change(m_dataset->setting(key), error);
    if (!value)
        return false;
    if (!m_dataset->setSetting(key, *value)) {
        *error = m_dataset->errorString();
        return false;
    }
    return tx.commit(error);
}

QByteArray SqliteStorage::secret() const
{
    return m_dataset->secret();
}

bool SqliteStorage::listenForChanges(QString *error)
{
    Q_UNUSED(error);
    m_listening = true;
    m_dataVersion = m_dataset->dataVersion();
    return true;
}

int SqliteStorage::takeChanges(QString *error)
{
    Q_UNUSED(error);
    if (!m_listening)
        return 0;
    // PRAGMA data_version changes for another connection's commits only.
    const qint64 v = m_dataset->dataVersion();
    const int n = v != m_dataVersion ? 1 : 0;
    m_dataVersion = v;
    return n;
}

std::unique_ptr<Storage> openStorageAt(const QString &location, Dataset::Mode mode, QString *error)
{
    if (isPostgresLocation(location))
        return PgStorage::open(location, error);
    return SqliteStorage::open(location, mode, error);
}

} // namespace pairlens
