// The statistics tab and File > Export… of the main window, driven on the offscreen platform with
// isolated settings and a real dataset file.
#include "curator.h"
#include "exportdialog.h"
#include "filterpanel.h"
#include "guitestutil.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "stats/duplicates.h"
#include "stats/statisticsview.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {
constexpr int kPairs = 400;
constexpr int kTimeout = 60000;
} // namespace

class TstExportDialog : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void statisticsTabShowsTotals();
    void statisticsFollowFilter();
    void exportEverythingAnonymized();
    void exportSelectedRows();
    void invalidOptionsAreExplained();
    void replacingAFileThatIsNoExportAsks();
    void reviewScopeAndCountsBeforeWriting();
    void statisticsCountDuplicatesAndListThem();

private:
    void openWindow();
    ExportDialog *openExportDialog();
    QList<QByteArray> lines(const QString &path);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    QString m_path;
};

void TstExportDialog::initTestCase()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
}

void TstExportDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    test::isolateSettings(*m_dir);
    m_path = m_dir->filePath(u"pairs.pairlens"_s);
}

void TstExportDialog::cleanup()
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *box = qobject_cast<QMessageBox *>(w))
            box->close();
    m_window.reset();
    m_dir.reset();
}

void TstExportDialog::openWindow()
{
    QVERIFY(test::makeDemoDataset(m_path, kPairs));
    m_window = std::make_unique<MainWindow>();
    m_window->filterPanel()->setDebounceInterval(50);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->openDataset(m_path));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), kPairs, kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->model()->pairAt(0), kTimeout);
}

ExportDialog *TstExportDialog::openExportDialog()
{
    auto *action = m_window->findChild<QAction *>(u"actionExport"_s);
    if (!action || !action->isEnabled())
        return nullptr;
    action->trigger();
    return m_window->findChild<ExportDialog *>(u"exportDialog"_s);
}

QList<QByteArray> TstExportDialog::lines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> result;
    for (const QByteArray &line : file.readAll().split('\n'))
        if (!line.trimmed().isEmpty())
            result << line;
    return result;
}

void TstExportDialog::statisticsTabShowsTotals()
{
    openWindow();
    StatisticsView *view = m_window->statisticsView();
    QVERIFY(view);
    auto *tabs = m_window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 2);
    QVERIFY(tabs->tabBar()->isVisible());
    QCOMPARE(tabs->indexOf(view), 1);

    // Hidden, the tab computes nothing; shown, it computes the dataset's figures.
    QVERIFY(!view->hasStatistics());
    tabs->setCurrentWidget(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->hasStatistics() && !view->isBusy(), kTimeout);
    QCOMPARE(view->dataset(), m_path);
    QCOMPARE(view->statistics().totalPairs, qint64(kPairs));
    // The pair pane makes room for the charts and comes back with the pairs (with a pair selected:
    // without one it takes no room).
    auto *detailDock = m_window->findChild<QDockWidget *>(u"detailDock"_s);
    QVERIFY(detailDock && !detailDock->isVisible());
    tabs->setCurrentIndex(0);
    QVERIFY(!detailDock->isVisible());
    m_window->tableView()->selectRow(1);
    QVERIFY(detailDock->isVisible());
    tabs->setCurrentWidget(view);
    QVERIFY(!detailDock->isVisible());
    tabs->setCurrentIndex(0);
    QVERIFY(detailDock->isVisible());
    tabs->setCurrentWidget(view);

    // A delete (and its undo) refreshes the figures.
    m_window->tableView()->selectRow(0);
    m_window->curator()->confirm = [](const QString &, const QString &) { return true; };
    tabs->setCurrentIndex(0);
    QMetaObject::invokeMethod(m_window->findChild<QAction *>(u"actionDelete"_s), "trigger");
    QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), kPairs - 1, kTimeout);
    tabs->setCurrentWidget(view);
    QTRY_COMPARE_WITH_TIMEOUT(view->statistics().totalPairs, qint64(kPairs - 1), kTimeout);
}

void TstExportDialog::statisticsFollowFilter()
{
    openWindow();
    StatisticsView *view = m_window->statisticsView();
    auto *tabs = m_window->findChild<QTabWidget *>();
    tabs->setCurrentWidget(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->hasStatistics() && !view->isBusy(), kTimeout);
    const qint64 failed = view->statistics().failedPairs;
    QVERIFY(failed > 0 && failed < kPairs);

    // A filter asked for by the view (a chart click) reaches the table and the view.
    Filter filter;
    filter.success = Filter::Success::FailedOnly;
    emit view->filterRequested(filter);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), int(failed), kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(
        view->hasStatistics() && !view->isBusy() && view->statistics().totalPairs == failed, kTimeout);
    QVERIFY(m_window->filterPanel()->filter().success == Filter::Success::FailedOnly);
}

