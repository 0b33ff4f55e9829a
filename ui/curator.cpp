#include "curator.h"

#include "commands.h"
#include "datasetsession.h"
#include "pairdialog.h"
#include "pairtablemodel.h"

#include <QInputDialog>
#include <QMessageBox>
#include <QTableView>
#include <QUndoStack>

#include <algorithm>

namespace pairlens::ui {

Curator::Curator(DatasetSession *session, PairTableModel *model, QTableView *view, QUndoStack *undo,
                 QWidget *window)
    : QObject(window), m_session(session), m_model(model), m_view(view), m_undo(undo), m_window(window)
{
    confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(m_window, title, text, QMessageBox::Yes | QMessageBox::Cancel,
                                     QMessageBox::Cancel) == QMessageBox::Yes;
    };
    editPair = [this](bool add, Pair *pair) {
        PairDialog dialog(add ? PairDialog::Mode::Add : PairDialog::Mode::Edit, *pair, {}, m_window);
        if (dialog.exec() != QDialog::Accepted)
            return false;
        *pair = dialog.pair();
        return true;
    };
    askPairId = [this] {
        return QInputDialog::getText(m_window, tr("Go to Pair"), tr("Pair id:")).trimmed();
    };
    connect(session->worker(), &DatasetWorker::pairLocated, this,
            [this](const QString &pairId, qint64 row, bool exists, bool deleted) {
                if (row >= 0)
                    selectRow(int(row));
                else if (!exists)
                    emit message(tr("No pair has the id %1.").arg(pairId));
                else if (deleted)
                    emit message(tr("Pair %1 is in the trash (Edit > Trash).").arg(pairId));
                else
                    emit message(
                        tr("Pair %1 is hidden by the filter; clear the filters to see it.").arg(pairId));
            });
    connect(session->worker(), &DatasetWorker::nextFound, this, [this](quint64, qint64 row) {
        if (row < 0)
            emit message(tr("No unreviewed pair after this one."));
        else
            selectRow(int(row));
    });
}

qint64 Curator::selectedCount() const
{
    return PairTableModel::selectedRowCount(m_view->selectionModel()->selection());
}

void Curator::review(ReviewStatus status)
{
    if (!m_session->isOpen() || m_session->isReadOnly())
        return;
    const QItemSelection selection = m_view->selectionModel()->selection();
    const qint64 n = PairTableModel::selectedRowCount(selection);
    if (n == 0) {
        emit message(tr("Select the pairs to review first."));
        return;
    }
    WriteRequest r;
    r.kind = WriteKind::Review;
    r.status = status;
    r.selection = m_model->selectionFor(selection);
    // Thousands of pairs are resolved and written by the worker, in chunks; the command that undoes
    // them holds their row ids and each one's previous status.
    m_session->write(r, [this, status](const WriteResult &result) {
        if (result.ok && !result.rowIds.isEmpty())
            m_undo->push(new ReviewCommand(m_session, status, result.rowIds, result.previousByStatus));
    });
    // Reviewing one pair at a time moves on to the next, so A, A, R, ... walks through the table.
    if (n == 1)
        move(1);
}

void Curator::deleteSelected()
{
    const qint64 n = selectedCount();
    if (!m_session->isOpen() || m_session->isReadOnly() || n == 0)
        return;
    const QString text =
        n == 1 ? tr("Delete the selected pair? You can undo this with Ctrl+Z or restore it from "
                    "the trash.")
               : tr("Delete %n selected pairs? You can undo this with Ctrl+Z or restore them "
                    "from the trash.",
                    nullptr, int(n));
    if (!confirm(tr("Delete Pairs"), text))
        return;
    // The pair after the deleted ones takes the first one's row: the reviewer goes on from there.
    const QItemSelection selection = m_view->selectionModel()->selection();
    int first = m_model->rowCount();
    for (const QItemSelectionRange &range : selection)
        first = std::min(first, range.top());
    deleteWith(m_model->selectionFor(selection), n, first);
}

void Curator::deleteMatching()
{
    const qint64 n = m_model->matchingCount();
    if (!m_session->isOpen() || m_session->isReadOnly() || n == 0)
        return;
    const bool all = m_model->filter().isEmpty();
    const QString text = all ? tr("Delete all %n pairs of the dataset? You can undo this with Ctrl+Z or "
                                  "restore them from the trash.",
                                  nullptr, int(n))
                             : tr("Delete the %n pairs matching the filter? You can undo this with Ctrl+Z or "
                                  "restore them from the trash.",
                                  nullptr, int(n));
    if (!confirm(tr("Delete Pairs"), text))
        return;
    Selection s;
    s.filter = m_model->filter();
    s.sort = m_model->currentSort();
    s.wholeFilter = true;
    deleteWith(s, n, 0);
}

