#pragma once

#include <QSqlDatabase>
#include <QString>

namespace pairlens::schema {

// Identifies a PairLens dataset file (SQLite `PRAGMA application_id`, "PLNS").
constexpr int kApplicationId = 0x504C4E53;
// The format version this build writes. Older files are migrated on open; newer ones are refused.
constexpr int kCurrentVersion = 2;

// Brings an open SQLite dataset from `fromVersion` (0 = empty file) to `toVersion` inside one
// transaction. Returns false with a message in *error on failure (nothing is changed then).
bool migrate(QSqlDatabase &db, int fromVersion, QString *error, int toVersion = kCurrentVersion);

} // namespace pairlens::schema
