// The export dialog's help for a first export and for pipelines: a default folder that exists, the
// sample record from the export engine, the equivalent command line with its Copy button, choices
// remembered across runs, the progress shown at once with the right total and the result with
// thousands separators and "Open Folder". Offscreen, isolated settings, real dataset files.
#include "export/exportcommand.h"
#include "exportdialog.h"
#include "exportpreview.h"
#include "windowtest.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {
constexpr int kTimeout = 60000;

// Receives the URLs QDesktopServices would open (registered as the "file" scheme's handler).
class UrlCatcher : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> urls;
public slots:
    void openUrl(const QUrl &url) { urls << url; }
};
} // namespace

class TstExportPreview : public test::WindowTest
{
    Q_OBJECT
private slots:
    void init() { initWindowTest(); }
    void cleanup();
    void firstExportIsOfferedAFolderThatExists();
    void sampleIsTheExportEnginesRecord();
    void commandLineMatchesTheOptionsAndCopies();
    void commandLineNamesTheSelectedPairs();
    void choicesAreRememberedAcrossRuns();
    void progressAtOnceAndResultWithSeparators();
    void promptTemplateEditorIsTallEnough();
    void recordAsExportedStartsInTheLastFormat();

private:
    ExportDialog *openExportDialog();
    QByteArray m_home = qgetenv("HOME");
    QByteArray m_configHome = qgetenv("XDG_CONFIG_HOME");
    QByteArray engineRecord(exporting::ExportOptions options);
};

void TstExportPreview::cleanup()
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *box = qobject_cast<QMessageBox *>(w))
            box->close();
    QDesktopServices::unsetUrlHandler(u"file"_s);
    QLocale::setDefault(QLocale::c());
    cleanupWindowTest();
    qputenv("HOME", m_home);
    if (m_configHome.isEmpty())
        qunsetenv("XDG_CONFIG_HOME");
    else
        qputenv("XDG_CONFIG_HOME", m_configHome);
}

ExportDialog *TstExportPreview::openExportDialog()
{
    auto *action = m_window->findChild<QAction *>(u"actionExport"_s);
    if (!action || !action->isEnabled())
        return nullptr;
    action->trigger();
    return m_window->findChild<ExportDialog *>(u"exportDialog"_s);
}

// The first record the export engine writes for `options`, read here on the test's own connection.
QByteArray TstExportPreview::engineRecord(exporting::ExportOptions options)
{
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    if (!ds)
        return {};
    return exporting::Exporter(*ds, options).preview(1, &error).value(0);
}

void TstExportPreview::firstExportIsOfferedAFolderThatExists()
{
    // A fresh machine: a home without a Documents folder.
    const QString home = m_dir->filePath(u"home"_s);
    QVERIFY(QDir().mkpath(home));
    qputenv("HOME", home.toUtf8());
    qputenv("XDG_CONFIG_HOME", (home + u"/.config"_s).toUtf8());
    qunsetenv("XDG_DOCUMENTS_DIR");
    openWindow(50);

    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    auto *target = dialog->findChild<QLineEdit *>(u"exportTarget"_s);
    QCOMPARE(QFileInfo(target->text()).absolutePath(), QFileInfo(home).absoluteFilePath());
    QVERIFY2(!QFileInfo::exists(home + u"/Documents"_s), "nothing is created silently");
    dialog->reject();

    // With a documents folder, that one; a remembered folder that has gone is not offered.
    QVERIFY(QDir().mkpath(home + u"/Documents"_s));
    QSettings().setValue(u"export/folder"_s, m_dir->filePath(u"gone"_s));
    QTRY_VERIFY(!m_window->findChild<ExportDialog *>(u"exportDialog"_s));
    dialog = openExportDialog();
    QVERIFY(dialog);
    target = dialog->findChild<QLineEdit *>(u"exportTarget"_s);
    QCOMPARE(QFileInfo(target->text()).absolutePath(), QFileInfo(home + u"/Documents"_s).absoluteFilePath());
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"gone"_s)));
}

