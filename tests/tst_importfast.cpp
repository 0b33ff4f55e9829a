// A JSON Lines line is read by simdjson when fastRecordFields() takes it, by Qt's parser otherwise.
// The pair, its metadata (object and stored text) and every refusal must not depend on which one
// read the line: these tests compare both ways over random lines that hold every field name and
// alias, null, numbers at Qt's integer limits, escapes, surrogates, invalid UTF-8, nested values,
// keys named twice and malformed JSON.
#include "dataset/deriver.h"
#include "dataset/importer_p.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::detail;

namespace {

struct Outcome
{
    bool ok = false;
    QString reason;
    Pair pair;
    QByteArray metadataText;
};

const QByteArray kFallback = "file:1:";

// Every key a pair is read from (with its aliases) or derives again.
const QList<QByteArray> kKnownKeys = {
    "pair_id",
    "id",
    "natural_language_query",
    "question",
    "sql_query",
    "sql",
    "query",
    "timestamp",
    "database_type",
    "db_type",
    "database_name",
    "db_id",
    "success",
    "execution_time_ms",
    "metadata",
    "query_type",
    "table_names",
    "review_status",
    "reviewer_note",
    "pii_kinds",
};

// Qt's way, as a line that fastRecordFields() leaves is read.
Outcome qtWay(const QByteArray &line)
{
    Outcome o;
    QJsonObject object;
    if (!parseRecordText(line, true, &object, &o.reason))
        return o;
    std::optional<Pair> p = Importer::pairFromRecord(object, kFallback + line, &o.reason, &o.metadataText);
    if (p) {
        o.ok = true;
        o.pair = *p;
    }
    return o;
}

// simdjson's way, or nothing when fastRecordFields() leaves the line.
std::optional<Outcome> fastWay(const QByteArray &line)
{
    RecordFields fields;
    if (!fastRecordFields(line, &fields))
        return std::nullopt;
    Outcome o;
    std::optional<Pair> p = pairFromFields(
        fields, [&] { return kFallback + line; }, &o.reason, &o.metadataText);
    if (p) {
        o.ok = true;
        o.pair = *p;
    }
    return o;
}

void compare(const QByteArray &line, const Outcome &qt, const Outcome &fast)
{
    const QByteArray what = "line: " + line.left(300);
    QVERIFY2(qt.ok == fast.ok, what.constData());
    QVERIFY2(qt.reason == fast.reason,
             QByteArray(what + " / " + qt.reason.toUtf8() + " / " + fast.reason.toUtf8()).constData());
    if (!qt.ok)
        return;
    const Pair &a = qt.pair, &b = fast.pair;
    QVERIFY2(a.pairId == b.pairId, what.constData());
    QVERIFY2(a.naturalLanguageQuery == b.naturalLanguageQuery, what.constData());
    QVERIFY2(a.sqlQuery == b.sqlQuery, what.constData());
    QVERIFY2(a.timestamp == b.timestamp, what.constData());
    QVERIFY2(a.databaseType == b.databaseType, what.constData());
    QVERIFY2(a.databaseName == b.databaseName, what.constData());
    QVERIFY2(a.success == b.success, what.constData());
    QVERIFY2(std::memcmp(&a.executionTimeMs, &b.executionTimeMs, sizeof(double)) == 0, what.constData());
    QVERIFY2(a.reviewStatus == b.reviewStatus, what.constData());
    QVERIFY2(a.reviewerNote == b.reviewerNote, what.constData());
    QVERIFY2(a.metadata == b.metadata,
             QByteArray(what + " / " + qt.metadataText + " / " + fast.metadataText).constData());
    QVERIFY2(qt.metadataText == fast.metadataText,
             QByteArray(what + " / " + qt.metadataText + " / " + fast.metadataText).constData());
    QVERIFY2(metadataText(b.metadata) == fast.metadataText, what.constData());
}

QByteArray pick(QRandomGenerator &rng, const QList<QByteArray> &pool)
{
    return pool.at(rng.bounded(int(pool.size())));
}

// A JSON string's text (quoted), with escapes, non-ASCII UTF-8 and now and then invalid bytes.
QByteArray randomString(QRandomGenerator &rng)
{
    static const QList<QByteArray> pieces = {
        "Show the customers",
        "SELECT * FROM t WHERE a = 'x';",
        "demo-42-0000001",
        "2026-08-14T09:45:02.640Z",
        "2026-08-14",
        "not a date",
        "  padded  ",
        "",
        " ",
        "\\\"",
        "\\\\",
        "\\/",
        "\\n",
        "\\t",
        "\\b\\f\\r",
        "\\u00e9",
        "\\u20AC",
        "\\ud83d\\ude00",
        "\\ud800",
        "\\udc00x",
        "\\u0000",
        "\xc3\xa9",
        "\xe2\x82\xac",
        "\xf0\x9f\x98\x80",
        "\xff",
        "\xc3",
        "\xed\xa0\x80",
        "true",
        "1",
        "yes",
        "failed",
        "12.5",
        "approved",
        "rejected",
        "mysql",
        "{\\\"a\\\":1}",
    };
    QByteArray out = "\"";
    const int n = rng.bounded(4);
    for (int i = 0; i < n; ++i)
        out += pick(rng, pieces);
    return out + '"';
}

QByteArray randomNumber(QRandomGenerator &rng)
{
    static const QList<QByteArray> numbers = {
        "0",
        "-0",
        "1",
        "-1",
        "12.5",
        "-0.0",
        "1e2",
        "1E-3",
        "5.0",
        "32.96",
        "0.1",
        "1e308",
        "1e400",
        "-1e400",
        "01",
        "1.",
        "-",
        "9007199254740991",
        "9007199254740992",
        "-9007199254740992",
        "9007199254740993",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551616",
        "123456789012345678901234567890",
        "2.5e-320",
    };
    return pick(rng, numbers);
}

QByteArray randomScalar(QRandomGenerator &rng)
{
    switch (rng.bounded(10)) {
    case 0:
        return "null";
    case 1:
        return rng.bounded(2) ? "true" : "false";
    case 2:
    case 3:
        return randomNumber(rng);
    default:
        return randomString(rng);
    }
}

QByteArray randomValue(QRandomGenerator &rng, int depth = 0)
{
    const int r = rng.bounded(20);
    if (depth < 2 && r == 0)
        return "[" + randomScalar(rng) + "," + randomValue(rng, depth + 1) + "]";
    if (depth < 2 && r == 1)
        return "{\"k\":" + randomValue(rng, depth + 1) + "}";
    if (r == 2)
        return "[]";
    return randomScalar(rng);
}

QByteArray randomMetadata(QRandomGenerator &rng)
{
    switch (rng.bounded(8)) {
    case 0:
        return "null";
    case 1:
        return randomValue(rng);
    case 2:
        return "\"{\\\"agent\\\":\\\"a\\\"}\"";
    default: {
        static const QList<QByteArray> keys = {"agent", "model",   "session_id", "source", "split",
                                               "x",     "\\u00e9", "source",     "Z",      "a b"};
        QByteArray out = "{";
        const int n = rng.bounded(5);
        for (int i = 0; i < n; ++i) {
            if (i)
                out += ',';
            out += '"' + pick(rng, keys) + "\":" + (rng.bounded(6) ? randomScalar(rng) : randomValue(rng));
        }
        return out + '}';
    }
    }
}

// A record: a question and SQL most of the time (so that most records get far), then any of the
// known fields and aliases, other keys, now and then a key twice or a defect of the JSON itself.
QByteArray randomLine(QRandomGenerator &rng)
{
    const QList<QByteArray> &known = kKnownKeys;
    static const QList<QByteArray> others = {"source", "split",    "difficulty", "agent",
                                             "x",      "\\u0069d", "Question"};
    QList<QByteArray> members;
    if (rng.bounded(10))
        members << "\"natural_language_query\":" +
                       (rng.bounded(5) ? QByteArray("\"List the orders\"") : randomValue(rng));
    if (rng.bounded(10))
        members << "\"sql_query\":" +
                       (rng.bounded(5) ? QByteArray("\"SELECT id FROM orders\"") : randomValue(rng));
    const int n = rng.bounded(7);
    for (int i = 0; i < n; ++i) {
        const QByteArray key = rng.bounded(4) ? pick(rng, known) : pick(rng, others);
        QByteArray value;
        if (key == "metadata")
            value = randomMetadata(rng);
        else if (key == "success" && rng.bounded(2))
            value = rng.bounded(2) ? "true" : "\"yes\"";
        else if (key == "execution_time_ms" && rng.bounded(2))
            value = randomNumber(rng);
        else if (key == "timestamp" && rng.bounded(2))
            value = "\"2026-08-14T09:45:02.640Z\"";
        else
            value = randomValue(rng);
        members << '"' + key + "\":" + value;
    }
    for (int i = int(members.size()) - 1; i > 0; --i)
        members.swapItemsAt(i, rng.bounded(i + 1));
    QByteArray line = (rng.bounded(30) ? "{" : " { ") + members.join(',') + '}';
    switch (rng.bounded(40)) {
    case 0:
        line += " x";
        break;
    case 1:
        line.chop(1);
        break;
    case 2:
        line = "[" + line + "]";
        break;
    case 3:
        line += ' ';
        break;
    default:
        break;
    }
    return line;
}

} // namespace

