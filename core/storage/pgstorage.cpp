#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>

#include <libpq-fe.h>

#include <algorithm>

#include <vector>

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

QHash<QString, QString> PgStorage::settings()
{
    QHash<QString, QString> out;
    Result r(pg::exec(m_conn->pg, u"SELECT key, value FROM %1.settings"_s.arg(m_quotedSchema)));
    if (!r.ok())
        return out;
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.text(i, 0), r.text(i, 1));
    out.remove(u"privacy.secret"_s);
    return out;
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
    if (m_version == kFormatVersion)
        return true;
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
CREATE INDEX IF NOT EXISTS pairs_live_ts ON %1.pairs (ts COLLATE "C", id) WHERE query_type IS NOT NULL;
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
CREATE INDEX IF NOT EXISTS pairs_search ON %1.pairs USING gin (search_vector);
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

namespace {

// The derived fields as the last nine fields of a COPY line (ts, query_type, table_names,
// pii_mask, question_length, sql_length, search_vector, exact_key, normalized_key): \N for each of
// the first six when `d` is null, and for the last three when `vector` is null. A pair that gets its
// search vector gets its duplicate keys (pg::duplicateKeys) with it.
void appendDerived(QByteArray &line, const DerivedFields *d, const QByteArray &vector,
                   const pg::DuplicateKeys &keys = {})
{
    if (!d) {
        line += "\\N\t\\N\t\\N\t\\N\t\\N\t\\N";
    } else {
        pg::appendCopyField(line, d->ts);
        line += '\t';
        pg::appendCopyField(line, d->queryType);
        line += '\t';
        pg::appendCopyField(line, d->tableNamesJson);
        line += '\t' + QByteArray::number(d->piiMask) + '\t' + QByteArray::number(d->questionLength) + '\t' +
                QByteArray::number(d->sqlLength);
    }
    line += '\t';
    if (vector.isNull()) {
        line += "\\N\t\\N\t\\N";
        return;
    }
    line += vector; // tokens of letters and digits, quotes, colons and spaces: nothing to escape
    line += "\t\\" + keys.exact + "\t\\" + keys.normalized;
}

const char kDerivedColumns[] = "ts TEXT, query_type TEXT, table_names TEXT, pii_mask BIGINT, "
                               "question_length INTEGER, sql_length INTEGER, search_vector TSVECTOR, "
                               "exact_key BYTEA, normalized_key BYTEA";

// Runs `statements` (in one round trip, the last of them a COPY ... FROM STDIN) and COPYs the lines of
// `data`. Returns false with libpq's reason in *why.
bool copyInto(PGconn *pg, const QString &statements, const QByteArray &data, QString *why,
              QByteArray *state = nullptr)
{
    {
        Result r(pg::exec(pg, statements));
        if (PQresultStatus(r.res) != PGRES_COPY_IN) {
            *why = r.error();
            return false;
        }
    }
    constexpr qsizetype kPiece = 1 << 20;
    for (qsizetype from = 0; from < data.size(); from += kPiece) {
        const qsizetype n = std::min(kPiece, data.size() - from);
        if (PQputCopyData(pg, data.constData() + from, int(n)) != 1) {
            *why = pg::message(PQerrorMessage(pg));
            PQputCopyEnd(pg, "aborted");
            while (PGresult *rest = PQgetResult(pg))
                PQclear(rest);
            return false;
        }
    }
    if (PQputCopyEnd(pg, nullptr) != 1) {
        *why = pg::message(PQerrorMessage(pg));
        return false;
    }
    Result copied(PQgetResult(pg));
    bool ok = copied.ok();
    if (!ok) {
        *why = copied.error();
        if (state)
            *state = copied.state();
    }
    while (PGresult *more = PQgetResult(pg))
        PQclear(more);
    return ok;
}

// In the open transaction: creates the temporary table `pairlens_in` with `columns` (dropped at
// commit) and COPYs the lines of `data` into it. Returns false with libpq's reason in *why.
bool copyIn(PGconn *pg, const QString &columns, const QByteArray &data, QString *why)
{
    return copyInto(
        pg, u"CREATE TEMP TABLE pairlens_in (%1) ON COMMIT DROP; COPY pairlens_in FROM STDIN"_s.arg(columns),
        data, why);
}

} // namespace

