#include "export/recordsource.h"

#include "dataset/dataset.h"
#include "privacy/anonymizer.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {

RecordSource::RecordSource(Dataset &dataset) : m_dataset(dataset), m_query(dataset.db())
{
    // Streaming reads every page once: a small page cache and no memory map keep the resident
    // size flat whatever the size of the dataset.
    QSqlQuery q(m_dataset.db());
    if (q.exec(u"PRAGMA cache_size"_s) && q.next())
        m_oldCacheSize = q.value(0).toString();
    if (q.exec(u"PRAGMA mmap_size"_s) && q.next())
        m_oldMmapSize = q.value(0).toString();
    q.exec(u"PRAGMA cache_size = -8192"_s);
    q.exec(u"PRAGMA mmap_size = 0"_s);
}

RecordSource::~RecordSource()
{
    m_query.finish();
    QSqlQuery q(m_dataset.db());
    bool ok = false;
    if (m_oldCacheSize.toLongLong(&ok), ok)
        q.exec(u"PRAGMA cache_size = "_s + m_oldCacheSize);
    if (m_oldMmapSize.toLongLong(&ok), ok)
        q.exec(u"PRAGMA mmap_size = "_s + m_oldMmapSize);
}

bool RecordSource::start(const Filter &filter)
{
    const SqlCondition c = buildCondition(filter);
    m_query.setForwardOnly(true);
    // "+p.deleted" keeps SQLite from choosing a filter index and then sorting every row by id:
    // a row-id scan streams without a sort.
    QString where = c.where;
    where.replace(u"p.deleted = "_s, u"+p.deleted = "_s);
    if (!m_query.prepare(u"SELECT p.pair_id, p.natural_language_query, p.sql_query, p.timestamp, "
                         "p.database_type, p.database_name, p.success, p.execution_time_ms, p.metadata, "
                         "coalesce(p.query_type, ''), coalesce(p.table_names, '') FROM pairs p WHERE "_s +
                         where + u" ORDER BY p.id"_s)) {
        m_error = m_query.lastError().text();
        return false;
    }
    for (const QVariant &v : c.bindings)
        m_query.addBindValue(v);
    if (!m_query.exec()) {
        m_error = m_query.lastError().text();
        return false;
    }
    return true;
}

int RecordSource::read(std::vector<RawRow> &rows, int max)
{
    int n = 0;
    while (n < max && m_query.next()) {
        RawRow &r = rows.emplace_back();
        r.pairId = m_query.value(0).toString();
        r.question = m_query.value(1).toString();
        r.sql = m_query.value(2).toString();
        r.timestamp = m_query.value(3).toString();
        r.databaseType = m_query.value(4).toString();
        r.databaseName = m_query.value(5).toString();
        r.success = m_query.value(6).toInt() != 0;
        const QVariant ms = m_query.value(7);
        r.executionTimeMs = ms.isNull() ? -1 : ms.toDouble();
        r.metadata = m_query.value(8).toString();
        r.queryType = m_query.value(9).toString();
        r.tables = m_query.value(10).toString();
        ++n;
    }
    if (n < max && m_query.lastError().isValid())
        m_error = m_query.lastError().text();
    return n;
}

ExportRecord toRecord(const RawRow &row, const privacy::Anonymizer *anonymizer)
{
    ExportRecord r;
    r.pairId = row.pairId;
    r.timestamp = row.timestamp;
    r.databaseType = row.databaseType;
    r.success = row.success;
    r.executionTimeMs = row.executionTimeMs;
    r.queryType = row.queryType;
    if (row.tables.size() > 2) {
        const QJsonArray tables = QJsonDocument::fromJson(row.tables.toUtf8()).array();
        r.tableNames.reserve(tables.size());
        for (const QJsonValue &v : tables)
            r.tableNames << v.toString();
    }
    QJsonObject metadata;
    if (row.metadata.size() > 2)
        metadata = QJsonDocument::fromJson(row.metadata.toUtf8()).object();
    if (anonymizer) {
        Pair p;
        p.naturalLanguageQuery = row.question;
        p.sqlQuery = row.sql;
        p.databaseName = row.databaseName;
        p.metadata = metadata;
        privacy::AnonymizedPair a = anonymizer->anonymizePair(p);
        r.question = std::move(a.question.text);
        r.sql = std::move(a.sql.text);
        r.databaseName = std::move(a.databaseName);
        r.metadata = std::move(a.metadata);
    } else {
        r.question = row.question;
        r.sql = row.sql;
        r.databaseName = row.databaseName;
        r.metadata = std::move(metadata);
    }
    return r;
}

static void appendNormalised(QString &out, QStringView text)
{
    bool space = false;
    for (const QChar c : text) {
        if (c.isSpace()) {
            space = !out.isEmpty();
            continue;
        }
        if (space)
            out += u' ';
        space = false;
        out += c.toCaseFolded();
    }
}

DedupeSet::Key dedupeKey(const ExportRecord &record)
{
    QString norm;
    norm.reserve(record.question.size() + record.sql.size() + 1);
    appendNormalised(norm, record.question);
    norm += QChar(0x1f);
    appendNormalised(norm, record.sql);
    const QByteArray digest = QCryptographicHash::hash(
        QByteArrayView(reinterpret_cast<const char *>(norm.utf16()), norm.size() * 2),
        QCryptographicHash::Md5);
    DedupeSet::Key key;
    std::memcpy(key.data(), digest.constData(), 16);
    return key;
}

bool isTrainSide(const QByteArray &secret, const QString &pairId, double trainFraction)
{
    const QByteArray data = "split\x1f" + pairId.toUtf8();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (secret.isEmpty()) {
        const QByteArray d = QCryptographicHash::hash(data, QCryptographicHash::Sha256);
        std::memcpy(md, d.constData(), 8);
    } else {
        HMAC(EVP_sha256(), secret.constData(), int(secret.size()),
             reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()), md, &len);
    }
    quint64 v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | md[i];
    return double(v) / 18446744073709551616.0 < trainFraction;
}

} // namespace pairlens::exporting
