#include "dataset/deriver.h"

#include "dataset/writetx.h"

#include "dataset/dataset.h"
#include "dataset/filter.h"
#include "dataset/schema.h"
#include "privacy/anonymizer.h"
#include "sql/analyzer.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QTimeZone>

#include <algorithm>
#include <memory>
#include <numeric>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

int codePointLength(QStringView s)
{
    int surrogates = 0;
    for (QChar c : s) {
        if (c.isLowSurrogate())
            ++surrogates;
    }
    return int(s.size()) - surrogates;
}

// Whether Qt's JSON writer copies `text` as it is: printable ASCII without a quote or a backslash.
// Only such texts are written here without it (table names and metadata of every import: Qt's
// writer goes through QCborValue and cost a sixth of the import workers' time); any other text
// goes through Qt, so the bytes stored never depend on which path wrote them.
bool plainJsonText(QStringView text)
{
    for (const QChar ch : text) {
        const char16_t c = ch.unicode();
        if (c < 0x20 || c >= 0x7F || c == u'"' || c == u'\\')
            return false;
    }
    return true;
}

// metadataText() of an object of plain keys whose values are plain strings, booleans or null;
// a null QByteArray for any other object.
QByteArray plainMetadataText(const QJsonObject &metadata)
{
    QByteArray out;
    out.reserve(256);
    out += '{';
    for (auto it = metadata.begin(); it != metadata.end(); ++it) {
        const QString key = it.key();
        if (!plainJsonText(key))
            return {};
        if (out.size() > 1)
            out += ',';
        out += '"';
        out += key.toLatin1();
        out += "\":";
        const QJsonValue v = it.value();
        switch (v.type()) {
        case QJsonValue::String: {
            const QString text = v.toString();
            if (!plainJsonText(text))
                return {};
            out += '"';
            out += text.toLatin1();
            out += '"';
            break;
        }
        case QJsonValue::Bool:
            out += v.toBool() ? "true" : "false";
            break;
        case QJsonValue::Null:
            out += "null";
            break;
        default:
            return {};
        }
    }
    out += '}';
    return out;
}

} // namespace

QDateTime parsePairTimestamp(QStringView text)
{
    QString t = text.trimmed().toString();
    if (t.isEmpty())
        return {};
    if (t.size() > 10 && t.at(10) == u' ')
        t[10] = u'T';
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(t, Qt::ISODate);
    if (!dt.isValid() && t.size() == 10) {
        const QDate d = QDate::fromString(t, Qt::ISODate);
        if (d.isValid())
            dt = QDateTime(d, QTime(0, 0), Qt::UTC);
    }
    if (dt.isValid() && dt.timeSpec() == Qt::LocalTime)
        dt.setTimeSpec(Qt::UTC);
    return dt;
}

