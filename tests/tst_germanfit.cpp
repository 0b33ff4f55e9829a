// No clipped widget in German at 1280x800 (issue 16): in the main window (toolbar, table header,
// status bar) and the dialogs (export, trash, privacy settings), every label's and button's width
// is at least its size hint (a word-wrapped label: its height holds its text at that width).
#include "datasetsession.h"
#include "exportdialog.h"
#include "privacysettingsdialog.h"
#include "trashdialog.h"
#include "windowtest.h"

#include <QAbstractButton>
#include <QAction>
#include <QLabel>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstGermanFit : public test::WindowTest
{
    Q_OBJECT
private slots:
    void init() { initWindowTest(); }
    void cleanup() { cleanupWindowTest(); }
    void windowAndDialogsFitInGerman();
};

namespace {

// The visible labels and buttons of `top` narrower than their size hint (or, wrapped, shorter
// than their text), described for the failure message.
QStringList clippedIn(QWidget *top)
{
    QStringList clipped;
    for (QWidget *w : top->findChildren<QWidget *>()) {
        if (!w->isVisible() || w->width() <= 0)
            continue;
        auto *label = qobject_cast<QLabel *>(w);
        auto *button = qobject_cast<QAbstractButton *>(w);
        if (!label && !button)
            continue;
        if (label && (label->text().isEmpty() || !label->pixmap().isNull()))
            continue;
        if (button && button->text().isEmpty()) // an icon (the docks' close buttons): no text to cut
            continue;
        bool fits = true;
        if (label && label->wordWrap())
            fits = label->height() >= label->heightForWidth(label->width());
        else
            fits = w->width() >= w->sizeHint().width();
        if (!fits)
            clipped << u"%1 '%2' (%3x%4 of %5x%6)"_s
                           .arg(QString::fromLatin1(w->metaObject()->className()),
                                label ? label->text().left(40) : button->text())
                           .arg(w->width())
                           .arg(w->height())
                           .arg(w->sizeHint().width())
                           .arg(w->sizeHint().height());
    }
    return clipped;
}

} // namespace

void TstGermanFit::windowAndDialogsFitInGerman()
{
    const test::GermanUi german;
    QVERIFY(german.loaded());
    openWindow();
    m_window->resize(1280, 800);
    clickRow(1);
    QTest::qWait(100);
    QStringList clipped = clippedIn(m_window.get());
    QVERIFY2(clipped.isEmpty(), qPrintable(u"window: "_s + clipped.join(u"; "_s)));

    m_window->findChild<QAction *>(u"actionExport"_s)->trigger();
    auto *exportDialog = m_window->findChild<ExportDialog *>(u"exportDialog"_s);
    QVERIFY(exportDialog);
    QTRY_VERIFY(exportDialog->isVisible());
    QTest::qWait(100);
    clipped = clippedIn(exportDialog);
    exportDialog->reject();
    QVERIFY2(clipped.isEmpty(), qPrintable(u"export: "_s + clipped.join(u"; "_s)));

    m_window->showTrash();
    QTRY_VERIFY(m_window->trashDialog() && m_window->trashDialog()->isVisible());
    QTest::qWait(100);
    clipped = clippedIn(m_window->trashDialog());
    m_window->trashDialog()->close();
    QVERIFY2(clipped.isEmpty(), qPrintable(u"trash: "_s + clipped.join(u"; "_s)));

    PrivacySettingsDialog privacy(privacy::Config{}, false, m_window.get());
    privacy.show();
    QVERIFY(QTest::qWaitForWindowExposed(&privacy));
    QTest::qWait(100);
    clipped = clippedIn(&privacy);
    QVERIFY2(clipped.isEmpty(), qPrintable(u"privacy settings: "_s + clipped.join(u"; "_s)));
}

QTEST_MAIN(TstGermanFit)
#include "tst_germanfit.moc"
