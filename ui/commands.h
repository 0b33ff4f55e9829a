#pragma once

#include "dataset/pair.h"
#include "privacy/anonymizer.h"

#include <QList>
#include <QString>
#include <QUndoCommand>

#include <memory>

namespace pairlens::ui {

class DatasetSession;

// The window's curation actions as undo commands. Each is pushed once its write has happened (the
// first redo() does nothing) and refers to pairs by row id, so undo and redo change the same pairs
// whatever the filter, sort or scroll position shows by then.
//
// When another program changed the same pairs in between, undo still writes back what this
// command replaced (the status, note or text each pair had just before it), and redo writes what
// the command wrote: the last change made wins, as with any other writer.

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

// Approve, reject or reset: undo gives each pair back its own previous status (`previousByStatus`:
// row ids by the status, as index, they had). Reviews leave notes alone.
class ReviewCommand : public QUndoCommand
{
public:
    ReviewCommand(DatasetSession *session, ReviewStatus status, const QList<qint64> &rowIds,
                  const QList<QList<qint64>> &previousByStatus);

    void undo() override;
    void redo() override;

private:
    DatasetSession *m_session;
    ReviewStatus m_status;
    QList<qint64> m_rowIds;
    QList<QList<qint64>> m_previous;
    bool m_firstRedo = true;
};

// A reviewer note. Notes are saved while typing, so the saves of one pair's note that follow each
// other merge into one command.
class NoteCommand : public QUndoCommand
{
public:
    NoteCommand(DatasetSession *session, qint64 rowId, const QString &before, const QString &after);

    void undo() override;
    void redo() override;
    int id() const override { return 1; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    void write(const QString &note);

    DatasetSession *m_session;
    qint64 m_rowId;
    QString m_before, m_after;
};

// An edit of a pair's question and SQL (the derived fields follow both ways).
class EditCommand : public QUndoCommand
{
public:
    EditCommand(DatasetSession *session, qint64 rowId, const QString &questionBefore,
                const QString &sqlBefore, const QString &questionAfter, const QString &sqlAfter);

    void undo() override;
    void redo() override;

private:
    void write(const QString &question, const QString &sql);

    DatasetSession *m_session;
    qint64 m_rowId;
    QString m_question[2], m_sql[2]; // before, after
    bool m_firstRedo = true;
};

// Pairs that moved from the trash into the dataset (a restore, or an added pair): undo moves them
// to the trash, redo brings them back.
class RestoreCommand : public QUndoCommand
{
public:
    enum class Kind
    {
        Restore,
        Add
    };
    RestoreCommand(DatasetSession *session, const QList<qint64> &rowIds, Kind kind = Kind::Restore);

    void undo() override;
    void redo() override;

private:
    DatasetSession *m_session;
    QList<qint64> m_rowIds;
    bool m_firstRedo = true;
};

// A change of the dataset's anonymization settings from the Privacy Settings dialog: undo writes
// back the settings as they were.
class PrivacySettingsCommand : public QUndoCommand
{
public:
    PrivacySettingsCommand(DatasetSession *session, const privacy::Config &before,
                           const privacy::Config &after);

    void undo() override;
    void redo() override;

private:
    void write(const privacy::Config &config);

    DatasetSession *m_session;
    privacy::Config m_before, m_after;
    bool m_firstRedo = true; // the change was written before the command was pushed
};

// A change of the dataset's privacy decisions ("not personal data", "mark as personal data"): undo
// writes back the decisions as they were, redo the decisions as the change left them.
class PrivacyDecisionCommand : public QUndoCommand
{
public:
    PrivacyDecisionCommand(DatasetSession *session, const QString &text,
                           const QList<privacy::Decision> &before, const QList<privacy::Decision> &after);

    void undo() override;
    void redo() override;

private:
    void write(const QList<privacy::Decision> &decisions, const QString &how);

    DatasetSession *m_session;
    QList<privacy::Decision> m_before, m_after;
    bool m_firstRedo = true;
};

} // namespace pairlens::ui
