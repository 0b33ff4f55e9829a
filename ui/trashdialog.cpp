#include "trashdialog.h"

#include "commands.h"
#include "datasetsession.h"
#include "pairtablemodel.h"
#include "pairtableview.h"

#include <QShowEvent>
#include <QTimer>

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QUndoStack>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

TrashDialog::TrashDialog(DatasetSession *session, QWidget *parent)
    : QDialog(parent), m_session(session), m_model(new PairTableModel(session, Filter::Scope::Deleted, this))
{
    setWindowTitle(tr("Trash"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Deleted pairs stay here until you purge them. Restore brings them back "
                                "into the dataset; purge removes them for good."));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_view = new QTableView;
    m_view->setObjectName(u"trashView"_s);
    m_view->setModel(m_model);
    setUpPairTable(m_view);
    // When each pair was deleted is what the trash is about: first, where no scrolling hides it
    // (the row number, which the table shows first, says nothing here).
    m_view->horizontalHeader()->setSectionHidden(PairTableModel::Added, true);
    m_view->horizontalHeader()->moveSection(
        m_view->horizontalHeader()->visualIndex(PairTableModel::DeletedAt), 0);
    // The selected pair in full below the table, to decide whether to restore it.
    m_preview = new QPlainTextEdit;
    m_preview->setObjectName(u"trashPreview"_s);
    m_preview->setReadOnly(true);
    m_preview->setPlaceholderText(tr("Select a pair to see its question and SQL in full."));
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_view);
    splitter->addWidget(m_preview);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);

    m_status = new QLabel;
    m_status->setObjectName(u"trashStatus"_s);
    layout->addWidget(m_status);

    auto *buttons = new QDialogButtonBox;
    m_restore = buttons->addButton(tr("&Restore Selected"), QDialogButtonBox::ActionRole);
    m_restore->setObjectName(u"restoreSelected"_s);
    m_restoreAll = buttons->addButton(tr("Restore &All"), QDialogButtonBox::ActionRole);
    m_restoreAll->setObjectName(u"restoreAll"_s);
    m_purge = buttons->addButton(tr("&Purge Selected…"), QDialogButtonBox::ActionRole);
    m_purge->setObjectName(u"purgeSelected"_s);
    m_purgeAll = buttons->addButton(tr("Purge A&ll…"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_restore, &QPushButton::clicked, this, &TrashDialog::restoreSelected);
    connect(m_restoreAll, &QPushButton::clicked, this, &TrashDialog::restoreAll);
    connect(m_purge, &QPushButton::clicked, this, &TrashDialog::purgeSelected);
    connect(m_purgeAll, &QPushButton::clicked, this, &TrashDialog::purgeAll);
    layout->addWidget(buttons);

    connect(m_model, &PairTableModel::countChanged, this, &TrashDialog::updateState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrashDialog::updateState);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TrashDialog::updateState);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &TrashDialog::updatePreview);
    connect(m_model, &PairTableModel::pageArrived, this, &TrashDialog::updatePreview);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrashDialog::updatePreview);
    confirm = [this](const QString &text) {
        return QMessageBox::warning(this, tr("Purge"), text, QMessageBox::Yes | QMessageBox::Cancel,
                                    QMessageBox::Cancel) == QMessageBox::Yes;
    };
    updateState();
    resize(1000, 560);
}

void TrashDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    if (!m_fitted) {
        m_fitted = true;
        QTimer::singleShot(0, this, [this] { fitPairColumns(m_view); });
    }
}

void TrashDialog::updatePreview()
{
    const QModelIndex current = m_view->currentIndex();
    const Pair *p = current.isValid() ? m_model->pairAt(current.row()) : nullptr;
    if (!p) {
        m_preview->clear();
        return;
    }
    const QString deleted = m_model->index(current.row(), PairTableModel::DeletedAt).data().toString();
    QString text = tr("Question:") + u'\n' + p->naturalLanguageQuery + u"\n\n"_s + tr("SQL:") + u'\n' +
                   p->sqlQuery + u"\n\n"_s;
    QStringList facts{p->pairId, p->databaseName.isEmpty() ? p->databaseType
                                                           : p->databaseType + u" · "_s + p->databaseName};
    if (!deleted.isEmpty())
        facts << tr("deleted %1 UTC").arg(deleted);
    if (!p->reviewerNote.isEmpty())
        facts << tr("note: %1").arg(p->reviewerNote);
    text += facts.join(u" · "_s);
    if (m_preview->toPlainText() != text)
        m_preview->setPlainText(text);
}

void TrashDialog::updateState()
{
    const qint64 selected = PairTableModel::selectedRowCount(m_view->selectionModel()->selection());
    const qint64 total = m_model->matchingCount();
    m_status->setText(
        total == 0 ? tr("The trash is empty.")
                   : (total == 1 ? tr("1 deleted pair") : tr("%n deleted pairs", nullptr, int(total))) +
                         (selected ? tr(", %1 selected").arg(selected) : QString()));
    const bool writable = m_session->isOpen() && !m_session->isReadOnly();
    m_restore->setEnabled(writable && selected > 0);
    m_purge->setEnabled(writable && selected > 0);
    m_restoreAll->setEnabled(writable && total > 0);
    m_purgeAll->setEnabled(writable && total > 0);
}

void TrashDialog::restoreSelected()
{
    WriteRequest r;
    r.kind = WriteKind::Restore;
    r.selection = m_model->selectionFor(m_view->selectionModel()->selection());
    if (r.selection.rowIds.isEmpty() && r.selection.ranges.isEmpty())
        return;
    m_view->clearSelection();
    restoreWith(r);
}

void TrashDialog::restoreAll()
{
    WriteRequest r;
    r.kind = WriteKind::Restore;
    r.selection.filter.scope = Filter::Scope::Deleted;
    r.selection.wholeFilter = true;
    restoreWith(r);
}

void TrashDialog::restoreWith(const WriteRequest &request)
{
    QPointer<QUndoStack> undo = m_undo;
    m_session->write(request, [session = m_session, undo](const WriteResult &result) {
        if (undo && result.ok && !result.rowIds.isEmpty())
            undo->push(new RestoreCommand(session, result.rowIds));
    });
}

void TrashDialog::purgeSelected()
{
    const qint64 n = PairTableModel::selectedRowCount(m_view->selectionModel()->selection());
    if (n == 0 || !confirm(n == 1 ? tr("Purge the selected pair for good? This cannot be undone.")
                                  : tr("Purge %n pairs for good? This cannot be undone.", nullptr, int(n))))
        return;
    WriteRequest r;
    r.kind = WriteKind::Purge;
    r.selection = m_model->selectionFor(m_view->selectionModel()->selection());
    m_view->clearSelection();
    m_session->write(r);
}

void TrashDialog::purgeAll()
{
    const qint64 n = m_model->matchingCount();
    if (n == 0 ||
        !confirm(tr("Purge all %n pairs in the trash for good? This cannot be undone.", nullptr, int(n))))
        return;
    WriteRequest r;
    r.kind = WriteKind::Purge;
    r.selection.filter.scope = Filter::Scope::Deleted;
    r.selection.wholeFilter = true;
    m_session->write(r);
}

} // namespace pairlens::ui
