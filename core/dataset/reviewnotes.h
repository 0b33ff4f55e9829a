#pragma once

// Reviewer notes for many pairs at once (`pairlens review --note`): written in chunks of short
// BEGIN IMMEDIATE transactions (writetx.h), so a recorder never waits long for the write lock, and
// recorded as one "note" entry in the audit log. Each chunk sets the same note on its rows, so a
// run stopped half way is finished by running it again.

#include "common/progress.h"
#include "dataset/filter.h"

#include <QString>

#include <optional>

namespace pairlens {

class Dataset;

// Sets `note` (empty clears it) on every pair matching `filter`. Returns how many pairs it set,
// or nullopt with *error (the pairs of the chunks committed before keep the note).
std::optional<qint64> setReviewerNotes(Dataset &dataset, const Filter &filter, const QString &note,
                                       QString *error, const Progress &progress = {});

} // namespace pairlens
