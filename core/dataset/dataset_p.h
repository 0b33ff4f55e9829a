#pragma once

// Internal to the dataset: what its files share. dataset.cpp opens and sets up a dataset,
// datasetfailure.cpp keeps SQLite's error log and words failures, datasetfiles.cpp tells and
// removes a dataset's files.

#include "dataset/dataset.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QMutex>
#include <QString>

namespace pairlens::detail {

// SQLite's error log. Every statement that stops on an error is logged with its result code, and
// so is every place where SQLite finds a page damaged, whatever the caller then makes of the
// error: a loop that stops at the first failed step() looks exactly like one that reached the end.
// Counting the reports lets commands tell "no more rows" from "the rest could not be read".
struct SqliteLog
{
    QAtomicInteger<quint64> damage = 0;
    QAtomicInteger<quint64> diskFull = 0;
    QMutex mutex;
    QString lastDamage; // what SQLite said on its last damage report
};

SqliteLog &sqliteLog(); // datasetfailure.cpp

inline QString tr(const char *text)
{
    return QCoreApplication::translate("Dataset", text);
}

} // namespace pairlens::detail
