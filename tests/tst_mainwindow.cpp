// The main window driven like a user would: clicks and keys on the offscreen platform, with
// isolated settings and real dataset files.
#include "curator.h"
#include "datasetsession.h"
#include "detailpane.h"
#include "filterpanel.h"
#include "guitestutil.h"
#include "importdialog.h"
#include "infobar.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "privacy/anonymizer.h"
#include "sql/tokenizer.h"
#include "trashdialog.h"
#include "windowtest.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QUndoStack>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstMainWindow : public test::WindowTest
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void emptyStateThenOpen();
    void searchFiltersAsYouType();
    void clearFiltersInOneClick();
    void multiRangeDeleteAndUndo();
    void deleteAllMatching();
    void trashRestoreAndPurge();
    void previewToggleChangesCells();
    void detailPaneHighlightsFindings();
    void reviewShortcutsSetStatus();
    void reviewerNoteIsSaved();
    void nextUnreviewed();
    void externalInsertIsNoticed();
    void importReportsRejectedLines();
    void corruptDatasetShowsMessage();
    void damagedPagesShowTheDamage();
    void truncatedDatasetShowsTheDamage();
    void readOnlyDatasetDisablesEditing();
    void settingsAreRestored();

private:
    void verifyDamageSentence();
    qint64 count(const Filter &filter = {});
    std::optional<Pair> pair(qint64 rowId);
};

void TstMainWindow::initTestCase()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
}

void TstMainWindow::init()
{
    initWindowTest();
}

void TstMainWindow::cleanup()
{
    cleanupWindowTest();
}

// The test's own reads of the dataset are read-only, so they take no lock beside the window's
// writes, and never go through a null dataset or an empty optional (see tst_curationundo's pair()).
qint64 TstMainWindow::count(const Filter &filter)
{
    QString error;
    const auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    return ds ? PairStore(*ds).count(filter) : -1;
}

std::optional<Pair> TstMainWindow::pair(qint64 rowId)
{
    QString error;
    const auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    std::optional<Pair> p = ds ? PairStore(*ds).get(rowId) : std::nullopt;
    if (!p) {
        // A pair no assertion accepts, instead of the "" and unreviewed of an empty optional.
        Pair unreadable;
        unreadable.pairId = unreadable.reviewerNote =
            u"(unreadable: %1)"_s.arg(ds ? u"no such pair"_s : error);
        unreadable.reviewStatus = ReviewStatus(-1);
        p = unreadable;
    }
    return p;
}

void TstMainWindow::emptyStateThenOpen()
{
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    auto *stack = m_window->findChild<QStackedWidget *>();
    QVERIFY(stack);
    auto *demo = m_window->findChild<QAbstractButton *>(u"emptyDemo"_s);
    QVERIFY(demo && demo->isVisible());
    QTest::mouseClick(demo, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->isOpen(), 30000);
    QTRY_COMPARE(m_window->model()->rowCount(), 5000);
    QVERIFY(!demo->isVisible());
    QVERIFY(m_window->windowTitle().contains(u"demo.pairlens"_s));
}

void TstMainWindow::searchFiltersAsYouType()
{
    openWindow();
    QLineEdit *search = m_window->filterPanel()->searchEdit();
    search->setFocus();
    QTest::keyClicks(search, u"customers"_s);
    Filter f;
    f.search = u"customers"_s;
    const qint64 expected = count(f);
    QVERIFY(expected > 0 && expected < 300);
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), expected);
    QTRY_VERIFY(m_window->statusText().contains(QLocale().toString(expected) + u" matching"_s));
    // Typing letters in the search box doesn't trigger the one-key review shortcuts.
    QCOMPARE(count([] {
                 Filter a;
                 a.reviewStatuses = {int(ReviewStatus::Approved), int(ReviewStatus::Rejected)};
                 return a;
             }()),
             qint64(0));
}