void TstExportDialog::exportEverythingAnonymized()
{
    openWindow();
    // An e-mail address the export must not contain.
    QString email;
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        QVERIFY(ds);
        const QRegularExpression re(u"[a-z]+\\.[a-z]+\\d*@[a-z0-9-]+(\\.[a-z0-9-]+)+"_s,
                                    QRegularExpression::CaseInsensitiveOption);
        PairStore(*ds).forEach(Filter{}, PairStore::Sort{}, [&](const Pair &p) {
            const auto m = re.match(p.naturalLanguageQuery + u' ' + p.sqlQuery);
            if (m.hasMatch())
                email = m.captured();
            return !m.hasMatch();
        });
    }
    QVERIFY2(!email.isEmpty(), "the demo dataset should hold an e-mail address");

    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *anonymize = dialog->findChild<QCheckBox *>(u"exportAnonymize"_s);
    QVERIFY(anonymize && anonymize->isChecked());
    QVERIFY(!dialog->findChild<QLabel *>(u"exportAnonymizeWarning"_s)->isVisible());
    anonymize->setChecked(false);
    QVERIFY(dialog->findChild<QLabel *>(u"exportAnonymizeWarning"_s)->isVisible());
    anonymize->setChecked(true);

    dialog->setFormat(exporting::Format::Jsonl);
    dialog->setScope(ExportDialog::Scope::Everything);
    const QString target = m_dir->filePath(u"out.jsonl"_s);
    dialog->setTarget(target);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"exportStart"_s), Qt::LeftButton);

    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(target), kTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->findChild<QMessageBox *>(u"exportResult"_s), kTimeout);
    auto *box = m_window->findChild<QMessageBox *>(u"exportResult"_s);
    QVERIFY2(box->text().contains(QDir::toNativeSeparators(target)), qPrintable(box->text()));
    QVERIFY(box->text().contains(u"manifest"_s));

    const QList<QByteArray> exported = lines(target);
    QCOMPARE(exported.size(), kPairs);
    for (const QByteArray &line : exported) {
        QJsonParseError error;
        QVERIFY(QJsonDocument::fromJson(line, &error).isObject());
    }
    QFile file(target);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY2(!file.readAll().contains(email.toUtf8()), qPrintable(email));

    // The format and folder are remembered.
    QCOMPARE(QSettings().value(u"export/format"_s).toString(), u"jsonl"_s);
    QCOMPARE(QSettings().value(u"export/folder"_s).toString(), QFileInfo(target).absolutePath());
}

void TstExportDialog::exportSelectedRows()
{
    openWindow();
    QTableView *view = m_window->tableView();
    view->selectionModel()->select(QItemSelection(view->model()->index(2, 0), view->model()->index(8, 0)),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::Csv);
    dialog->setScope(ExportDialog::Scope::Selection);
    QCOMPARE(dialog->scope(), ExportDialog::Scope::Selection);
    const QString target = m_dir->filePath(u"selected.csv"_s);
    dialog->setTarget(target);
    QSignalSpy finished(dialog, &ExportDialog::exportFinished);
    dialog->startExport();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeout);
    QVERIFY(QFile::exists(target));
    // The header and the seven selected pairs, counted as CSV records: a demo pair's SQL may hold a
    // line break inside its quoted field (which rows are selected depends on the demo's dates).
    QFile csv(target);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    int records = 0;
    bool quoted = false, empty = true;
    for (const char c : csv.readAll()) {
        if (c == '"')
            quoted = !quoted;
        if (c == '\n' && !quoted) {
            records += empty ? 0 : 1;
            empty = true;
        } else if (c != '\r') {
            empty = false;
        }
    }
    records += empty ? 0 : 1;
    QCOMPARE(records, 1 + 7);
}

void TstExportDialog::invalidOptionsAreExplained()
{
    openWindow();
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setTarget({});
    dialog->startExport();
    auto *problem = dialog->findChild<QLabel *>(u"exportProblem"_s);
    QVERIFY(problem && problem->isVisible() && !problem->text().isEmpty());
    QVERIFY(!dialog->isRunning());
    QVERIFY(dialog->isVisible());
}