void TstExportPreview::sampleIsTheExportEnginesRecord()
{
    openWindow(120);
    // No selection: the first pair the export takes, in the chosen format.
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::OpenAiChat);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->preview()->sampleText().isEmpty(), kTimeout);
    QByteArray expected = engineRecord(dialog->options());
    QVERIFY(expected.contains("\"messages\""));
    QCOMPARE(dialog->preview()->sampleText(), QString::fromUtf8(expected).trimmed());

    // Another option (anonymization off) gives the engine's other record.
    dialog->findChild<QCheckBox *>(u"exportAnonymize"_s)->setChecked(false);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->preview()->sampleText().isEmpty(), kTimeout);
    QCOMPARE(dialog->preview()->sampleText(), QString::fromUtf8(engineRecord(dialog->options())).trimmed());
    dialog->reject();
    QTRY_VERIFY(!m_window->findChild<ExportDialog *>(u"exportDialog"_s));

    // A selected pair is the sample.
    clickRow(7);
    QTRY_VERIFY(m_window->model()->pairAt(7));
    const qint64 rowId = m_window->model()->pairAt(7)->rowId;
    dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::Csv);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->preview()->sampleText().isEmpty(), kTimeout);
    exporting::ExportOptions o = dialog->options();
    o.filter = {};
    o.filter.rowIds = {rowId};
    o.filter.restrictToRowIds = true;
    o.review = exporting::ReviewScope::IncludeRejected;
    o.includeFailed = true;
    expected = engineRecord(o);
    QVERIFY(expected.contains(m_window->model()->pairAt(7)->pairId.toUtf8()));
    QCOMPARE(dialog->preview()->sampleText(), QString::fromUtf8(expected).trimmed());
}

void TstExportPreview::commandLineMatchesTheOptionsAndCopies()
{
    openWindow(60);
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::AnthropicChat);
    dialog->setScope(ExportDialog::Scope::Everything);
    dialog->setTarget(m_dir->filePath(u"chat export.jsonl"_s));
    dialog->findChild<QCheckBox *>(u"exportGzip"_s)->setChecked(true);
    dialog->findChild<QPlainTextEdit *>(u"exportTemplate"_s)->setPlainText(u"Q: {question}"_s);
    const QString command = dialog->preview()->commandText();
    QCOMPARE(command, exporting::exportCommand(dialog->options(), m_path).shellText());
    QVERIFY2(command.contains(u"--format anthropic-chat"_s), qPrintable(command));
    QVERIFY2(command.contains(u"--gzip"_s), qPrintable(command));
    QVERIFY2(command.contains(u"--template 'Q: {question}'"_s), qPrintable(command));
    QVERIFY2(command.contains(u"'"_s + m_dir->filePath(u"chat export.jsonl"_s) + u"'"_s),
             qPrintable(command));

    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"exportCopyCommand"_s), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), command);
}

void TstExportPreview::commandLineNamesTheSelectedPairs()
{
    openWindow(60);
    QTableView *view = m_window->tableView();
    view->selectionModel()->select(QItemSelection(view->model()->index(2, 0), view->model()->index(4, 0)),
                                   QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QStringList ids;
    for (int row = 2; row <= 4; ++row)
        ids << m_window->model()->pairAt(row)->pairId;
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setScope(ExportDialog::Scope::Selection);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->preview()->commandText().contains(u"--ids"_s), kTimeout);
    const QString command = dialog->preview()->commandText();
    for (const QString &id : ids)
        QVERIFY2(command.contains(id), qPrintable(command));
    QVERIFY(!dialog->findChild<QLabel *>(u"exportCommandNote"_s)->isVisibleTo(dialog));
}

