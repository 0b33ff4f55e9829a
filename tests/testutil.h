#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace pairlens::test {

// Path of a file of tests/data (real public data, see tests/data/README.md), or an empty string when
// it is missing. Use PAIRLENS_REQUIRE_TEST_DATA in a test function: a missing file is a failure.
QString testDataFile(const QString &name);

// The sentence a test fails with when tests/data/<name> is missing.
QByteArray missingTestDataMessage(const QString &name);

// The settings of a dataset file or store as a test checks them; empty, with a warning that names
// the error, when they cannot be read.
template <typename Store> QHash<QString, QString> storedSettings(Store &store)
{
    QHash<QString, QString> settings;
    QString error;
    if (!store.readSettings(&settings, &error))
        qWarning("Cannot read the settings: %s", qPrintable(error));
    return settings;
}

// A fresh temporary folder that is removed at the end of the test.
QString tempPath(QTemporaryDir &dir, const QString &name);

// Creates (or adds to) a dataset file with `count` demo pairs: the same pairs for the same seed and
// end date (an invalid end means now). Returns false, with a warning, when they can't be written.
bool makeDemoDataset(const QString &path, int count, quint64 seed = 7, const QDateTime &end = {});

// Damage for tests of damaged datasets, on a closed file: the pages of `name` (a table or index)
// of the given SQLite page type ("leaf", "internal", ...; empty: any), read with dbstat, and
// `overwritePages()` that writes `fill` over each of them. `pageSize` receives the file's page size.
QList<int> sqlitePages(const QString &path, const QString &name, const QString &pageType, int *pageSize);
bool overwritePages(const QString &path, const QList<int> &pages, int pageSize, char fill = '\xA5');

// One run of the pairlens command line as a headless pipeline runs it: no DISPLAY, no
// QT_QPA_PLATFORM, HOME set to `home`, `input` on stdin (none: stdin closed). `code` is -1 when it
// crashed or did not finish within two minutes (a hang detector, never a timing).
struct CliRun
{
    int code = -1;
    QString out;
    QString err;
    QByteArray rawOut;
};
CliRun runHeadless(const QString &exe, const QStringList &args, const QString &home,
                   const QByteArray &input = {});

// This process's environment with the language set to English (C.UTF-8), for commands whose
// messages a test compares, whatever locale the test itself runs under.
QProcessEnvironment englishEnvironment();

} // namespace pairlens::test

// Declares `var` as the path of tests/data/<name>; fails the current test function, naming the
// missing path, when the file is not there (never a skip: the data is part of the repository).
#define PAIRLENS_REQUIRE_TEST_DATA(var, name)                                                                \
    const QString var = pairlens::test::testDataFile(name);                                                  \
    if (var.isEmpty())                                                                                       \
        QFAIL(pairlens::test::missingTestDataMessage(name).constData());
