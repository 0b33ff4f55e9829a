#pragma once

#include <QSqlDatabase>
#include <QString>

namespace pairlens::schema {

// Identifies a PairLens dataset file (SQLite `PRAGMA application_id`, "PLNS").
constexpr int kApplicationId = 0x504C4E53;
// The format version this build writes. Older files are migrated on open; newer ones are refused.
constexpr int kCurrentVersion = 5;
// Files from this version on hold every table and column this build reads; later versions only add
// indexes. A read-only file of an older version that is at least this one opens as it is (slower to
// sort) instead of being refused for want of an upgrade.
constexpr int kOldestReadableVersion = 2;

// Brings an open SQLite dataset from `fromVersion` (0 = empty file) to `toVersion` inside one
// transaction. Returns false with a message in *error on failure (nothing is changed then).
bool migrate(QSqlDatabase &db, int fromVersion, QString *error, int toVersion = kCurrentVersion);

// The statement that adds the rows of `pairs` (read as `p`) that match `where` to the full-text
// index `fts`, and the one that adds their tables to `tables` (pair_tables' columns). Shared by the
// ordinary path (below), the bulk load and its worker (bulkload.cpp, bulktext.cpp).
QString fullTextFill(const QString &fts, const QString &pairs, const QString &where);
QString pairTablesFill(const QString &tables, const QString &pairs, const QString &where);

// Adds the rows with id >= firstId (just inserted by this connection, inside its write
// transaction) to the full-text index and to pair_tables. One statement per batch keeps FTS5 from
// flushing per row.
bool indexInsertedRows(QSqlDatabase &db, qint64 firstId, QString *error);
// Adds rows whose derived fields were just filled in (written by an outside program) to the
// full-text index. `idsJson` is a JSON array of row ids.
bool indexDerivedRows(QSqlDatabase &db, const QString &idsJson, QString *error);

} // namespace pairlens::schema
