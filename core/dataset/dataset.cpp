#include "dataset/dataset.h"
#include "dataset/dataset_p.h"

#include "dataset/deriver.h"
#include "dataset/schema.h"
#include "dataset/writeops.h"
#include "dataset/writetx.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMutex>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QStorageInfo>
#include <QUrl>

#include <sqlite3.h>

#include <cstring>
#include <vector>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace pairlens {

using namespace detail;

namespace {

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return u"pairlens-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

// The file is identified through SQLite only. Reading its header with a QFile would open a second
// descriptor of the file in this process, and closing it drops every POSIX lock the process holds
// on the file, including those of its other SQLite connections: another process would then think
// it is the last one and delete the WAL still in use (SQLite's "How To Corrupt", section 2.2).
bool isNotADatabase(const QSqlError &error)
{
    return error.nativeErrorCode() == u"26"_s || error.text().contains(u"not a database"_s);
}

// True when the file starts with SQLite's header. Read through SQLite's own file layer: its unix VFS
// shares one descriptor per file between the connections of a process and keeps it open while any
// of them holds a lock, so this read cannot drop a lock as a QFile's close would.
// What SQLite said, with its error code, for "Show details" (never the sentence itself).
QString sqliteWords(const QSqlError &error)
{
    const QString said = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return error.nativeErrorCode().isEmpty() ? said
                                             : u"SQLite error %1: %2"_s.arg(error.nativeErrorCode(), said);
}

bool hasSqliteHeader(const QString &path)
{
    sqlite3_vfs *vfs = sqlite3_vfs_find(nullptr);
    if (!vfs)
        return false;
    const QByteArray name = QFile::encodeName(QFileInfo(path).absoluteFilePath());
    sqlite3_filename filename = sqlite3_create_filename(name.constData(), "", "", 0, nullptr);
    std::vector<char> storage(size_t(vfs->szOsFile));
    auto *file = reinterpret_cast<sqlite3_file *>(storage.data());
    int flags = 0;
    bool header = false;
    if (vfs->xOpen(vfs, filename, file, SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB, &flags) == SQLITE_OK) {
        char head[16] = {};
        header = file->pMethods->xRead(file, head, sizeof head, 0) == SQLITE_OK &&
                 std::memcmp(head, "SQLite format 3", 16) == 0;
        file->pMethods->xClose(file);
    }
    sqlite3_free_filename(filename);
    return header;
}

bool folderIsWritable(const QString &path)
{
    const QFileInfo dir(QFileInfo(path).absolutePath());
    return dir.isDir() && dir.isWritable();
}

// A read-only URI for SQLite; `immutable` also tells it that nobody changes the file, so it needs
// no -shm (a dataset on a read-only mount or in a read-only folder).
QString readOnlyUri(const QString &path, bool immutable)
{
    QString uri = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toString(QUrl::FullyEncoded);
    uri += immutable ? u"?mode=ro&immutable=1"_s : u"?mode=ro"_s;
    return uri;
}

const QString kSecretKey = u"privacy.secret"_s;

} // namespace

std::unique_ptr<Dataset> Dataset::open(const QString &location, Mode mode, QString *error, QString *details)
{
    std::unique_ptr<Dataset> ds(new Dataset);
    ds->m_location = location;
    ds->m_mode = mode;
    if (location.startsWith(u"postgres"_s)) {
        *error = QCoreApplication::translate("Dataset", "PostgreSQL datasets are not supported by this "
                                                        "build yet; use a dataset file.");
        return nullptr;
    }
    const QFileInfo info(location);
    const bool existed = info.exists();
    if (!existed && mode != Mode::OpenOrCreate) {
        *error = QCoreApplication::translate("Dataset", "The dataset %1 does not exist.").arg(location);
        return nullptr;
    }
    if (existed && info.isDir()) {
        *error = QCoreApplication::translate("Dataset", "%1 is a folder, not a dataset file.").arg(location);
        return nullptr;
    }
    if (!existed) {
        const QFileInfo dir(info.absolutePath());
        if (!dir.isDir() || !dir.isWritable()) {
            *error = QCoreApplication::translate("Dataset", "Cannot create %1: the folder %2 does not exist "
                                                            "or is not writable.")
                         .arg(location, info.absolutePath());
            return nullptr;
        }
    }
    ds->m_readOnly = mode == Mode::ReadOnly || (existed && !info.isWritable());
    if (existed && !folderIsWritable(location)) {
        // SQLite writes the -wal and -shm files beside the dataset: without them nothing can change.
        ds->m_readOnly = true;
        ds->m_readOnlyReason = QCoreApplication::translate(
            "Dataset", "The folder of this dataset is read-only, so it was opened read-only.");
    } else if (existed && !info.isWritable() && mode != Mode::ReadOnly) {
        ds->m_readOnlyReason = QCoreApplication::translate(
            "Dataset", "You may not write to this dataset file, so it was opened read-only.");
    }
    ds->m_damageMark = sqliteLog().damage.loadRelaxed();
    ds->m_diskFullMark = sqliteLog().diskFull.loadRelaxed();
    if (!ds->initialise(mode, existed)) {
        *error = ds->m_error;
        if (details)
            *details = ds->m_errorDetails;
        ds.reset();
        // A dataset that could not be created (a full disk) leaves no empty file behind, which
        // later commands would take for an empty database.
        if (!existed && QFileInfo(location).exists() && QFileInfo(location).size() == 0) {
            QString ignored;
            removeFiles(location, &ignored);
        }
        return nullptr;
    }
    return ds;
}

