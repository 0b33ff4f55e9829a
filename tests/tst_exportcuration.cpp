// Exports follow the review and never leak across a split (issue 14): the review scope, the counts
// of what each rule leaves out, duplicate removal in the fine-tuning formats, the group-aware split
// on real data with duplicates, the duplicates filter and counts, and prompts without {tables}.
#include "testutil.h"

#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/duplicatekeys.h"
#include "dataset/importer.h"
#include "dataset/pairstore.h"
#include "dataset/reviewnotes.h"
#include "export/exporter.h"
#include "exportfixture.h"
#include "sql/tokenizer.h"
#include "stats/duplicates.h"
#include "stats/statistics.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::exporting;

namespace {

QList<QJsonObject> readJsonl(const QString &path)
{
    QFile f(path);
    QList<QJsonObject> out;
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.isEmpty())
            out << QJsonDocument::fromJson(line).object();
    }
    return out;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object() : QJsonObject();
}

QString keyText(const dupkeys::Key &k)
{
    return QString::number(k[0], 16) + u'.' + QString::number(k[1], 16);
}

// The normalized question and SQL keys of the records of an exported JSONL file.
struct SideKeys
{
    QSet<QString> questions, sqls, ids;
};
SideKeys sideKeys(const QString &path)
{
    SideKeys k;
    for (const QJsonObject &o : readJsonl(path)) {
        const dupkeys::Key q = dupkeys::questionKey(o[u"natural_language_query"_s].toString());
        const dupkeys::Key s =
            dupkeys::sqlKey(o[u"sql_query"_s].toString(), o[u"database_type"_s].toString());
        if (!dupkeys::isNull(q))
            k.questions << keyText(q);
        if (!dupkeys::isNull(s))
            k.sqls << keyText(s);
        k.ids << o[u"pair_id"_s].toString();
    }
    return k;
}

} // namespace

class TstExportCuration : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void normalization_data();
    void normalization();
    void normalizedQuestionUnitByUnit();
    void normalizedSqlTokenByToken();
    void reviewScope();
    void reviewScopeRefusesContradictions();
    void trainingFormatsDedupeByDefault();
    void defaultTemplatesHaveNoTables();
    void groupSplitNeverLeaks_data();
    void groupSplitNeverLeaks();
    void groupsJoinThroughEitherKey();
    void duplicatesFilterAndCounts();
    void reviewerNotesInChunks();

private:
    Pair pair(const QString &id, const QString &q, const QString &sql, bool success = true) const;
    ExportResult exportTo(const QString &name, ExportOptions o);
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Dataset> m_ds;
};

Pair TstExportCuration::pair(const QString &id, const QString &q, const QString &sql, bool success) const
{
    return test::plainPair(id, q, sql, success);
}

ExportResult TstExportCuration::exportTo(const QString &name, ExportOptions o)
{
    o.target = m_dir->filePath(name);
    return Exporter(*m_ds, o).run();
}

void TstExportCuration::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QString error;
    m_ds = Dataset::open(m_dir->filePath(u"ds.pairlens"_s), Dataset::Mode::OpenOrCreate, &error);
    QVERIFY2(m_ds, qPrintable(error));
}

void TstExportCuration::cleanup()
{
    m_ds.reset();
    m_dir.reset();
}

void TstExportCuration::normalization_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("sameQuestion");
    QTest::addColumn<bool>("sameSql");
    QTest::newRow("case, spacing, punctuation")
        << u"How many heads are older than 56 ?"_s << u"how many  HEADS are older than 56"_s << true << true;
    QTest::newRow("numbers in the question")
        << u"Orders over 100 dollars"_s << u"orders over 250 dollars"_s << true << true;
    QTest::newRow("other words") << u"How many farms?"_s << u"How many farmers?"_s << false << true;
    // The same texts used as SQL: literal values, case, spacing, comments and a final semicolon.
    QTest::newRow("sql literals") << u"SELECT * FROM t WHERE a = 'x' AND b > 5;"_s
                                  << u"select *\n from T where A = 'other' and B>6 -- note"_s << false
                                  << true;
    QTest::newRow("sql other table") << u"SELECT * FROM t WHERE a = 1"_s << u"SELECT * FROM u WHERE a = 1"_s
                                     << false << false;
}

