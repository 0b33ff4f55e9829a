#pragma once

// A base for the tests that drive the main window: a fresh temporary folder with isolated
// settings per test function, a dataset path in it, and the window opened on demo pairs.
// Derived test classes call initWindowTest() / cleanupWindowTest() from their init() / cleanup().
#include "curator.h"
#include "filterpanel.h"
#include "guitestutil.h"
#include "mainwindow.h"
#include "pairtablemodel.h"

#include <QKeySequence>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace pairlens::test {

class WindowTest : public QObject
{
protected:
    void initWindowTest()
    {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        isolateSettings(*m_dir);
        m_path = m_dir->filePath(QStringLiteral("pairs.pairlens"));
    }

    void cleanupWindowTest()
    {
        m_window.reset();
        m_dir.reset();
    }

    // The window on `pairs` demo pairs, every confirmation answered yes, filters quick to react.
    void openWindow(int pairs = 300)
    {
        QVERIFY(makeDemoDataset(m_path, pairs));
        openWindowOnDataset(pairs);
    }

    // The window on the dataset at m_path, which holds `pairs` pairs.
    void openWindowOnDataset(int pairs)
    {
        m_window = std::make_unique<ui::MainWindow>();
        m_window->filterPanel()->setDebounceInterval(50);
        m_window->curator()->confirm = [](const QString &, const QString &) { return true; };
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->activateWindow();
        QVERIFY(m_window->openDataset(m_path));
        QTRY_COMPARE(m_window->model()->rowCount(), pairs);
        QTRY_VERIFY(m_window->model()->pairAt(0));
    }

    void clickRow(int row, Qt::KeyboardModifiers modifiers = {})
    {
        test::clickTableRow(m_window->tableView(), row, modifiers);
    }

    void key(QKeySequence sequence) { QTest::keySequence(m_window->tableView(), sequence); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ui::MainWindow> m_window;
    QString m_path;
};

} // namespace pairlens::test
