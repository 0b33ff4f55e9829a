// The window on a PostgreSQL dataset (issue 18): the real PostgreSQL 15 of the CTest fixture
// pg_cluster holds a copy of a dataset file (pairlens copy's engine, same pairs, same row ids), and
// the window on it shows what the window on the file shows: the count, the rows in every sort order,
// filters, choices; curation with undo, editing and adding pairs, the privacy settings and
// decisions, importing, a read-only role, the connect dialog, two windows at once.
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
            ids << (m->pairAt(i) ? m->pairAt(i)->pairId : u"(not loaded)"_s);
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
        *schema = pairlens::test::uniqueSchema(u"t_wcur"_s);
        m_dropped << *schema;
        const QString url = m_owner + u"?schema="_s + *schema;
        const CopyReport copy = copyDataset(m_file, url);
        if (!copy.error.isEmpty())
            qWarning("%s", qPrintable(copy.error));
        psql(m_owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; "
                      "GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro"_s.arg(*schema));
        return copy.error.isEmpty() ? url : QString();
    }
    QStringList m_dropped;

    qint64 pgCount(const QString &schema, const QString &where)
    {
        return psql(m_owner, u"SELECT count(*) FROM %1.pairs WHERE %2"_s.arg(schema, where)).toLongLong();
    }

    static void clickRow(ui::MainWindow *w, int row, Qt::KeyboardModifiers modifiers = {})
    {
        QTableView *view = w->tableView();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
        view->scrollTo(view->model()->index(row, 1));
        const QRect rect = view->visualRect(view->model()->index(row, 1));
        QVERIFY(rect.isValid());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, modifiers, rect.center());
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
        m_readOnlyRole = server.readOnly;
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
        if (m_owner.isEmpty())
            return;
        for (const QString &schema : QStringList{m_schema} + m_dropped)
            psql(m_owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(schema));
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
        f = {};
        f.duplicates = Filter::Duplicates::Exact;
        list << f;
        f = {};
        f.duplicates = Filter::Duplicates::Normalized;
        f.success = Filter::Success::SuccessfulOnly;
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
    }

    // Delete with undo, review with undo, a note, restore and purge in the trash: each reaches the
    // schema (read back by psql), as in a file. What the seam does not offer is disabled, saying why.
    void curate()
    {
        QString schema;
        auto w = freshWindow(&schema);
        QVERIFY(w);
        QTRY_VERIFY_WITH_TIMEOUT(w->findChild<QAction *>(u"actionDelete"_s), kWait);
        const auto action = [&w](const QString &name) { return w->findChild<QAction *>(name); };
        // Every action a file's window offers is offered here too (Edit Pair once a pair is selected).
        for (const QString &name : {u"actionAddPair"_s, u"actionPrivacySettings"_s, u"actionImport"_s})
            QVERIFY2(action(name)->isEnabled(), qPrintable(name));
        for (const QString &name :
             {u"actionEditPair"_s, u"actionAddPair"_s, u"actionPrivacySettings"_s, u"actionImport"_s})
            QVERIFY2(!action(name)->toolTip().contains(u"PostgreSQL"_s), qPrintable(action(name)->toolTip()));
        const QString live = u"delete_batch IS NULL"_s;

        // Delete three pairs, undo, redo.
        QStringList ids;
        for (int row = 0; row < 3; ++row)
            ids << w->model()->pairAt(row)->pairId;
        const QString those = u"pair_id IN ('%1')"_s.arg(ids.join(u"','"_s));
        clickRow(w.get(), 0);
        clickRow(w.get(), 2, Qt::ShiftModifier);
        QVERIFY(action(u"actionDelete"_s)->isEnabled());
        action(u"actionDelete"_s)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPairs - 3, kWait);
        QCOMPARE(pgCount(schema, live), qint64(kPairs - 3));
        QCOMPARE(pgCount(schema, those + u" AND delete_batch IS NOT NULL"_s), qint64(3));
        w->undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPairs, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, live), qint64(kPairs), kWait);
        w->undoStack()->redo();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPairs - 3, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, those + u" AND delete_batch IS NOT NULL"_s), qint64(3),
                                  kWait);

        // The trash: restore all (undoable), then purge them for good.
        action(u"actionTrash"_s)->trigger();
        ui::TrashDialog *trash = w->trashDialog();
        QVERIFY(trash);
        trash->confirm = [](const QString &) { return true; };
        QTRY_COMPARE_WITH_TIMEOUT(trash->model()->rowCount(), 3, kWait);
        trash->restoreAll();
        QTRY_COMPARE_WITH_TIMEOUT(trash->model()->rowCount(), 0, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, live), qint64(kPairs), kWait);
        w->undoStack()->undo(); // back to the trash
        QTRY_COMPARE_WITH_TIMEOUT(trash->model()->rowCount(), 3, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, live), qint64(kPairs - 3), kWait);
        trash->purgeAll();
        QTRY_COMPARE_WITH_TIMEOUT(trash->model()->rowCount(), 0, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, u"true"_s), qint64(kPairs - 3), kWait);
        trash->close();

        // Review: approve the first pair, undo.
        QVERIFY(loaded(w->model(), 5));
        const QString first = u"pair_id = '%1'"_s.arg(w->model()->pairAt(0)->pairId);
        const int before =
            psql(m_owner, u"SELECT review_status FROM %1.pairs WHERE %2"_s.arg(schema, first)).toInt();
        QCOMPARE(before, int(ReviewStatus::Unreviewed));
        clickRow(w.get(), 0);
        action(u"actionApprove"_s)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, first + u" AND review_status = 1"_s), qint64(1), kWait);
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->pairAt(0) ? int(w->model()->pairAt(0)->reviewStatus) : -1,
                                  int(ReviewStatus::Approved), kWait);
        w->undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, first + u" AND review_status = 0"_s), qint64(1), kWait);

        // A reviewer note, typed in the pair pane.
        clickRow(w.get(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(w->detailPane()->rowId(), w->model()->pairAt(0)->rowId, kWait);
        QPlainTextEdit *note = w->detailPane()->noteEdit();
        QVERIFY(note && !note->isReadOnly());
        note->setFocus();
        QTest::keyClicks(note, u"checked by the window"_s);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, first + u" AND reviewer_note = 'checked by the window'"_s),
                                  qint64(1), kWait);
        // Both curations are in the schema's audit log.
        const QString actions = psql(m_owner, u"SELECT string_agg(DISTINCT action, ',' ORDER BY action) FROM "
                                              "%1.audit_log"_s.arg(schema));
        for (const QString &a : {u"delete"_s, u"restore"_s, u"purge"_s, u"review"_s, u"note"_s})
            QVERIFY2(actions.contains(a), qPrintable(actions));
    }

    // Edit > Edit Pair on PostgreSQL, beside a file holding the same pairs: the same text and derived
    // fields (statement type, tables, PII kinds, the search finds the new words), undo and redo, the
    // audit entries; two windows editing one pair: the later commit wins, both are in the audit log;
    // a read-only role gets the store's sentence.
    void editPair()
    {
        QString schema, file;
        const QString url = freshSchema(&schema, u"edit.pairlens"_s, &file);
        QVERIFY(!url.isEmpty());
        auto f = openWindow(file);
        auto w = openWindow(url);
        QVERIFY(f && w);
        QVERIFY(loaded(f->model(), 20));
        QVERIFY(loaded(w->model(), 20));
        QAction *edit = w->findChild<QAction *>(u"actionEditPair"_s);
        QVERIFY(edit);
        QVERIFY2(!edit->toolTip().contains(u"PostgreSQL"_s), qPrintable(edit->toolTip()));
        const Pair original = *w->model()->pairAt(1);
        QCOMPARE(f->model()->pairAt(1)->pairId, original.pairId);
        const QString question = u"Which orders did alice@example.com place this week?"_s;
        const QString sql = u"SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id "
                            "WHERE c.email = 'alice@example.com'"_s;
        for (ui::MainWindow *window : {f.get(), w.get()}) {
            window->curator()->editPair = [&](bool add, Pair *p) {
                if (add)
                    return false;
                p->naturalLanguageQuery = question;
                p->sqlQuery = sql;
                return true;
            };
            clickRow(window, 1);
            QVERIFY(window->findChild<QAction *>(u"actionEditPair"_s)->isEnabled());
            window->findChild<QAction *>(u"actionEditPair"_s)->trigger();
            QTRY_COMPARE_WITH_TIMEOUT(window->undoStack()->undoText(), u"Edit pair"_s, kWait);
        }
        const QString byId = u"id = %1"_s.arg(original.rowId);
        QTRY_COMPARE_WITH_TIMEOUT(
            psql(m_owner, u"SELECT sql_query FROM %1.pairs WHERE %2"_s.arg(schema, byId)), sql, kWait);
        // The window shows the stored pair, and it is the file's in every field.
        QTRY_VERIFY_WITH_TIMEOUT(w->model()->pairAt(1) && w->model()->pairAt(1)->sqlQuery == sql, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(f->model()->pairAt(1) && f->model()->pairAt(1)->sqlQuery == sql, kWait);
        const auto same = [](const Pair &a, const Pair &b) {
            QCOMPARE(a.pairId, b.pairId);
            QCOMPARE(a.naturalLanguageQuery, b.naturalLanguageQuery);
            QCOMPARE(a.sqlQuery, b.sqlQuery);
            QCOMPARE(a.queryType, b.queryType);
            QCOMPARE(a.tableNames, b.tableNames);
            QCOMPARE(a.piiMask, b.piiMask);
            QCOMPARE(a.timestamp, b.timestamp);
        };
        QString error;
        auto store = PgStorage::open(url, &error);
        QVERIFY2(store, qPrintable(error));
        auto dataset = Dataset::open(file, Dataset::Mode::ReadOnly, &error);
        QVERIFY2(dataset, qPrintable(error));
        const std::optional<Pair> edited = store->get(original.rowId, &error);
        QVERIFY2(edited, qPrintable(error));
        same(*edited, *PairStore(*dataset).get(original.rowId));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(edited->queryType, u"SELECT"_s);
        QVERIFY2(edited->tableNames.contains(u"customers"_s) && edited->tableNames.contains(u"orders"_s),
                 qPrintable(edited->tableNames.join(u',')));
        QVERIFY(edited->piiMask != 0); // the e-mail address
        QCOMPARE(psql(m_owner, u"SELECT question_length || ',' || sql_length FROM %1.pairs WHERE %2"_s.arg(
                                   schema, byId)),
                 u"%1,%2"_s.arg(question.size()).arg(sql.size()));
        // The search finds the new words, on PostgreSQL as in the file.
        Filter search;
        search.search = u"alice week"_s;
        QCOMPARE(store->count(search, &error), qint64(1));
        QCOMPARE(PairStore(*dataset).count(search), qint64(1));

        // Undo and redo, as in the file.
        for (ui::MainWindow *window : {f.get(), w.get()})
            window->undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(
            psql(m_owner, u"SELECT sql_query FROM %1.pairs WHERE %2"_s.arg(schema, byId)), original.sqlQuery,
            kWait);
        QTRY_VERIFY_WITH_TIMEOUT(PairStore(*dataset).get(original.rowId)->sqlQuery == original.sqlQuery,
                                 kWait);
        same(*store->get(original.rowId, &error), *PairStore(*dataset).get(original.rowId));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(store->get(original.rowId, &error)->queryType, original.queryType);
        QCOMPARE(store->count(search, &error), qint64(0));
        w->undoStack()->redo();
        QTRY_COMPARE_WITH_TIMEOUT(
            psql(m_owner, u"SELECT sql_query FROM %1.pairs WHERE %2"_s.arg(schema, byId)), sql, kWait);
        // Each edit has its entry, naming the pair, as a file's.
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log WHERE action = 'edit' AND pair_count = 1 "
                               "AND detail->>'pair_id' = '%2'"_s.arg(schema, original.pairId)),
                 u"3"_s);

        // Two windows edit the same pair: the later commit wins, both edits are logged in that order,
        // and the first window shows the winner without a refresh.
        auto other = openWindow(url);
        QVERIFY(other && loaded(other->model(), 20));
        for (ui::MainWindow *window : {w.get(), other.get()})
            window->session()->setPollInterval(200);
        const QString mine = u"SELECT count(*) FROM orders"_s, theirs = u"SELECT count(*) FROM customers"_s;
        const auto editTo = [&](ui::MainWindow *window, const QString &text) {
            window->curator()->editPair = [text](bool add, Pair *p) {
                p->sqlQuery = text;
                return !add;
            };
            clickRow(window, 1);
            window->findChild<QAction *>(u"actionEditPair"_s)->trigger();
        };
        editTo(w.get(), mine);
        QTRY_COMPARE_WITH_TIMEOUT(
            psql(m_owner, u"SELECT sql_query FROM %1.pairs WHERE %2"_s.arg(schema, byId)), mine, kWait);
        editTo(other.get(), theirs);
        QTRY_COMPARE_WITH_TIMEOUT(
            psql(m_owner, u"SELECT sql_query FROM %1.pairs WHERE %2"_s.arg(schema, byId)), theirs, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(w->model()->pairAt(1) && w->model()->pairAt(1)->sqlQuery == theirs, kWait);
        QList<Storage::AuditEntry> log;
        QVERIFY2(store->auditLog(2, &log, &error), qPrintable(error));
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).action, u"edit"_s);
        QCOMPARE(log.at(1).action, u"edit"_s);
        QCOMPARE(log.at(0).detail.value(u"pair_id"_s).toString(), original.pairId);
        QVERIFY(log.at(0).id > log.at(1).id);

        // A role that may not change pairs gets the store's sentence, and nothing changes.
        auto readOnly = PgStorage::open(m_readOnlyRole + u"?schema="_s + schema, &error);
        QVERIFY2(readOnly, qPrintable(error));
        QVERIFY(!readOnly->updateText(original.rowId, question, sql, DerivedFields(), &error));
        QVERIFY2(error.contains(u"read-only for this PostgreSQL role"_s), qPrintable(error));
        QCOMPARE(psql(m_owner, u"SELECT sql_query FROM %1.pairs WHERE %2"_s.arg(schema, byId)), theirs);
    }

    // Edit > Add Pair on PostgreSQL, beside a file: the pair is stored analysed (as the file stores
    // it), shown at once and not announced as another program's; undo moves it to the trash, redo
    // back; a pair_id that exists already is refused with the file's sentence.
    void addPair()
    {
        QString schema, file;
        const QString url = freshSchema(&schema, u"add.pairlens"_s, &file);
        QVERIFY(!url.isEmpty());
        auto f = openWindow(file);
        auto w = openWindow(url);
        QVERIFY(f && w);
        QVERIFY(loaded(f->model(), 20));
        QVERIFY(loaded(w->model(), 20));
        w->session()->setPollInterval(200);
        QAction *add = w->findChild<QAction *>(u"actionAddPair"_s);
        QVERIFY(add && add->isEnabled());
        QVERIFY2(!add->toolTip().contains(u"PostgreSQL"_s), qPrintable(add->toolTip()));
        const QString question = u"Which customers live at 12 Baker Street?"_s;
        const QString sql = u"SELECT name FROM customers WHERE street = '12 Baker Street'"_s;
        for (ui::MainWindow *window : {f.get(), w.get()}) {
            window->curator()->editPair = [&](bool adding, Pair *p) {
                if (!adding)
                    return false;
                p->pairId = u"hand-made-1"_s;
                p->naturalLanguageQuery = question;
                p->sqlQuery = sql;
                p->databaseType = u"sqlite"_s;
                p->databaseName = u"shop"_s;
                return true;
            };
            window->findChild<QAction *>(u"actionAddPair"_s)->trigger();
            QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), kPairs + 1, kWait);
            QTRY_COMPARE_WITH_TIMEOUT(window->undoStack()->undoText(), u"Add pair"_s, kWait);
        }
        QCOMPARE(pgCount(schema,
                         u"pair_id = 'hand-made-1' AND delete_batch IS NULL AND query_type IS NOT NULL "
                         "AND search_vector IS NOT NULL AND ts IS NOT NULL"_s),
                 qint64(1));
        QString error;
        auto store = PgStorage::open(url, &error);
        QVERIFY2(store, qPrintable(error));
        auto dataset = Dataset::open(file, Dataset::Mode::ReadOnly, &error);
        QVERIFY2(dataset, qPrintable(error));
        const std::optional<Pair> inFile = PairStore(*dataset).getByPairId(u"hand-made-1"_s);
        QVERIFY(inFile);
        Filter byPairId;
        byPairId.pairIds = {u"hand-made-1"_s};
        QList<Pair> found;
        QVERIFY2(store->page(byPairId, 1, 0, &found, &error), qPrintable(error));
        QCOMPARE(found.size(), 1);
        const Pair &stored = found.first();
        QCOMPARE(stored.naturalLanguageQuery, question);
        QCOMPARE(stored.sqlQuery, sql);
        QCOMPARE(stored.queryType, inFile->queryType);
        QCOMPARE(stored.tableNames, inFile->tableNames);
        QCOMPARE(stored.piiMask, inFile->piiMask);
        QVERIFY(stored.piiMask != 0); // the street address
        QCOMPARE(stored.databaseName, u"shop"_s);
        // Found by the search and by its statement type, as in the file.
        Filter search;
        search.search = u"baker street"_s;
        QCOMPARE(store->count(search, &error), PairStore(*dataset).count(search));
        QVERIFY(store->count(search, &error) >= 1);

        // Undo: in the trash; redo: live again (the file does the same).
        w->undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPairs, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, u"pair_id = 'hand-made-1' AND delete_batch IS NOT NULL"_s),
                                  qint64(1), kWait);
        w->undoStack()->redo();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPairs + 1, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, u"pair_id = 'hand-made-1' AND delete_batch IS NULL"_s),
                                  qint64(1), kWait);

        // The same pair_id again: refused with the file's sentence, nothing added.
        QSignalSpy failed(w->session(), &ui::DatasetSession::writeFailed);
        w->findChild<QAction *>(u"actionAddPair"_s)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kWait);
        QVERIFY2(failed.first().first().toString().contains(u"hand-made-1 exists already"_s),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(pgCount(schema, u"true"_s), qint64(kPairs + 1));

        // The window's own pair is not announced as new; a recorder's pair is, alone.
        QVERIFY(!w->externalBar()->isVisible());
        QCOMPARE(psql(m_owner,
                      u"INSERT INTO %1.pairs (pair_id, natural_language_query, sql_query) VALUES "
                      "('recorded-2', 'How many products?', 'SELECT count(*) FROM products')"_s.arg(schema)),
                 QString());
        QTRY_VERIFY_WITH_TIMEOUT(w->externalBar()->isVisible(), kWait);
        QVERIFY2(w->externalBar()->text().contains(u"1 new pair"_s), qPrintable(w->externalBar()->text()));
    }

    // Edit > Privacy Settings and the pane's decisions on PostgreSQL, beside a file holding the same
    // pairs and key: the settings are the schema's, written with their audit entry; the PII kinds are
    // rescanned; the pair pane's anonymized views and `pairlens export URL` follow the new operator
    // and show what the file's show; undo puts everything back.
    void privacySettings()
    {
        QString schema, file;
        const QString url = freshSchema(&schema, u"privacy.pairlens"_s, &file);
        QVERIFY(!url.isEmpty());
        const auto exported = [this](const QString &location, const QString &name) -> QByteArray {
            const QString out = m_dir.filePath(name);
            const pairlens::test::CliRun run = pairlens::test::runHeadless(
                QStringLiteral(PAIRLENS_EXE), {u"export"_s, location, u"-o"_s, out}, m_dir.path());
            if (run.code != 0)
                return "(failed) " + run.err.toUtf8();
            QFile f(out);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(missing)");
        };
        const QByteArray before = exported(url, u"privacy-before.jsonl"_s);
        QVERIFY2(before.startsWith('{'), before.constData());
        QCOMPARE(exported(file, u"privacy-file-before.jsonl"_s), before);
        const qint64 email = quint32(PiiKind::Email), custom = quint32(PiiKind::Custom);
        const QString withEmail =
            psql(m_owner, u"SELECT min(id) FROM %1.pairs WHERE pii_mask & %2 <> 0"_s.arg(schema).arg(email));
        QVERIFY2(withEmail.toLongLong() > 0, qPrintable(withEmail));

        auto f = openWindow(file);
        auto w = openWindow(url);
        QVERIFY(f && w);
        QVERIFY(loaded(f->model(), 20));
        QVERIFY(loaded(w->model(), 20));
        // The pair pane's anonymized views of the pair (what an export writes of it).
        const qint64 rowId = withEmail.toLongLong();
        const QString pairId =
            psql(m_owner, u"SELECT pair_id FROM %1.pairs WHERE id = %2"_s.arg(schema, withEmail));
        const auto anonymized = [](ui::MainWindow *window) -> QString {
            const ui::DetailPane *pane = window->detailPane();
            return pane->anonymizedQuestion()->toPlainText() + u'\n' + pane->anonymizedSql()->toPlainText() +
                   u'\n' + pane->anonymizedMetadata()->toPlainText();
        };
        for (ui::MainWindow *window : {f.get(), w.get()}) {
            window->curator()->goToPairId(pairId);
            QTRY_COMPARE_WITH_TIMEOUT(window->detailPane()->rowId(), rowId, kWait);
        }
        const QString previewBefore = anonymized(w.get());
        QCOMPARE(anonymized(f.get()), previewBefore);

        QAction *action = w->findChild<QAction *>(u"actionPrivacySettings"_s);
        QVERIFY(action && action->isEnabled());
        QVERIFY2(!action->toolTip().contains(u"PostgreSQL"_s), qPrintable(action->toolTip()));
        // The same change in both windows: e-mail addresses hashed, a pattern that every question matches.
        for (ui::MainWindow *window : {f.get(), w.get()}) {
            bool shown = false;
            QTimer::singleShot(0, this, [&] {
                auto *d = qobject_cast<ui::PrivacySettingsDialog *>(QApplication::activeModalWidget());
                QVERIFY(d);
                shown = true;
                auto *box = d->findChild<QComboBox *>(u"operator_email"_s);
                QVERIFY(box);
                box->setCurrentIndex(box->findData(int(privacy::Operator::Hash)));
                auto *table = d->findChild<QTableWidget *>(u"patternsTable"_s);
                QTest::mouseClick(d->findChild<QPushButton *>(u"addPattern"_s), Qt::LeftButton);
                table->item(0, 0)->setText(u"word"_s);
                table->item(0, 1)->setText(u"[A-Za-z]{3}"_s);
                d->findChild<QPushButton *>(u"saveButton"_s)->click();
            });
            window->findChild<QAction *>(u"actionPrivacySettings"_s)->trigger();
            QVERIFY(shown);
            QTRY_COMPARE_WITH_TIMEOUT(window->undoStack()->undoText(), u"Change privacy settings"_s, kWait);
        }
        QString error;
        auto store = PgStorage::open(url, &error);
        QVERIFY2(store, qPrintable(error));
        const privacy::Config stored = privacy::Config::fromSettings(store->settings());
        QCOMPARE(stored.operatorFor(PiiKind::Email), privacy::Operator::Hash);
        QCOMPARE(stored.customPatterns.size(), 1);
        QVERIFY(!store->settings().contains(Deriver::kRescanPendingKey)); // the rescan finished
        // The PII kinds were rescanned with the pattern, as in the file.
        const auto fileCount = [&](const QString &where) {
            auto ds = Dataset::open(file, Dataset::Mode::ReadOnly, &error);
            QSqlQuery q(ds->db());
            return q.exec(u"SELECT count(*) FROM pairs WHERE "_s + where) && q.next()
                       ? q.value(0).toLongLong()
                       : -1;
        };
        const QString customWhere = u"pii_mask & %1 <> 0"_s.arg(custom);
        QVERIFY(pgCount(schema, customWhere) > 0);
        QCOMPARE(pgCount(schema, customWhere), fileCount(customWhere));
        QCOMPARE(pgCount(schema, u"true"_s), qint64(kPairs));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log WHERE action = 'settings' AND "
                               "detail->'privacy'->'operators'->>'email' = 'hash'"_s.arg(schema)),
                 u"1"_s);
        // The pane's record and the command line's export follow the schema's settings.
        QTRY_VERIFY_WITH_TIMEOUT(anonymized(w.get()) != previewBefore, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(anonymized(f.get()), anonymized(w.get()), kWait);
        const QByteArray after = exported(url, u"privacy-after.jsonl"_s);
        QVERIFY(after != before);
        QCOMPARE(exported(file, u"privacy-file-after.jsonl"_s), after);

        // Undo in both windows: the schema's settings, its PII kinds and the export are as before.
        for (ui::MainWindow *window : {f.get(), w.get()}) {
            QSignalSpy undone(window->session(), &ui::DatasetSession::modified);
            window->undoStack()->undo();
            QVERIFY(undone.wait(kWait));
        }
        QCOMPARE(privacy::Config::fromSettings(store->settings()).operatorFor(PiiKind::Email),
                 privacy::Operator::Mask);
        QVERIFY(privacy::Config::fromSettings(store->settings()).customPatterns.isEmpty());
        QCOMPARE(pgCount(schema, customWhere), qint64(0));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log WHERE action = 'settings'"_s.arg(schema)),
                 u"2"_s);
        QCOMPARE(exported(url, u"privacy-undone.jsonl"_s), before);

        // A decision as the pair pane writes it (PrivacyDecider): stored with its audit entry, the kinds
        // rescanned, the export following it, as in the file.
        const QString address = psql(
            m_owner,
            u"SELECT substring(natural_language_query || ' ' || sql_query || ' ' || metadata "
            "from '[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+') FROM %1.pairs WHERE id = %2"_s.arg(schema, withEmail));
        QVERIFY2(address.contains(u'@'), qPrintable(address));
        for (ui::MainWindow *window : {f.get(), w.get()}) {
            ui::WriteRequest r;
            r.kind = ui::WriteKind::PrivacyDecisions;
            r.decisions = {{privacy::Decision::Type::NotPii, address}};
            r.change = QJsonObject{{u"do"_s, u"Not personal data"_s}};
            QSignalSpy done(window->session(), &ui::DatasetSession::modified);
            window->session()->write(r);
            QVERIFY(done.wait(kWait));
        }
        QCOMPARE(privacy::Config::fromSettings(store->settings()).decisions.size(), 1);
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log WHERE action = 'privacy_decisions' AND "
                               "detail->'decisions' <> '[]'"_s.arg(schema)),
                 u"1"_s);
        const QString emailWhere = u"pii_mask & %1 <> 0"_s.arg(email);
        QCOMPARE(pgCount(schema, u"id = %1 AND "_s.arg(withEmail) + emailWhere),
                 qint64(0)); // its only address
        QCOMPARE(pgCount(schema, emailWhere), fileCount(emailWhere));
        const QByteArray decided = exported(url, u"privacy-decided.jsonl"_s);
        QVERIFY(decided != before);
        QCOMPARE(exported(file, u"privacy-file-decided.jsonl"_s), decided);

        // A read-only role: the dialog shows the settings and saves nothing; the seam refuses.
        auto readOnly = PgStorage::open(m_readOnlyRole + u"?schema="_s + schema, &error);
        QVERIFY2(readOnly, qPrintable(error));
        QVERIFY(
            !readOnly->updateSettings({{u"privacy.operator.email"_s, u"hash"_s}}, u"settings"_s, {}, &error));
        QVERIFY2(error.contains(u"read-only for this PostgreSQL role"_s), qPrintable(error));
    }

    // File > Import… on PostgreSQL, beside a file: the same report (added, rejected lines, pairs already
    // there), the rows in the table at once, analysed with the schema's own custom pattern, the audit
    // entry; Cancel stops a large import and says so.
    void importFromWindow()
    {
        QString schema, file;
        const QString url = freshSchema(&schema, u"import.pairlens"_s, &file);
        QVERIFY(!url.isEmpty());
        // A custom pattern in both: the imported pairs' kinds are found with it, as the store's own.
        privacy::Config config;
        config.customPatterns = {{u"ticket"_s, u"TCK-[0-9]{4}"_s, privacy::Operator::Mask}};
        QString error;
        {
            auto store = PgStorage::open(url, &error);
            QVERIFY2(store, qPrintable(error));
            QVERIFY2(store->updateSettings(config.toSettings(), u"settings"_s, {}, &error),
                     qPrintable(error));
            auto dataset = Dataset::open(file, Dataset::Mode::OpenExisting, &error);
            QVERIFY2(dataset, qPrintable(error));
            QVERIFY2(savePrivacySettings(*dataset, config, &error) >= 0, qPrintable(error));
        }
        // 500 new pairs (every fifth with a ticket number), one line that is no JSON, and one pair
        // that is there already.
        const QString input = m_dir.filePath(u"import.jsonl"_s);
        {
            QFile out(input);
            QVERIFY(out.open(QIODevice::WriteOnly));
            for (int i = 0; i < 500; ++i) {
                const QString question = i % 5 == 0
                                             ? u"Close ticket TCK-%1 for order %2"_s.arg(1000 + i).arg(i)
                                             : u"How many orders has customer %1 placed?"_s.arg(i);
                const QJsonObject record{
                    {u"pair_id"_s, u"imported-%1"_s.arg(i)},
                    {u"natural_language_query"_s, question},
                    {u"sql_query"_s, u"SELECT count(*) FROM orders WHERE customer_id = %1"_s.arg(i)},
                    {u"timestamp"_s, u"2030-01-01T00:%1:%2Z"_s.arg(i / 60, 2, 10, QChar(u'0'))
                                         .arg(i % 60, 2, 10, QChar(u'0'))},
                    {u"database_type"_s, u"postgresql"_s},
                    {u"database_name"_s, u"shop"_s}};
                out.write(QJsonDocument(record).toJson(QJsonDocument::Compact) + '\n');
                if (i == 250)
                    out.write("{ this is not JSON\n");
            }
            out.write(
                QJsonDocument(
                    QJsonObject{{u"pair_id"_s, u"imported-7"_s},
                                {u"natural_language_query"_s, u"How many orders has customer 7 placed?"_s},
                                {u"sql_query"_s, u"SELECT count(*) FROM orders WHERE customer_id = 7"_s},
                                {u"timestamp"_s, u"2030-01-01T00:00:07Z"_s},
                                {u"database_type"_s, u"postgresql"_s},
                                {u"database_name"_s, u"shop"_s}})
                    .toJson(QJsonDocument::Compact) +
                '\n');
        }
        auto f = openWindow(file);
        auto w = openWindow(url);
        QVERIFY(f && w);
        QVERIFY(loaded(f->model(), 20));
        QVERIFY(loaded(w->model(), 20));
        QAction *action = w->findChild<QAction *>(u"actionImport"_s);
        QVERIFY(action && action->isEnabled());
        QVERIFY2(!action->toolTip().contains(u"pairlens import"_s), qPrintable(action->toolTip()));
        QList<ImportReport> reports;
        for (ui::MainWindow *window : {f.get(), w.get()}) {
            window->importFiles({input});
            auto *dialog = window->findChild<ui::ImportDialog *>(u"importDialog"_s);
            QVERIFY(dialog);
            QSignalSpy finished(dialog, &ui::ImportDialog::importFinished);
            QVERIFY(finished.wait(kWait));
            reports << finished.first().first().value<ImportReport>();
            QVERIFY2(reports.last().fatalError.isEmpty(), qPrintable(reports.last().fatalError));
            QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), kPairs + 500, kWait);
            dialog->close();
        }
        const ImportReport &inFile = reports.at(0), &inPg = reports.at(1);
        QCOMPARE(inPg.added, qint64(500));
        QCOMPARE(inPg.added, inFile.added);
        QCOMPARE(inPg.rejected, inFile.rejected);
        QCOMPARE(inPg.rejected, qint64(1));
        QCOMPARE(inPg.alreadyPresent, inFile.alreadyPresent);
        QCOMPARE(inPg.issues.size(), inFile.issues.size());
        QCOMPARE(inPg.issues.first().line, inFile.issues.first().line);
        QCOMPARE(ui::ImportDialog::summary(inPg, 1), ui::ImportDialog::summary(inFile, 1));
        // The newest rows are the imported ones, the same in both windows.
        QVERIFY(loaded(f->model(), 100));
        QVERIFY(loaded(w->model(), 100));
        QCOMPARE(firstRows(w->model(), 100), firstRows(f->model(), 100));
        QVERIFY(w->model()->pairAt(0)->pairId.startsWith(u"imported-"_s));
        // Analysed with the schema's pattern: every fifth pair has the custom kind.
        const QString custom =
            u"pair_id LIKE 'imported-%' AND pii_mask & %1 <> 0"_s.arg(quint32(PiiKind::Custom));
        QCOMPARE(pgCount(schema, custom), qint64(100));
        QCOMPARE(pgCount(schema, u"pair_id LIKE 'imported-%' AND search_vector IS NOT NULL"_s), qint64(500));
        QCOMPARE(
            psql(m_owner, u"SELECT pair_count || ' ' || (detail->>'source') FROM %1.audit_log WHERE action = "
                          "'import'"_s.arg(schema)),
            u"500 window"_s);

        // Cancel: a large import stops, says so, and keeps what it added before.
        const QString large = m_dir.filePath(u"large.jsonl"_s);
        {
            QFile out(large);
            QVERIFY(out.open(QIODevice::WriteOnly));
            for (int i = 0; i < 200000; ++i)
                out.write(u"{\"pair_id\":\"large-%1\",\"natural_language_query\":\"Count orders %1\","
                          "\"sql_query\":\"SELECT count(*) FROM orders WHERE id > %1\"}\n"_s.arg(i)
                              .toUtf8());
        }
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // the first dialog
        QVERIFY(!w->findChild<ui::ImportDialog *>(u"importDialog"_s));
        w->importFiles({large});
        auto *dialog = w->findChild<ui::ImportDialog *>(u"importDialog"_s);
        QVERIFY(dialog && dialog->isRunning());
        QSignalSpy finished(dialog, &ui::ImportDialog::importFinished);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel),
                          Qt::LeftButton);
        QVERIFY(finished.wait(kWait));
        const ImportReport cancelled = finished.first().first().value<ImportReport>();
        QVERIFY(cancelled.cancelled);
        QVERIFY(cancelled.added < 200000);
        QCOMPARE(pgCount(schema, u"pair_id LIKE 'large-%'"_s), cancelled.added);
        QVERIFY(dialog->findChild<QLabel *>(u"importSummary"_s)->text().contains(u"cancelled"_s));
    }

    // A role that may not write: the window opens read-only with the role's sentence, and nothing
    // that changes pairs is offered.
    void readOnlyRole()
    {
        auto w = openWindow(m_readOnly);
        QVERIFY(w);
        QVERIFY(loaded(w->model(), 20));
        QCOMPARE(w->model()->rowCount(), kPairs);
        QVERIFY(w->session()->isReadOnly());
        QVERIFY(w->readOnlyBar()->isVisible());
        QVERIFY2(w->readOnlyBar()->text().contains(u"read-only for this PostgreSQL role"_s),
                 qPrintable(w->readOnlyBar()->text()));
        QVERIFY2(w->windowTitle().contains(u"read-only"_s), qPrintable(w->windowTitle()));
        QVERIFY(!w->windowTitle().contains(QUrl(m_readOnly).password()));
        clickRow(w.get(), 0);
        for (const QString &name :
             {u"actionDelete"_s, u"actionApprove"_s, u"actionReject"_s, u"actionEditPair"_s})
            QVERIFY2(!w->findChild<QAction *>(name)->isEnabled(), qPrintable(name));
        auto *note = w->detailPane()->findChild<QPlainTextEdit *>(u"noteEdit"_s);
        QVERIFY(note && note->isReadOnly());
    }

    // File > Connect to PostgreSQL…: a wrong password keeps the dialog open with libpq's reason; the
    // right one opens the dataset, whose statistics and recent entry never hold the password.
    void connectDialog()
    {
        auto w = makeWindow();
        QVERIFY(w);
        QAction *connectAction = w->findChild<QAction *>(u"actionConnectPostgres"_s);
        QVERIFY(connectAction && connectAction->isEnabled());
        QCOMPARE(connectAction->shortcut(), QKeySequence(u"Ctrl+Shift+O"_s));
        ui::ConnectDialog *d = w->connectToPostgres();
        QVERIFY(d && d->isVisible());
        const QUrl owner(m_owner);
        const auto field = [d](const QString &name) { return d->findChild<QLineEdit *>(name); };
        field(u"hostEdit"_s)->setText(owner.host());
        d->findChild<QSpinBox *>(u"portEdit"_s)->setValue(owner.port());
        field(u"databaseEdit"_s)->setText(owner.path().mid(1));
        field(u"userEdit"_s)->setText(owner.userName());
        field(u"schemaEdit"_s)->setText(m_schema);
        field(u"passwordEdit"_s)->setFocus();
        QTest::keyClicks(field(u"passwordEdit"_s), u"not-the-password"_s);
        QTest::keyClick(field(u"passwordEdit"_s), Qt::Key_Return); // as a user confirms
        QTRY_VERIFY_WITH_TIMEOUT(!d->errorText().isEmpty(), kWait);
        QVERIFY(d->isVisible());
        QVERIFY2(d->errorText().contains(u"password authentication failed"_s), qPrintable(d->errorText()));
        QVERIFY(!d->errorText().contains(u"not-the-password"_s));
        QVERIFY(!w->session()->isOpen());

        QPointer<ui::ConnectDialog> guard(d);
        field(u"passwordEdit"_s)->setText(owner.password());
        QTest::mouseClick(d->findChild<QPushButton *>(u"connectButton"_s), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!guard || !guard->isVisible(), kWait);
        QVERIFY(loaded(w->model(), 20));
        QCOMPARE(w->model()->rowCount(), kPairs);
        QVERIFY(!w->windowTitle().contains(owner.password()));
        QVERIFY(w->windowTitle().contains(m_schema));
        // The statistics are computed on a connection of their own, with the password typed.
        auto *tabs = qobject_cast<QTabWidget *>(w->statisticsView()->parentWidget()->parentWidget());
        QVERIFY(tabs);
        tabs->setCurrentWidget(w->statisticsView());
        QTRY_VERIFY_WITH_TIMEOUT(w->statisticsView()->statisticsJson().contains(u"\"total_pairs\": 300"_s),
                                 kWait);
        // The recent connection is the URL without the password, offered by the next dialog.
        const QStringList recent = QSettings().value(u"recentDatasets"_s).toStringList();
        QVERIFY(!recent.isEmpty());
        QVERIFY2(isPostgresLocation(recent.first()) && recent.first().contains(m_schema),
                 qPrintable(recent.first()));
        QVERIFY(!recent.first().contains(owner.password()));
        QSettings().sync();
        QFile ini(QSettings().fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains(owner.password().toUtf8()));
        ui::ConnectDialog *next = w->connectToPostgres();
        auto *combo = next->findChild<QComboBox *>(u"recentConnections"_s);
        QVERIFY(combo->count() >= 2); // "New connection", then every PostgreSQL dataset opened so far
        QCOMPARE(combo->itemText(1), recent.first());
        for (int i = 1; i < combo->count(); ++i)
            QVERIFY(!combo->itemText(i).contains(owner.password()));
        QCOMPARE(next->findChild<QLineEdit *>(u"schemaEdit"_s)->text(), m_schema);
        QVERIFY(next->findChild<QLineEdit *>(u"passwordEdit"_s)->text().isEmpty());
        next->reject();
    }

    // File > Copy Dataset To: the PostgreSQL dataset to a new file, and a file to a new schema.
    void copyTo()
    {
        auto pg = openWindow(m_url);
        QVERIFY(pg);
        QVERIFY(loaded(pg->model(), 20));
        QTRY_VERIFY_WITH_TIMEOUT(pg->session()->totalsKnown(), kWait);
        const QString target = m_dir.filePath(u"copy.pairlens"_s);
        QSignalSpy finished(pg.get(), &ui::MainWindow::copyFinished);
        pg->copyDatasetTo(target);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWait);
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
        auto copy = openWindow(target);
        QVERIFY(copy && loaded(copy->model(), 50));
        QCOMPARE(copy->model()->rowCount(), kPairs);
        QCOMPARE(firstRows(copy->model(), 50), firstRows(pg->model(), 50));

        const QString schema = pairlens::test::uniqueSchema(u"t_wcopy"_s);
        m_dropped << schema;
        QSignalSpy back(copy.get(), &ui::MainWindow::copyFinished);
        copy->copyDatasetTo(m_owner + u"?schema="_s + schema);
        QTRY_COMPARE_WITH_TIMEOUT(back.size(), 1, kWait);
        QVERIFY2(back.first().at(0).toBool(), qPrintable(back.first().at(1).toString()));
        QCOMPARE(pgCount(schema, u"true"_s), qint64(kPairs));
        // The status bar names the target without its password.
        QVERIFY(!copy->statusBar()->currentMessage().contains(QUrl(m_owner).password()));
    }

    // Two windows on one PostgreSQL dataset see each other's deletes and reviews without a refresh,
    // and a recorder's new pair is announced, as a file's window announces it.
    // Closing a PostgreSQL dataset while the window's reads wait (a search behind another session's
    // lock on the pairs: its page, facets and statistics) stops them: the next dataset opens at
    // once, no statement of the closed one is left waiting, and nothing is said about them. Before,
    // the next open waited until the page's read ended, and the others ran on.
    void closeStopsAWaitingRead()
    {
        QString schema;
        auto w = freshWindow(&schema);
        QVERIFY(w);
        auto *tabs = qobject_cast<QTabWidget *>(w->statisticsView()->parentWidget()->parentWidget());
        QVERIFY(tabs);
        tabs->setCurrentWidget(w->statisticsView());
        QTRY_VERIFY_WITH_TIMEOUT(!w->statisticsView()->isBusy(), kWait);
        pairlens::test::TableLock lock(m_owner, schema + u".pairs"_s);
        QVERIFY(lock.held());
        // The table's page, the facets' counts and the statistics of the search wait for the lock.
        Filter search;
        search.search = u"customers"_s;
        w->filterPanel()->applyFilter(search);
        QTRY_VERIFY_WITH_TIMEOUT(pairlens::test::waitingOn(m_owner, schema + u".pairs"_s) >= 3, kWait);

        w->closeDataset();
        QVERIFY(w->openDataset(m_file));
        tabs->setCurrentIndex(0);
        QVERIFY(loaded(w->model(), 20)); // the lock is still held
        QTRY_COMPARE_WITH_TIMEOUT(pairlens::test::waitingOn(m_owner, schema + u".pairs"_s), 0, kWait);
        QVERIFY(w->errorBar()->isHidden());
        lock.release();
    }

    void twoWindows()
    {
        QString schema;
        const QString url = freshSchema(&schema);
        QVERIFY(!url.isEmpty());
        auto a = openWindow(url);
        auto b = openWindow(url);
        QVERIFY(a && b);
        for (ui::MainWindow *w : {a.get(), b.get()})
            w->session()->setPollInterval(200);
        QVERIFY(loaded(a->model(), 20));
        QVERIFY(loaded(b->model(), 20));

        // A deletes the first pair: B's table loses it.
        const QString deleted = a->model()->pairAt(0)->pairId;
        QCOMPARE(b->model()->pairAt(0)->pairId, deleted);
        clickRow(a.get(), 0);
        a->findChild<QAction *>(u"actionDelete"_s)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(a->model()->rowCount(), kPairs - 1, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(b->model()->rowCount(), kPairs - 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(b->model()->pairAt(0) && b->model()->pairAt(0)->pairId != deleted, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(b->session()->liveTotal(), qint64(kPairs - 1), kWait);

        // B rejects the new first pair: A shows it rejected.
        clickRow(b.get(), 0);
        const QString reviewed = b->model()->pairAt(0)->pairId;
        b->findChild<QAction *>(u"actionReject"_s)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, u"pair_id = '%1' AND review_status = 2"_s.arg(reviewed)),
                                  qint64(1), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(a->model()->pairAt(0) && a->model()->pairAt(0)->pairId == reviewed &&
                                     a->model()->pairAt(0)->reviewStatus == ReviewStatus::Rejected,
                                 kWait);

        // Another program's plain UPDATE (no audit entry): announced by the server, B shows it.
        const QString third = b->model()->pairAt(2)->pairId;
        QCOMPARE(
            psql(m_owner, u"UPDATE %1.pairs SET review_status = 1 WHERE pair_id = '%2'"_s.arg(schema, third)),
            QString());
        QTRY_VERIFY_WITH_TIMEOUT(b->model()->pairAt(2) && b->model()->pairAt(2)->pairId == third &&
                                     b->model()->pairAt(2)->reviewStatus == ReviewStatus::Approved,
                                 kWait);

        // A recorder inserts a pair (the seed fields only): both windows announce it; a refresh shows it.
        QCOMPARE(
            psql(m_owner, u"INSERT INTO %1.pairs (pair_id, natural_language_query, sql_query, timestamp, "
                          "database_type, database_name, success, metadata) VALUES ('recorded-1', "
                          "'How many orders are there?', 'SELECT count(*) FROM orders', "
                          "'2099-01-01T00:00:00Z', 'postgresql', 'shop', 1, '{}')"_s.arg(schema)),
            QString());
        QTRY_VERIFY_WITH_TIMEOUT(b->externalBar()->isVisible(), kWait);
        QVERIFY2(b->externalBar()->text().contains(u"1 new pair"_s), qPrintable(b->externalBar()->text()));
        QTRY_VERIFY_WITH_TIMEOUT(a->externalBar()->isVisible(), kWait);
        b->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(b->model()->rowCount(), kPairs, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(b->model()->pairAt(0) && b->model()->pairAt(0)->pairId == u"recorded-1"_s,
                                 kWait);
    }

    // File > Export… on a PostgreSQL dataset writes the same anonymized bytes as on the file it was
    // copied from (same pairs, same key); the command line it shows has no password.
    void exportFromWindow()
    {
        QMap<QString, QByteArray> written;
        for (const QString &location : {m_file, m_url}) {
            auto w = openWindow(location);
            QVERIFY(w && loaded(w->model(), 20));
            QTRY_VERIFY_WITH_TIMEOUT(w->session()->totalsKnown(), kWait);
            QAction *action = w->findChild<QAction *>(u"actionExport"_s);
            QVERIFY(action && action->isEnabled());
            action->trigger();
            auto *dialog = w->findChild<ui::ExportDialog *>(u"exportDialog"_s);
            QVERIFY(dialog);
            QTRY_VERIFY_WITH_TIMEOUT(!dialog->isCounting() && !dialog->countsText().isEmpty(), kWait);
            QVERIFY2(dialog->countsText().contains(u"300"_s), qPrintable(dialog->countsText()));
            const QString target =
                m_dir.filePath(isPostgresLocation(location) ? u"pg.jsonl"_s : u"file.jsonl"_s);
            dialog->setTarget(target);
            if (isPostgresLocation(location)) {
                const QString command = dialog->preview()->findChild<QPlainTextEdit *>()->toPlainText();
                QVERIFY(!command.contains(QUrl(m_owner).password()));
            }
            QPointer<ui::ExportDialog> guard(dialog);
            QSignalSpy finished(dialog, &ui::ExportDialog::exportFinished);
            dialog->startExport();
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWait);
            const auto result = finished.first().first().value<exporting::ExportResult>();
            QVERIFY2(result.ok, qPrintable(result.error));
            QFile f(target);
            QVERIFY(f.open(QIODevice::ReadOnly));
            written.insert(location, f.readAll());
            if (guard)
                guard->close();
        }
        QVERIFY(!written.value(m_file).isEmpty());
        QVERIFY(written.value(m_file) == written.value(m_url));
    }

    // The filter panel's unticked dates start at the dataset's oldest and newest pair, on PostgreSQL
    // (two index lookups) as on the file.
    void datesStartAtTheDatasetsOwn()
    {
        const QStringList range =
            psql(m_owner,
                 u"SELECT substr(min(ts), 1, 10) || ' ' || substr(max(ts), 1, 10) "
                 "FROM %1.pairs WHERE query_type IS NOT NULL AND delete_batch IS NULL"_s.arg(m_schema))
                .split(u' ');
        QCOMPARE(range.size(), 2);
        const QDate first = QDate::fromString(range.at(0), Qt::ISODate);
        const QDate last = QDate::fromString(range.at(1), Qt::ISODate);
        QVERIFY(first.isValid() && last.isValid() && first < last && first != QDate::currentDate());
        for (const QString &location : {m_file, m_url}) {
            auto w = openWindow(location);
            QVERIFY(w && loaded(w->model(), 1));
            auto *from = w->filterPanel()->findChild<QDateEdit *>(u"fromDate"_s);
            auto *to = w->filterPanel()->findChild<QDateEdit *>(u"toDate"_s);
            QVERIFY(from && to);
            QTRY_COMPARE_WITH_TIMEOUT(from->date(), first, kWait);
            QTRY_COMPARE_WITH_TIMEOUT(to->date(), last, kWait);
        }
    }

    // The pane's "Record as Exported" and the export dialog's sample record are the engine's bytes on
    // PostgreSQL as on the file the schema was copied from (same secret), in every format.
    void recordAsExported()
    {
        auto file = openWindow(m_file);
        auto pg = openWindow(m_url);
        QVERIFY(file && pg);
        QVERIFY(loaded(file->model(), 20));
        QVERIFY(loaded(pg->model(), 20));
        QCOMPARE(firstRows(pg->model(), 1), firstRows(file->model(), 1));
        QMap<int, QByteArray> fileRecords;
        for (ui::MainWindow *w : {file.get(), pg.get()}) {
            clickRow(w, 0);
            ui::DetailPane *pane = w->detailPane();
            QTRY_COMPARE_WITH_TIMEOUT(pane->rowId(), w->model()->pairAt(0)->rowId, kWait);
            QTabBar *bar = pane->tabs()->tabBar();
            QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(1).center());
            QComboBox *format = pane->recordFormat();
            for (int i = 0; i < format->count(); ++i) {
                format->setCurrentIndex(i);
                QTRY_VERIFY_WITH_TIMEOUT(!pane->recordBytes().isEmpty(), kWait);
                if (w == file.get()) {
                    fileRecords.insert(i, pane->recordBytes());
                } else {
                    QTRY_COMPARE_WITH_TIMEOUT(pane->recordBytes(), fileRecords.value(i), kWait);
                }
            }
        }
        QStringList samples;
        for (ui::MainWindow *w : {file.get(), pg.get()}) {
            QAction *action = w->findChild<QAction *>(u"actionExport"_s);
            QVERIFY(action && action->isEnabled());
            action->trigger();
            auto *dialog = w->findChild<ui::ExportDialog *>(u"exportDialog"_s);
            QVERIFY(dialog);
            QTRY_VERIFY_WITH_TIMEOUT(
                !dialog->preview()->isSampling() && !dialog->preview()->sampleText().isEmpty(), kWait);
            samples << dialog->preview()->sampleText();
            dialog->close();
        }
        QVERIFY2(!samples.value(1).contains(u"dataset file"_s), qPrintable(samples.value(1)));
        QCOMPARE(samples.value(1), samples.value(0));
    }
};

QTEST_MAIN(TstPgWindow)
#include "tst_pgwindow.moc"