namespace {

// The metadata column's JSON object (empty when there is none or it is not an object).
QJsonObject metadataObject(const QVariant &column)
{
    const QString text = column.toString();
    if (text.size() <= 2)
        return {};
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

bool digitsAt(QStringView t, qsizetype from, qsizetype count, int max)
{
    int v = 0;
    for (qsizetype i = from; i < from + count; ++i) {
        const char16_t c = t[i].unicode();
        if (c < u'0' || c > u'9')
            return false;
        v = v * 10 + (c - u'0');
    }
    return v <= max;
}

// "YYYY-MM-DDTHH:MM:SS.zzzZ" or "YYYY-MM-DDTHH:MM:SSZ" with plausible field values.
bool isCanonicalUtc(QStringView t)
{
    if (t.size() != 24 && t.size() != 20)
        return false;
    if (t[4] != u'-' || t[7] != u'-' || t[10] != u'T' || t[13] != u':' || t[16] != u':' || t.back() != u'Z')
        return false;
    if (!digitsAt(t, 0, 4, 9999) || !digitsAt(t, 5, 2, 12) || !digitsAt(t, 8, 2, 31) ||
        !digitsAt(t, 11, 2, 23) || !digitsAt(t, 14, 2, 59) || !digitsAt(t, 17, 2, 59))
        return false;
    if (t.mid(5, 2) == u"00" || t.mid(8, 2) == u"00")
        return false;
    return t.size() == 20 || (t[19] == u'.' && digitsAt(t, 20, 3, 999));
}

} // namespace

QString normalisePairTimestamp(QStringView text)
{
    const QStringView t = text.trimmed();
    if (isCanonicalUtc(t)) {
        // Day 31 of a 30-day month and the like go through the full parser.
        if (t.size() == 24 && QDate(t.left(4).toInt(), t.mid(5, 2).toInt(), t.mid(8, 2).toInt()).isValid())
            return t.toString();
    }
    const QDateTime dt = parsePairTimestamp(t);
    return dt.isValid() ? normalisedTimestamp(dt) : QString();
}

Deriver::Deriver(PiiScanner scanner)
    : m_state(std::make_shared<const State>(State{std::move(scanner), {}, {}}))
{}

Deriver::Deriver(const Deriver &other) : m_state(other.state()), m_source(other.m_source) {}

Deriver &Deriver::operator=(const Deriver &other)
{
    m_state.store(other.state(), std::memory_order_release);
    m_source = other.m_source;
    return *this;
}

QString privacySettingsFingerprint(const QHash<QString, QString> &settings)
{
    QStringList keys;
    for (auto it = settings.cbegin(); it != settings.cend(); ++it) {
        if (it.key().startsWith(u"privacy."_s) && it.key() != Deriver::kRescanPendingKey)
            keys << it.key();
    }
    keys.sort();
    QString fingerprint;
    for (const QString &k : std::as_const(keys))
        fingerprint += k + QChar(0) + settings.value(k) + QChar(0);
    return fingerprint;
}

Deriver Deriver::following(SettingsReader read, QByteArray key)
{
    Deriver d;
    d.m_source = std::make_shared<const Source>(Source{std::move(read), std::move(key)});
    QString ignored; // kept in the state: usable() says it
    d.refresh(&ignored);
    return d;
}

bool Deriver::refresh(QString *error) const
{
    if (!m_source)
        return true;
    QHash<QString, QString> settings;
    QString unreadable;
    if (!m_source->read(&settings, &unreadable)) {
        *error =
            QCoreApplication::translate("Deriver", "Cannot read the privacy settings: %1").arg(unreadable);
        m_state.store(std::make_shared<const State>(State{{}, {}, *error}), std::memory_order_release);
        return false;
    }
    // The operators count too, though the kinds do not depend on them: they cost only a rebuild.
    const QString fingerprint = privacySettingsFingerprint(settings);
    const std::shared_ptr<const State> now = state();
    if (now && now->error.isEmpty() && now->scanner && now->fingerprint == fingerprint)
        return true;
    privacy::Config config = privacy::Config::fromSettings(settings);
    config.key = m_source->key;
    Deriver built = forPrivacy(std::move(config));
    const QByteArray id = QCryptographicHash::hash(fingerprint.toUtf8(), QCryptographicHash::Sha256);
    m_state.store(std::make_shared<const State>(State{built.state()->scanner, fingerprint, {}, id}),
                  std::memory_order_release);
    return true;
}

bool Deriver::usable(QString *error) const
{
    const std::shared_ptr<const State> s = state();
    return !s || s->error.isEmpty() || refresh(error);
}

QByteArray Deriver::settingsId() const
{
    const std::shared_ptr<const State> s = state();
    return s ? s->id : QByteArray();
}

bool Deriver::isCurrent(const DerivedFields &fields) const
{
    return fields.piiSettings == settingsId();
}

DerivedFields Deriver::withCurrentKinds(DerivedFields fields, QStringView question, QStringView sql,
                                        QStringView databaseType, QStringView pairId,
                                        const QJsonObject &metadata) const
{
    const std::shared_ptr<const State> s = state();
    fields.piiMask = s && s->scanner ? s->scanner(question, sql, databaseType, pairId, metadata) : 0;
    fields.piiSettings = s ? s->id : QByteArray();
    return fields;
}

DerivedFields Deriver::currentFor(const DerivedFields &fields, const Pair &pair) const
{
    return isCurrent(fields) ? fields
                             : withCurrentKinds(fields, pair.naturalLanguageQuery, pair.sqlQuery,
                                                pair.databaseType, pair.pairId, pair.metadata);
}

QByteArray stringArrayText(const QStringList &values)
{
    if (!std::all_of(values.cbegin(), values.cend(), [](const QString &v) { return plainJsonText(v); }))
        return QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact);
    QByteArray out;
    out.reserve(2 + std::accumulate(values.cbegin(), values.cend(), qsizetype(0),
                                    [](qsizetype n, const QString &v) { return n + v.size() + 3; }));
    out += '[';
    for (const QString &v : values) {
        if (out.size() > 1)
            out += ',';
        out += '"';
        out += v.toLatin1();
        out += '"';
    }
    out += ']';
    return out;
}

