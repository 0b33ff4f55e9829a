#include "export/recordsource.h"

#include "dataset/dataset.h"
#include "export/jsontext.h"
#include "privacy/anonymizer.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlQuery>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstring>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

sqlite3 *handleOf(QSqlDatabase &db)
{
    const QVariant v = db.driver() ? db.driver()->handle() : QVariant();
    if (v.isValid() && qstrcmp(v.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(v.constData());
    return nullptr;
}

} // namespace

QStringList ExportRecord::tableNames() const
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(tableNamesJson).array())
        out << v.toString();
    return out;
}

RecordSource::RecordSource(Storage &storage) : m_storage(&storage) {}

RecordSource::RecordSource(Dataset &dataset) : m_dataset(&dataset)
{
    // Streaming reads every page once: a small page cache and no memory map keep the resident
    // size flat whatever the size of the dataset.
    QSqlQuery q(m_dataset->db());
    if (q.exec(u"PRAGMA cache_size"_s) && q.next())
        m_oldCacheSize = q.value(0).toString();
    if (q.exec(u"PRAGMA mmap_size"_s) && q.next())
        m_oldMmapSize = q.value(0).toString();
    q.exec(u"PRAGMA cache_size = -8192"_s);
    q.exec(u"PRAGMA mmap_size = 0"_s);
}

RecordSource::~RecordSource()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
    if (!m_dataset)
        return;
    QSqlQuery q(m_dataset->db());
    bool ok = false;
    if (m_oldCacheSize.toLongLong(&ok), ok)
        q.exec(u"PRAGMA cache_size = "_s + m_oldCacheSize);
    if (m_oldMmapSize.toLongLong(&ok), ok)
        q.exec(u"PRAGMA mmap_size = "_s + m_oldMmapSize);
}

bool RecordSource::start(const Filter &filter)
{
    if (m_storage) {
        m_cursor = m_storage->readRows(filter, &m_error);
        return m_cursor != nullptr;
    }
    sqlite3 *db = handleOf(m_dataset->db());
    if (!db) {
        m_error = QCoreApplication::translate("Export", "Exports need an SQLite dataset.");
        return false;
    }
    const SqlCondition c = buildCondition(filter);
    // "+p.deleted" keeps SQLite from choosing a filter index and then sorting every row by id:
    // a row-id scan streams without a sort.
    QString where = c.where;
    where.replace(u"p.deleted = "_s, u"+p.deleted = "_s);
    const QByteArray sql = (u"SELECT p.pair_id, p.natural_language_query, p.sql_query, p.timestamp, "
                            "p.database_type, p.database_name, p.success, p.execution_time_ms, p.metadata, "
                            "p.query_type, p.table_names, p.id FROM pairs p WHERE "_s +
                            where + u" ORDER BY p.id"_s)
                               .toUtf8();
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &m_stmt, nullptr) != SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(db));
        return false;
    }
    int i = 1;
    for (const QVariant &v : c.bindings) {
        int rc = SQLITE_OK;
        switch (v.typeId()) {
        case QMetaType::Bool:
        case QMetaType::Int:
        case QMetaType::UInt:
        case QMetaType::LongLong:
        case QMetaType::ULongLong:
            rc = sqlite3_bind_int64(m_stmt, i, v.toLongLong());
            break;
        case QMetaType::Double:
            rc = sqlite3_bind_double(m_stmt, i, v.toDouble());
            break;
        default:
            if (v.isNull()) {
                rc = sqlite3_bind_null(m_stmt, i);
            } else {
                const QByteArray text = v.toString().toUtf8();
                rc = sqlite3_bind_text(m_stmt, i, text.constData(), int(text.size()), SQLITE_TRANSIENT);
            }
        }
        if (rc != SQLITE_OK) {
            m_error = QString::fromUtf8(sqlite3_errmsg(db));
            return false;
        }
        ++i;
    }
    return true;
}

