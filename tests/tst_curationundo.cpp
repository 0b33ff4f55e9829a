// Undo and redo of every curation action in the window (review, note, edit, add, delete, restore),
// driven by clicks and keys on the offscreen platform, with the dataset's content checked through
// PairStore on the real file after each step.
#include "curator.h"
#include "datasetsession.h"
#include "detailpane.h"
#include "filterpanel.h"
#include "guitestutil.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "trashdialog.h"
#include "windowtest.h"

#include <QAction>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QUndoStack>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstCurationUndo : public test::WindowTest
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void reviewUndoRestoresEachPairsOwnStatus();
    void reviewOfThousandsUndoes();
    void undoAfterAnotherProgramChangedThePair();
    void noteUndoAndRedo();
    void noteUndoBeforeTheSaveIsAnswered();
    void editUndoAndRedo();
    void addUndoAndRedo();
    void restoreFromTrashUndoes();

private:
    QString undoText() const;
    QString redoText() const;
    std::optional<Pair> pair(qint64 rowId);
    // Waits until the window's worker has done every write posted so far.
    void settleWrites();
    qint64 count(const Filter &filter = {});
    void setStatus(const QList<qint64> &rowIds, ReviewStatus status);
    QList<ReviewStatus> statuses(const QList<qint64> &rowIds);
};

void TstCurationUndo::initTestCase()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
}

void TstCurationUndo::init()
{
    initWindowTest();
}

void TstCurationUndo::cleanup()
{
    cleanupWindowTest();
}

QString TstCurationUndo::undoText() const
{
    return m_window->findChild<QAction *>(u"actionUndo"_s)->text().remove(u'&');
}

QString TstCurationUndo::redoText() const
{
    return m_window->findChild<QAction *>(u"actionRedo"_s)->text().remove(u'&');
}

void TstCurationUndo::settleWrites()
{
    // The worker takes requests in order: once a refresh posted now is answered, every write
    // posted before it is done.
    bool answered = false;
    m_window->session()->refresh([&answered](const WriteResult &) { answered = true; });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 20000);
}

std::optional<Pair> TstCurationUndo::pair(qint64 rowId)
{
    // Read-only, so that the test's reads take no lock beside the window's writes. A read that
    // fails gives a pair no assertion accepts: the fields of an empty optional read as "" and
    // unreviewed, so a QTRY stopped early on them and the check after it failed (a note test
    // failed so, once in three fresh-machine runs, with "20000 ms would have been sufficient").
    QString error;
    const auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    std::optional<Pair> p = ds ? PairStore(*ds).get(rowId) : std::nullopt;
    if (!p) {
        Pair unreadable;
        unreadable.pairId = unreadable.naturalLanguageQuery = unreadable.sqlQuery = unreadable.reviewerNote =
            u"(unreadable: %1)"_s.arg(ds ? u"no such pair"_s : error);
        unreadable.reviewStatus = ReviewStatus(-1);
        p = unreadable;
    }
    return p;
}

qint64 TstCurationUndo::count(const Filter &filter)
{
    QString error;
    const auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    return ds ? PairStore(*ds).count(filter) : -1;
}

// Another program (here: this test through its own connection) reviews pairs.
void TstCurationUndo::setStatus(const QList<qint64> &rowIds, ReviewStatus status)
{
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    Filter f;
    f.rowIds = rowIds;
    f.restrictToRowIds = true;
    f.scope = Filter::Scope::All;
    PairStore store(*ds);
    QVERIFY2(store.setReviewStatus(f, status), qPrintable(store.errorString()));
}

QList<ReviewStatus> TstCurationUndo::statuses(const QList<qint64> &rowIds)
{
    QList<ReviewStatus> out;
    for (qint64 id : rowIds)
        out << pair(id)->reviewStatus;
    return out;
}

