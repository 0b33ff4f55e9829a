#pragma once

#include <QDialog>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QUndoStack;

namespace pairlens::ui {

class DatasetSession;
class PairTableModel;

// The trash: deleted pairs, to restore or to purge for good (after a confirmation).
class TrashDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TrashDialog(DatasetSession *session, QWidget *parent = nullptr);

    PairTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    // The current pair in full: question, SQL, pair id, database, when it was deleted, the note.
    QPlainTextEdit *preview() const { return m_preview; }

    // Restores push a command here, so that Edit > Undo moves the pairs back to the trash.
    void setUndoStack(QUndoStack *undo) { m_undo = undo; }

    // Asks before purging; tests replace it.
    std::function<bool(const QString &)> confirm;

public slots:
    void restoreSelected();
    void restoreAll();
    void purgeSelected();
    void purgeAll();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void updateState();
    void updatePreview();
    void restoreWith(const struct WriteRequest &request);

    DatasetSession *m_session;
    PairTableModel *m_model;
    QTableView *m_view;
    QPlainTextEdit *m_preview = nullptr;
    QLabel *m_status;
    QPushButton *m_restore;
    QPushButton *m_restoreAll;
    QPushButton *m_purge;
    QPushButton *m_purgeAll;
    QUndoStack *m_undo = nullptr;
    bool m_fitted = false;
};

} // namespace pairlens::ui
