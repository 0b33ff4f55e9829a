// The sources of `pairlens copy`: a dataset file or a PostgreSQL schema, read in one snapshot.
#include "storage/storagecopy_p.h"

#include "dataset/dataset.h"
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

#include <libpq-fe.h>

using namespace Qt::StringLiterals;

namespace pairlens::copydetail {
namespace {

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
    bool lostConnection() const override { return m_storage->lostSinceOpened(); }
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

} // namespace

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

} // namespace pairlens::copydetail