void TstCurationUndo::reviewUndoRestoresEachPairsOwnStatus()
{
    openWindow();
    PairTableModel *model = m_window->model();
    QList<qint64> ids;
    for (int row = 0; row < 6; ++row)
        ids << model->pairAt(row)->rowId;
    // Mixed statuses before the review: two approved, two rejected, two unreviewed.
    setStatus(ids.mid(0, 2), ReviewStatus::Approved);
    setStatus(ids.mid(2, 2), ReviewStatus::Rejected);
    const QList<ReviewStatus> before = statuses(ids);
    QCOMPARE(before, (QList<ReviewStatus>{ReviewStatus::Approved, ReviewStatus::Approved,
                                          ReviewStatus::Rejected, ReviewStatus::Rejected,
                                          ReviewStatus::Unreviewed, ReviewStatus::Unreviewed}));

    clickRow(0);
    clickRow(5, Qt::ShiftModifier);
    key(QKeySequence(u"R"_s));
    QTRY_COMPARE(statuses(ids), QList<ReviewStatus>(6, ReviewStatus::Rejected));
    QTRY_COMPARE(undoText(), u"Undo Reject 6 pairs"_s);

    // The stack survives a filter change: the command knows its pairs by row id.
    QTest::keyClicks(m_window->filterPanel()->searchEdit(), u"zzznomatch"_s);
    QTRY_COMPARE(model->rowCount(), 0);

    QVERIFY(m_window->findChild<QAction *>(u"actionUndo"_s)->isEnabled());
    key(QKeySequence::Undo);
    QTRY_COMPARE(statuses(ids), before);
    QCOMPARE(redoText(), u"Redo Reject 6 pairs"_s);
    key(QKeySequence(u"Ctrl+Shift+Z"_s));
    QTRY_COMPARE(statuses(ids), QList<ReviewStatus>(6, ReviewStatus::Rejected));
    key(QKeySequence::Undo);
    QTRY_COMPARE(statuses(ids), before);
    // Pairs outside the selection were never touched.
    Filter reviewed;
    reviewed.reviewStatuses = {int(ReviewStatus::Approved), int(ReviewStatus::Rejected)};
    QCOMPARE(count(reviewed), qint64(4));

    // Approving one pair at a time: each approval is its own step.
    m_window->filterPanel()->searchEdit()->clear();
    QTRY_COMPARE(model->rowCount(), 300);
    clickRow(4);
    key(QKeySequence(u"A"_s));
    QTRY_COMPARE(pair(ids[4])->reviewStatus, ReviewStatus::Approved);
    QTRY_COMPARE(undoText(), u"Undo Approve 1 pair"_s);
    m_window->undoStack()->undo();
    QTRY_COMPARE(pair(ids[4])->reviewStatus, ReviewStatus::Unreviewed);
}

void TstCurationUndo::reviewOfThousandsUndoes()
{
    openWindow(3000);
    PairTableModel *model = m_window->model();
    // Every third pair rejected, every seventh approved, before the reviewer approves them all.
    QList<qint64> all;
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        all = PairStore(*ds).rowIds({}, {PairStore::SortColumn::Id, Qt::AscendingOrder});
    }
    QCOMPARE(all.size(), 3000);
    QList<qint64> rejected, approved;
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (i % 3 == 0)
            rejected << all[i];
        else if (i % 7 == 0)
            approved << all[i];
    }
    setStatus(rejected, ReviewStatus::Rejected);
    setStatus(approved, ReviewStatus::Approved);
    Filter isRejected, isApproved, isUnreviewed;
    isRejected.reviewStatuses = {int(ReviewStatus::Rejected)};
    isApproved.reviewStatuses = {int(ReviewStatus::Approved)};
    isUnreviewed.reviewStatuses = {int(ReviewStatus::Unreviewed)};
    const qint64 unreviewed = 3000 - rejected.size() - approved.size();
    QCOMPARE(count(isUnreviewed), unreviewed);

    clickRow(0);
    QTest::keySequence(m_window->tableView(), QKeySequence::SelectAll);
    QCOMPARE(m_window->curator()->selectedCount(), qint64(3000));
    QTRY_VERIFY(model->pairAt(0));
    key(QKeySequence(u"A"_s));
    QTRY_COMPARE(count(isApproved), qint64(3000));
    QTRY_COMPARE(undoText(), u"Undo Approve 3000 pairs"_s);

    key(QKeySequence::Undo);
    QTRY_COMPARE(count(isUnreviewed), unreviewed);
    QTRY_COMPARE(count(isRejected), qint64(rejected.size()));
    QTRY_COMPARE(count(isApproved), qint64(approved.size()));
    Filter sameRejected = isRejected;
    sameRejected.rowIds = rejected;
    sameRejected.restrictToRowIds = true;
    QCOMPARE(count(sameRejected), qint64(rejected.size())); // each pair got its own status back

    key(QKeySequence(u"Ctrl+Y"_s));
    QTRY_COMPARE(count(isApproved), qint64(3000));
}