QByteArray metadataText(const QJsonObject &metadata)
{
    if (metadata.isEmpty())
        return QByteArray("{}");
    QByteArray plain = plainMetadataText(metadata);
    return !plain.isNull() ? plain : QJsonDocument(metadata).toJson(QJsonDocument::Compact);
}

DerivedFields Deriver::derive(QStringView question, QStringView sql, QStringView timestamp,
                              QStringView databaseType, QStringView pairId, const QJsonObject &metadata) const
{
    DerivedFields d;
    const sql::Analysis a = sql::analyze(sql);
    d.queryType = sql::statementTypeName(a.type);
    d.tableNames = a.tables;
    d.tableNamesJson = QString::fromUtf8(stringArrayText(a.tables));
    const std::shared_ptr<const State> s = state();
    if (s && s->scanner)
        d.piiMask = s->scanner(question, sql, databaseType, pairId, metadata);
    if (s)
        d.piiSettings = s->id;
    // Sorting and date filters use ts; an unparseable timestamp keeps its text so every row sorts.
    d.ts = normalisePairTimestamp(timestamp);
    if (d.ts.isEmpty())
        d.ts = timestamp.toString();
    d.questionLength = codePointLength(question);
    d.sqlLength = codePointLength(sql);
    return d;
}

namespace {

constexpr int kBusyRetries = 10;

// Writes a list of row updates in short BEGIN IMMEDIATE transactions (each holds the write lock
// for ~20 ms, so recorders inserting meanwhile never wait long). `write(from, to)` runs inside the
// transaction; returns false with *error on failure (the failing chunk is rolled back).
template <typename Write> bool writeInChunks(QSqlDatabase &db, qsizetype count, QString *error, Write write)
{
    ChunkSizer sizer(100);
    int busyRetries = 0;
    for (qsizetype from = 0; from < count;) {
        const qsizetype to = std::min<qsizetype>(count, from + sizer.size());
        WriteTransaction tx(db);
        bool ok = tx.begin(error) && write(from, to, error);
        const qint64 held = tx.heldMs();
        ok = ok && tx.commit(error);
        if (!ok) {
            // Busy past the busy timeout (a WAL recovery after a killed process, many writers at
            // once): the chunk was rolled back and is idempotent, so wait and run it again.
            if (isBusyError(*error) && ++busyRetries <= kBusyRetries) {
                tx.rollback();
                QThread::msleep(50 * busyRetries);
                continue;
            }
            return false;
        }
        sizer.record(int(to - from), held);
        yieldWriteLock(held);
        from = to;
    }
    return true;
}

} // namespace