Storage::PreparedBatch PgStorage::prepareBatch(QList<Pair> pairs, QList<DerivedFields> derived) const
{
    Q_ASSERT(derived.isEmpty() || derived.size() == pairs.size());
    QByteArray buffer;
    for (qsizetype i = 0; i < pairs.size(); ++i) {
        const Pair &p = pairs.at(i);
        pg::appendCopyField(buffer, p.pairId);
        buffer += '\t';
        pg::appendCopyField(buffer, p.naturalLanguageQuery);
        buffer += '\t';
        pg::appendCopyField(buffer, p.sqlQuery);
        buffer += '\t';
        pg::appendCopyField(buffer, p.timestamp);
        buffer += '\t';
        pg::appendCopyField(buffer, p.databaseType);
        buffer += '\t';
        pg::appendCopyField(buffer, p.databaseName);
        buffer += p.success ? "\t1\t" : "\t0\t";
        buffer += p.executionTimeMs < 0 ? QByteArray("\\N") : QByteArray::number(p.executionTimeMs, 'g', 17);
        buffer += '\t';
        if (!derived.isEmpty() && !derived.at(i).metadataJson.isNull())
            pg::appendCopyBytes(buffer, derived.at(i).metadataJson); // serialised by the importer's worker
        else
            pg::appendCopyBytes(buffer, QJsonDocument(p.metadata).toJson(QJsonDocument::Compact));
        buffer += '\t';
        if (derived.isEmpty())
            appendDerived(buffer, nullptr, {});
        else
            appendDerived(buffer, &derived.at(i), pg::searchVector(p.naturalLanguageQuery, p.sqlQuery),
                          pg::duplicateKeys(p.naturalLanguageQuery, p.sqlQuery, p.databaseType));
        buffer += '\n';
    }
    // The pairs themselves are not needed to send the batch.
    PreparedBatch batch;
    batch.data = std::move(buffer);
    batch.count = pairs.size();
    batch.complete = std::all_of(pairs.cbegin(), pairs.cend(),
                                 [](const Pair &p) { return !p.pairId.isEmpty() && !p.timestamp.isEmpty(); });
    return batch;
}

qint64 PgStorage::addBatch(const QList<Pair> &pairs, const QList<DerivedFields> &derived, QString *error,
                           qint64 *taken)
{
    return addPreparedBatch(prepareBatch(pairs, derived), error, taken);
}

qint64 PgStorage::addPrepared(const PreparedBatch &batch, QString *error)
{
    return addPreparedBatch(batch, error, nullptr);
}