void TstExportCuration::normalization()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, sameQuestion);
    QFETCH(bool, sameSql);
    if (a.startsWith(u"SELECT"_s, Qt::CaseInsensitive)) {
        QCOMPARE(dupkeys::sqlKey(a, u"postgresql"_s) == dupkeys::sqlKey(b, u"postgresql"_s), sameSql);
        return;
    }
    QCOMPARE(dupkeys::questionKey(a) == dupkeys::questionKey(b), sameQuestion);
    QVERIFY(dupkeys::questionKey(a) != dupkeys::sqlKey(a, {})); // the kinds never share a key
    QVERIFY(dupkeys::isNull(dupkeys::questionKey(u" ?! "_s)));
}

// normalizedQuestion() writes in place and reads ASCII without the Unicode tables: the same text
// as folding unit by unit through QChar, for texts of every kind of unit.
void TstExportCuration::normalizedQuestionUnitByUnit()
{
    const auto reference = [](QStringView question) {
        QString out;
        bool gap = false, digits = false;
        for (const QChar c : question) {
            if (!(c.isLetterOrNumber() || c.isSurrogate() || c.isMark())) {
                gap = !out.isEmpty();
                digits = false;
                continue;
            }
            if (gap)
                out += u' ';
            gap = false;
            if (c.isDigit()) {
                if (!digits)
                    out += u'0';
                digits = true;
                continue;
            }
            digits = false;
            out += c.unicode() < 0x80 ? QChar(c.toLower()) : c.toCaseFolded();
        }
        return out;
    };
    const QList<QString> units = {u"a"_s,
                                  u"Z"_s,
                                  u"7"_s,
                                  u" "_s,
                                  u"?"_s,
                                  u"_"_s,
                                  u"-"_s,
                                  u"\u00c9"_s,
                                  u"\u00aa"_s,
                                  u"\u00b5"_s,
                                  u"\u0301"_s,
                                  u"\u0663"_s,
                                  u"\uff11"_s,
                                  u"\u00df"_s,
                                  u"\u0130"_s,
                                  u"\u03a3"_s,
                                  u"\u4e2d"_s,
                                  u"\U0001D400"_s,
                                  QString(QChar(0xDC00)),
                                  u"\u2003"_s};
    QRandomGenerator rng(2026120606);
    for (int i = 0; i < 20000; ++i) {
        QString text;
        for (int k = rng.bounded(12); k > 0; --k)
            text += units.at(rng.bounded(int(units.size())));
        QCOMPARE(dupkeys::normalizedQuestion(text), reference(text));
    }
}

// normalizedSql() writes in place: the same text as appending token by token, for statements of
// every kind of token in every dialect.
void TstExportCuration::normalizedSqlTokenByToken()
{
    const auto fold = [](QStringView text) {
        QString out;
        for (const QChar c : text)
            out += c.unicode() < 0x80 ? QChar(c.toLower()) : c.toCaseFolded();
        return out;
    };
    const auto reference = [&](QStringView sql, QStringView databaseType) {
        const sql::Dialect dialect = sql::dialectFromDatabaseType(databaseType);
        QString out;
        qsizetype meaningfulEnd = 0;
        for (qsizetype i = 0; i < sql.size();) {
            const sql::Token t = sql::nextToken(sql, i, dialect);
            i = t.start + t.length;
            if (t.length <= 0)
                break;
            const QStringView text = t.text(sql);
            if (t.kind == sql::TokenKind::Whitespace || t.kind == sql::TokenKind::LineComment ||
                t.kind == sql::TokenKind::BlockComment)
                continue;
            if (!out.isEmpty())
                out += u' ';
            if (t.kind == sql::TokenKind::String || t.kind == sql::TokenKind::DollarString ||
                t.kind == sql::TokenKind::Number || t.kind == sql::TokenKind::Parameter)
                out += u'?';
            else if (t.kind == sql::TokenKind::QuotedIdentifier)
                out += fold(sql::unquote(sql, t, dialect));
            else if (t.kind == sql::TokenKind::Word)
                out += fold(text);
            else
                out += text;
            if (!(t.kind == sql::TokenKind::Punctuation && text == u";"))
                meaningfulEnd = out.size();
        }
        out.truncate(meaningfulEnd);
        return out;
    };
    const QList<QString> pieces = {u"SELECT"_s,     u"from"_s,       u" "_s,
                                   u"\n"_s,         u"T1.Name"_s,    u"\"We\"\"ird\""_s,
                                   u"`Tick`"_s,     u"[Br]"_s,       u"'x''y'"_s,
                                   u"$$dollar$$"_s, u"42"_s,         u"3.5e2"_s,
                                   u"?"_s,          u"$1"_s,         u":name"_s,
                                   u"@v"_s,         u"-- note\n"_s,  u"/* c */"_s,
                                   u";"_s,          u","_s,          u"("_s,
                                   u")"_s,          u"="_s,          u"<>"_s,
                                   u"::"_s,         u"Caf\u00c9"_s,  u"\u03a3\u00df"_s,
                                   u"\U0001D400"_s, u"\"\u00c4\""_s, QString(40, u'x')};
    const QStringList types = {u"postgresql"_s, u"mysql"_s,     u"sqlite"_s,
                               u"sqlserver"_s,  u"snowflake"_s, QString()};
    QRandomGenerator rng(2026120607);
    for (int i = 0; i < 20000; ++i) {
        QString sql;
        for (int k = rng.bounded(14); k > 0; --k)
            sql += pieces.at(rng.bounded(int(pieces.size())));
        const QString type = types.at(rng.bounded(int(types.size())));
        QCOMPARE(dupkeys::normalizedSql(sql, type), reference(sql, type));
    }
}