qint64 Deriver::deriveMissing(Dataset &dataset, QString *error,
                              const std::function<bool(qint64, qint64)> &progress) const
{
    if (dataset.isReadOnly())
        return 0;
    QSqlDatabase &db = dataset.db();
    QSqlQuery countQuery(db);
    countQuery.exec(u"SELECT count(*) FROM pairs WHERE query_type IS NULL"_s);
    const qint64 total = countQuery.next() ? countQuery.value(0).toLongLong() : 0;
    countQuery.finish();
    if (total == 0)
        return 0;
    if (!refresh(error)) // the settings as they are now (and again in each write below)
        return -1;
    qint64 done = 0;
    qint64 lastId = 0;
    constexpr int kBatch = 5000;
    QSqlQuery select(db);
    select.setForwardOnly(true);
    QSqlQuery update(db);
    while (true) {
        // Read and analyse outside any write transaction; only the updates take the lock.
        select.prepare(u"SELECT id, natural_language_query, sql_query, timestamp, database_type, pair_id, "
                       u"metadata FROM pairs "
                       "WHERE query_type IS NULL AND id > ? ORDER BY id LIMIT %1"_s.arg(kBatch));
        select.addBindValue(lastId);
        bool read = select.exec();
        for (int attempt = 1; !read && isBusyError(select.lastError().text()) && attempt <= kBusyRetries;
             ++attempt) {
            QThread::msleep(50 * attempt);
            read = select.exec();
        }
        if (!read) {
            *error = select.lastError().text();
            return -1;
        }
        struct Row
        {
            qint64 id;
            DerivedFields d;
            QString question, sql, databaseType, pairId;
            QJsonObject metadata;
        };
        QList<Row> rows;
        while (select.next()) {
            Row r{select.value(0).toLongLong(),   {},
                  select.value(1).toString(),     select.value(2).toString(),
                  select.value(4).toString(),     select.value(5).toString(),
                  metadataObject(select.value(6))};
            r.d = derive(r.question, r.sql, select.value(3).toString(), r.databaseType, r.pairId, r.metadata);
            lastId = r.id;
            rows.append(std::move(r));
        }
        if (select.lastError().isValid()) { // a step failed: not the end of the rows
            *error = select.lastError().text();
            return -1;
        }
        select.finish();
        const bool ok = writeInChunks(db, rows.size(), error, [&](qsizetype from, qsizetype to, QString *e) {
            // Another process may have derived some of these rows meanwhile: only rows still
            // underived are updated and indexed, so none enters the full-text index twice.
            update.prepare(u"UPDATE pairs SET query_type = ?, table_names = ?, pii_mask = ?, ts = ?, "
                           "question_length = ?, sql_length = ? WHERE id = ? AND query_type IS NULL"_s);
            // The privacy settings as this transaction sees them: another program's change
            // committed since the rows were analysed finds their kinds again.
            if (!refresh(e))
                return false;
            QJsonArray ids;
            for (qsizetype i = from; i < to; ++i) {
                const Row &r = rows.at(i);
                const DerivedFields d =
                    isCurrent(r.d)
                        ? r.d
                        : withCurrentKinds(r.d, r.question, r.sql, r.databaseType, r.pairId, r.metadata);
                update.addBindValue(d.queryType);
                update.addBindValue(d.tableNamesJson);
                update.addBindValue(d.piiMask);
                update.addBindValue(d.ts);
                update.addBindValue(d.questionLength);
                update.addBindValue(d.sqlLength);
                update.addBindValue(r.id);
                if (!update.exec()) {
                    *e = update.lastError().text();
                    return false;
                }
                if (update.numRowsAffected() > 0)
                    ids.append(r.id);
            }
            return ids.isEmpty() ||
                   schema::indexDerivedRows(
                       db, QString::fromUtf8(QJsonDocument(ids).toJson(QJsonDocument::Compact)), e);
        });
        if (!ok)
            return -1;
        done += rows.size();
        if (rows.size() < kBatch)
            break;
        if (progress && !progress(done, total))
            break;
    }
    if (progress)
        progress(done, total);
    return done;
}