class TestImportFast : public QObject
{
    Q_OBJECT

private slots:
    // Each known key (and a few others) beside a question and SQL: kept in the metadata or not,
    // read as its field or not, the same both ways.
    void everyKnownKey()
    {
        const QList<QByteArray> keys =
            kKnownKeys + QList<QByteArray>{"source", "Pair_id", "questions", "sql "};
        for (const QByteArray &key : keys) {
            for (const QByteArray &value : {QByteArray("\"1\""), QByteArray("null"), QByteArray("{}")}) {
                const QByteArray line = "{\"question\":\"q\",\"sql\":\"s\",\"" + key + "\":" + value + "}";
                const std::optional<Outcome> fast = fastWay(line);
                if (fast)
                    compare(line, qtWay(line), *fast);
            }
        }
        // The fast way reads a plain line itself.
        QVERIFY(fastWay("{\"pair_id\":\"a\",\"question\":\"q\",\"sql\":\"s\",\"metadata\":{\"agent\":\"x\","
                        "\"n\":3},\"source\":\"y\"}"));
    }

    void randomLines()
    {
        QRandomGenerator rng(20261206);
        int fast = 0, refused = 0;
        const int kLines = 30000;
        for (int i = 0; i < kLines; ++i) {
            const QByteArray line = randomLine(rng);
            const Outcome qt = qtWay(line);
            const std::optional<Outcome> f = fastWay(line);
            if (!f)
                continue;
            ++fast;
            refused += f->ok ? 0 : 1;
            compare(line, qt, *f);
            if (QTest::currentTestFailed())
                return;
        }
        // Not a comparison of nothing: many lines go the fast way, most of them become pairs, some
        // are refused.
        QVERIFY2(fast > kLines / 4, qPrintable(QString::number(fast)));
        QVERIFY2(refused > 100, qPrintable(QString::number(refused)));
        QVERIFY2(fast - refused > kLines / 10, qPrintable(QString::number(fast - refused)));
    }

