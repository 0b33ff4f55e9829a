#include "dataset/schema.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens::schema {
namespace {

// Version 1: the seed fields and the derived fields, with the full-text index.
const char *const kVersion1[] = {
    R"(CREATE TABLE pairs (
        id INTEGER PRIMARY KEY,
        pair_id TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
        natural_language_query TEXT NOT NULL DEFAULT '',
        sql_query TEXT NOT NULL DEFAULT '',
        timestamp TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        database_type TEXT NOT NULL DEFAULT '',
        database_name TEXT NOT NULL DEFAULT '',
        success INTEGER NOT NULL DEFAULT 1,
        execution_time_ms REAL,
        metadata TEXT NOT NULL DEFAULT '{}',
        ts TEXT,
        query_type TEXT,
        table_names TEXT,
        pii_mask INTEGER,
        question_length INTEGER,
        sql_length INTEGER
    ))",
    R"(CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID)",
    R"(CREATE INDEX pairs_underived ON pairs(id) WHERE query_type IS NULL)",
    R"(CREATE VIRTUAL TABLE pairs_fts USING fts5(natural_language_query, sql_query,
        content='pairs', content_rowid='id', tokenize='unicode61 remove_diacritics 2'))",
    R"(CREATE TRIGGER pairs_fts_insert AFTER INSERT ON pairs BEGIN
        INSERT INTO pairs_fts(rowid, natural_language_query, sql_query)
        VALUES (new.id, new.natural_language_query, new.sql_query);
    END)",
    R"(CREATE TRIGGER pairs_fts_delete AFTER DELETE ON pairs BEGIN
        INSERT INTO pairs_fts(pairs_fts, rowid, natural_language_query, sql_query)
        VALUES ('delete', old.id, old.natural_language_query, old.sql_query);
    END)",
    R"(CREATE TRIGGER pairs_fts_update AFTER UPDATE OF natural_language_query, sql_query ON pairs BEGIN
        INSERT INTO pairs_fts(pairs_fts, rowid, natural_language_query, sql_query)
        VALUES ('delete', old.id, old.natural_language_query, old.sql_query);
        INSERT INTO pairs_fts(rowid, natural_language_query, sql_query)
        VALUES (new.id, new.natural_language_query, new.sql_query);
    END)",
};

