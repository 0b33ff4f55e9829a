#include "stats/facets.h"

#include "dataset/dataset.h"
#include "dataset/pair.h"
#include "privacy/piikind.h"
#include "stats/sqlrun.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

// "SELECT <key>, count(*) FROM pairs p WHERE <filter> GROUP BY 1", most frequent first.
bool countBy(QSqlQuery &q, const QString &key, const Filter &filter, FacetCounts::Values *out, QString *error)
{
    const SqlCondition c = buildCondition(filter);
    if (!stats::runQuery(
            q, u"SELECT %1, count(*) FROM pairs p WHERE %2 GROUP BY 1 ORDER BY 2 DESC, 1"_s.arg(key, c.where),
            c.bindings, error))
        return false;
    while (q.next())
        out->append({q.value(0).toString(), q.value(1).toLongLong()});
    return true;
}

} // namespace

qint64 FacetCounts::value(const Values &values, const QString &key) const
{
    for (const auto &v : values) {
        if (v.first.compare(key, Qt::CaseInsensitive) == 0)
            return v.second;
    }
    return 0;
}

bool computeFacets(Dataset &dataset, const Filter &filter, FacetCounts *out, QString *error,
                   const Progress &progress)
{
    constexpr int kSteps = 7;
    *out = FacetCounts();
    QSqlQuery q(dataset.db());
    int done = 0;
    auto step = [&] {
        if (progress.report(done++, kSteps))
            return true;
        *error = QCoreApplication::translate("Statistics", "The statistics were cancelled.");
        return false;
    };
    // One read transaction: every count describes the same state of the dataset.
    dataset.db().transaction();
    const auto finish = [&](bool ok) {
        dataset.db().commit();
        return ok;
    };

    Filter f = filter;
    f.queryTypes.clear();
    if (!step() || !countBy(q, u"coalesce(p.query_type, '')"_s, f, &out->queryTypes, error))
        return finish(false);
    f = filter;
    f.databaseTypes.clear();
    if (!step() || !countBy(q, u"p.database_type"_s, f, &out->databaseTypes, error))
        return finish(false);
    f = filter;
    f.databaseNames.clear();
    if (!step() || !countBy(q, u"p.database_name"_s, f, &out->databaseNames, error))
        return finish(false);

    f = filter;
    f.success = Filter::Success::Any;
    FacetCounts::Values success;
    if (!step() || !countBy(q, u"p.success <> 0"_s, f, &success, error))
        return finish(false);
    for (const auto &v : success)
        (v.first.toInt() ? out->successful : out->failed) += v.second;

    f = filter;
    f.reviewStatuses.clear();
    FacetCounts::Values review;
    if (!step() || !countBy(q, u"p.review_status"_s, f, &review, error))
        return finish(false);
    for (const auto &v : review) {
        const int s = v.first.toInt();
        if (s >= 0 && s < out->reviewStatuses.size())
            out->reviewStatuses[s] += v.second;
    }

    f = filter;
    f.piiRequired = false;
    f.piiKinds = 0;
    {
        QStringList sums{u"sum(coalesce(p.pii_mask, 0) <> 0)"_s};
        const QList<PiiKind> kinds = allPiiKinds();
        for (PiiKind k : kinds)
            sums << u"sum((coalesce(p.pii_mask, 0) & %1) <> 0)"_s.arg(quint32(k));
        const SqlCondition c = buildCondition(f);
        if (!step() ||
            !stats::runQuery(q, u"SELECT %1 FROM pairs p WHERE %2"_s.arg(sums.join(u", "_s), c.where),
                             c.bindings, error))
            return finish(false);
        if (q.next()) {
            out->withPii = q.value(0).toLongLong();
            for (qsizetype i = 0; i < kinds.size(); ++i)
                out->piiKinds.insert(quint32(kinds.at(i)), q.value(int(i) + 1).toLongLong());
        }
    }

    f = filter;
    f.tables.clear();
    {
        const SqlCondition c = buildCondition(f);
        if (!step() ||
            !stats::runQuery(
                q,
                u"SELECT t.name, count(*) FROM pair_tables t JOIN pairs p ON p.id = t.pair WHERE %1 "
                "GROUP BY t.name ORDER BY 2 DESC, 1 LIMIT %2"_s.arg(c.where)
                    .arg(FacetCounts::kMaxTables),
                c.bindings, error))
            return finish(false);
        while (q.next())
            out->tables.append({q.value(0).toString(), q.value(1).toLongLong()});
    }
    // A table the filter names counts too, however rarely it is used.
    for (const QString &name : filter.tables) {
        bool listed = false;
        for (const auto &v : std::as_const(out->tables))
            listed = listed || v.first.compare(name, Qt::CaseInsensitive) == 0;
        if (listed)
            continue;
        Filter one = f;
        one.tables = {name};
        const SqlCondition c = buildCondition(one);
        if (!stats::runQuery(q, u"SELECT count(*) FROM pairs p WHERE "_s + c.where, c.bindings, error))
            return finish(false);
        if (q.next() && q.value(0).toLongLong() > 0)
            out->tables.append({name, q.value(0).toLongLong()});
    }
    progress.report(kSteps, kSteps);
    return finish(true);
}

bool liveTimeRange(Dataset &dataset, QDateTime *first, QDateTime *last, QString *error)
{
    QSqlQuery q(dataset.db());
    // Each one walks to an end of pairs_ts (live, analysed pairs).
    if (!stats::runQuery(q,
                         u"SELECT (SELECT min(ts) FROM pairs WHERE deleted = 0 AND query_type IS NOT NULL), "
                         "(SELECT max(ts) FROM pairs WHERE deleted = 0 AND query_type IS NOT NULL)"_s,
                         {}, error))
        return false;
    *first = *last = QDateTime();
    if (q.next()) {
        *first = QDateTime::fromString(q.value(0).toString(), Qt::ISODateWithMs);
        *last = QDateTime::fromString(q.value(1).toString(), Qt::ISODateWithMs);
    }
    return true;
}

} // namespace pairlens
