// The storage seam's contract (issue 18): one set of scenarios run through the Storage interface on
// both implementations, a dataset file (SqliteStorage) and a fresh schema of the pg_cluster fixture's
// PostgreSQL (PgStorage), with the same expected results written once. Where the two legitimately
// differ, each one's documented behaviour is asserted and the comment says why.
#include "pgtestutil.h"
#include "testutil.h"

#include "privacy/piikind.h"
#include "storage/pgstorage.h"
#include "storage/sqlitestorage.h"
#include "storage/storage.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

// The pairs every backend gets, and what a filter keeps of them (computed here once).
struct Input
{
    QList<Pair> pairs;
    Input()
    {
        for (int i = 0; i < 40; ++i) {
            Pair p;
            p.pairId = u"p%1"_s.arg(i, 2, 10, QChar(u'0'));
            p.naturalLanguageQuery = i % 5 == 0 ? u"contact bob%1@example.com about orders"_s.arg(i)
                                                : u"how many orders number %1"_s.arg(i);
            p.sqlQuery = i % 2 ? u"SELECT count(*) FROM orders WHERE id = %1"_s.arg(i)
                               : u"INSERT INTO orders VALUES (%1)"_s.arg(i);
            p.timestamp =
                u"2026-01-%1T10:%2:00Z"_s.arg(i % 20 + 1, 2, 10, QChar(u'0')).arg(i, 2, 10, QChar(u'0'));
            p.databaseType = i % 2 ? u"postgres"_s : u"sqlite"_s;
            p.databaseName = i % 3 == 0 ? u"shop"_s : u"hr"_s;
            p.success = i % 4 != 3;
            p.executionTimeMs = i * 1.5;
            pairs << p;
        }
    }
    qint64 count(const std::function<bool(int)> &keep) const
    {
        qint64 n = 0;
        for (int i = 0; i < pairs.size(); ++i)
            n += keep(i);
        return n;
    }
};

QStringList ids(const QList<Pair> &pairs)
{
    QStringList out;
    for (const Pair &p : pairs)
        out << p.pairId;
    return out;
}

} // namespace

