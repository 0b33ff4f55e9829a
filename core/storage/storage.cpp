#include "storage/storage.h"

#include "privacy/anonymizer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

namespace pairlens {

bool Storage::reachableWithin(int ms, const std::function<bool()> &stop)
{
    QElapsedTimer waited;
    waited.start();
    while (!reachable()) {
        if (waited.elapsed() >= ms || (stop && stop()))
            return false;
        QThread::msleep(500);
    }
    return true;
}

Pair pairFromStoredRow(const StoredRow &row)
{
    const auto text = [&row](int i) { return QString::fromUtf8(row.text[i]); };
    Pair p;
    p.rowId = row.rowId;
    p.pairId = text(0);
    p.naturalLanguageQuery = text(1);
    p.sqlQuery = text(2);
    p.timestamp = text(3);
    p.databaseType = text(4);
    p.databaseName = text(5);
    if (row.text[6].size() > 2)
        p.metadata = QJsonDocument::fromJson(row.text[6].toByteArray()).object();
    p.queryType = text(7);
    if (row.text[8].size() > 2) {
        for (const QJsonValue &v : QJsonDocument::fromJson(row.text[8].toByteArray()).array())
            p.tableNames << v.toString();
    }
    p.success = row.success;
    p.executionTimeMs = row.executionTimeMs;
    return p;
}

bool Storage::distinctValuesOf(const QStringList &columns, QList<QStringList> *out, QString *error)
{
    out->clear();
    for (const QString &column : columns) {
        QStringList values;
        if (!distinctValues(column, &values, error))
            return false;
        out->append(values);
    }
    return true;
}

bool Storage::countEach(const QList<Filter> &filters, QList<qint64> *counts, QString *error)
{
    counts->clear();
    for (const Filter &f : filters) {
        const qint64 n = count(f, error);
        if (n < 0)
            return false;
        counts->append(n);
    }
    return true;
}

bool Storage::updateText(qint64 rowId, const QString &question, const QString &sql,
                         const DerivedFields &derived, QString *error)
{
    Q_UNUSED(rowId);
    Q_UNUSED(question);
    Q_UNUSED(sql);
    Q_UNUSED(derived);
    *error = QCoreApplication::translate("Storage", "Editing a pair's text is not supported by this store.");
    return false;
}

bool Storage::updateSettings(const QHash<QString, QString> &values, const QString &action,
                             const QJsonObject &detail, QString *error)
{
    Q_UNUSED(values);
    Q_UNUSED(action);
    Q_UNUSED(detail);
    *error = QCoreApplication::translate("Storage",
                                         "Changing the privacy settings is not supported by this store.");
    return false;
}

qint64 Storage::rescanPii(const Deriver &deriver, const RescanProgress &progress, QString *error)
{
    Q_UNUSED(deriver);
    Q_UNUSED(progress);
    *error =
        QCoreApplication::translate("Storage", "Rescanning the PII kinds is not supported by this store.");
    return -1;
}

Deriver defaultDeriver()
{
    // Deriver::forDataset() with the settings of a new dataset file: no custom patterns, no
    // decisions. The PII kinds do not depend on the anonymization key.
    return Deriver::forPrivacy(privacy::Config::fromSettings({}));
}

Deriver storageDeriver(Storage &storage)
{
    return Deriver::following(
        [&storage](QHash<QString, QString> *out, QString *error) { return storage.readSettings(out, error); },
        storage.secret());
}

} // namespace pairlens