void TstMainWindow::clearFiltersInOneClick()
{
    openWindow();
    auto *failed = m_window->filterPanel()->findChild<QComboBox *>(u"successCombo"_s);
    QVERIFY(failed);
    failed->setCurrentIndex(2);
    Filter f;
    f.success = Filter::Success::FailedOnly;
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), count(f));
    auto *clear = m_window->filterPanel()->findChild<QPushButton *>(u"clearFilters"_s);
    QVERIFY(clear->isEnabled());
    QTest::mouseClick(clear, Qt::LeftButton);
    QTRY_COMPARE(m_window->model()->rowCount(), 300);
    QVERIFY(!clear->isEnabled());
}

void TstMainWindow::multiRangeDeleteAndUndo()
{
    openWindow();
    PairTableModel *model = m_window->model();
    QList<qint64> chosen;
    for (int row : {1, 2, 3, 7, 8})
        chosen << model->pairAt(row)->rowId;
    clickRow(1);
    clickRow(3, Qt::ShiftModifier);
    clickRow(7, Qt::ControlModifier);
    clickRow(8, Qt::ControlModifier);
    QCOMPARE(m_window->curator()->selectedCount(), qint64(5));
    QTRY_VERIFY(m_window->statusText().contains(u"5 selected"_s));
    key(QKeySequence::Delete);
    QTRY_COMPARE(model->rowCount(), 295);
    QCOMPARE(count(), qint64(295));
    for (qint64 id : chosen)
        QVERIFY(pair(id)->deleted);
    QVERIFY(!pair(model->pairAt(0)->rowId)->deleted);

    key(QKeySequence::Undo);
    QTRY_COMPARE(model->rowCount(), 300);
    for (qint64 id : chosen)
        QVERIFY(!pair(id)->deleted);
    key(QKeySequence(u"Ctrl+Shift+Z"_s));
    QTRY_COMPARE(model->rowCount(), 295);
    key(QKeySequence::Undo);
    QTRY_COMPARE(model->rowCount(), 300);
    QCOMPARE(count(), qint64(300));
}

void TstMainWindow::deleteAllMatching()
{
    openWindow();
    QTest::keyClicks(m_window->filterPanel()->searchEdit(), u"customers"_s);
    Filter f;
    f.search = u"customers"_s;
    const qint64 matching = count(f);
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), matching);
    QString question;
    m_window->curator()->confirm = [&question](const QString &, const QString &text) {
        question = text;
        return true;
    };
    m_window->findChild<QAction *>(u"actionDeleteMatching"_s)->trigger();
    QVERIFY(question.contains(QString::number(matching)));
    QTRY_COMPARE(count(), 300 - matching);
    QTRY_COMPARE(m_window->model()->rowCount(), 0);
    QTRY_VERIFY(m_window->findChild<QWidget *>(u"noMatches"_s)->isVisible());
    m_window->undoStack()->undo();
    QTRY_COMPARE(count(), qint64(300));
}

void TstMainWindow::trashRestoreAndPurge()
{
    openWindow();
    clickRow(0);
    clickRow(3, Qt::ShiftModifier);
    key(QKeySequence::Delete);
    QTRY_COMPARE(m_window->model()->rowCount(), 296);
    key(QKeySequence(u"Ctrl+T"_s));
    TrashDialog *trash = m_window->trashDialog();
    QVERIFY(trash && trash->isVisible());
    QTRY_COMPARE(trash->model()->rowCount(), 4);
    QTRY_VERIFY(trash->model()->pairAt(0));
    QTableView *view = trash->view();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(trash->model()->index(0, 1)).center());
    auto *restore = trash->findChild<QPushButton *>(u"restoreSelected"_s);
    QVERIFY(restore->isEnabled());
    QTest::mouseClick(restore, Qt::LeftButton);
    QTRY_COMPARE(trash->model()->rowCount(), 3);
    QTRY_COMPARE(m_window->model()->rowCount(), 297);

    trash->confirm = [](const QString &) { return true; };
    QTRY_VERIFY(trash->model()->pairAt(0));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                      view->visualRect(trash->model()->index(0, 1)).center());
    QTest::mouseClick(trash->findChild<QPushButton *>(u"purgeSelected"_s), Qt::LeftButton);
    QTRY_COMPARE(trash->model()->rowCount(), 2);
    Filter all;
    all.scope = Filter::Scope::All;
    QTRY_COMPARE(count(all), qint64(299));
}

