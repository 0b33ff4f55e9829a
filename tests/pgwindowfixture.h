#pragma once

// The window on a PostgreSQL dataset (issue 18), shared by tst_pgwindow (browsing, importing,
// exporting, two windows) and tst_pgwindowedit (curating, editing, adding, privacy): the real
// PostgreSQL 15 of the CTest fixture pg_cluster holds a copy of a dataset file (pairlens copy's
// engine, same pairs, same row ids), and the window on it is compared with the window on the file.
#include "connectdialog.h"
#include "curator.h"
#include "dataset/dataset.h"
#include "dataset/privacydecisions.h"
#include "datasetsession.h"
#include "detailpane.h"
#include "export/exporter.h"
#include "exportdialog.h"
#include "exportpreview.h"
#include "filterpanel.h"
#include "guitestutil.h"
#include "importdialog.h"
#include "infobar.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "pgtestutil.h"
#include "privacysettingsdialog.h"
#include "stats/statisticsview.h"
#include "storage/pgstorage.h"
#include "storage/storage.h"
#include "storage/storagecopy.h"
#include "storage/storageprivacy.h"
#include "testutil.h"
#include "trashdialog.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUndoStack>
#include <QUrl>

#include <memory>

namespace pairlens::test {

constexpr int kPgWindowPairs = 300;
constexpr int kWait = 30000; // a bound for a hang, never a timing

// The schema, roles, file and helpers of one test program; setUp() in its initTestCase, tearDown()
// in its cleanupTestCase.
class PgWindowTest : public QObject
{
protected:
    QTemporaryDir m_dir;
    QString m_file;         // the dataset file
    QString m_owner;        // the owner role's URL (psql)
    QString m_url;          // the owner's URL with this run's schema
    QString m_readOnly;     // the read-only role's URL, same schema
    QString m_readOnlyRole; // the read-only role's URL without a schema
    QString m_schema;

    static std::unique_ptr<ui::MainWindow> makeWindow()
    {
        auto w = std::make_unique<ui::MainWindow>();
        w->filterPanel()->setDebounceInterval(50);
        w->curator()->confirm = [](const QString &, const QString &) { return true; };
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get()))
            return nullptr;
        return w;
    }

    static std::unique_ptr<ui::MainWindow> openWindow(const QString &location, bool readOnly = false)
    {
        auto w = makeWindow();
        if (!w || !w->openDataset(location, readOnly))
            return nullptr;
        return w;
    }

    // Waits until the model has counted and loaded its first `n` rows (or all of them).
    static bool loaded(ui::PairTableModel *m, int n)
    {
        // The new sort's own count and rows, not the previous sort's, still on screen until then.
        (void)QTest::qWaitFor([m] { return m->isCurrent(); }, kWait);
        const int rows = std::min(n, m->rowCount());
        (void)QTest::qWaitFor(
            [m, rows] {
                for (int i = 0; i < rows; ++i)
                    if (!m->pairAt(i))
                        return false;
                return true;
            },
            kWait);
        for (int i = 0; i < rows; ++i)
            if (!m->pairAt(i))
                return false;
        return m->isCurrent();
    }

    // The pair ids of the first `n` rows.
    static QStringList firstRows(ui::PairTableModel *m, int n)
    {
        QStringList ids;
        for (int i = 0; i < std::min(n, m->rowCount()); ++i)
            ids << (m->pairAt(i) ? m->pairAt(i)->pairId : QStringLiteral("(not loaded)"));
        return ids;
    }

    // A window on a schema of its own (freshSchema()) with its first rows loaded; null when any of
    // that failed.
    std::unique_ptr<ui::MainWindow> freshWindow(QString *schema)
    {
        const QString url = freshSchema(schema);
        auto w = url.isEmpty() ? nullptr : openWindow(url);
        return w && loaded(w->model(), 20) ? std::move(w) : nullptr;
    }

    // A schema of its own holding a copy of the file, for a test that changes pairs; with `fileName`,
    // also a dataset file in the test's folder copied from that schema, beside it (*file; empty URL
    // when either copy failed).
    QString freshSchema(QString *schema, const QString &fileName, QString *file)
    {
        const QString url = freshSchema(schema);
        if (url.isEmpty())
            return url;
        *file = m_dir.filePath(fileName);
        const CopyReport copy = copyDataset(url, *file);
        if (!copy.error.isEmpty())
            qWarning("%s", qPrintable(copy.error));
        return copy.error.isEmpty() ? url : QString();
    }
    QString freshSchema(QString *schema)
    {
        *schema = pairlens::test::uniqueSchema(QStringLiteral("t_wcur"));
        m_dropped << *schema;
        const QString url = m_owner + QStringLiteral("?schema=") + *schema;
        const CopyReport copy = copyDataset(m_file, url);
        if (!copy.error.isEmpty())
            qWarning("%s", qPrintable(copy.error));
        grantReadOnly(*schema);
        return copy.error.isEmpty() ? url : QString();
    }
    QStringList m_dropped;

    // Lets the read-only role read `schema`; what psql said (empty when it worked).
    QString grantReadOnly(const QString &schema)
    {
        return psql(m_owner, QStringLiteral("GRANT USAGE ON SCHEMA %1 TO pairlens_ro; "
                                            "GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro")
                                 .arg(schema));
    }

    qint64 pgCount(const QString &schema, const QString &where)
    {
        return psql(m_owner, QStringLiteral("SELECT count(*) FROM %1.pairs WHERE %2").arg(schema, where))
            .toLongLong();
    }

    static void clickRow(ui::MainWindow *w, int row, Qt::KeyboardModifiers modifiers = {})
    {
        clickTableRow(w->tableView(), row, modifiers);
    }

    // Windows on the dataset file and on the schema holding the same pairs, each with its first rows
    // loaded; {nullptr, nullptr} when any of that failed.
    static std::pair<std::unique_ptr<ui::MainWindow>, std::unique_ptr<ui::MainWindow>>
    besideEachOther(const QString &file, const QString &url)
    {
        auto f = openWindow(file);
        auto w = openWindow(url);
        if (!f || !w || !loaded(f->model(), 20) || !loaded(w->model(), 20))
            return {};
        return {std::move(f), std::move(w)};
    }

    // A demo dataset file and its copy in a schema of its own (named from `schemaPrefix`), which
    // the read-only role may read.
    void setUp(const QString &schemaPrefix)
    {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QVERIFY(m_dir.isValid());
        pairlens::test::isolateSettings(m_dir);
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_owner = server.owner;
        m_schema = pairlens::test::uniqueSchema(schemaPrefix);
        m_url = m_owner + QStringLiteral("?schema=") + m_schema;
        m_readOnlyRole = server.readOnly;
        m_readOnly = server.readOnly + QStringLiteral("?schema=") + m_schema;
        m_file = m_dir.filePath(QStringLiteral("pairs.pairlens"));
        QVERIFY(pairlens::test::makeDemoDataset(m_file, kPgWindowPairs));
        const CopyReport copy = copyDataset(m_file, m_url);
        QVERIFY2(copy.error.isEmpty(), qPrintable(copy.error));
        QCOMPARE(copy.pairs, qint64(kPgWindowPairs));
        // The read-only role may read this run's schema.
        QCOMPARE(grantReadOnly(m_schema), QString());
    }

    void tearDown()
    {
        if (m_owner.isEmpty())
            return;
        for (const QString &schema : QStringList{m_schema} + m_dropped)
            psql(m_owner, QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(schema));
    }
};

} // namespace pairlens::test