bool Dataset::initialise(Mode mode, bool fileExisted)
{
    m_connectionName = nextConnectionName();
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    const auto connect = [this](bool immutable) {
        m_db.close();
        if (m_readOnly) {
            m_db.setDatabaseName(readOnlyUri(m_location, immutable));
            m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000;QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"_s);
        } else {
            m_db.setDatabaseName(m_location);
            m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
        }
        return m_db.open();
    };
    if (!connect(false)) {
        const QString e = m_db.lastError().text();
        m_error = isDiskFullError(e)
                      ? diskFullMessage(m_location)
                      : QCoreApplication::translate("Dataset", "Cannot open %1: %2").arg(m_location, e);
        return false;
    }
    QSqlQuery q(m_db);
    // SQLite reads the file only now: a foreign or damaged file shows itself on this first read.
    bool read = q.exec(u"PRAGMA application_id"_s) && q.next();
    if (!read && m_readOnly && !isNotADatabase(q.lastError()) && !folderIsWritable(m_location)) {
        // A WAL dataset on a read-only mount or in a read-only folder: SQLite cannot create the
        // -shm it wants ("unable to open", "attempt to write a readonly database"). Nobody can
        // change such a file, so it may be read as immutable.
        q = QSqlQuery();
        if (connect(true)) {
            q = QSqlQuery(m_db);
            read = q.exec(u"PRAGMA application_id"_s) && q.next();
            m_immutable = read;
        }
    }
    if (!read) {
        const QSqlError e = q.lastError();
        m_errorDetails = sqliteWords(e);
        if (isNotADatabase(e) && !hasSqliteHeader(m_location)) {
            m_error = QCoreApplication::translate("Dataset", "%1 is not a PairLens dataset (it is not an "
                                                             "SQLite database file).")
                          .arg(m_location);
        } else if (isNotADatabase(e) || isDamageError(e.text()) || damageReported()) {
            // An SQLite header followed by garbage, a first page that does not add up, a file cut short.
            m_error = QCoreApplication::translate("Dataset", "%1 is damaged: SQLite cannot read it, so it "
                                                             "cannot be opened; restore it from a backup.")
                          .arg(m_location);
        } else {
            m_error = QCoreApplication::translate("Dataset", "%1 cannot be read: %2.")
                          .arg(m_location, e.databaseText().isEmpty() ? e.text() : e.databaseText());
        }
        return false;
    }
    const int appId = q.value(0).toInt();
    q.exec(u"PRAGMA user_version"_s);
    q.next();
    const int version = q.value(0).toInt();
    // The list of tables is the first read beyond page 1: a file cut short or overwritten after
    // its header fails here, and must not pass for an empty database.
    if (!q.exec(u"SELECT count(*) FROM sqlite_schema"_s) || !q.next()) {
        m_errorDetails = sqliteWords(q.lastError());
        m_error =
            damageReported() || isDamageError(q.lastError().text())
                ? QCoreApplication::translate("Dataset", "%1 is damaged: its list of tables cannot be "
                                                         "read, so it cannot be opened; restore it from "
                                                         "a backup.")
                      .arg(m_location)
                : QCoreApplication::translate("Dataset", "%1 cannot be read: %2.")
                      .arg(m_location, q.lastError().databaseText());
        return false;
    }
    const int objects = q.value(0).toInt();
    q.finish(); // a statement still reading sqlite_schema would lock the schema against the migration

    if (appId != schema::kApplicationId && objects > 0) {
        m_error = QCoreApplication::translate("Dataset", "%1 is an SQLite database, but not a PairLens "
                                                         "dataset; PairLens leaves it untouched.")
                      .arg(m_location);
        return false;
    }
    if (version > schema::kCurrentVersion) {
        m_error = QCoreApplication::translate("Dataset", "%1 was written by a newer PairLens (format version "
                                                         "%2; this version reads up to %3). Please update "
                                                         "PairLens.")
                      .arg(m_location)
                      .arg(version)
                      .arg(schema::kCurrentVersion);
        return false;
    }
    m_formatVersion = schema::kCurrentVersion;
    if (version < schema::kCurrentVersion && m_readOnly && objects > 0 &&
        version >= schema::kOldestReadableVersion) {
        // Only indexes are missing: read the file as it is.
        m_formatVersion = version;
    } else if (version < schema::kCurrentVersion) {
        if (m_readOnly) {
            m_error = objects == 0
                          ? QCoreApplication::translate("Dataset", "%1 is empty and read-only, so it cannot "
                                                                   "become a dataset.")
                                .arg(m_location)
                          : QCoreApplication::translate("Dataset", "%1 uses an older format (version %2) and "
                                                                   "is read-only, so it cannot be upgraded.")
                                .arg(m_location)
                                .arg(version);
            return false;
        }
        if (objects == 0 && fileExisted && mode != Mode::OpenOrCreate) {
            // An SQLite file with no tables at all (or an empty file): make it a new dataset only
            // when asked to create one, never when asked to open one.
            m_error =
                QCoreApplication::translate("Dataset", "%1 is an empty database, not a PairLens dataset.")
                    .arg(m_location);
            return false;
        }
        QString err;
        if (!schema::migrate(m_db, version, &err)) {
            m_error = isDiskFullError(err) || diskFullReported()
                          ? diskFullMessage(m_location)
                          : QCoreApplication::translate("Dataset", "Cannot prepare %1 as a dataset: %2")
                                .arg(m_location, err);
            return false;
        }
        m_migratedFrom = version;
    }

    if (!m_readOnly) {
        // WAL lets outside programs keep inserting while PairLens reads; NORMAL sync is durable at
        // checkpoints and far faster for bulk imports.
        q.exec(u"PRAGMA journal_mode = WAL"_s);
        q.exec(u"PRAGMA synchronous = NORMAL"_s);
    }
    q.exec(u"PRAGMA foreign_keys = ON"_s);
    q.exec(u"PRAGMA temp_store = MEMORY"_s);
    // 64 MiB page cache. No memory map: mapped pages count as resident memory, and a full scan of
    // a 1M-pair file pushed an export past 100 MB (130 MB with a 256 MiB map, 57 MB without).
    q.exec(u"PRAGMA cache_size = -65536"_s);

    if (!ensureSecret())
        return false;
    if (!m_readOnly) {
        // Finish large writes that a process killed midway had committed (see writeops.h).
        QString ignored;
        writeops::recover(m_db, &ignored);
        // New custom patterns whose rescan of the PII kinds was cut short, or kinds computed by an
        // older scanner (fewer detectors): scanned again, once.
        const QString scanner = QString::number(Deriver::kScannerVersion);
        const bool outdated = setting(Deriver::kScannerVersionKey) != scanner;
        if (outdated || !setting(Deriver::kRescanPendingKey).isEmpty()) {
            if (Deriver::forDataset(*this).rescanPii(*this, &ignored) >= 0 && outdated) {
                WriteTransaction tx(m_db);
                if (tx.begin(&ignored) && setSetting(Deriver::kScannerVersionKey, scanner))
                    tx.commit(&ignored);
            }
        }
    }
    return true;
}