void TstMainWindow::previewToggleChangesCells()
{
    openWindow();
    PairTableModel *model = m_window->model();
    int row = -1;
    for (int r = 0; r < 100 && row < 0; ++r) {
        if (model->pairAt(r) && (model->pairAt(r)->piiMask & quint32(PiiKind::Email)) &&
            model->pairAt(r)->naturalLanguageQuery.contains(u'@'))
            row = r;
    }
    QVERIFY(row >= 0);
    const QModelIndex cell = model->index(row, PairTableModel::Question);
    const QString before = cell.data().toString();
    QVERIFY(before.contains(u'@'));
    auto *preview = m_window->findChild<QAction *>(u"actionPreview"_s);
    key(QKeySequence(u"P"_s));
    QVERIFY(preview->isChecked());
    const QString after = cell.data().toString();
    QVERIFY(after != before);
    // As exported: the SQL's values (by what their column holds) are replaced in the question too.
    const Pair *p = model->pairAt(row);
    const privacy::Anonymizer &anonymizer = m_window->session()->anonymizer()->forPair(p->pairId);
    const privacy::AnonymizedText sql =
        anonymizer.anonymizeSql(p->sqlQuery, sql::dialectFromDatabaseType(p->databaseType));
    QCOMPARE(after, anonymizer.anonymizeQuestion(p->naturalLanguageQuery, sql).text.simplified());
    key(QKeySequence(u"P"_s));
    QCOMPARE(cell.data().toString(), before);
}

void TstMainWindow::detailPaneHighlightsFindings()
{
    openWindow();
    PairTableModel *model = m_window->model();
    // A pair with personal data in its question or SQL (some demo pairs have it only in their
    // metadata, which the pane does not show; which pair comes first depends on the day).
    const auto findingsInText = [&](const Pair *p) {
        if (!p || !p->piiMask)
            return false;
        const privacy::Anonymizer &anonymizer = m_window->session()->anonymizer()->forPair(p->pairId);
        const privacy::AnonymizedText sql =
            anonymizer.anonymizeSql(p->sqlQuery, sql::dialectFromDatabaseType(p->databaseType));
        return sql.text != p->sqlQuery ||
               anonymizer.anonymizeQuestion(p->naturalLanguageQuery, sql).text != p->naturalLanguageQuery;
    };
    int row = 0;
    while (row < 100 && !findingsInText(model->pairAt(row)))
        ++row;
    QVERIFY(row < 100);
    clickRow(row);
    DetailPane *detail = m_window->detailPane();
    QTRY_COMPARE(detail->rowId(), model->pairAt(row)->rowId);
    const bool inQuestion = !detail->originalQuestion()->extraSelections().isEmpty();
    const bool inSql = !detail->originalSql()->extraSelections().isEmpty();
    QVERIFY(inQuestion || inSql);
    QCOMPARE(detail->originalQuestion()->extraSelections().size(),
             detail->anonymizedQuestion()->extraSelections().size());
    QCOMPARE(detail->originalSql()->toPlainText(), model->pairAt(row)->sqlQuery);
    QVERIFY(detail->findChild<QLabel *>(u"legend"_s)->text().contains(u"Found"_s));
}

void TstMainWindow::reviewShortcutsSetStatus()
{
    openWindow();
    PairTableModel *model = m_window->model();
    const qint64 first = model->pairAt(0)->rowId;
    const qint64 second = model->pairAt(1)->rowId;
    clickRow(0);
    key(QKeySequence(u"A"_s)); // approves and moves on to the next pair
    QTRY_COMPARE(pair(first)->reviewStatus, ReviewStatus::Approved);
    QCOMPARE(m_window->tableView()->currentIndex().row(), 1);
    key(QKeySequence(u"R"_s));
    QTRY_COMPARE(pair(second)->reviewStatus, ReviewStatus::Rejected);
    clickRow(0);
    key(QKeySequence(u"U"_s));
    QTRY_COMPARE(pair(first)->reviewStatus, ReviewStatus::Unreviewed);
    QTRY_COMPARE(model->pairAt(1)->reviewStatus, ReviewStatus::Rejected); // the table follows
    // A range at once.
    clickRow(2);
    clickRow(5, Qt::ShiftModifier);
    key(QKeySequence(u"A"_s));
    Filter approved;
    approved.reviewStatuses = {int(ReviewStatus::Approved)};
    QTRY_COMPARE(count(approved), qint64(4));
}