// Version 2: curation (review status and note, soft delete with undo batches), the audit log,
// the table-name index and indexes for every filter.
//
// Secondary indexes are partial (WHERE deleted = 0): queries on live pairs use them, and a soft
// delete only removes entries instead of moving them. Each filter column is followed by (ts, id),
// so the newest-first page of a filtered view is an index walk instead of a sort. The full-text index and
// pair_tables are filled per batch by PairLens (PairStore::add, Deriver::deriveMissing) rather than by
// per-row insert triggers: a trigger into the FTS5 table flushes its pending terms at every statement, which
// made imports an order of magnitude slower. Rows written by outside programs are indexed when their derived
// fields are filled in (query_type IS NULL until then), which is why the remaining FTS triggers only act on
// rows whose query_type is set.
const char *const kVersion2[] = {
    R"(ALTER TABLE pairs ADD COLUMN review_status INTEGER NOT NULL DEFAULT 0)",
    R"(ALTER TABLE pairs ADD COLUMN reviewer_note TEXT NOT NULL DEFAULT '')",
    R"(ALTER TABLE pairs ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0)",
    R"(ALTER TABLE pairs ADD COLUMN deleted_at TEXT)",
    R"(ALTER TABLE pairs ADD COLUMN delete_batch INTEGER)",
    R"(CREATE TABLE pair_tables (
        name TEXT NOT NULL COLLATE NOCASE,
        pair INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
        PRIMARY KEY (name, pair)
    ) WITHOUT ROWID)",
    R"(CREATE INDEX pair_tables_pair ON pair_tables(pair))",
    R"(CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        action TEXT NOT NULL,
        pair_count INTEGER NOT NULL DEFAULT 0,
        detail TEXT NOT NULL DEFAULT '{}'
    ))",
    R"(CREATE INDEX pairs_ts ON pairs(ts, id) WHERE deleted = 0)",
    R"(CREATE INDEX pairs_query_type ON pairs(query_type, ts, id) WHERE deleted = 0)",
    R"(CREATE INDEX pairs_database_type ON pairs(database_type, ts, id) WHERE deleted = 0)",
    R"(CREATE INDEX pairs_database_name ON pairs(database_name, ts, id) WHERE deleted = 0)",
    R"(CREATE INDEX pairs_success ON pairs(success, ts, id) WHERE deleted = 0)",
    R"(CREATE INDEX pairs_review ON pairs(review_status, ts, id) WHERE deleted = 0)",
    R"(CREATE INDEX pairs_trash ON pairs(deleted_at) WHERE deleted = 1)",
    R"(CREATE INDEX pairs_delete_batch ON pairs(delete_batch) WHERE delete_batch IS NOT NULL)",
    // Statistics: every column the one-pass aggregate reads, so it scans this index instead of the
    // table (about 6x less data), led by ts for date filters; and execution times in order, so
    // unfiltered percentiles are an index walk (see docs/statistics.md). `deleted` is in both so
    // SQLite 3.40 counts them as covering for queries that say `deleted = 0`.
    R"(CREATE INDEX pairs_stats ON pairs(ts, success, query_type, database_type, database_name,
        review_status, pii_mask, question_length, sql_length, execution_time_ms, table_names, deleted)
        WHERE deleted = 0)",
    R"(CREATE INDEX pairs_exec_time ON pairs(execution_time_ms, deleted) WHERE deleted = 0)",
    // Full-text index: maintained per batch on insert (see above); edits and deletes by triggers.
    R"(DROP TRIGGER pairs_fts_insert)",
    R"(DROP TRIGGER pairs_fts_delete)",
    R"(DROP TRIGGER pairs_fts_update)",
    R"(INSERT INTO pairs_fts(pairs_fts) VALUES ('delete-all'))",
    R"(INSERT INTO pairs_fts(rowid, natural_language_query, sql_query)
        SELECT id, natural_language_query, sql_query FROM pairs WHERE query_type IS NOT NULL)",
    R"(CREATE TRIGGER pairs_fts_delete AFTER DELETE ON pairs WHEN old.query_type IS NOT NULL BEGIN
        INSERT INTO pairs_fts(pairs_fts, rowid, natural_language_query, sql_query)
        VALUES ('delete', old.id, old.natural_language_query, old.sql_query);
    END)",
    R"(CREATE TRIGGER pairs_fts_update AFTER UPDATE OF natural_language_query, sql_query ON pairs
        WHEN old.query_type IS NOT NULL BEGIN
        INSERT INTO pairs_fts(pairs_fts, rowid, natural_language_query, sql_query)
        VALUES ('delete', old.id, old.natural_language_query, old.sql_query);
        INSERT INTO pairs_fts(rowid, natural_language_query, sql_query)
        VALUES (new.id, new.natural_language_query, new.sql_query);
    END)",
    // Derived table names (set by PairLens) are mirrored into pair_tables.
    R"(CREATE TRIGGER pairs_tables_update AFTER UPDATE OF table_names ON pairs BEGIN
        DELETE FROM pair_tables WHERE pair = new.id;
        INSERT OR IGNORE INTO pair_tables(name, pair)
            SELECT value, new.id FROM json_each(new.table_names) WHERE new.table_names IS NOT NULL;
    END)",
    R"(CREATE TRIGGER pairs_tables_delete AFTER DELETE ON pairs BEGIN
        DELETE FROM pair_tables WHERE pair = old.id;
    END)",
};

// Version 3: an index for every sortable column of the table that had none, so a click on a column
// header reads the first rows from an index instead of sorting every pair (1.8 s on 1M pairs for the
// question). The text indexes hold the whole text: prefixes of questions and SQL repeat too much
// (the 1M demo pairs have 51 different 32-character SQL prefixes) for a prefix index to order
// them. The PII kinds follow the other filter columns with (ts, id). SQLite only orders by the
// row id of an index entry when the index names it, so the execution-time index gets the id.
const char *const kVersion3[] = {
    R"(DROP INDEX IF EXISTS pairs_exec_time)",
    R"(CREATE INDEX pairs_exec_time ON pairs(execution_time_ms, id, deleted) WHERE deleted = 0)",
    R"(CREATE INDEX IF NOT EXISTS pairs_question ON pairs(natural_language_query, id) WHERE deleted = 0)",
    R"(CREATE INDEX IF NOT EXISTS pairs_sql ON pairs(sql_query, id) WHERE deleted = 0)",
    R"(CREATE INDEX IF NOT EXISTS pairs_pii ON pairs(pii_mask, ts, id) WHERE deleted = 0)",
};