int RecordSource::read(std::vector<RawRow> &rows, int max)
{
    if (m_cursor) {
        // The same RawRow as from SQLite: the text columns back to back in one buffer.
        const int n = m_cursor->fetch(max, [&rows](const StoredRow &s) {
            RawRow &r = rows.emplace_back();
            qsizetype total = 0;
            for (int c = 0; c < RawRow::ColumnCount; ++c)
                r.ends[c] = int(total += s.text[c].size());
            r.text.resize(total);
            char *out = r.text.data();
            for (int c = 0; c < RawRow::ColumnCount; ++c) {
                if (!s.text[c].isEmpty())
                    std::memcpy(out, s.text[c].data(), size_t(s.text[c].size()));
                out += s.text[c].size();
            }
            r.success = s.success;
            r.executionTimeMs = s.executionTimeMs;
            r.rowId = s.rowId;
        });
        if (n == 0)
            m_error = m_cursor->errorString();
        return n;
    }
    int n = 0;
    while (m_stmt && !m_done && n < max) {
        const int rc = sqlite3_step(m_stmt);
        if (rc != SQLITE_ROW) {
            m_done = true;
            if (rc != SQLITE_DONE)
                m_error = QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_stmt)));
            break;
        }
        RawRow &r = rows.emplace_back();
        // Column order of the SELECT: pair_id, question, sql, timestamp, database_type,
        // database_name, success, execution_time_ms, metadata, query_type, table_names.
        static constexpr int kTextColumns[RawRow::ColumnCount] = {0, 1, 2, 3, 4, 5, 8, 9, 10};
        const char *texts[RawRow::ColumnCount];
        int total = 0;
        for (int c = 0; c < RawRow::ColumnCount; ++c) {
            // sqlite3_column_text() first, then _bytes(), as SQLite's documentation advises.
            texts[c] = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, kTextColumns[c]));
            total += texts[c] ? sqlite3_column_bytes(m_stmt, kTextColumns[c]) : 0;
            r.ends[c] = total;
        }
        r.text.resize(total);
        char *out = r.text.data();
        for (int c = 0; c < RawRow::ColumnCount; ++c) {
            const int begin = c == 0 ? 0 : r.ends[c - 1];
            if (r.ends[c] > begin)
                std::memcpy(out + begin, texts[c], size_t(r.ends[c] - begin));
        }
        r.success = sqlite3_column_int(m_stmt, 6) != 0;
        r.executionTimeMs =
            sqlite3_column_type(m_stmt, 7) == SQLITE_NULL ? -1 : sqlite3_column_double(m_stmt, 7);
        r.rowId = sqlite3_column_int64(m_stmt, 11);
        ++n;
    }
    return n;
}

// ---------------------------------------------------------------------------------------------

namespace {

void skipSpace(const char *&p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        ++p;
}

// Moves p past one JSON string (p at the opening quote); false when it is malformed.
bool scanString(const char *&p, const char *end, bool *escaped)
{
    ++p;
    while (p < end) {
        const unsigned char c = static_cast<unsigned char>(*p);
        if (c == '"') {
            ++p;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c == '\\') {
            *escaped = true;
            if (++p >= end)
                return false;
            if (*p == 'u') {
                if (end - p < 5)
                    return false;
                for (int i = 1; i <= 4; ++i) {
                    if (!std::isxdigit(static_cast<unsigned char>(p[i])))
                        return false;
                }
                p += 4;
            } else if (!std::strchr("\"\\/bfnrt", *p)) {
                return false;
            }
        }
        ++p;
    }
    return false;
}

// The text of a scanned string token (quotes excluded), escapes resolved.
QString decodeString(const char *begin, const char *end)
{
    QString out;
    const char *run = begin;
    for (const char *p = begin; p < end; ++p) {
        if (*p != '\\')
            continue;
        out += textFromUtf8(QByteArrayView(run, p - run));
        const char e = *++p;
        switch (e) {
        case 'b':
            out += u'\b';
            break;
        case 'f':
            out += u'\f';
            break;
        case 'n':
            out += u'\n';
            break;
        case 'r':
            out += u'\r';
            break;
        case 't':
            out += u'\t';
            break;
        case 'u': {
            unsigned int unit = 0;
            std::from_chars(p + 1, p + 5, unit, 16);
            out += QChar(char16_t(unit));
            p += 4;
            break;
        }
        default:
            out += QLatin1Char(e);
            break;
        }
        run = p + 1;
    }
    out += textFromUtf8(QByteArrayView(run, end - run));
    return out;
}

} // namespace

RecordConverter::RecordConverter(const privacy::Anonymizer *anonymizer)
    : m_anonymizer(anonymizer), m_scanMetadata(anonymizer && anonymizer->config().scanMetadata)
{}

