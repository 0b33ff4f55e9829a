// PgStorage's curation (issue 18): the trash (delete, undo, restore, purge), review statuses and
// reviewer notes, the audit log; the search's query text and the duplicate keys.
//
// Every change is one transaction: BEGIN, the schema's curation lock (a transaction-level advisory
// lock), one statement over the matching pairs, the audit entry, COMMIT. The lock puts the changes
// of one schema in a row, so the audit log lists them in the order they took effect, two changes
// over overlapping pairs never deadlock on each other's row locks, and two deletes never take the
// same batch number. Recorders (INSERT) and reads never wait for it. A statement locks only the rows
// it changes: a review or note skips the pairs that already have it.
#include "dataset/duplicatekeys.h"
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <charconv>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

namespace pg {

QString searchQuery(const QString &search)
{
    QStringList phrases;
    const QStringList words = search.simplified().split(u' ', Qt::SkipEmptyParts);
    for (qsizetype w = 0; w < words.size(); ++w) {
        QStringList tokens = searchTokens(words.at(w));
        if (tokens.isEmpty())
            continue;
        for (QString &t : tokens)
            t = u'\'' + t + u'\'';
        if (w == words.size() - 1)
            tokens.last() += u":*"_s;
        phrases << u'(' + tokens.join(u" <-> "_s) + u')';
    }
    return phrases.join(u" & "_s);
}

DuplicateKeys duplicateKeys(const QString &question, const QString &sql, const QString &databaseType)
{
    const auto hex = [](const dupkeys::Key &key) -> QByteArray { // not a builder of a dead temporary
        return "\\x" +
               QByteArray::fromRawData(reinterpret_cast<const char *>(key.data()), sizeof key).toHex();
    };
    return {hex(dupkeys::exactPairKey(question.toUtf8(), sql.toUtf8())),
            hex(dupkeys::normalizedPairKey(question, sql, databaseType))};
}

} // namespace pg

qint64 PgStorage::curate(const QString &action, QJsonObject detail, qint64 pairCount,
                         const std::function<qint64(QString *why, QJsonObject *detail)> &change,
                         QString *error)
{
    return pg::againAfterReconnect(m_conn.get(), error,
                                   [&] { return curateOnce(action, detail, pairCount, change, error); });
}

qint64 PgStorage::curateOnce(const QString &action, const QJsonObject &firstDetail, qint64 pairCount,
                             const std::function<qint64(QString *why, QJsonObject *detail)> &change,
                             QString *error)
{
    QJsonObject detail = firstDetail;
    PGconn *pg = m_conn->pg;
    const auto readOnly = [&] {
        *error = tr("%1 is read-only for this PostgreSQL role: it may not change pairs in schema %2.")
                     .arg(m_location, m_schema);
        return -1;
    };
    // A schema a read-only role read as it was (older than version 3) has nothing to change.
    if (!pg::hasCuration(m_version))
        return readOnly();
    const pg::Writing writing(m_conn.get());
    {
        Result may(
            pg::exec(pg,
                     u"SELECT has_table_privilege($1::text, 'UPDATE') AND "
                     "has_table_privilege($2::text, 'INSERT')"_s,
                     {(m_quotedSchema + u".pairs"_s).toUtf8(), (m_quotedSchema + u".audit_log"_s).toUtf8()}));
        if (may.ok() && may.text(0, 0) != u"t"_s)
            return readOnly();
    }
    if (writing.lost()) {
        *error = m_conn->lostMessage();
        return -1;
    }
    QByteArray state;
    bool committing = false;
    const auto fail = [&](const QString &why) -> qint64 {
        // The connection dropped: PostgreSQL rolled the transaction back (unless COMMIT was under way).
        if (writing.lost()) {
            *error = m_conn->lostMessage(committing);
            return -1;
        }
        Result rollback(pg::exec(pg, u"ROLLBACK"_s));
        // Refused by the server after all (a column privilege, a read-only transaction).
        if (state == "42501" || state == "25006")
            return readOnly();
        *error = tr("Cannot change the pairs in PostgreSQL schema %1: %2")
                     .arg(m_schema, why.isEmpty() ? tr("the connection was lost") : why);
        return -1;
    };
    const auto run = [&](const QString &sql, const QList<QByteArray> &params = {}) -> bool {
        Result r(pg::exec(pg, sql, params));
        if (r.ok())
            return true;
        state = r.state();
        *error = r.error();
        return false;
    };
    if (!run(u"BEGIN"_s) || !run(u"SELECT pg_advisory_xact_lock(hashtext($1::text))"_s,
                                 {(u"pairlens-curate:"_s + m_schema).toUtf8()}))
        return fail(*error);
    QString why;
    const qint64 n = change(&why, &detail);
    if (n < 0) {
        // `change` keeps the SQLSTATE of its failure in `why`'s first five characters.
        state = why.left(5).toLatin1();
        return fail(why.mid(6));
    }
    if (!run(u"INSERT INTO %1.audit_log (action, pair_count, detail) VALUES ($1, $2, $3::jsonb)"_s.arg(
                 m_quotedSchema),
             {action.toUtf8(), QByteArray::number(pairCount < 0 ? n : pairCount),
              QJsonDocument(detail).toJson(QJsonDocument::Compact)}))
        return fail(*error);
    committing = true;
    if (!run(u"COMMIT"_s))
        return fail(*error);
    return n;
}