qint64 Deriver::rescanPii(Dataset &dataset, QString *error,
                          const std::function<bool(qint64, qint64)> &progress) const
{
    if (dataset.isReadOnly()) {
        *error = QCoreApplication::translate("Deriver", "The dataset is read-only.");
        return -1;
    }
    if (!refresh(error)) // the settings as they are now (and again in each write below)
        return -1;
    std::shared_ptr<const State> scanning = state();
    QSqlDatabase &db = dataset.db();
    QSqlQuery q(db);
    q.exec(u"SELECT count(*) FROM pairs WHERE query_type IS NOT NULL"_s);
    const qint64 total = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    qint64 done = 0, changed = 0, lastId = 0;
    constexpr int kBatch = 5000;
    QSqlQuery update(db);
    // Each write transaction reads the settings again; when another program changed them since
    // this rescan began (its own rescan may be past these rows already), it starts over with them.
    bool changedMeanwhile = false;
    const auto stillCurrent = [&](QString *e) {
        if (!refresh(e))
            return false;
        if (state()->id == scanning->id)
            return true;
        changedMeanwhile = true;
        *e = u"the privacy settings changed"_s; // never shown: the rescan starts over
        return false;
    };
    const auto startOver = [&] {
        changedMeanwhile = false;
        scanning = state();
        done = changed = lastId = 0;
    };
    while (true) {
        const PiiScanner &scanner = scanning->scanner;
        // Read before the batch: while no other connection commits after it, no edit can come between
        // the read and the write, and the write need not compare the texts.
        const qint64 versionBeforeRead = dataset.dataVersion();
        q.setForwardOnly(true);
        q.prepare(u"SELECT id, natural_language_query, sql_query, coalesce(pii_mask, -1), database_type, "
                  u"pair_id, metadata "
                  "FROM pairs "
                  "WHERE query_type IS NOT NULL AND id > ? ORDER BY id LIMIT %1"_s.arg(kBatch));
        q.addBindValue(lastId);
        if (!q.exec()) {
            *error = q.lastError().text();
            return -1;
        }
        // A changed kind is written only where the pair still holds the texts it was found in: an
        // edit committed between this read and the write below stored the kinds of its own texts.
        struct Change
        {
            qint64 id;
            quint32 mask;
            QVariant question, sql, metadata; // as read, so that they compare equal as stored
        };
        QList<Change> updates;
        int rows = 0;
        while (q.next()) {
            ++rows;
            lastId = q.value(0).toLongLong();
            const quint32 mask =
                scanner ? scanner(q.value(1).toString(), q.value(2).toString(), q.value(4).toString(),
                                  q.value(5).toString(), metadataObject(q.value(6)))
                        : 0;
            if (q.value(3).toLongLong() != qint64(mask))
                updates.append({lastId, mask, q.value(1), q.value(2), q.value(6)});
        }
        if (q.lastError().isValid()) { // a step failed: not the end of the rows
            *error = q.lastError().text();
            return -1;
        }
        q.finish();
        // Which changes were written: a chunk retried after a busy error sets its own again.
        std::vector<char> written(updates.size(), 0);
        const bool ok =
            writeInChunks(db, updates.size(), error, [&](qsizetype from, qsizetype to, QString *e) {
                if (!stillCurrent(e))
                    return false;
                const bool othersWrote = versionBeforeRead < 0 || dataset.dataVersion() != versionBeforeRead;
                update.prepare(othersWrote ? u"UPDATE pairs SET pii_mask = ? WHERE id = ? AND "
                                             "natural_language_query = ? AND sql_query = ? AND metadata = ?"_s
                                           : u"UPDATE pairs SET pii_mask = ? WHERE id = ?"_s);
                for (qsizetype i = from; i < to; ++i) {
                    const Change &c = updates.at(i);
                    update.addBindValue(c.mask);
                    update.addBindValue(c.id);
                    if (othersWrote) {
                        for (const QVariant *v : {&c.question, &c.sql, &c.metadata})
                            update.addBindValue(*v);
                    }
                    if (!update.exec()) {
                        *e = update.lastError().text();
                        return false;
                    }
                    written[size_t(i)] = update.numRowsAffected() > 0;
                }
                return true;
            });
        if (!ok && changedMeanwhile) {
            startOver();
            continue;
        }
        if (!ok)
            return -1;
        changed += std::count(written.begin(), written.end(), 1);
        done += rows;
        if (rows < kBatch)
            break;
        if (progress && !progress(done, total))
            return changed; // cancelled: the rescan stays owed
    }
    // The owed rescan is done only if the settings are still those it scanned with.
    WriteTransaction tx(db);
    if (!tx.begin(error))
        return -1;
    if (!stillCurrent(error)) {
        if (!changedMeanwhile)
            return -1;
        tx.rollback();
        return rescanPii(dataset, error, progress); // with the settings as they are now
    }
    QSqlQuery clear(db);
    clear.prepare(u"DELETE FROM settings WHERE key = ?"_s);
    clear.addBindValue(kRescanPendingKey);
    if (!clear.exec()) {
        *error = clear.lastError().text();
        return -1;
    }
    clear.finish();
    if (!tx.commit(error))
        return -1;
    if (progress)
        progress(done, total);
    return changed;
}

Deriver Deriver::forDataset(Dataset &dataset)
{
    // The PII kinds depend on the dataset's custom patterns, so the scanner uses its settings.
    return following(
        [&dataset](QHash<QString, QString> *out, QString *error) { return dataset.readSettings(out, error); },
        dataset.secret());
}

Deriver Deriver::forPrivacy(privacy::Config config)
{
    auto anonymizer = std::make_shared<const privacy::Anonymizer>(std::move(config));
    return Deriver([anonymizer](QStringView question, QStringView sql, QStringView databaseType,
                                QStringView pairId, const QJsonObject &metadata) {
        const privacy::Anonymizer &a = anonymizer->forPair(pairId);
        return a.scanMask(question, sql, sql::dialectFromDatabaseType(databaseType)) |
               a.metadataMask(metadata);
    });
}

} // namespace pairlens
