// The export engine: every format read back by an independent parser, field selection, split,
// dedupe, gzip, anonymization, atomicity (cancel, failing targets), empty exports, manifest, audit.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "export/exporter.h"
#include "testutil.h"

#include "export/formatwriter.h"
#include "export/recordsource.h"
#include "privacy/anonymizer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlQuery>
#include <QTest>

#include <sys/stat.h>
#include <zlib.h>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::exporting;

namespace {

// A deliberately small RFC 4180 reader, independent of core's CsvReader.
QList<QStringList> parseCsv(const QByteArray &bytes)
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

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QList<QJsonObject> parseJsonl(const QByteArray &bytes)
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

QByteArray gunzip(const QByteArray &in, bool *ok)
{
    z_stream zs{};
    *ok = inflateInit2(&zs, 15 + 16) == Z_OK;
    QByteArray out;
    char buf[65536];
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
    zs.avail_in = uInt(in.size());
    int rc = Z_OK;
    while (*ok && rc != Z_STREAM_END) {
        zs.next_out = reinterpret_cast<Bytef *>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END)
            *ok = false;
        out.append(buf, qsizetype(sizeof buf - zs.avail_out));
    }
    inflateEnd(&zs);
    return out;
}

const QString kTricky =
    u"Say \"hi\", then\nnew line\ttab \x01 ctrl \\ back, caf\u00e9 \u65e5\u672c \U0001F600"_s;
const QString kEmail = u"grace.hopper@navy-example.org"_s;

} // namespace

class TstExport : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void jsonlRoundTrip();
    void jsonEnvelope();
    void csvRoundTripAndFormulas();
    void trainingFormats_data();
    void trainingFormats();
    void templatesAndSystem();
    void fieldsSelection();
    void splitIsStable();
    void dedupeKeepsFirst();
    void gzipIsValid();
    void anonymizedByDefault();
    void selectionByPairIds();
    void cancelLeavesNothing();
    void failingTargetLeavesNothing();
    void zeroMatchesWritesValidEmptyFiles_data();
    void zeroMatchesWritesValidEmptyFiles();
    void manifestContents();
    void auditLogEntry();
    void previewMatchesExport();
    void csvFormulaVariants_data();
    void csvFormulaVariants();
    void csvFormulaVariantsExported();
    void csvNumbersAndNumericColumn();
    void replacesOnlyEarlierExports();
    void replacingSplitsAndManifests();
    void neverReplacesSpecialFiles();
    void statisticsAnonymizedLikeThePairs();
    void recordedFilterIsAnonymized();
    void identifiersAndDialectAnonymized();

private:
    ExportResult exportTo(const QString &name, Format format, ExportOptions o = {});
    Pair pair(const QString &id, const QString &q, const QString &sql, bool success = true);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Dataset> m_ds;
    QList<Pair> m_pairs;
};

Pair TstExport::pair(const QString &id, const QString &q, const QString &sql, bool success)
{
    Pair p;
    p.pairId = id;
    p.naturalLanguageQuery = q;
    p.sqlQuery = sql;
    p.timestamp = u"2024-05-01T12:00:00.000Z"_s;
    p.databaseType = u"postgresql"_s;
    p.databaseName = u"shop"_s;
    p.success = success;
    p.executionTimeMs = success ? 12.5 : -1;
    p.metadata = QJsonObject{{u"agent"_s, u"test"_s}, {u"n"_s, 3}};
    return p;
}