namespace {

// Runs one statement of a curation change: the rows it changed (or the first column of its one
// row, with `counted`), or -1 with "SQLSTATE reason" in *why.
qint64 statement(PGconn *pg, const QString &sql, const QList<QByteArray> &params, QString *why,
                 bool counted = false)
{
    Result r(pg::exec(pg, sql, params));
    if (!r.ok()) {
        *why = QString::fromLatin1(r.state().leftJustified(5, ' ')) + u' ' + r.error();
        return -1;
    }
    if (counted)
        return r.number(0, 0);
    return QByteArray(PQcmdTuples(r.res)).toLongLong();
}

QJsonObject filterDetail(const Filter &filter)
{
    return {{u"filter"_s, filter.toJson()}};
}

const char kNow[] = "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

} // namespace

std::optional<Storage::DeleteResult> PgStorage::softDelete(const Filter &filter, QString *error)
{
    Filter live = filter;
    live.scope = Filter::Scope::Live;
    pg::Condition c;
    if (!pg::condition(live, m_version, m_quotedSchema, &c, error))
        return std::nullopt;
    DeleteResult result;
    const qint64 n = curate(
        u"delete"_s, filterDetail(filter), -1,
        [&](QString *why, QJsonObject *detail) -> qint64 {
            // Under the curation lock: no other delete takes the same number.
            result.batch = statement(m_conn->pg,
                                     u"SELECT coalesce(max(delete_batch), 0) + 1 FROM %1.pairs "
                                     "WHERE delete_batch IS NOT NULL"_s.arg(m_quotedSchema),
                                     {}, why, true);
            if (result.batch < 0)
                return -1;
            detail->insert(u"batch"_s, result.batch);
            QList<QByteArray> params = c.params;
            params << QByteArray::number(result.batch);
            return statement(m_conn->pg,
                             u"UPDATE %1.pairs p SET delete_batch = $%2::bigint, deleted_at = %3 WHERE %4"_s
                                 .arg(m_quotedSchema)
                                 .arg(params.size())
                                 .arg(QLatin1StringView(kNow), c.where),
                             params, why);
        },
        error);
    if (n < 0)
        return std::nullopt;
    result.count = n;
    return result;
}

qint64 PgStorage::restoreBatch(qint64 batch, QString *error)
{
    return curate(
        u"restore"_s, {{u"batch"_s, batch}}, -1,
        [&](QString *why, QJsonObject *) {
            return statement(m_conn->pg,
                             u"UPDATE %1.pairs SET delete_batch = NULL, deleted_at = NULL "
                             "WHERE delete_batch = $1::bigint"_s.arg(m_quotedSchema),
                             {QByteArray::number(batch)}, why);
        },
        error);
}

qint64 PgStorage::restore(const Filter &filter, QString *error)
{
    Filter trashed = filter;
    trashed.scope = Filter::Scope::Deleted;
    pg::Condition c;
    if (!pg::condition(trashed, m_version, m_quotedSchema, &c, error))
        return -1;
    return curate(
        u"restore"_s, filterDetail(filter), -1,
        [&](QString *why, QJsonObject *) {
            return statement(m_conn->pg,
                             u"UPDATE %1.pairs p SET delete_batch = NULL, deleted_at = NULL WHERE %2"_s.arg(
                                 m_quotedSchema, c.where),
                             c.params, why);
        },
        error);
}