void TstExportDialog::replacingAFileThatIsNoExportAsks()
{
    openWindow();
    const QString target = m_dir->filePath(u"mine.jsonl"_s);
    {
        QFile f(target);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("my own notes\n");
    }
    auto start = [&]() -> QPointer<ExportDialog> {
        QPointer<ExportDialog> dialog = openExportDialog();
        if (!dialog)
            return nullptr;
        dialog->setFormat(exporting::Format::Jsonl);
        dialog->setScope(ExportDialog::Scope::Everything);
        dialog->setTarget(target);
        dialog->startExport();
        return dialog;
    };

    // Cancel: nothing is written, the file is as it was, the dialog says so. The existing file is
    // read on a worker: until its answer arrives the dialog waits, and a second click does nothing.
    QPointer<ExportDialog> dialog = start();
    QVERIFY(dialog);
    QVERIFY(dialog->isChecking());
    QVERIFY(!dialog->findChild<QMessageBox *>(u"exportReplaceQuestion"_s));
    QVERIFY(!dialog->findChild<QPushButton *>(u"exportStart"_s)->isEnabled());
    dialog->startExport();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QMessageBox *>(u"exportReplaceQuestion"_s), kTimeout);
    QVERIFY(!dialog->isChecking());
    QCOMPARE(dialog->findChildren<QMessageBox *>(u"exportReplaceQuestion"_s).size(), 1);
    auto *box = dialog->findChild<QMessageBox *>(u"exportReplaceQuestion"_s);
    QVERIFY(box->isVisible());
    QVERIFY2(box->informativeText().contains(QDir::toNativeSeparators(target)),
             qPrintable(box->informativeText()));
    QVERIFY(!dialog->isRunning());
    dialog->startExport(); // a second click while the question is open does nothing
    QCOMPARE(dialog->findChildren<QMessageBox *>(u"exportReplaceQuestion"_s).size(), 1);
    box->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(dialog->findChildren<QMessageBox *>(u"exportReplaceQuestion"_s).isEmpty()); // closed, deleted
    QVERIFY(!dialog->isRunning());
    QVERIFY(dialog->findChild<QLabel *>(u"exportProblem"_s)->isVisible());
    QTest::qWait(200);
    QFile file(target);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("my own notes\n"));
    file.close();
    QVERIFY(!QFile::exists(target + u".manifest.json"_s));

    // Replace: the export runs and replaces it.
    QSignalSpy finished(dialog.data(), &ExportDialog::exportFinished);
    dialog->startExport();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->findChild<QMessageBox *>(u"exportReplaceQuestion"_s), kTimeout);
    box = dialog->findChild<QMessageBox *>(u"exportReplaceQuestion"_s);
    QVERIFY(box && box->isVisible());
    box->findChild<QPushButton *>(u"exportReplace"_s)->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeout);
    QVERIFY(finished.at(0).at(0).value<exporting::ExportResult>().ok);
    QCOMPARE(lines(target).size(), kPairs);
    QVERIFY(QFile::exists(target + u".manifest.json"_s));
    QTRY_VERIFY(!dialog); // accepted and deleted
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *result = qobject_cast<QMessageBox *>(w))
            result->close();

    // An earlier export of the same format is replaced without a question (one would keep the
    // export from finishing).
    dialog = start();
    QVERIFY(dialog);
    QVERIFY(dialog->isChecking());
    QSignalSpy again(dialog.data(), &ExportDialog::exportFinished);
    QTRY_COMPARE_WITH_TIMEOUT(again.size(), 1, kTimeout);
    QVERIFY(again.at(0).at(0).value<exporting::ExportResult>().ok);
}

