#include "storage/pgstorage.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

#include <libpq-fe.h>

using namespace Qt::StringLiterals;

namespace pairlens {

bool isPostgresLocation(const QString &location)
{
    return location.startsWith(u"postgresql://"_s) || location.startsWith(u"postgres://"_s);
}

struct PgStorage::Conn
{
    PGconn *pg = nullptr;
    ~Conn()
    {
        if (pg)
            PQfinish(pg);
    }
};

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("PgStorage", text);
}

// libpq's message, first line, without the "FATAL:" noise. libpq never puts the password in it.
QString pgMessage(const char *message)
{
    QString text = QString::fromUtf8(message).trimmed();
    text = text.section(u'\n', 0, 0).trimmed();
    for (const auto &prefix : {u"FATAL:  "_s, u"ERROR:  "_s})
        if (text.startsWith(prefix))
            text = text.mid(prefix.size());
    return text;
}

struct Result
{
    PGresult *res;
    explicit Result(PGresult *r) : res(r) {}
    ~Result() { PQclear(res); }
    bool ok() const
    {
        const auto s = PQresultStatus(res);
        return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    }
    QString error() const { return pgMessage(PQresultErrorMessage(res)); }
};

} // namespace

PgStorage::~PgStorage() = default;

std::unique_ptr<PgStorage> PgStorage::open(const QString &location, QString *error)
{
    if (!isPostgresLocation(location)) {
        *error = tr("Not a PostgreSQL location (postgresql://user@host:port/database).");
        return nullptr;
    }
    QUrl url(location, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()) {
        *error = tr("The PostgreSQL location is not a valid URL: "
                    "postgresql://user[:password]@host:port/database[?schema=NAME].");
        return nullptr;
    }
    // schema= is PairLens's own parameter: libpq refuses unknown ones, so it is taken out.
    QUrlQuery query(url);
    QString schema = query.queryItemValue(u"schema"_s, QUrl::FullyDecoded);
    query.removeAllQueryItems(u"schema"_s);
    if (schema.isEmpty())
        schema = u"training_data"_s;
    if (!query.hasQueryItem(u"connect_timeout"_s))
        query.addQueryItem(u"connect_timeout"_s, u"10"_s);
    url.setQuery(query);

    std::unique_ptr<PgStorage> storage(new PgStorage);
    storage->m_conn = std::make_unique<Conn>();
    storage->m_schema = schema;
    const QByteArray conninfo = url.toEncoded();
    storage->m_conn->pg = PQconnectdb(conninfo.constData());
    PGconn *pg = storage->m_conn->pg;
    const QString where = u"%1:%2"_s.arg(url.host()).arg(url.port(5432));
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        *error = tr("Cannot connect to PostgreSQL at %1: %2")
                     .arg(where, pg ? pgMessage(PQerrorMessage(pg)) : QString());
        return nullptr;
    }
    char *quoted = PQescapeIdentifier(pg, schema.toUtf8().constData(), size_t(schema.toUtf8().size()));
    storage->m_quotedSchema = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    if (!storage->migrate(error))
        return nullptr;
    return storage;
}

bool PgStorage::migrate(QString *error)
{
    PGconn *pg = m_conn->pg;
    const QString s = m_quotedSchema;
    const auto readVersion = [&]() -> int {
        Result r(PQexec(
            pg, u"SELECT value FROM %1.settings WHERE key = 'format_version'"_s.arg(s).toUtf8().constData()));
        if (!r.ok() || PQntuples(r.res) != 1)
            return 0;
        return QString::fromUtf8(PQgetvalue(r.res, 0, 0)).toInt();
    };
    m_version = readVersion();
    if (m_version > kFormatVersion) {
        *error = tr("The PostgreSQL schema %1 has format version %2; this PairLens reads up to version %3.")
                     .arg(m_schema)
                     .arg(m_version)
                     .arg(kFormatVersion);
        return false;
    }
    if (m_version == kFormatVersion)
        return true;

    // First open: one transaction creates the schema, its tables and the version. The columns match
    // the SQLite dataset's pairs table (docs/dataset-format.md) so a recorder can INSERT the same
    // seed fields; the derived columns stay NULL until PairLens fills them.
    const QString ddl = uR"(SET client_min_messages = warning;
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('pairlens-migrate'));
CREATE SCHEMA IF NOT EXISTS %1;
CREATE TABLE IF NOT EXISTS %1.settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS %1.pairs (
    id BIGSERIAL PRIMARY KEY,
    pair_id TEXT NOT NULL UNIQUE DEFAULT replace(gen_random_uuid()::text, '-', ''),
    natural_language_query TEXT NOT NULL DEFAULT '',
    sql_query TEXT NOT NULL DEFAULT '',
    timestamp TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    database_type TEXT NOT NULL DEFAULT '',
    database_name TEXT NOT NULL DEFAULT '',
    success INTEGER NOT NULL DEFAULT 1,
    execution_time_ms DOUBLE PRECISION,
    metadata TEXT NOT NULL DEFAULT '{}',
    ts TEXT,
    query_type TEXT,
    table_names TEXT,
    pii_mask INTEGER,
    question_length INTEGER,
    sql_length INTEGER
);
CREATE INDEX IF NOT EXISTS pairs_underived ON %1.pairs (id) WHERE query_type IS NULL;
CREATE INDEX IF NOT EXISTS pairs_timestamp ON %1.pairs (timestamp);
INSERT INTO %1.settings (key, value) VALUES ('format_version', '%2') ON CONFLICT (key) DO NOTHING;
COMMIT;)"_s.arg(s)
                            .arg(kFormatVersion);
    Result r(PQexec(pg, ddl.toUtf8().constData()));
    if (!r.ok()) {
        const QString why = r.error();
        Result rollback(PQexec(pg, "ROLLBACK"));
        *error = tr("Cannot create the PairLens tables in PostgreSQL schema %1: %2").arg(m_schema, why);
        return false;
    }
    m_version = readVersion();
    if (m_version != kFormatVersion) {
        *error = tr("The PostgreSQL schema %1 has no readable format version.").arg(m_schema);
        return false;
    }
    return true;
}