qint64 PgStorage::purge(const Filter &filter, QString *error)
{
    Filter trashed = filter;
    trashed.scope = Filter::Scope::Deleted;
    pg::Condition c;
    if (!pg::condition(trashed, m_version, m_quotedSchema, &c, error))
        return -1;
    return curate(
        u"purge"_s, filterDetail(filter), -1,
        [&](QString *why, QJsonObject *) {
            return statement(m_conn->pg, u"DELETE FROM %1.pairs p WHERE %2"_s.arg(m_quotedSchema, c.where),
                             c.params, why);
        },
        error);
}

// A review or a note: every matching pair ends with the value; only those without it are changed
// (and locked). The count is of the matching pairs, as a dataset file reports it.
qint64 PgStorage::setReviewStatus(const Filter &filter, ReviewStatus status, QString *error)
{
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return -1;
    QJsonObject detail{{u"status"_s, reviewStatusName(status)}, {u"filter"_s, filter.toJson()}};
    return curate(
        u"review"_s, detail, -1,
        [&](QString *why, QJsonObject *) -> qint64 {
            QList<QByteArray> params = c.params;
            params << QByteArray::number(int(status));
            const QString value = u"$%1::integer"_s.arg(params.size());
            const qint64 matched = statement(
                m_conn->pg,
                u"WITH changed AS (UPDATE %1.pairs p SET review_status = %2 WHERE %3 AND p.review_status <> "
                u"%2 "
                "RETURNING 1) SELECT (SELECT count(*) FROM %1.pairs p WHERE %3 AND p.review_status = %2) + "
                "(SELECT count(*) FROM changed)"_s.arg(m_quotedSchema, value, c.where),
                params, why, true);
            return matched;
        },
        error);
}

qint64 PgStorage::setReviewerNote(const Filter &filter, const QString &note, QString *error)
{
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return -1;
    QJsonObject detail{{u"note"_s, note}, {u"filter"_s, filter.toJson()}};
    return curate(
        u"note"_s, detail, -1,
        [&](QString *why, QJsonObject *) -> qint64 {
            QList<QByteArray> params = c.params;
            params << note.toUtf8();
            const QString value = u"$%1::text"_s.arg(params.size());
            return statement(
                m_conn->pg,
                u"WITH changed AS (UPDATE %1.pairs p SET reviewer_note = %2 WHERE %3 AND p.reviewer_note <> "
                u"%2 "
                "RETURNING 1) SELECT (SELECT count(*) FROM %1.pairs p WHERE %3 AND p.reviewer_note = %2) + "
                "(SELECT count(*) FROM changed)"_s.arg(m_quotedSchema, value, c.where),
                params, why, true);
        },
        error);
}

bool PgStorage::audit(const QString &action, qint64 pairCount, const QJsonObject &detail, QString *error)
{
    if (!pg::hasCuration(m_version)) {
        *error = tr("%1 is read-only for this PostgreSQL role: it may not change pairs in schema %2.")
                     .arg(m_location, m_schema);
        return false;
    }
    const pg::Writing writing(m_conn.get());
    Result r(
        pg::exec(m_conn->pg,
                 u"INSERT INTO %1.audit_log (action, pair_count, detail) VALUES ($1, $2, $3::jsonb)"_s.arg(
                     m_quotedSchema),
                 {action.toUtf8(), QByteArray::number(pairCount),
                  QJsonDocument(detail).toJson(QJsonDocument::Compact)}));
    if (!r.ok() && writing.lost()) {
        // One statement on its own commits as it runs: whether it did before the connection dropped
        // is unknown.
        *error = m_conn->lostMessage(true);
        return false;
    }
    if (!r.ok()) {
        *error = tr("Cannot change the pairs in PostgreSQL schema %1: %2").arg(m_schema, r.error());
        return false;
    }
    return true;
}

bool PgStorage::auditLog(int limit, QList<AuditEntry> *out, QString *error)
{
    out->clear();
    if (!pg::hasCuration(m_version))
        return true; // no audit log before format version 3
    Result r(pg::exec(m_conn->pg, u"SELECT id, at, action, pair_count, detail::text, role FROM %1.audit_log "
                                  "ORDER BY id DESC LIMIT %2"_s.arg(m_quotedSchema)
                                      .arg(std::max(0, limit))));
    if (!r.ok()) {
        *error = tr("Cannot read the audit log of PostgreSQL schema %1: %2").arg(m_schema, r.error());
        return false;
    }
    for (int i = 0; i < r.rows(); ++i) {
        out->append({r.number(i, 0), r.text(i, 1), r.text(i, 2), r.number(i, 3),
                     QJsonDocument::fromJson(r.text(i, 4).toUtf8()).object(), r.text(i, 5)});
    }
    return true;
}

} // namespace pairlens