void TstExportDialog::reviewScopeAndCountsBeforeWriting()
{
    // Ten pairs rejected by a reviewer, before the window opens.
    QVERIFY(test::makeDemoDataset(m_path, kPairs));
    QStringList rejectedIds;
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        QVERIFY2(ds, qPrintable(error));
        PairStore store(*ds);
        for (const Pair &p : store.page(Filter{}, {}, 10))
            rejectedIds << p.pairId;
        Filter f;
        f.pairIds = rejectedIds;
        QVERIFY(store.setReviewStatus(f, ReviewStatus::Rejected));
    }
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(m_window->openDataset(m_path));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->model()->rowCount(), kPairs, kTimeout);

    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *review = dialog->findChild<QComboBox *>(u"exportReview"_s);
    QVERIFY(review && review->isVisible());
    QCOMPARE(dialog->options().review, exporting::ReviewScope::NotRejected);
    dialog->setFormat(exporting::Format::Jsonl);
    dialog->setScope(ExportDialog::Scope::Everything);
    // Before writing, the dialog explains the count.
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->countsText().isEmpty(), kTimeout);
    QString counts = dialog->countsText();
    QVERIFY2(counts.contains(u"400</b> pairs match"_s) && counts.contains(u"10 rejected"_s) &&
                 counts.contains(u"390</b> will be exported"_s),
             qPrintable(counts));

    // A fine-tuning format also leaves out failed pairs and duplicates, and says so.
    dialog->setFormat(exporting::Format::OpenAiChat);
    QVERIFY(dialog->findChild<QCheckBox *>(u"exportDedupe"_s)->isChecked()); // the format's default
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->countsText().isEmpty(), kTimeout);
    counts = dialog->countsText();
    QVERIFY2(counts.contains(u"failed"_s) && counts.contains(u"duplicates"_s), qPrintable(counts));
    dialog->setFormat(exporting::Format::Jsonl);
    QVERIFY(!dialog->findChild<QCheckBox *>(u"exportDedupe"_s)->isChecked());

    // Choosing "every pair" with the keyboard takes the rejected pairs in again.
    review->setFocus();
    QTest::keyClick(review, Qt::Key_End);
    QCOMPARE(dialog->options().review, exporting::ReviewScope::IncludeRejected);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->countsText().contains(u"Nothing is left out"_s), kTimeout);
    QTest::keyClick(review, Qt::Key_Home);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->countsText().contains(u"10 rejected"_s), kTimeout);

    const QString target = m_dir->filePath(u"reviewed.jsonl"_s);
    dialog->setTarget(target);
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"exportStart"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->findChild<QMessageBox *>(u"exportResult"_s), kTimeout);
    auto *box = m_window->findChild<QMessageBox *>(u"exportResult"_s);
    QVERIFY2(box->text().contains(u"10 rejected pair(s) left out"_s), qPrintable(box->text()));
    const QList<QByteArray> exported = lines(target);
    QCOMPARE(exported.size(), kPairs - 10);
    for (const QByteArray &line : exported) {
        const QString id = QJsonDocument::fromJson(line).object()[u"pair_id"_s].toString();
        QVERIFY(!rejectedIds.contains(id));
    }
    QFile manifest(target + u".manifest.json"_s);
    QVERIFY(manifest.open(QIODevice::ReadOnly));
    const QJsonObject m = QJsonDocument::fromJson(manifest.readAll()).object();
    QCOMPARE(m[u"left_out"_s].toObject()[u"rejected"_s].toInt(), 10);
}

void TstExportDialog::statisticsCountDuplicatesAndListThem()
{
    openWindow();
    StatisticsView *view = m_window->statisticsView();
    auto *tabs = m_window->findChild<QTabWidget *>();
    tabs->setCurrentWidget(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->hasStatistics() && !view->isBusy(), kTimeout);
    DuplicateCounts expected;
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        QVERIFY(ds);
        QVERIFY2(computeDuplicates(*ds, Filter{}, &expected, &error), qPrintable(error));
    }
    QVERIFY(expected.exact > 0);
    QCOMPARE(view->statistics().exactDuplicates, expected.exact);
    QCOMPARE(view->statistics().normalizedDuplicates, expected.normalized);
    auto *summary = view->findChild<QLabel *>(u"statisticsSummary"_s);
    QVERIFY(summary);
    QVERIFY2(summary->text().contains(u"exact duplicates"_s), qPrintable(summary->text()));

    // The filter panel lists them: every pair shown has a twin.
    tabs->setCurrentIndex(0);
    auto *duplicates = m_window->findChild<QComboBox *>(u"duplicates"_s);
    QVERIFY(duplicates);
    duplicates->setFocus();
    QTest::keyClick(duplicates, Qt::Key_Down); // "Exact duplicates only"
    QCOMPARE(m_window->filterPanel()->filter().duplicates, Filter::Duplicates::Exact);
    qint64 inGroups = 0;
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        Filter f;
        f.duplicates = Filter::Duplicates::Exact;
        inGroups = PairStore(*ds).count(f);
    }
    QVERIFY(inGroups > expected.exact);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(m_window->model()->rowCount()), inGroups, kTimeout);

    // The summary's link does the same for normalized duplicates.
    tabs->setCurrentWidget(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->hasStatistics() && !view->isBusy(), kTimeout);
    QSignalSpy requested(view, &StatisticsView::filterRequested);
    emit summary->linkActivated(u"duplicates:normalized"_s);
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).value<Filter>().duplicates, Filter::Duplicates::Normalized);
}

QTEST_MAIN(TstExportDialog)
#include "tst_exportdialog.moc"