// Version 4: large writes in short transactions (see writeops.h). An operation on many pairs is
// staged here row by row, committed by one short transaction, then applied in chunks; a process
// killed while applying leaves it for the next one to finish.
//
// And the secondary indexes hold analysed live pairs only (query_type IS NOT NULL): a recorder's
// insert of seed fields then touches the table, the pair_id index and pairs_underived, instead of
// thirteen indexes at random places (it was ~150 us a row and capped recorders at ~4,000 pairs/s).
// PairLens adds a row to the indexes when it derives its fields; live views (Filter::Scope::Live)
// show analysed pairs, which every writable open and the window's poll keep up to date.
const char *const kVersion4[] = {
    R"(DROP INDEX IF EXISTS pairs_ts)",
    R"(DROP INDEX IF EXISTS pairs_query_type)",
    R"(DROP INDEX IF EXISTS pairs_database_type)",
    R"(DROP INDEX IF EXISTS pairs_database_name)",
    R"(DROP INDEX IF EXISTS pairs_success)",
    R"(DROP INDEX IF EXISTS pairs_review)",
    R"(DROP INDEX IF EXISTS pairs_stats)",
    R"(DROP INDEX IF EXISTS pairs_exec_time)",
    R"(DROP INDEX IF EXISTS pairs_question)",
    R"(DROP INDEX IF EXISTS pairs_sql)",
    R"(DROP INDEX IF EXISTS pairs_pii)",
    R"(CREATE INDEX pairs_ts ON pairs(ts, id) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_query_type ON pairs(query_type, ts, id) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_database_type ON pairs(database_type, ts, id)
        WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_database_name ON pairs(database_name, ts, id)
        WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_success ON pairs(success, ts, id) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_review ON pairs(review_status, ts, id) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_stats ON pairs(ts, success, query_type, database_type, database_name,
        review_status, pii_mask, question_length, sql_length, execution_time_ms, table_names, deleted)
        WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_exec_time ON pairs(execution_time_ms, id, deleted, query_type)
        WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_question ON pairs(natural_language_query, id) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_sql ON pairs(sql_query, id) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_pii ON pairs(pii_mask, ts, id) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE TABLE IF NOT EXISTS write_ops (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        action TEXT NOT NULL,
        state TEXT NOT NULL,
        value TEXT,
        batch INTEGER,
        owner TEXT NOT NULL,
        created_at TEXT NOT NULL,
        seq INTEGER
    ))",
    R"(CREATE TABLE IF NOT EXISTS write_op_rows (
        op INTEGER NOT NULL,
        pair INTEGER NOT NULL,
        PRIMARY KEY (op, pair)
    ) WITHOUT ROWID)",
};

// Version 5: smaller sort indexes (issue 17: the file was 2.14x its JSON Lines, and every index is
// rebuilt by a sort in a bulk load and touched at a random place by every ordinary insert). An
// index entry ends in the row id, and SQLite orders by it when the index does not name it (checked
// with EXPLAIN QUERY PLAN for every sort in both directions, the keyset conditions and the search's
// index walk), so the (column, ts, id), (ts, id) and text indexes stop storing the id twice: 69 MB
// less on 1M demo pairs. pairs_exec_time keeps its id, which must come before `deleted`.
// Tried and left (1M demo pairs, `sqlite3`): dropping pairs_ts for pairs_stats, which leads with
// ts, kept first pages as fast but a page at offset 100,000 newest first took 230-880 ms instead of
// 3-7 ms (a sort per group of equal ts); an index of a 48-character prefix of the SQL halved
// pairs_sql, but the demo pairs repeat whole questions and statements thousands of times, and a
// page inside such a group sorts them all (300k pairs: the first page by SQL 19 ms instead of 0.1).
const char *const kVersion5[] = {
    R"(DROP INDEX IF EXISTS pairs_ts)",
    R"(DROP INDEX IF EXISTS pairs_query_type)",
    R"(DROP INDEX IF EXISTS pairs_database_type)",
    R"(DROP INDEX IF EXISTS pairs_database_name)",
    R"(DROP INDEX IF EXISTS pairs_success)",
    R"(DROP INDEX IF EXISTS pairs_review)",
    R"(DROP INDEX IF EXISTS pairs_pii)",
    R"(DROP INDEX IF EXISTS pairs_question)",
    R"(DROP INDEX IF EXISTS pairs_sql)",
    R"(CREATE INDEX pairs_ts ON pairs(ts) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_query_type ON pairs(query_type, ts) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_database_type ON pairs(database_type, ts) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_database_name ON pairs(database_name, ts) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_success ON pairs(success, ts) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_review ON pairs(review_status, ts) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_pii ON pairs(pii_mask, ts) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_question ON pairs(natural_language_query) WHERE deleted = 0 AND query_type IS NOT NULL)",
    R"(CREATE INDEX pairs_sql ON pairs(sql_query) WHERE deleted = 0 AND query_type IS NOT NULL)",
};

