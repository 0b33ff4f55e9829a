#include "dataset/bulktext.h"

#include "dataset/schema.h"

#include <QRegularExpression>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

QString lastError(sqlite3 *db)
{
    return db ? QString::fromUtf8(sqlite3_errmsg(db)) : u"out of memory"_s;
}

bool exec(sqlite3 *db, const QString &sql, QString *error)
{
    if (sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, nullptr) == SQLITE_OK)
        return true;
    *error = lastError(db);
    return false;
}

// The pairs_fts definition of `source`'s schema turned contentless, or empty when it is not the
// one this knows (the caller then builds the full-text index in place).
QString contentlessDefinition(sqlite3 *db)
{
    sqlite3_stmt *stmt = nullptr;
    QString sql;
    if (sqlite3_prepare_v2(db, "SELECT sql FROM src.sqlite_schema WHERE name = 'pairs_fts'", -1, &stmt,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        sql = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    static const QRegularExpression content(uR"(content='pairs',\s*content_rowid='id')"_s);
    static const QRegularExpression name(uR"(^CREATE VIRTUAL TABLE pairs_fts USING fts5\()"_s);
    if (!sql.contains(content) || !sql.contains(name))
        return {};
    return sql.replace(content, u"content=''"_s).replace(name, u"CREATE VIRTUAL TABLE fts USING fts5("_s);
}

QString build(const QString &source, const QString &sideFile)
{
    // The side file is the connection's main database (read-write); the bulk load's file is
    // attached read-only and immutable: no locks, no checks that it changed.
    sqlite3 *db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    const QByteArray side = QUrl::fromLocalFile(sideFile).toEncoded();
    if (sqlite3_open_v2(side.constData(), &db, flags, nullptr) != SQLITE_OK) {
        const QString error = lastError(db);
        sqlite3_close(db);
        return error;
    }
    QString error;
    const QString src =
        QString::fromUtf8(QUrl::fromLocalFile(source).toEncoded()) + u"?mode=ro&immutable=1"_s;
    QString fts;
    const bool ok =
        exec(db, u"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -4096"_s,
             &error) &&
        exec(db, u"ATTACH '%1' AS src"_s.arg(QString(src).replace(u'\'', u"''"_s)), &error) &&
        !(fts = contentlessDefinition(db)).isEmpty() && exec(db, fts, &error) &&
        // Segments flushed at 4 MiB of pending terms, not 1 MiB (fewer merges); 16 MiB, as an
        // in-place build uses, added 15 MB to the import's peak memory here for no gain (the worker
        // ends seconds before the index builds).
        exec(db, u"INSERT INTO fts(fts, rank) VALUES ('hashsize', 4194304)"_s, &error) &&
        exec(db, schema::fullTextFill(u"fts"_s, u"src.pairs"_s, u"p.query_type IS NOT NULL"_s), &error) &&
        // One segment instead of the several the flushes leave (1M pairs: 8), so a search reads one
        // b-tree per term (0.7 s of the worker's time, which ends seconds before the index builds).
        exec(db, u"INSERT INTO fts(fts) VALUES ('optimize')"_s, &error) &&
        exec(db,
             u"CREATE TABLE pt (name TEXT NOT NULL COLLATE NOCASE, pair INTEGER NOT NULL, "
             "PRIMARY KEY (name, pair)) WITHOUT ROWID"_s,
             &error) &&
        exec(db, schema::pairTablesFill(u"pt"_s, u"src.pairs"_s, u"p.table_names IS NOT NULL"_s), &error);
    if (!ok && error.isEmpty())
        error = u"the full-text index of this dataset is not the one a bulk load knows"_s;
    sqlite3_close(db);
    return ok ? QString() : error;
}

} // namespace

BulkTextBuild::BulkTextBuild(const QString &source, const QString &sideFile)
    : m_done(QtConcurrent::run([source, sideFile] { return build(source, sideFile); }))
{}

BulkTextBuild::~BulkTextBuild()
{
    m_done.waitForFinished();
}

bool BulkTextBuild::wait(QString *error)
{
    const QString e = m_done.result();
    if (e.isEmpty())
        return true;
    *error = e;
    return false;
}

QStringList BulkTextBuild::copyStatements()
{
    return {
        u"DELETE FROM pairs_fts_data"_s,
        u"DELETE FROM pairs_fts_idx"_s,
        u"DELETE FROM pairs_fts_docsize"_s,
        // Tables of the same columns, keys and collations, copied whole: SQLite then moves their
        // records as they are, without looking each key up (pair_tables of 1M pairs: 0.2 s).
        u"INSERT INTO pairs_fts_data SELECT * FROM side.fts_data"_s,
        u"INSERT INTO pairs_fts_idx SELECT * FROM side.fts_idx"_s,
        u"INSERT INTO pairs_fts_docsize SELECT * FROM side.fts_docsize"_s,
        u"INSERT INTO pair_tables SELECT * FROM side.pt"_s,
    };
}

} // namespace pairlens
