// Privacy decisions taken in the window's pair pane: "Not personal data (everywhere)" on a finding
// and "Mark as personal data" on a selection, each written to the dataset (decisions, PII kinds),
// shown at once in the preview, and undone and redone from the Edit menu; "Not personal data in
// this pair" decides for the selected pair alone.
#include "datasetsession.h"
#include "detailpane.h"
#include "guitestutil.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "windowtest.h"

#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "privacy/anonymizer.h"

#include <QAction>
#include <QMenu>
#include <QPlainTextEdit>
#include <QTextCursor>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {
// The student is written in lower case: a capitalised "Omar Johnson" is found as a name (issue 15).
const QString kQuestion = u"Which courses does omar johnson take? Student id 123456789"_s;
const QString kSql = u"SELECT title FROM course WHERE student = 'omar johnson' AND stuid = '123456789'"_s;
} // namespace

class TstPrivacyPane : public test::WindowTest
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void notPersonalDataUndoAndRedo();
    void markSelectionAsPersonalData();
    void notPersonalDataInThisPair();

private:
    void openOnSpiderPair();
    QList<privacy::Decision> decisions();
    quint32 piiMask();
    QAction *undoAction() const { return m_window->findChild<QAction *>(u"actionUndo"_s); }
    QAction *redoAction() const { return m_window->findChild<QAction *>(u"actionRedo"_s); }
    DetailPane *pane() const { return m_window->findChild<DetailPane *>(); }
    qint64 m_rowId = 0;
    int m_row = -1;
};

void TstPrivacyPane::initTestCase()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
}

void TstPrivacyPane::init()
{
    initWindowTest();
}

void TstPrivacyPane::cleanup()
{
    cleanupWindowTest();
}

void TstPrivacyPane::openOnSpiderPair()
{
    QVERIFY(test::makeDemoDataset(m_path, 20));
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        QVERIFY2(ds, qPrintable(error));
        Pair p;
        p.pairId = u"spider-1"_s;
        p.naturalLanguageQuery = kQuestion;
        p.sqlQuery = kSql;
        p.timestamp = u"2024-03-01T10:00:00Z"_s;
        p.databaseType = u"sqlite"_s;
        PairStore store(*ds);
        QCOMPARE(store.add({p}).added, 1);
        m_rowId = store.getByPairId(u"spider-1"_s)->rowId;
    }
    openWindowOnDataset(21);
    int row = -1;
    for (int r = 0; r < m_window->model()->rowCount() && row < 0; ++r) {
        QTRY_VERIFY(m_window->model()->pairAt(r));
        if (m_window->model()->pairAt(r)->rowId == m_rowId)
            row = r;
    }
    QVERIFY(row >= 0);
    m_row = row;
    clickRow(row);
    QTRY_COMPARE(pane()->rowId(), m_rowId);
    QCOMPARE(pane()->originalQuestion()->toPlainText(), kQuestion);
}

QList<privacy::Decision> TstPrivacyPane::decisions()
{
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    return ds ? privacy::Config::fromSettings(test::storedSettings(*ds)).decisions
              : QList<privacy::Decision>{};
}

quint32 TstPrivacyPane::piiMask()
{
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    return ds ? PairStore(*ds).get(m_rowId)->piiMask : 0xffffffffu;
}

void TstPrivacyPane::notPersonalDataUndoAndRedo()
{
    openOnSpiderPair();
    // The student id is read as an SSN.
    QVERIFY(!pane()->anonymizedQuestion()->toPlainText().contains(u"123456789"_s));
    QVERIFY(!pane()->anonymizedSql()->toPlainText().contains(u"123456789"_s));
    QCOMPARE(piiMask(), quint32(PiiKind::Ssn));
    m_window->model()->setPreview(true);
    const QModelIndex question = m_window->model()->index(m_row, PairTableModel::Question);
    QVERIFY(!question.data().toString().contains(u"123456789"_s));

    QObject owner;
    // Nothing to decide away from a finding.
    QVERIFY(pane()->privacyActions(pane()->originalQuestion(), 2, &owner).isEmpty());
    const QList<QAction *> actions = pane()->privacyActions(
        pane()->originalQuestion(), int(kQuestion.indexOf(u"123456789"_s)) + 3, &owner);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions[0]->objectName(), u"notPersonalDataHere"_s);
    QCOMPARE(actions[1]->objectName(), u"notPersonalData"_s);
    actions[1]->trigger();

    QTRY_COMPARE(pane()->anonymizedQuestion()->toPlainText(), kQuestion);
    QTRY_COMPARE(pane()->anonymizedSql()->toPlainText(), kSql);
    QCOMPARE(decisions(), (QList<privacy::Decision>{{privacy::Decision::Type::NotPii, u"123456789"_s}}));
    QCOMPARE(piiMask(), 0u);
    // The table's preview (anonymized cells) and PII column follow too.
    QTRY_VERIFY(question.data().toString().contains(u"123456789"_s));
    QTRY_COMPARE(m_window->model()->pairAt(m_row)->piiMask, 0u);
    QTRY_VERIFY(undoAction()->isEnabled());
    QCOMPARE(undoAction()->text().remove(u'&'), u"Undo Not personal data"_s);

    undoAction()->trigger();
    QTRY_VERIFY(!pane()->anonymizedQuestion()->toPlainText().contains(u"123456789"_s));
    QVERIFY(decisions().isEmpty());
    QCOMPARE(piiMask(), quint32(PiiKind::Ssn));
    QTRY_VERIFY(!question.data().toString().contains(u"123456789"_s));

    QTRY_VERIFY(redoAction()->isEnabled());
    redoAction()->trigger();
    QTRY_COMPARE(pane()->anonymizedQuestion()->toPlainText(), kQuestion);
    QCOMPARE(decisions().size(), 1);
    QCOMPARE(piiMask(), 0u);
}

