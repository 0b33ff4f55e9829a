// The `pairlens export` command line built from ExportOptions (core/export/exportcommand.h): run
// through the real CLI, it must record in the manifest the very options and filter it was built
// from; its shell text must give the same arguments back through /bin/sh.
#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "export/exportcommand.h"
#include "privacy/piikind.h"
#include "testutil.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::exporting;

Q_DECLARE_METATYPE(pairlens::exporting::ExportOptions)

class TstExportCommand : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cliReadsTheSameOptions_data();
    void cliReadsTheSameOptions();
    void shellTextQuotesEveryArgument();
    void unsupportedFiltersAreNamed();

private:
    QTemporaryDir m_dir;
    QString m_dataset;
    QStringList m_pairIds;
};

void TstExportCommand::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_dataset = m_dir.filePath(u"pairs with space.pairlens"_s);
    QVERIFY(test::makeDemoDataset(m_dataset, 200));
    QString error;
    auto ds = Dataset::open(m_dataset, Dataset::Mode::ReadOnly, &error);
    QVERIFY2(ds, qPrintable(error));
    PairStore(*ds).forEach(Filter{}, PairStore::Sort{}, [this](const Pair &p) {
        m_pairIds << p.pairId;
        return m_pairIds.size() < 3;
    });
    QCOMPARE(m_pairIds.size(), 3);
}

void TstExportCommand::cliReadsTheSameOptions_data()
{
    QTest::addColumn<ExportOptions>("options");
    {
        ExportOptions o;
        QTest::newRow("defaults") << o;
    }
    {
        ExportOptions o;
        o.format = Format::Csv;
        o.fields = {Field::PairId, Field::Question, Field::Sql};
        o.anonymize = false;
        o.csvRaw = true;
        o.filter.from = QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC);
        o.filter.to = QDateTime(QDate(2030, 6, 30), QTime(12, 30, 15, 250), Qt::UTC);
        o.filter.success = Filter::Success::FailedOnly;
        o.filter.queryTypes = {u"SELECT"_s, u"UPDATE"_s};
        o.filter.databaseTypes = {u"postgresql"_s};
        o.filter.databaseNames = {u"shop"_s, u"crm"_s};
        o.filter.search = u"customers who 'ordered' \"twice\""_s;
        o.filter.reviewStatuses = {int(ReviewStatus::Rejected), int(ReviewStatus::Approved)};
        o.review = ReviewScope::IncludeRejected;
        QTest::newRow("csv, fields, filter, not anonymized") << o;
    }
    {
        ExportOptions o;
        o.format = Format::OpenAiChat;
        o.split = 0.8;
        o.dedupe = false;
        o.includeFailed = true;
        o.gzip = true;
        o.systemPrompt = u"It's SQL; answer with $HOME and `code` only."_s;
        o.promptTemplate = u"Question: {question}\nDatabase: {database_type}"_s;
        o.filter.piiRequired = true;
        o.filter.piiKinds = piiKindFromName(u"email") | piiKindFromName(u"phone");
        o.review = ReviewScope::ApprovedOnly;
        QTest::newRow("chat, split, gzip, templates, pii") << o;
    }
    {
        ExportOptions o;
        o.format = Format::AnthropicChat;
        o.systemPrompt = QString(); // no system message at all
        o.filter.piiRequired = true;
        o.filter.duplicates = Filter::Duplicates::Normalized;
        QTest::newRow("anthropic, no system prompt, any pii") << o;
    }
    {
        ExportOptions o;
        o.format = Format::Json;
        o.anonymize = false;
        o.dedupe = true;
        o.filter.duplicates = Filter::Duplicates::Exact;
        QTest::newRow("json, dedupe, exact duplicates") << o;
    }
    {
        ExportOptions o;
        o.format = Format::Alpaca;
        o.anonymize = false;
        o.filter.pairIds = {u"PAIR_IDS"_s}; // replaced by real ids below
        QTest::newRow("alpaca, pair ids") << o;
    }
}

