#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace pairlens::exporting {

// One pair as the format writers see it: already anonymized (unless the export says otherwise),
// with the seed's fields.
struct ExportRecord
{
    QString pairId;
    QString question;
    QString sql;
    QString timestamp;
    QString databaseType;
    QString databaseName;
    QStringList tableNames;
    bool success = true;
    double executionTimeMs = -1; // < 0 = unknown (null)
    QString queryType;
    QJsonObject metadata;
};

} // namespace pairlens::exporting
