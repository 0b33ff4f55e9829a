#include "dataset/pair.h"

using namespace Qt::StringLiterals;

namespace pairlens {

QString reviewStatusName(ReviewStatus status)
{
    switch (status) {
    case ReviewStatus::Unreviewed:
        return u"unreviewed"_s;
    case ReviewStatus::Approved:
        return u"approved"_s;
    case ReviewStatus::Rejected:
        return u"rejected"_s;
    }
    return {};
}

int reviewStatusFromName(QStringView name)
{
    const QString n = name.trimmed().toString().toLower();
    if (n == u"unreviewed"_s || n == u"pending"_s || n == u"new"_s)
        return int(ReviewStatus::Unreviewed);
    if (n == u"approved"_s || n == u"approve"_s || n == u"accepted"_s)
        return int(ReviewStatus::Approved);
    if (n == u"rejected"_s || n == u"reject"_s)
        return int(ReviewStatus::Rejected);
    return -1;
}

} // namespace pairlens

#include "privacy/piikind.h"

#include <QJsonArray>

namespace pairlens {

QJsonObject pairToJson(const Pair &p)
{
    QJsonObject o;
    o[u"pair_id"_s] = p.pairId;
    o[u"natural_language_query"_s] = p.naturalLanguageQuery;
    o[u"sql_query"_s] = p.sqlQuery;
    o[u"timestamp"_s] = p.timestamp;
    o[u"database_type"_s] = p.databaseType;
    o[u"database_name"_s] = p.databaseName;
    o[u"success"_s] = p.success;
    o[u"execution_time_ms"_s] = p.executionTimeMs < 0 ? QJsonValue() : QJsonValue(p.executionTimeMs);
    o[u"metadata"_s] = p.metadata;
    o[u"query_type"_s] = p.queryType;
    o[u"table_names"_s] = QJsonArray::fromStringList(p.tableNames);
    o[u"pii_kinds"_s] = QJsonArray::fromStringList(piiKindNames(p.piiMask));
    o[u"review_status"_s] = reviewStatusName(p.reviewStatus);
    o[u"reviewer_note"_s] = p.reviewerNote;
    if (p.deleted)
        o[u"deleted"_s] = true;
    return o;
}

} // namespace pairlens