void TstMainWindow::reviewerNoteIsSaved()
{
    openWindow();
    clickRow(2);
    const qint64 id = m_window->model()->pairAt(2)->rowId;
    QPlainTextEdit *note = m_window->detailPane()->noteEdit();
    QTRY_COMPARE(m_window->detailPane()->rowId(), id);
    note->setFocus();
    QTest::keyClicks(note, u"asks for a real SSN"_s);
    QTRY_COMPARE(pair(id)->reviewerNote, u"asks for a real SSN"_s);
}

void TstMainWindow::nextUnreviewed()
{
    openWindow();
    clickRow(0);
    clickRow(2, Qt::ShiftModifier);
    key(QKeySequence(u"A"_s));
    Filter approved;
    approved.reviewStatuses = {int(ReviewStatus::Approved)};
    QTRY_COMPARE(count(approved), qint64(3));
    QTRY_COMPARE(m_window->model()->pairAt(1)->reviewStatus, ReviewStatus::Approved);
    clickRow(0);
    key(QKeySequence(u"N"_s));
    QTRY_COMPARE(m_window->tableView()->currentIndex().row(), 3);
    key(QKeySequence(u"K"_s));
    QCOMPARE(m_window->tableView()->currentIndex().row(), 2);
    key(QKeySequence(u"J"_s));
    QCOMPARE(m_window->tableView()->currentIndex().row(), 3);
}

void TstMainWindow::externalInsertIsNoticed()
{
    openWindow();
    m_window->session()->setPollInterval(100);
    clickRow(4);
    const qint64 selected = m_window->model()->pairAt(4)->rowId;
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        DemoGenerator other(99);
        QCOMPARE(PairStore(*ds).add(other.generate(5)).added, qint64(5));
    }
    InfoBar *bar = m_window->externalBar();
    QTRY_VERIFY(bar->isVisible());
    QVERIFY(bar->text().contains(u"5 new pairs"_s));
    QCOMPARE(m_window->model()->rowCount(), 300); // nothing moves until the user refreshes
    QTest::mouseClick(bar->findChild<QToolButton *>(u"refreshButton"_s), Qt::LeftButton);
    QTRY_COMPARE(m_window->model()->rowCount(), 305);
    QVERIFY(!bar->isVisible());
    // The selected pair is still the selected one, wherever the new pairs' times put it.
    const auto rowOf = [this](qint64 rowId) {
        for (int r = 0; r < 305; ++r) {
            if (const Pair *p = m_window->model()->pairAt(r); p && p->rowId == rowId)
                return r;
        }
        return -1;
    };
    QTRY_VERIFY(rowOf(selected) >= 0);
    QTRY_COMPARE(m_window->tableView()->currentIndex().row(), rowOf(selected));
    QCOMPARE(m_window->curator()->selectedCount(), qint64(1));
    QVERIFY(m_window->tableView()->selectionModel()->isRowSelected(rowOf(selected), {}));
    QTRY_COMPARE(m_window->detailPane()->rowId(), selected);
}

