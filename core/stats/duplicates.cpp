#include "stats/duplicates.h"

#include "dataset/dataset.h"
#include "dataset/duplicatekeys.h"
#include "export/dedupeset.h"
#include "stats/statistics.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentMap>

#include <vector>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

constexpr int kBatch = 8192;

struct Row
{
    QString question, sql, type;
    dupkeys::Key exact{0, 0}, normalized{0, 0};
};

} // namespace

bool computeDuplicates(Dataset &dataset, const Filter &filter, DuplicateCounts *out, QString *error,
                       const Progress &progress)
{
    *out = {};
    const SqlCondition c = buildCondition(filter);
    QSqlQuery q(dataset.db());
    q.setForwardOnly(true);
    q.prepare(u"SELECT p.natural_language_query, p.sql_query, p.database_type FROM pairs p WHERE "_s +
              c.where);
    for (const QVariant &v : c.bindings)
        q.addBindValue(v);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    exporting::DedupeSet exact, normalized;
    std::vector<Row> rows;
    bool more = true;
    while (more) {
        rows.clear();
        while (rows.size() < size_t(kBatch)) {
            if (!q.next()) {
                more = false;
                break;
            }
            rows.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString()});
        }
        QtConcurrent::blockingMap(rows, [](Row &r) {
            const QByteArray question = r.question.toUtf8(), sql = r.sql.toUtf8();
            r.exact = dupkeys::exactPairKey(question, sql);
            r.normalized = dupkeys::normalizedPairKey(r.question, r.sql, r.type);
        });
        for (const Row &r : rows) {
            if (!exact.insert(r.exact))
                ++out->exact;
            if (!normalized.insert(r.normalized))
                ++out->normalized;
        }
        out->pairs += qint64(rows.size());
        if (!progress.report(out->pairs, 0,
                             QCoreApplication::translate("Statistics", "Finding duplicates"))) {
            *error = QCoreApplication::translate("Statistics", "The statistics were cancelled.");
            return false;
        }
    }
    if (q.lastError().isValid()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

bool addDuplicates(Dataset &dataset, const Filter &filter, Statistics *stats, QString *error,
                   const Progress &progress)
{
    DuplicateCounts counts;
    if (!computeDuplicates(dataset, filter, &counts, error, progress))
        return false;
    stats->exactDuplicates = counts.exact;
    stats->normalizedDuplicates = counts.normalized;
    return true;
}

} // namespace pairlens