void TstExportCuration::reviewScope()
{
    PairStore store(*m_ds);
    QList<Pair> pairs;
    for (int i = 0; i < 8; ++i)
        pairs << pair(u"r%1"_s.arg(i), u"question number %1 about t%1"_s.arg(i),
                      u"SELECT c%1 FROM t%1"_s.arg(i), i != 7);
    QCOMPARE(store.add(pairs).added, 8);
    Filter rejected;
    rejected.pairIds = {u"r0"_s, u"r1"_s};
    QVERIFY(store.setReviewStatus(rejected, ReviewStatus::Rejected));
    Filter approved;
    approved.pairIds = {u"r2"_s, u"r3"_s, u"r7"_s};
    QVERIFY(store.setReviewStatus(approved, ReviewStatus::Approved));

    auto idsOf = [](const ExportResult &r) {
        QSet<QString> ids;
        for (const QJsonObject &o : readJsonl(r.files.at(0).path))
            ids << o[u"pair_id"_s].toString();
        return ids;
    };
    ExportOptions o;
    o.anonymize = false;
    // The default leaves the rejected pairs out and says so.
    ExportResult r = exportTo(u"default.jsonl"_s, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.matched, 8);
    QCOMPARE(r.scope.rejected, 2);
    QCOMPARE(r.scope.unreviewed, 0);
    QCOMPARE(r.count, 6);
    QVERIFY(!idsOf(r).contains(u"r0"_s) && !idsOf(r).contains(u"r1"_s));
    const QJsonObject manifest = readJson(r.manifestPath);
    QCOMPARE(manifest[u"review"_s].toString(), u"not-rejected"_s);
    QCOMPARE(manifest[u"matched_pairs"_s].toInt(), 8);
    QCOMPARE(manifest[u"left_out"_s].toObject()[u"rejected"_s].toInt(), 2);
    QCOMPARE(manifest[u"options"_s].toObject()[u"review"_s].toString(), u"not-rejected"_s);
    // The audit log records the same.
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"SELECT detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1"_s) &&
            q.next());
    const QJsonObject detail = QJsonDocument::fromJson(q.value(0).toByteArray()).object();
    QCOMPARE(detail[u"left_out"_s].toObject()[u"rejected"_s].toInt(), 2);
    QCOMPARE(detail[u"matched"_s].toInt(), 8);

    o.review = ReviewScope::IncludeRejected;
    r = exportTo(u"all.jsonl"_s, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 8);
    QCOMPARE(r.scope.rejected, 0);

    o.review = ReviewScope::ApprovedOnly;
    r = exportTo(u"approved.jsonl"_s, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(idsOf(r), (QSet<QString>{u"r2"_s, u"r3"_s, u"r7"_s}));
    QCOMPARE(r.scope.rejected, 2);
    QCOMPARE(r.scope.unreviewed, 3);

    // A fine-tuning format also leaves the failed pair out: every rule is counted apart.
    o.format = Format::OpenAiChat;
    r = exportTo(u"approved-chat.jsonl"_s, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 2);
    QCOMPARE(r.scope.failed, 1);
    QCOMPARE(r.scope.matched - r.scope.rejected - r.scope.unreviewed - r.scope.failed, r.scope.selected);
    const std::optional<ScopeCounts> counted = Exporter::countScope(*m_ds, o, nullptr);
    QVERIFY(counted);
    QCOMPARE(counted->selected, 2);
    QCOMPARE(counted->failed, 1);
}