void TstMainWindow::importReportsRejectedLines()
{
    openWindow(10);
    const QString file = m_dir->filePath(u"more.jsonl"_s);
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"natural_language_query": "How many users?", "sql_query": "SELECT count(*) FROM users"})"
            "\n"
            "{not json\n"
            R"({"natural_language_query": "List orders", "sql_query": "SELECT * FROM orders"})"
            "\n");
    f.close();
    m_window->importFiles({file});
    auto *dialog = m_window->findChild<ImportDialog *>(u"importDialog"_s);
    QVERIFY(dialog);
    QTRY_VERIFY(!dialog->isRunning());
    QCOMPARE(dialog->report().added, qint64(2));
    QCOMPARE(dialog->report().rejected, qint64(1));
    auto *issues = dialog->findChild<QPlainTextEdit *>(u"importIssues"_s);
    QVERIFY(issues->isVisible());
    QVERIFY2(issues->toPlainText().contains(u"line 2"_s), qPrintable(issues->toPlainText()));
    QTRY_COMPARE(m_window->model()->rowCount(), 12);
    QVERIFY(!m_window->externalBar()->isVisible());
    dialog->close();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QVERIFY(!m_window->findChild<ImportDialog *>(u"importDialog"_s));

    // A pair_id taken by another question: not imported, and the dialog says which line.
    const QString taken = m_dir->filePath(u"taken.jsonl"_s);
    QFile t(taken);
    QVERIFY(t.open(QIODevice::WriteOnly));
    t.write(R"({"pair_id": "dup-1", "natural_language_query": "First question", "sql_query": "SELECT 1"})"
            "\n"
            R"({"pair_id": "dup-1", "natural_language_query": "Another question", "sql_query": "SELECT 2"})"
            "\n");
    t.close();
    m_window->importFiles({taken});
    dialog = m_window->findChild<ImportDialog *>(u"importDialog"_s);
    QVERIFY(dialog);
    issues = dialog->findChild<QPlainTextEdit *>(u"importIssues"_s);
    QTRY_VERIFY(!dialog->isRunning());
    QCOMPARE(dialog->report().conflictsInFile, qint64(1));
    QVERIFY2(issues->isVisible() && issues->toPlainText().contains(u"taken.jsonl, line 2"_s) &&
                 issues->toPlainText().contains(u"dup-1"_s),
             qPrintable(issues->toPlainText()));
    QVERIFY(!issues->toPlainText().contains(u"Another question"_s)); // ids, never values
    const QLabel *summary = dialog->findChild<QLabel *>(u"importSummary"_s);
    QVERIFY(summary);
    QVERIFY2(summary->text().contains(u"1 not imported"_s), qPrintable(summary->text()));
}

// The error bar says in one sentence what is wrong and what to do; SQLite's own words only behind
// "Show Details", never the driver's ("Unable to fetch row").
void TstMainWindow::verifyDamageSentence()
{
    const QString said = m_window->errorBar()->text();
    QVERIFY2(said.contains(u" is damaged: "_s) && said.contains(u"restore it from a backup"_s),
             qPrintable(said));
    QVERIFY2(!said.contains(u"Unable to"_s) && !said.contains(u"SQLite error"_s) &&
                 !said.contains(u"malformed"_s),
             qPrintable(said));
}

void TstMainWindow::corruptDatasetShowsMessage()
{
    const QString bad = m_dir->filePath(u"bad.pairlens"_s);
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray("SQLite format 3\0", 16) + QByteArray(4000, 'x'));
    f.close();
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(m_window->openDataset(bad));
    QTRY_VERIFY(m_window->errorBar()->isVisible());
    verifyDamageSentence();
    if (QTest::currentTestFailed())
        return;
    auto *details = m_window->errorBar()->findChild<QToolButton *>(u"detailsButton"_s);
    QVERIFY(details && details->isVisible());
    QVERIFY(m_window->errorBar()->findChild<QToolButton *>(u"openOtherButton"_s)->isVisible());
    auto *detailsText = m_window->errorBar()->findChild<QLabel *>(u"infoDetails"_s);
    QVERIFY(!detailsText->isVisible());
    details->click();
    QVERIFY(detailsText->isVisible());
    QVERIFY2(detailsText->text().contains(u"SQLite error 26"_s), qPrintable(detailsText->text()));
    details->click();
    QVERIFY(!detailsText->isVisible());
    QVERIFY(!m_window->session()->isOpen());
    QVERIFY(!m_window->openDataset(m_dir->filePath(u"missing.pairlens"_s)));
    QVERIFY(m_window->errorBar()->text().contains(u"does not exist"_s));
}

