// The writes of the pair store: the write transaction, large changes in chunks, adds, review
// status, notes and text edits, and the audit log.

#include "dataset/pairstore.h"
#include "dataset/pairstore_p.h"

#include "dataset/writeops.h"

#include "dataset/dataset.h"
#include "dataset/pairinsert.h"
#include "dataset/schema.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens {

namespace detail {

QString nowIso()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

} // namespace detail

using namespace detail;

namespace {

// Qt binds a null QString as SQL NULL; the dataset's text columns are NOT NULL.
QString text(const QString &s)
{
    return s.isNull() ? QString(u""_s) : s;
}

} // namespace

bool PairStore::beginWrite(WriteTransaction &tx)
{
    m_error.clear();
    if (m_dataset.isReadOnly())
        return fail(
            QCoreApplication::translate("PairStore", "The dataset is read-only; nothing was changed."));
    QString error;
    if (!tx.begin(&error))
        return fail(QCoreApplication::translate("PairStore", "Cannot write to the dataset: %1").arg(error));
    return true;
}

std::optional<QList<qint64>> PairStore::idsAfter(const QString &where, const QVariantList &bindings,
                                                 qint64 afterId, int limit, QString *error)
{
    QSqlQuery q(m_dataset.db());
    q.setForwardOnly(true);
    q.prepare(u"SELECT p.id FROM pairs p WHERE ("_s + where + u") AND p.id > ? ORDER BY p.id LIMIT ?"_s);
    bindAll(q, bindings);
    q.addBindValue(afterId);
    q.addBindValue(limit);
    if (!q.exec()) {
        *error = q.lastError().text();
        return std::nullopt;
    }
    QList<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    if (q.lastError().isValid()) { // a step failed: not the end of the rows
        *error = q.lastError().text();
        return std::nullopt;
    }
    return ids;
}

std::optional<qint64> PairStore::runLarge(writeops::Op &op, const Filter &filter)
{
    const SqlCondition c = buildCondition(filter);
    return runLarge(op, c.where, c.bindings);
}

std::optional<qint64> PairStore::runLarge(writeops::Op &op, const QString &where,
                                          const QVariantList &bindings)
{
    m_error.clear();
    if (m_dataset.isReadOnly()) {
        fail(QCoreApplication::translate("PairStore", "The dataset is read-only; nothing was changed."));
        return std::nullopt;
    }
    QString error;
    const writeops::IdSource source = [this, &where, &bindings](qint64 after, int limit, QString *e) {
        return idsAfter(where, bindings, after, limit, e);
    };
    const std::optional<writeops::Result> r = writeops::run(m_dataset.db(), op, source, &error, m_progress);
    if (!r) {
        fail(QCoreApplication::translate("PairStore", "Cannot write to the dataset: %1").arg(error));
        return std::nullopt;
    }
    if (r->cancelled) {
        fail(QCoreApplication::translate("PairStore", "Cancelled; nothing was changed."));
        return std::nullopt;
    }
    if (!r->applyError.isEmpty()) {
        // Committed, so it will happen, but not finished now: say why (one sentence for a full
        // disk or a damaged file) and when it completes.
        fail(m_dataset.failureMessage(Dataset::Access::Write, r->applyError) + u' ' +
             QCoreApplication::translate("PairStore",
                                         "The change is recorded and is finished when the dataset is next "
                                         "opened for writing."));
        return std::nullopt;
    }
    return r->count;
}

PairStore::AddResult PairStore::add(const QList<Pair> &pairs, AddMode mode)
{
    // With the privacy settings as they are now: this store may be older than a change of them.
    if (QString unreadable; !m_deriver.refresh(&unreadable)) {
        AddResult failed;
        failed.error = unreadable;
        return failed;
    }
    QList<DerivedFields> derived;
    derived.reserve(pairs.size());
    const QString importTime = nowIso();
    for (const Pair &p : pairs)
        derived.append(m_deriver.derive(p.naturalLanguageQuery, p.sqlQuery,
                                        p.timestamp.isEmpty() ? importTime : p.timestamp, p.databaseType,
                                        p.pairId, p.metadata));
    return add(pairs, derived, mode);
}

