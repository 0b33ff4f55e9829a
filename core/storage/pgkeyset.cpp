// PgStorage's keyset pages in the default order and its one-setting changes (pgstorage.h).
#include "storage/pgstorage_p.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

bool PgStorage::pageAfter(const Filter &filter, const PageMark &after, int limit, QList<Pair> *out,
                          PageMark *last, QString *error)
{
    out->clear();
    *last = PageMark();
    pg::Condition c;
    if (!pg::condition(filter, m_version, m_quotedSchema, &c, error))
        return false;
    QString where = c.where;
    QList<QByteArray> params = c.params;
    const auto param = [&](const QByteArray &value) {
        params << value;
        return u"$%1"_s.arg(params.size());
    };
    // The default order is ts DESC (NULLS FIRST, PostgreSQL's default for DESC), then id DESC: after a
    // pair without a time come the rest of those by id, then every pair with one.
    if (after.valid && after.ts.isNull()) {
        where +=
            u" AND (p.ts IS NOT NULL OR p.id < %1::bigint)"_s.arg(param(QByteArray::number(after.rowId)));
    } else if (after.valid) {
        const QString ts = param(after.ts.toUtf8());
        where += u" AND (p.ts COLLATE \"C\", p.id) < (%1::text COLLATE \"C\", %2::bigint)"_s.arg(
            ts, param(QByteArray::number(after.rowId)));
    }
    Result r(
        pg::exec(connection(),
                 u"SELECT p.id, p.ts FROM %1.pairs p WHERE %2 ORDER BY p.ts COLLATE \"C\" DESC, p.id DESC "
                 "LIMIT %3"_s.arg(m_quotedSchema, where)
                     .arg(std::max(0, limit)),
                 params));
    if (!r.ok()) {
        *error = tr("Cannot read the pairs from PostgreSQL: %1").arg(r.error());
        return false;
    }
    if (r.rows() == 0)
        return true;
    Filter ids = filter;
    ids.restrictToRowIds = true;
    ids.rowIds.clear();
    for (int i = 0; i < r.rows(); ++i)
        ids.rowIds << r.number(i, 0);
    // The same order as the ids: page() sorts them the same way.
    if (!page(ids, r.rows(), 0, out, error))
        return false;
    const int lastRow = r.rows() - 1;
    last->valid = true;
    last->rowId = r.number(lastRow, 0);
    last->ts = r.isNull(lastRow, 1) ? QString() : r.text(lastRow, 1);
    return true;
}

QString PgStorage::settingsFailure(const QByteArray &state, const QString &why) const
{
    if (state == "42501" || state == "25006")
        return tr("%1 is read-only for this PostgreSQL role: it may not change the settings of schema %2.")
            .arg(m_location, m_schema);
    return tr("Cannot change the settings of PostgreSQL schema %1: %2").arg(m_schema, why);
}

bool PgStorage::updateSetting(const QString &key, const SettingChange &change, QString *error)
{
    return pg::againAfterReconnect(m_conn.get(), error,
                                   [&] { return updateSettingOnce(key, change, error); });
}

bool PgStorage::updateSettingOnce(const QString &key, const SettingChange &change, QString *error)
{
    PGconn *pg = connection();
    // A write: never run again after a lost connection, which gets the store's one sentence.
    const pg::Writing writing(m_conn.get());
    bool committing = false;
    const auto fail = [&](const QString &why, const QByteArray &state) {
        if (!writing.lostOrRolledBack(committing, error))
            *error = settingsFailure(state, why);
        return false;
    };
    error->clear();
    {
        Result begin(pg::exec(pg, u"BEGIN"_s));
        if (!begin.ok())
            return fail(begin.error(), begin.state());
        Result lock(pg::exec(pg, u"SELECT pg_advisory_xact_lock(hashtext($1::text))"_s,
                             {(u"pairlens-settings:"_s + m_schema).toUtf8()}));
        if (!lock.ok())
            return fail(lock.error(), lock.state());
    }
    Result current(
        pg::exec(pg, u"SELECT value FROM %1.settings WHERE key = $1"_s.arg(m_quotedSchema), {key.toUtf8()}));
    if (!current.ok())
        return fail(current.error(), current.state());
    QString why;
    const std::optional<QString> value = change(current.rows() ? current.text(0, 0) : QString(), &why);
    if (!value) {
        Result rollback(pg::exec(pg, u"ROLLBACK"_s));
        *error = why;
        return false;
    }
    Result write(pg::exec(pg,
                          u"INSERT INTO %1.settings (key, value) VALUES ($1, $2) "
                          "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"_s.arg(m_quotedSchema),
                          {key.toUtf8(), value->toUtf8()}));
    if (!write.ok())
        return fail(write.error(), write.state());
    committing = true;
    Result commit(pg::exec(pg, u"COMMIT"_s));
    if (!commit.ok())
        return fail(commit.error(), commit.state());
    return true;
}

} // namespace pairlens