bool Dataset::ensureSecret()
{
    const QString hex = setting(kSecretKey);
    if (!hex.isEmpty()) {
        m_secret = QByteArray::fromHex(hex.toLatin1());
        return true;
    }
    if (m_readOnly) {
        // A read-only dataset without a secret can still be viewed; anonymized previews then use a
        // secret that lives only in this session.
        m_secret.resize(32);
        QRandomGenerator::system()->generate(m_secret.begin(), m_secret.end());
        return true;
    }
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(secret.begin(), secret.end());
    if (!setSetting(kSecretKey, QString::fromLatin1(secret.toHex()))) {
        m_error = failureMessage(Access::Write, m_error);
        return false;
    }
    m_secret = secret;
    return true;
}

Dataset::~Dataset()
{
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

std::unique_ptr<Dataset> Dataset::reopen(QString *error) const
{
    return open(m_location, m_readOnly ? Mode::ReadOnly : Mode::OpenExisting, error);
}

QString Dataset::displayName() const
{
    return QFileInfo(m_location).fileName();
}

QString Dataset::setting(const QString &key, const QString &fallback) const
{
    QSqlQuery q(m_db);
    q.prepare(u"SELECT value FROM settings WHERE key = ?"_s);
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return fallback;
}

bool Dataset::readSettings(QHash<QString, QString> *out, QString *error) const
{
    out->clear();
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT key, value FROM settings"_s)) {
        *error = q.lastError().text();
        return false;
    }
    while (q.next())
        out->insert(q.value(0).toString(), q.value(1).toString());
    if (q.lastError().isValid()) {
        *error = q.lastError().text();
        out->clear();
        return false;
    }
    out->remove(kSecretKey);
    return true;
}

bool Dataset::setSetting(const QString &key, const QString &value)
{
    if (m_readOnly) {
        m_error = QCoreApplication::translate("Dataset", "The dataset is read-only.");
        return false;
    }
    QSqlQuery q(m_db);
    q.prepare(u"INSERT INTO settings(key, value) VALUES (?, ?) "
              "ON CONFLICT(key) DO UPDATE SET value = excluded.value"_s);
    q.addBindValue(key);
    q.addBindValue(value);
    if (!q.exec()) {
        m_error = q.lastError().text();
        return false;
    }
    return true;
}

qint64 Dataset::dataVersion() const
{
    QSqlQuery q(m_db);
    if (q.exec(u"PRAGMA data_version"_s) && q.next())
        return q.value(0).toLongLong();
    return -1;
}

} // namespace pairlens