PairStore::AddResult PairStore::add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
                                    AddMode mode)
{
    Q_ASSERT(pairs.size() == derived.size());
    AddResult result;
    if (mode == AddMode::OneTransaction || m_bulkLoad) {
        qint64 held = 0;
        addRange(pairs, derived, 0, pairs.size(), &result, &held);
        return result;
    }
    // In short transactions (sized from the last ones, COMMIT included), so that a large import
    // never keeps a recorder waiting for the write lock; each transaction is all-or-nothing.
    //
    // Checkpoints between chunks at 64 MiB of WAL rather than in every COMMIT (writetx.h).
    ChunkCheckpoints checkpoints(m_dataset.db());
    if (!m_addPacer)
        m_addPacer = std::make_unique<LockPacer>(m_dataset.db());
    for (qsizetype from = 0; from < pairs.size();) {
        const qsizetype to = std::min<qsizetype>(pairs.size(), from + m_addSizer.size());
        qint64 held = 0;
        if (!addRange(pairs, derived, from, to, &result, &held))
            return result;
        m_addSizer.record(int(to - from), held);
        from = to;
        m_addPacer->pause(held, &checkpoints); // also before the caller's next add()
    }
    return result;
}

bool PairStore::settingsCurrentInWrite(QString *error)
{
    // Another connection's commits move data_version (this connection's own do not: its own
    // changes of the settings run their rescan on it, after any write of its own).
    const qint64 version = m_dataset.dataVersion();
    if (version >= 0 && version == m_settingsDataVersion)
        return true;
    if (!m_deriver.refresh(error))
        return false;
    m_settingsDataVersion = version;
    return true;
}

bool PairStore::addRange(const QList<Pair> &pairs, const QList<DerivedFields> &derived, qsizetype from,
                         qsizetype to, AddResult *result, qint64 *heldMs)
{
    QSqlDatabase &db = m_dataset.db();
    WriteTransaction tx(db); // rolled back unless committed
    if (!beginWrite(tx)) {
        result->error = m_error;
        return false;
    }
    // Bound through SQLite's C API (pairinsert.h): Qt Sql's binding cost a fifth of the import.
    PairInserter insert(sqliteHandle(db));
    const QString importTime = nowIso();
    qint64 firstId = 0; // rows from here on are this transaction's: it holds the write lock
    qint64 added = 0, present = 0;
    const auto failWith = [&](const QString &message) {
        result->error = message;
        m_error = message;
        return false;
    };
    if (!insert.isValid())
        return failWith(insert.lastError());
    if (QString unreadable; !settingsCurrentInWrite(&unreadable))
        return failWith(unreadable);
    for (qsizetype i = from; i < to; ++i) {
        qint64 rowId = 0;
        QString insertError;
        const Pair &p = pairs.at(i);
        // Analysed before another program's change of the privacy settings (whose rescan may
        // have passed already): found again, with the settings this transaction sees.
        const DerivedFields d = m_deriver.currentFor(derived.at(i), p);
        if (!insert.insert(p, d, importTime, &rowId, &insertError))
            return failWith(insertError);
        if (rowId > 0) {
            if (added++ == 0)
                firstId = rowId;
        } else {
            ++present;
        }
    }
    QString indexError;
    if (added > 0 && !m_bulkLoad && !schema::indexInsertedRows(db, firstId, &indexError))
        return failWith(indexError);
    if (added > 0 && m_addAuditId > 0) {
        QSqlQuery a(db);
        a.prepare(u"UPDATE audit_log SET pair_count = pair_count + ? WHERE id = ?"_s);
        a.addBindValue(added);
        a.addBindValue(m_addAuditId);
        if (!a.exec())
            return failWith(a.lastError().text());
    }
    QString commitError;
    if (!tx.commit(&commitError))
        return failWith(commitError);
    // With COMMIT, which writes every dirtied page to the WAL while holding the lock: on a large
    // dataset it takes longer than the inserts.
    *heldMs = tx.heldMs();
    result->added += added;
    result->alreadyPresent += present;
    return true;
}

