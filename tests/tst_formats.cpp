// Real dataset files of every earlier format version (tests/data/formats/, written by
// tests/data/formats/make_formats.cpp with the schema code of each version): the current code opens
// each, migrates it to the current version, and every pair, review, note, trash entry, audit entry
// and setting is still there, the schema is a new dataset's, and sorted pages come in the right order.
#include "dataset/dataset.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"
#include "dataset/schema.h"
#include "testutil.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

using Rows = QMap<QString, QVariantList>; // pair_id -> the row's other columns

// The columns every version has, then the curation columns of version 2 on.
const QStringList kSeedColumns{u"natural_language_query"_s,
                               u"sql_query"_s,
                               u"timestamp"_s,
                               u"database_type"_s,
                               u"database_name"_s,
                               u"success"_s,
                               u"execution_time_ms"_s,
                               u"metadata"_s,
                               u"ts"_s,
                               u"query_type"_s,
                               u"table_names"_s};
const QStringList kCurationColumns{u"review_status"_s, u"reviewer_note"_s, u"deleted"_s, u"deleted_at"_s,
                                   u"delete_batch"_s};

struct Contents
{
    int version = 0;
    Rows pairs;
    QMap<QString, QString> settings;
    QList<QVariantList> audit;
    QStringList schema; // "type name: sql" of every table, index and trigger
};

QString fixture(int version)
{
    return QStringLiteral(PAIRLENS_TEST_DATA "/formats/version%1.pairlens").arg(version);
}

// Reads a dataset file with a plain SQLite connection (read-only unless it must be written).
Contents readContents(const QString &path, bool withCuration)
{
    Contents c;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"contents"_s);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open())
            qWarning() << db.lastError().text();
        QSqlQuery q(db);
        if (q.exec(u"PRAGMA user_version"_s) && q.next())
            c.version = q.value(0).toInt();
        const QStringList columns = withCuration ? kSeedColumns + kCurationColumns : kSeedColumns;
        if (q.exec(u"SELECT pair_id, %1 FROM pairs"_s.arg(columns.join(u", "_s)))) {
            while (q.next()) {
                QVariantList row;
                for (int i = 1; i <= columns.size(); ++i)
                    row << q.value(i);
                c.pairs.insert(q.value(0).toString(), row);
            }
        }
        if (q.exec(u"SELECT key, value FROM settings"_s)) {
            while (q.next())
                c.settings.insert(q.value(0).toString(), q.value(1).toString());
        }
        if (withCuration &&
            q.exec(u"SELECT id, at, action, pair_count, detail FROM audit_log ORDER BY id"_s)) {
            while (q.next())
                c.audit << QVariantList{q.value(0), q.value(1), q.value(2), q.value(3), q.value(4)};
        }
        if (q.exec(u"SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE "
                   u"'pairs_fts_%' "
                   "ORDER BY type, name"_s)) {
            while (q.next()) {
                // The text of a statement as written (ALTER TABLE appends columns to the table's).
                c.schema << q.value(0).toString() + u' ' + q.value(1).toString() + u": "_s +
                                q.value(2).toString().simplified();
            }
        }
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"contents"_s);
    return c;
}

QStringList indexesAndTriggers(const QStringList &schema)
{
    QStringList out;
    for (const QString &s : schema) {
        if (s.startsWith(u"index "_s) || s.startsWith(u"trigger "_s))
            out << s;
    }
    return out;
}

} // namespace

class TstFormats : public QObject
{
    Q_OBJECT
private slots:
    void fixturesAreWhatTheySay_data();
    void fixturesAreWhatTheySay();
    void opensAndMigrates_data();
    void opensAndMigrates();
};

void TstFormats::fixturesAreWhatTheySay_data()
{
    QTest::addColumn<int>("version");
    for (int v = 1; v < schema::kCurrentVersion; ++v)
        QTest::addRow("version %d", v) << v;
}

void TstFormats::fixturesAreWhatTheySay()
{
    // Each fixture is of its version and holds the curation the test below checks, so that the
    // migration test cannot pass on an empty or already migrated file.
    QFETCH(int, version);
    QVERIFY2(QFile::exists(fixture(version)), qPrintable(fixture(version)));
    const Contents c = readContents(fixture(version), version >= 2);
    QCOMPARE(c.version, version);
    QVERIFY(c.pairs.size() >= 30);
    QVERIFY(c.settings.contains(u"privacy.secret"_s));
    QVERIFY(c.settings.contains(u"privacy.operator.email"_s));
    QVERIFY(c.settings.contains(u"privacy.custom_patterns"_s));
    if (version >= 2) {
        const int review = kSeedColumns.size(), note = review + 1, deleted = review + 2;
        int approved = 0, rejected = 0, notes = 0, trashed = 0;
        for (const QVariantList &row : c.pairs) {
            approved += row.at(review).toInt() == 1;
            rejected += row.at(review).toInt() == 2;
            notes += !row.at(note).toString().isEmpty();
            trashed += row.at(deleted).toInt() == 1;
        }
        QVERIFY(approved >= 1 && rejected >= 1);
        QVERIFY(notes >= 2);
        QCOMPARE(trashed, 2);
        QCOMPARE(c.audit.size(), 3);
    }
}

void TstFormats::opensAndMigrates_data()
{
    fixturesAreWhatTheySay_data();
}

