// PgStorage's connection (issue 18, a lost connection): a statement that fails because the server
// went away (restarted, the backend ended by an administrator, the network dropped) reconnects the
// connection once, with the parameters it was opened with (PQreset), and LISTENs again. A read
// outside a transaction is run again on the new connection, so it succeeds as if nothing had
// happened; a write's statement is not: PostgreSQL rolled back the transaction the connection died
// in, so nothing of it was done, and the whole write runs once more from its start
// (againAfterReconnect()); a second loss answers one sentence (Link::lostMessage()) for the person
// to try again. Only a COMMIT whose answer was lost leaves the outcome unknown, and says so.
#include "storage/pgstorage_p.h"

#include <libpq-events.h>

#include <vector>

using namespace Qt::StringLiterals;

namespace pairlens::pg {

namespace {

// The event procedure that ties a PGconn to its Link (PQinstanceData). libpq calls it for every
// event of the connection; each must answer success, or PQreset() fails.
int linkEvents(PGEventId, void *, void *)
{
    return 1;
}

Link *linkOf(PGconn *pg)
{
    return pg ? static_cast<Link *>(PQinstanceData(pg, linkEvents)) : nullptr;
}

// PairLens reports failures itself; libpq's default would print the server's notices (e.g. "there
// is no transaction in progress" after a reconnect) on stderr.
void quietNotices(void *, const char *) {}

// A statement that only reads and may be run again on a new connection: outside a transaction, a
// SELECT, the start of a read-only transaction, or LISTEN.
bool rerunnable(const QString &sql)
{
    const QStringView s = QStringView(sql).trimmed();
    return s.startsWith(u"SELECT "_s, Qt::CaseInsensitive) ||
           s.startsWith(u"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"_s, Qt::CaseInsensitive) ||
           s.startsWith(u"LISTEN "_s, Qt::CaseInsensitive);
}

PGresult *run(PGconn *pg, const QByteArray &sql, const QList<QByteArray> &params)
{
    if (params.isEmpty())
        return PQexec(pg, sql.constData());
    std::vector<const char *> values;
    values.reserve(size_t(params.size()));
    for (const QByteArray &p : params)
        values.push_back(p.constData());
    return PQexecParams(pg, sql.constData(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
}

bool failed(PGresult *r)
{
    const auto s = PQresultStatus(r);
    return !r || s == PGRES_FATAL_ERROR || s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR;
}

} // namespace

CancelKeys::~CancelKeys()
{
    for (PGcancel *key : keys) {
        if (key)
            PQfreeCancel(key);
    }
}

void CancelKeys::set(Slot slot, PGconn *pg)
{
    PGcancel *key = pg ? PQgetCancel(pg) : nullptr;
    const std::lock_guard lock(mutex);
    if (keys[slot])
        PQfreeCancel(keys[slot]);
    keys[slot] = key;
}

void CancelKeys::cancelAll()
{
    const std::lock_guard lock(mutex);
    for (PGcancel *key : keys) {
        char why[256];
        if (key)
            PQcancel(key, why, int(sizeof why));
    }
}

Link::~Link()
{
    if (cancelKeys)
        cancelKeys->set(cancelSlot, nullptr);
    if (pg)
        PQfinish(pg);
}

bool Link::connect(const QByteArray &conninfo, QString *why)
{
    pg = PQconnectdb(conninfo.constData());
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        *why = pg ? message(PQerrorMessage(pg)) : QString();
        return false;
    }
    PQsetNoticeProcessor(pg, quietNotices, nullptr);
    if (!PQregisterEventProc(pg, linkEvents, "pairlens", nullptr) ||
        !PQsetInstanceData(pg, linkEvents, this)) {
        *why = tr("libpq refused PairLens's connection events.");
        return false;
    }
    if (cancelKeys)
        cancelKeys->set(cancelSlot, pg);
    return true;
}

bool Link::recoverIfLost()
{
    if (!pg || PQstatus(pg) != CONNECTION_BAD)
        return false;
    ++reconnects;
    PQreset(pg); // the same parameters; blocks for at most connect_timeout
    if (PQstatus(pg) != CONNECTION_OK) {
        reconnectError = message(PQerrorMessage(pg));
        return true;
    }
    reconnectError.clear();
    if (cancelKeys)
        cancelKeys->set(cancelSlot, pg); // another backend now
    if (!listen.isEmpty()) {
        // Changes made while the connection was down were announced to no one: the listener hears
        // of it as one change (pgnotify.cpp).
        missed = true;
        PQclear(PQexec(pg, listen.constData()));
    }
    return true;
}

QString Link::lostMessage(bool duringCommit)
{
    rolledBack = !duringCommit && reconnectError.isEmpty();
    lostUncommitted = !duringCommit;
    if (!reconnectError.isEmpty()) {
        return duringCommit
                   ? tr("The connection to the PostgreSQL server at %1 was lost while the change was being "
                        "committed, and PairLens could not reconnect (%2): whether the change was made is "
                        "unknown.")
                         .arg(where, reconnectError)
                   : tr("The connection to the PostgreSQL server at %1 was lost, and PairLens could not "
                        "reconnect (%2). Nothing was changed; try again later.")
                         .arg(where, reconnectError);
    }
    return duringCommit ? tr("The connection to the PostgreSQL server at %1 was lost while the change was "
                             "being committed; PairLens reconnected. Whether the change was made is unknown: "
                             "look before trying again.")
                              .arg(where)
                        : tr("The connection to the PostgreSQL server at %1 was lost; PairLens reconnected. "
                             "Nothing was changed; try again.")
                              .arg(where);
}

bool Writing::lostOrRolledBack(bool committing, QString *error) const
{
    if (lost()) {
        *error = m_link->lostMessage(committing);
        return true;
    }
    PQclear(exec(m_link->pg, u"ROLLBACK"_s));
    return false;
}

PGresult *exec(PGconn *pg, const QString &sql, const QList<QByteArray> &params)
{
    Link *link = linkOf(pg);
    if (link)
        link->recoverIfLost(); // lost in an earlier call that did not go through here
    const bool idle = PQtransactionStatus(pg) == PQTRANS_IDLE;
    const QByteArray text = sql.toUtf8();
    PGresult *r = run(pg, text, params);
    if (!link || !failed(r) || PQstatus(pg) != CONNECTION_BAD)
        return r;
    if (link->recoverIfLost() && link->reconnectError.isEmpty() && idle && !link->writing &&
        rerunnable(sql)) {
        PQclear(r);
        r = run(pg, text, params);
    }
    return r;
}

bool send(PGconn *pg, const QString &sql, const QList<QByteArray> &params, QString *why)
{
    if (Link *link = linkOf(pg))
        link->recoverIfLost(); // lost in an earlier call, as exec() does
    const QByteArray text = sql.toUtf8();
    std::vector<const char *> values;
    values.reserve(size_t(params.size()));
    for (const QByteArray &p : params)
        values.push_back(p.constData());
    if (PQsendQueryParams(pg, text.constData(), int(values.size()), nullptr, values.data(), nullptr, nullptr,
                          0))
        return true;
    *why = message(PQerrorMessage(pg));
    return false;
}

bool inlineParams(PGconn *pg, const QString &sql, const QList<QByteArray> &params, QString *out, QString *why)
{
    QStringList literals;
    literals.reserve(params.size());
    for (const QByteArray &p : params) {
        char *quoted = PQescapeLiteral(pg, p.constData(), size_t(p.size()));
        if (!quoted) {
            *why = message(PQerrorMessage(pg));
            return false;
        }
        literals << QString::fromUtf8(quoted);
        PQfreemem(quoted);
    }
    out->clear();
    out->reserve(sql.size() + 64);
    QChar quote; // inside '...' or "..." (a doubled quote leaves and enters again)
    const auto inName = [&](qsizetype i) {
        return i > 0 && (sql.at(i - 1).isLetterOrNumber() || sql.at(i - 1) == u'_' || sql.at(i - 1) == u'$');
    };
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == u'\'' || c == u'"') {
            quote = c;
        } else if (c == u'$' && !inName(i)) {
            qsizetype e = i + 1;
            while (e < sql.size() && sql.at(e) >= u'0' && sql.at(e) <= u'9')
                ++e;
            const qsizetype n = e > i + 1 ? QStringView(sql).sliced(i + 1, e - i - 1).toLongLong() : 0;
            if (n >= 1 && n <= literals.size()) {
                *out += literals.at(n - 1);
                i = e - 1;
                continue;
            }
        }
        *out += c;
    }
    return true;
}

} // namespace pairlens::pg
