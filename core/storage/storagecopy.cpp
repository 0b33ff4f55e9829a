#include "storage/storagecopy.h"

#include "dataset/bulkload.h"
#include "dataset/dataset.h"
#include "dataset/writetx.h"
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>
#include <QVariant>

#include <libpq-fe.h>

#include <array>
#include <climits>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StorageCopy", text);
}

// The columns of a pair that a copy carries, in this order in both backends. A file's trash flag
// (`deleted`) is read as the delete batch being set, as PostgreSQL stores it (0 for a trashed pair
// of a file without a batch number).
constexpr int kColumns = 20;
enum class Kind
{
    Int,
    Real,
    Text
};
constexpr std::array<Kind, kColumns> kKinds = {Kind::Int,  Kind::Text, Kind::Text, Kind::Text, Kind::Text,
                                               Kind::Text, Kind::Text, Kind::Int,  Kind::Real, Kind::Text,
                                               Kind::Text, Kind::Text, Kind::Text, Kind::Int,  Kind::Int,
                                               Kind::Int,  Kind::Int,  Kind::Text, Kind::Text, Kind::Int};
constexpr int kIdColumn = 0, kQuestionColumn = 2, kSqlColumn = 3, kDatabaseTypeColumn = 5,
              kQueryTypeColumn = 11, kBatchColumn = 19;
const QString kColumnList =
    u"id, pair_id, natural_language_query, sql_query, timestamp, database_type, database_name, success, "
    "execution_time_ms, metadata, ts, query_type, table_names, pii_mask, question_length, sql_length, "
    "review_status, reviewer_note, deleted_at, delete_batch"_s;
using Row = std::array<QVariant, kColumns>;

// A value as the column's kind holds it (NULL stays NULL).
QVariant typed(Kind kind, const QVariant &v)
{
    if (v.isNull())
        return {};
    switch (kind) {
    case Kind::Int:
        return v.toLongLong();
    case Kind::Real:
        return v.toDouble();
    case Kind::Text:
        break;
    }
    return v.toString();
}

struct AuditRow
{
    QString at, action;
    qint64 pairCount = 0;
    QString detail; // a JSON object
    QString role;   // empty for a dataset file
};

constexpr int kPairBatch = 5000;
constexpr int kAuditBatch = 1000;

// ---- Sources: one snapshot of the whole dataset, read forward in batches. ----

class Source
{
public:
    virtual ~Source() = default;
    virtual QString location() const = 0;
    // Starts the snapshot and reads the settings (with the secret) and the number of pairs.
    virtual bool begin(QHash<QString, QString> *settings, qint64 *count, QString *error) = 0;
    // The next pairs in row id order: how many, 0 at the end, -1 with *error.
    virtual int pairs(QList<Row> *out, QString *error) = 0;
    virtual int audit(QList<AuditRow> *out, QString *error) = 0;
};

class FileSource final : public Source
{
public:
    explicit FileSource(std::unique_ptr<Dataset> ds) : m_ds(std::move(ds)) {}
    ~FileSource() override
    {
        if (m_open) {
            QSqlQuery q(m_ds->db());
            q.exec(u"ROLLBACK"_s);
        }
    }
    QString location() const override { return m_ds->location(); }

    bool begin(QHash<QString, QString> *settings, qint64 *count, QString *error) override
    {
        QSqlQuery q(m_ds->db());
        // One read transaction: the pairs, audit log and settings of one moment.
        if (!q.exec(u"BEGIN"_s))
            return fail(q, error);
        m_open = true;
        if (!q.exec(u"SELECT key, value FROM settings"_s))
            return fail(q, error);
        while (q.next())
            settings->insert(q.value(0).toString(), q.value(1).toString());
        if (!q.exec(u"SELECT count(*) FROM pairs"_s) || !q.next())
            return fail(q, error);
        *count = q.value(0).toLongLong();
        return true;
    }