void Curator::deleteWith(const Selection &selection, qint64 count, int selectAfter)
{
    Q_UNUSED(count);
    m_view->clearSelection();
    WriteRequest r;
    r.kind = WriteKind::Delete;
    r.selection = selection;
    m_session->write(r, [this, selectAfter](const WriteResult &result) {
        if (!result.ok || result.count == 0)
            return;
        // The table is counted again after the delete; then the row is there to select.
        connect(
            m_model, &PairTableModel::countChanged, this,
            [this, selectAfter] { selectRow(std::min(selectAfter, m_model->rowCount() - 1)); },
            Qt::SingleShotConnection);
        m_undo->push(new DeleteCommand(m_session, result.rowIds, result.batch, result.count));
        emit message(result.count == 1 ? tr("1 pair moved to the trash.")
                                       : tr("%n pairs moved to the trash.", nullptr, int(result.count)));
    });
}

void Curator::editCurrent()
{
    if (!m_session->isOpen() || m_session->isReadOnly())
        return;
    const Pair *current = m_model->pairAt(m_view->currentIndex().row());
    if (!current)
        return;
    Pair pair = *current;
    if (!editPair(false, &pair))
        return;
    WriteRequest r;
    r.kind = WriteKind::Edit;
    r.rowId = pair.rowId;
    r.question = pair.naturalLanguageQuery;
    r.sql = pair.sqlQuery;
    m_session->write(r, [this, r](const WriteResult &result) {
        if (result.ok && (result.previousQuestion != r.question || result.previousSql != r.sql))
            m_undo->push(new EditCommand(m_session, r.rowId, result.previousQuestion, result.previousSql,
                                         r.question, r.sql));
    });
}

void Curator::addPair()
{
    if (!m_session->isOpen() || m_session->isReadOnly())
        return;
    Pair pair;
    pair.executionTimeMs = -1;
    if (!editPair(true, &pair))
        return;
    pair.timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    WriteRequest r;
    r.kind = WriteKind::Add;
    r.pair = pair;
    m_session->write(r, [this](const WriteResult &result) {
        if (!result.ok)
            return;
        if (!result.rowIds.isEmpty())
            m_undo->push(new RestoreCommand(m_session, result.rowIds, RestoreCommand::Kind::Add));
        emit message(tr("Pair added."));
    });
}

void Curator::saveNote(qint64 rowId, const QString &before, const QString &after)
{
    if (!m_session->isOpen() || m_session->isReadOnly())
        return;
    // Pushed at once, in the order typed: the command's first redo writes the note. (Pushed from a
    // write's reply instead, a reply arriving after an undo started a new history and lost the redo.)
    m_undo->push(new NoteCommand(m_session, rowId, before, after));
}

void Curator::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    const QModelIndex index = m_model->index(row, PairTableModel::Question);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void Curator::move(int delta)
{
    const int rows = m_model->rowCount();
    if (rows == 0)
        return;
    const int current =
        m_view->currentIndex().isValid() ? m_view->currentIndex().row() : (delta > 0 ? -1 : rows);
    selectRow(std::clamp(current + delta, 0, rows - 1));
}

void Curator::goToPair()
{
    if (!m_session->isOpen())
        return;
    const QString pairId = askPairId();
    if (!pairId.isEmpty())
        goToPairId(pairId);
}

void Curator::goToPairId(const QString &pairId)
{
    // A loaded row answers at once; otherwise the worker finds the pair's row in the view's order.
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const Pair *p = m_model->pairAt(row);
        if (p && p->pairId == pairId) {
            selectRow(row);
            return;
        }
    }
    m_session->requestLocate(pairId, m_model->filter(), m_model->currentSort());
}

void Curator::nextUnreviewed()
{
    const int from = m_view->currentIndex().isValid() ? m_view->currentIndex().row() + 1 : 0;
    // The loaded rows answer at once; beyond them the worker looks further.
    for (int row = from; row < m_model->rowCount(); ++row) {
        const Pair *p = m_model->pairAt(row);
        if (!p)
            break;
        if (p->reviewStatus == ReviewStatus::Unreviewed) {
            selectRow(row);
            return;
        }
    }
    m_session->requestNextUnreviewed(0, m_model->filter(), m_model->currentSort(), from);
}

} // namespace pairlens::ui
