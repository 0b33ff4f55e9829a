// The pair pane as a reviewer uses it: the metadata and the database name beside their anonymized
// form, metadata findings listed apart, and the record as exported, which must be the export
// engine's own bytes for the chosen format. Real dataset files, clicks on the offscreen platform.
#include "datasetsession.h"
#include "detailpane.h"
#include "export/exporter.h"
#include "guitestutil.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "privacy/anonymizer.h"

#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstCurationPane : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void metadataAndDatabaseNameBesideExported();
    void recordAsExportedIsTheEnginesBytes();

private:
    void openWindow();
    void clickRow(int row);
    QByteArray engineRecord(qint64 rowId, exporting::Format format);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    QString m_path;
};

void TstCurationPane::initTestCase()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
}

void TstCurationPane::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    test::isolateSettings(*m_dir);
    m_path = m_dir->filePath(u"pairs.pairlens"_s);
}

void TstCurationPane::cleanup()
{
    m_window.reset();
    m_dir.reset();
}

// Two pairs: a failed, rejected one whose metadata holds an e-mail address and an error text, and
// a plain one.
void TstCurationPane::openWindow()
{
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenOrCreate, &error);
        QVERIFY2(ds, qPrintable(error));
        PairStore store(*ds);
        Pair a;
        a.pairId = u"pair-with-metadata"_s;
        a.naturalLanguageQuery = u"Which orders did the customer place?"_s;
        a.sqlQuery = u"SELECT * FROM orders WHERE customer_id = 42"_s;
        a.timestamp = u"2026-03-01T10:00:00Z"_s;
        a.databaseType = u"postgresql"_s;
        a.databaseName = u"acme_customers_prod"_s;
        a.success = false;
        a.executionTimeMs = 12;
        a.metadata = QJsonObject{
            {u"error"_s, u"relation \"orders\" does not exist"_s},
            {u"user"_s, QJsonObject{{u"email"_s, u"alice.smith@example.org"_s}, {u"attempt"_s, 2}}}};
        Pair b = a;
        b.pairId = u"plain-pair"_s;
        b.timestamp = u"2026-02-01T10:00:00Z"_s;
        b.metadata = {};
        b.success = true;
        const PairStore::AddResult r = store.add({b, a});
        QCOMPARE(r.added, qint64(2));
        Filter first;
        first.pairIds = {a.pairId};
        QVERIFY(store.setReviewStatus(first, ReviewStatus::Rejected));
    }
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->openDataset(m_path));
    QTRY_COMPARE(m_window->model()->rowCount(), 2);
    QTRY_VERIFY(m_window->model()->pairAt(0));
    QCOMPARE(m_window->model()->pairAt(0)->pairId, u"pair-with-metadata"_s); // the newest first
}

void TstCurationPane::clickRow(int row)
{
    test::clickTableRow(m_window->tableView(), row);
}

QByteArray TstCurationPane::engineRecord(qint64 rowId, exporting::Format format)
{
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    exporting::ExportOptions o;
    o.format = format;
    o.filter.rowIds = {rowId};
    o.filter.restrictToRowIds = true;
    o.review = exporting::ReviewScope::IncludeRejected;
    o.includeFailed = true;
    const QList<QByteArray> records = exporting::Exporter(*ds, o).preview(1, &error);
    return records.value(0);
}

void TstCurationPane::metadataAndDatabaseNameBesideExported()
{
    openWindow();
    clickRow(0);
    DetailPane *pane = m_window->detailPane();
    QTRY_COMPARE(pane->rowId(), m_window->model()->pairAt(0)->rowId);

    const QString original = pane->originalMetadata()->toPlainText();
    QVERIFY2(original.contains(u"user.email: alice.smith@example.org"_s), qPrintable(original));
    QVERIFY(
        original.contains(u"error: relation \"orders\" does not exist"_s)); // a failure's error is readable
    QVERIFY(original.contains(u"user.attempt: 2"_s));
    const QString anonymized = pane->anonymizedMetadata()->toPlainText();
    QVERIFY2(!anonymized.contains(u"alice.smith"_s), qPrintable(anonymized));
    QVERIFY(anonymized.contains(u"user.email: "_s));
    QVERIFY(anonymized.contains(u"@example.com"_s)); // the default mask of an address
    QCOMPARE(pane->originalMetadata()->extraSelections().size(), 1);
    QCOMPARE(pane->anonymizedMetadata()->extraSelections().size(), 1);

    const privacy::Anonymizer *anonymizer = m_window->session()->anonymizer();
    QCOMPARE(pane->originalDatabaseName()->text(), u"acme_customers_prod"_s);
    QCOMPARE(pane->anonymizedDatabaseName()->text(),
             anonymizer->anonymizeDatabaseName(u"acme_customers_prod"_s));
    QVERIFY(pane->anonymizedDatabaseName()->text() != pane->originalDatabaseName()->text());

    // The address is reported apart from the question's and the SQL's findings.
    const QString legend = pane->legend()->text();
    QVERIFY2(legend.contains(u"In the metadata"_s), qPrintable(legend));
    QVERIFY(legend.contains(u"No personal data found in the question or the SQL."_s));

    clickRow(1);
    QTRY_COMPARE(pane->rowId(), m_window->model()->pairAt(1)->rowId);
    QCOMPARE(pane->originalMetadata()->toPlainText(), QString());
    QVERIFY(!pane->legend()->text().contains(u"In the metadata"_s));
}

void TstCurationPane::recordAsExportedIsTheEnginesBytes()
{
    openWindow();
    clickRow(0);
    DetailPane *pane = m_window->detailPane();
    const qint64 id = m_window->model()->pairAt(0)->rowId;
    QTRY_COMPARE(pane->rowId(), id);
    QTabBar *bar = pane->tabs()->tabBar();
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(1).center());
    QCOMPARE(pane->tabs()->currentIndex(), 1);

    const QByteArray jsonl = engineRecord(id, exporting::Format::Jsonl);
    QVERIFY(!jsonl.isEmpty());
    QVERIFY(!jsonl.contains("alice.smith") && !jsonl.contains("acme_customers_prod"));
    QTRY_COMPARE(pane->recordBytes(), jsonl);
    QCOMPARE(pane->recordView()->toPlainText(), QString::fromUtf8(jsonl));
    auto *note = pane->findChild<QLabel *>(u"recordNote"_s);
    QVERIFY(note->text().contains(u"rejected"_s));

    // Every format the engine writes, each exactly as the engine writes it.
    QComboBox *format = pane->recordFormat();
    QCOMPARE(format->count(), exporting::allFormats().size());
    for (int i = 0; i < format->count(); ++i) {
        format->setCurrentIndex(i);
        const auto f = exporting::Format(format->currentData().toInt());
        const QByteArray bytes = engineRecord(id, f);
        QVERIFY(!bytes.isEmpty());
        QTRY_COMPARE(pane->recordBytes(), bytes);
        QCOMPARE(pane->recordView()->toPlainText(), QString::fromUtf8(bytes).replace(u"\r\n"_s, u"\n"_s));
    }

    // Another pair follows the selection in the chosen format.
    format->setCurrentIndex(format->findText(u"openai-chat"_s));
    clickRow(1);
    const qint64 other = m_window->model()->pairAt(1)->rowId;
    QTRY_COMPARE(pane->rowId(), other);
    QTRY_COMPARE(pane->recordBytes(), engineRecord(other, exporting::Format::OpenAiChat));
    QVERIFY(note->text().isEmpty());
}

QTEST_MAIN(TstCurationPane)
#include "tst_curationpane.moc"
