#pragma once

#include <QList>
#include <QUndoCommand>

#include <memory>

namespace pairlens::ui {

class DatasetSession;

// Undo for a delete that has already happened: undo restores the delete's batch from the trash,
// redo moves the same pairs (by row id) to the trash again, as a new batch.
class DeleteCommand : public QUndoCommand
{
public:
    DeleteCommand(DatasetSession *session, const QList<qint64> &rowIds, qint64 batch, qint64 count);

    void undo() override;
    void redo() override;

private:
    struct State
    {
        qint64 batch = 0;
        bool busy = false;
    };

    DatasetSession *m_session;
    QList<qint64> m_rowIds;
    std::shared_ptr<State> m_state;
    bool m_firstRedo = true;
};

} // namespace pairlens::ui
