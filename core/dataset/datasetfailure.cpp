// Failures of a dataset: SQLite's error log counts damage and full disks, and a failure is worded
// as one sentence that says what is wrong and what to do.

#include "dataset/dataset.h"
#include "dataset/dataset_p.h"

#include <QFileInfo>
#include <QLocale>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QStorageInfo>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace pairlens {

namespace detail {

SqliteLog &sqliteLog()
{
    static SqliteLog log;
    return log;
}

} // namespace detail

using namespace detail;

namespace {

void onSqliteLog(void *, int code, const char *message)
{
    // Called on any thread that uses SQLite; must not call SQLite.
    SqliteLog &log = sqliteLog();
    switch (code & 0xff) {
    case SQLITE_CORRUPT: {
        log.damage.fetchAndAddRelaxed(1);
        const QMutexLocker lock(&log.mutex);
        log.lastDamage = QString::fromUtf8(message).left(400);
        break;
    }
    case SQLITE_FULL:
        log.diskFull.fetchAndAddRelaxed(1);
        break;
    default:
        break;
    }
}

// The log can only be set before SQLite initialises, so it is set while the program's static
// objects are made, before main() and before any connection.
[[maybe_unused]] const bool kSqliteLogInstalled = [] {
    sqliteLog();
    return sqlite3_config(SQLITE_CONFIG_LOG, &onSqliteLog, nullptr) == SQLITE_OK;
}();

} // namespace

bool Dataset::damageReported() const
{
    return sqliteLog().damage.loadRelaxed() != m_damageMark;
}

quint64 Dataset::damageReportsInProcess()
{
    return sqliteLog().damage.loadRelaxed();
}

bool Dataset::diskFullReported() const
{
    return sqliteLog().diskFull.loadRelaxed() != m_diskFullMark;
}

bool Dataset::isDamageError(const QString &error)
{
    // SQLite's own words (never translated): SQLITE_CORRUPT and SQLITE_NOTADB.
    return error.contains(u"database disk image is malformed"_s) ||
           error.contains(u"file is not a database"_s);
}

bool Dataset::isDiskFullError(const QString &error)
{
    // SQLITE_FULL, and ENOSPC in the C library's words.
    return error.contains(u"database or disk is full"_s) || error.contains(u"No space left on device"_s);
}

QString Dataset::failureMessage(Access access, const QString &error) const
{
    if (damageReported() || isDamageError(error))
        return damageMessage();
    if (diskFullReported() || isDiskFullError(error))
        return diskFullMessage(m_location);
    return access == Access::Read ? tr("Cannot read %1: %2").arg(m_location, error)
                                  : tr("Cannot write to %1: %2").arg(m_location, error);
}

QString Dataset::damageMessage() const
{
    QString said;
    {
        const QMutexLocker lock(&sqliteLog().mutex);
        said = sqliteLog().lastDamage;
    }
    // Where: SQLite's quick check stops at the first damaged page. (It reads the whole file, which
    // only a command that failed pays for.)
    QString check;
    QHash<int, QString> roots; // root page -> table or index
    {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (q.exec(u"SELECT rootpage, name FROM sqlite_schema WHERE rootpage > 0"_s)) {
            while (q.next())
                roots.insert(q.value(0).toInt(), q.value(1).toString());
        }
        if (q.exec(u"PRAGMA quick_check(1)"_s) && q.next())
            check = q.value(0).toString();
        else
            check = q.lastError().text();
    }
    auto part = [&](const QString &name) {
        if (name.startsWith(u"pairs_fts"_s))
            return tr("its full-text search index");
        if (name == u"pairs"_s)
            return tr("its table of pairs");
        return tr("its table or index \"%1\"").arg(name);
    };
    QString where;
    static const QRegularExpression treePage(u"Tree (\\d+) page (\\d+)"_s);
    static const QRegularExpression page(u"[Pp]age (\\d+)"_s);
    const QRegularExpressionMatch tm = treePage.match(check);
    const QRegularExpressionMatch pm = page.match(check);
    if (tm.hasMatch() && roots.contains(tm.captured(1).toInt())) {
        where =
            tr("page %1 of %2 cannot be read").arg(tm.captured(2), part(roots.value(tm.captured(1).toInt())));
    } else if (pm.hasMatch() && roots.contains(pm.captured(1).toInt())) {
        where =
            tr("%1 cannot be read (page %2)").arg(part(roots.value(pm.captured(1).toInt())), pm.captured(1));
    } else if (pm.hasMatch() && said.contains(u"pairs_fts"_s)) {
        where = tr("%1 cannot be read (page %2)").arg(part(u"pairs_fts"_s), pm.captured(1));
    } else if (pm.hasMatch()) {
        where = tr("page %1 of the file cannot be read").arg(pm.captured(1));
    } else if (said.contains(u"pairs_fts"_s)) {
        where = tr("%1 cannot be read").arg(part(u"pairs_fts"_s));
    } else {
        where = tr("SQLite found damaged data while reading it");
    }
    return tr("%1 is damaged: %2; restore it from a backup.").arg(m_location, where);
}

QString Dataset::damageDetails() const
{
    QString said;
    {
        const QMutexLocker lock(&sqliteLog().mutex);
        said = sqliteLog().lastDamage;
    }
    return u"SQLite: "_s + (said.isEmpty() ? u"database disk image is malformed"_s : said);
}

QString Dataset::diskFullMessage(const QString &path)
{
    const QStorageInfo storage(QFileInfo(path).absolutePath());
    const qint64 available = storage.isValid() ? storage.bytesAvailable() : -1;
    if (available < 0)
        return tr("Cannot write to %1: the disk is full; make room and run it again.").arg(path);
    return tr("Cannot write to %1: the disk is full (%2 free on %3); make room and run it again.")
        .arg(path, QLocale().formattedDataSize(available, 1, QLocale::DataSizeTraditionalFormat),
             storage.rootPath());
}

} // namespace pairlens