void TstExport::init()
{
    if (QByteArrayView(QTest::currentTestFunction()) == "csvFormulaVariants")
        return; // a pure function: no dataset for each of its rows
    m_dir = std::make_unique<QTemporaryDir>();
    QString error;
    m_ds = Dataset::open(m_dir->filePath(u"ds.pairlens"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(m_ds, qPrintable(error));
    m_pairs = {
        pair(u"p1"_s, kTricky, u"SELECT 'x\"y' FROM orders WHERE note = 'a,b'"_s),
        pair(u"p2"_s, u"=SUM(A1) how many users?"_s, u"-- count\nSELECT count(*) FROM users"_s),
        pair(u"p3"_s, u"+1 @mention orders"_s, u"SELECT * FROM orders"_s, false),
        pair(u"p4"_s, u"Mail for "_s + kEmail, u"SELECT id FROM users WHERE email = '"_s + kEmail + u"'"_s),
        pair(u"p5"_s, u"\ttabbed start"_s, u"\rSELECT 1"_s),
    };
    PairStore store(*m_ds);
    QCOMPARE(store.add(m_pairs).added, 5);
}

void TstExport::cleanup()
{
    m_ds.reset();
    m_dir.reset();
}

ExportResult TstExport::exportTo(const QString &name, Format format, ExportOptions o)
{
    o.format = format;
    o.target = m_dir->filePath(name);
    return Exporter(*m_ds, o).run();
}

void TstExport::jsonlRoundTrip()
{
    ExportOptions o;
    o.anonymize = false;
    const ExportResult r = exportTo(u"out.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 5);
    const QList<QJsonObject> lines = parseJsonl(readFile(r.files.at(0).path));
    QCOMPARE(lines.size(), 5);
    const QJsonObject first = lines.at(0);
    QCOMPARE(first.keys().size(), 11);
    QCOMPARE(first[u"pair_id"_s].toString(), u"p1"_s);
    QCOMPARE(first[u"natural_language_query"_s].toString(), kTricky);
    QCOMPARE(first[u"sql_query"_s].toString(), m_pairs.at(0).sqlQuery);
    QCOMPARE(first[u"timestamp"_s].toString(), m_pairs.at(0).timestamp);
    QCOMPARE(first[u"database_type"_s].toString(), u"postgresql"_s);
    QCOMPARE(first[u"database_name"_s].toString(), u"shop"_s);
    QCOMPARE(first[u"success"_s].toBool(), true);
    QCOMPARE(first[u"execution_time_ms"_s].toDouble(), 12.5);
    QCOMPARE(first[u"query_type"_s].toString(), u"SELECT"_s);
    QCOMPARE(first[u"table_names"_s].toArray(), QJsonArray{u"orders"_s});
    QCOMPARE(first[u"metadata"_s].toObject(), m_pairs.at(0).metadata);
    QVERIFY(lines.at(2)[u"execution_time_ms"_s].isNull());
    QCOMPARE(lines.at(2)[u"success"_s].toBool(true), false);
    // Raw bytes: the control character is escaped, non-ASCII and emoji are plain UTF-8.
    const QByteArray raw = readFile(r.files.at(0).path);
    QVERIFY(raw.contains("\\u0001"));
    QVERIFY(raw.contains("\\n"));
    QVERIFY(raw.contains("\\t"));
    QVERIFY(raw.contains("\xF0\x9F\x98\x80"));
    QCOMPARE(raw.count('\n'), 5);
}

void TstExport::jsonEnvelope()
{
    const ExportResult r = exportTo(u"out.json"_s, Format::Json);
    QVERIFY2(r.ok, qPrintable(r.error));
    QJsonParseError e;
    const QJsonObject doc = QJsonDocument::fromJson(readFile(r.files.at(0).path), &e).object();
    QCOMPARE(e.error, QJsonParseError::NoError);
    QVERIFY(QDateTime::fromString(doc[u"exported_at"_s].toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(doc[u"format_version"_s].toString(), u"1.0"_s);
    QCOMPARE(doc[u"total_pairs"_s].toInt(), 5);
    QCOMPARE(doc[u"pairs"_s].toArray().size(), 5);
    QCOMPARE(doc[u"statistics"_s].toObject()[u"total_pairs"_s].toInt(), 5);
    QCOMPARE(doc[u"pairs"_s].toArray().at(1).toObject()[u"pair_id"_s].toString(), u"p2"_s);
}

void TstExport::csvRoundTripAndFormulas()
{
    ExportOptions o;
    o.anonymize = false;
    ExportResult r = exportTo(u"out.csv"_s, Format::Csv, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QList<QStringList> rows = parseCsv(readFile(r.files.at(0).path));
    QCOMPARE(rows.size(), 6);
    QCOMPARE(rows.at(0).first(), u"pair_id"_s);
    QCOMPARE(rows.at(0).size(), 11);
    const int q = int(rows.at(0).indexOf(u"natural_language_query"_s));
    const int s = int(rows.at(0).indexOf(u"sql_query"_s));
    const int meta = int(rows.at(0).indexOf(u"metadata"_s));
    for (const QStringList &row : rows)
        QCOMPARE(row.size(), 11);
    QCOMPARE(rows.at(1).at(q), kTricky);
    QCOMPARE(rows.at(1).at(s), m_pairs.at(0).sqlQuery);
    QCOMPARE(QJsonDocument::fromJson(rows.at(1).at(meta).toUtf8()).object(), m_pairs.at(0).metadata);
    // Cells that a spreadsheet would run are neutralised with a leading apostrophe.
    QCOMPARE(rows.at(2).at(q), u"'=SUM(A1) how many users?"_s);
    QCOMPARE(rows.at(2).at(s), u"'-- count\nSELECT count(*) FROM users"_s);
    QCOMPARE(rows.at(3).at(q), u"'+1 @mention orders"_s);
    QCOMPARE(rows.at(5).at(q), u"'\ttabbed start"_s);
    QCOMPARE(rows.at(5).at(s), u"'\rSELECT 1"_s);

    o.csvRaw = true;
    r = exportTo(u"raw.csv"_s, Format::Csv, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    rows = parseCsv(readFile(r.files.at(0).path));
    QCOMPARE(rows.at(2).at(q), m_pairs.at(1).naturalLanguageQuery);
    QCOMPARE(rows.at(5).at(s), u"\rSELECT 1"_s);
}

void TstExport::trainingFormats_data()
{
    QTest::addColumn<Format>("format");
    QTest::newRow("prompt-completion") << Format::PromptCompletion;
    QTest::newRow("openai-chat") << Format::OpenAiChat;
    QTest::newRow("anthropic-chat") << Format::AnthropicChat;
    QTest::newRow("alpaca") << Format::Alpaca;
}

void TstExport::trainingFormats()
{
    QFETCH(Format, format);
    ExportOptions o;
    o.anonymize = false;
    ExportResult r = exportTo(u"t.jsonl"_s, format, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 4); // successful pairs only by default
    QList<QJsonObject> lines = parseJsonl(readFile(r.files.at(0).path));
    QCOMPARE(lines.size(), 4);
    const QJsonObject l = lines.at(0);
    const QString sql = m_pairs.at(0).sqlQuery;
    switch (format) {
    case Format::PromptCompletion:
        QCOMPARE(l.keys(), (QStringList{u"completion"_s, u"prompt"_s}));
        QCOMPARE(l[u"completion"_s].toString(), sql);
        QVERIFY(l[u"prompt"_s].toString().contains(kTricky));
        // The default template names no table of the answer (a label leak).
        QVERIFY(!l[u"prompt"_s].toString().contains(u"orders"_s));
        break;
    case Format::OpenAiChat: {
        const QJsonArray m = l[u"messages"_s].toArray();
        QCOMPARE(m.size(), 3);
        QCOMPARE(m.at(0)[u"role"_s].toString(), u"system"_s);
        QCOMPARE(m.at(1)[u"role"_s].toString(), u"user"_s);
        QVERIFY(m.at(1)[u"content"_s].toString().contains(kTricky));
        QCOMPARE(m.at(2)[u"role"_s].toString(), u"assistant"_s);
        QCOMPARE(m.at(2)[u"content"_s].toString(), sql);
        break;
    }
    case Format::AnthropicChat: {
        QVERIFY(!l[u"system"_s].toString().isEmpty());
        const QJsonArray m = l[u"messages"_s].toArray();
        QCOMPARE(m.size(), 2);
        QCOMPARE(m.at(0)[u"role"_s].toString(), u"user"_s);
        QCOMPARE(m.at(1)[u"content"_s].toString(), sql);
        break;
    }
    case Format::Alpaca:
        QCOMPARE(l.keys(), (QStringList{u"input"_s, u"instruction"_s, u"output"_s}));
        QCOMPARE(l[u"input"_s].toString(), kTricky);
        QCOMPARE(l[u"output"_s].toString(), sql);
        break;
    default:
        QFAIL("unexpected format");
    }
    o.includeFailed = true;
    r = exportTo(u"t2.jsonl"_s, format, o);
    QCOMPARE(r.count, 5);
}

void TstExport::templatesAndSystem()
{
    ExportOptions o;
    o.anonymize = false;
    o.systemPrompt = QString();
    o.promptTemplate = u"[{database_type}/{database_name}] {query_type} on {tables}: {question} {unknown}"_s;
    ExportResult r = exportTo(u"c.jsonl"_s, Format::OpenAiChat, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QJsonArray m = parseJsonl(readFile(r.files.at(0).path)).at(1)[u"messages"_s].toArray();
    QCOMPARE(m.size(), 2); // an empty system prompt leaves the system message out
    QCOMPARE(m.at(0)[u"content"_s].toString(),
             u"[postgresql/shop] SELECT on users: =SUM(A1) how many users? {unknown}"_s);

    o.systemPrompt = u"You write {database_type}."_s;
    r = exportTo(u"a.jsonl"_s, Format::AnthropicChat, o);
    QCOMPARE(parseJsonl(readFile(r.files.at(0).path)).at(0)[u"system"_s].toString(),
             u"You write postgresql."_s);

    // Alpaca: a template holding the question leaves the input empty.
    o.systemPrompt.reset();
    o.promptTemplate = u"Q: {question}"_s;
    r = exportTo(u"al.jsonl"_s, Format::Alpaca, o);
    const QJsonObject l = parseJsonl(readFile(r.files.at(0).path)).at(1);
    QCOMPARE(l[u"instruction"_s].toString(), u"Q: =SUM(A1) how many users?"_s);
    QCOMPARE(l[u"input"_s].toString(), QString());

    o.systemPrompt = u"x"_s;
    r = exportTo(u"bad.jsonl"_s, Format::Alpaca, o);
    QVERIFY(!r.ok);
    QVERIFY(!QFile::exists(m_dir->filePath(u"bad.jsonl"_s)));
}

void TstExport::fieldsSelection()
{
    QString error;
    const auto fields = parseFields(u"sql_query, pair_id,success"_s, &error);
    QVERIFY(fields);
    ExportOptions o;
    o.fields = *fields;
    ExportResult r = exportTo(u"f.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    const QByteArray raw = readFile(r.files.at(0).path);
    QVERIFY(raw.startsWith("{\"sql_query\":"));
    const QJsonObject l = parseJsonl(raw).at(0);
    QCOMPARE(l.keys(), (QStringList{u"pair_id"_s, u"sql_query"_s, u"success"_s}));

    r = exportTo(u"f.csv"_s, Format::Csv, o);
    QCOMPARE(parseCsv(readFile(r.files.at(0).path)).at(0),
             (QStringList{u"sql_query"_s, u"pair_id"_s, u"success"_s}));

    QVERIFY(!parseFields(u"pair_id,bogus"_s, &error));
    QVERIFY(error.contains(u"bogus"_s));
    QVERIFY(!parseFields(u"pair_id,pair_id"_s, &error));
    o.fields = *fields;
    r = exportTo(u"p.jsonl"_s, Format::PromptCompletion, o);
    QVERIFY(!r.ok);
}

void TstExport::splitIsStable()
{
    // Pairs that share no normalized question or SQL, so that each is a group of its own and the
    // shares follow the fraction (tst_exportcuration covers data with duplicates).
    PairStore store(*m_ds);
    QList<Pair> pairs;
    auto letters = [](int i) {
        QString s;
        for (int n = i + 1; n > 0; n /= 26)
            s += QChar(u'a' + n % 26);
        return s;
    };
    for (int i = 0; i < 400; ++i) {
        const QString table = i % 2 ? u"orders"_s : u"users"_s;
        pairs << pair(u"s%1"_s.arg(i), u"Which %1 belong to account %2?"_s.arg(table, letters(i)),
                      u"SELECT * FROM %1_%2"_s.arg(table, letters(i)));
    }
    QCOMPARE(store.add(pairs).added, 400);
    ExportOptions o;
    o.split = 0.8;
    o.fields = {Field::PairId};
    ExportResult a = exportTo(u"s.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(a.ok, qPrintable(a.error));
    QCOMPARE(a.files.size(), 2);
    QCOMPARE(QFileInfo(a.files.at(0).path).fileName(), u"s.train.jsonl"_s);
    QCOMPARE(QFileInfo(a.files.at(1).path).fileName(), u"s.val.jsonl"_s);
    QCOMPARE(a.files.at(0).pairs + a.files.at(1).pairs, 405);
    const double fraction = double(a.files.at(0).pairs) / 405.0;
    QVERIFY2(fraction > 0.7 && fraction < 0.9, qPrintable(QString::number(fraction)));
    auto ids = [](const QString &path) {
        QSet<QString> s;
        for (const QJsonObject &o : parseJsonl(readFile(path)))
            s << o[u"pair_id"_s].toString();
        return s;
    };
    const QSet<QString> train = ids(a.files.at(0).path), val = ids(a.files.at(1).path);
    QVERIFY(!train.intersects(val));
    // Another run (and a run on a subset) puts every pair on the same side.
    o.target = m_dir->filePath(u"again.jsonl"_s);
    o.filter.search = u"orders"_s;
    const ExportResult b = Exporter(*m_ds, o).run();
    QVERIFY2(b.ok, qPrintable(b.error));
    QVERIFY(b.count > 0);
    QVERIFY(train.contains(ids(b.files.at(0).path)));
    QVERIFY(val.contains(ids(b.files.at(1).path)));
}

void TstExport::dedupeKeepsFirst()
{
    PairStore store(*m_ds);
    QCOMPARE(store
                 .add({pair(u"d1"_s, u"  how MANY users? "_s, u"SELECT count(*)\n FROM users"_s),
                       pair(u"d2"_s, u"how many users?"_s, u"select COUNT(*) from users"_s)})
                 .added,
             2);
    ExportOptions o;
    o.dedupe = true;
    o.anonymize = false;
    o.fields = {Field::PairId};
    const ExportResult r = exportTo(u"d.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.duplicates, 1);
    QCOMPARE(r.count, 6);
    const QByteArray raw = readFile(r.files.at(0).path);
    QVERIFY(raw.contains("\"d1\""));
    QVERIFY(!raw.contains("\"d2\""));
}

void TstExport::gzipIsValid()
{
    ExportOptions o;
    o.fields = {Field::PairId, Field::Question, Field::Sql};
    const ExportResult plain = exportTo(u"g.jsonl"_s, Format::Jsonl, o);
    o.gzip = true;
    const ExportResult gz = exportTo(u"g2.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(gz.ok, qPrintable(gz.error));
    QCOMPARE(QFileInfo(gz.files.at(0).path).fileName(), u"g2.jsonl.gz"_s);
    bool ok = false;
    const QByteArray compressed = readFile(gz.files.at(0).path);
    QVERIFY(compressed.startsWith("\x1f\x8b"));
    QCOMPARE(gunzip(compressed, &ok), readFile(plain.files.at(0).path));
    QVERIFY(ok);
    // A ".gz" target compresses without --gzip.
    o.gzip = false;
    const ExportResult byName = exportTo(u"g3.csv.gz"_s, Format::Csv, o);
    QVERIFY(gunzip(readFile(byName.files.at(0).path), &ok).startsWith("pair_id,"));
    QVERIFY(ok);
}

void TstExport::anonymizedByDefault()
{
    ExportResult r = exportTo(u"a.jsonl"_s, Format::Jsonl);
    QVERIFY2(r.ok, qPrintable(r.error));
    QByteArray raw = readFile(r.files.at(0).path);
    QVERIFY(!raw.contains(kEmail.toUtf8()));
    QVERIFY(!raw.contains("grace.hopper"));
    QCOMPARE(parseJsonl(raw).size(), 5);

    ExportOptions o;
    o.anonymize = false;
    r = exportTo(u"b.jsonl"_s, Format::Jsonl, o);
    QVERIFY(readFile(r.files.at(0).path).contains(kEmail.toUtf8()));
}

void TstExport::selectionByPairIds()
{
    ExportOptions o;
    o.filter.pairIds = {u"p2"_s, u"p4"_s, u"nope"_s};
    o.fields = {Field::PairId};
    const ExportResult r = exportTo(u"sel.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(readFile(r.files.at(0).path), QByteArray("{\"pair_id\":\"p2\"}\n{\"pair_id\":\"p4\"}\n"));
}

void TstExport::cancelLeavesNothing()
{
    PairStore store(*m_ds);
    QCOMPARE(store.add(DemoGenerator(3).generate(3000)).added, 3000);
    const QString target = m_dir->filePath(u"c.jsonl"_s);
    {
        QFile old(target);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("OLD CONTENT\n");
    }
    std::atomic_bool cancel = false;
    int reports = 0;
    const Progress progress(
        [&](qint64, qint64, const QString &) {
            if (++reports == 2)
                cancel = true;
        },
        &cancel);
    ExportOptions o;
    o.target = target;
    o.split = 0.5;
    o.overwrite = true; // c.jsonl is no export: without this it would be refused before starting
    const ExportResult r = Exporter(*m_ds, o).run(progress);
    QVERIFY(r.cancelled);
    QVERIFY(!r.ok);
    QCOMPARE(readFile(target), QByteArray("OLD CONTENT\n"));
    QStringList left = QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden);
    left.removeIf([](const QString &name) { return name.startsWith(u"ds.pairlens"_s); });
    QCOMPARE(left, QStringList{u"c.jsonl"_s}); // no temporary, no manifest, no train/val file
}

void TstExport::failingTargetLeavesNothing()
{
    ExportOptions o;
    o.target = m_dir->filePath(u"missing/dir/out.jsonl"_s);
    ExportResult r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY(r.error.contains(u"missing"_s));
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"missing"_s)));

    // A split whose validation file can't be written: the training file is not written either and
    // an existing one stays as it was.
    const QString train = m_dir->filePath(u"x.train.jsonl"_s);
    {
        QFile old(train);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("OLD\n");
    }
    QVERIFY(QDir(m_dir->path()).mkdir(u"x.val.jsonl"_s));
    o.target = m_dir->filePath(u"x.jsonl"_s);
    o.split = 0.5;
    o.overwrite = true; // x.train.jsonl is no export
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY(!r.error.isEmpty());
    QCOMPARE(readFile(train), QByteArray("OLD\n"));
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"x.jsonl.manifest.json"_s)));
    QCOMPARE(QDir(m_dir->path()).entryList({u"x.*"_s}, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot),
             (QStringList{u"x.train.jsonl"_s, u"x.val.jsonl"_s}));
}

void TstExport::zeroMatchesWritesValidEmptyFiles_data()
{
    QTest::addColumn<Format>("format");
    for (Format f : allFormats())
        QTest::newRow(qPrintable(formatName(f))) << f;
}

void TstExport::zeroMatchesWritesValidEmptyFiles()
{
    QFETCH(Format, format);
    ExportOptions o;
    o.filter.search = u"zzzznomatch"_s;
    const ExportResult r = exportTo(u"empty."_s + formatExtension(format), format, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 0);
    QCOMPARE(r.matched, 0);
    const QByteArray raw = readFile(r.files.at(0).path);
    QVERIFY(QFileInfo::exists(r.files.at(0).path));
    if (format == Format::Json) {
        QJsonParseError e;
        const QJsonObject doc = QJsonDocument::fromJson(raw, &e).object();
        QCOMPARE(e.error, QJsonParseError::NoError);
        QCOMPARE(doc[u"pairs"_s].toArray().size(), 0);
        QVERIFY(doc[u"pairs"_s].isArray());
        QCOMPARE(doc[u"total_pairs"_s].toInt(-1), 0);
    } else if (format == Format::Csv) {
        QCOMPARE(parseCsv(raw).size(), 1);
    } else {
        QCOMPARE(raw.size(), 0);
    }
}

void TstExport::manifestContents()
{
    ExportOptions o;
    o.filter.queryTypes = {u"SELECT"_s};
    o.gzip = true;
    const ExportResult r = exportTo(u"m.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.manifestPath, m_dir->filePath(u"m.jsonl.gz.manifest.json"_s));
    const QByteArray text = readFile(r.manifestPath);
    const QJsonObject m = QJsonDocument::fromJson(text).object();
    QCOMPARE(m[u"pair_count"_s].toInt(), 5);
    QCOMPARE(m[u"format"_s].toString(), u"jsonl"_s);
    QCOMPARE(m[u"engine_version"_s].toString(), QStringLiteral(PAIRLENS_VERSION));
    QCOMPARE(m[u"filter"_s].toObject()[u"query_types"_s].toArray().size(), 1);
    QCOMPARE(m[u"options"_s].toObject()[u"gzip"_s].toBool(), true);
    const QJsonObject anon = m[u"anonymization"_s].toObject();
    QCOMPARE(anon[u"enabled"_s].toBool(), true);
    QCOMPARE(anon[u"operators"_s].toObject()[u"email"_s].toString(), u"mask"_s);
    const QJsonArray files = m[u"files"_s].toArray();
    QCOMPARE(files.size(), 1);
    QCOMPARE(files.at(0)[u"name"_s].toString(), u"m.jsonl.gz"_s);
    const QByteArray sha =
        QCryptographicHash::hash(readFile(m_dir->filePath(u"m.jsonl.gz"_s)), QCryptographicHash::Sha256)
            .toHex();
    QCOMPARE(files.at(0)[u"sha256"_s].toString().toLatin1(), sha);
    QCOMPARE(r.files.at(0).sha256, sha);
    // The key never leaves the dataset.
    const QByteArray key = m_ds->secret();
    QVERIFY(!text.contains(key.toHex()));
    QVERIFY(!text.contains(key.toBase64()));
}

void TstExport::auditLogEntry()
{
    const ExportResult r = exportTo(u"audit.csv"_s, Format::Csv);
    QVERIFY2(r.ok, qPrintable(r.error));
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"SELECT pair_count, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC"_s));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 5);
    const QJsonObject detail = QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object();
    QCOMPARE(detail[u"format"_s].toString(), u"csv"_s);
    QCOMPARE(detail[u"anonymized"_s].toBool(), true);
    QVERIFY(detail[u"files"_s].toArray().at(0).toString().endsWith(u"audit.csv"_s));
    QCOMPARE(detail[u"sha256"_s].toArray().at(0).toString().toLatin1(), r.files.at(0).sha256);
}

void TstExport::previewMatchesExport()
{
    ExportOptions o;
    o.format = Format::OpenAiChat;
    o.target = m_dir->filePath(u"pv.jsonl"_s);
    const QList<QByteArray> preview = Exporter(*m_ds, o).preview(2);
    QCOMPARE(preview.size(), 2);
    const ExportResult r = Exporter(*m_ds, o).run();
    QVERIFY(readFile(r.files.at(0).path).startsWith(QByteArray(preview.at(0) + preview.at(1))));
}

// OWASP's CSV injection triggers (= + - @ tab CR) and every way of hiding them from a check of the
// first character: leading spaces and invisible characters, fullwidth and small forms.
struct FormulaCase
{
    QByteArray name;
    QString cell;
    bool formula;
};

static QList<FormulaCase> formulaCases()
{
    QList<FormulaCase> cases;
    const QList<QPair<const char *, QString>> triggers = {
        {"=", u"=1+1"_s},
        {"+", u"+1+1"_s},
        {"-", u"-1+1"_s},
        {"@", u"@SUM(A1)"_s},
        {"fullwidth =", u"\uFF1D1+1"_s},
        {"fullwidth +", u"\uFF0B1+1"_s},
        {"fullwidth -", u"\uFF0D1+1"_s},
        {"fullwidth @", u"\uFF20SUM(A1)"_s},
        {"small =", u"\uFE661+1"_s},
        {"small +", u"\uFE621"_s},
        {"small -", u"\uFE631"_s},
        {"small @", u"\uFE6BSUM(A1)"_s},
        {"minus sign", u"\u22121+1"_s},
    };
    const QList<QPair<const char *, QString>> prefixes = {
        {"", QString()},
        {"space", u" "_s},
        {"spaces", u"   "_s},
        {"tab", u"\t"_s},
        {"CR", u"\r"_s},
        {"LF", u"\n"_s},
        {"CRLF", u"\r\n"_s},
        {"NBSP", u"\u00A0"_s},
        {"ZWSP", u"\u200B"_s},
        {"ZWNJ", u"\u200C"_s},
        {"ZWJ", u"\u200D"_s},
        {"BOM", u"\uFEFF"_s},
        {"em space", u"\u2003"_s},
        {"ideographic space", u"\u3000"_s},
        {"line separator", u"\u2028"_s},
        {"narrow NBSP", u"\u202F"_s},
        {"word joiner", u"\u2060"_s},
        {"LRM", u"\u200E"_s},
        {"vertical tab", u"\v"_s},
        {"mixed", u" \u200B\u00A0\t\uFEFF "_s},
    };
    for (const auto &[prefixName, prefix] : prefixes) {
        for (const auto &[triggerName, trigger] : triggers)
            cases.append({QByteArray(prefixName) + " + " + triggerName, prefix + trigger, true});
    }
    // Tab, CR and LF start a formula-like cell whatever follows.
    cases.append({"tab text", u"\ttabbed start"_s, true});
    cases.append({"CR text", u"\rSELECT 1"_s, true});
    cases.append({"LF text", u"\nSELECT 1"_s, true});
    cases.append({"sql comment", u"-- count\nSELECT 1"_s, true});
    cases.append({"negative number", u"-5"_s, true});
    // Not formulas.
    cases.append({"plain", u"How many orders?"_s, false});
    cases.append({"empty", QString(), false});
    cases.append({"equals inside", u"a=1"_s, false});
    cases.append({"minus inside", u"5-3"_s, false});
    cases.append({"space then text", u" hello"_s, false});
    cases.append({"ZWSP then text", u"\u200Bhello"_s, false});
    cases.append({"NBSP then digit", u"\u00A05"_s, false});
    cases.append({"apostrophe", u"'=1+1"_s, false});
    cases.append({"quote", u"\"=1+1\""_s, false});
    cases.append({"only spaces", u" \u00A0\u200B"_s, false});
    cases.append({"number", u"42"_s, false});
    return cases;
}

void TstExport::csvFormulaVariants_data()
{
    QTest::addColumn<QString>("cell");
    QTest::addColumn<bool>("formula");
    for (const FormulaCase &c : formulaCases())
        QTest::newRow(c.name.constData()) << c.cell << c.formula;
}

void TstExport::csvFormulaVariants()
{
    QFETCH(QString, cell);
    QFETCH(bool, formula);
    QCOMPARE(csvCellIsFormula(cell), formula);
}

void TstExport::csvFormulaVariantsExported()
{
    // Every variant as a question, exported once: a formula cell is written with a leading
    // apostrophe and quoted, read back by an independent parser; --csv-raw writes it as it is.
    const QList<FormulaCase> cases = formulaCases();
    QList<Pair> pairs;
    for (qsizetype i = 0; i < cases.size(); ++i)
        pairs << pair(u"f%1"_s.arg(i), cases.at(i).cell, u"SELECT 1"_s);
    QCOMPARE(PairStore(*m_ds).add(pairs).added, cases.size());
    ExportOptions o;
    o.anonymize = false;
    o.fields = {Field::PairId, Field::Question};
    // The texts as stored, read through the store: QJsonDocument drops a U+FEFF even inside a
    // string, so a JSON Lines export read back with it would not show what is stored.
    QHash<QString, QString> stored;
    for (qsizetype i = 0; i < cases.size(); ++i) {
        const std::optional<Pair> p = PairStore(*m_ds).getByPairId(u"f%1"_s.arg(i));
        QVERIFY(p);
        stored.insert(p->pairId, p->naturalLanguageQuery);
    }
    ExportResult r = exportTo(u"f.csv"_s, Format::Csv, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    const QByteArray raw = readFile(r.files.at(0).path);
    QHash<QString, QString> written;
    for (const QStringList &row : parseCsv(raw))
        written.insert(row.value(0), row.value(1));
    o.csvRaw = true;
    r = exportTo(u"f-raw.csv"_s, Format::Csv, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QHash<QString, QString> unchanged;
    for (const QStringList &row : parseCsv(readFile(r.files.at(0).path)))
        unchanged.insert(row.value(0), row.value(1));

    for (qsizetype i = 0; i < cases.size(); ++i) {
        const FormulaCase &c = cases.at(i);
        const QString id = u"f%1"_s.arg(i);
        const QString text = stored.value(id);
        QVERIFY2(text == c.cell || (c.cell.startsWith(QChar(0xFEFF)) && text == c.cell.mid(1)),
                 c.name.constData());
        QVERIFY2(csvCellIsFormula(text) == c.formula, c.name.constData());
        QVERIFY2(written.value(id) == (c.formula ? u"'"_s + text : text), c.name.constData());
        if (c.formula) {
            QString quoted = text;
            quoted.replace(u'"', u"\"\""_s);
            QVERIFY2(raw.contains((u"\r\n"_s + id + u",\"'"_s + quoted + u"\"\r\n"_s).toUtf8()),
                     c.name.constData());
        }
        QVERIFY2(unchanged.value(id) == text, c.name.constData());
    }
}

void TstExport::csvNumbersAndNumericColumn()
{
    // execution_time_ms is a number PairLens writes (never a formula); a negative stored time means
    // "unknown" and is an empty cell. Text that looks like a negative number is neutralised.
    Pair fast = pair(u"n1"_s, u"-5"_s, u"SELECT 1"_s);
    fast.executionTimeMs = 5;
    Pair negative = pair(u"n2"_s, u"+5"_s, u"SELECT 1"_s);
    negative.executionTimeMs = -5;
    Pair big = pair(u"n3"_s, u"5"_s, u"SELECT 1"_s);
    big.executionTimeMs = 1.5e21;
    PairStore store(*m_ds);
    QCOMPARE(store.add({fast, negative, big}).added, 3);
    ExportOptions o;
    o.filter.pairIds = {u"n1"_s, u"n2"_s, u"n3"_s};
    o.fields = {Field::PairId, Field::Question, Field::ExecutionTime};
    const ExportResult r = exportTo(u"n.csv"_s, Format::Csv, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    const QList<QStringList> rows = parseCsv(readFile(r.files.at(0).path));
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows.at(1), (QStringList{u"n1"_s, u"'-5"_s, u"5"_s}));
    QCOMPARE(rows.at(2), (QStringList{u"n2"_s, u"'+5"_s, QString()}));
    QCOMPARE(rows.at(3).at(1), u"5"_s);
    QVERIFY(!rows.at(3).at(2).startsWith(u'\''));
    QCOMPARE(rows.at(3).at(2).toDouble(), 1.5e21);
}

void TstExport::replacesOnlyEarlierExports()
{
    const QString target = m_dir->filePath(u"r.jsonl"_s);
    const QString manifest = target + u".manifest.json"_s;
    auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    ExportOptions o;
    o.target = target;

    // A user's own file is refused and left as it is; nothing else appears.
    QVERIFY(write(target, "my notes\n"));
    QCOMPARE(Exporter::filesNeedingConfirmation(o, m_ds->location()), QStringList{target});
    ExportResult r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY(!r.cancelled);
    QCOMPARE(r.refusedFiles, QStringList{target});
    QVERIFY2(r.error.contains(u"r.jsonl"_s), qPrintable(r.error));
    QCOMPARE(readFile(target), QByteArray("my notes\n"));
    QVERIFY(!QFile::exists(manifest));

    // With overwrite (--force) it is replaced; the export and its manifest are an earlier export
    // from then on, and replaced again without asking.
    o.overwrite = true;
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(parseJsonl(readFile(target)).size(), 5);
    o.overwrite = false;
    QVERIFY(Exporter::filesNeedingConfirmation(o, m_ds->location()).isEmpty());
    o.fields = {Field::PairId};
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    QVERIFY(readFile(target).startsWith("{\"pair_id\":\"p1\"}\n"));

    // An export changed since (someone edited it) is no longer an earlier export.
    QVERIFY(write(target, readFile(target) + "{\"pair_id\":\"mine\"}\n"));
    const QByteArray edited = readFile(target);
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QCOMPARE(r.refusedFiles, QStringList{target});
    QCOMPARE(readFile(target), edited);

    // Same size, other bytes: the SHA-256 tells.
    o.overwrite = true;
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.overwrite = false;
    QByteArray same = readFile(target);
    same[2] = same[2] == 'x' ? 'y' : 'x';
    QVERIFY(write(target, same));
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, QStringList{target});
    QCOMPARE(readFile(target), same);

    // An earlier export of another format is not one of this kind.
    o.overwrite = true;
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.overwrite = false;
    const QByteArray jsonl = readFile(target);
    o.fields.clear();
    o.format = Format::OpenAiChat;
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QCOMPARE(r.refusedFiles, (QStringList{target, manifest}));
    QCOMPARE(readFile(target), jsonl);

    // A manifest that PairLens did not write does not make the file an export.
    o.format = Format::Jsonl;
    QVERIFY(write(manifest, QJsonDocument(QJsonObject{{u"engine"_s, u"Other"_s},
                                                      {u"manifest_version"_s, 1},
                                                      {u"format"_s, u"jsonl"_s},
                                                      {u"files"_s, QJsonArray{}}})
                                .toJson()));
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, (QStringList{target, manifest}));

    // Overwrite replaces anything, but never the dataset.
    o.overwrite = true;
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.target = m_ds->location();
    r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"dataset itself"_s), qPrintable(r.error));
    QVERIFY(r.refusedFiles.isEmpty());
    QCOMPARE(PairStore(*m_ds).count(Filter{}), 5);
}

void TstExport::replacingSplitsAndManifests()
{
    auto write = [](const QString &path, const QByteArray &bytes) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    };
    ExportOptions o;
    o.target = m_dir->filePath(u"s.csv"_s);
    o.format = Format::Csv;
    o.split = 0.5;
    const QString train = m_dir->filePath(u"s.train.csv"_s);
    const QString val = m_dir->filePath(u"s.val.csv"_s);
    const QString manifest = m_dir->filePath(u"s.csv.manifest.json"_s);

    // A user's file at a split part, or at the manifest's path, is refused.
    QVERIFY(write(val, "a,b\r\n"));
    ExportResult r = Exporter(*m_ds, o).run();
    QCOMPARE(r.refusedFiles, QStringList{val});
    QVERIFY(!QFile::exists(train));
    QVERIFY(QFile::remove(val));
    QVERIFY(write(manifest, "{}"));
    r = Exporter(*m_ds, o).run();
    QCOMPARE(r.refusedFiles, QStringList{manifest});
    QCOMPARE(readFile(manifest), QByteArray("{}"));
    QVERIFY(!QFile::exists(train) && !QFile::exists(val));
    QVERIFY(QFile::remove(manifest));

    // An earlier split export (both parts listed in one manifest) is replaced.
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    r = Exporter(*m_ds, o).run();
    QVERIFY2(r.ok, qPrintable(r.error));
    // A manifest whose files are gone may be replaced; a file that it does not list may not.
    QVERIFY(QFile::remove(train));
    QVERIFY(QFile::remove(val));
    QVERIFY(Exporter(*m_ds, o).run().ok);
    o.split = 0;
    QVERIFY(write(o.target, "pair_id\r\nmine\r\n"));
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, QStringList{o.target});
    QCOMPARE(readFile(o.target), QByteArray("pair_id\r\nmine\r\n"));

    // With a manifest left out, a file at the manifest's path is not touched and not asked about.
    o.writeManifest = false;
    o.target = m_dir->filePath(u"nomanifest.csv"_s);
    QVERIFY(write(o.target + u".manifest.json"_s, "mine"));
    QVERIFY(Exporter(*m_ds, o).run().ok);
    QCOMPARE(readFile(o.target + u".manifest.json"_s), QByteArray("mine"));
}

