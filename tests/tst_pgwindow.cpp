// The window on a PostgreSQL dataset (issue 18): the real PostgreSQL 15 of the CTest fixture
// pg_cluster holds a copy of a dataset file (pairlens copy's engine, same pairs, same row ids), and
// the window on it shows what the window on the file shows: the count, the rows in every sort order,
// filters, choices; curation with undo, a read-only role, the connect dialog, two windows at once.
#include "curator.h"
#include "datasetsession.h"
#include "detailpane.h"
#include "filterpanel.h"
#include "guitestutil.h"
#include "infobar.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "pgtestutil.h"
#include "storage/storagecopy.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

using namespace Qt::StringLiterals;
using namespace pairlens;
using pairlens::test::psql;

namespace {

constexpr int kPairs = 300;
constexpr int kWait = 30000; // a bound for a hang, never a timing

} // namespace

class TstPgWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_file;     // the dataset file
    QString m_owner;    // the owner role's URL (psql)
    QString m_url;      // the owner's URL with this run's schema
    QString m_readOnly; // the read-only role's URL, same schema
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
        QTest::qWaitFor([m] { return m->isCounted(); }, kWait);
        const int rows = std::min(n, m->rowCount());
        QTest::qWaitFor(
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
        return m->isCounted();
    }

    // The pair ids of the first `n` rows.
    static QStringList firstRows(ui::PairTableModel *m, int n)
    {
        QStringList ids;
        for (int i = 0; i < std::min(n, m->rowCount()); ++i)
            ids << (m->pairAt(i) ? m->pairAt(i)->pairId : u"(not loaded)"_s);
        return ids;
    }

