#pragma once

#include <QDateTime>
#include <QString>
#include <QTemporaryDir>

namespace pairlens::test {

// Path of a file in ../shared/data, or an empty string when the folder is genuinely absent.
QString sharedDataFile(const QString &name);

// A fresh temporary folder that is removed at the end of the test.
QString tempPath(QTemporaryDir &dir, const QString &name);

// Creates (or adds to) a dataset file with `count` demo pairs: the same pairs for the same seed and
// end date (an invalid end means now). Returns false, with a warning, when they can't be written.
bool makeDemoDataset(const QString &path, int count, quint64 seed = 7, const QDateTime &end = {});

} // namespace pairlens::test

// Skips the current test function with a clear message when ../shared/data is missing.
#define PAIRLENS_REQUIRE_SHARED(var, name)                                                                   \
    const QString var = pairlens::test::sharedDataFile(QStringLiteral(name));                                \
    if (var.isEmpty())                                                                                       \
        QSKIP("../shared/data is not present beside the project; skipping the public-data test");
