// PgStorage's adds (issue 18): batches of pairs COPYed into `pairs` (straight, or through the
// session's staging table when some pair_ids may be taken), and the derived fields of rows that
// recorders inserted with their seed fields only.
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QJsonDocument>

#include <libpq-fe.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

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

const char kDerivedColumns[] = "ts TEXT, query_type TEXT, table_names TEXT, pii_mask INTEGER, "
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
    // COPY's binary format: no escaping here, no parsing on the server, and the search vectors
    // sorted here instead of in tsvector's input function (40 % of the server's work in an import).
    QByteArray buffer;
    // Room for most batches at once (the texts about twice over with the vectors, and the rest).
    qsizetype room = 32;
    for (const Pair &p : std::as_const(pairs))
        room += 2 * (p.naturalLanguageQuery.size() + p.sqlQuery.size()) + 512;
    buffer.reserve(room);
    pg::BinaryCopy copy(buffer);
    for (qsizetype i = 0; i < pairs.size(); ++i) {
        const Pair &p = pairs.at(i);
        copy.row(18);
        copy.text(p.pairId);
        const QByteArray question = p.naturalLanguageQuery.toUtf8(),
                         sql = p.sqlQuery.toUtf8(); // once for both
        copy.bytes(question);
        copy.bytes(sql);
        copy.text(p.timestamp);
        copy.text(p.databaseType);
        copy.text(p.databaseName);
        copy.int4(p.success ? 1 : 0);
        if (p.executionTimeMs < 0)
            copy.null();
        else
            copy.float8(p.executionTimeMs);
        if (!derived.isEmpty() && !derived.at(i).metadataJson.isNull())
            copy.bytes(derived.at(i).metadataJson); // serialised by the importer's worker
        else
            copy.bytes(QJsonDocument(p.metadata).toJson(QJsonDocument::Compact));
        if (derived.isEmpty()) {
            for (int k = 0; k < 9; ++k)
                copy.null();
            continue;
        }
        const DerivedFields &d = derived.at(i);
        copy.text(d.ts);
        copy.text(d.queryType);
        copy.text(d.tableNamesJson);
        copy.int4(qint32(d.piiMask));
        copy.int4(d.questionLength);
        copy.int4(d.sqlLength);
        copy.searchFields(p.naturalLanguageQuery, p.sqlQuery, question, sql, p.databaseType);
    }
    copy.finish();
    // The pairs stay with the batch: their PII kinds are found again if the privacy settings
    // changed before it is written (withCurrentKinds()).
    PreparedBatch batch;
    batch.pairs = pairs;
    batch.derived = derived;
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
    return pg::againAfterReconnect(m_conn.get(), error,
                                   [&] { return addPreparedBatchOnce(batch, error, taken); });
}

qint64 PgStorage::addPreparedBatchOnce(const PreparedBatch &batch, QString *error, qint64 *taken)
{
    PGconn *pg = m_conn->pg;
    const pg::Writing writing(m_conn.get());
    const auto fail = [&](const QString &why, bool committing = false) -> qint64 {
        if (!writing.lostOrRolledBack(committing, error))
            *error = tr("Cannot add pairs to PostgreSQL schema %1: %2").arg(m_schema, why);
        return -1;
    };
    // Pairs analysed before this transaction have their PII kinds checked inside it against the
    // privacy settings, under the schema's settings lock (pgsettingslock.cpp).
    const bool analysed = !batch.derived.isEmpty();
    const QString begin = analysed ? QString() : u"BEGIN; "_s;
    PreparedBatch current;
    const auto beginAnalysed = [&](QString *why) {
        if (!analysed)
            return true;
        if (!lockSettingsShared(why, true))
            return false;
        current = withCurrentKinds(batch);
        return true;
    };
    const QByteArray &buffer = analysed ? current.data : batch.data;
    QString why;
    if (batch.fresh && batch.complete && !taken) {
        if (!beginAnalysed(&why))
            return fail(why);
        // None of the pair_ids was stored when the caller looked: straight into the table, without
        // the staging table and its second copy of every row on the server (a fifth of its work).
        // A pair_id stored meanwhile (a recorder) makes the COPY fail as a whole: then as below.
        QByteArray state;
        if (copyInto(
                pg,
                begin + u"COPY %1.pairs (pair_id, natural_language_query, sql_query, timestamp, "
                        "database_type, database_name, success, execution_time_ms, metadata, ts, query_type, "
                        "table_names, pii_mask, question_length, sql_length, search_vector, exact_key, "
                        "normalized_key) FROM STDIN (FORMAT binary)"_s.arg(m_quotedSchema),
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
    if (!beginAnalysed(&why))
        return fail(why);
    const QString staging =
        begin + u"CREATE TEMP TABLE IF NOT EXISTS pairlens_add (pair_id TEXT, natural_language_query TEXT, "
                "sql_query TEXT, timestamp TEXT, database_type TEXT, database_name TEXT, success INTEGER, "
                "execution_time_ms DOUBLE PRECISION, metadata TEXT, %1) ON COMMIT DELETE ROWS; "
                "COPY pairlens_add FROM STDIN (FORMAT binary)"_s.arg(QLatin1StringView(kDerivedColumns));
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
        // The COMMIT went with the INSERT: a connection lost before the INSERT's answer may have
        // committed it (outcome unknown, never run again).
        if (!inserted.ok())
            return fail(inserted.error(), true);
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
    return pg::againAfterReconnect(m_conn.get(), error, [&] { return deriveMissingOnce(deriver, error); });
}

qint64 PgStorage::deriveMissingOnce(const Deriver &deriver, QString *error)
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
        if (QString unreadable; !deriver.usable(&unreadable))
            return fail(unreadable);
        QByteArray buffer;
        qint64 analysed = 0;
        QByteArrayList analysedWith; // the privacy settings of each analysis (Deriver::isCurrent())
        const auto analyse = [&](const Deriver &with) {
            buffer.clear();
            analysed = 0;
            analysedWith.clear();
            for (int i = 0; i < rows.rows(); ++i) {
                const QString question = rows.text(i, 1), sql = rows.text(i, 2), type = rows.text(i, 4);
                lastId = PQgetvalue(rows.res, i, 0);
                buffer += lastId + '\t';
                const pg::DuplicateKeys keys = pg::duplicateKeys(question, sql, type);
                if (rows.text(i, 7) == u"t"_s) {
                    const DerivedFields d = with.derive(question, sql, rows.text(i, 3), type, rows.text(i, 5),
                                                        pg::metadataObject(rows.text(i, 6)));
                    appendDerived(buffer, &d, pg::searchVector(question, sql), keys);
                    if (analysedWith.isEmpty() || analysedWith.constLast() != d.piiSettings)
                        analysedWith << d.piiSettings;
                    ++analysed;
                } else {
                    appendDerived(buffer, nullptr, pg::searchVector(question, sql), keys);
                }
                buffer += '\n';
            }
        };
        analyse(deriver);
        QString why;
        if (!lockSettingsShared(&why, true))
            return fail(why);
        // The settings changed since the rows were analysed (outside the transaction): again, with
        // the settings as the transaction sees them (rare, and short of the whole batch's work).
        const Deriver &current = settingsInWrite();
        const QByteArray now = current.settingsId();
        if (std::any_of(analysedWith.cbegin(), analysedWith.cend(),
                        [&](const QByteArray &f) { return f != now; }))
            analyse(current);
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
