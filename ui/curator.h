#pragma once

#include "dataset/pair.h"

#include <QObject>

#include <functional>

class QTableView;
class QUndoStack;
class QWidget;

namespace pairlens::ui {

class DatasetSession;
class PairTableModel;

// What a reviewer does to the pairs in the table: review (approve / reject / reset), delete the
// selection or everything matching the filter (undoable), edit or add a pair, and move through the
// pairs (next, previous, next unreviewed). The window owns the actions; this does the work.
class Curator : public QObject
{
    Q_OBJECT
public:
    Curator(DatasetSession *session, PairTableModel *model, QTableView *view, QUndoStack *undo,
            QWidget *window);

    // Asks before deleting (tests replace it). Returns true to go ahead.
    std::function<bool(const QString &title, const QString &text)> confirm;
    // Runs a pair dialog (tests replace it). Returns false when cancelled.
    std::function<bool(bool add, Pair *pair)> editPair;
    // Asks for a pair id (tests replace it). Empty when cancelled.
    std::function<QString()> askPairId;

    qint64 selectedCount() const;

public slots:
    void approve() { review(ReviewStatus::Approved); }
    void reject() { review(ReviewStatus::Rejected); }
    void resetReview() { review(ReviewStatus::Unreviewed); }
    void review(pairlens::ReviewStatus status);
    void deleteSelected();
    void deleteMatching();
    void editCurrent();
    void addPair();
    void next() { move(1); }
    void previous() { move(-1); }
    void nextUnreviewed();
    // Ctrl+G: asks for a pair id and selects that pair in the table.
    void goToPair();
    void goToPairId(const QString &pairId);
    void saveNote(qint64 rowId, const QString &before, const QString &after);

signals:
    void message(const QString &text);

private:
    void move(int delta);
    void selectRow(int row);
    // Deletes; then selects the row `selectAfter` (or the last one) of the table counted anew.
    void deleteWith(const struct Selection &selection, qint64 count, int selectAfter);

    DatasetSession *m_session;
    PairTableModel *m_model;
    QTableView *m_view;
    QUndoStack *m_undo;
    QWidget *m_window;
};

} // namespace pairlens::ui
