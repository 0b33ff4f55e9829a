#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>

#include <libpq-fe.h>

using namespace Qt::StringLiterals;

namespace pairlens {

bool isPostgresLocation(const QString &location)
{
    return location.startsWith(u"postgresql://"_s) || location.startsWith(u"postgres://"_s);
}

namespace pg {

QString message(const char *text)
{
    QString line = QString::fromUtf8(text).trimmed();
    line = line.section(u'\n', 0, 0).trimmed();
    // Also inside: libpq puts the server's "FATAL:  ..." after its own "connection to server at ... failed:
    // ".
    for (const auto &prefix : {u"FATAL:  "_s, u"ERROR:  "_s})
        line.remove(prefix);
    return line;
}

QByteArray textArray(const QList<QByteArray> &texts)
{
    QByteArray out = "{";
    for (const QByteArray &t : texts) {
        if (out.size() > 1)
            out += ',';
        out += '"';
        for (const char ch : t) {
            if (ch == '"' || ch == '\\')
                out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + '}';
}

// One field of COPY's text format: backslash, tab, newline and carriage return escaped.
void appendCopyBytes(QByteArray &line, QByteArrayView utf8)
{
    // Runs without a character to escape are appended whole (most fields have none).
    const char *p = utf8.data();
    const char *const end = p + utf8.size();
    while (p < end) {
        const char *run = p;
        while (p < end && *p != '\\' && *p != '\t' && *p != '\n' && *p != '\r')
            ++p;
        line.append(run, p - run);
        if (p == end)
            break;
        switch (*p++) {
        case '\\':
            line += "\\\\";
            break;
        case '\t':
            line += "\\t";
            break;
        case '\n':
            line += "\\n";
            break;
        default:
            line += "\\r";
        }
    }
}

void appendCopyField(QByteArray &line, const QString &value)
{
    appendCopyBytes(line, value.toUtf8());
}

QJsonObject metadataObject(const QString &stored)
{
    return stored.size() > 2 ? QJsonDocument::fromJson(stored.toUtf8()).object() : QJsonObject();
}

QHash<QString, QString> settingsOf(const Result &rows)
{
    QHash<QString, QString> settings;
    for (int i = 0; i < rows.rows(); ++i)
        settings.insert(rows.text(i, 0), rows.text(i, 1));
    settings.remove(u"privacy.secret"_s);
    return settings;
}

} // namespace pg

using pg::Result;
using pg::tr;

PgStorage::~PgStorage() = default;

pg_conn *PgStorage::connection() const
{
    return m_conn->pg;
}

std::unique_ptr<PgStorage> PgStorage::open(const QString &location, QString *error, bool create)
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
    // PairLens sends and reads UTF-8 whatever the database's encoding: without this a database in
    // another encoding (LATIN1, SQL_ASCII) took the bytes of UTF-8 text as its own characters, which
    // a recorder or psql then read garbled (and PairLens read theirs garbled).
    query.removeAllQueryItems(u"client_encoding"_s);
    query.addQueryItem(u"client_encoding"_s, u"UTF8"_s);
    url.setQuery(query);

    std::unique_ptr<PgStorage> storage(new PgStorage);
    storage->m_conn = std::make_unique<Conn>();
    storage->m_schema = schema;
    storage->m_create = create;
    QUrl shown(location);
    shown.setPassword({});
    storage->m_location = shown.toString();
    const QString where = u"%1:%2"_s.arg(url.host()).arg(url.port(5432));
    storage->m_conn->where = where;
    storage->m_cancelKeys = std::make_shared<pg::CancelKeys>();
    storage->m_conn->cancelKeys = storage->m_cancelKeys;
    QString why;
    storage->m_conninfo = url.toEncoded();
    if (!storage->m_conn->connect(storage->m_conninfo, &why)) {
        *error = tr("Cannot connect to PostgreSQL at %1: %2").arg(where, why);
        return nullptr;
    }
    PGconn *pg = storage->m_conn->pg;
    char *quoted = PQescapeIdentifier(pg, schema.toUtf8().constData(), size_t(schema.toUtf8().size()));
    storage->m_quotedSchema = QString::fromUtf8(quoted);
    PQfreemem(quoted);
    if (!storage->migrate(error) || !storage->ensureSecret(error))
        return nullptr;
    return storage;
}

// As Dataset::ensureSecret(): 32 random bytes, hex in the settings table under privacy.secret,
// created once by the first role that may write (under the schema's advisory lock, so two first
// opens agree on one secret); a read-only role without one gets a secret for this session only.
bool PgStorage::ensureSecret(QString *error)
{
    PGconn *pg = m_conn->pg;
    const QString select =
        u"SELECT value FROM %1.settings WHERE key = 'privacy.secret'"_s.arg(m_quotedSchema);
    const auto read = [&]() -> bool {
        Result r(pg::exec(pg, select));
        if (!r.ok()) {
            *error = tr("Cannot read the settings of PostgreSQL schema %1: %2").arg(m_schema, r.error());
            return false;
        }
        if (r.rows() == 1)
            m_secret = QByteArray::fromHex(r.text(0, 0).toLatin1());
        return true;
    };
    if (!read())
        return false;
    if (!m_secret.isEmpty())
        return true;
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(secret.begin(), secret.end());
    QString readOnly;
    if (!canWrite(&readOnly)) {
        m_secret = secret;
        return true;
    }
    const QString sql = uR"(BEGIN;
SELECT pg_advisory_xact_lock(hashtext('pairlens-migrate'));
INSERT INTO %1.settings (key, value) VALUES ('privacy.secret', '%2') ON CONFLICT (key) DO NOTHING;
COMMIT;)"_s.arg(m_quotedSchema, QString::fromLatin1(secret.toHex()));
    Result r(PQexec(pg, sql.toUtf8().constData()));
    if (!r.ok()) {
        const QString why = r.error();
        Result rollback(PQexec(pg, "ROLLBACK"));
        *error = tr("Cannot write the settings of PostgreSQL schema %1: %2").arg(m_schema, why);
        return false;
    }
    if (!read())
        return false;
    if (m_secret.size() != 32) {
        *error = tr("The privacy secret of PostgreSQL schema %1 is damaged.").arg(m_schema);
        return false;
    }
    return true;
}

bool PgStorage::readSettings(QHash<QString, QString> *out, QString *error)
{
    out->clear();
    Result r(pg::exec(m_conn->pg, u"SELECT key, value FROM %1.settings"_s.arg(m_quotedSchema)));
    if (!r.ok()) {
        *error = m_conn->pg && PQstatus(m_conn->pg) == CONNECTION_BAD ? m_conn->lostMessage() : r.error();
        return false;
    }
    *out = pg::settingsOf(r);
    return true;
}

bool PgStorage::reachable()
{
    Result r(pg::exec(m_conn->pg, u"SELECT 1"_s)); // run again on a new connection after a loss
    return r.ok();
}

int PgStorage::connectionLosses() const
{
    return m_conn->reconnects;
}

bool PgStorage::lostSinceOpened() const
{
    return m_conn->reconnects > 0 || PQstatus(m_conn->pg) == CONNECTION_BAD;
}

bool PgStorage::lastWriteLostUncommitted() const
{
    return m_conn->lostUncommitted;
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
    if (m_version == 0 && !m_create) {
        *error =
            tr("%1 holds no PairLens dataset: schema %2 has no PairLens tables.").arg(m_location, m_schema);
        return false;
    }
    if (m_version == kFormatVersion) {
        repairIndexes();
        return true;
    }
    // An older version the role may not migrate (a read-only role) is read as it is: version 2 only
    // added an index, and the reads of version 3's columns fall back to what a schema without them
    // means (every pair live and unreviewed, no search; pg::condition()).
    QString readOnly;
    if (m_version > 0 && !canWrite(&readOnly))
        return true;

    // First open (or an older version): one transaction creates what is missing of the schema, its
    // tables, indexes and change trigger (version 4: every statement that changes pairs, a
    // recorder's INSERT included, notifies the channel named as the schema), and sets the version. The
    // columns match the SQLite dataset's pairs table (docs/dataset-format.md) so a recorder can INSERT the
    // same seed fields; the derived columns stay NULL until PairLens fills them.
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
DROP INDEX IF EXISTS %1.pairs_timestamp;
%3;
ALTER TABLE %1.pairs ADD COLUMN IF NOT EXISTS review_status INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS reviewer_note TEXT NOT NULL DEFAULT '',
    ADD COLUMN IF NOT EXISTS deleted_at TEXT,
    ADD COLUMN IF NOT EXISTS delete_batch BIGINT,
    ADD COLUMN IF NOT EXISTS search_vector TSVECTOR,
    ADD COLUMN IF NOT EXISTS exact_key BYTEA,
    ADD COLUMN IF NOT EXISTS normalized_key BYTEA;
CREATE INDEX IF NOT EXISTS pairs_trash ON %1.pairs (delete_batch) WHERE delete_batch IS NOT NULL;
CREATE INDEX IF NOT EXISTS pairs_unkeyed ON %1.pairs (id) WHERE normalized_key IS NULL;
DROP INDEX IF EXISTS %1.pairs_unsearched;
%4;
CREATE TABLE IF NOT EXISTS %1.audit_log (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    action TEXT NOT NULL,
    pair_count BIGINT NOT NULL DEFAULT 0,
    detail JSONB NOT NULL DEFAULT '{}',
    role TEXT NOT NULL DEFAULT current_user
);
CREATE OR REPLACE FUNCTION %1.pairlens_notify() RETURNS trigger LANGUAGE plpgsql AS $pairlens$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA, lower(TG_OP));
    RETURN NULL;
END
$pairlens$;
CREATE OR REPLACE TRIGGER pairs_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %1.pairs
    FOR EACH STATEMENT EXECUTE FUNCTION %1.pairlens_notify();
INSERT INTO %1.settings AS s (key, value) VALUES ('format_version', '%2')
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value WHERE s.value::int < EXCLUDED.value::int;
COMMIT;)"_s.arg(s, QString::number(kFormatVersion), pg::kLiveTsIndexDdl.arg(s), pg::kSearchIndexDdl.arg(s));
    Result r(PQexec(pg, ddl.toUtf8().constData()));
    if (!r.ok()) {
        const QString why = r.error();
        Result rollback(PQexec(pg, "ROLLBACK"));
        *error = tr("Cannot create the PairLens tables in PostgreSQL schema %1: %2").arg(m_schema, why);
        return false;
    }
    m_createdSchema = m_version == 0;
    m_version = readVersion();
    if (m_version != kFormatVersion) {
        *error = tr("The PostgreSQL schema %1 has no readable format version.").arg(m_schema);
        return false;
    }
    return true;
}

