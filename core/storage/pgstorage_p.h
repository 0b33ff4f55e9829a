#pragma once

// Internal to PgStorage: what its files share. pgstorage.cpp connects, migrates and writes,
// pgread.cpp translates filters and reads (count, page, statistics, duplicates), pgcurate.cpp
// curates (trash, review, notes, audit log) and holds the search's tokenizer.

#include "storage/pgstorage.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <libpq-fe.h>

namespace pairlens {

struct PgStorage::Conn
{
    PGconn *pg = nullptr;
    bool listening = false; // LISTEN was issued (pgnotify.cpp)
    ~Conn()
    {
        if (pg)
            PQfinish(pg);
    }
};

namespace pg {

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

// Runs one statement with text parameters ($1, $2, ...).
PGresult *exec(PGconn *pg, const QString &sql, const QList<QByteArray> &params = {});

// The WHERE condition of a Filter over `pairs p`, with its parameters, for a schema of format
// `version` (before 3 there is no review, trash or search column: a read-only role reads such a
// schema as it is). Only what PostgreSQL can answer the same way as a dataset file is translated;
// the rest is refused (pgread.cpp).
struct Condition
{
    QString where;
    QList<QByteArray> params;
};
bool condition(const Filter &filter, int version, Condition *out, QString *error);

// True when the schema has the columns of format version 3 (review, trash, search).
inline bool hasCuration(int version)
{
    return version >= 3;
}

// The search (pgcurate.cpp). A dataset file's full-text index splits text into tokens of letters,
// digits and private-use characters, lower-cased and without diacritics (FTS5's unicode61 tokenizer
// with remove_diacritics 2); PairLens splits the same way, so PostgreSQL's text search matches the
// same words: searchTokens() gives the tokens of a text.
QStringList searchTokens(const QString &text);
// A pair's `search_vector` as tsvector input text: the tokens of the question, then of the SQL, with
// their positions (one position left out between the two, so no phrase spans them). Empty when
// neither has a token.
QByteArray searchVector(const QString &question, const QString &sql);
// Filter::search as tsquery input text, as ftsQuery() reads it for a file: every word a phrase of
// its tokens (<->), all of them required (&), the last token of the last word a prefix (:*). Empty
// when no word has a token (then nothing matches).
QString searchQuery(const QString &search);

// Appends one field of COPY's text format to `line`: backslash, tab, newline and carriage return escaped.
void appendCopyField(QByteArray &line, const QString &value);

} // namespace pg
} // namespace pairlens
