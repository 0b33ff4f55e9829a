// The JSON texts an import stores with each pair (its metadata and its table names) and the lists
// of pair_ids it looks up are written without Qt's JSON writer when that writer would copy the
// texts as they are. The stored bytes must not depend on which path wrote them: these tests compare
// both with QJsonDocument's compact text over texts that need every kind of escape, and over values
// of every JSON type.
#include "dataset/deriver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

QByteArray qtText(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// A short text from a pool that holds plain ASCII and every unit that needs care: quotes,
// backslashes, control characters, DEL, Latin-1, other BMP characters, surrogate pairs, a lone
// surrogate.
QString randomText(QRandomGenerator &rng)
{
    static const QList<QString> pieces = {u"agent"_s,
                                          u"sql-agent"_s,
                                          u"s-28427"_s,
                                          u"claude-3-5-haiku"_s,
                                          u" "_s,
                                          u"A b.C/d:e"_s,
                                          u"\""_s,
                                          u"\\"_s,
                                          u"\n"_s,
                                          u"\t"_s,
                                          u"\u0001"_s,
                                          u"\u001f"_s,
                                          u"\u007f"_s,
                                          u"\u00e9"_s,
                                          u"\u20ac"_s,
                                          u"\U0001F600"_s,
                                          QString(QChar(0xD800)),
                                          u"{}[],"_s,
                                          QString()};
    QString out;
    const int n = rng.bounded(4);
    for (int i = 0; i < n; ++i)
        out += pieces.at(rng.bounded(int(pieces.size())));
    return out;
}

QJsonValue randomValue(QRandomGenerator &rng, int depth)
{
    switch (rng.bounded(depth > 0 ? 7 : 5)) {
    case 0:
    case 1:
        return randomText(rng);
    case 2:
        return rng.bounded(2) == 1;
    case 3:
        return QJsonValue(QJsonValue::Null);
    case 4: {
        static const double numbers[] = {0, -1, 42, 0.1, 1e300, -2.5e-7, 9007199254740993.0, 3.0};
        return numbers[rng.bounded(int(std::size(numbers)))];
    }
    case 5: {
        QJsonArray a;
        for (int i = rng.bounded(3); i > 0; --i)
            a.append(randomValue(rng, depth - 1));
        return a;
    }
    default: {
        QJsonObject o;
        for (int i = rng.bounded(3); i > 0; --i)
            o.insert(randomText(rng), randomValue(rng, depth - 1));
        return o;
    }
    }
}

} // namespace

class TstDerivedJson : public QObject
{
    Q_OBJECT

private slots:
    void metadataIsQtsCompactText();
    void tableNamesAreQtsCompactText();
};

void TstDerivedJson::metadataIsQtsCompactText()
{
    QCOMPARE(metadataText({}), QByteArray("{}"));
    const QJsonObject demo{{u"agent"_s, u"sql-agent"_s},
                           {u"model"_s, u"claude-3-5-haiku"_s},
                           {u"session_id"_s, u"s-28427"_s},
                           {u"retried"_s, false},
                           {u"error"_s, QJsonValue(QJsonValue::Null)}};
    QCOMPARE(metadataText(demo), qtText(demo));
    QRandomGenerator rng(20261206);
    int plain = 0;
    for (int i = 0; i < 20000; ++i) {
        QJsonObject o;
        for (int k = rng.bounded(5); k >= 0; --k)
            o.insert(randomText(rng), randomValue(rng, 2));
        const QByteArray expected = qtText(o);
        QCOMPARE(metadataText(o), expected);
        plain += !expected.contains('\\') && !expected.contains('[') && expected.size() < 64;
    }
    QVERIFY2(plain > 1000, "the random objects include many the fast path writes");
}

void TstDerivedJson::tableNamesAreQtsCompactText()
{
    const Deriver deriver;
    const QStringList sqls = {
        u"SELECT 1"_s,
        u"SELECT * FROM customers"_s,
        u"SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id, shop.items"_s,
        u"SELECT * FROM \"we\"\"ird\", \"back\\slash\", \"tab\there\""_s,
        u"SELECT * FROM \"caf\u00e9\", \"\u20ac\", [brackets], `ticks`"_s,
        u"INSERT INTO \"a\u007fb\" SELECT * FROM \"\u0001\""_s,
    };
    for (const QString &sql : sqls) {
        const DerivedFields d = deriver.derive(u"q"_s, sql, u"2026-12-06T00:00:00Z"_s, u"postgresql"_s);
        const QByteArray expected =
            QJsonDocument(QJsonArray::fromStringList(d.tableNames)).toJson(QJsonDocument::Compact);
        QCOMPARE(d.tableNamesJson.toUtf8(), expected);
    }
    const DerivedFields d = deriver.derive(u"q"_s, sqls.at(2), u"2026-12-06T00:00:00Z"_s, u"postgresql"_s);
    QCOMPARE(d.tableNames.size(), 3);
    // Any list of strings (the pair_ids an import looks up on PostgreSQL go the same way).
    QCOMPARE(stringArrayText({}), QByteArray("[]"));
    QRandomGenerator rng(6122026);
    for (int i = 0; i < 20000; ++i) {
        QStringList values;
        for (int k = rng.bounded(4); k > 0; --k)
            values << randomText(rng);
        QCOMPARE(stringArrayText(values),
                 QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
    }
}

QTEST_GUILESS_MAIN(TstDerivedJson)
#include "tst_derivedjson.moc"