    int pairs(QList<Row> *out, QString *error) override
    {
        QSqlQuery q(m_ds->db());
        q.setForwardOnly(true);
        q.prepare(
            u"SELECT id, pair_id, natural_language_query, sql_query, timestamp, database_type, "
            "database_name, success, execution_time_ms, metadata, ts, query_type, table_names, pii_mask, "
            "question_length, sql_length, review_status, reviewer_note, deleted_at, "
            "CASE WHEN deleted <> 0 THEN coalesce(delete_batch, 0) END FROM pairs WHERE id > ? "
            "ORDER BY id LIMIT %1"_s.arg(kPairBatch));
        q.addBindValue(m_lastPair);
        if (!q.exec())
            return fail(q, error) ? 0 : -1;
        while (q.next()) {
            Row row;
            for (int i = 0; i < kColumns; ++i)
                row[size_t(i)] = typed(kKinds[size_t(i)], q.value(i));
            m_lastPair = row[kIdColumn].toLongLong();
            out->append(std::move(row));
        }
        return int(out->size());
    }

    int audit(QList<AuditRow> *out, QString *error) override
    {
        QSqlQuery q(m_ds->db());
        q.setForwardOnly(true);
        q.prepare(
            u"SELECT id, at, action, pair_count, detail FROM audit_log WHERE id > ? ORDER BY id LIMIT %1"_s
                .arg(kAuditBatch));
        q.addBindValue(m_lastAudit);
        if (!q.exec())
            return fail(q, error) ? 0 : -1;
        while (q.next()) {
            m_lastAudit = q.value(0).toLongLong();
            out->append({q.value(1).toString(), q.value(2).toString(), q.value(3).toLongLong(),
                         q.value(4).toString(), QString()});
        }
        return int(out->size());
    }

private:
    bool fail(const QSqlQuery &q, QString *error)
    {
        *error = m_ds->failureMessage(Dataset::Access::Read, q.lastError().text());
        return false;
    }

    std::unique_ptr<Dataset> m_ds;
    bool m_open = false;
    qint64 m_lastPair = 0, m_lastAudit = 0;
};

class PgSource final : public Source
{
public:
    explicit PgSource(std::unique_ptr<PgStorage> storage) : m_storage(std::move(storage)) {}
    ~PgSource() override
    {
        if (m_open)
            pg::Result r(PQexec(m_storage->connection(), "ROLLBACK"));
    }
    QString location() const override { return m_storage->location(); }