qint64 PgStorage::count(QString *error)
{
    Result r(pg::exec(m_conn->pg, u"SELECT count(*) FROM %1.pairs"_s.arg(m_quotedSchema)));
    if (!r.ok()) {
        *error = tr("Cannot count the pairs in PostgreSQL: %1").arg(r.error());
        return -1;
    }
    return QString::fromUtf8(PQgetvalue(r.res, 0, 0)).toLongLong();
}

void PgStorage::analyze()
{
    Result r(
        pg::exec(m_conn->pg, u"SET client_min_messages = error; ANALYZE %1.pairs"_s.arg(m_quotedSchema)));
}

bool PgStorage::canWrite(QString *why)
{
    Result r(pg::exec(m_conn->pg, u"SELECT has_table_privilege($1::text, 'INSERT')"_s,
                      {(m_quotedSchema + u".pairs"_s).toUtf8()}));
    if (!r.ok()) {
        *why = tr("Cannot read the privileges of PostgreSQL schema %1: %2").arg(m_schema, r.error());
        return false;
    }
    if (r.text(0, 0) == u"t"_s)
        return true;
    *why = tr("%1 is read-only for this PostgreSQL role: it may not add pairs to schema %2.")
               .arg(m_location, m_schema);
    return false;
}

} // namespace pairlens
