// The export engine's formats: every format read back by an independent parser, field selection,
// split, dedupe, gzip, selection by pair id, the preview, CSV formula guards.
#include "exportfixture.h"

#include "export/formatwriter.h"
#include "export/recordsource.h"
#include "privacy/anonymizer.h"

#include <QJsonArray>
#include <QSet>

#include <zlib.h>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::exporting;
using namespace pairlens::test;

namespace {

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

} // namespace

class TstExport : public QObject, private ExportFixture
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
    void selectionByPairIds();
    void previewMatchesExport();
    void csvFormulaVariants_data();
    void csvFormulaVariants();
    void csvFormulaVariantsExported();
    void csvNumbersAndNumericColumn();
};

void TstExport::init()
{
    if (QByteArrayView(QTest::currentTestFunction()) == "csvFormulaVariants")
        return; // a pure function: no dataset for each of its rows
    setUp();
}

void TstExport::cleanup()
{
    tearDown();
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

void TstExport::selectionByPairIds()
{
    ExportOptions o;
    o.filter.pairIds = {u"p2"_s, u"p4"_s, u"nope"_s};
    o.fields = {Field::PairId};
    const ExportResult r = exportTo(u"sel.jsonl"_s, Format::Jsonl, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(readFile(r.files.at(0).path), QByteArray("{\"pair_id\":\"p2\"}\n{\"pair_id\":\"p4\"}\n"));
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

QTEST_GUILESS_MAIN(TstExport)
#include "tst_export.moc"