    bool begin(QHash<QString, QString> *settings, qint64 *count, QString *error) override
    {
        PGconn *pg = m_storage->connection();
        const QString s = m_storage->quotedSchema();
        {
            pg::Result r(PQexec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
            if (!r.ok())
                return fail(r, error);
            m_open = true;
        }
        pg::Result set(
            pg::exec(pg, u"SELECT key, value FROM %1.settings WHERE key <> 'format_version'"_s.arg(s)));
        if (!set.ok())
            return fail(set, error);
        for (int i = 0; i < set.rows(); ++i)
            settings->insert(set.text(i, 0), set.text(i, 1));
        pg::Result n(pg::exec(pg, u"SELECT count(*) FROM %1.pairs"_s.arg(s)));
        if (!n.ok())
            return fail(n, error);
        *count = n.number(0, 0);
        // A schema before version 3 (read as it is by a read-only role): every pair live and
        // unreviewed, no audit log.
        const bool curation = pg::hasCuration(m_storage->formatVersion());
        const QString columns =
            curation ? kColumnList
                     : QString(kColumnList)
                           .replace(u"review_status, reviewer_note, deleted_at, delete_batch"_s,
                                    u"0, '', NULL, NULL"_s);
        pg::Result declare(pg::exec(
            pg, u"DECLARE pairlens_copy_pairs NO SCROLL CURSOR FOR SELECT %1 FROM %2.pairs ORDER BY id"_s.arg(
                    columns, s)));
        if (!declare.ok())
            return fail(declare, error);
        pg::Result audit(pg::exec(
            pg, curation ? u"DECLARE pairlens_copy_audit NO SCROLL CURSOR FOR SELECT at, action, pair_count, "
                           "detail::text, role FROM %1.audit_log ORDER BY id"_s.arg(s)
                         : u"DECLARE pairlens_copy_audit NO SCROLL CURSOR FOR SELECT '', '', 0, '', '' "
                           "WHERE false"_s));
        if (!audit.ok())
            return fail(audit, error);
        return true;
    }

    int pairs(QList<Row> *out, QString *error) override
    {
        pg::Result r(pg::exec(m_storage->connection(),
                              u"FETCH FORWARD %1 FROM pairlens_copy_pairs"_s.arg(kPairBatch)));
        if (!r.ok())
            return fail(r, error) ? 0 : -1;
        for (int i = 0; i < r.rows(); ++i) {
            Row row;
            for (int c = 0; c < kColumns; ++c) {
                if (!r.isNull(i, c))
                    row[size_t(c)] = typed(kKinds[size_t(c)], r.text(i, c));
            }
            out->append(std::move(row));
        }
        return int(out->size());
    }

    int audit(QList<AuditRow> *out, QString *error) override
    {
        pg::Result r(pg::exec(m_storage->connection(),
                              u"FETCH FORWARD %1 FROM pairlens_copy_audit"_s.arg(kAuditBatch)));
        if (!r.ok())
            return fail(r, error) ? 0 : -1;
        for (int i = 0; i < r.rows(); ++i) {
            // jsonb prints its own spacing and key order; a file's detail is compact JSON.
            const QByteArray detail =
                QJsonDocument::fromJson(r.text(i, 3).toUtf8()).toJson(QJsonDocument::Compact);
            out->append(
                {r.text(i, 0), r.text(i, 1), r.number(i, 2), QString::fromUtf8(detail), r.text(i, 4)});
        }
        return int(out->size());
    }

private:
    bool fail(const pg::Result &r, QString *error)
    {
        *error = tr("Cannot read %1: %2").arg(m_storage->location(), r.error());
        return false;
    }

    std::unique_ptr<PgStorage> m_storage;
    bool m_open = false;
};

// ---- Targets: new or without pairs; complete at finish() or left as they were. ----

class Target
{
public:
    virtual ~Target() = default;
    // Checks that the target holds no pairs and starts writing; false with *error (nothing written).
    virtual bool begin(QString *error) = 0;
    virtual bool addPairs(const QList<Row> &rows, QString *error) = 0;
    virtual bool endPairs(QString *error) = 0;
    virtual bool addAudit(const QList<AuditRow> &rows, QString *error) = 0;
    // Writes the settings and the copy's own audit entry and makes the copy visible.
    virtual bool finish(const QHash<QString, QString> &settings, qint64 pairs, const QJsonObject &detail,
                        QString *error) = 0;
};

QString notEmpty(const QString &location, qint64 pairs)
{
    // The count outside the call: lupdate's parser does not come back from a template argument
    // list inside translate()'s arguments.
    const int n = int(std::min(pairs, qint64(INT_MAX)));
    return QCoreApplication::translate("StorageCopy",
                                       "%1 already holds %n pairs; pairlens copy writes only into a new "
                                       "or empty dataset. Nothing was written.",
                                       nullptr, n)
        .arg(location);
}

class FileTarget final : public Target
{
public:
    explicit FileTarget(const QString &location) : m_location(location) {}

    bool begin(QString *error) override
    {
        if (!BulkLoad::canCreate(m_location)) {
            // An existing file: refused, with its number of pairs when it is a dataset.
            QString openError;
            if (auto ds = Dataset::open(m_location, Dataset::Mode::ReadOnly, &openError)) {
                QSqlQuery q(ds->db());
                if (q.exec(u"SELECT count(*) FROM pairs"_s) && q.next() && q.value(0).toLongLong() > 0) {
                    *error = notEmpty(m_location, q.value(0).toLongLong());
                    return false;
                }
            }
            *error = tr("%1 exists; pairlens copy writes a new dataset file (remove it or choose another "
                        "name). Nothing was written.")
                         .arg(m_location);
            return false;
        }
        m_bulk = BulkLoad::begin(m_location, error);
        if (!m_bulk)
            return false;
        m_insert = std::make_unique<QSqlQuery>(m_bulk->dataset().db());
        return prepare(u"INSERT INTO pairs (%1, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       u"?, ?, ?, ?, ?, "
                       "?, ?)"_s.arg(kColumnList),
                       error);
    }

    bool addPairs(const QList<Row> &rows, QString *error) override
    {
        return write(error, [&](QString *why) {
            for (const Row &row : rows) {
                for (int i = 0; i < kColumns; ++i)
                    m_insert->addBindValue(row[size_t(i)]);
                m_insert->addBindValue(row[kBatchColumn].isNull() ? 0 : 1);
                if (!m_insert->exec()) {
                    *why = m_insert->lastError().text();
                    return false;
                }
            }
            return true;
        });
    }