void TstExportCuration::reviewScopeRefusesContradictions()
{
    ExportOptions o;
    o.target = m_dir->filePath(u"x.jsonl"_s);
    o.filter.reviewStatuses = {int(ReviewStatus::Rejected)};
    QVERIFY(o.validate().contains(u"--include-rejected"_s));
    o.review = ReviewScope::IncludeRejected;
    QVERIFY(o.validate().isEmpty());
    o.review = ReviewScope::ApprovedOnly;
    o.filter.reviewStatuses = {int(ReviewStatus::Unreviewed)};
    QVERIFY(o.validate().contains(u"--approved-only"_s));
    // Unreviewed or rejected with the default scope: the unreviewed ones.
    o.review = ReviewScope::NotRejected;
    o.filter.reviewStatuses = {int(ReviewStatus::Unreviewed), int(ReviewStatus::Rejected)};
    QVERIFY(o.validate().isEmpty());
    QCOMPARE(o.effectiveFilter().reviewStatuses, QList<int>{int(ReviewStatus::Unreviewed)});
}

void TstExportCuration::trainingFormatsDedupeByDefault()
{
    PairStore store(*m_ds);
    QCOMPARE(store
                 .add({pair(u"a"_s, u"How many users?"_s, u"SELECT count(*) FROM users"_s),
                       pair(u"b"_s, u"how many  users?"_s, u"select count(*) from users"_s),
                       pair(u"c"_s, u"How many users?"_s, u"SELECT count(*) FROM users"_s),
                       pair(u"d"_s, u"How many orders?"_s, u"SELECT count(*) FROM orders"_s)})
                 .added,
             4);
    ExportOptions o;
    o.format = Format::OpenAiChat;
    ExportResult r = exportTo(u"chat.jsonl"_s, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 2);
    QCOMPARE(r.duplicates, 2);
    QCOMPARE(readJsonl(r.files.at(0).path).size(), 2);
    QVERIFY(readJson(r.manifestPath)[u"options"_s].toObject()[u"dedupe"_s].toBool());

    o.dedupe = false; // --keep-duplicates
    r = exportTo(u"chat-all.jsonl"_s, o);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 4);
    QCOMPARE(r.duplicates, 0);

    // The record formats keep every pair unless asked.
    ExportOptions records;
    r = exportTo(u"records.jsonl"_s, records);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.count, 4);
}

void TstExportCuration::defaultTemplatesHaveNoTables()
{
    for (Format f : allFormats()) {
        QVERIFY2(!defaultTemplate(f).contains(u"{tables}"_s), qPrintable(formatName(f)));
        if (isTrainingFormat(f))
            QVERIFY(defaultTemplate(f).contains(u"{question}"_s) || f == Format::Alpaca);
    }
    // An exported prompt names no table of the answer unless the question does.
    PairStore store(*m_ds);
    QCOMPARE(store.add({pair(u"t"_s, u"How many rows?"_s, u"SELECT count(*) FROM secret_ledger"_s)}).added,
             1);
    for (Format f : {Format::PromptCompletion, Format::OpenAiChat, Format::AnthropicChat, Format::Alpaca}) {
        ExportOptions o;
        o.format = f;
        const ExportResult r = exportTo(u"t-"_s + formatName(f) + u".jsonl"_s, o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const QJsonObject rec = readJsonl(r.files.at(0).path).value(0);
        QString prompt;
        if (f == Format::PromptCompletion)
            prompt = rec[u"prompt"_s].toString();
        else if (f == Format::Alpaca)
            prompt = rec[u"instruction"_s].toString() + rec[u"input"_s].toString();
        else
            prompt = rec[u"messages"_s]
                         .toArray()
                         .at(f == Format::OpenAiChat ? 1 : 0)
                         .toObject()[u"content"_s]
                         .toString();
        QVERIFY2(prompt.contains(u"How many rows?"_s), qPrintable(prompt));
        QVERIFY2(!prompt.contains(u"secret_ledger"_s), qPrintable(prompt));
    }
}

void TstExportCuration::groupSplitNeverLeaks_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("format");
    QTest::newRow("spider") << u"spider.jsonl"_s << u"jsonl"_s;
    QTest::newRow("bird") << u"bird_dev.jsonl"_s << u"jsonl"_s;
    QTest::newRow("demo") << u"demo"_s << u"jsonl"_s;
}

