// The targets of `pairlens copy`: a new dataset file or an empty PostgreSQL schema, written whole
// or not at all.
#include "storage/storagecopy_p.h"

#include "dataset/bulkload.h"
#include "dataset/dataset.h"
#include "dataset/writetx.h"
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

#include <libpq-fe.h>

#include <climits>
#include <limits>

using namespace Qt::StringLiterals;

namespace pairlens::copydetail {
namespace {

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
    bool lostConnection() const override { return m_storage->lostSinceOpened(); }
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
        // A schema this copy created has no reader yet: its two indexes whose entries would land at
        // random places are built once after the pairs, in the same transaction (a reader that
        // comes meanwhile waits for the commit instead of reading an empty table).
        if (m_storage->createdSchema()) {
            if (!exec(pg::kBulkIndexesDrop.arg(s), error))
                return false;
            m_buildIndexes = true;
        }
        // The pairs in COPY's binary format, as an import sends them (pgadd.cpp): no escaping, and
        // the search vectors sorted here instead of parsed and sorted by the server.
        QByteArray header;
        pg::BinaryCopy(header, true);
        return startCopy(u"pairs (%1, search_vector, exact_key, normalized_key)"_s.arg(kColumnList), error,
                         u" (FORMAT binary)"_s) &&
               put(header, error);
    }

    bool addPairs(const QList<Row> &rows, QString *error) override
    {
        QByteArray buffer;
        pg::BinaryCopy copy(buffer, false);
        for (const Row &row : rows) {
            copy.row(kColumns + 3);
            const QString question = row[kQuestionColumn].toString(), sql = row[kSqlColumn].toString();
            const QByteArray questionUtf8 = question.toUtf8(), sqlUtf8 = sql.toUtf8(); // once for both
            for (int i = 0; i < kColumns; ++i) {
                const QVariant &v = row[size_t(i)];
                if (v.isNull()) {
                    copy.null();
                    continue;
                }
                switch (kKinds[size_t(i)]) {
                case Kind::Text:
                    if (i == kQuestionColumn || i == kSqlColumn)
                        copy.bytes(i == kQuestionColumn ? questionUtf8 : sqlUtf8);
                    else
                        copy.text(v.toString());
                    break;
                case Kind::Real:
                    copy.float8(v.toDouble());
                    break;
                case Kind::BigInt:
                    copy.int8(v.toLongLong());
                    break;
                case Kind::Int: {
                    const qint64 n = v.toLongLong();
                    if (n < std::numeric_limits<qint32>::min() || n > std::numeric_limits<qint32>::max())
                        return failed(tr("the pair with id %1 holds %2 in %3, more than PostgreSQL's "
                                         "INTEGER column holds.")
                                          .arg(row[kIdColumn].toLongLong())
                                          .arg(n)
                                          .arg(kColumnList.split(u", "_s).at(i)),
                                      error);
                    copy.int4(qint32(n));
                    break;
                }
                }
            }
            // As an import writes it: the search words and duplicate keys of analysed pairs; a
            // recorder's row (not analysed yet) gets them with its derived fields.
            if (row[kQueryTypeColumn].isNull()) {
                copy.null();
                copy.null();
                copy.null();
            } else {
                copy.searchFields(question, sql, questionUtf8, sqlUtf8, row[kDatabaseTypeColumn].toString());
            }
        }
        return put(buffer, error);
    }

    bool endPairs(QString *error) override
    {
        QByteArray trailer;
        pg::BinaryCopy(trailer, false).finish();
        if (!put(trailer, error) || !endCopy(error))
            return false;
        if (m_buildIndexes && !(exec(pg::kLiveTsIndexDdl.arg(m_storage->quotedSchema()), error) &&
                                exec(pg::kSearchIndexDdl.arg(m_storage->quotedSchema()), error)))
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
    bool startCopy(const QString &into, QString *error, const QString &options = {})
    {
        pg::Result r(pg::exec(m_storage->connection(),
                              u"COPY %1.%2 FROM STDIN"_s.arg(m_storage->quotedSchema(), into) + options));
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
    bool m_buildIndexes = false; // begin() dropped pairs_search and pairs_live_ts
};

} // namespace

std::unique_ptr<Target> openTarget(const QString &location, QString *error)
{
    if (!isPostgresLocation(location))
        return std::make_unique<FileTarget>(location);
    std::unique_ptr<PgStorage> storage = PgStorage::open(location, error);
    return storage ? std::make_unique<PgTarget>(std::move(storage)) : nullptr;
}

} // namespace pairlens::copydetail
