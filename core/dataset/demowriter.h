#pragma once

#include "dataset/pairstore.h"

#include <QDateTime>
#include <QString>

#include <functional>

namespace pairlens {

// Adds `count` pairs of DemoGenerator(seed) to the store, as `pairlens demo` does: this thread
// generates and writes while a worker analyses the next batch. `progress(done, total)` returning
// false stops it. Returns the number of pairs added, or -1 with *error (a write failure).
// `end` is the generator's last date (invalid: now).
qint64 addDemoPairs(PairStore &store, quint64 seed, qint64 count, QString *error,
                    const std::function<bool(qint64, qint64)> &progress = {}, const QDateTime &end = {});

} // namespace pairlens
