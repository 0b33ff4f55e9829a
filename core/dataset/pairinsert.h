#pragma once

// Inserting pairs through SQLite's C API. Qt Sql's binding formats a placeholder name and builds a
// QVariant for every value (~34k instructions a pair on an import, a fifth of the writing thread);
// this binds the 17 columns of a pair straight into one prepared statement. SQLite-specific, so it
// stays inside the store's write layer.

#include "dataset/deriver.h"
#include "dataset/pair.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>

struct sqlite3;
struct sqlite3_stmt;

namespace pairlens {

// The sqlite3 handle of a Qt Sql connection of the QSQLITE driver, or nullptr.
sqlite3 *sqliteHandle(QSqlDatabase &db);

// One prepared INSERT ... ON CONFLICT(pair_id) DO NOTHING of a pair with its derived fields. Lives
// only as long as the connection's transaction that uses it (finalized by the destructor).
class PairInserter
{
public:
    explicit PairInserter(sqlite3 *db);
    ~PairInserter();
    PairInserter(const PairInserter &) = delete;
    PairInserter &operator=(const PairInserter &) = delete;

    bool isValid() const { return m_stmt != nullptr; }
    // Inserts the pair. Returns false with *error on failure; otherwise *rowId is the new row's id,
    // or 0 when a pair with the same pair_id was there already (left as it was). `importTime`
    // stands in for a missing timestamp.
    bool insert(const Pair &pair, const DerivedFields &derived, const QString &importTime, qint64 *rowId,
                QString *error);
    QString lastError() const;

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QByteArray m_buffers[13]; // the UTF-8 of the text values, alive until the step
};

// Looks the pair_ids up one by one through one prepared statement (far cheaper than Qt Sql binding
// hundreds of values into an IN list) and calls `found(index into ids, row id, question, sql)` for
// each that is in the dataset. Returns false with *error when the lookup failed.
bool findPairIds(sqlite3 *db, const QStringList &ids,
                 const std::function<void(qsizetype, qint64, const QString &, const QString &)> &found,
                 QString *error);

} // namespace pairlens
