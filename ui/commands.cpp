#include "commands.h"

#include "datasetsession.h"

#include <QCoreApplication>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

QString reviewText(ReviewStatus status, qsizetype n)
{
    const int count = int(n);
    switch (status) {
    case ReviewStatus::Approved:
        return n == 1 ? QCoreApplication::translate("ReviewCommand", "Approve 1 pair")
                      : QCoreApplication::translate("ReviewCommand", "Approve %n pairs", nullptr, count);
    case ReviewStatus::Rejected:
        return n == 1 ? QCoreApplication::translate("ReviewCommand", "Reject 1 pair")
                      : QCoreApplication::translate("ReviewCommand", "Reject %n pairs", nullptr, count);
    case ReviewStatus::Unreviewed:
        break;
    }
    return n == 1 ? QCoreApplication::translate("ReviewCommand", "Mark 1 pair unreviewed")
                  : QCoreApplication::translate("ReviewCommand", "Mark %n pairs unreviewed", nullptr, count);
}

WriteRequest trashAgain(const QList<qint64> &rowIds)
{
    WriteRequest r;
    r.kind = WriteKind::Redelete;
    r.selection.rowIds = rowIds;
    return r;
}

WriteRequest restoreFromTrash(const QList<qint64> &rowIds)
{
    WriteRequest r;
    r.kind = WriteKind::Restore;
    r.selection.rowIds = rowIds;
    r.selection.filter.scope = Filter::Scope::Deleted;
    return r;
}

} // namespace

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
        r = restoreFromTrash(m_rowIds);
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
    // The state outlives the command if the stack drops it before the worker answers.
    m_state->busy = true;
    m_session->write(trashAgain(m_rowIds), [state = m_state](const WriteResult &result) {
        state->busy = false;
        if (result.ok)
            state->batch = result.batch;
    });
}

ReviewCommand::ReviewCommand(DatasetSession *session, ReviewStatus status, const QList<qint64> &rowIds,
                             const QList<QList<qint64>> &previousByStatus)
    : m_session(session), m_status(status), m_rowIds(rowIds), m_previous(previousByStatus)
{
    // Pairs that had the new status already were not changed: undo leaves them as they are.
    if (int(status) < m_previous.size())
        m_previous[int(status)].clear();
    setText(reviewText(status, rowIds.size()));
}

void ReviewCommand::undo()
{
    WriteRequest r;
    r.kind = WriteKind::ReviewRestore;
    r.byStatus = m_previous;
    m_session->write(r);
}

void ReviewCommand::redo()
{
    if (m_firstRedo) {
        m_firstRedo = false;
        return;
    }
    WriteRequest r;
    r.kind = WriteKind::Review;
    r.status = m_status;
    r.selection.rowIds = m_rowIds;
    r.selection.filter.scope = Filter::Scope::All;
    m_session->write(r);
}

NoteCommand::NoteCommand(DatasetSession *session, qint64 rowId, const QString &before, const QString &after)
    : m_session(session), m_rowId(rowId), m_before(before), m_after(after)
{
    setText(QCoreApplication::translate("NoteCommand", "Edit note"));
}

bool NoteCommand::mergeWith(const QUndoCommand *other)
{
    const auto *next = static_cast<const NoteCommand *>(other); // same id(): a NoteCommand
    if (next->m_rowId != m_rowId)
        return false;
    m_after = next->m_after;
    setObsolete(m_after == m_before); // typed and deleted again: nothing to undo
    return true;
}

void NoteCommand::write(const QString &note)
{
    WriteRequest r;
    r.kind = WriteKind::Note;
    r.rowId = m_rowId;
    r.note = note;
    m_session->write(r);
}

void NoteCommand::undo()
{
    write(m_before);
}

void NoteCommand::redo()
{
    write(m_after); // also the first time: pushing the command saves the note
}

EditCommand::EditCommand(DatasetSession *session, qint64 rowId, const QString &questionBefore,
                         const QString &sqlBefore, const QString &questionAfter, const QString &sqlAfter)
    : m_session(session),
      m_rowId(rowId), m_question{questionBefore, questionAfter}, m_sql{sqlBefore, sqlAfter}
{
    setText(QCoreApplication::translate("EditCommand", "Edit pair"));
}

void EditCommand::write(const QString &question, const QString &sql)
{
    WriteRequest r;
    r.kind = WriteKind::Edit;
    r.rowId = m_rowId;
    r.question = question;
    r.sql = sql;
    m_session->write(r);
}

void EditCommand::undo()
{
    write(m_question[0], m_sql[0]);
}

void EditCommand::redo()
{
    if (m_firstRedo) {
        m_firstRedo = false;
        return;
    }
    write(m_question[1], m_sql[1]);
}

RestoreCommand::RestoreCommand(DatasetSession *session, const QList<qint64> &rowIds, Kind kind)
    : m_session(session), m_rowIds(rowIds)
{
    const int n = int(rowIds.size());
    if (kind == Kind::Add)
        setText(QCoreApplication::translate("RestoreCommand", "Add pair"));
    else
        setText(n == 1 ? QCoreApplication::translate("RestoreCommand", "Restore 1 pair")
                       : QCoreApplication::translate("RestoreCommand", "Restore %n pairs", nullptr, n));
}

void RestoreCommand::undo()
{
    m_session->write(trashAgain(m_rowIds));
}

void RestoreCommand::redo()
{
    if (m_firstRedo) {
        m_firstRedo = false;
        return;
    }
    m_session->write(restoreFromTrash(m_rowIds));
}

PrivacySettingsCommand::PrivacySettingsCommand(DatasetSession *session, const privacy::Config &before,
                                               const privacy::Config &after)
    : m_session(session), m_before(before), m_after(after)
{
    setText(QCoreApplication::translate("PrivacySettingsCommand", "Change privacy settings"));
}

void PrivacySettingsCommand::write(const privacy::Config &config)
{
    WriteRequest r;
    r.kind = WriteKind::PrivacySettings;
    r.config = config;
    m_session->write(r);
}

void PrivacySettingsCommand::undo()
{
    write(m_before);
}

void PrivacySettingsCommand::redo()
{
    if (m_firstRedo) {
        m_firstRedo = false;
        return;
    }
    write(m_after);
}

PrivacyDecisionCommand::PrivacyDecisionCommand(DatasetSession *session, const QString &text,
                                               const QList<privacy::Decision> &before,
                                               const QList<privacy::Decision> &after)
    : m_session(session), m_before(before), m_after(after)
{
    setText(text);
}

void PrivacyDecisionCommand::write(const QList<privacy::Decision> &decisions, const QString &how)
{
    WriteRequest r;
    r.kind = WriteKind::PrivacyDecisions;
    r.decisions = decisions;
    r.change = QJsonObject{{how, text()}};
    m_session->write(r);
}

void PrivacyDecisionCommand::undo()
{
    write(m_before, u"undo"_s);
}

void PrivacyDecisionCommand::redo()
{
    if (m_firstRedo) {
        m_firstRedo = false;
        return;
    }
    write(m_after, u"redo"_s);
}

} // namespace pairlens::ui
