// A dataset's files: whether a path is one of them, and removing them all.

#include "dataset/dataset.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace pairlens {

bool Dataset::isDatasetFile(const QString &datasetLocation, const QString &path)
{
    if (datasetLocation.isEmpty() || path.isEmpty() || datasetLocation.startsWith(u"postgres"_s))
        return false;
    struct stat target
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &target) != 0)
        return false;
    for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s, u"-journal"_s}) {
        struct stat own
        {
        };
        if (::stat(QFile::encodeName(datasetLocation + suffix).constData(), &own) == 0 &&
            own.st_dev == target.st_dev && own.st_ino == target.st_ino)
            return true;
    }
    return false;
}

bool Dataset::isOwnFile(const QString &path) const
{
    return isDatasetFile(m_location, path);
}

bool Dataset::removeFiles(const QString &location, QString *error)
{
    const QByteArray file = QFile::encodeName(location);
    if (!QFileInfo::exists(location))
        return true;
    sqlite3 *db = nullptr;
    int rc = sqlite3_open_v2(file.constData(), &db, SQLITE_OPEN_READWRITE, nullptr);
    QString mode;
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 2000);
        sqlite3_stmt *stmt = nullptr;
        rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = DELETE", -1, &stmt, nullptr);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(stmt);
            if (rc == SQLITE_ROW) {
                mode = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
                rc = SQLITE_OK;
            }
        }
        sqlite3_finalize(stmt);
    }
    const int code = rc & 0xff;
    sqlite3_close_v2(db);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED || (code == SQLITE_OK && mode != u"delete"_s)) {
        *error =
            QCoreApplication::translate("Dataset", "%1 is in use by another program; close it there first.")
                .arg(location);
        return false;
    }
    if (code != SQLITE_OK && code != SQLITE_NOTADB && code != SQLITE_CORRUPT) {
        *error = QCoreApplication::translate("Dataset", "Cannot replace %1: %2")
                     .arg(location, QString::fromUtf8(sqlite3_errstr(rc)));
        return false;
    }
    // No connection is left and the WAL was checkpointed away: the files can go.
    for (const QString &suffix : {u"-wal"_s, u"-shm"_s, u"-journal"_s})
        QFile::remove(location + suffix);
    if (!QFile::remove(location)) {
        *error = QCoreApplication::translate("Dataset", "Cannot replace %1.").arg(location);
        return false;
    }
    return true;
}

} // namespace pairlens
