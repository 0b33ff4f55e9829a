#pragma once

// What makes two pairs duplicates, as one definition shared by the statistics, the duplicates
// filter and the group-aware split of the exports (docs/statistics.md, "Duplicates").
//
// - Exact duplicates have the same question and the same SQL, byte for byte.
// - Normalized duplicates have the same normalized question and the same normalized SQL.
//   A normalized question is its words (letters and digits) case-folded and joined by one space,
//   every run of digits read as 0: "How many heads are older than 56 ?" and "how many heads are
//   older than 60" are the same question. A normalized SQL is its tokens (sql/tokenizer.h, in the
//   dialect of the pair's database_type) without whitespace or comments, keywords and identifiers
//   case-folded, every string, number and parameter replaced by a placeholder: the statement's
//   shape, whatever values it was asked with.
//
// Keys are 128-bit hashes (MD5) of those texts: equal texts give equal keys in every process and
// on every machine, so anything derived from them (a split side) is stable.

#include <QByteArrayView>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <array>

namespace pairlens::dupkeys {

using Key = std::array<quint64, 2>;

inline bool isNull(const Key &key)
{
    return key[0] == 0 && key[1] == 0;
}

QString normalizedQuestion(QStringView question);
// `databaseType` picks the SQL dialect the text is read in (sql::dialectFromDatabaseType()).
QString normalizedSql(QStringView sql, QStringView databaseType);

// The key of a normalized question or SQL; the null key when it is empty (nothing to share).
// The two kinds never share a key.
Key questionKey(QStringView question);
Key sqlKey(QStringView sql, QStringView databaseType);
// The key of a pair for exact and for normalized duplicates.
Key exactPairKey(QByteArrayView questionUtf8, QByteArrayView sqlUtf8);
Key normalizedPairKey(QStringView question, QStringView sql, QStringView databaseType);

// SQL functions on every SQLite connection the process opens (registered as an automatic extension
// at startup; the filters and statistics use them):
//   pairlens_exact_key(question, sql)                     -> 16-byte blob
//   pairlens_normalized_key(question, sql, database_type) -> 16-byte blob
// True when they are registered.
bool sqlFunctionsRegistered();

} // namespace pairlens::dupkeys