template <std::size_t N> bool runAll(QSqlDatabase &db, const char *const (&statements)[N], QString *error)
{
    QSqlQuery q(db);
    for (const char *sql : statements) {
        if (!q.exec(QString::fromUtf8(sql))) {
            *error = q.lastError().text();
            return false;
        }
    }
    return true;
}

} // namespace

bool migrate(QSqlDatabase &db, int fromVersion, QString *error, int toVersion)
{
    if (fromVersion >= toVersion)
        return true;
    // BEGIN IMMEDIATE, then read the version again: another process may have migrated the file
    // between our first look and taking the write lock.
    QSqlQuery begin(db);
    if (!begin.exec(u"BEGIN IMMEDIATE"_s)) {
        *error = begin.lastError().text();
        return false;
    }
    if (begin.exec(u"PRAGMA user_version"_s) && begin.next())
        fromVersion = std::max(fromVersion, begin.value(0).toInt());
    begin.finish();
    if (fromVersion >= toVersion) {
        db.commit();
        return true;
    }
    bool ok = true;
    if (fromVersion < 1)
        ok = runAll(db, kVersion1, error);
    if (ok && fromVersion < 2 && toVersion >= 2)
        ok = runAll(db, kVersion2, error);
    if (ok && fromVersion < 3 && toVersion >= 3)
        ok = runAll(db, kVersion3, error);
    if (ok && fromVersion < 4 && toVersion >= 4)
        ok = runAll(db, kVersion4, error);
    if (ok && fromVersion < 5 && toVersion >= 5)
        ok = runAll(db, kVersion5, error);
    QSqlQuery q(db);
    if (ok && fromVersion == 1 && toVersion >= 2) {
        // Rows that existed before version 2 get their table index from their derived field.
        ok = q.exec(u"INSERT OR IGNORE INTO pair_tables(name, pair) SELECT j.value, p.id "
                    "FROM pairs p, json_each(p.table_names) j WHERE p.table_names IS NOT NULL"_s);
        if (!ok)
            *error = q.lastError().text();
    }
    if (ok)
        ok = q.exec(u"PRAGMA application_id = %1"_s.arg(kApplicationId)) &&
             q.exec(u"PRAGMA user_version = %1"_s.arg(toVersion));
    if (!ok) {
        if (error->isEmpty())
            *error = q.lastError().text();
        db.rollback();
        return false;
    }
    if (!db.commit()) {
        *error = db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

QString fullTextFill(const QString &fts, const QString &pairs, const QString &where)
{
    return u"INSERT INTO %1(rowid, natural_language_query, sql_query) "
           "SELECT p.id, p.natural_language_query, p.sql_query FROM %2 p WHERE %3"_s.arg(fts, pairs, where);
}

QString pairTablesFill(const QString &tables, const QString &pairs, const QString &where)
{
    return u"INSERT OR IGNORE INTO %1(name, pair) SELECT j.value, p.id "
           "FROM %2 p, json_each(p.table_names) j WHERE %3"_s.arg(tables, pairs, where);
}

bool indexInsertedRows(QSqlDatabase &db, qint64 firstId, QString *error)
{
    QSqlQuery q(db);
    for (const QString &sql : {fullTextFill(u"pairs_fts"_s, u"pairs"_s, u"p.id >= ?"_s),
                               pairTablesFill(u"pair_tables"_s, u"pairs"_s, u"p.id >= ?"_s)}) {
        q.prepare(sql);
        q.addBindValue(firstId);
        if (!q.exec()) {
            *error = q.lastError().text();
            return false;
        }
    }
    return true;
}

bool indexDerivedRows(QSqlDatabase &db, const QString &idsJson, QString *error)
{
    QSqlQuery q(db);
    q.prepare(fullTextFill(u"pairs_fts"_s, u"pairs"_s, u"p.id IN (SELECT value FROM json_each(?))"_s));
    q.addBindValue(idsJson);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

} // namespace pairlens::schema