void TstExport::neverReplacesSpecialFiles()
{
    // A FIFO (or a device) is never opened nor replaced, not even with overwrite; a dangling link
    // counts as a file that is not an export.
    const QString fifo = m_dir->filePath(u"pipe.jsonl"_s);
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    ExportOptions o;
    o.target = fifo;
    o.overwrite = true;
    ExportResult r = Exporter(*m_ds, o).run();
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(u"not a regular file"_s), qPrintable(r.error));
    QVERIFY(QFileInfo(fifo).isSymLink() || !QFileInfo(fifo).isFile());
    QVERIFY(Exporter::filesNeedingConfirmation(o, m_ds->location()).isEmpty());

    const QString link = m_dir->filePath(u"dangling.jsonl"_s);
    QVERIFY(QFile::link(m_dir->filePath(u"nowhere/at/all"_s), link));
    o.target = link;
    o.overwrite = false;
    QCOMPARE(Exporter::filesNeedingConfirmation(o, m_ds->location()), QStringList{link});
    QCOMPARE(Exporter(*m_ds, o).run().refusedFiles, QStringList{link});
}

void TstExport::statisticsAnonymizedLikeThePairs()
{
    const QString dbName = u"customer_zoe@corp.com"_s;
    const QString table = u"t_frank.green@corp.com"_s;
    Pair a =
        pair(u"s1"_s, u"Orders of the customer?"_s, u"SELECT * FROM `"_s + table + u"` JOIN orders ON 1"_s);
    a.databaseName = dbName;
    Pair b = pair(u"s2"_s, u"Other orders?"_s, u"SELECT * FROM orders"_s);
    b.databaseName = u"hr_erin.grey@corp.com"_s;
    PairStore store(*m_ds);
    QCOMPARE(store.add({a, b}).added, 2);

    ExportResult r = exportTo(u"st.json"_s, Format::Json);
    QVERIFY2(r.ok, qPrintable(r.error));
    QByteArray raw = readFile(r.files.at(0).path);
    QJsonObject doc = QJsonDocument::fromJson(raw).object();
    // The statistics' database names and tables are exactly the values the records carry.
    QSet<QString> recordNames, recordTables;
    for (const QJsonValue &v : doc[u"pairs"_s].toArray()) {
        recordNames << v[u"database_name"_s].toString();
        for (const QJsonValue &t : v[u"table_names"_s].toArray())
            recordTables << t.toString();
    }
    const QJsonObject stats = doc[u"statistics"_s].toObject();
    const QStringList statNames = stats[u"database_names"_s].toObject().keys();
    QCOMPARE(QSet<QString>(statNames.cbegin(), statNames.cend()), recordNames);
    QSet<QString> statTables;
    for (const QJsonValue &t : stats[u"top_tables"_s].toArray())
        statTables << t[u"name"_s].toString();
    QCOMPARE(statTables, recordTables);
    QVERIFY(statTables.contains(u"orders"_s)); // an ordinary name stays as it is
    for (const QString &original : {dbName, u"hr_erin.grey@corp.com"_s, table, u"shop"_s}) {
        const QByteArray outside = QByteArray(raw).replace((u'`' + table + u'`').toUtf8(), "`SQL`");
        QVERIFY2(!outside.contains(original.toUtf8()), qPrintable(original));
    }
    // The same replacement as the records, also for the table name in a prompt ({tables}).
    ExportOptions t;
    t.filter.pairIds = {u"s1"_s};
    t.promptTemplate = u"Tables: {tables}"_s;
    r = exportTo(u"st-alpaca.jsonl"_s, Format::Alpaca, t);
    QVERIFY2(r.ok, qPrintable(r.error));
    const QString instruction =
        parseJsonl(readFile(r.files.at(0).path)).value(0)[u"instruction"_s].toString();
    QVERIFY2(!instruction.contains(table) && instruction.contains(u"orders"_s), qPrintable(instruction));

    // Names that become equal (operator redact) are merged, their counts added.
    QVERIFY(m_ds->setSetting(u"privacy.operator.database_name"_s, u"redact"_s));
    r = exportTo(u"st-redact.json"_s, Format::Json);
    QVERIFY2(r.ok, qPrintable(r.error));
    doc = QJsonDocument::fromJson(readFile(r.files.at(0).path)).object();
    const QJsonObject names = doc[u"statistics"_s][u"database_names"_s].toObject();
    QCOMPARE(names.size(), 1);
    QCOMPARE(names.begin().value().toInt(), 7);
    QCOMPARE(names.begin().key(), doc[u"pairs"_s].toArray().at(0)[u"database_name"_s].toString());

    // Without anonymization the statistics hold the original values.
    ExportOptions plain;
    plain.anonymize = false;
    r = exportTo(u"st-raw.json"_s, Format::Json, plain);
    QVERIFY2(r.ok, qPrintable(r.error));
    doc = QJsonDocument::fromJson(readFile(r.files.at(0).path)).object();
    QVERIFY(doc[u"statistics"_s][u"database_names"_s].toObject().contains(dbName));
    bool found = false;
    for (const QJsonValue &t : doc[u"statistics"_s][u"top_tables"_s].toArray())
        found = found || t[u"name"_s].toString() == table;
    QVERIFY(found);
}

