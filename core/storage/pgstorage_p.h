#pragma once

// Internal to PgStorage: what its files share. pgstorage.cpp connects, migrates and writes,
// pgread.cpp translates filters and reads (count, page, statistics, duplicates).

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
    int rows() const { return PQntuples(res); }
    bool isNull(int row, int column) const { return PQgetisnull(res, row, column) != 0; }
    QString text(int row, int column) const { return QString::fromUtf8(PQgetvalue(res, row, column)); }
    qint64 number(int row, int column) const { return QByteArray(PQgetvalue(res, row, column)).toLongLong(); }
    double real(int row, int column) const { return QByteArray(PQgetvalue(res, row, column)).toDouble(); }
};

// Runs one statement with text parameters ($1, $2, ...).
PGresult *exec(PGconn *pg, const QString &sql, const QList<QByteArray> &params = {});

// The WHERE condition of a Filter over `pairs p`, with its parameters. Only what PostgreSQL can
// answer the same way as a dataset file is translated; the rest is refused (pgread.cpp).
struct Condition
{
    QString where;
    QList<QByteArray> params;
};
bool condition(const Filter &filter, Condition *out, QString *error);

} // namespace pg
} // namespace pairlens
