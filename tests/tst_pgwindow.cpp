// The window on a PostgreSQL dataset (issue 18) shows what the window on the file it was copied
// from shows: the count, the rows in every sort order, filters, choices; importing, exporting, a
// read-only role, the connect dialog, copying, two windows at once, closing while reads wait.
// Curation, editing, adding and privacy: tst_pgwindowedit.cpp.
#include "pgwindowfixture.h"

#include <QProcess>
#include <QScopeGuard>

using namespace Qt::StringLiterals;
using namespace pairlens;
using pairlens::test::kPgWindowPairs;
using pairlens::test::kWait;
using pairlens::test::psql;

class TstPgWindow : public pairlens::test::PgWindowTest
{
    Q_OBJECT

private slots:
    void initTestCase() { setUp(u"t_win"_s); }
    void cleanupTestCase() { tearDown(); }

    // The same count and rows as the window on the file, in every order the table offers.
    void sameAsFile()
    {
        auto file = openWindow(m_file);
        auto pg = openWindow(m_url);
        QVERIFY(file && pg);
        QVERIFY(loaded(file->model(), 50));
        QVERIFY(loaded(pg->model(), 50));
        QCOMPARE(pg->model()->rowCount(), kPgWindowPairs);
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
                QCOMPARE(pg->model()->rowCount(), kPgWindowPairs);
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
        QTRY_VERIFY_WITH_TIMEOUT(
            pg->model()->pairAt(kPgWindowPairs - 1) && pg->model()->pairAt(kPgWindowPairs - 20), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(
            file->model()->pairAt(kPgWindowPairs - 1) && file->model()->pairAt(kPgWindowPairs - 20), kWait);
        for (int row = kPgWindowPairs - 20; row < kPgWindowPairs; ++row)
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
        auto [f, w] = besideEachOther(file, url);
        QVERIFY(f && w);
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
            QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), kPgWindowPairs + 500, kWait);
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
        QCOMPARE(w->model()->rowCount(), kPgWindowPairs);
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
        QCOMPARE(w->model()->rowCount(), kPgWindowPairs);
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
        QCOMPARE(copy->model()->rowCount(), kPgWindowPairs);
        QCOMPARE(firstRows(copy->model(), 50), firstRows(pg->model(), 50));

        const QString schema = pairlens::test::uniqueSchema(u"t_wcopy"_s);
        m_dropped << schema;
        QSignalSpy back(copy.get(), &ui::MainWindow::copyFinished);
        copy->copyDatasetTo(m_owner + u"?schema="_s + schema);
        QTRY_COMPARE_WITH_TIMEOUT(back.size(), 1, kWait);
        QVERIFY2(back.first().at(0).toBool(), qPrintable(back.first().at(1).toString()));
        QCOMPARE(pgCount(schema, u"true"_s), qint64(kPgWindowPairs));
        // The status bar names the target without its password.
        QVERIFY(!copy->statusBar()->currentMessage().contains(QUrl(m_owner).password()));
    }

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

    // Two windows on one PostgreSQL dataset see each other's deletes and reviews without a refresh,
    // and a recorder's new pair is announced, as a file's window announces it.
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
        QTRY_COMPARE_WITH_TIMEOUT(a->model()->rowCount(), kPgWindowPairs - 1, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(b->model()->rowCount(), kPgWindowPairs - 1, kWait);
        QTRY_VERIFY_WITH_TIMEOUT(b->model()->pairAt(0) && b->model()->pairAt(0)->pairId != deleted, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(b->session()->liveTotal(), qint64(kPgWindowPairs - 1), kWait);

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
        QTRY_COMPARE_WITH_TIMEOUT(b->model()->rowCount(), kPgWindowPairs, kWait);
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

    // The PostgreSQL server goes away under an open window and comes back (a cluster of the test's
    // own: the fixture's is shared with other tests). The window says it cannot reach the server,
    // takes that message down when a poll reconnects, and hears changes again.
    void serverAwayAndBack()
    {
        QTemporaryDir dir(QDir::tempPath() + u"/pairlens-away-XXXXXX"_s);
        QVERIFY(dir.isValid());
        // The server runs as "nobody" when the tests run as root: it must reach its directory.
        QVERIFY(QFile::setPermissions(dir.path(),
                                      QFile::permissions(dir.path()) | QFile::ExeOther | QFile::ExeGroup));
        const QString cluster = dir.path() + u"/pg"_s;
        const auto pgCluster = [&cluster](const QString &action) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"PAIRLENS_PG_BIN"_s, QFileInfo(QStringLiteral(PAIRLENS_PSQL)).path());
            p.setProcessEnvironment(env);
            p.start(u"bash"_s,
                    {QStringLiteral(PAIRLENS_SOURCE_DIR) + u"/scripts/pg-cluster.sh"_s, action, cluster});
            return p.waitForFinished(120000) && p.exitCode() == 0
                       ? QString()
                       : QString::fromUtf8(p.readAllStandardError());
        };
        QCOMPARE(pgCluster(u"start"_s), QString());
        const auto stop = qScopeGuard([&] { pgCluster(u"stop"_s); });
        QFile urlFile(cluster + u"/url"_s);
        QVERIFY(urlFile.open(QIODevice::ReadOnly));
        const QString owner = QString::fromUtf8(urlFile.readAll()).trimmed();
        const QString url = owner + u"?schema=away"_s;
        {
            QString error;
            auto s = PgStorage::open(url, &error);
            QVERIFY2(s, qPrintable(error));
            QList<Pair> pairs(3);
            for (int i = 0; i < 3; ++i)
                pairs[i].sqlQuery = u"SELECT %1"_s.arg(i);
            QCOMPARE(s->addBatch(pairs, &error), 3);
        }
        auto w = openWindow(url);
        QVERIFY(w);
        w->session()->setPollInterval(200);
        QVERIFY(loaded(w->model(), 3));

        QCOMPARE(pgCluster(u"pause"_s), QString());
        QTRY_VERIFY_WITH_TIMEOUT(w->errorBar()->isVisible(), kWait);
        QVERIFY2(w->errorBar()->text().contains(u"could not reconnect"_s), qPrintable(w->errorBar()->text()));
        // A read meanwhile says what it could not do; that message comes down with the poll's.
        const QString pollText = w->errorBar()->text();
        w->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(w->errorBar()->isVisible() && w->errorBar()->text() != pollText, kWait);

        QCOMPARE(pgCluster(u"resume"_s), QString());
        QTRY_VERIFY_WITH_TIMEOUT(!w->errorBar()->isVisible(), kWait);
        QVERIFY2(w->statusBar()->currentMessage().contains(u"again"_s),
                 qPrintable(w->statusBar()->currentMessage()));
        // The refresh that failed meanwhile left the table empty: it is read again.
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), 3, kWait);
        // Listening again: a recorder's INSERT is announced.
        QCOMPARE(psql(owner, u"INSERT INTO away.pairs (sql_query) VALUES ('SELECT 4')"_s), QString());
        QTRY_VERIFY_WITH_TIMEOUT(w->externalBar()->isVisible(), kWait);
    }
};

QTEST_MAIN(TstPgWindow)
#include "tst_pgwindow.moc"