void TstExportPreview::choicesAreRememberedAcrossRuns()
{
    openWindow(60);
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::PromptCompletion);
    dialog->setScope(ExportDialog::Scope::Everything);
    dialog->setTarget(m_dir->filePath(u"remembered.jsonl"_s));
    dialog->findChild<QCheckBox *>(u"exportAnonymize"_s)->setChecked(false);
    dialog->findChild<QCheckBox *>(u"exportSplit"_s)->setChecked(true);
    dialog->findChild<QDoubleSpinBox *>(u"exportSplitRatio"_s)->setValue(0.75);
    dialog->findChild<QCheckBox *>(u"exportIncludeFailed"_s)->setChecked(true);
    auto *review = dialog->findChild<QComboBox *>(u"exportReview"_s);
    review->setCurrentIndex(review->findData(int(exporting::ReviewScope::IncludeRejected)));
    dialog->findChild<QPlainTextEdit *>(u"exportTemplate"_s)->setPlainText(u"Ask: {question}"_s);
    QSignalSpy finished(dialog, &ExportDialog::exportFinished);
    dialog->startExport();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeout);
    QVERIFY(finished.at(0).at(0).value<exporting::ExportResult>().ok);
    QTRY_VERIFY(!m_window->findChild<ExportDialog *>(u"exportDialog"_s));

    // A new window (as after a restart) offers the same choices, anonymization on again.
    m_window.reset();
    openWindowOnDataset(60);
    dialog = openExportDialog();
    QVERIFY(dialog);
    const exporting::ExportOptions o = dialog->options();
    QCOMPARE(o.format, exporting::Format::PromptCompletion);
    QCOMPARE(QFileInfo(o.target).absolutePath(), QFileInfo(m_dir->path()).absoluteFilePath());
    QVERIFY(o.anonymize);
    QCOMPARE(o.split, 0.75);
    QVERIFY(o.includeFailed);
    QCOMPARE(o.review, exporting::ReviewScope::IncludeRejected);
    QCOMPARE(o.promptTemplate, u"Ask: {question}"_s);
}

void TstExportPreview::progressAtOnceAndResultWithSeparators()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    openWindow(1200);
    UrlCatcher catcher;
    QDesktopServices::setUrlHandler(u"file"_s, &catcher, "openUrl");
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::Jsonl);
    dialog->setScope(ExportDialog::Scope::Everything);
    const QString folder = m_dir->filePath(u"out"_s);
    QVERIFY(QDir().mkpath(folder));
    dialog->setTarget(folder + u"/all.jsonl"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->countsText().isEmpty(), kTimeout);
    dialog->startExport();
    // At once, before the worker reports anything: visible, with the total expected.
    auto *progress = dialog->findChild<QProgressDialog *>(u"exportProgress"_s);
    QVERIFY(progress);
    QVERIFY(progress->isVisible());
    QVERIFY2(progress->labelText().contains(u"of 1,200 pairs"_s), qPrintable(progress->labelText()));
    QVERIFY(progress->maximum() > 0);

    QTRY_VERIFY_WITH_TIMEOUT(m_window->findChild<QMessageBox *>(u"exportResult"_s), kTimeout);
    auto *box = m_window->findChild<QMessageBox *>(u"exportResult"_s);
    QVERIFY2(box->text().contains(u"Exported 1,200 pair"_s), qPrintable(box->text()));
    auto *open = box->findChild<QPushButton *>(u"exportOpenFolder"_s);
    QVERIFY(open);
    QTest::mouseClick(open, Qt::LeftButton);
    QCOMPARE(catcher.urls, QList<QUrl>{QUrl::fromLocalFile(QFileInfo(folder).absoluteFilePath())});
    QVERIFY(box->isVisible()); // the result stays to be read
}

void TstExportPreview::promptTemplateEditorIsTallEnough()
{
    openWindow(20);
    ExportDialog *dialog = openExportDialog();
    QVERIFY(dialog);
    dialog->setFormat(exporting::Format::Alpaca);
    auto *editor = dialog->findChild<QPlainTextEdit *>(u"exportTemplate"_s);
    QVERIFY(editor && editor->isEnabled());
    QTRY_VERIFY(editor->isVisible());
    QVERIFY2(editor->height() >= 4 * editor->fontMetrics().lineSpacing(),
             qPrintable(QString::number(editor->height())));
    QVERIFY(!editor->placeholderText().isEmpty()); // the format's default, to read and adapt
}

void TstExportPreview::recordAsExportedStartsInTheLastFormat()
{
    QSettings().setValue(u"export/format"_s, u"openai-chat"_s); // as the dialog leaves it
    openWindow(20);
    auto *format = m_window->findChild<QComboBox *>(u"recordFormat"_s);
    QVERIFY(format);
    QCOMPARE(exporting::Format(format->currentData().toInt()), exporting::Format::OpenAiChat);
}

QTEST_MAIN(TstExportPreview)
#include "tst_exportpreview.moc"
