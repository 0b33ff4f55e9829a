#pragma once

#include <QByteArray>
#include <QString>
#include <QStringDecoder>
#include <QStringList>

namespace pairlens::exporting {

// Stored UTF-8 text as a QString, exactly: QString::fromUtf8 would take a leading U+FEFF for a
// byte-order mark and drop it.
inline QString textFromUtf8(QByteArrayView utf8)
{
    if (!utf8.startsWith("\xEF\xBB\xBF"))
        return QString::fromUtf8(utf8);
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
    return decoder.decode(utf8);
}

// One pair as the format writers see it: already anonymized (unless the export says otherwise),
// with the seed's fields. Fields that are never anonymized stay in their stored UTF-8 form, and the
// JSON columns as compact JSON text, so that writing them costs no conversion.
struct ExportRecord
{
    QByteArray pairId; // UTF-8
    QString question;
    QString sql;
    QByteArray timestamp;    // UTF-8
    QByteArray databaseType; // UTF-8
    QString databaseName;
    QByteArray tableNamesJson = QByteArrayLiteral("[]"); // a JSON array of strings
    bool success = true;
    double executionTimeMs = -1;                       // < 0 = unknown (null)
    QByteArray queryType;                              // UTF-8
    QByteArray metadataJson = QByteArrayLiteral("{}"); // a JSON object

    QStringList tableNames() const;
};

} // namespace pairlens::exporting
