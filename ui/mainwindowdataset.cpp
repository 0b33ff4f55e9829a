// MainWindow's datasets: opening, creating and closing them, the demo, importing files into the
// open one (menu, drag and drop), and the recent datasets (the rest of the class is in mainwindow.cpp
// and mainwindowactions.cpp).
#include "datasetsession.h"
#include "detailpane.h"
#include "emptystate.h"
#include "importdialog.h"
#include "infobar.h"
#include "mainwindow.h"
#include "trashdialog.h"

#include "storage/storage.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMimeData>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QUndoStack>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

const QStringList kImportSuffixes = {u"jsonl"_s, u"ndjson"_s, u"json"_s, u"csv"_s};
constexpr int kMaxRecent = 8;

} // namespace

bool MainWindow::openDataset(const QString &path, bool readOnly)
{
    if (path.isEmpty())
        return false;
    if (!path.startsWith(u"postgres"_s) && !QFileInfo::exists(path)) {
        showError(tr("The dataset %1 does not exist.").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    if (!path.startsWith(u"postgres"_s) && isPairFile(path)) {
        importAsNewDataset(path);
        return false;
    }
    closeDataset();
    m_pendingOpen = path;
    m_session->open(path, readOnly ? Dataset::Mode::ReadOnly : Dataset::Mode::OpenExisting);
    return true;
}

void MainWindow::newDataset(const QString &path)
{
    closeDataset();
    m_pendingOpen = path;
    m_session->createNew(path);
}

void MainWindow::openDemo()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(u"demo.pairlens"_s);
    closeDataset();
    m_pendingOpen = path;
    statusBar()->showMessage(tr("Creating the demo dataset…"));
    m_session->createDemo(path, 5000);
}

void MainWindow::openLastDataset()
{
    const QString last = QSettings().value(u"lastDataset"_s).toString();
    if (!last.isEmpty() && QFileInfo::exists(last))
        openDataset(last);
}

void MainWindow::closeDataset()
{
    if (!m_session->isOpen())
        return;
    m_detail->setPair(nullptr, nullptr);
    if (m_trash)
        m_trash->close();
    m_undo->clear();
    m_session->close();
    m_externalBar->hide();
    m_readOnlyBar->hide();
    m_stack->setCurrentWidget(m_empty);
    m_empty->setRecent(recentDatasets());
    setWindowTitle(tr("PairLens"));
    updateActions();
    updateStatus();
}

void MainWindow::onOpened(const OpenInfo &info)
{
    m_pendingOpen.clear();
    m_errorBar->hide();
    m_stack->setCurrentWidget(m_tabs);
    // On the first start the columns are sized to the window once the table is laid out
    // (afterwards the user's widths are restored).
    m_fitPending = !m_columnsFitted;
    // A PostgreSQL dataset is named by its URL (PairLens never shows a password).
    const QString name = info.postgres ? info.location : QFileInfo(info.location).fileName();
    setWindowTitle(info.readOnly ? tr("%1 [read-only] – PairLens").arg(name) : tr("%1 – PairLens").arg(name));
    const QString readOnlyText =
        tr("This dataset is read-only: you can browse, filter and preview it, but not "
           "review, edit, import or delete.");
    m_readOnlyBar->setText(info.readOnlyReason.isEmpty() ? readOnlyText
                                                         : info.readOnlyReason + u' ' + readOnlyText);
    m_readOnlyBar->setVisible(info.readOnly);
    m_detail->setReadOnly(info.readOnly);
    m_choicesPending = true; // asked for once the first rows are on their way
    rememberRecent(info.location);
    QSettings().setValue(u"lastDataset"_s, info.location);
    if (info.migrated)
        statusBar()->showMessage(tr("The dataset was upgraded to the current format."), 8000);
    updateActions();
    updateStatus();
    emit datasetOpened(info.location);
    if (!m_importAfterOpen.isEmpty())
        importFiles(std::exchange(m_importAfterOpen, {}));
}

void MainWindow::onOpenFailed(const QString &location, const QString &error, const QString &details)
{
    m_pendingOpen.clear();
    m_importAfterOpen.clear();
    statusBar()->clearMessage();
    Q_UNUSED(location);
    showError(error, details);
    m_openOtherButton->show();
    m_stack->setCurrentWidget(m_empty);
}

void MainWindow::importFiles(const QStringList &files)
{
    if (files.isEmpty())
        return;
    if (!m_session->isOpen()) {
        // One file dropped on (or chosen in) a window with no dataset: the same offer as opening it.
        if (files.size() == 1 && m_pendingOpen.isEmpty())
            importAsNewDataset(files.first());
        else
            showError(tr("Open or create a dataset first, then import files into it."));
        return;
    }
    if (m_session->isReadOnly()) {
        showError(tr("The dataset is read-only; nothing can be imported into it."));
        return;
    }
    // A PostgreSQL dataset is connected to with the password typed (in memory only).
    startImport(m_session->connectLocation(), files, false,
                [this] { m_session->refresh([this](const WriteResult &) { m_externalBar->hide(); }); });
}

void MainWindow::startImport(const QString &location, const QStringList &files, bool createsDataset,
                             const std::function<void()> &done)
{
    auto *dialog = new ImportDialog(location, files, this);
    dialog->setObjectName(u"importDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setCreatesDataset(createsDataset);
    connect(dialog, &ImportDialog::importFinished, this, [this, done](const ImportReport &report) {
        done();
        if (!report.fatalError.isEmpty())
            showError(tr("The import failed: %1").arg(report.fatalError));
        else
            statusBar()->showMessage(ImportDialog::summary(report, 1).section(u':', 1).trimmed(), 8000);
    });
    dialog->show();
    dialog->start();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls()) {
        for (const QUrl &url : event->mimeData()->urls()) {
            if (url.isLocalFile()) {
                event->acceptProposedAction();
                return;
            }
        }
    }
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList imports;
    QString dataset;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (!url.isLocalFile())
            continue;
        const QString path = url.toLocalFile();
        if (kImportSuffixes.contains(QFileInfo(path).suffix().toLower()))
            imports << path;
        else if (dataset.isEmpty())
            dataset = path;
    }
    event->acceptProposedAction();
    if (!dataset.isEmpty())
        openDataset(dataset); // a dataset file opens; files dropped with it are ignored
    else
        importFiles(imports);
}

QStringList MainWindow::recentDatasets() const
{
    return QSettings().value(u"recentDatasets"_s).toStringList();
}

void MainWindow::rememberRecent(const QString &path)
{
    QStringList recent = recentDatasets();
    const QString absolute = isPostgresLocation(path) ? path : QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(u"recentDatasets"_s, recent);
    m_empty->setRecent(recent);
}

void MainWindow::chooseAndOpen(bool readOnly)
{
    const QString path =
        QFileDialog::getOpenFileName(this, readOnly ? tr("Open Dataset Read-Only") : tr("Open Dataset"), {},
                                     tr("PairLens datasets (*.pairlens *.db *.sqlite);;All files (*)"));
    if (!path.isEmpty())
        openDataset(path, readOnly);
}

void MainWindow::chooseAndCreate()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Dataset"), tr("pairs.pairlens"),
                                                tr("PairLens datasets (*.pairlens)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += u".pairlens"_s;
    newDataset(path);
}

void MainWindow::chooseAndImport()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Import Pairs"), {}, tr("Pairs (*.jsonl *.ndjson *.json *.csv);;All files (*)"));
    importFiles(files);
}

} // namespace pairlens::ui