private slots:
    void initTestCase()
    {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        QVERIFY(m_dir.isValid());
        pairlens::test::isolateSettings(m_dir);
        const pairlens::test::PgServer server = pairlens::test::pgServer();
        QVERIFY2(server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
        m_owner = server.owner;
        m_schema = pairlens::test::uniqueSchema(u"t_win"_s);
        m_url = m_owner + u"?schema="_s + m_schema;
        m_readOnly = server.readOnly + u"?schema="_s + m_schema;
        m_file = m_dir.filePath(u"pairs.pairlens"_s);
        QVERIFY(pairlens::test::makeDemoDataset(m_file, kPairs));
        const CopyReport copy = copyDataset(m_file, m_url);
        QVERIFY2(copy.error.isEmpty(), qPrintable(copy.error));
        QCOMPARE(copy.pairs, qint64(kPairs));
        // The read-only role may read this run's schema.
        QCOMPARE(psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; "
                               "GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro"_s.arg(m_schema)),
                 QString());
    }

    void cleanupTestCase()
    {
        if (!m_schema.isEmpty() && !m_owner.isEmpty())
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(m_schema));
    }

    // The same count and rows as the window on the file, in every order the table offers.
    void sameAsFile()
    {
        auto file = openWindow(m_file);
        auto pg = openWindow(m_url);
        QVERIFY(file && pg);
        QVERIFY(loaded(file->model(), 50));
        QVERIFY(loaded(pg->model(), 50));
        QCOMPARE(pg->model()->rowCount(), kPairs);
        QVERIFY(!pg->session()->isReadOnly());
        QVERIFY(pg->session()->info().postgres);
        // The title names the location without its password.
        const QString password = QUrl(m_owner).password();
        QVERIFY(!password.isEmpty());
        QVERIFY2(!pg->windowTitle().contains(password), qPrintable(pg->windowTitle()));
        QVERIFY2(pg->windowTitle().contains(m_schema), qPrintable(pg->windowTitle()));
        QCOMPARE(firstRows(pg->model(), 50), firstRows(file->model(), 50));
        using C = PairStore::SortColumn;
        for (const C column : {C::Id, C::Timestamp, C::Question, C::Sql, C::QueryType, C::DatabaseType,
                               C::DatabaseName, C::Success, C::ExecutionTime, C::PiiKinds, C::ReviewStatus}) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                file->model()->setSort({column, order});
                pg->model()->setSort({column, order});
                QVERIFY(loaded(file->model(), 100));
                QVERIFY(loaded(pg->model(), 100));
                QCOMPARE(pg->model()->rowCount(), kPairs);
                QVERIFY2(firstRows(pg->model(), 100) == firstRows(file->model(), 100),
                         qPrintable(u"sort column %1, order %2"_s.arg(int(column)).arg(int(order))));
            }
        }
        // Deep pages come from the id list (past the direct offset limit), as for a file.
        pg->session()->setDirectOffsetLimit(100);
        file->session()->setDirectOffsetLimit(100);
        pg->model()->setSort({C::Question, Qt::AscendingOrder});
        file->model()->setSort({C::Question, Qt::AscendingOrder});
        QVERIFY(loaded(pg->model(), 10));
        QVERIFY(loaded(file->model(), 10));
        pg->tableView()->scrollToBottom();
        file->tableView()->scrollToBottom();
        QTRY_VERIFY_WITH_TIMEOUT(pg->model()->pairAt(kPairs - 1) && pg->model()->pairAt(kPairs - 20), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(file->model()->pairAt(kPairs - 1) && file->model()->pairAt(kPairs - 20),
                                 kWait);
        for (int row = kPairs - 20; row < kPairs; ++row)
            QCOMPARE(pg->model()->pairAt(row)->pairId, file->model()->pairAt(row)->pairId);
    }

    // Filters give the same rows; the choices are the same; a filter PostgreSQL refuses says so in
    // the error bar.
    void filters()
    {
        auto file = makeWindow();
        auto pg = makeWindow();
        QVERIFY(file && pg);
        QSignalSpy pgChoices(pg->session()->worker(), &ui::DatasetWorker::choicesLoaded);
        QSignalSpy filesChoices(file->session()->worker(), &ui::DatasetWorker::choicesLoaded);
        QVERIFY(file->openDataset(m_file));
        QVERIFY(pg->openDataset(m_url));
        QVERIFY(loaded(file->model(), 20));
        QVERIFY(loaded(pg->model(), 20));
        QTRY_VERIFY_WITH_TIMEOUT(!pgChoices.isEmpty() && !filesChoices.isEmpty(), kWait);
        const auto choices = [](const QSignalSpy &spy) {
            const auto c = spy.first().first().value<ui::FilterChoices>();
            return QStringList{c.queryTypes.join(u','), c.databaseTypes.join(u','),
                               c.databaseNames.join(u',')};
        };
        QCOMPARE(choices(pgChoices), choices(filesChoices));
        QVERIFY(!choices(pgChoices).first().isEmpty());

        QList<Filter> list;
        Filter f;
        f.queryTypes = {u"SELECT"_s};
        list << f;
        f = {};
        f.search = u"customers"_s;
        list << f;
        f = {};
        f.success = Filter::Success::FailedOnly;
        f.databaseTypes = {u"postgresql"_s, u"sqlite"_s};
        list << f;
        f = {};
        f.piiRequired = true;
        list << f;
        for (const Filter &filter : std::as_const(list)) {
            file->model()->setFilter(filter);
            pg->model()->setFilter(filter);
            QVERIFY(loaded(file->model(), 100));
            QVERIFY(loaded(pg->model(), 100));
            QCOMPARE(pg->model()->rowCount(), file->model()->rowCount());
            QCOMPARE(firstRows(pg->model(), 100), firstRows(file->model(), 100));
        }
        QVERIFY(!pg->errorBar()->isVisible());
        f = {};
        f.duplicates = Filter::Duplicates::Exact;
        pg->model()->setFilter(f);
        QTRY_VERIFY_WITH_TIMEOUT(pg->errorBar()->isVisible(), kWait);
        QVERIFY2(pg->errorBar()->text().contains(u"not supported on PostgreSQL"_s),
                 qPrintable(pg->errorBar()->text()));
        QCOMPARE(pg->model()->rowCount(), 0);
    }
};

QTEST_MAIN(TstPgWindow)
#include "tst_pgwindow.moc"
