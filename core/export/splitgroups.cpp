#include "export/splitgroups.h"

#include "dataset/dataset.h"
#include "export/recordsource.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QSqlDriver>
#include <QtConcurrent/QtConcurrentMap>

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

constexpr int kBatch = 8192;

sqlite3 *handleOf(QSqlDatabase &db)
{
    const QVariant v = db.driver() ? db.driver()->handle() : QVariant();
    if (v.isValid() && qstrcmp(v.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(v.constData());
    return nullptr;
}

bool less(const dupkeys::Key &a, const dupkeys::Key &b)
{
    return a[0] != b[0] ? a[0] < b[0] : a[1] < b[1];
}

// The text of one pair as read, and its keys once computed (on the pool).
struct Row
{
    QByteArray question, sql, type;
    qint64 rowId = 0;
    dupkeys::Key questionKey{0, 0}, sqlKey{0, 0};
};

QString textOf(const QByteArray &utf8)
{
    return QString::fromUtf8(utf8);
}

// Computes a batch's duplicate keys and adds its rows; false when the export was cancelled.
// Normalizing reads every SQL with the tokenizer: spread over the cores.
template <typename Add>
bool keyAndAdd(std::vector<Row> &rows, qint64 *done, const Progress &progress, const Add &add)
{
    QtConcurrent::blockingMap(rows, [](Row &r) {
        r.questionKey = dupkeys::questionKey(textOf(r.question));
        r.sqlKey = dupkeys::sqlKey(textOf(r.sql), textOf(r.type));
    });
    for (const Row &r : rows)
        add(r);
    *done += qint64(rows.size());
    return progress.report(*done, 0, QCoreApplication::translate("Export", "Grouping"));
}

} // namespace

SplitGroups::SplitGroups(QByteArray secret, double trainFraction)
    : m_secret(std::move(secret)), m_fraction(trainFraction)
{
    m_sideKey = QCryptographicHash::hash(QByteArray(QByteArray("pairlens split group\x1f") + m_secret),
                                         QCryptographicHash::Sha256);
}

quint32 SplitGroups::find(const dupkeys::Key &key) const
{
    if (m_slots.empty())
        return kNone;
    const size_t mask = m_slots.size() - 1;
    for (size_t i = size_t(key[0]) & mask;; i = (i + 1) & mask) {
        const quint32 s = m_slots[i];
        if (s == 0)
            return kNone;
        if (m_keys[s - 1] == key)
            return s - 1;
    }
}

void SplitGroups::grow()
{
    std::vector<quint32> bigger(m_slots.empty() ? 4096 : m_slots.size() * 2, 0);
    const size_t mask = bigger.size() - 1;
    for (quint32 s : m_slots) {
        if (s == 0)
            continue;
        size_t i = size_t(m_keys[s - 1][0]) & mask;
        while (bigger[i] != 0)
            i = (i + 1) & mask;
        bigger[i] = s;
    }
    m_slots.swap(bigger);
}

quint32 SplitGroups::insert(const dupkeys::Key &key)
{
    if ((m_keys.size() + 1) * 10 > m_slots.size() * 7)
        grow();
    const size_t mask = m_slots.size() - 1;
    size_t i = size_t(key[0]) & mask;
    for (;; i = (i + 1) & mask) {
        const quint32 s = m_slots[i];
        if (s == 0)
            break;
        if (m_keys[s - 1] == key)
            return s - 1;
    }
    const auto node = quint32(m_keys.size());
    m_keys.push_back(key);
    m_parent.push_back(node);
    m_slots[i] = node + 1;
    return node;
}

quint32 SplitGroups::root(quint32 node)
{
    while (m_parent[node] != node) {
        m_parent[node] = m_parent[m_parent[node]]; // path halving
        node = m_parent[node];
    }
    return node;
}

void SplitGroups::add(const dupkeys::Key &question, const dupkeys::Key &sql, qint64 rowId)
{
    const bool hasQuestion = !dupkeys::isNull(question), hasSql = !dupkeys::isNull(sql);
    const quint32 a = hasQuestion ? insert(question) : kNone;
    const quint32 b = hasSql ? insert(sql) : kNone;
    if (rowId > 0 && (a != kNone || b != kNone) && rowId < (qint64(1) << 32)) {
        if (size_t(rowId) >= m_rowNode.size())
            m_rowNode.resize(std::max(size_t(rowId) + 1, m_rowNode.size() * 3 / 2), 0);
        m_rowNode[size_t(rowId)] = (a != kNone ? a : b) + 1;
    }
    if (a == kNone || b == kNone)
        return;
    const quint32 ra = root(a), rb = root(b);
    if (ra != rb)
        m_parent[std::max(ra, rb)] = std::min(ra, rb);
}

void SplitGroups::finish()
{
    // The smallest key of each group decides its side.
    std::vector<quint32> smallest(m_keys.size(), kNone);
    for (quint32 n = 0; n < m_keys.size(); ++n) {
        const quint32 r = root(n);
        if (smallest[r] == kNone || less(m_keys[n], m_keys[smallest[r]]))
            smallest[r] = n;
    }
    m_train.assign(m_keys.size(), false);
    m_groups = 0;
    for (quint32 n = 0; n < m_keys.size(); ++n) {
        if (m_parent[n] == n) {
            ++m_groups;
            m_train[n] = sideOf(m_keys[smallest[n]]);
        }
    }
    for (quint32 n = 0; n < m_keys.size(); ++n)
        m_train[n] = m_train[root(n)];
    m_parent = {}; // not needed any more
    m_rowKnown.assign(m_rowNode.size(), false);
    m_rowTrain.assign(m_rowNode.size(), false);
    for (size_t row = 0; row < m_rowNode.size(); ++row) {
        if (const quint32 node = m_rowNode[row]) {
            m_rowKnown[row] = true;
            m_rowTrain[row] = m_train[node - 1];
        }
    }
    m_rowNode = {};
}

std::optional<bool> SplitGroups::isTrainRow(qint64 rowId) const
{
    if (rowId <= 0 || rowId >= qint64(m_rowKnown.size()) || !m_rowKnown[size_t(rowId)])
        return std::nullopt;
    return m_rowTrain[size_t(rowId)];
}

bool SplitGroups::sideOf(const dupkeys::Key &key) const
{
    QCryptographicHash hash(QCryptographicHash::Md5);
    hash.addData(m_sideKey);
    hash.addData(QByteArrayView(reinterpret_cast<const char *>(key.data()), sizeof key));
    const QByteArrayView d = hash.resultView();
    quint64 v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | quint8(d[i]);
    return double(v) / 18446744073709551616.0 < m_fraction;
}

bool SplitGroups::isTrain(const dupkeys::Key &question, const dupkeys::Key &sql,
                          const QByteArray &pairId) const
{
    for (const dupkeys::Key *k : {&question, &sql}) {
        if (dupkeys::isNull(*k))
            continue;
        const quint32 n = find(*k);
        if (n != kNone && n < m_train.size())
            return m_train[n];
    }
    // Not seen when the groups were built: the pair is a group of its own.
    const bool hasQuestion = !dupkeys::isNull(question), hasSql = !dupkeys::isNull(sql);
    if (hasQuestion && hasSql)
        return sideOf(less(question, sql) ? question : sql);
    if (hasQuestion || hasSql)
        return sideOf(hasQuestion ? question : sql);
    return isTrainSide(m_secret, pairId, m_fraction);
}

bool SplitGroups::build(Storage &storage, const Progress &progress, QString *error)
{
    error->clear();
    // The same pairs in the same order as from a dataset file: every live pair, by row id.
    const std::unique_ptr<RowCursor> cursor = storage.readRows(Filter{}, error);
    if (!cursor)
        return false;
    qint64 done = 0;
    std::vector<Row> rows;
    for (;;) {
        rows.clear();
        const int n = cursor->fetch(kBatch, [&rows](const StoredRow &s) {
            rows.push_back(
                {s.text[1].toByteArray(), s.text[2].toByteArray(), s.text[4].toByteArray(), s.rowId});
        });
        if (n == 0)
            break;
        if (!keyAndAdd(rows, &done, progress,
                       [this](const Row &r) { add(r.questionKey, r.sqlKey, r.rowId); }))
            return false;
    }
    *error = cursor->errorString();
    if (!error->isEmpty())
        return false;
    finish();
    return true;
}

bool SplitGroups::build(Dataset &dataset, const Progress &progress, QString *error)
{
    error->clear();
    sqlite3 *db = handleOf(dataset.db());
    if (!db) {
        *error = QCoreApplication::translate("Export", "Exports need an SQLite dataset.");
        return false;
    }
    const SqlCondition c = buildCondition(Filter{}); // every live pair; no bindings
    const QByteArray sql =
        ("SELECT p.natural_language_query, p.sql_query, p.database_type, p.id FROM pairs p "
         "WHERE " +
         c.where.toUtf8() + " ORDER BY p.id");
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &stmt, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
        return false;
    }
    const auto column = [&](int i) {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(stmt, i));
        return p ? QByteArray(p, sqlite3_column_bytes(stmt, i)) : QByteArray();
    };
    qint64 done = 0;
    bool more = true;
    std::vector<Row> rows;
    while (more) {
        rows.clear();
        while (rows.size() < size_t(kBatch)) {
            const int rc = sqlite3_step(stmt);
            if (rc != SQLITE_ROW) {
                more = false;
                if (rc != SQLITE_DONE)
                    *error = QString::fromUtf8(sqlite3_errmsg(db));
                break;
            }
            rows.push_back({column(0), column(1), column(2), sqlite3_column_int64(stmt, 3)});
        }
        if (!keyAndAdd(rows, &done, progress,
                       [this](const Row &r) { add(r.questionKey, r.sqlKey, r.rowId); })) {
            more = false;
            error->clear();
            sqlite3_finalize(stmt);
            return false;
        }
    }
    sqlite3_finalize(stmt);
    if (!error->isEmpty())
        return false;
    finish();
    return true;
}

} // namespace pairlens::exporting