    bool endPairs(QString *error) override
    {
        return prepare(u"INSERT INTO audit_log (at, action, pair_count, detail) VALUES (?, ?, ?, ?)"_s,
                       error);
    }

    bool addAudit(const QList<AuditRow> &rows, QString *error) override
    {
        return write(error, [&](QString *why) {
            for (const AuditRow &row : rows) {
                m_insert->addBindValue(row.at);
                m_insert->addBindValue(row.action);
                m_insert->addBindValue(row.pairCount);
                m_insert->addBindValue(row.detail);
                if (!m_insert->exec()) {
                    *why = m_insert->lastError().text();
                    return false;
                }
            }
            return true;
        });
    }

    bool finish(const QHash<QString, QString> &settings, qint64 pairs, const QJsonObject &detail,
                QString *error) override
    {
        const bool written = write(error, [&](QString *why) {
            QSqlQuery q(m_bulk->dataset().db());
            q.prepare(u"INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)"_s);
            for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
                q.addBindValue(it.key());
                q.addBindValue(it.value());
                if (!q.exec()) {
                    *why = q.lastError().text();
                    return false;
                }
            }
            q.prepare(u"INSERT INTO audit_log (action, pair_count, detail) VALUES ('copy', ?, ?)"_s);
            q.addBindValue(pairs);
            q.addBindValue(QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)));
            if (!q.exec()) {
                *why = q.lastError().text();
                return false;
            }
            return true;
        });
        m_insert.reset();
        if (!written)
            return false;
        return m_bulk->finish(error);
    }

private:
    bool prepare(const QString &sql, QString *error)
    {
        if (m_insert->prepare(sql))
            return true;
        *error = m_bulk->dataset()
                     .failureMessage(Dataset::Access::Write, m_insert->lastError().text())
                     .replace(m_bulk->temporaryPath(), m_location);
        return false;
    }

    // One write transaction (BEGIN IMMEDIATE) of the temporary file nobody else knows.
    bool write(QString *error, const std::function<bool(QString *)> &body)
    {
        WriteTransaction tx(m_bulk->dataset().db());
        QString why;
        if (!tx.begin(&why) || !body(&why) || !tx.commit(&why)) {
            tx.rollback();
            *error = m_bulk->dataset()
                         .failureMessage(Dataset::Access::Write, why)
                         .replace(m_bulk->temporaryPath(), m_location);
            return false;
        }
        return true;
    }

    QString m_location;
    std::unique_ptr<BulkLoad> m_bulk; // without finish(), its destructor removes the temporary file
    std::unique_ptr<QSqlQuery> m_insert;
};

class PgTarget final : public Target
{
public:
    explicit PgTarget(std::unique_ptr<PgStorage> storage) : m_storage(std::move(storage)) {}
    ~PgTarget() override
    {
        // Not finished: the server drops everything written (and would do so for a lost connection
        // or a killed process too).
        PGconn *pg = m_storage->connection();
        if (m_copying) {
            PQputCopyEnd(pg, "copy cancelled");
            while (PGresult *rest = PQgetResult(pg))
                PQclear(rest);
        }
        if (m_open)
            pg::Result r(PQexec(pg, "ROLLBACK"));
    }

    bool begin(QString *error) override
    {
        PGconn *pg = m_storage->connection();
        const QString s = m_storage->quotedSchema();
        if (!m_storage->canWrite(error))
            return false;
        if (!exec(u"BEGIN"_s, error))
            return false;
        m_open = true;
        // Other writers wait until the copy commits (or is rolled back); readers go on.
        if (!exec(u"LOCK TABLE %1.pairs, %1.audit_log, %1.settings IN EXCLUSIVE MODE"_s.arg(s), error))
            return false;
        pg::Result n(pg::exec(pg, u"SELECT count(*) FROM %1.pairs"_s.arg(s)));
        if (!n.ok())
            return failed(n.error(), error);
        if (n.number(0, 0) > 0) {
            *error = notEmpty(m_storage->location(), n.number(0, 0));
            return false;
        }
        return startCopy(u"pairs (%1, search_vector, exact_key, normalized_key)"_s.arg(kColumnList), error);
    }