    // Metadata of plain keys and values: the fast way writes its stored text itself, keys in
    // Qt's order, the record's other keys merged in unless the metadata names them.
    void writesPlainMetadataItself()
    {
        const QByteArray line =
            "{\"question\":\"q\",\"sql\":\"s\",\"metadata\":{\"z\":1,\"a\":\"x\",\"M\":true,"
            "\"b\":null,\"n\":-9007199254740991},\"extra\":-5,\"a\":\"not this\",\"A\":false}";
        RecordFields fields;
        QVERIFY(fastRecordFields(line, &fields));
        QCOMPARE(fields.metadataText, QByteArray("{\"A\":false,\"M\":true,\"a\":\"x\",\"b\":null,\"extra\":-"
                                                 "5,\"n\":-9007199254740991,\"z\":1}"));
        compare(line, qtWay(line), *fastWay(line));
    }

    // What the fast way leaves to Qt's: lines it cannot read exactly as Qt's parser does.
    void leavesWhatItCannotReadExactly()
    {
        for (const QByteArray &line : {
                 QByteArray("{\"question\":\"q\",\"sql\":\"s\",\"x\":1,\"x\":2}"), // a key twice
                 QByteArray("{\"question\":\"q\",\"sql\":\"s\",\"metadata\":{\"a\":1,\"a\":2}}"),
                 QByteArray("{\"question\":\"q\",\"sql\":\"s\",\"metadata\":{\"a\":[1]}}"), // nested metadata
                 QByteArray("{\"question\":\"q\",\"sql\":\"s\",\"tags\":[\"a\"]}"), // a nested other key
                 QByteArray("{\"question\":\"q\",\"sql\":\"s\",\"n\":9007199254740993}"), // past 2^53
                 QByteArray("{\"question\":\"q\\ud800\",\"sql\":\"s\"}"),                 // a lone surrogate
                 QByteArray("{\"question\":\"q\xff\",\"sql\":\"s\"}"),                    // invalid UTF-8
                 QByteArray("{\"question\":\"q\",\"sql\":\"s\"} x"),
                 QByteArray("[\"question\"]"),
                 QByteArray("{\"question\":\"q\",\"sql\":\"s\",\"metadata\":\"{\\\"a\\\":1}\"}"),
             }) {
            QVERIFY2(!fastWay(line), line.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestImportFast)
#include "tst_importfast.moc"