QString RecordConverter::cached(Replacements &cache, const QString &value, bool databaseName)
{
    // Replacements are a pure function of the value (and the key), so repeats are looked up; a
    // pair with decisions of its own (rare) is anonymized afresh.
    if (m_pair != m_anonymizer)
        return databaseName ? m_pair->anonymizeDatabaseName(value) : m_pair->anonymizeText(value).text;
    for (int i = 0; i < cache.used; ++i) {
        if (cache.recent[size_t(i)].first == value)
            return cache.recent[size_t(i)].second;
    }
    auto it = cache.all.constFind(value);
    if (it == cache.all.constEnd()) {
        if (cache.all.size() > 4096)
            cache.all.clear();
        it = cache.all.insert(value, databaseName ? m_anonymizer->anonymizeDatabaseName(value)
                                                  : m_anonymizer->anonymizeText(value).text);
    }
    auto &slot = cache.recent[size_t(cache.next)];
    slot = {value, it.value()};
    cache.next = (cache.next + 1) % int(cache.recent.size());
    cache.used = std::min(cache.used + 1, int(cache.recent.size()));
    return slot.second;
}

QString anonymizeTableName(const privacy::Anonymizer &anonymizer, const QString &name)
{
    return anonymizer.anonymizeText(name).text;
}

// The table_names JSON array of an anonymized record: kept as stored when the anonymizer certainly
// changes none of its names (the common case, one pre-filter pass), else rebuilt name by name.
QByteArray RecordConverter::tableNamesJson(QByteArrayView json)
{
    if (!json.contains('\\') && m_anonymizer->leavesUtf8Unchanged(json))
        return QByteArray::fromRawData(json.data(), json.size());
    const QByteArray key = json.toByteArray();
    const auto it = m_tables.constFind(key);
    if (it != m_tables.constEnd())
        return it.value();
    if (m_tables.size() > 4096)
        m_tables.clear();
    QByteArray out("[");
    for (const QJsonValue &v : QJsonDocument::fromJson(key).array()) {
        if (out.size() > 1)
            out.append(',');
        json::appendString(out, anonymizeTableName(*m_anonymizer, v.toString()));
    }
    out.append(']');
    m_tables.insert(key, out);
    return out;
}

// Copies one JSON value in compact form; string values (never keys) are anonymized when the
// metadata is scanned. Returns false on malformed input.
bool RecordConverter::appendJson(QByteArray &out, const char *&p, const char *end, int depth)
{
    skipSpace(p, end);
    if (p >= end || depth > 64)
        return false;
    const char c = *p;
    if (c == '{' || c == '[') {
        const char close = c == '{' ? '}' : ']';
        out.append(c);
        ++p;
        skipSpace(p, end);
        if (p < end && *p == close) {
            out.append(close);
            ++p;
            return true;
        }
        for (;;) {
            if (c == '{') {
                skipSpace(p, end);
                const char *key = p;
                bool escaped = false;
                if (p >= end || *p != '"' || !scanString(p, end, &escaped))
                    return false;
                out.append(key, p - key);
                skipSpace(p, end);
                if (p >= end || *p != ':')
                    return false;
                out.append(':');
                ++p;
            }
            if (!appendJson(out, p, end, depth + 1))
                return false;
            skipSpace(p, end);
            if (p >= end)
                return false;
            if (*p == ',') {
                out.append(',');
                ++p;
                continue;
            }
            if (*p != close)
                return false;
            out.append(close);
            ++p;
            return true;
        }
    }
    if (c == '"') {
        const char *start = p;
        bool escaped = false;
        if (!scanString(p, end, &escaped))
            return false;
        // Kept as it is when the anonymizer certainly changes nothing (the common case: ids,
        // agent and model names), without decoding and re-encoding it.
        if (!m_scanMetadata ||
            (!escaped && m_anonymizer->leavesUtf8Unchanged(QByteArrayView(start + 1, p - 1 - (start + 1))))) {
            out.append(start, p - start);
            return true;
        }
        const QString value =
            escaped ? decodeString(start + 1, p - 1) : textFromUtf8(QByteArrayView(start + 1, p - 1));
        json::appendString(out, cached(m_strings, value, false));
        return true;
    }
    const char *start = p;
    while (p < end && (std::isalnum(static_cast<unsigned char>(*p)) || *p == '-' || *p == '+' || *p == '.'))
        ++p;
    const QByteArrayView token(start, p - start);
    if (token == "true" || token == "false" || token == "null") {
        out.append(token);
        return true;
    }
    double number = 0;
    const auto r = std::from_chars(start, p, number);
    if (token.isEmpty() || r.ec != std::errc() || r.ptr != p)
        return false;
    out.append(token);
    return true;
}

