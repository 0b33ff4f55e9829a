#include "commands.h"

#include "datasetsession.h"

#include <QCoreApplication>

namespace pairlens::ui {

DeleteCommand::DeleteCommand(DatasetSession *session, const QList<qint64> &rowIds, qint64 batch, qint64 count)
    : m_session(session), m_rowIds(rowIds), m_state(std::make_shared<State>())
{
    m_state->batch = batch;
    setText(count == 1
                ? QCoreApplication::translate("DeleteCommand", "Delete 1 pair")
                : QCoreApplication::translate("DeleteCommand", "Delete %n pairs", nullptr, int(count)));
}

void DeleteCommand::undo()
{
    WriteRequest r;
    if (m_state->busy) {
        // A redo is still on its way, so its batch number isn't known yet: restore the same pairs.
        r.kind = WriteKind::Restore;
        r.selection.rowIds = m_rowIds;
        r.selection.filter.scope = Filter::Scope::Deleted;
    } else {
        r.kind = WriteKind::RestoreBatch;
        r.batch = m_state->batch;
    }
    m_session->write(r);
}

void DeleteCommand::redo()
{
    if (m_firstRedo) {
        m_firstRedo = false; // the delete itself ran before the command was pushed
        return;
    }
    WriteRequest r;
    r.kind = WriteKind::Redelete;
    r.selection.rowIds = m_rowIds;
    // The state outlives the command if the stack drops it before the worker answers.
    m_state->busy = true;
    m_session->write(r, [state = m_state](const WriteResult &result) {
        state->busy = false;
        if (result.ok)
            state->batch = result.batch;
    });
}

} // namespace pairlens::ui