class TstBackends : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    test::PgServer m_server;
    QStringList m_schemas; // dropped at the end
    Input m_input;

    QString pgUrl(const QString &base)
    {
        const QString schema = test::uniqueSchema(u"t_be"_s);
        m_schemas << schema;
        return base + u"?schema="_s + schema;
    }
    // A fresh, empty store of the row's backend; its location in *location.
    std::unique_ptr<Storage> fresh(const QString &backend, QString *location = nullptr)
    {
        QString error;
        const QString where = backend == "sqlite"_L1
                                  ? m_dir.filePath(test::uniqueSchema(u"ds"_s) + u".pairlens"_s)
                                  : pgUrl(m_server.owner);
        if (location)
            *location = where;
        auto s = openStorageAt(where, Dataset::Mode::OpenOrCreate, &error);
        if (!s)
            qWarning("cannot open %s: %s", qPrintable(where), qPrintable(error));
        return s;
    }
    std::unique_ptr<Storage> filled(const QString &backend, QString *location = nullptr)
    {
        auto s = fresh(backend, location);
        if (!s)
            return s;
        QString error;
        const Deriver deriver = defaultDeriver();
        QList<DerivedFields> derived;
        for (const Pair &p : m_input.pairs)
            derived << deriver.derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp, p.databaseType,
                                      p.pairId, p.metadata);
        if (s->addBatch(m_input.pairs, derived, &error) != m_input.pairs.size()) {
            qWarning("addBatch: %s", qPrintable(error));
            return nullptr;
        }
        return s;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_server = test::pgServer();
        QVERIFY2(m_server.found(), "the pg_cluster fixture did not run (PAIRLENS_PG_DIR)");
    }
    void cleanupTestCase()
    {
        for (const QString &schema : std::as_const(m_schemas))
            test::psql(m_server.owner, u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(schema));
    }

    void contract_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << u"sqlite"_s;
        QTest::newRow("postgresql") << u"postgresql"_s;
    }

    // addBatch is idempotent by pair_id; count sees every Filter field the same way.
    void contract()
    {
        QFETCH(QString, backend);
        auto s = filled(backend);
        QVERIFY(s);
        QString error;
        QCOMPARE(s->count(&error), 40);
        qint64 taken = -1;
        QList<Pair> again = m_input.pairs;
        again[0].sqlQuery = u"SELECT 1"_s; // a taken pair_id: the stored pair is kept
        QCOMPARE(s->addBatch(again, {}, &error, &taken), 0);
        QCOMPARE(taken, 1);
        QCOMPARE(s->count(&error), 40);

        QList<Filter> asked;
        QList<qint64> wanted;
        const auto expect = [&](const Filter &f, const std::function<bool(int)> &keep, const char *what) {
            QString e;
            const qint64 n = s->count(f, &e);
            QVERIFY2(n == m_input.count(keep),
                     qPrintable(u"%1: %2 (%3)"_s.arg(QString::fromUtf8(what)).arg(n).arg(e)));
            asked << f;
            wanted << n;
        };
        Filter f;
        expect(
            f, [](int) { return true; }, "all");
        f = {};
        f.queryTypes = {u"SELECT"_s};
        expect(
            f, [](int i) { return i % 2 == 1; }, "type");
        f = {};
        f.databaseTypes = {u"sqlite"_s};
        expect(
            f, [](int i) { return i % 2 == 0; }, "db type");
        f = {};
        f.databaseNames = {u"shop"_s};
        expect(
            f, [](int i) { return i % 3 == 0; }, "db name");
        f = {};
        f.success = Filter::Success::FailedOnly;
        expect(
            f, [](int i) { return i % 4 == 3; }, "failed");
        f = {};
        f.from = QDateTime(QDate(2026, 1, 5), QTime(0, 0), Qt::UTC);
        f.to = QDateTime(QDate(2026, 1, 10), QTime(23, 59, 59), Qt::UTC);
        expect(
            f, [](int i) { return i % 20 + 1 >= 5 && i % 20 + 1 <= 10; }, "dates");
        f = {};
        f.search = u"contact"_s;
        expect(
            f, [](int i) { return i % 5 == 0; }, "search");
        f = {};
        f.piiRequired = true;
        expect(
            f, [](int i) { return i % 5 == 0; }, "PII (an e-mail address)");
        f = {};
        f.pairIds = {u"p01"_s, u"p02"_s};
        expect(
            f, [](int i) { return i == 1 || i == 2; }, "pair ids");
        // All of them at once (an export's scope counts; one scan on PostgreSQL), overlapping,
        // disjoint and with parameters of their own: the same counts.
        QList<qint64> counts;
        QVERIFY2(s->countEach(asked, &counts, &error), qPrintable(error));
        QCOMPARE(counts, wanted);
        QVERIFY2(s->countEach(asked.mid(5, 2), &counts, &error), qPrintable(error));
        QCOMPARE(counts, wanted.mid(5, 2));

        // get, distinctValues
        QList<Pair> page;
        QVERIFY2(s->page(Filter(), 1, 0, &page, &error), qPrintable(error));
        QCOMPARE(page.size(), 1);
        QCOMPARE(page.first().pairId, u"p39"_s); // newest first: 2026-01-20T10:39
        const auto got = s->get(page.first().rowId, &error);
        QVERIFY(got);
        QCOMPARE(got->naturalLanguageQuery, m_input.pairs[39].naturalLanguageQuery);
        QCOMPARE(got->tableNames, QStringList{u"orders"_s});
        QStringList values;
        QVERIFY(s->distinctValues(u"database_name"_s, &values, &error));
        QCOMPARE(values, (QStringList{u"hr"_s, u"shop"_s}));
        QVERIFY(s->distinctValues(u"query_type"_s, &values, &error));
        QCOMPARE(values, (QStringList{u"INSERT"_s, u"SELECT"_s}));
        // All three in one pass: the same lists, in the order asked.
        QList<QStringList> lists;
        QVERIFY2(
            s->distinctValuesOf({u"database_type"_s, u"query_type"_s, u"database_name"_s}, &lists, &error),
            qPrintable(error));
        QCOMPARE(lists, (QList<QStringList>{
                            {u"postgres"_s, u"sqlite"_s}, {u"INSERT"_s, u"SELECT"_s}, {u"hr"_s, u"shop"_s}}));

        // pageAfter walks the same pairs as the offset pages.
        QStringList walked, offsets;
        Storage::PageMark mark;
        for (int guard = 0; guard < 20; ++guard) {
            QList<Pair> out;
            Storage::PageMark last;
            QVERIFY2(s->pageAfter(Filter(), mark, 7, &out, &last, &error), qPrintable(error));
            mark = last;
            if (out.isEmpty())
                break;
            walked << ids(out);
        }
        for (qint64 off = 0; off < 40; off += 7) {
            QList<Pair> out;
            QVERIFY(s->page(Filter(), 7, off, &out, &error));
            offsets << ids(out);
        }
        QCOMPARE(walked, offsets);
        QCOMPARE(walked.size(), 40);

        // readRows: row id order, the content as added.
        auto cursor = s->readRows(Filter(), &error);
        QVERIFY2(cursor, qPrintable(error));
        QStringList read;
        while (cursor->fetch(9, [&](const StoredRow &r) {
            const Pair p = pairFromStoredRow(r);
            read << p.pairId;
            const Pair &in = m_input.pairs[p.pairId.mid(1).toInt()];
            QCOMPARE(p.sqlQuery, in.sqlQuery);
            QCOMPARE(p.databaseName, in.databaseName);
            QCOMPARE(p.success, in.success);
        }) > 0) {
        }
        QVERIFY2(cursor->errorString().isEmpty(), qPrintable(cursor->errorString()));
        QCOMPARE(read, ids(m_input.pairs));
        // A PostgreSQL cursor reads in a read-only transaction of the store's connection, so it is
        // ended before the store writes (PgStorage then refuses writes with its read-only sentence).
        cursor.reset();

        // Curation, each with its audit entry.
        QList<Storage::AuditEntry> log;
        QVERIFY(s->auditLog(100, &log, &error));
        const qint64 entriesBefore = log.size();
        f = {};
        f.search = u"contact"_s;
        const auto deleted = s->softDelete(f, &error);
        QVERIFY2(deleted, qPrintable(error));
        QCOMPARE(deleted->count, 8);
        QCOMPARE(s->count(Filter(), &error), 32);
        Filter trash;
        trash.scope = Filter::Scope::Deleted;
        QCOMPARE(s->count(trash, &error), 8);
        QCOMPARE(s->restoreBatch(deleted->batch, &error), 8);
        QCOMPARE(s->count(Filter(), &error), 40);
        f = {};
        f.pairIds = {u"p00"_s, u"p01"_s};
        QVERIFY(s->softDelete(f, &error));
        QCOMPARE(s->restore(f, &error), 2);
        QVERIFY(s->softDelete(f, &error));
        QCOMPARE(s->purge(f, &error), 2);
        QCOMPARE(s->count(&error), 38);
        f = {};
        f.databaseTypes = {u"postgres"_s};
        QCOMPARE(s->setReviewStatus(f, ReviewStatus::Approved, &error), 19);
        Filter approved;
        approved.reviewStatuses = {int(ReviewStatus::Approved)};
        QCOMPARE(s->count(approved, &error), 19);
        f = {};
        f.pairIds = {u"p05"_s};
        QCOMPARE(s->setReviewerNote(f, u"check the address"_s, &error), 1);
        // Again: the pair matches (and has the note), as setReviewStatus counts the matched pairs.
        QCOMPARE(s->setReviewerNote(f, u"check the address"_s, &error), 1);
        QVERIFY(s->auditLog(100, &log, &error));
        QStringList actions;
        for (qsizetype i = log.size() - entriesBefore - 1; i >= 0; --i)
            actions << log[i].action + u":"_s + QString::number(log[i].pairCount);
        // Every write logged once, in order (the repeated note too, on both backends).
        QCOMPARE(actions.size(), 9);
        QCOMPARE(actions.first(), u"delete:8"_s);
        QCOMPARE(actions.mid(1, 5),
                 (QStringList{u"restore:8"_s, u"delete:2"_s, u"restore:2"_s, u"delete:2"_s, u"purge:2"_s}));
        QVERIFY2(actions[6].startsWith(u"review:"_s) && actions[7].startsWith(u"note:"_s) &&
                     actions[8].startsWith(u"note:"_s),
                 qPrintable(actions.join(u' ')));

        // Settings: one change after the other.
        QVERIFY2(
            s->updateSetting(
                u"test.key"_s,
                [](const QString &current, QString *) { return std::optional<QString>(current + u"a"_s); },
                &error),
            qPrintable(error));
        QVERIFY(s->updateSetting(
            u"test.key"_s,
            [](const QString &current, QString *) { return std::optional<QString>(current + u"b"_s); },
            &error));
        QCOMPARE(test::storedSettings(*s).value(u"test.key"_s), u"ab"_s);
        QCOMPARE(s->secret().size(), 32);

        // The window's edits: a pair's text (with its "edit" entry), settings with their own entry, and
        // the PII rescan.
        f = {};
        f.pairIds = {u"p07"_s};
        QList<Pair> one;
        QVERIFY(s->page(f, 1, 0, &one, &error));
        QCOMPARE(one.size(), 1);
        const Deriver deriver = storageDeriver(*s);
        const DerivedFields d =
            deriver.derive(u"write to carol@example.org"_s, u"UPDATE customers SET x = 1"_s, one[0].timestamp,
                           one[0].databaseType, one[0].pairId);
        QVERIFY2(s->updateText(one[0].rowId, u"write to carol@example.org"_s, u"UPDATE customers SET x = 1"_s,
                               d, &error),
                 qPrintable(error));
        const auto edited = s->get(one[0].rowId, &error);
        QVERIFY(edited);
        QCOMPARE(edited->queryType, u"UPDATE"_s);
        QCOMPARE(edited->tableNames, QStringList{u"customers"_s});
        QVERIFY(edited->piiMask != 0);
        QVERIFY2(
            s->updateSettings({{u"test.other"_s, u"1"_s}}, u"settings"_s, {{u"why"_s, u"test"_s}}, &error),
            qPrintable(error));
        QCOMPARE(test::storedSettings(*s).value(u"test.other"_s), u"1"_s);
        QVERIFY(s->auditLog(2, &log, &error));
        QCOMPARE(log.size(), 2);
        QCOMPARE(log[0].action, u"settings"_s);
        QCOMPARE(log[0].detail.value(u"why"_s).toString(), u"test"_s);
        QCOMPARE(log[1].action, u"edit"_s);
        QCOMPARE(log[1].detail.value(u"pair_id"_s).toString(), u"p07"_s);
        QVERIFY2(s->rescanPii(deriver, {}, &error) >= 0, qPrintable(error));
        QVERIFY(test::storedSettings(*s).value(Deriver::kRescanPendingKey).isEmpty());
    }

    void actionsAgree()
    {
        // The audit actions of the same writes are named the same on both backends.
        QStringList actions[2];
        for (int b = 0; b < 2; ++b) {
            auto s = filled(b ? u"postgresql"_s : u"sqlite"_s);
            QVERIFY(s);
            QString error;
            QList<Storage::AuditEntry> log;
            QVERIFY(s->auditLog(100, &log, &error));
            const qsizetype before = log.size();
            Filter f;
            f.search = u"contact"_s;
            const auto d = s->softDelete(f, &error);
            QVERIFY(d);
            QVERIFY(s->restoreBatch(d->batch, &error) >= 0);
            QVERIFY(s->softDelete(f, &error));
            QVERIFY(s->restore(f, &error) >= 0);
            QVERIFY(s->softDelete(f, &error));
            QVERIFY(s->purge(f, &error) >= 0);
            f = {};
            f.databaseTypes = {u"postgres"_s};
            QVERIFY(s->setReviewStatus(f, ReviewStatus::Rejected, &error) >= 0);
            f = {};
            f.pairIds = {u"p01"_s};
            QVERIFY(s->setReviewerNote(f, u"n"_s, &error) >= 0);
            QVERIFY(s->auditLog(100, &log, &error));
            for (qsizetype i = log.size() - before - 1; i >= 0; --i)
                actions[b] << log[i].action + u":"_s + QString::number(log[i].pairCount);
        }
        QVERIFY2(actions[1] == actions[0],
                 qPrintable(actions[0].join(u' ') + u" / "_s + actions[1].join(u' ')));
    }

    void sortsAgree()
    {
        auto file = filled(u"sqlite"_s), pg = filled(u"postgresql"_s);
        QVERIFY(file && pg);
        QString error;
        using C = PairStore::SortColumn;
        // Every pair, and a page of a filter's (PostgreSQL picks a page's row ids, then reads
        // their rows in that order).
        Filter sqlite;
        sqlite.databaseTypes = {u"sqlite"_s};
        const struct
        {
            Filter filter;
            int limit, offset;
        } pages[] = {{Filter(), 100, 0}, {sqlite, 7, 3}};
        for (const auto &[filter, limit, offset] : pages) {
            for (C column : {C::Id, C::Timestamp, C::Question, C::Sql, C::QueryType, C::DatabaseType,
                             C::DatabaseName, C::Success, C::ExecutionTime, C::PiiKinds, C::ReviewStatus}) {
                for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                    QList<Pair> a, b;
                    QVERIFY(file->page(filter, PairStore::Sort{column, order}, limit, offset, &a, &error));
                    QVERIFY2(pg->page(filter, PairStore::Sort{column, order}, limit, offset, &b, &error),
                             qPrintable(error));
                    QCOMPARE(a.size(), std::min(limit, 40 - offset));
                    QVERIFY2(ids(a) == ids(b), qPrintable(u"sort %1 %2: %3 / %4"_s.arg(int(column))
                                                              .arg(int(order))
                                                              .arg(ids(a).join(u','), ids(b).join(u','))));
                    QCOMPARE(b.last().naturalLanguageQuery, a.last().naturalLanguageQuery);
                }
            }
        }
        Statistics sa, sb;
        QVERIFY2(file->statistics(Filter(), &sa, &error), qPrintable(error));
        QVERIFY2(pg->statistics(Filter(), &sb, &error), qPrintable(error));
        QVERIFY(file->countDuplicates(Filter(), &sa, &error));
        QVERIFY(pg->countDuplicates(Filter(), &sb, &error));
        QCOMPARE(QJsonDocument(sb.toJson()).toJson(), QJsonDocument(sa.toJson()).toJson());
    }

    // The duplicates filters see the same pairs in every scope, in pages, counts, statistics and
    // deletes: the 40 pairs, exact copies of p01 and p02 under other pair_ids (the copy of p02 in
    // the trash), and one pair like no other.
    void duplicatesAgree_data() { contract_data(); }
    void duplicatesAgree()
    {
        QFETCH(QString, backend);
        auto s = filled(backend);
        QVERIFY(s);
        QString error;
        QList<Pair> extra = {m_input.pairs[1], m_input.pairs[2], m_input.pairs[3]};
        extra[0].pairId = u"d01"_s;
        extra[1].pairId = u"d02"_s;
        extra[2].pairId = u"u01"_s;
        extra[2].naturalLanguageQuery = u"list the employees"_s;
        extra[2].sqlQuery = u"SELECT name FROM employees"_s;
        QList<DerivedFields> derived;
        for (const Pair &p : extra)
            derived << defaultDeriver().derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                               p.databaseType, p.pairId, p.metadata);
        QCOMPARE(s->addBatch(extra, derived, &error), 3);
        Filter one;
        one.pairIds = {u"d02"_s};
        QVERIFY2(s->softDelete(one, &error), qPrintable(error));

        const auto idsOf = [&](const Filter &f) {
            QList<Pair> page;
            if (!s->page(f, PairStore::Sort{PairStore::SortColumn::Id, Qt::AscendingOrder}, 100, 0, &page,
                         &error))
                return QStringList{u"error: "_s + error};
            QStringList out = ids(page);
            out.sort();
            return out;
        };
        Filter exact, normalized;
        exact.duplicates = Filter::Duplicates::Exact;
        normalized.duplicates = Filter::Duplicates::Normalized;
        QCOMPARE(idsOf(exact), (QStringList{u"d01"_s, u"p01"_s}));
        QCOMPARE(s->count(exact, &error), 2);
        // Every question and SQL of the 40 pairs differs from the others' in its numbers only.
        QStringList all = ids(m_input.pairs) << u"d01"_s;
        all.sort();
        QCOMPARE(idsOf(normalized), all);
        exact.scope = Filter::Scope::All;
        QCOMPARE(idsOf(exact), (QStringList{u"d01"_s, u"d02"_s, u"p01"_s, u"p02"_s}));
        exact.scope = Filter::Scope::Deleted;
        QCOMPARE(idsOf(exact), QStringList());
        exact.scope = Filter::Scope::Live;
        exact.databaseTypes = {u"sqlite"_s}; // p01 and its copy are postgres pairs
        QCOMPARE(s->count(exact, &error), 0);

        Statistics stats;
        QVERIFY2(s->countDuplicates(Filter(), &stats, &error), qPrintable(error));
        QCOMPARE(stats.exactDuplicates, 1);
        QCOMPARE(stats.normalizedDuplicates, 37); // 41 pairs in four shapes, u01 alone
        Filter trash;
        trash.scope = Filter::Scope::All;
        QVERIFY2(s->countDuplicates(trash, &stats, &error), qPrintable(error));
        QCOMPARE(stats.exactDuplicates, 2);

        // A delete under the filter takes exactly the pairs it shows.
        exact.databaseTypes.clear();
        const auto deleted = s->softDelete(exact, &error);
        QVERIFY2(deleted, qPrintable(error));
        QCOMPARE(deleted->count, 2);
        QCOMPARE(s->count(Filter(), &error), 40 + 3 - 1 - 2);
    }

    // On a large table PostgreSQL's statistics split their scan between two connections on one
    // snapshot (by the table's blocks): the same numbers as one scan and as a dataset file's.
    void statisticsSplitAgree()
    {
        auto file = fresh(u"sqlite"_s), pg = fresh(u"postgresql"_s);
        QVERIFY(file && pg);
        QList<Pair> pairs;
        QList<DerivedFields> derived;
        for (int i = 0; i < 3000; ++i) {
            Pair p = m_input.pairs[i % 40];
            p.pairId = u"s%1"_s.arg(i);
            p.naturalLanguageQuery += u" in region %1"_s.arg(i % 17);
            p.sqlQuery = i % 3 ? p.sqlQuery : u"SELECT * FROM region_%1 JOIN Orders USING (id)"_s.arg(i % 11);
            p.timestamp =
                u"2026-0%1-%2T0%3:00:00Z"_s.arg(i % 9 + 1).arg(i % 28 + 1, 2, 10, QChar(u'0')).arg(i % 10);
            p.databaseName = u"db%1"_s.arg(i % 13);
            p.executionTimeMs = i % 7 ? (i % 101) * 0.25 : -1;
            if (i == 2999) {
                // The earliest pair, stored last (in the second half of the blocks): its spelling of
                // the orders table wins, and its time is the first.
                p.sqlQuery = u"SELECT * FROM ORDERS"_s;
                p.timestamp = u"2025-12-31T23:59:59Z"_s;
            }
            pairs << p;
            derived << defaultDeriver().derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                               p.databaseType, p.pairId, p.metadata);
        }
        QString error;
        QCOMPARE(file->addBatch(pairs, derived, &error), 3000);
        QCOMPARE(pg->addBatch(pairs, derived, &error), 3000);
        Filter some;
        some.success = Filter::Success::SuccessfulOnly;
        some.from = QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC);
        for (const Filter &f : {Filter(), some}) {
            Statistics s[3];
            QVERIFY2(file->statistics(f, &s[0], &error), qPrintable(error));
            PgStorage::setStatisticsSplitBlocks(1 << 30); // one scan
            QVERIFY2(pg->statistics(f, &s[1], &error), qPrintable(error));
            PgStorage::setStatisticsSplitBlocks(1); // two halves of a table of some 200 blocks
            const bool ok = pg->statistics(f, &s[2], &error);
            PgStorage::setStatisticsSplitBlocks(4096);
            QVERIFY2(ok, qPrintable(error));
            QVERIFY(s[0].totalPairs > 1000);
            if (f.from.isNull()) {
                QCOMPARE(s[0].firstTimestamp, u"2025-12-31T23:59:59.000Z"_s);
                QVERIFY(std::any_of(s[0].topTables.cbegin(), s[0].topTables.cend(),
                                    [](const Statistics::Count &t) { return t.name == u"ORDERS"_s; }));
            }
            const QByteArray json = QJsonDocument(s[0].toJson()).toJson();
            QCOMPARE(QJsonDocument(s[1].toJson()).toJson(), json);
            QCOMPARE(QJsonDocument(s[2].toJson()).toJson(), json);
        }
    }

    // The tables filter (names compared without ASCII case, as a file's pair_tables) on both
    // backends: PostgreSQL searches the table_names text, and parses only texts with escapes.
    void tablesFilterAgree()
    {
        auto file = fresh(u"sqlite"_s), pg = fresh(u"postgresql"_s);
        QVERIFY(file && pg);
        const QStringList sql = {
            u"SELECT * FROM Orders"_s,
            u"SELECT * FROM orders_archive JOIN orders USING (id)"_s,
            u"SELECT * FROM order_lines"_s,
            u"SELECT * FROM \"odd\"\"Name\""_s,
            u"SELECT * FROM \"back\\slash\" JOIN ORDERS USING (id)"_s,
            u"SELECT * FROM \"Café\""_s,
            u"SELECT * FROM \"CAFÉ\""_s,
            u"SELECT 1"_s,
        };
        QList<Pair> pairs;
        QList<DerivedFields> derived;
        for (int i = 0; i < sql.size() * 3; ++i) {
            Pair p = m_input.pairs[i % 40];
            p.pairId = u"t%1"_s.arg(i);
            p.sqlQuery = sql[i % sql.size()];
            pairs << p;
            derived << defaultDeriver().derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                               p.databaseType, p.pairId, p.metadata);
        }
        QString error;
        QCOMPARE(file->addBatch(pairs, derived, &error), pairs.size());
        QCOMPARE(pg->addBatch(pairs, derived, &error), pairs.size());
        const QList<QStringList> asked = {
            {u"orders"_s},    {u"ORDERS"_s},    {u"order"_s},       {u"orders_archive"_s},
            {u"odd\"name"_s}, {u"ODD\"NAME"_s}, {u"back\\slash"_s}, {u"BACK\\SLASH"_s},
            {u"café"_s},      {u"CAFÉ"_s},      {u"Café"_s},        {u"orders"_s, u"Café"_s},
            {u"nowhere"_s},   {u"name"_s}, // `"name"` is in the text of odd"Name, after a backslash
        };
        for (const QStringList &tables : asked) {
            Filter f;
            f.tables = tables;
            const qint64 n = file->count(f, &error);
            QCOMPARE(pg->count(f, &error), n);
            QList<Pair> a, b;
            QVERIFY2(file->page(f, 100, 0, &a, &error), qPrintable(error));
            QVERIFY2(pg->page(f, 100, 0, &b, &error), qPrintable(error));
            QStringList ia = ids(a), ib = ids(b);
            ia.sort();
            ib.sort();
            QCOMPARE(ib, ia);
        }
        // What the file says, so that the comparison above means something.
        const auto count = [&](const QStringList &tables) {
            Filter f;
            f.tables = tables;
            return pg->count(f, &error);
        };
        QCOMPARE(count({u"ORDERS"_s}), 9); // Orders, orders (with orders_archive), ORDERS
        QCOMPARE(count({u"odd\"name"_s}), 3);
        QCOMPARE(count({u"back\\slash"_s}), 3);
        QCOMPARE(count({u"café"_s}), 3); // Café: C and c are an ASCII case pair, É and é not
        QCOMPARE(count({u"CAFÉ"_s}), 3);
        QCOMPARE(count({u"order"_s}), 0);
        QCOMPARE(count({u"name"_s}), 0);
    }

    // Pages in time order of filters whose matches PostgreSQL's planner cannot count are read by a
    // bounded walk of the time order, then, when the page is not full by its end, by sorting the
    // matches (pgpage.cpp): both ways give the file's pages, in both directions and at offsets.
    void hardFilterPagesAgree()
    {
        auto file = filled(u"sqlite"_s), pg = filled(u"postgresql"_s);
        QVERIFY(file && pg);
        Filter searchAndEmail, email, none, failedInShop, contactOrders, postgres;
        searchAndEmail.search = u"orders"_s;
        searchAndEmail.piiRequired = true;
        searchAndEmail.piiKinds = quint32(PiiKind::Email);
        email.piiRequired = true;
        none.queryTypes = {u"INSERT"_s};
        none.databaseTypes = {u"postgres"_s}; // INSERT is every even pair, postgres every odd one
        failedInShop.success = Filter::Success::FailedOnly;
        failedInShop.databaseNames = {u"shop"_s};
        contactOrders.tables = {u"ORDERS"_s};
        contactOrders.search = u"contact"_s;
        postgres.databaseTypes = {u"postgres"_s};
        QString error;
        // 5 pairs: the walk fills some pages, not others; the planner not asked (on 40 pairs it
        // scans), then asked.
        for (const auto &[walk, askPlanner] : {std::pair{5, false}, {1000, false}, {5, true}}) {
            PgStorage::setTimePageWalk(walk, askPlanner);
            for (const Filter &f : {searchAndEmail, email, none, failedInShop, contactOrders, postgres}) {
                for (const auto &[limit, offset] : {std::pair{3, 0}, {3, 2}, {50, 0}}) {
                    QList<Pair> a, b;
                    QVERIFY(file->page(f, limit, offset, &a, &error));
                    QVERIFY2(pg->page(f, limit, offset, &b, &error), qPrintable(error));
                    QCOMPARE(ids(b), ids(a));
                    for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                        const PairStore::Sort sort{PairStore::SortColumn::Timestamp, order};
                        QVERIFY(file->page(f, sort, limit, offset, &a, &error));
                        QVERIFY2(pg->page(f, sort, limit, offset, &b, &error), qPrintable(error));
                        QCOMPARE(ids(b), ids(a));
                        if (!b.isEmpty())
                            QCOMPARE(b.first().sqlQuery, a.first().sqlQuery);
                    }
                }
            }
        }
        PgStorage::setTimePageWalk(0);
        // What the file says, so that the comparisons above mean something.
        QList<Pair> a;
        QVERIFY(file->page(searchAndEmail, 50, 0, &a, &error));
        QCOMPARE(a.size(), 8);
        QVERIFY(file->page(none, 50, 0, &a, &error));
        QCOMPARE(a.size(), 0);
        QVERIFY(file->page(failedInShop, 50, 0, &a, &error));
        QCOMPARE(ids(a), (QStringList{u"p39"_s, u"p15"_s, u"p27"_s, u"p03"_s}));
    }

    void readOnly_data() { contract_data(); }
    void readOnly()
    {
        QFETCH(QString, backend);
        QString location, error;
        {
            QVERIFY(filled(backend, &location));
        }
        std::unique_ptr<Storage> s;
        if (backend == "sqlite"_L1) {
            s = openStorageAt(location, Dataset::Mode::ReadOnly, &error);
        } else {
            // The read-only role on the same schema (the fixture's url-readonly), granted reading as
            // an administrator would.
            const QString granted = test::psql(
                m_server.owner, u"GRANT USAGE ON SCHEMA %1 TO pairlens_ro; GRANT "
                                "SELECT ON ALL TABLES IN SCHEMA %1 TO pairlens_ro"_s.arg(m_schemas.last()));
            QVERIFY2(!granted.startsWith(u"psql failed"_s), qPrintable(granted));
            s = PgStorage::open(m_server.readOnly + u"?schema="_s + m_schemas.last(), &error, false);
        }
        QVERIFY2(s, qPrintable(error));
        QString why;
        QVERIFY(!s->canWrite(&why));
        QVERIFY(!why.isEmpty());
        Filter f;
        f.pairIds = {u"p01"_s};
        error.clear();
        QVERIFY(!s->softDelete(f, &error));
        QVERIFY(error.contains(u"read-only"_s));
        QCOMPARE(s->count(&error), 40);
    }

    void changesFromAnotherProcess_data() { contract_data(); }
    void changesFromAnotherProcess()
    {
        QFETCH(QString, backend);
        QString location, error;
        auto s = filled(backend, &location);
        QVERIFY(s);
        QVERIFY2(s->listenForChanges(&error), qPrintable(error));
        QCOMPARE(s->takeChanges(&error), 0);
        const test::CliRun r = test::runHeadless(
            QStringLiteral(PAIRLENS_EXE),
            {u"review"_s, location, u"--db-type"_s, u"sqlite"_s, u"--status"_s, u"approved"_s}, m_dir.path());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        int seen = 0;
        for (int i = 0; i < 100 && seen == 0; ++i) {
            seen = s->takeChanges(&error);
            if (seen == 0)
                QTest::qWait(50);
        }
        QVERIFY2(seen > 0, qPrintable(error));
        Filter approved;
        approved.reviewStatuses = {int(ReviewStatus::Approved)};
        QCOMPARE(s->count(approved, &error), 20);
    }
};

QTEST_GUILESS_MAIN(TstBackends)
#include "tst_backends.moc"