QByteArray RecordConverter::identifier(privacy::IdentifierField field, const QByteArray &utf8)
{
    if (m_anonymizer->leavesUtf8Unchanged(utf8))
        return utf8;
    const auto anonymize = [&] { return m_anonymizer->anonymizeIdentifier(field, textFromUtf8(utf8)); };
    // A pair id is unique: remembering it only cost a hash and an insert per row (7-10 % of the
    // samples of an anonymized export of 1M demo pairs, whose ids "demo-42-0000001" all need the
    // detectors).
    if (field == privacy::IdentifierField::PairId) {
        const QString id = anonymize();
        return id.size() == utf8.size() && QStringView(id) == QLatin1StringView(utf8) ? utf8 : id.toUtf8();
    }
    if (m_types.size() > 4096)
        m_types.clear();
    auto it = m_types.constFind(utf8);
    if (it == m_types.cend())
        it = m_types.insert(QByteArray(utf8.constData(), utf8.size()), anonymize().toUtf8());
    return *it;
}

ExportRecord RecordConverter::convert(const RawRow &row)
{
    const auto view = [&row](RawRow::Column c) {
        const QByteArrayView v = row.column(c);
        return QByteArray::fromRawData(v.data(), v.size());
    };
    ExportRecord r;
    r.pairId = view(RawRow::PairId);
    r.timestamp = view(RawRow::Timestamp);
    r.databaseType = view(RawRow::DatabaseType);
    m_pair = m_anonymizer && m_anonymizer->hasPairDecisions()
                 ? &m_anonymizer->forPair(textFromUtf8(row.column(RawRow::PairId)))
                 : m_anonymizer;
    if (m_anonymizer) {
        // An id or a database type may hold personal data too (an agent that names pairs after
        // its user): they go through the anonymizer, which leaves ordinary values as they are.
        r.pairId = identifier(privacy::IdentifierField::PairId, r.pairId);
        r.databaseType = identifier(privacy::IdentifierField::DatabaseType, r.databaseType);
    }
    r.success = row.success;
    r.executionTimeMs = row.executionTimeMs;
    r.queryType = view(RawRow::QueryType);
    const QByteArrayView tables = row.column(RawRow::Tables);
    if (tables.size() > 2 && tables.startsWith('[') && tables.endsWith(']')) {
        // Written by PairLens's analysis: compact JSON already.
        r.tableNamesJson = m_anonymizer ? tableNamesJson(tables) : view(RawRow::Tables);
    }
    const QString question = textFromUtf8(row.column(RawRow::Question));
    const QString sql = textFromUtf8(row.column(RawRow::Sql));
    const QString databaseName = textFromUtf8(row.column(RawRow::DatabaseName));
    if (m_anonymizer) {
        const QByteArrayView type = row.column(RawRow::DatabaseType);
        if (m_lastDialect < 0 || type != m_lastType) {
            m_lastType = type.toByteArray();
            m_lastDialect = int(sql::dialectFromDatabaseType(textFromUtf8(type)));
        }
        const auto dialect = sql::Dialect(m_lastDialect);
        // The SQL first: a value it names (a column that holds e-mail addresses, names...) gets
        // the same replacement in the question (as anonymizePair() does).
        const privacy::AnonymizedText anonymizedSql = m_pair->anonymizeSql(sql, dialect);
        r.question = m_pair->anonymizeQuestion(question, anonymizedSql).text;
        r.sql = anonymizedSql.text;
        r.databaseName = cached(m_names, databaseName, true);
    } else {
        r.question = question;
        r.sql = sql;
        r.databaseName = databaseName;
    }
    const QByteArrayView metadata = row.column(RawRow::Metadata);
    if (metadata.size() > 2) {
        QByteArray meta;
        meta.reserve(metadata.size() + 16);
        const char *p = metadata.data();
        const char *end = p + metadata.size();
        skipSpace(p, end);
        bool ok = p < end && *p == '{' && appendJson(meta, p, end, 0);
        skipSpace(p, end);
        if (ok && p == end) {
            r.metadataJson = meta;
        } else { // not what PairLens writes: let Qt's parser make the best of it
            QJsonObject o = QJsonDocument::fromJson(metadata.toByteArray()).object();
            if (m_scanMetadata)
                o = m_pair->anonymizeMetadata(o);
            r.metadataJson.clear();
            json::appendObject(r.metadataJson, o);
        }
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

bool isTrainSide(const QByteArray &secret, const QByteArray &pairId, double trainFraction)
{
    const QByteArray data = "split\x1f" + pairId;
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