void TstExportCuration::groupSplitNeverLeaks()
{
    QFETCH(QString, source);
    PairStore store(*m_ds);
    if (source == u"demo"_s) {
        // Many exact duplicates and templates that differ only in their values.
        QCOMPARE(store.add(DemoGenerator(11).generate(3000)).added, 3000);
    } else {
        PAIRLENS_REQUIRE_TEST_DATA(file, source)
        Importer importer(store);
        const ImportReport report = importer.importFile(file);
        QVERIFY2(report.fatalError.isEmpty(), qPrintable(report.fatalError));
    }
    Statistics stats;
    QString error;
    QVERIFY2(computeStatistics(*m_ds, Filter(), &stats, &error), qPrintable(error));
    QVERIFY2(addDuplicates(*m_ds, Filter(), &stats, &error), qPrintable(error));
    if (source == u"demo"_s)
        QVERIFY(stats.exactDuplicates > 0 && stats.normalizedDuplicates > stats.exactDuplicates);

    ExportOptions o;
    o.split = 0.9; // anonymized, as by default
    const ExportResult a = exportTo(u"a.jsonl"_s, o);
    QVERIFY2(a.ok, qPrintable(a.error));
    QCOMPARE(a.files.size(), 2);
    QVERIFY(a.files.at(0).pairs > 0 && a.files.at(1).pairs > 0);
    QCOMPARE(a.files.at(0).pairs + a.files.at(1).pairs, stats.totalPairs);
    const SideKeys train = sideKeys(a.files.at(0).path), val = sideKeys(a.files.at(1).path);
    // No validation question or SQL appears in training, after normalization, in what was written.
    QVERIFY(!train.questions.intersects(val.questions));
    QVERIFY(!train.sqls.intersects(val.sqls));
    // Pairs share questions or SQL (else every pair would be a group of its own): the test means
    // something on this data.
    QVERIFY2(a.splitGroups > 0 && a.splitGroups < stats.totalPairs,
             qPrintable(u"%1 groups of %2 pairs"_s.arg(a.splitGroups).arg(stats.totalPairs)));
    qInfo("%s: %lld groups of %lld pairs; %lld train, %lld validation", qPrintable(source), a.splitGroups,
          stats.totalPairs, a.files.at(0).pairs, a.files.at(1).pairs);

    // The same sides in another run, byte for byte.
    const ExportResult b = exportTo(u"b.jsonl"_s, o);
    QVERIFY2(b.ok, qPrintable(b.error));
    QCOMPARE(b.sha256s(), a.sha256s());

    // And in an export of a subset: every pair on the side the full export put it.
    if (source == u"demo"_s)
        o.filter.success = Filter::Success::SuccessfulOnly;
    else
        o.filter.search = u"the"_s;
    const ExportResult c = exportTo(u"c.jsonl"_s, o);
    QVERIFY2(c.ok, qPrintable(c.error));
    QVERIFY(c.count > 0);
    QVERIFY(train.ids.contains(sideKeys(c.files.at(0).path).ids));
    QVERIFY(val.ids.contains(sideKeys(c.files.at(1).path).ids));
}

