// MainWindow and PostgreSQL datasets (issue 18): File > Connect to PostgreSQL… and File > Copy
// Dataset To (a new dataset file or a PostgreSQL schema, with pairlens copy's engine on a pool
// thread, with progress and cancel). The rest of the class is in mainwindow*.cpp.
#include "connectdialog.h"
#include "datasetsession.h"
#include "mainwindow.h"

#include "storage/storage.h"
#include "storage/storagecopy.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QProgressDialog>
#include <QStatusBar>
#include <QTimer>
#include <QtConcurrent>

#include <atomic>
#include <memory>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

QStringList MainWindow::recentConnections() const
{
    QStringList urls;
    for (const QString &location : recentDatasets()) {
        if (isPostgresLocation(location))
            urls << location;
    }
    return urls;
}

ConnectDialog *MainWindow::connectToPostgres(const QString &prefill)
{
    auto *dialog = new ConnectDialog(ConnectDialog::Mode::Open, recentConnections(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString initial = prefill.isEmpty() ? recentConnections().value(0) : prefill;
    if (!initial.isEmpty())
        dialog->setLocation(initial);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { openDataset(dialog->location()); });
    dialog->open();
    return dialog;
}

void MainWindow::chooseCopyTarget(bool postgres)
{
    if (!m_session->isOpen())
        return;
    if (!postgres) {
        QString path = QFileDialog::getSaveFileName(this, tr("Copy Dataset To"), tr("copy.pairlens"),
                                                    tr("PairLens datasets (*.pairlens)"), nullptr,
                                                    QFileDialog::DontConfirmOverwrite);
        if (path.isEmpty())
            return;
        if (QFileInfo(path).suffix().isEmpty())
            path += u".pairlens"_s;
        copyDatasetTo(path);
        return;
    }
    auto *dialog = new ConnectDialog(ConnectDialog::Mode::Target, recentConnections(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { copyDatasetTo(dialog->location()); });
    dialog->open();
}

void MainWindow::copyDatasetTo(const QString &target)
{
    if (!m_session->isOpen() || m_copyRunning)
        return;
    m_copyRunning = true;
    const QString source = m_session->connectLocation();
    // Shown without a password: a target typed in the connect dialog may have one.
    QUrl shownUrl(target);
    shownUrl.setPassword({});
    const QString shown = isPostgresLocation(target) ? shownUrl.toString() : QDir::toNativeSeparators(target);
    auto cancel = std::make_shared<std::atomic_bool>(false);
    auto done = std::make_shared<std::atomic<qint64>>(0);
    auto *progress =
        new QProgressDialog(tr("Copying the dataset to %1…").arg(shown), tr("Cancel"), 0,
                            int(std::max<qint64>(1, m_session->liveTotal() + m_session->trashTotal())), this);
    progress->setObjectName(u"copyProgress"_s);
    progress->setWindowTitle(tr("Copy Dataset"));
    progress->setMinimumDuration(300);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    connect(progress, &QProgressDialog::canceled, this, [cancel] { cancel->store(true); });
    auto *timer = new QTimer(progress);
    connect(timer, &QTimer::timeout, progress, [progress, done] { progress->setValue(int(done->load())); });
    timer->start(100);
    auto *watcher = new QFutureWatcher<CopyReport>(this);
    connect(watcher, &QFutureWatcher<CopyReport>::finished, this, [this, watcher, progress, shown] {
        watcher->deleteLater();
        progress->deleteLater();
        m_copyRunning = false;
        const CopyReport r = watcher->result();
        if (r.cancelled) {
            statusBar()->showMessage(tr("The copy was cancelled; nothing was written."), 8000);
        } else if (!r.error.isEmpty()) {
            showError(r.error);
        } else {
            QStringList said{
                tr("Copied %n pairs to %1.", nullptr, int(std::min<qint64>(r.pairs, INT_MAX))).arg(shown)};
            said << r.warnings; // e.g. that a lost connection made it start again
            statusBar()->showMessage(said.join(u' '), r.warnings.isEmpty() ? 10000 : 30000);
        }
        emit copyFinished(r.error.isEmpty() && !r.cancelled, r.cancelled ? tr("cancelled") : r.error);
    });
    watcher->setFuture(QtConcurrent::run([source, target, cancel, done] {
        return copyDataset(
            source, target,
            Progress([done](qint64 d, qint64, const QString &) { done->store(d); }, cancel.get()));
    }));
}

} // namespace pairlens::ui