qint64 PgStorage::count(QString *error)
{
    Result r(PQexec(m_conn->pg, u"SELECT count(*) FROM %1.pairs"_s.arg(m_quotedSchema).toUtf8().constData()));
    if (!r.ok()) {
        *error = tr("Cannot count the pairs in PostgreSQL: %1").arg(r.error());
        return -1;
    }
    return QString::fromUtf8(PQgetvalue(r.res, 0, 0)).toLongLong();
}

namespace {

// One field of COPY's text format: backslash, tab, newline and carriage return escaped.
void appendCopyField(QByteArray &line, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            line += "\\\\";
            break;
        case '\t':
            line += "\\t";
            break;
        case '\n':
            line += "\\n";
            break;
        case '\r':
            line += "\\r";
            break;
        default:
            line += c;
        }
    }
}

} // namespace

qint64 PgStorage::addBatch(const QList<Pair> &pairs, QString *error)
{
    PGconn *pg = m_conn->pg;
    bool inCopy = false;
    const auto fail = [&](const QString &why) -> qint64 {
        if (inCopy) {
            PQputCopyEnd(pg, "aborted");
            while (PGresult *rest = PQgetResult(pg))
                PQclear(rest);
        }
        Result rollback(PQexec(pg, "ROLLBACK"));
        *error = tr("Cannot add pairs to PostgreSQL schema %1: %2").arg(m_schema, why);
        return -1;
    };
    {
        Result r(PQexec(
            pg, "BEGIN; CREATE TEMP TABLE pairlens_in (pair_id TEXT, natural_language_query TEXT, "
                "sql_query TEXT, timestamp TEXT, database_type TEXT, database_name TEXT, success INTEGER, "
                "execution_time_ms DOUBLE PRECISION, metadata TEXT) ON COMMIT DROP; "
                "COPY pairlens_in FROM STDIN"));
        if (PQresultStatus(r.res) != PGRES_COPY_IN)
            return fail(r.error());
    }
    inCopy = true;
    QByteArray buffer;
    const auto flush = [&]() {
        const bool ok = PQputCopyData(pg, buffer.constData(), int(buffer.size())) == 1;
        buffer.clear();
        return ok;
    };
    for (const Pair &p : pairs) {
        appendCopyField(buffer, p.pairId);
        buffer += '\t';
        appendCopyField(buffer, p.naturalLanguageQuery);
        buffer += '\t';
        appendCopyField(buffer, p.sqlQuery);
        buffer += '\t';
        appendCopyField(buffer, p.timestamp);
        buffer += '\t';
        appendCopyField(buffer, p.databaseType);
        buffer += '\t';
        appendCopyField(buffer, p.databaseName);
        buffer += p.success ? "\t1\t" : "\t0\t";
        buffer += p.executionTimeMs < 0 ? QByteArray("\\N") : QByteArray::number(p.executionTimeMs, 'g', 17);
        buffer += '\t';
        appendCopyField(buffer, QString::fromUtf8(QJsonDocument(p.metadata).toJson(QJsonDocument::Compact)));
        buffer += '\n';
        if (buffer.size() > (1 << 20) && !flush())
            return fail(pgMessage(PQerrorMessage(pg)));
    }
    if (!buffer.isEmpty() && !flush())
        return fail(pgMessage(PQerrorMessage(pg)));
    inCopy = false;
    if (PQputCopyEnd(pg, nullptr) != 1)
        return fail(pgMessage(PQerrorMessage(pg)));
    {
        Result copied(PQgetResult(pg));
        if (!copied.ok())
            return fail(copied.error());
        while (PGresult *more = PQgetResult(pg))
            PQclear(more);
    }
    const QString insert =
        uR"(INSERT INTO %1.pairs (pair_id, natural_language_query, sql_query, timestamp, database_type,
    database_name, success, execution_time_ms, metadata)
SELECT COALESCE(NULLIF(pair_id, ''), replace(gen_random_uuid()::text, '-', '')), natural_language_query, sql_query,
    COALESCE(NULLIF(timestamp, ''), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    database_type, database_name, success, execution_time_ms, metadata
FROM pairlens_in ON CONFLICT (pair_id) DO NOTHING)"_s.arg(m_quotedSchema);
    Result inserted(PQexec(pg, insert.toUtf8().constData()));
    if (!inserted.ok())
        return fail(inserted.error());
    const qint64 added = QByteArray(PQcmdTuples(inserted.res)).toLongLong();
    Result commit(PQexec(pg, "COMMIT"));
    if (!commit.ok())
        return fail(commit.error());
    return added;
}

} // namespace pairlens
