// The storage seam (issue 18, first cut): what PairLens needs from wherever the pairs live.
// SQLite datasets keep using Dataset/PairStore directly; PostgreSQL implements this interface.
// The interface grows as commands move onto it (page, forEach, statistics).
#pragma once

#include "dataset/pair.h"

#include <QList>
#include <QString>

namespace pairlens {

class Storage
{
public:
    virtual ~Storage() = default;

    // The format version of the opened store (its settings table).
    virtual int formatVersion() const = 0;
    // Number of pairs, or -1 with *error set.
    virtual qint64 count(QString *error) = 0;
    // Adds the seed fields of pairs in one transaction; a pair_id already stored is skipped (so a
    // second import of the same file adds nothing). Returns how many were added, -1 with *error.
    virtual qint64 addBatch(const QList<Pair> &pairs, QString *error) = 0;
};

// True for a location that names a PostgreSQL database (postgresql:// or postgres://).
bool isPostgresLocation(const QString &location);

} // namespace pairlens
