#pragma once

// Internal to PgStorage: what its files share. pgstorage.cpp connects and migrates, pgadd.cpp adds
// pairs and derives recorders' rows, pgread.cpp translates filters and reads (count, page,
// statistics, duplicates), pgcurate.cpp curates (trash, review, notes, audit log), pgsearchvector.cpp
// holds the search's tokenizer and builds the search vectors.

#include "dataset/duplicatekeys.h"
#include "storage/pgstorage.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QtEndian>

#include <libpq-fe.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace pairlens {

namespace pg {

// What a cancel request needs for each connection of one store (PQgetCancel()), kept current
// across reconnects by the Links, so that another thread may stop whatever they run
// (Storage::statementCanceller(): a window that no longer needs a read).
struct CancelKeys
{
    enum Slot
    {
        Main,
        Helper, // the statistics' second connection
        Slots
    };
    std::mutex mutex;
    PGcancel *keys[Slots] = {};

    CancelKeys() = default;
    CancelKeys(const CancelKeys &) = delete;
    CancelKeys &operator=(const CancelKeys &) = delete;
    ~CancelKeys();
    // On the connection's thread, after it connected (nullptr: it is gone).
    void set(Slot slot, PGconn *pg);
    // Any thread: sends a cancel request for each connection (PQcancel() returns once the server
    // has taken it; a session that runs nothing ignores it).
    void cancelAll();
};

// One connection and what it takes to reconnect it (pgconnection.cpp). When a statement fails because
// the connection dropped (the server restarted, the backend was ended), exec() reconnects once with
// the same parameters (PQreset: the PGconn stays the same object) and LISTENs again; a read outside
// a transaction (SELECT, BEGIN ... READ ONLY) is then run again, so it succeeds as if nothing
// happened. A statement of a write (while a Writing guard is alive) is never run again on its own:
// it fails, PostgreSQL has rolled back what it had done, and lostMessage() says so in one sentence;
// the whole write may then be run again from its start (againAfterReconnect()).
struct Link
{
    PGconn *pg = nullptr;
    QString where;          // host:port, for messages
    QByteArray listen;      // the LISTEN statement once listening (pgnotify.cpp), run again after a reconnect
    int reconnects = 0;     // attempts so far, successful or not
    QString reconnectError; // why the last attempt failed; empty when it succeeded
    bool missed = false;    // reconnected while listening since the last takeChanges()
    bool writing = false;   // in a write: no statement is run again
    bool rolledBack = false;                // lostMessage() said nothing was changed and the reconnect worked
    bool lostUncommitted = false;           // lostMessage() said nothing was changed (reconnected or not)
    std::shared_ptr<CancelKeys> cancelKeys; // set before connect(): kept current for this slot
    CancelKeys::Slot cancelSlot = CancelKeys::Main;