void TstExportCuration::groupsJoinThroughEitherKey()
{
    // a and b share a question, b and c share an SQL: all three are one group, on one side,
    // whatever fraction decides the sides.
    PairStore store(*m_ds);
    QList<Pair> pairs{pair(u"a"_s, u"List the users"_s, u"SELECT * FROM users"_s),
                      pair(u"b"_s, u"list the USERS"_s, u"SELECT name FROM users"_s),
                      pair(u"c"_s, u"Names of all users"_s, u"select name from users"_s)};
    for (int i = 0; i < 40; ++i)
        pairs << pair(u"x%1"_s.arg(i),
                      u"Unrelated question %1 about x"_s.arg(QChar(u'a' + i % 26)) + QString(i, u'z'),
                      u"SELECT v FROM t%1"_s.arg(QString(i + 1, u'q')));
    QCOMPARE(store.add(pairs).added, pairs.size());
    for (double fraction : {0.2, 0.5, 0.8}) {
        ExportOptions o;
        o.split = fraction;
        o.anonymize = false;
        const ExportResult r = exportTo(u"g%1.jsonl"_s.arg(fraction), o);
        QVERIFY2(r.ok, qPrintable(r.error));
        const SideKeys train = sideKeys(r.files.at(0).path);
        const int inTrain = int(train.ids.contains(u"a"_s)) + int(train.ids.contains(u"b"_s)) +
                            int(train.ids.contains(u"c"_s));
        QVERIFY2(inTrain == 0 || inTrain == 3, qPrintable(QString::number(inTrain)));
        QCOMPARE(r.splitGroups, 41);
    }
}

void TstExportCuration::duplicatesFilterAndCounts()
{
    PairStore store(*m_ds);
    QCOMPARE(store
                 .add({pair(u"a"_s, u"How many users?"_s, u"SELECT count(*) FROM users"_s),
                       pair(u"b"_s, u"How many users?"_s, u"SELECT count(*) FROM users"_s),
                       pair(u"c"_s, u"how many users"_s, u"select COUNT(*) from users;"_s),
                       pair(u"d"_s, u"Orders above 10"_s, u"SELECT * FROM orders WHERE total > 10"_s),
                       pair(u"e"_s, u"Orders above 99"_s, u"SELECT * FROM orders WHERE total > 99"_s),
                       pair(u"f"_s, u"Something else"_s, u"SELECT 1"_s)})
                 .added,
             6);
    Filter exact;
    exact.duplicates = Filter::Duplicates::Exact;
    QCOMPARE(store.count(exact), 2); // a, b
    Filter normalized;
    normalized.duplicates = Filter::Duplicates::Normalized;
    QCOMPARE(store.count(normalized), 5); // a, b, c; d, e
    QCOMPARE(Filter::fromJson(normalized.toJson()).duplicates, Filter::Duplicates::Normalized);
    QVERIFY(!normalized.isEmpty());

    // A deleted pair is no duplicate of a live one.
    Filter b;
    b.pairIds = {u"b"_s};
    QVERIFY(store.softDelete(b));
    QCOMPARE(store.count(exact), 0);

    Statistics s;
    QString error;
    QVERIFY2(computeStatistics(*m_ds, Filter(), &s, &error), qPrintable(error));
    QCOMPARE(s.exactDuplicates, -1); // not counted unless asked
    QVERIFY(!s.toJson().contains(u"duplicates"_s));
    QVERIFY2(addDuplicates(*m_ds, Filter(), &s, &error), qPrintable(error));
    QCOMPARE(s.exactDuplicates, 0);
    QCOMPARE(s.normalizedDuplicates, 2); // c repeats a; e repeats d
    QCOMPARE(s.toJson()[u"duplicates"_s].toObject()[u"normalized"_s].toInt(), 2);
}

void TstExportCuration::reviewerNotesInChunks()
{
    PairStore store(*m_ds);
    QList<Pair> pairs;
    for (int i = 0; i < 500; ++i)
        pairs << pair(u"n%1"_s.arg(i), u"q%1"_s.arg(i), u"SELECT %1"_s.arg(i));
    QCOMPARE(store.add(pairs).added, 500);
    Filter f;
    f.search = u"q1"_s; // q1, q10..q19, q100..q199
    const qint64 expected = store.count(f);
    QVERIFY(expected > 100);
    QString error;
    const std::optional<qint64> n = setReviewerNotes(*m_ds, f, u"checked by script"_s, &error);
    QVERIFY2(n, qPrintable(error));
    QCOMPARE(*n, expected);
    QCOMPARE(store.getByPairId(u"n1"_s)->reviewerNote, u"checked by script"_s);
    QCOMPARE(store.getByPairId(u"n2"_s)->reviewerNote, QString());
    QSqlQuery q(m_ds->db());
    QVERIFY(q.exec(u"SELECT pair_count FROM audit_log WHERE action = 'note'"_s) && q.next());
    QCOMPARE(q.value(0).toLongLong(), expected);
}

QTEST_GUILESS_MAIN(TstExportCuration)
#include "tst_exportcuration.moc"