void TstMainWindow::damagedPagesShowTheDamage()
{
    // A dataset that opens but has damaged pages in its table of pairs: the table must not quietly
    // show part of the pairs.
    QVERIFY(test::makeDemoDataset(m_path, 3000));
    int pageSize = 0;
    QList<int> leaves;
    const QList<int> all = test::sqlitePages(m_path, u"pairs"_s, u"leaf"_s, &pageSize);
    for (qsizetype i = 0; i < all.size(); i += 4)
        leaves << all.at(i);
    QVERIFY(leaves.size() > 5);
    QVERIFY(test::overwritePages(m_path, leaves, pageSize));
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(m_window->openDataset(m_path));
    // Scroll through the table so that pages are read.
    QTRY_VERIFY(m_window->model()->rowCount() > 0);
    m_window->tableView()->scrollToBottom();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->errorBar()->isVisible() &&
                                 m_window->errorBar()->text().contains(u" is damaged: "_s),
                             20000);
    QVERIFY2(m_window->errorBar()->text().contains(u"restore it from a backup"_s),
             qPrintable(m_window->errorBar()->text()));
    QVERIFY(!m_window->errorBar()->text().contains(u"malformed"_s));
    QVERIFY2(m_window->errorBar()->details().startsWith(u"SQLite: "_s),
             qPrintable(m_window->errorBar()->details()));
    QVERIFY(m_window->errorBar()->findChild<QToolButton *>(u"detailsButton"_s)->isVisible());
}

void TstMainWindow::truncatedDatasetShowsTheDamage()
{
    // A dataset file cut short (a copy that stopped half way): it must not pass for an empty or
    // a smaller dataset.
    QVERIFY(test::makeDemoDataset(m_path, 3000));
    {
        QFile f(m_path); // not open anywhere: this test owns the file
        QVERIFY(f.resize(f.size() / 2));
    }
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(m_window->openDataset(m_path));
    QTRY_VERIFY(m_window->model()->rowCount() > 0 || m_window->errorBar()->isVisible());
    if (!m_window->errorBar()->isVisible())
        m_window->tableView()->scrollToBottom();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->errorBar()->isVisible(), 20000);
    verifyDamageSentence();
    if (QTest::currentTestFailed())
        return;
    QVERIFY(m_window->errorBar()->findChild<QToolButton *>(u"detailsButton"_s)->isVisible());
}

void TstMainWindow::readOnlyDatasetDisablesEditing()
{
    QVERIFY(test::makeDemoDataset(m_path, 20));
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::ReadGroup);
    // A file the user can't write opens read-only by itself; root can write anything, so there
    // the same mode is entered through File > Open Dataset Read-Only.
    const bool permissionsApply = !QFileInfo(m_path).isWritable();
    const QByteArray before = [&] {
        QFile f(m_path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    m_window->openDataset(m_path, !permissionsApply);
    QTRY_COMPARE(m_window->model()->rowCount(), 20);
    QVERIFY(m_window->findChild<QAction *>(u"actionOpenReadOnly"_s));
    QVERIFY(m_window->readOnlyBar()->isVisible());
    QVERIFY(!m_window->findChild<QAction *>(u"actionApprove"_s)->isEnabled());
    QVERIFY(!m_window->findChild<QAction *>(u"actionImport"_s)->isEnabled());
    QVERIFY(m_window->windowTitle().contains(u"read-only"_s));
    // Review shortcuts do nothing, and the file is left exactly as it was.
    m_window->tableView()->selectRow(0);
    QTest::keyClick(m_window->tableView(), Qt::Key_A);
    m_window.reset();
    QFile f(m_path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
}

void TstMainWindow::settingsAreRestored()
{
    openWindow();
    QTest::keyClicks(m_window->filterPanel()->searchEdit(), u"orders"_s);
    Filter f;
    f.search = u"orders"_s;
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), count(f));
    m_window->tableView()->horizontalHeader()->resizeSection(PairTableModel::Question, 222);
    m_window->close();
    m_window.reset();

    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QCOMPARE(m_window->filterPanel()->searchEdit()->text(), u"orders"_s);
    QCOMPARE(m_window->tableView()->horizontalHeader()->sectionSize(PairTableModel::Question), 222);
    m_window->openLastDataset();
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), count(f));
}

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