qint64 PgStorage::addPreparedBatch(const PreparedBatch &batch, QString *error, qint64 *taken)
{
    PGconn *pg = m_conn->pg;
    const pg::Writing writing(m_conn.get());
    const auto fail = [&](const QString &why, bool committing = false) -> qint64 {
        if (!writing.lostOrRolledBack(committing, error))
            *error = tr("Cannot add pairs to PostgreSQL schema %1: %2").arg(m_schema, why);
        return -1;
    };
    const QByteArray &buffer = batch.data;
    QString why;
    if (batch.fresh && batch.complete && !taken) {
        // None of the pair_ids was stored when the caller looked: straight into the table, without
        // the staging table and its second copy of every row on the server (a fifth of its work).
        // A pair_id stored meanwhile (a recorder) makes the COPY fail as a whole: then as below.
        QByteArray state;
        if (copyInto(pg,
                     u"BEGIN; COPY %1.pairs (pair_id, natural_language_query, sql_query, timestamp, "
                     "database_type, database_name, success, execution_time_ms, metadata, ts, query_type, "
                     "table_names, pii_mask, question_length, sql_length, search_vector, exact_key, "
                     "normalized_key) FROM STDIN"_s.arg(m_quotedSchema),
                     buffer, &why, &state)) {
            Result commit(pg::exec(pg, u"COMMIT"_s));
            if (!commit.ok())
                return fail(commit.error(), true);
            return batch.count;
        }
        if (state != "23505" || writing.lost()) // not a unique violation on a live connection
            return fail(why);
        PQclear(pg::exec(pg, u"ROLLBACK"_s));
    }
    // BEGIN, the session's staging table (kept for the next batch: creating one per batch wrote the
    // catalog each time, most of a small batch's cost) and the COPY in one round trip; the INSERT and
    // COMMIT in a second one unless the taken pair_ids are to be counted.
    const QString staging =
        u"BEGIN; CREATE TEMP TABLE IF NOT EXISTS pairlens_add (pair_id TEXT, natural_language_query TEXT, "
        "sql_query TEXT, timestamp TEXT, database_type TEXT, database_name TEXT, success INTEGER, "
        "execution_time_ms DOUBLE PRECISION, metadata TEXT, %1) ON COMMIT DELETE ROWS; "
        "COPY pairlens_add FROM STDIN"_s.arg(QLatin1StringView(kDerivedColumns));
    if (!copyInto(pg, staging, buffer, &why))
        return fail(why);
    const QString insert =
        uR"(INSERT INTO %1.pairs (pair_id, natural_language_query, sql_query, timestamp, database_type,
    database_name, success, execution_time_ms, metadata, ts, query_type, table_names, pii_mask, question_length,
    sql_length, search_vector, exact_key, normalized_key)
SELECT COALESCE(NULLIF(pair_id, ''), replace(gen_random_uuid()::text, '-', '')), natural_language_query, sql_query,
    COALESCE(NULLIF(timestamp, ''), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    database_type, database_name, success, execution_time_ms, metadata, ts, query_type, table_names, pii_mask,
    question_length, sql_length, search_vector, exact_key, normalized_key
FROM pairlens_add ON CONFLICT (pair_id) DO NOTHING)"_s.arg(m_quotedSchema);
    if (!taken) {
        // One round trip: the INSERT's result, then the COMMIT's (PQexec would keep only the last).
        if (!PQsendQuery(pg, (insert + u"; COMMIT"_s).toUtf8().constData()))
            return fail(pg::message(PQerrorMessage(pg)));
        Result inserted(PQgetResult(pg));
        Result committed(inserted.ok() ? PQgetResult(pg) : nullptr);
        while (PGresult *more = PQgetResult(pg))
            PQclear(more);
        if (!inserted.ok())
            return fail(inserted.error());
        if (!committed.ok())
            return fail(committed.res ? committed.error() : pg::message(PQerrorMessage(pg)), true);
        return QByteArray(PQcmdTuples(inserted.res)).toLongLong();
    }
    Result inserted(pg::exec(pg, insert));
    if (!inserted.ok())
        return fail(inserted.error());
    const qint64 added = QByteArray(PQcmdTuples(inserted.res)).toLongLong();
    // Only when some pairs were skipped: those stored with another question or SQL hold a taken
    // pair_id (the pairs just added have their own text, and the batch's pair_ids are distinct).
    *taken = 0;
    if (added < batch.count) {
        Result t(pg::exec(pg, u"SELECT count(*) FROM pairlens_add i JOIN %1.pairs p ON p.pair_id = i.pair_id "
                              "WHERE p.natural_language_query <> i.natural_language_query "
                              "OR p.sql_query <> i.sql_query"_s.arg(m_quotedSchema)));
        if (!t.ok())
            return fail(t.error());
        *taken = t.number(0, 0);
    }
    Result commit(pg::exec(pg, u"COMMIT"_s));
    if (!commit.ok())
        return fail(commit.error(), true);
    return added;
}

