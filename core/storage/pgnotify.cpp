// PgStorage's change notification (issue 18, several people at once): the trigger pairs_changed of
// format version 4 runs pg_notify(schema, operation) once per statement that changes the pairs
// table, whoever runs it (PairLens, a recorder's plain INSERT, psql), and PostgreSQL delivers it
// at commit to every session that listens on the schema's channel; PairLens's changes of the privacy
// settings announce themselves on it too (payload "settings"). A window's worker listens on its
// store's connection and asks takeChanges() at each poll. Also the canceller of the statement that
// runs on that connection (a window closing while a long read runs).
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

int PgStorage::backendPid() const
{
    return m_conn && m_conn->pg ? PQbackendPID(m_conn->pg) : 0;
}

bool PgStorage::listenForChanges(QString *error)
{
    if (m_version < 4) {
        *error = tr("PostgreSQL schema %1 has format version %2, which does not announce changes; the "
                    "next open by a role that may change it brings it to version %3.")
                     .arg(m_schema)
                     .arg(m_version)
                     .arg(kFormatVersion);
        return false;
    }
    // The channel is the schema's name, as the trigger's TG_TABLE_SCHEMA gives it.
    Result r(pg::exec(m_conn->pg, u"LISTEN "_s + m_quotedSchema));
    if (!r.ok()) {
        *error = tr("Cannot listen for changes in PostgreSQL schema %1: %2").arg(m_schema, r.error());
        return false;
    }
    m_conn->listen = (u"LISTEN "_s + m_quotedSchema).toUtf8();
    m_conn->missed = false;
    return true;
}

int PgStorage::takeChanges(QString *error)
{
    PGconn *pg = m_conn->pg;
    // Reads what the server sent without waiting; notifications that came with the results of other
    // statements are already in libpq's queue. Twice: a backend that ended sent a last message, then
    // closed the connection, and libpq's one read may stop after the message (which it takes for a
    // notice) without seeing the end.
    const auto consume = [pg] { return PQstatus(pg) != CONNECTION_BAD && PQconsumeInput(pg) == 1; };
    if (!consume() || !consume() || PQstatus(pg) == CONNECTION_BAD) {
        if (m_conn->recoverIfLost()) {
            m_conn->missed = false;
            // Reconnected (and LISTENing again): what changed meanwhile was announced to no one, so
            // one change, for the caller to read everything again; nothing of the caller's was
            // stopped, so nothing to say. Still away: the sentence, and the next poll tries again.
            if (m_conn->reconnectError.isEmpty())
                return 1;
            *error = m_conn->lostMessage();
            return -1;
        }
        *error = tr("Cannot read the changes of PostgreSQL schema %1: %2")
                     .arg(m_schema, pg::message(PQerrorMessage(pg)));
        return -1;
    }
    // Reconnected by another call (a read run again): what changed meanwhile was not announced.
    int count = m_conn->missed ? 1 : 0;
    m_conn->missed = false;
    // Only other sessions' changes, as a file's PRAGMA data_version counts only other connections'
    // commits: this connection's own writes are known to its caller, and counting them made a
    // change by another program that arrived in the same poll look like one of its own.
    const QByteArray channel = m_schema.toUtf8();
    const int own = PQbackendPID(pg);
    while (PGnotify *n = PQnotifies(pg)) {
        if (channel == n->relname && n->be_pid != own)
            ++count;
        PQfreemem(n);
    }
    return count;
}

std::function<void()> PgStorage::statementCanceller()
{
    // The keys follow the connections (the statistics' second one, a reconnect), so the function
    // stops whatever this store runs when it is called.
    return [keys = m_cancelKeys] { keys->cancelAll(); };
}

} // namespace pairlens