void TstExportCommand::cliReadsTheSameOptions()
{
    QFETCH(ExportOptions, options);
    if (options.filter.pairIds == QStringList{u"PAIR_IDS"_s})
        options.filter.pairIds = m_pairIds;
    QTemporaryDir out;
    QVERIFY(out.isValid());
    options.target =
        out.filePath(u"export 'one'."_s + formatExtension(options.format)); // a quote in the name
    const ExportCommand command = exportCommand(options, m_dataset);
    QVERIFY2(command.unsupported.isEmpty(), qPrintable(command.unsupported.join(u' ')));
    QCOMPARE(command.arguments.value(0), u"pairlens"_s);
    QCOMPARE(command.arguments.value(1), u"export"_s);

    const test::CliRun run =
        test::runHeadless(QStringLiteral(PAIRLENS_EXE), command.arguments.mid(1), out.path());
    QVERIFY2(run.code == 0, qPrintable(command.shellText() + u'\n' + run.err));

    QFile manifestFile(options.manifestPath());
    QVERIFY2(manifestFile.open(QIODevice::ReadOnly), qPrintable(options.manifestPath()));
    const QJsonObject manifest = QJsonDocument::fromJson(manifestFile.readAll()).object();
    QCOMPARE(manifest.value(u"options"_s).toObject(), options.toJson());
    // The manifest records the filter as applied (the review scope and the failed rule added).
    QJsonObject expectedFilter = options.effectiveFilter().toJson();
    QJsonObject recordedFilter = manifest.value(u"filter"_s).toObject();
    if (options.anonymize) {
        // An anonymized export records these values anonymized; the rest must match exactly.
        for (const QString &key : {u"database_names"_s, u"search"_s, u"pair_ids"_s}) {
            QCOMPARE(recordedFilter.contains(key), expectedFilter.contains(key));
            expectedFilter.remove(key);
            recordedFilter.remove(key);
        }
    }
    QCOMPARE(recordedFilter, expectedFilter);
}

void TstExportCommand::shellTextQuotesEveryArgument()
{
    ExportOptions o;
    o.format = Format::PromptCompletion;
    o.target = u"/tmp/it's here/out file.jsonl"_s;
    o.promptTemplate = u"Q: {question}\n\t\"$(rm -rf /)\" `x` \\ ; & | * ? ! # ~"_s;
    o.filter.search = u"Müller's 'order'"_s;
    const ExportCommand command = exportCommand(o, u"data set.pairlens"_s);
    QProcess sh;
    sh.start(u"/bin/sh"_s, {u"-c"_s, u"printf '%s\\0' "_s + command.shellText()});
    QVERIFY(sh.waitForFinished(30000));
    QCOMPARE(sh.exitCode(), 0);
    QByteArray output = sh.readAllStandardOutput();
    QVERIFY(output.endsWith('\0'));
    output.chop(1);
    QStringList back;
    for (const QByteArray &part : output.split('\0'))
        back << QString::fromUtf8(part);
    QCOMPARE(back, command.arguments);
    // Plain words stay unquoted, so the command reads well.
    QVERIFY(command.shellText().startsWith(u"pairlens export 'data set.pairlens' -o "_s));
    QVERIFY(command.shellText().contains(u" --format prompt-completion"_s));
}

void TstExportCommand::unsupportedFiltersAreNamed()
{
    ExportOptions o;
    o.target = u"out.jsonl"_s;
    o.filter.rowIds = {1, 2};
    o.filter.restrictToRowIds = true;
    QCOMPARE(exportCommand(o, u"d.pairlens"_s).unsupported.size(), 1);
    o.filter = {};
    o.filter.databaseNames = {u"a,b"_s};
    QCOMPARE(exportCommand(o, u"d.pairlens"_s).unsupported.size(), 1);
    o.filter = {};
    QVERIFY(exportCommand(o, u"d.pairlens"_s).unsupported.isEmpty());
}

QTEST_GUILESS_MAIN(TstExportCommand)
#include "tst_exportcommand.moc"