    bool addPairs(const QList<Row> &rows, QString *error) override
    {
        QByteArray buffer;
        for (const Row &row : rows) {
            for (int i = 0; i < kColumns; ++i) {
                const QVariant &v = row[size_t(i)];
                if (v.isNull())
                    buffer += "\\N";
                else if (kKinds[size_t(i)] == Kind::Int)
                    buffer += QByteArray::number(v.toLongLong());
                else if (kKinds[size_t(i)] == Kind::Real)
                    buffer += QByteArray::number(v.toDouble(), 'g', 17);
                else
                    pg::appendCopyField(buffer, v.toString());
                buffer += '\t';
            }
            // As an import writes it: the search words and duplicate keys of analysed pairs; a
            // recorder's row (not analysed yet) gets them with its derived fields.
            if (row[kQueryTypeColumn].isNull()) {
                buffer += "\\N\t\\N\t\\N";
            } else {
                const QString question = row[kQuestionColumn].toString(), sql = row[kSqlColumn].toString();
                const pg::DuplicateKeys keys =
                    pg::duplicateKeys(question, sql, row[kDatabaseTypeColumn].toString());
                buffer += pg::searchVector(question, sql) + "\t\\" + keys.exact + "\t\\" + keys.normalized;
            }
            buffer += '\n';
        }
        return put(buffer, error);
    }

    bool endPairs(QString *error) override
    {
        if (!endCopy(error))
            return false;
        // The next pair a recorder or an import adds comes after the copied ones.
        const QString s = m_storage->quotedSchema();
        return exec(u"SELECT setval(pg_get_serial_sequence('%1.pairs', 'id'), "
                    "coalesce((SELECT max(id) FROM %1.pairs), 0) + 1, false)"_s.arg(s),
                    error);
    }

    bool addAudit(const QList<AuditRow> &rows, QString *error) override
    {
        QByteArray buffer;
        for (const AuditRow &row : rows) {
            pg::appendCopyField(buffer, row.at);
            buffer += '\t';
            pg::appendCopyField(buffer, row.action);
            buffer += '\t' + QByteArray::number(row.pairCount) + '\t';
            pg::appendCopyField(buffer, row.detail.isEmpty() ? u"{}"_s : row.detail);
            buffer += '\t';
            pg::appendCopyField(buffer, row.role);
            buffer += '\n';
        }
        return startCopy(u"audit_log (at, action, pair_count, detail, role)"_s, error) &&
               put(buffer, error) && endCopy(error);
    }

    bool finish(const QHash<QString, QString> &settings, qint64 pairs, const QJsonObject &detail,
                QString *error) override
    {
        PGconn *pg = m_storage->connection();
        const QString s = m_storage->quotedSchema();
        for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
            pg::Result r(pg::exec(pg,
                                  u"INSERT INTO %1.settings (key, value) VALUES ($1, $2) ON CONFLICT (key) "
                                  "DO UPDATE SET value = EXCLUDED.value"_s.arg(s),
                                  {it.key().toUtf8(), it.value().toUtf8()}));
            if (!r.ok())
                return failed(r.error(), error);
        }
        pg::Result logged(pg::exec(
            pg,
            u"INSERT INTO %1.audit_log (action, pair_count, detail) VALUES ('copy', $1::bigint, $2::jsonb)"_s
                .arg(s),
            {QByteArray::number(pairs), QJsonDocument(detail).toJson(QJsonDocument::Compact)}));
        if (!logged.ok())
            return failed(logged.error(), error);
        if (!exec(u"COMMIT"_s, error))
            return false;
        m_open = false;
        if (pairs >= 10000)
            m_storage->analyze();
        return true;
    }

private:
    bool failed(const QString &why, QString *error)
    {
        *error = tr("Cannot copy into %1: %2").arg(m_storage->location(), why);
        return false;
    }
    bool exec(const QString &sql, QString *error)
    {
        pg::Result r(pg::exec(m_storage->connection(), sql));
        return r.ok() || failed(r.error(), error);
    }
    bool startCopy(const QString &into, QString *error)
    {
        pg::Result r(pg::exec(m_storage->connection(),
                              u"COPY %1.%2 FROM STDIN"_s.arg(m_storage->quotedSchema(), into)));
        if (PQresultStatus(r.res) != PGRES_COPY_IN)
            return failed(r.error(), error);
        m_copying = true;
        return true;
    }
    bool put(const QByteArray &data, QString *error)
    {
        PGconn *pg = m_storage->connection();
        if (data.isEmpty() || PQputCopyData(pg, data.constData(), int(data.size())) == 1)
            return true;
        return failed(pg::message(PQerrorMessage(pg)), error);
    }
    bool endCopy(QString *error)
    {
        PGconn *pg = m_storage->connection();
        m_copying = false;
        if (PQputCopyEnd(pg, nullptr) != 1)
            return failed(pg::message(PQerrorMessage(pg)), error);
        pg::Result copied(PQgetResult(pg));
        const bool ok = copied.ok();
        const QString why = ok ? QString() : copied.error();
        while (PGresult *more = PQgetResult(pg))
            PQclear(more);
        return ok || failed(why, error);
    }

    std::unique_ptr<PgStorage> m_storage;
    bool m_open = false;
    bool m_copying = false;
};

