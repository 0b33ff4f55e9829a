#pragma once

// Runs one forward-only query of the statistics with its bound values; on failure *error gets the
// driver's text. Shared by the statistics and the filter panel's facet counts.

#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace pairlens::stats {

inline bool runQuery(QSqlQuery &q, const QString &sql, const QVariantList &bindings, QString *error)
{
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        *error = q.lastError().text();
        return false;
    }
    for (const QVariant &v : bindings)
        q.addBindValue(v);
    if (!q.exec()) {
        *error = q.lastError().text();
        return false;
    }
    return true;
}

} // namespace pairlens::stats