void TstCurationUndo::undoAfterAnotherProgramChangedThePair()
{
    openWindow();
    const qint64 id = m_window->model()->pairAt(0)->rowId;
    clickRow(0);
    key(QKeySequence(u"A"_s));
    QTRY_COMPARE(pair(id)->reviewStatus, ReviewStatus::Approved);
    QTRY_COMPARE(undoText(), u"Undo Approve 1 pair"_s);
    // Another program rejects the same pair; undo still writes back what the approval replaced.
    setStatus({id}, ReviewStatus::Rejected);
    m_window->undoStack()->undo();
    QTRY_COMPARE(pair(id)->reviewStatus, ReviewStatus::Unreviewed);
}

void TstCurationUndo::noteUndoAndRedo()
{
    openWindow();
    clickRow(2);
    const qint64 id = m_window->model()->pairAt(2)->rowId;
    QTRY_COMPARE(m_window->detailPane()->rowId(), id);
    QPlainTextEdit *note = m_window->detailPane()->noteEdit();
    note->setFocus();
    QTest::keyClicks(note, u"asks for"_s);
    QTRY_COMPARE(pair(id)->reviewerNote, u"asks for"_s);
    QTest::keyClicks(note, u" a real SSN"_s);
    QTRY_COMPARE(pair(id)->reviewerNote, u"asks for a real SSN"_s);
    // Saves of the same note while typing are one step.
    QTRY_COMPARE(m_window->undoStack()->count(), 1);
    QCOMPARE(undoText(), u"Undo Edit note"_s);

    m_window->tableView()->setFocus();
    m_window->findChild<QAction *>(u"actionUndo"_s)->trigger();
    QTRY_COMPARE(pair(id)->reviewerNote, QString());
    QTRY_COMPARE(note->toPlainText(), QString()); // the pane follows
    m_window->findChild<QAction *>(u"actionRedo"_s)->trigger();
    QTRY_COMPARE(pair(id)->reviewerNote, u"asks for a real SSN"_s);
}

void TstCurationUndo::noteUndoBeforeTheSaveIsAnswered()
{
    // Ctrl+Z at once after Escape saved the note: the save is still on its way to the dataset.
    // The history must already hold it, in order, so that undo and redo are exact.
    openWindow();
    clickRow(3);
    const qint64 id = m_window->model()->pairAt(3)->rowId;
    QTRY_COMPARE(m_window->detailPane()->rowId(), id);
    QPlainTextEdit *note = m_window->detailPane()->noteEdit();
    note->setFocus();
    QTest::keyClicks(note, u"first"_s);
    QTest::keyClick(note, Qt::Key_Escape); // saves now and gives the keys back to the table
    QCOMPARE(m_window->undoStack()->count(), 1);
    note->setFocus();
    note->moveCursor(QTextCursor::End);
    QTest::keyClicks(note, u" and second"_s);
    QTest::keyClick(note, Qt::Key_Escape);
    QCOMPARE(m_window->undoStack()->count(), 1); // one step for one pair's note
    m_window->findChild<QAction *>(u"actionUndo"_s)->trigger();
    // Three writes are queued by now. The note the undo writes back is the one the pair had before
    // the first save landed, so polling for it could stop before any write was done (a fresh-machine
    // run failed so, with "20000 ms would have been sufficient"): wait for the writes, then look.
    settleWrites();
    QCOMPARE(pair(id)->reviewerNote, QString());
    QVERIFY(m_window->undoStack()->canRedo());
    m_window->findChild<QAction *>(u"actionRedo"_s)->trigger();
    settleWrites();
    QCOMPARE(pair(id)->reviewerNote, u"first and second"_s);
    QTRY_COMPARE_WITH_TIMEOUT(note->toPlainText(), u"first and second"_s, 20000);
}