    Link() = default;
    Link(const Link &) = delete;
    Link &operator=(const Link &) = delete;
    ~Link();
    // Connects with `conninfo`; false with libpq's reason in *why.
    bool connect(const QByteArray &conninfo, QString *why);
    // Reconnects when the connection is lost; true when it was (whether the new one works or not).
    bool recoverIfLost();
    // The one sentence for an operation the lost connection stopped: nothing was changed, or, when
    // the connection dropped while COMMIT was under way, that the change's outcome is unknown.
    QString lostMessage(bool duringCommit = false);
};

inline bool succeeded(bool ok)
{
    return ok;
}
inline bool succeeded(qint64 count)
{
    return count >= 0;
}

// Runs a write, and once more when it failed only because the connection dropped before its COMMIT
// was sent and PairLens reconnected (lostMessage() said nothing was changed): PostgreSQL rolled all
// of it back, so the second run does what the first would have done, and the first write after a
// server restart succeeds without anyone seeing the restart. `write` is whole transactions that a
// second run repeats safely: every PgStorage write is one transaction, or batches of which each
// skips what an earlier one did. A second loss fails with its sentence.
template <typename Write> auto againAfterReconnect(Link *link, QString *error, Write &&write)
{
    link->rolledBack = link->lostUncommitted = false;
    auto result = write();
    if (succeeded(result) || !link->rolledBack)
        return result;
    link->rolledBack = link->lostUncommitted = false; // what the second run says, not the first
    error->clear();
    return write();
}

// Marks a write on a Link for its lifetime (its statements are never run again) and tells whether the
// connection was lost meanwhile.
class Writing
{
public:
    explicit Writing(Link *link) : m_link(link), m_before(link->reconnects), m_outer(link->writing)
    {
        link->writing = true;
    }
    ~Writing() { m_link->writing = m_outer; }
    Writing(const Writing &) = delete;
    Writing &operator=(const Writing &) = delete;
    // True when the connection dropped since the write began (PairLens reconnected, or tried to).
    bool lost() const
    {
        m_link->recoverIfLost();
        return m_link->reconnects != m_before;
    }
    // After a failed statement of the write: true with the lost connection's one sentence in *error
    // (PostgreSQL rolled the transaction back, unless COMMIT was under way: `committing`), or false
    // after a ROLLBACK on the live connection, for the caller to say what failed.
    bool lostOrRolledBack(bool committing, QString *error) const;

private:
    Link *m_link;
    int m_before;
    bool m_outer;
};

inline QString tr(const char *text)
{
    return QCoreApplication::translate("PgStorage", text);
}

// libpq's message, first line, without the "FATAL:" noise. libpq never puts the password in it.
QString message(const char *text);

// Owns a PGresult.
struct Result
{
    PGresult *res;
    explicit Result(PGresult *r) : res(r) {}
    ~Result() { PQclear(res); }
    Result(const Result &) = delete;
    Result &operator=(const Result &) = delete;
    bool ok() const
    {
        const auto s = PQresultStatus(res);
        return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    }
    QString error() const { return message(PQresultErrorMessage(res)); }
    // The SQLSTATE of a failed statement ("42501": insufficient privilege), empty when there is none.
    QByteArray state() const
    {
        const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        return s ? QByteArray(s) : QByteArray();
    }
    int rows() const { return PQntuples(res); }
    bool isNull(int row, int column) const { return PQgetisnull(res, row, column) != 0; }
    QString text(int row, int column) const { return QString::fromUtf8(PQgetvalue(res, row, column)); }
    qint64 number(int row, int column) const { return QByteArray(PQgetvalue(res, row, column)).toLongLong(); }
    double real(int row, int column) const { return QByteArray(PQgetvalue(res, row, column)).toDouble(); }
};

// A pair's stored metadata (its JSON text) as an object; "{}" and "" are none, without a parse.
QJsonObject metadataObject(const QString &stored);
// The rows of `SELECT key, value FROM settings` as readSettings() gives them: without the
// anonymization secret (which no reader of the settings gets).
QHash<QString, QString> settingsOf(const Result &rows);

// The two indexes a bulk load leaves out and builds at its end (pgbulk.cpp), as the schema's DDL
// creates them (pgstorage.cpp); %1 is the quoted schema.
inline const QString kLiveTsIndexDdl =
    QStringLiteral("CREATE INDEX IF NOT EXISTS pairs_live_ts ON %1.pairs (ts COLLATE \"C\", id) "
                   "WHERE query_type IS NOT NULL");
inline const QString kSearchIndexDdl =
    QStringLiteral("CREATE INDEX IF NOT EXISTS pairs_search ON %1.pairs USING gin (search_vector)");
inline const QString kBulkIndexesDrop =
    QStringLiteral("DROP INDEX IF EXISTS %1.pairs_search, %1.pairs_live_ts");

// UTF-8 texts as a text[] literal, for a parameter `$n::text[]`.
QByteArray textArray(const QList<QByteArray> &texts);

// Runs one statement with text parameters ($1, $2, ...); on a connection of a Link, reconnects when
// the connection dropped and runs a read again (Link above).
PGresult *exec(PGconn *pg, const QString &sql, const QList<QByteArray> &params = {});
// Sends one statement with text parameters without waiting for its result (PQsendQueryParams), on a
// Link's connection after reconnecting it if it was lost in an earlier call. False with libpq's
// reason in *why.
bool send(PGconn *pg, const QString &sql, const QList<QByteArray> &params, QString *why);
// The statement with its text parameters written in as literals (PQescapeLiteral), for a statement
// that cannot take parameters (COPY (SELECT ...) TO STDOUT). A `$n` is replaced only outside string
// literals and quoted identifiers (a schema may be named "a$1") and not inside a name (a$1). False
// with libpq's reason in *why.
bool inlineParams(PGconn *pg, const QString &sql, const QList<QByteArray> &params, QString *out,
                  QString *why);

// The WHERE condition of a Filter over `pairs p`, with its parameters, for a schema of format
// `version` (before 3 there is no review, trash or search column: a read-only role reads such a
// schema as it is). Only what PostgreSQL can answer the same way as a dataset file is translated;
// the rest is refused (pgread.cpp).
struct Condition
{
    QString where;
    QList<QByteArray> params;
};
// `quotedSchema` names the schema for the subqueries of the duplicates filters. The parameters are
// numbered after those already in out->params when `append` (several conditions in one statement).
bool condition(const Filter &filter, int version, const QString &quotedSchema, Condition *out, QString *error,
               bool append = false);

// True when the schema has the columns of format version 3 (review, trash, search).
inline bool hasCuration(int version)
{
    return version >= 3;
}

// True when the schema has the duplicate keys of format version 5 (`exact_key`, `normalized_key`).
inline bool hasDuplicateKeys(int version)
{
    return version >= 5;
}

// A pair's duplicate keys (dataset/duplicatekeys.h) as bytea hex input (`\x` and 32 digits): the 16 bytes
// of each key as a dataset file's pairlens_exact_key() and pairlens_normalized_key() return them.
// PairLens stores them with the search vector (format version 5), so that the duplicates filters
// and counts are SQL over the schema. In a COPY line each takes one more backslash.
struct DuplicateKeys
{
    QByteArray exact, normalized;
};
DuplicateKeys duplicateKeys(const QString &question, const QString &sql, const QString &databaseType);

// The search (pgcurate.cpp). A dataset file's full-text index splits text into tokens of letters,
// digits and private-use characters, lower-cased and without diacritics (FTS5's unicode61 tokenizer
// with remove_diacritics 2); PairLens splits the same way, so PostgreSQL's text search matches the
// same words: searchTokens() gives the tokens of a text.
QStringList searchTokens(const QString &text);
// A pair's `search_vector` as tsvector input text: the tokens of the question, then of the SQL, with
// their positions (one position left out between the two, so no phrase spans them). Empty when
// neither has a token.
QByteArray searchVector(const QString &question, const QString &sql);
// The same vector as one field of a binary COPY (its length, then tsvector's binary form: the
// lexemes sorted and unique, each with its ascending positions), appended to `out`.
void appendBinarySearchVector(QByteArray &out, const QString &question, const QString &sql);
// Filter::search as tsquery input text, as ftsQuery() reads it for a file: every word a phrase of
// its tokens (<->), all of them required (&), the last token of the last word a prefix (:*). Empty
// when no word has a token (then nothing matches).
QString searchQuery(const QString &search);

// Rows in COPY's binary format, appended to `out`: the signature and header (unless the data
// continues a COPY that had them), then for each row its count of fields and each field as its
// length (-1 for NULL) and bytes, in the binary form of its column's type; finish() after the last
// row. The columns' types must be the ones named here.
class BinaryCopy
{
public:
    explicit BinaryCopy(QByteArray &out, bool header = true) : m_out(out)
    {
        if (!header)
            return;
        m_out.append("PGCOPY\n\xff\r\n\0", 11);
        append32(0); // flags: no OIDs
        append32(0); // no header extension
    }
    void row(qint16 fields) { append16(fields); }
    void null() { append32(-1); }
    void bytes(QByteArrayView value) // TEXT and BYTEA
    {
        append32(qint32(value.size()));
        m_out.append(value.data(), value.size());
    }
    void text(const QString &value)
    {
        // ASCII (ids, times, names) straight into the buffer, without a converted copy.
        const char16_t *p = reinterpret_cast<const char16_t *>(value.utf16());
        const qsizetype n = value.size();
        if (std::any_of(p, p + n, [](char16_t c) { return c >= 0x80; })) {
            bytes(value.toUtf8());
            return;
        }
        append32(qint32(n));
        const qsizetype at = m_out.size();
        m_out.resize(at + n);
        std::copy(p, p + n, m_out.data() + at);
    }
    void int4(qint32 value) // INTEGER
    {
        append32(4);
        append32(value);
    }
    void int8(qint64 value) // BIGINT
    {
        append32(8);
        const qint64 be = qToBigEndian(value);
        m_out.append(reinterpret_cast<const char *>(&be), 8);
    }
    void float8(double value) // DOUBLE PRECISION
    {
        append32(8);
        quint64 bits;
        std::memcpy(&bits, &value, sizeof bits);
        const quint64 be = qToBigEndian(bits);
        m_out.append(reinterpret_cast<const char *>(&be), 8);
    }
    // A duplicate key as BYTEA: its 16 bytes as the text form's hex spells them (pg::duplicateKeys).
    void key(const dupkeys::Key &key)
    {
        bytes(QByteArrayView(reinterpret_cast<const char *>(key.data()), sizeof key));
    }
    // An analysed pair's last three fields: its search vector (appendBinarySearchVector) and its
    // exact and normalized duplicate keys; the question and SQL given also as UTF-8, converted once
    // by the caller for their own fields.
    void searchFields(const QString &question, const QString &sql, QByteArrayView questionUtf8,
                      QByteArrayView sqlUtf8, const QString &databaseType);
    void finish() { append16(-1); }

private:
    void append16(qint16 v)
    {
        const qint16 be = qToBigEndian(v);
        m_out.append(reinterpret_cast<const char *>(&be), 2);
    }
    void append32(qint32 v)
    {
        const qint32 be = qToBigEndian(v);
        m_out.append(reinterpret_cast<const char *>(&be), 4);
    }
    QByteArray &m_out;
};

// Appends one field of COPY's text format to `line`: backslash, tab, newline and carriage return escaped.
void appendCopyField(QByteArray &line, const QString &value);
// The same for text that is UTF-8 already.
void appendCopyBytes(QByteArray &line, QByteArrayView utf8);

} // namespace pg

struct PgStorage::Conn : pg::Link
{
};

} // namespace pairlens
