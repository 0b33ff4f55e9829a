#pragma once

// The export engine's tests (tst_export: formats; tst_exportfiles: target files; tst_exportprivacy:
// anonymization; tst_exportcuration: curation): five awkward pairs in a new dataset, independent
// readers of what was written.
#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "export/exporter.h"
#include "testutil.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace pairlens::test {

using namespace Qt::StringLiterals;

// A deliberately small RFC 4180 reader, independent of core's CsvReader.
inline QList<QStringList> parseCsv(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> rows;
    QStringList row;
    QString cell;
    bool quoted = false, any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < text.size() && text.at(i + 1) == u'"') {
                    cell += u'"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cell += c;
            }
            continue;
        }
        if (c == u'"') {
            quoted = true;
            any = true;
        } else if (c == u',') {
            row << cell;
            cell.clear();
            any = true;
        } else if (c == u'\r' && i + 1 < text.size() && text.at(i + 1) == u'\n') {
            row << cell;
            rows << row;
            row.clear();
            cell.clear();
            any = false;
            ++i;
        } else {
            cell += c;
            any = true;
        }
    }
    if (any)
        rows << (row << cell);
    return rows;
}

inline QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline QList<QJsonObject> parseJsonl(const QByteArray &bytes)
{
    QList<QJsonObject> out;
    for (const QByteArray &line : bytes.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError e;
        const QJsonDocument d = QJsonDocument::fromJson(line, &e);
        if (e.error != QJsonParseError::NoError || !d.isObject())
            qWarning() << "bad line" << line << e.errorString();
        out << d.object();
    }
    return out;
}

inline const QString kTricky =
    u"Say \"hi\", then\nnew line\ttab \x01 ctrl \\ back, caf\u00e9 \u65e5\u672c \U0001F600"_s;
inline const QString kEmail = u"grace.hopper@navy-example.org"_s;

// A pair of a fixed time and database, without execution time or metadata.
inline Pair plainPair(const QString &id, const QString &q, const QString &sql, bool success = true)
{
    Pair p;
    p.pairId = id;
    p.naturalLanguageQuery = q;
    p.sqlQuery = sql;
    p.timestamp = u"2024-05-01T12:00:00.000Z"_s;
    p.databaseType = u"postgresql"_s;
    p.databaseName = u"shop"_s;
    p.success = success;
    return p;
}

// The dataset every export test starts from (setUp() in each test class's init()).
class ExportFixture
{
protected:
    void setUp()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QString error;
        m_ds = Dataset::open(m_dir->filePath(u"ds.pairlens"_s), Dataset::Mode::OpenOrCreate, &error);
        QVERIFY2(m_ds, qPrintable(error));
        m_pairs = {
            pair(u"p1"_s, kTricky, u"SELECT 'x\"y' FROM orders WHERE note = 'a,b'"_s),
            pair(u"p2"_s, u"=SUM(A1) how many users?"_s, u"-- count\nSELECT count(*) FROM users"_s),
            pair(u"p3"_s, u"+1 @mention orders"_s, u"SELECT * FROM orders"_s, false),
            pair(u"p4"_s, u"Mail for "_s + kEmail,
                 u"SELECT id FROM users WHERE email = '"_s + kEmail + u"'"_s),
            pair(u"p5"_s, u"\ttabbed start"_s, u"\rSELECT 1"_s),
        };
        PairStore store(*m_ds);
        QCOMPARE(store.add(m_pairs).added, 5);
    }

    void tearDown()
    {
        m_ds.reset();
        m_dir.reset();
    }

    exporting::ExportResult exportTo(const QString &name, exporting::Format format,
                                     exporting::ExportOptions o = {})
    {
        o.format = format;
        o.target = m_dir->filePath(name);
        return exporting::Exporter(*m_ds, o).run();
    }

    // A plain pair with an execution time (when it succeeded) and metadata.
    static Pair pair(const QString &id, const QString &q, const QString &sql, bool success = true)
    {
        Pair p = plainPair(id, q, sql, success);
        p.executionTimeMs = success ? 12.5 : -1;
        p.metadata = QJsonObject{{u"agent"_s, u"test"_s}, {u"n"_s, 3}};
        return p;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Dataset> m_ds;
    QList<Pair> m_pairs;
};

} // namespace pairlens::test