void TstCurationUndo::editUndoAndRedo()
{
    openWindow();
    clickRow(1);
    const Pair original = *m_window->model()->pairAt(1);
    m_window->curator()->editPair = [](bool add, Pair *p) {
        if (add)
            return false;
        p->naturalLanguageQuery = u"How many orders were placed today?"_s;
        p->sqlQuery = u"SELECT COUNT(*) FROM orders WHERE placed_on = CURRENT_DATE"_s;
        return true;
    };
    key(QKeySequence(u"F2"_s));
    QTRY_COMPARE(pair(original.rowId)->naturalLanguageQuery, u"How many orders were placed today?"_s);
    QTRY_COMPARE(undoText(), u"Undo Edit pair"_s);
    key(QKeySequence::Undo);
    QTRY_COMPARE(pair(original.rowId)->naturalLanguageQuery, original.naturalLanguageQuery);
    QCOMPARE(pair(original.rowId)->sqlQuery, original.sqlQuery);
    QCOMPARE(pair(original.rowId)->queryType, original.queryType); // derived fields follow
    key(QKeySequence(u"Ctrl+Shift+Z"_s));
    QTRY_COMPARE(pair(original.rowId)->sqlQuery,
                 u"SELECT COUNT(*) FROM orders WHERE placed_on = CURRENT_DATE"_s);
}

void TstCurationUndo::addUndoAndRedo()
{
    openWindow();
    m_window->curator()->editPair = [](bool add, Pair *p) {
        if (!add)
            return false;
        p->pairId = u"hand-made-1"_s;
        p->naturalLanguageQuery = u"List every product"_s;
        p->sqlQuery = u"SELECT * FROM products"_s;
        p->databaseType = u"sqlite"_s;
        return true;
    };
    key(QKeySequence(u"Ctrl+Shift+N"_s));
    QTRY_COMPARE(count(), qint64(301));
    QTRY_COMPARE(undoText(), u"Undo Add pair"_s);
    QString error;
    const qint64 id = [&] {
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        return PairStore(*ds).getByPairId(u"hand-made-1"_s)->rowId;
    }();
    key(QKeySequence::Undo);
    QTRY_COMPARE(count(), qint64(300));
    QVERIFY(pair(id)->deleted); // in the trash, where it can still be found
    QTRY_COMPARE(m_window->model()->rowCount(), 300);
    key(QKeySequence(u"Ctrl+Shift+Z"_s));
    QTRY_COMPARE(count(), qint64(301));
    QVERIFY(!pair(id)->deleted);
}

void TstCurationUndo::restoreFromTrashUndoes()
{
    openWindow();
    QList<qint64> ids;
    for (int row = 0; row < 3; ++row)
        ids << m_window->model()->pairAt(row)->rowId;
    clickRow(0);
    clickRow(2, Qt::ShiftModifier);
    key(QKeySequence::Delete);
    QTRY_COMPARE(count(), qint64(297));
    key(QKeySequence(u"Ctrl+T"_s));
    TrashDialog *trash = m_window->trashDialog();
    QVERIFY(trash && trash->isVisible());
    QTRY_COMPARE(trash->model()->rowCount(), 3);
    QTest::mouseClick(trash->findChild<QPushButton *>(u"restoreAll"_s), Qt::LeftButton);
    QTRY_COMPARE(count(), qint64(300));
    QTRY_COMPARE(undoText(), u"Undo Restore 3 pairs"_s);
    QTRY_COMPARE(trash->model()->rowCount(), 0);

    m_window->undoStack()->undo();
    QTRY_COMPARE(count(), qint64(297));
    for (qint64 id : ids)
        QVERIFY(pair(id)->deleted);
    QTRY_COMPARE(trash->model()->rowCount(), 3);
    m_window->undoStack()->redo();
    QTRY_COMPARE(count(), qint64(300));
    // Back to before the restore and before the delete.
    m_window->undoStack()->undo();
    QTRY_COMPARE(count(), qint64(297));
    m_window->undoStack()->undo();
    QTRY_COMPARE(count(), qint64(300));
    for (qint64 id : ids)
        QVERIFY(!pair(id)->deleted);
}

QTEST_MAIN(TstCurationUndo)
#include "tst_curationundo.moc"
