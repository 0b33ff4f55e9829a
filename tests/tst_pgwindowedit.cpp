// Changing pairs in the window on a PostgreSQL dataset (issue 18), beside a file holding the same
// pairs: curation with undo, editing and adding pairs, the privacy settings and decisions, each
// reaching the schema as it reaches the file. The fixture: pgwindowfixture.h.
#include "pgwindowfixture.h"

using namespace Qt::StringLiterals;
using namespace pairlens;
using pairlens::test::kPgWindowPairs;
using pairlens::test::kWait;
using pairlens::test::psql;

class TstPgWindowEdit : public pairlens::test::PgWindowTest
{
    Q_OBJECT

private slots:
    void initTestCase() { setUp(u"t_wedit"_s); }
    void cleanupTestCase() { tearDown(); }

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
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPgWindowPairs - 3, kWait);
        QCOMPARE(pgCount(schema, live), qint64(kPgWindowPairs - 3));
        QCOMPARE(pgCount(schema, those + u" AND delete_batch IS NOT NULL"_s), qint64(3));
        w->undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPgWindowPairs, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, live), qint64(kPgWindowPairs), kWait);
        w->undoStack()->redo();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPgWindowPairs - 3, kWait);
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
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, live), qint64(kPgWindowPairs), kWait);
        w->undoStack()->undo(); // back to the trash
        QTRY_COMPARE_WITH_TIMEOUT(trash->model()->rowCount(), 3, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, live), qint64(kPgWindowPairs - 3), kWait);
        trash->purgeAll();
        QTRY_COMPARE_WITH_TIMEOUT(trash->model()->rowCount(), 0, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, u"true"_s), qint64(kPgWindowPairs - 3), kWait);
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
        auto [f, w] = besideEachOther(file, url);
        QVERIFY(f && w);
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
        auto [f, w] = besideEachOther(file, url);
        QVERIFY(f && w);
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
            QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), kPgWindowPairs + 1, kWait);
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
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPgWindowPairs, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, u"pair_id = 'hand-made-1' AND delete_batch IS NOT NULL"_s),
                                  qint64(1), kWait);
        w->undoStack()->redo();
        QTRY_COMPARE_WITH_TIMEOUT(w->model()->rowCount(), kPgWindowPairs + 1, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(pgCount(schema, u"pair_id = 'hand-made-1' AND delete_batch IS NULL"_s),
                                  qint64(1), kWait);

        // The same pair_id again: refused with the file's sentence, nothing added.
        QSignalSpy failed(w->session(), &ui::DatasetSession::writeFailed);
        w->findChild<QAction *>(u"actionAddPair"_s)->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kWait);
        QVERIFY2(failed.first().first().toString().contains(u"hand-made-1 exists already"_s),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(pgCount(schema, u"true"_s), qint64(kPgWindowPairs + 1));

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

        auto [f, w] = besideEachOther(file, url);
        QVERIFY(f && w);
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
        const privacy::Config stored = privacy::Config::fromSettings(test::storedSettings(*store));
        QCOMPARE(stored.operatorFor(PiiKind::Email), privacy::Operator::Hash);
        QCOMPARE(stored.customPatterns.size(), 1);
        QVERIFY(!test::storedSettings(*store).contains(Deriver::kRescanPendingKey)); // the rescan finished
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
        QCOMPARE(pgCount(schema, u"true"_s), qint64(kPgWindowPairs));
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
        QCOMPARE(privacy::Config::fromSettings(test::storedSettings(*store)).operatorFor(PiiKind::Email),
                 privacy::Operator::Mask);
        QVERIFY(privacy::Config::fromSettings(test::storedSettings(*store)).customPatterns.isEmpty());
        QCOMPARE(pgCount(schema, customWhere), qint64(0));
        QCOMPARE(psql(m_owner, u"SELECT count(*) FROM %1.audit_log WHERE action = 'settings'"_s.arg(schema)),
                 u"2"_s);
        QCOMPARE(exported(url, u"privacy-undone.jsonl"_s), before);

        // Changed elsewhere (`pairlens privacy` on the schema; here another connection): the window's
        // preview follows without reopening, and back.
        for (const privacy::Operator op : {privacy::Operator::Hash, privacy::Operator::Mask}) {
            privacy::Config elsewhere = privacy::Config::fromSettings(test::storedSettings(*store));
            elsewhere.operators.insert(PiiKind::Email, op);
            QVERIFY2(savePrivacySettings(*store, elsewhere, &error) >= 0, qPrintable(error));
            QTRY_COMPARE_WITH_TIMEOUT(w->session()->anonymizer()->config().operatorFor(PiiKind::Email), op,
                                      kWait);
        }

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
        QCOMPARE(privacy::Config::fromSettings(test::storedSettings(*store)).decisions.size(), 1);
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
};

QTEST_MAIN(TstPgWindowEdit)
#include "tst_pgwindowedit.moc"
