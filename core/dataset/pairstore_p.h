#pragma once

// Internal to the pair store: what its files share. pairstore.cpp holds the single reads and
// counts, pairstorepages.cpp the sorted and paged reads, pairstorewrite.cpp adds, edits and the
// audit log, pairstoretrash.cpp deletes, restores and purges.

#include "dataset/pairstore.h"

#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace pairlens::detail {

// The columns of a Pair, in the order readPair() reads them (pairstore.cpp).
extern const QString kColumns;
void bindAll(QSqlQuery &q, const QVariantList &bindings);

// The current UTC time in ISO 8601 with milliseconds (pairstorewrite.cpp).
QString nowIso();

} // namespace pairlens::detail
