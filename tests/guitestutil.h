#pragma once

// Helpers shared by the GUI tests: isolated settings and paths, and datasets of demo pairs.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "testutil.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

namespace pairlens::test {

// Clicks the question cell of `row` in a window's table (scrolled to it once the layout has
// settled: a pair pane shown by an earlier click takes its room). Fails the test when the row has
// no cell on screen.
inline void clickTableRow(QTableView *view, int row, Qt::KeyboardModifiers modifiers = {})
{
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCoreApplication::processEvents();
    view->scrollTo(view->model()->index(row, 1));
    const QRect rect = view->visualRect(view->model()->index(row, 1));
    QVERIFY(rect.isValid());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, rect.center());
}

// Test-mode standard paths and a settings folder inside `dir`, so no test reads or changes a
// user's configuration.
inline void isolateSettings(const QTemporaryDir &dir)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PairLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("PairLensTest"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.filePath(QStringLiteral("settings")));
    QSettings().clear();
}

// The window in German for one test: PairLens's German translation and the German locale while
// it lives, the previous translation and locale back when it goes. `loaded()` says whether the
// translation was found.
class GermanUi
{
public:
    GermanUi() : m_before(QLocale())
    {
        m_loaded = m_translator.load(QLocale(QStringLiteral("de_DE")), QStringLiteral("pairlens"),
                                     QStringLiteral("_"), QStringLiteral(":/i18n"));
        QCoreApplication::installTranslator(&m_translator);
        QLocale::setDefault(QLocale(QStringLiteral("de_DE")));
    }
    ~GermanUi()
    {
        QCoreApplication::removeTranslator(&m_translator);
        QLocale::setDefault(m_before);
    }
    GermanUi(const GermanUi &) = delete;
    GermanUi &operator=(const GermanUi &) = delete;
    bool loaded() const { return m_loaded; }

private:
    QTranslator m_translator;
    QLocale m_before;
    bool m_loaded = false;
};

} // namespace pairlens::test