// What names one dataset, for "SOURCE and TARGET are the same": a file's absolute path, or a
// PostgreSQL server, database and schema (whoever connects).
QString identity(const QString &location)
{
    if (!isPostgresLocation(location)) {
        const QFileInfo info(location);
        return info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
    }
    const QUrl url(location);
    QString schema = QUrlQuery(url).queryItemValue(u"schema"_s, QUrl::FullyDecoded);
    if (schema.isEmpty())
        schema = u"training_data"_s;
    return u"%1:%2%3/%4"_s.arg(url.host().toLower()).arg(url.port(5432)).arg(url.path(), schema);
}

std::unique_ptr<Source> openSource(const QString &location, QString *error)
{
    if (isPostgresLocation(location)) {
        std::unique_ptr<PgStorage> storage = PgStorage::open(location, error, false);
        return storage ? std::make_unique<PgSource>(std::move(storage)) : nullptr;
    }
    if (!QFileInfo::exists(location)) {
        *error = tr("%1 does not exist.").arg(location);
        return nullptr;
    }
    std::unique_ptr<Dataset> ds = Dataset::open(location, Dataset::Mode::ReadOnly, error);
    return ds ? std::make_unique<FileSource>(std::move(ds)) : nullptr;
}

std::unique_ptr<Target> openTarget(const QString &location, QString *error)
{
    if (!isPostgresLocation(location))
        return std::make_unique<FileTarget>(location);
    std::unique_ptr<PgStorage> storage = PgStorage::open(location, error);
    return storage ? std::make_unique<PgTarget>(std::move(storage)) : nullptr;
}

} // namespace

CopyReport copyDataset(const QString &sourceLocation, const QString &targetLocation, const Progress &progress)
{
    CopyReport report;
    if (identity(sourceLocation) == identity(targetLocation)) {
        report.error = tr("The source and the target are the same dataset; nothing was copied.");
        return report;
    }
    std::unique_ptr<Source> source = openSource(sourceLocation, &report.error);
    if (!source)
        return report;
    std::unique_ptr<Target> target = openTarget(targetLocation, &report.error);
    if (!target)
        return report;
    QHash<QString, QString> settings;
    qint64 total = 0;
    if (!source->begin(&settings, &total, &report.error) || !target->begin(&report.error))
        return report;
    const auto stop = [&] {
        report.cancelled = true;
        report.pairs = report.trashed = report.auditEntries = 0;
        return report;
    };
    if (!progress.report(0, total))
        return stop();
    while (true) {
        QList<Row> rows;
        rows.reserve(kPairBatch);
        const int n = source->pairs(&rows, &report.error);
        if (n < 0)
            return report;
        if (n == 0)
            break;
        if (!target->addPairs(rows, &report.error))
            return report;
        report.pairs += n;
        for (const Row &row : std::as_const(rows))
            report.trashed += row[kBatchColumn].isNull() ? 0 : 1;
        if (!progress.report(report.pairs, std::max(total, report.pairs)))
            return stop();
    }
    if (!target->endPairs(&report.error))
        return report;
    while (true) {
        QList<AuditRow> rows;
        const int n = source->audit(&rows, &report.error);
        if (n < 0)
            return report;
        if (n == 0)
            break;
        if (!target->addAudit(rows, &report.error))
            return report;
        report.auditEntries += n;
    }
    if (progress.isCancelled())
        return stop();
    const QJsonObject detail{{u"source"_s, source->location()}, {u"audit_entries"_s, report.auditEntries}};
    if (!target->finish(settings, report.pairs, detail, &report.error))
        return report;
    return report;
}

} // namespace pairlens