void TstExport::recordedFilterIsAnonymized()
{
    Pair p = pair(u"rf1"_s, u"Orders for "_s + kEmail, u"SELECT * FROM orders"_s);
    p.databaseName = u"customer_zoe@corp.com"_s;
    QCOMPARE(PairStore(*m_ds).add({p}).added, 1);
    ExportOptions o;
    o.filter.databaseNames = {u"customer_zoe@corp.com"_s};
    o.filter.search = kEmail.toUpper();
    o.filter.pairIds = {u"rf1"_s, u"ann.lee@corp.com"_s};
    ExportResult r = exportTo(u"rf.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 1);
    const QString exportedName =
        parseJsonl(readFile(r.files.at(0).path)).value(0)[u"database_name"_s].toString();
    const QByteArray manifestText = readFile(r.manifestPath);
    const QJsonObject manifest = QJsonDocument::fromJson(manifestText).object();
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC"_s) && q.next());
    const QByteArray auditText = q.value(0).toString().toUtf8();
    const QJsonObject audit = QJsonDocument::fromJson(auditText).object();
    for (const QJsonObject &filter : {manifest[u"filter"_s].toObject(), audit[u"filter"_s].toObject()}) {
        // The structure is kept: the same keys, the same number of values.
        // (review_statuses: rejected pairs are left out.)
        QCOMPARE(filter.keys(),
                 (QStringList{u"database_names"_s, u"pair_ids"_s, u"review_statuses"_s, u"search"_s}));
        QCOMPARE(filter[u"database_names"_s].toArray(), QJsonArray{exportedName});
        QVERIFY(filter[u"search"_s].toString().endsWith(u"@example.com"_s));
        QCOMPARE(filter[u"pair_ids"_s].toArray().size(), 2);
        QCOMPARE(filter[u"pair_ids"_s].toArray().at(0).toString(), u"rf1"_s);
    }
    for (const QByteArray &text : {manifestText, auditText}) {
        for (const QString &original : {kEmail, kEmail.toUpper(), u"customer_zoe"_s, u"ann.lee@corp.com"_s})
            QVERIFY2(!text.contains(original.toUtf8()),
                     qPrintable(original + u" in "_s + QString::fromUtf8(text)));
    }
    QVERIFY(!manifest[u"filter_description"_s].toString().contains(u"corp.com"_s));

    // Without anonymization the filter is recorded as given.
    o.anonymize = false;
    r = exportTo(u"rf-raw.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    const QJsonObject raw =
        QJsonDocument::fromJson(readFile(r.manifestPath)).object()[u"filter"_s].toObject();
    QCOMPARE(raw[u"search"_s].toString(), kEmail.toUpper());
    QCOMPARE(raw[u"database_names"_s].toArray(), QJsonArray{u"customer_zoe@corp.com"_s});
}

void TstExport::identifiersAndDialectAnonymized()
{
    // Personal data in pair_id and database_type, and SQL that is only read right in its dialect:
    // MySQL's double-quoted strings and '#' comments.
    Pair a = pair(u"ann.lee@corp.com"_s, u"Her orders?"_s,
                  u"SELECT * FROM users WHERE email = \"bob.jones@corp.com\" # or dora.kim@corp.com"_s);
    a.databaseType = u"mysql"_s;
    Pair b = pair(u"id-2"_s, u"Other orders?"_s, u"SELECT * FROM orders"_s);
    b.databaseType = u"postgresql carl.nash@corp.com"_s;
    PairStore store(*m_ds);
    QCOMPARE(store.add({a, b}).added, 2);
    QCOMPARE(store.add(DemoGenerator(11).generate(200)).added, 200);

    ExportOptions o;
    o.split = 0.5;
    ExportResult r = exportTo(u"ids.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QByteArray all;
    QHash<QString, QString> sideOf; // exported id -> file
    for (const ExportedFile &f : r.files) {
        const QByteArray bytes = readFile(f.path);
        all += bytes;
        for (const QJsonObject &line : parseJsonl(bytes))
            sideOf.insert(line[u"pair_id"_s].toString(), f.path);
    }
    for (const char *original : {"ann.lee", "bob.jones", "dora.kim", "carl.nash"})
        QVERIFY2(!all.contains(original), original);
    QCOMPARE(sideOf.size(), 207);        // ids stay unique
    QVERIFY(sideOf.contains(u"id-2"_s)); // ordinary ids stay
    QString anonId;
    for (auto it = sideOf.cbegin(); it != sideOf.cend(); ++it) {
        if (it.key().startsWith(u"pair_"_s))
            anonId = it.key();
    }
    QVERIFY2(!anonId.isEmpty(), "the id holding an e-mail address is replaced by pair_<hash>");
    QVERIFY(all.contains("\"database_type\":\"mysql\""));
    QVERIFY(all.contains("\"database_type\":\"postgresql "));
    // The replacement keeps MySQL's tokens: still a double-quoted string and a '#' comment.
    QVERIFY2(all.contains("WHERE email = \\\"") && all.contains(" # or "), all.left(400).constData());

    // The side of a pair is chosen by its original id: the same with and without anonymization.
    o.anonymize = false;
    const ExportResult plain = exportTo(u"ids-raw.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(plain.ok, qPrintable(plain.error));
    QSet<QString> plainTrain;
    for (const QJsonObject &line : parseJsonl(readFile(plain.files.at(0).path)))
        plainTrain << line[u"pair_id"_s].toString();
    QCOMPARE(plainTrain.contains(u"ann.lee@corp.com"_s), sideOf.value(anonId) == r.files.at(0).path);
    for (auto it = sideOf.cbegin(); it != sideOf.cend(); ++it) {
        if (it.key() != anonId)
            QCOMPARE(plainTrain.contains(it.key()), it.value() == r.files.at(0).path);
    }
}

QTEST_GUILESS_MAIN(TstExport)
#include "tst_export.moc"
