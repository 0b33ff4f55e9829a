#include "dataset/pairinsert.h"

#include <QSqlDriver>
#include <QUuid>
#include <QVariant>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

const char kInsert[] =
    "INSERT INTO pairs (pair_id, natural_language_query, sql_query, timestamp, database_type, "
    "database_name, success, execution_time_ms, metadata, ts, query_type, table_names, "
    "pii_mask, question_length, sql_length, review_status, reviewer_note) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
    "ON CONFLICT(pair_id) DO NOTHING";

} // namespace

sqlite3 *sqliteHandle(QSqlDatabase &db)
{
    if (!db.driver() || db.driverName() != u"QSQLITE"_s)
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

PairInserter::PairInserter(sqlite3 *db) : m_db(db)
{
    if (m_db && sqlite3_prepare_v3(m_db, kInsert, int(sizeof kInsert - 1), 0, &m_stmt, nullptr) != SQLITE_OK)
        m_stmt = nullptr;
}

PairInserter::~PairInserter()
{
    sqlite3_finalize(m_stmt);
}

QString PairInserter::lastError() const
{
    return m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : u"no SQLite connection"_s;
}

bool PairInserter::insert(const Pair &p, const DerivedFields &d, const QString &importTime, qint64 *rowId,
                          QString *error)
{
    *rowId = 0;
    if (!m_stmt) {
        *error = lastError();
        return false;
    }
    int slot = 0;
    // Text columns are NOT NULL: a null QString is stored as ''. (constData() of an empty
    // QByteArray points at a '\0', never at nullptr, so SQLite binds '' and not NULL.)
    const auto bindText = [&](int column, const QString &s) {
        QByteArray &b = m_buffers[slot++];
        b = s.toUtf8();
        return sqlite3_bind_text(m_stmt, column, b.constData(), int(b.size()), SQLITE_STATIC);
    };
    // Derived text that is NULL when not computed (ts, table_names), as Qt bound it before.
    const auto bindNullable = [&](int column, const QString &s) {
        if (s.isNull())
            return sqlite3_bind_null(m_stmt, column);
        return bindText(column, s);
    };
    const QString timestamp = p.timestamp.isEmpty() ? (d.ts.isEmpty() ? importTime : d.ts) : p.timestamp;
    int rc = bindText(1, p.pairId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : p.pairId);
    rc |= bindText(2, p.naturalLanguageQuery);
    rc |= bindText(3, p.sqlQuery);
    rc |= bindText(4, timestamp);
    rc |= bindText(5, p.databaseType);
    rc |= bindText(6, p.databaseName);
    rc |= sqlite3_bind_int(m_stmt, 7, p.success ? 1 : 0);
    rc |= p.executionTimeMs < 0 ? sqlite3_bind_null(m_stmt, 8)
                                : sqlite3_bind_double(m_stmt, 8, p.executionTimeMs);
    {
        QByteArray &b = m_buffers[slot++];
        b = d.metadataJson.isNull() ? metadataText(p.metadata) : d.metadataJson;
        rc |= sqlite3_bind_text(m_stmt, 9, b.constData(), int(b.size()), SQLITE_STATIC);
    }
    rc |= bindNullable(10, d.ts);
    rc |= bindText(11, d.queryType);
    rc |= bindNullable(12, d.tableNamesJson);
    rc |= sqlite3_bind_int64(m_stmt, 13, qint64(d.piiMask));
    rc |= sqlite3_bind_int(m_stmt, 14, d.questionLength);
    rc |= sqlite3_bind_int(m_stmt, 15, d.sqlLength);
    rc |= sqlite3_bind_int(m_stmt, 16, int(p.reviewStatus));
    rc |= bindText(17, p.reviewerNote);
    if (rc != SQLITE_OK) {
        *error = lastError();
        sqlite3_reset(m_stmt);
        return false;
    }
    rc = sqlite3_step(m_stmt);
    const bool ok = rc == SQLITE_DONE;
    if (ok && sqlite3_changes(m_db) > 0)
        *rowId = sqlite3_last_insert_rowid(m_db);
    if (!ok)
        *error = lastError();
    sqlite3_reset(m_stmt);
    return ok;
}

bool findPairIds(sqlite3 *db, const QStringList &ids,
                 const std::function<void(qsizetype, qint64, const QString &, const QString &)> &found,
                 QString *error)
{
    static const char kFind[] = "SELECT id, natural_language_query, sql_query FROM pairs WHERE pair_id = ?1";
    sqlite3_stmt *stmt = nullptr;
    if (!db || sqlite3_prepare_v3(db, kFind, int(sizeof kFind - 1), 0, &stmt, nullptr) != SQLITE_OK) {
        *error = db ? QString::fromUtf8(sqlite3_errmsg(db)) : u"no SQLite connection"_s;
        return false;
    }
    const auto text = [&](int column) {
        return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, column)),
                                 sqlite3_column_bytes(stmt, column));
    };
    // One read transaction for all the lookups: outside one, every step began and ended a
    // transaction of its own (file locks, and a look for a hot journal), which cost more than the
    // inserts themselves in a bulk load (14 % of the writing thread against 9 %). It only reads
    // (a deferred BEGIN takes no write lock) and ends before the caller writes.
    const bool ownTransaction = sqlite3_get_autocommit(db) != 0 && ids.size() > 1 &&
                                sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
    bool ok = true;
    for (qsizetype i = 0; i < ids.size() && ok; ++i) {
        const QByteArray id = ids.at(i).toUtf8();
        sqlite3_bind_text(stmt, 1, id.constData(), int(id.size()), SQLITE_STATIC);
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            found(i, sqlite3_column_int64(stmt, 0), text(1), text(2));
            rc = sqlite3_step(stmt);
        }
        ok = rc == SQLITE_DONE;
        if (!ok)
            *error = QString::fromUtf8(sqlite3_errmsg(db));
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);
    if (ownTransaction)
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    return ok;
}

} // namespace pairlens