void TstFormats::opensAndMigrates()
{
    QFETCH(int, version);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"old.pairlens"_s);
    QVERIFY(QFile::copy(fixture(version), path)); // a fixture, never a live dataset
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    const Contents before = readContents(path, version >= 2);

    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    QVERIFY2(ds, qPrintable(error));
    QCOMPARE(ds->formatVersion(), schema::kCurrentVersion);
    QVERIFY(ds->wasMigrated());
    {
        QSqlQuery q(ds->db());
        QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"ok"_s);
    }

    // Sorted pages through the store: by question and by SQL, both directions, by offset and by
    // keyset, against the order computed here (ties by row id). The texts are in the Basic
    // Multilingual Plane, where QString's comparison is SQLite's (code point order).
    PairStore store(*ds);
    Filter live;
    QList<Pair> all;
    QVERIFY(store.forEach(live, {PairStore::SortColumn::Id, Qt::AscendingOrder}, [&](const Pair &p) {
        all << p;
        return true;
    }));
    QCOMPARE(all.size(), before.pairs.size() - (version >= 2 ? 2 : 0));
    const auto check = [&](PairStore::SortColumn column, Qt::SortOrder order) {
        QList<Pair> expected = all;
        const auto text = [column](const Pair &p) {
            return column == PairStore::SortColumn::Question ? p.naturalLanguageQuery : p.sqlQuery;
        };
        std::sort(expected.begin(), expected.end(), [&](const Pair &a, const Pair &b) {
            const int c = QString::compare(text(a), text(b));
            const bool less = c != 0 ? c < 0 : a.rowId < b.rowId;
            const bool greater = c != 0 ? c > 0 : a.rowId > b.rowId;
            return order == Qt::AscendingOrder ? less : greater;
        });
        const PairStore::Sort sort{column, order};
        const QList<Pair> first = store.page(live, sort, 10);
        QCOMPARE(first.size(), 10);
        for (int i = 0; i < first.size(); ++i)
            QCOMPARE(first.at(i).pairId, expected.at(i).pairId);
        QList<Pair> walked;
        QVERIFY(store.forEach(
            live, sort,
            [&](const Pair &p) {
                walked << p;
                return true;
            },
            7));
        QCOMPARE(walked.size(), expected.size());
        for (int i = 0; i < walked.size(); ++i)
            QCOMPARE(walked.at(i).pairId, expected.at(i).pairId);
    };
    check(PairStore::SortColumn::Question, Qt::AscendingOrder);
    check(PairStore::SortColumn::Question, Qt::DescendingOrder);
    check(PairStore::SortColumn::Sql, Qt::AscendingOrder);
    check(PairStore::SortColumn::Sql, Qt::DescendingOrder);

    // Newest first by ts, which version 5 reads from pairs_stats.
    QList<Pair> newest = all;
    std::sort(newest.begin(), newest.end(), [](const Pair &a, const Pair &b) {
        const QString ta = normalisePairTimestamp(a.timestamp), tb = normalisePairTimestamp(b.timestamp);
        return ta != tb ? ta > tb : a.rowId > b.rowId;
    });
    const QList<Pair> page = store.page(live, {}, 5);
    QCOMPARE(page.size(), 5);
    for (int i = 0; i < page.size(); ++i)
        QCOMPARE(page.at(i).pairId, newest.at(i).pairId);

    if (version >= 2) {
        Filter trash;
        trash.scope = Filter::Scope::Deleted;
        QCOMPARE(store.count(trash), 2);
        Filter rejected;
        rejected.reviewStatuses = {2};
        QCOMPARE(store.count(rejected), 1);
    }
    Filter search;
    search.search = u"Köln"_s;
    QCOMPARE(store.count(search), 2);
    ds.reset();

    // Every pair, curation field, audit entry and setting survived; the schema is a new dataset's.
    const Contents after = readContents(path, version >= 2);
    QCOMPARE(after.version, schema::kCurrentVersion);
    QCOMPARE(after.pairs.keys(), before.pairs.keys());
    for (auto it = before.pairs.cbegin(); it != before.pairs.cend(); ++it) {
        const QVariantList &now = after.pairs.value(it.key());
        for (int i = 0; i < it.value().size(); ++i) {
            const QString column = (kSeedColumns + kCurationColumns).at(i);
            if (column == u"table_names"_s) // the analysis of today may name tables differently
                continue;
            QVERIFY2(now.at(i) == it.value().at(i),
                     qPrintable(u"%1 %2: %3 -> %4"_s.arg(it.key(), column, it.value().at(i).toString(),
                                                         now.at(i).toString())));
        }
    }
    for (auto it = before.settings.cbegin(); it != before.settings.cend(); ++it)
        QCOMPARE(after.settings.value(it.key()), it.value());
    QCOMPARE(after.audit.mid(0, before.audit.size()), before.audit);

    const QString fresh = dir.filePath(u"new.pairlens"_s);
    QVERIFY2(Dataset::open(fresh, Dataset::Mode::OpenOrCreate, &error), qPrintable(error));
    QCOMPARE(indexesAndTriggers(after.schema), indexesAndTriggers(readContents(fresh, true).schema));
}

QTEST_GUILESS_MAIN(TstFormats)
#include "tst_formats.moc"
