// A bulk load into an empty PostgreSQL schema (pgstorage.h, beginBulkLoad()). An import of 1M demo
// pairs into a table with all its indexes took 24.4 s on this project's machine; without the GIN
// index of the search words and the time index, whose entries land at random places of trees that
// outgrow the server's buffers, the same import took 14.3 s and building both afterwards 5.2 s
// (docs/performance.md, "A bulk load into an empty schema").
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <libpq-fe.h>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

namespace {

// The schema's bulk-load lock: held (session level) by the connection of a load that dropped the
// indexes, so it ends with that connection, and with the process that held it.
QString bulkLockCall(const char *function)
{
    return u"SELECT %1(hashtext('pairlens-bulk'), hashtext($1))"_s.arg(QLatin1StringView(function));
}

// The condition of takeBulkLock() under which an open builds the indexes.
const QString kIndexesMissing =
    u"to_regclass($1 || '_search') IS NULL OR to_regclass($1 || '_live_ts') IS NULL"_s;

} // namespace

bool PgStorage::beginBulkLoad()
{
    // Only an empty table gains (a full one would be indexed again whole).
    if (!takeBulkLock(u"NOT EXISTS (SELECT 1 FROM %1.pairs)"_s.arg(m_quotedSchema)))
        return false;
    // The drop waits for every statement on the table to end; a session that keeps one open (idle in
    // a transaction) must not hold the import up: after 2 s it loads the ordinary way instead.
    Result dropped(pg::exec(m_conn->pg, u"BEGIN; SET LOCAL lock_timeout = '2s'; %1; COMMIT"_s.arg(
                                            pg::kBulkIndexesDrop.arg(m_quotedSchema))));
    if (!dropped.ok()) {
        Result rollback(PQexec(m_conn->pg, "ROLLBACK"));
        releaseBulkLock();
        return false;
    }
    return true;
}

void PgStorage::releaseBulkLock()
{
    Result unlocked(pg::exec(m_conn->pg, bulkLockCall("pg_advisory_unlock"), {m_quotedSchema.toUtf8()}));
}

// True when `condition` holds ($1 is the pairs table's name), this role owns the table (only the
// owner may drop and build its indexes) and this connection took the schema's bulk-load lock.
bool PgStorage::takeBulkLock(const QString &condition)
{
    PGconn *pg = m_conn->pg;
    const QByteArray schema = m_quotedSchema.toUtf8();
    Result owner(pg::exec(pg,
                          u"SELECT (%1) AND pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c "
                          "WHERE c.oid = $1::regclass"_s.arg(condition),
                          {schema + ".pairs"}));
    if (!owner.ok() || owner.rows() != 1 || owner.text(0, 0) != u"t"_s)
        return false;
    Result locked(pg::exec(pg, bulkLockCall("pg_try_advisory_lock"), {schema}));
    return locked.ok() && locked.text(0, 0) == u"t"_s;
}

bool PgStorage::endBulkLoad(QString *error)
{
    const int reconnects = m_conn->reconnects;
    bool built = buildBulkIndexes(error);
    releaseBulkLock();
    const bool lost =
        m_conn->reconnects != reconnects || (m_helper && PQstatus(m_helper->pg) == CONNECTION_BAD);
    if (built || !lost)
        return built;
    // The server restarted during the builds, which it rolled back (and with the connection the
    // bulk-load lock went). Built once more on new connections under the lock taken again, as an
    // open repairs them, unless another process's open took it to build them meanwhile.
    if (Result alive(pg::exec(m_conn->pg, u"SELECT 1"_s)); !alive.ok())
        return false;
    if (!takeBulkLock(kIndexesMissing))
        return true;
    error->clear();
    built = buildBulkIndexes(error);
    releaseBulkLock();
    return built;
}

// Both indexes at once: the GIN index (one backend, ~5.5 s for 1M demo pairs whatever
// maintenance_work_mem) on the helper connection, the time index (~1 s, with the server's parallel
// workers) on this one meanwhile.
bool PgStorage::buildBulkIndexes(QString *error)
{
    PGconn *pg = m_conn->pg;
    const QString search = pg::kSearchIndexDdl.arg(m_quotedSchema);
    const QString liveTs = pg::kLiveTsIndexDdl.arg(m_quotedSchema);
    QString why;
    PGconn *helper = helperConnection();
    bool sent = false;
    if (helper)
        sent = PQsendQuery(helper, search.toUtf8().constData()) == 1;
    Result time(pg::exec(pg, liveTs));
    if (!time.ok())
        why = time.error();
    if (sent) {
        while (PGresult *res = PQgetResult(helper)) {
            Result r(res);
            if (!r.ok() && why.isEmpty())
                why = r.error();
        }
    }
    if (why.isEmpty() && !sent) {
        Result r(pg::exec(pg, search));
        if (!r.ok())
            why = r.error();
    }
    if (why.isEmpty())
        return true;
    *error = tr("Cannot build the indexes of PostgreSQL schema %1 after the import: %2 (the next open "
                "builds them)")
                 .arg(m_schema, why);
    return false;
}

void PgStorage::repairIndexes()
{
    // Nothing missing, not this role's to build (reads are right without them), or a bulk load
    // still running, which builds them: nothing to do.
    if (!takeBulkLock(kIndexesMissing))
        return;
    QString why;
    const bool built = buildBulkIndexes(&why);
    releaseBulkLock();
    // A failure leaves the dataset readable (only slower to search); the next open tries again.
    if (!built)
        qWarning("%s", qPrintable(why));
}

} // namespace pairlens