bool PairStore::setReviewStatus(const Filter &filter, ReviewStatus status, qint64 *changed)
{
    writeops::Op op;
    op.action = writeops::Action::Review;
    op.value = QString::number(int(status));
    op.auditName = u"review"_s;
    op.detail = {{u"status"_s, reviewStatusName(status)}, {u"filter"_s, filter.toJson()}};
    const std::optional<qint64> n = runLarge(op, filter);
    if (changed && n)
        *changed = *n;
    return n.has_value();
}

bool PairStore::setReviewerNote(qint64 rowId, const QString &note)
{
    if (m_dataset.isReadOnly())
        return fail(
            QCoreApplication::translate("PairStore", "The dataset is read-only; nothing was changed."));
    QSqlQuery q(m_dataset.db());
    q.prepare(u"UPDATE pairs SET reviewer_note = ? WHERE id = ?"_s);
    q.addBindValue(text(note));
    q.addBindValue(rowId);
    return q.exec() || failQuery(q);
}

bool PairStore::updateText(qint64 rowId, const QString &question, const QString &sql)
{
    const std::optional<Pair> old = get(rowId);
    if (!old)
        return fail(QCoreApplication::translate("PairStore", "The pair no longer exists."));
    // Analysed before the write lock is taken (only the update needs it), with the privacy settings
    // as they are now.
    if (QString unreadable; !m_deriver.refresh(&unreadable))
        return fail(unreadable);
    DerivedFields d =
        m_deriver.derive(question, sql, old->timestamp, old->databaseType, old->pairId, old->metadata);
    WriteTransaction tx(m_dataset.db()); // rolled back unless committed
    if (!beginWrite(tx))
        return false;
    if (QString unreadable; !settingsCurrentInWrite(&unreadable))
        return fail(unreadable);
    if (!m_deriver.isCurrent(d))
        d = m_deriver.withCurrentKinds(d, question, sql, old->databaseType, old->pairId, old->metadata);
    QSqlQuery q(m_dataset.db());
    q.prepare(u"UPDATE pairs SET natural_language_query = ?, sql_query = ?, query_type = ?, table_names = ?, "
              "pii_mask = ?, question_length = ?, sql_length = ? WHERE id = ?"_s);
    for (const QVariant &v : QVariantList{text(question), text(sql), text(d.queryType), d.tableNamesJson,
                                          d.piiMask, d.questionLength, d.sqlLength, rowId})
        q.addBindValue(v);
    if (!q.exec())
        return failQuery(q);
    audit(u"edit"_s, 1, {{u"pair_id"_s, old->pairId}});
    QString error;
    return tx.commit(&error) || fail(error);
}

qint64 PairStore::startAddAudit(const QString &action, const QJsonObject &detail)
{
    m_addAuditId = 0;
    m_addAuditDetail = detail;
    QJsonObject running = detail;
    running.insert(u"state"_s, u"running"_s);
    if (!audit(action, 0, running))
        return 0;
    QSqlQuery q(m_dataset.db());
    if (q.exec(u"SELECT last_insert_rowid()"_s) && q.next())
        m_addAuditId = q.value(0).toLongLong();
    return m_addAuditId;
}

bool PairStore::finishAddAudit(const QJsonObject &moreDetail)
{
    if (m_addAuditId <= 0)
        return false;
    QJsonObject detail = m_addAuditDetail;
    for (auto it = moreDetail.begin(); it != moreDetail.end(); ++it)
        detail.insert(it.key(), it.value());
    detail.insert(u"state"_s, u"done"_s);
    QSqlQuery q(m_dataset.db());
    q.prepare(u"UPDATE audit_log SET detail = ? WHERE id = ?"_s);
    q.addBindValue(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
    q.addBindValue(m_addAuditId);
    m_addAuditId = 0;
    return q.exec() || failQuery(q);
}

bool PairStore::audit(const QString &action, qint64 pairCount, const QJsonObject &detail)
{
    if (m_dataset.isReadOnly())
        return false;
    QSqlQuery q(m_dataset.db());
    q.prepare(u"INSERT INTO audit_log(at, action, pair_count, detail) VALUES (?, ?, ?, ?)"_s);
    q.addBindValue(nowIso());
    q.addBindValue(action);
    q.addBindValue(pairCount);
    q.addBindValue(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
    return q.exec() || failQuery(q);
}

} // namespace pairlens
