#include "dataset/dataset.h"

#include "dataset/schema.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return u"pairlens-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

// True when the first bytes are SQLite's header (or the file is empty, which SQLite treats as a
// fresh database).
bool looksLikeSqlite(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return true; // let SQLite report the real problem (permissions, ...)
    const QByteArray head = f.read(16);
    return head.isEmpty() || head == QByteArrayLiteral("SQLite format 3\0");
}

const QString kSecretKey = u"privacy.secret"_s;

} // namespace

std::unique_ptr<Dataset> Dataset::open(const QString &location, Mode mode, QString *error)
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
    if (existed && !looksLikeSqlite(location)) {
        *error = QCoreApplication::translate("Dataset", "%1 is not a PairLens dataset (it is not an SQLite "
                                                        "database file).")
                     .arg(location);
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
    if (!ds->initialise(mode, existed)) {
        *error = ds->m_error;
        return nullptr;
    }
    return ds;
}

bool Dataset::initialise(Mode mode, bool fileExisted)
{
    m_connectionName = nextConnectionName();
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    m_db.setDatabaseName(m_location);
    QString options = u"QSQLITE_BUSY_TIMEOUT=5000"_s;
    if (m_readOnly)
        options += u";QSQLITE_OPEN_READONLY"_s;
    m_db.setConnectOptions(options);
    if (!m_db.open()) {
        m_error = QCoreApplication::translate("Dataset", "Cannot open %1: %2")
                      .arg(m_location, m_db.lastError().text());
        return false;
    }
    QSqlQuery q(m_db);
    // The header check above passed, but a damaged file only shows itself on the first read.
    if (!q.exec(u"PRAGMA application_id"_s) || !q.next()) {
        m_error = QCoreApplication::translate("Dataset", "%1 is damaged or not a PairLens dataset: %2")
                      .arg(m_location, q.lastError().text());
        return false;
    }
    const int appId = q.value(0).toInt();
    q.exec(u"PRAGMA user_version"_s);
    q.next();
    const int version = q.value(0).toInt();
    q.exec(u"SELECT count(*) FROM sqlite_schema"_s);
    q.next();
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
        if (objects == 0 && fileExisted && mode != Mode::OpenOrCreate && QFileInfo(m_location).size() > 0) {
            // An SQLite file with no tables at all: treat it as a new dataset only when asked to.
            m_error =
                QCoreApplication::translate("Dataset", "%1 is an empty database, not a PairLens dataset.")
                    .arg(m_location);
            return false;
        }
        QString err;
        if (!schema::migrate(m_db, version, &err)) {
            m_error = QCoreApplication::translate("Dataset", "Cannot prepare %1 as a dataset: %2")
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
        m_error = QCoreApplication::translate("Dataset", "Cannot write to %1: %2").arg(m_location, m_error);
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

QHash<QString, QString> Dataset::settings() const
{
    QHash<QString, QString> out;
    QSqlQuery q(m_db);
    if (q.exec(u"SELECT key, value FROM settings"_s)) {
        while (q.next())
            out.insert(q.value(0).toString(), q.value(1).toString());
    }
    out.remove(kSecretKey);
    return out;
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