void TstPrivacyPane::markSelectionAsPersonalData()
{
    openOnSpiderPair();
    QVERIFY(pane()->anonymizedQuestion()->toPlainText().contains(u"omar johnson"_s));
    QPlainTextEdit *view = pane()->originalQuestion();
    QTextCursor cursor(view->document());
    const int start = int(kQuestion.indexOf(u"omar"_s));
    cursor.setPosition(start);
    cursor.setPosition(start + 12, QTextCursor::KeepAnchor);
    view->setTextCursor(cursor);

    QObject owner;
    const QList<QAction *> actions = pane()->privacyActions(view, start + 1, &owner);
    QCOMPARE(actions.size(), 1);
    QCOMPARE(actions[0]->objectName(), u"markPersonalData"_s);
    QVERIFY(actions[0]->menu());
    QAction *custom = actions[0]->menu()->findChild<QAction *>(u"mark_custom"_s);
    QVERIFY(custom);
    QVERIFY(actions[0]->menu()->findChild<QAction *>(u"mark_email"_s));
    custom->trigger();

    // In the question and in the SQL literal, the same replacement.
    QTRY_VERIFY(pane()->anonymizedQuestion()->toPlainText().contains(u"<MARKED>"_s));
    QVERIFY(!pane()->anonymizedQuestion()->toPlainText().contains(u"omar"_s));
    QTRY_VERIFY(pane()->anonymizedSql()->toPlainText().contains(u"'<MARKED>'"_s));
    QCOMPARE(decisions(),
             (QList<privacy::Decision>{{privacy::Decision::Type::Mark, u"omar johnson"_s, PiiKind::Custom}}));
    QCOMPARE(piiMask(), quint32(PiiKind::Ssn) | quint32(PiiKind::Custom));
    QTRY_COMPARE(undoAction()->text().remove(u'&'), u"Undo Mark as personal data (custom)"_s);

    undoAction()->trigger();
    QTRY_VERIFY(pane()->anonymizedQuestion()->toPlainText().contains(u"omar johnson"_s));
    QVERIFY(decisions().isEmpty());
    QCOMPARE(piiMask(), quint32(PiiKind::Ssn));
}

void TstPrivacyPane::notPersonalDataInThisPair()
{
    openOnSpiderPair();
    qint64 otherRowId = 0;
    { // Another pair with the same student id: it stays personal data there.
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        QVERIFY2(ds, qPrintable(error));
        Pair p;
        p.pairId = u"spider-2"_s;
        p.naturalLanguageQuery = u"Grades of student 123456789"_s;
        p.sqlQuery = u"SELECT grade FROM enrolment WHERE stuid = '123456789'"_s;
        p.timestamp = u"2024-03-02T10:00:00Z"_s;
        p.databaseType = u"sqlite"_s;
        PairStore store(*ds);
        QCOMPARE(store.add({p}).added, 1);
        otherRowId = store.getByPairId(u"spider-2"_s)->rowId;
    }
    QObject owner;
    const QList<QAction *> actions =
        pane()->privacyActions(pane()->originalSql(), int(kSql.indexOf(u"123456789"_s)) + 1, &owner);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(actions[0]->objectName(), u"notPersonalDataHere"_s);
    actions[0]->trigger();

    QTRY_VERIFY(pane()->anonymizedSql()->toPlainText().contains(u"stuid = '123456789'"_s));
    QVERIFY(pane()->anonymizedQuestion()->toPlainText().contains(u"123456789"_s));
    privacy::Decision expected{privacy::Decision::Type::NotPii, u"123456789"_s};
    expected.pairId = u"spider-1"_s;
    QCOMPARE(decisions(), QList<privacy::Decision>{expected});
    QTRY_COMPARE(piiMask() & quint32(PiiKind::Ssn), 0u);
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        QVERIFY2(ds, qPrintable(error));
        QCOMPARE(PairStore(*ds).get(otherRowId)->piiMask & quint32(PiiKind::Ssn), quint32(PiiKind::Ssn));
    }
    QTRY_COMPARE(undoAction()->text().remove(u'&'), u"Undo Not personal data in this pair"_s);
    undoAction()->trigger();
    QTRY_VERIFY(!pane()->anonymizedSql()->toPlainText().contains(u"123456789"_s));
    QVERIFY(decisions().isEmpty());
    QCOMPARE(piiMask() & quint32(PiiKind::Ssn), quint32(PiiKind::Ssn));
}

QTEST_MAIN(TstPrivacyPane)
#include "tst_privacypane.moc"
