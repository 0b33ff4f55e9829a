#pragma once

#include <QHash>
#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace pairlens {

// An open dataset: one SQLite file with its own named Qt Sql connection. A Dataset belongs to the
// thread that opened it; a worker thread opens its own with reopen(). Errors are reported through
// errorString(), never shown: the caller (CLI or UI) decides how to present them.
class Dataset
{
public:
    enum class Mode
    {
        OpenExisting, // fail when the file does not exist
        OpenOrCreate, // create an empty dataset when the file does not exist
        ReadOnly,     // never write; derived fields of new rows stay unfilled
    };

    // Returns nullptr with a one-sentence message in *error when the dataset can't be opened.
    // On failure *error gets one sentence; *details (when given) what SQLite itself said, for a
    // "Show details" behind the sentence.
    static std::unique_ptr<Dataset> open(const QString &location, Mode mode, QString *error,
                                         QString *details = nullptr);

    ~Dataset();
    Dataset(const Dataset &) = delete;
    Dataset &operator=(const Dataset &) = delete;

    // Another connection to the same dataset, for use on the calling thread.
    std::unique_ptr<Dataset> reopen(QString *error) const;

    QSqlDatabase &db() { return m_db; }
    QString location() const { return m_location; }
    QString displayName() const;
    bool isReadOnly() const { return m_readOnly; }
    // Why a dataset asked to open for writing opened read-only (empty when it was not).
    QString readOnlyReason() const { return m_readOnlyReason; }
    // True when the file is read as immutable (a read-only mount or folder): changes by other
    // programs are not seen until it is opened again.
    bool isImmutable() const { return m_immutable; }
    // True when `path` names this dataset's file, its -wal or its -shm (through any link): such a
    // path must never be opened, written or replaced by anything but SQLite.
    bool isOwnFile(const QString &path) const;
    // The same for any dataset location.
    static bool isDatasetFile(const QString &datasetLocation, const QString &path);
    // Removes a dataset file with its -wal and -shm, to create a new dataset in its place. Refuses
    // (false, one sentence in *error) while any connection (this process's or another's) has it
    // open: SQLite itself checks that by leaving WAL mode, which needs the only connection.
    static bool removeFiles(const QString &location, QString *error);
    int formatVersion() const { return m_formatVersion; }
    // True when the file was opened with an older format version and migrated.
    bool wasMigrated() const { return m_migratedFrom > 0; }

    QString setting(const QString &key, const QString &fallback = {}) const;
    // The settings table without the secret; false with *error (and nothing in *out) when it cannot
    // be read. Whoever anonymizes or scans with them must not go on without them.
    bool readSettings(QHash<QString, QString> *out, QString *error) const;
    bool setSetting(const QString &key, const QString &value);

    // The per-dataset anonymization secret (32 random bytes, created with the dataset). Never
    // exported, never shown.
    QByteArray secret() const { return m_secret; }

    // A counter that changes whenever another connection commits to the dataset.
    qint64 dataVersion() const;

    QString errorString() const { return m_error; }

    // Damage and a full disk as SQLite reported them to its error log since this dataset was
    // opened. The log is the process's and does not name the connection, so that a damaged page is
    // noticed whichever code path met it: a read that meets one ends early just like a read that
    // reached the end, and not every caller tells the two apart.
    bool damageReported() const;
    bool diskFullReported() const;
    // SQLite's damage reports in this process so far, whichever dataset they were about.
    static quint64 damageReportsInProcess();
    enum class Access
    {
        Read,
        Write
    };
    // One sentence for a failed read or write of this dataset, `error` as the failing call gave it:
    // damageMessage() when SQLite reported damage, diskFullMessage() when it reported a full disk,
    // otherwise "Cannot read DATASET: error" or "Cannot write to DATASET: error".
    QString failureMessage(Access access, const QString &error) const;
    // "DATASET is damaged: page N of the file cannot be read (...); restore it from a backup."
    // Runs PRAGMA quick_check to tell where; call it only once damage was reported.
    QString damageMessage() const;
    // What SQLite said about the damage (its log and quick_check), for "Show details".
    QString damageDetails() const;
    // "Cannot write to PATH: the disk is full (N free on MOUNT); ..." for any file.
    static QString diskFullMessage(const QString &path);
    // True when an error text says SQLite found the file damaged or the disk full.
    static bool isDamageError(const QString &error);
    static bool isDiskFullError(const QString &error);

private:
    Dataset() = default;
    bool initialise(Mode mode, bool fileExisted);
    bool ensureSecret();

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_location;
    QString m_error;
    QString m_errorDetails; // SQLite's own words behind m_error, when it has any
    QByteArray m_secret;
    Mode m_mode = Mode::OpenExisting;
    bool m_readOnly = false;
    bool m_immutable = false;
    QString m_readOnlyReason;
    int m_formatVersion = 0;
    int m_migratedFrom = 0;
    quint64 m_damageMark = 0;   // SQLite's damage reports before this dataset was opened
    quint64 m_diskFullMark = 0; // and its full-disk reports
};

} // namespace pairlens
