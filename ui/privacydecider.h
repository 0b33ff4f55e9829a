#pragma once

#include "privacy/anonymizer.h"

#include <QObject>

class QUndoStack;

namespace pairlens::ui {

class DatasetSession;

// The window's privacy decisions: a value "not personal data" everywhere, or marked as personal
// data of a kind. Each goes to the dataset through the session's worker (stored, audited, PII kinds
// rescanned) and, once written, onto the undo stack.
class PrivacyDecider : public QObject
{
    Q_OBJECT
public:
    PrivacyDecider(DatasetSession *session, QUndoStack *undo, QObject *parent = nullptr);

public slots:
    void decide(const pairlens::privacy::Decision &decision);

private:
    DatasetSession *m_session;
    QUndoStack *m_undo;
};

} // namespace pairlens::ui
