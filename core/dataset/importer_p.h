#pragma once

// Internal to the importer: what its files share. importer.cpp detects the format and reads JSON and
// CSV files, importerpipeline.cpp reads JSON Lines on two threads, importerrecord.cpp maps a record to
// a pair, importerreport.cpp reports conflicts and write failures.

#include "dataset/importer.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

namespace pairlens::detail {

inline QString tr(const char *text)
{
    return QCoreApplication::translate("Importer", text);
}

// Parses the JSON text of one record into an object, or says why it can't be used (importerrecord.cpp).
bool parseRecordText(const QByteArray &text, bool isLine, QJsonObject *object, QString *reason);

} // namespace pairlens::detail
