#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace pairlens {

enum class ReviewStatus : int
{
    Unreviewed = 0,
    Approved = 1,
    Rejected = 2
};
QString reviewStatusName(ReviewStatus status); // "unreviewed", "approved", "rejected"
// Returns -1 when the name is unknown.
int reviewStatusFromName(QStringView name);

// One natural-language -> SQL pair. Field names follow the seed's Training Data Export API.
struct Pair
{
    qint64 rowId = 0; // internal row id inside the dataset (0 = not stored yet)

    // Seed fields (what outside programs write)
    QString pairId;
    QString naturalLanguageQuery;
    QString sqlQuery;
    QString timestamp; // ISO-8601 as recorded
    QString databaseType;
    QString databaseName;
    bool success = true;
    double executionTimeMs = 0; // < 0 when unknown
    QJsonObject metadata;

    // Derived by PairLens
    QString queryType; // "SELECT", "INSERT", ... ("" = no statement)
    QStringList tableNames;
    quint32 piiMask = 0; // OR of PiiKind bits

    // Curation
    ReviewStatus reviewStatus = ReviewStatus::Unreviewed;
    QString reviewerNote;
    bool deleted = false;
    QString deletedAt; // when it went to the trash (UTC ISO-8601; empty for live pairs)
};

} // namespace pairlens

namespace pairlens {
// The pair as a JSON object with the seed's field names, plus derived and curation fields
// (pii_kinds, review_status, reviewer_note, deleted).
QJsonObject pairToJson(const Pair &pair);
} // namespace pairlens
