// ExportDialog, continued: what the dialog says when an export has finished.
#include "exportdialog.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

using exporting::ExportResult;

QString ExportDialog::summary(const ExportResult &r)
{
    QStringList paths;
    for (const exporting::ExportedFile &f : r.files)
        paths << QDir::toNativeSeparators(f.path);
    QString text = r.manifestPath.isEmpty()
                       ? tr("Exported %Ln pair(s) to %1.", nullptr, int(r.count)).arg(paths.join(u", "_s))
                       : tr("Exported %Ln pair(s) to %1 (manifest: %2).", nullptr, int(r.count))
                             .arg(paths.join(u", "_s), QDir::toNativeSeparators(r.manifestPath));
    if (r.scope.rejected > 0)
        text += u' ' + tr("%Ln rejected pair(s) left out.", nullptr, int(r.scope.rejected));
    if (r.scope.unreviewed > 0)
        text += u' ' + tr("%Ln pair(s) not approved left out.", nullptr, int(r.scope.unreviewed));
    if (r.scope.failed > 0)
        text += u' ' + tr("%Ln failed pair(s) left out.", nullptr, int(r.scope.failed));
    if (r.duplicates > 0)
        text += u' ' + tr("%Ln duplicate(s) removed.", nullptr, int(r.duplicates));
    return text;
}

void ExportDialog::finish(const ExportResult &result)
{
    m_result = result;
    m_running = false;
    m_state.reset();
    if (m_progress) {
        for (QTimer *t : m_progress->findChildren<QTimer *>(Qt::FindDirectChildrenOnly))
            t->stop();
        m_progress->deleteLater();
        m_progress = nullptr;
    }
    m_exportButton->setEnabled(true);
    emit exportFinished(result);
    if (result.cancelled) {
        showProblem(tr("Export cancelled; nothing was written."));
        return;
    }
    if (!result.ok) {
        showProblem(result.error.isEmpty() ? tr("The export failed.") : result.error);
        return;
    }
    QString text = summary(result);
    for (const QString &w : result.warnings)
        text += u'\n' + tr("Warning: %1").arg(w);
    auto *box =
        new QMessageBox(QMessageBox::Information, tr("Export"), text, QMessageBox::Ok, parentWidget());
    box->setObjectName(u"exportResult"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    if (!result.files.isEmpty()) {
        QPushButton *open = box->addButton(tr("Open Folder"), QMessageBox::ActionRole);
        open->setObjectName(u"exportOpenFolder"_s);
        const QString folder = QFileInfo(result.files.constFirst().path).absolutePath();
        // An action button would close the box: open the folder and leave the box up.
        disconnect(open, &QAbstractButton::clicked, nullptr, nullptr);
        connect(open, &QPushButton::clicked, box,
                [folder] { QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); });
    }
    box->open();
    accept();
}

} // namespace pairlens::ui