qint64 PgStorage::deriveMissing(const Deriver &deriver, QString *error)
{
    PGconn *pg = m_conn->pg;
    constexpr int kBatch = 5000;
    qint64 done = 0;
    QByteArray lastId = "0";
    const pg::Writing writing(m_conn.get());
    const auto fail = [&](const QString &why, bool committing = false) -> qint64 {
        if (!writing.lostOrRolledBack(committing, error))
            *error = tr("Cannot analyse the new pairs in PostgreSQL schema %1: %2").arg(m_schema, why);
        return -1;
    };
    while (true) {
        // Read and analyse outside any transaction; only the update holds locks. A row without
        // duplicate keys is a recorder's (not analysed either, no search vector) or one stored
        // before format version 5 (analysed: it gets its keys, and before version 3 its search
        // vector).
        Result rows(
            pg::exec(pg,
                     u"SELECT id, natural_language_query, sql_query, timestamp, database_type, pair_id, "
                     "metadata, query_type IS NULL FROM %1.pairs WHERE normalized_key IS NULL AND id > $1 "
                     "ORDER BY id LIMIT %2"_s.arg(m_quotedSchema)
                         .arg(kBatch),
                     {lastId}));
        if (!rows.ok())
            return fail(rows.error());
        if (rows.rows() == 0)
            break;
        QByteArray buffer;
        qint64 analysed = 0;
        for (int i = 0; i < rows.rows(); ++i) {
            const QString question = rows.text(i, 1), sql = rows.text(i, 2), type = rows.text(i, 4);
            lastId = PQgetvalue(rows.res, i, 0);
            buffer += lastId + '\t';
            const pg::DuplicateKeys keys = pg::duplicateKeys(question, sql, type);
            if (rows.text(i, 7) == u"t"_s) {
                const QString metadata = rows.text(i, 6);
                const DerivedFields d =
                    deriver.derive(question, sql, rows.text(i, 3), type, rows.text(i, 5),
                                   metadata.size() > 2 ? QJsonDocument::fromJson(metadata.toUtf8()).object()
                                                       : QJsonObject());
                appendDerived(buffer, &d, pg::searchVector(question, sql), keys);
                ++analysed;
            } else {
                appendDerived(buffer, nullptr, pg::searchVector(question, sql), keys);
            }
            buffer += '\n';
        }
        {
            Result begin(pg::exec(pg, u"BEGIN"_s));
            if (!begin.ok())
                return fail(begin.error());
        }
        QString why;
        if (!copyIn(pg, u"id BIGINT, "_s + QLatin1StringView(kDerivedColumns), buffer, &why))
            return fail(why);
        // A row another process analysed meanwhile keeps its fields.
        Result updated(pg::exec(
            pg, u"UPDATE %1.pairs p SET ts = i.ts, query_type = i.query_type, "
                "table_names = i.table_names, pii_mask = i.pii_mask, "
                "question_length = i.question_length, sql_length = i.sql_length "
                "FROM pairlens_in i WHERE p.id = i.id AND p.query_type IS NULL AND i.query_type IS NOT NULL; "
                "UPDATE %1.pairs p SET search_vector = coalesce(p.search_vector, i.search_vector), "
                "exact_key = i.exact_key, normalized_key = i.normalized_key FROM pairlens_in i "
                "WHERE p.id = i.id AND p.normalized_key IS NULL"_s.arg(m_quotedSchema)));
        if (!updated.ok())
            return fail(updated.error());
        Result commit(pg::exec(pg, u"COMMIT"_s));
        if (!commit.ok())
            return fail(commit.error(), true);
        done += analysed;
        if (rows.rows() < kBatch)
            break;
    }
    return done;
}

} // namespace pairlens
