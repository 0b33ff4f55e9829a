// Opening a file of pairs (JSONL, JSON, CSV) as a dataset (issue 16): the window offers to import it
// into a new dataset beside it instead of failing with "not a PairLens dataset".
#include "datasetsession.h"
#include "infobar.h"
#include "windowtest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstOpenPairFile : public test::WindowTest
{
    Q_OBJECT
private slots:
    void init() { initWindowTest(); }
    void cleanup() { cleanupWindowTest(); }
    void pairFilesAreRecognised();
    void jsonlOpensAsANewDataset();
    void cancellingLeavesEverythingAsItWas();
    void aFailedImportLeavesNoDataset();
    void jsonlDroppedOnAnEmptyWindow();
    void aFileThatIsNoDatasetOffersAnother();

private:
    QString writePairs(const QString &name);
    void showEmptyWindow();
};

QString TstOpenPairFile::writePairs(const QString &name)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    for (int i = 1; i <= 3; ++i)
        f.write(
            QStringLiteral(
                R"({"pair_id":"p%1","natural_language_query":"Show the users of team %1",)"
                R"("sql_query":"SELECT * FROM users WHERE team = %1","timestamp":"2026-01-0%1T10:00:00Z",)"
                R"("database_type":"postgresql","success":true,"execution_time_ms":3})"
                "\n")
                .arg(i)
                .toUtf8());
    return path;
}

void TstOpenPairFile::showEmptyWindow()
{
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TstOpenPairFile::pairFilesAreRecognised()
{
    QVERIFY(MainWindow::isPairFile(u"/data/pairs.jsonl"_s));
    QVERIFY(MainWindow::isPairFile(u"/data/Pairs.JSON"_s));
    QVERIFY(MainWindow::isPairFile(u"export.csv"_s));
    QVERIFY(MainWindow::isPairFile(u"x.ndjson"_s));
    QVERIFY(!MainWindow::isPairFile(u"x.pairlens"_s));
    QVERIFY(!MainWindow::isPairFile(u"x.db"_s));
}

void TstOpenPairFile::jsonlOpensAsANewDataset()
{
    const QString pairs = writePairs(u"pairs.jsonl"_s);
    QVERIFY(!pairs.isEmpty());
    QFile(m_dir->filePath(u"pairs.pairlens"_s)).open(QIODevice::WriteOnly); // the name is taken
    showEmptyWindow();
    QString askedFile, proposed;
    m_window->askImportAsDataset = [&](const QString &file, const QString &target) {
        askedFile = file;
        proposed = target;
        return target;
    };
    QVERIFY(!m_window->openDataset(pairs)); // not opened as a dataset ...
    QCOMPARE(askedFile, pairs);
    // ... but imported into a new one beside it, under a free name.
    QCOMPARE(proposed, m_dir->filePath(u"pairs-2.pairlens"_s));
    QTRY_VERIFY(m_window->session()->isOpen());
    QCOMPARE(m_window->session()->location(), proposed);
    QTRY_COMPARE(m_window->model()->rowCount(), 3);
    QTRY_VERIFY(m_window->model()->pairAt(0));
    QVERIFY(m_window->model()->pairAt(0)->pairId.startsWith(u'p'));
    QVERIFY(!m_window->errorBar()->isVisible());
    QVERIFY(QFileInfo::exists(pairs)); // the file of pairs is left as it was
}

void TstOpenPairFile::cancellingLeavesEverythingAsItWas()
{
    const QString pairs = writePairs(u"more.csv.json"_s);
    openWindow(20);
    int asked = 0;
    m_window->askImportAsDataset = [&](const QString &, const QString &) {
        ++asked;
        return QString();
    };
    QVERIFY(!m_window->openDataset(pairs));
    QCOMPARE(asked, 1);
    QCOMPARE(m_window->session()->location(), m_path); // the open dataset stays
    QCOMPARE(m_window->model()->rowCount(), 20);
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"more.csv.pairlens"_s)));
    QVERIFY(!m_window->errorBar()->isVisible());
}

// A file of pairs dropped on a window with no dataset open gets the same offer as one opened.
void TstOpenPairFile::jsonlDroppedOnAnEmptyWindow()
{
    const QString pairs = writePairs(u"dropped.jsonl"_s);
    showEmptyWindow();
    QString asked;
    m_window->askImportAsDataset = [&](const QString &file, const QString &target) {
        asked = file;
        return target;
    };
    m_window->importFiles({pairs});
    QCOMPARE(asked, pairs);
    QTRY_VERIFY(m_window->session()->isOpen());
    QCOMPARE(m_window->session()->location(), m_dir->filePath(u"dropped.pairlens"_s));
    QTRY_COMPARE(m_window->model()->rowCount(), 3);
    QVERIFY(!m_window->errorBar()->isVisible());
}

// The new dataset is a bulk load (bulkload.h): it appears only when complete, so an import that
// fails leaves no file at all, and the dataset open before stays open.
void TstOpenPairFile::aFailedImportLeavesNoDataset()
{
    const QString bad = m_dir->filePath(u"broken.json"_s);
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        R"([{"pair_id":"a1","natural_language_query":"Show the users","sql_query":"SELECT * FROM users"},)"
        "\n{\"pair_id\": \"a2\", \"natural_language_query\": ");
    f.close();
    openWindow(20);
    m_window->askImportAsDataset = [](const QString &, const QString &target) { return target; };
    QVERIFY(!m_window->openDataset(bad));
    QTRY_VERIFY(m_window->errorBar()->isVisible());
    auto *label = m_window->errorBar()->findChild<QLabel *>(u"infoText"_s);
    QVERIFY2(label->text().contains(u"The import failed"_s) && label->text().contains(u"not valid JSON"_s),
             qPrintable(label->text()));
    QCOMPARE(QDir(m_dir->path()).entryList({u"broken*"_s}, QDir::Files), QStringList{u"broken.json"_s});
    QCOMPARE(m_window->session()->location(), m_path);
    QCOMPARE(m_window->model()->rowCount(), 20);
}

void TstOpenPairFile::aFileThatIsNoDatasetOffersAnother()
{
    const QString bad = m_dir->filePath(u"notes.pairlens"_s);
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("just some notes, not a dataset\n");
    f.close();
    showEmptyWindow();
    QVERIFY(m_window->openDataset(bad));
    InfoBar *bar = m_window->errorBar();
    QTRY_VERIFY(bar->isVisible());
    // One sentence saying why, and what can be done: open another dataset.
    auto *label = bar->findChild<QLabel *>(u"infoText"_s);
    QVERIFY2(label->text().contains(u"is not a PairLens dataset"_s), qPrintable(label->text()));
    auto *other = bar->findChild<QToolButton *>(u"openOtherButton"_s);
    QVERIFY(other && other->isVisible());
    // Another kind of error has no such button: files to import with no dataset open (one file
    // is offered a new dataset, jsonlDroppedOnAnEmptyWindow).
    m_window->importFiles({writePairs(u"pairs.jsonl"_s), writePairs(u"more.jsonl"_s)});
    QTRY_VERIFY(bar->isVisible() && !other->isVisible());
}

QTEST_MAIN(TstOpenPairFile)
#include "tst_openpairfile.moc"
