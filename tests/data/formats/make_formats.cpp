// Writes the dataset files of every earlier format version kept in tests/data/formats/
// (tst_formats opens each with the current code). Each file is made the way the PairLens of its
// version made it: schema::migrate(db, 0, &error, N) creates exactly version N (the migrations are
// kept as they were), then plain SQL writes curated pairs into the columns that version has.
//
//   cmake --build build --target make_formats && build/tests/make_formats tests/data/formats
//
// The files are committed; regenerate them only when adding a version (old files must stay old).
#include "dataset/demogenerator.h"
#include "dataset/deriver.h"
#include "dataset/schema.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

constexpr int kPairs = 36;

bool run(QSqlQuery &q, const QString &sql, const QVariantList &values = {})
{
    q.prepare(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (q.exec())
        return true;
    std::fprintf(stderr, "%s: %s\n", qPrintable(sql), qPrintable(q.lastError().text()));
    return false;
}

bool write(const QString &path, int version)
{
    QFile::remove(path);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"fixture"_s);
        db.setDatabaseName(path);
        QString error;
        if (!db.open() || !schema::migrate(db, 0, &error, version)) {
            std::fprintf(stderr, "%s: %s\n", qPrintable(path), qPrintable(error));
            return false;
        }
        QSqlQuery q(db);
        ok = run(q, u"BEGIN IMMEDIATE"_s);
        // Settings: the anonymization key and privacy choices a user made.
        const QList<std::pair<QString, QString>> settings{
            {u"privacy.secret"_s, u"3f1c0a9e5b7d4c2e8a6f0b1d3c5e7a9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c"_s},
            {u"privacy.operator.email"_s, u"redact"_s},
            {u"privacy.operator.person_name"_s, u"hash"_s},
            {u"privacy.scan_metadata"_s, u"true"_s},
            {u"privacy.custom_patterns"_s, u"[{\"name\":\"ticket\",\"pattern\":\"TCK-[0-9]{6}\"}]"_s},
        };
        for (const auto &[key, value] : settings)
            ok = ok && run(q, u"INSERT INTO settings(key, value) VALUES (?, ?)"_s, {key, value});

        // Demo pairs of a fixed seed and end date, analysed as the PairLens of the time stored them.
        DemoGenerator generator(20261204, QDateTime(QDate(2026, 6, 30), QTime(12, 0), Qt::UTC));
        const Deriver deriver;
        for (int i = 0; ok && i < kPairs; ++i) {
            Pair p = generator.next();
            p.pairId = u"fixture-v%1-%2"_s.arg(version).arg(i, 2, 10, QChar(u'0'));
            if (i % 9 == 4)
                p.executionTimeMs = -1; // unknown
            if (i == 7)
                p.naturalLanguageQuery = u"Umsätze je Kunde in Köln, größte zuerst"_s;
            if (i == 8) // the same question twice: the sort falls back to the row id
                p.naturalLanguageQuery = u"Umsätze je Kunde in Köln, größte zuerst"_s;
            const DerivedFields d = deriver.derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                                   p.databaseType, p.pairId, p.metadata);
            const QVariant time =
                p.executionTimeMs < 0 ? QVariant(QMetaType::fromType<double>()) : p.executionTimeMs;
            ok = run(
                q,
                u"INSERT INTO pairs(pair_id, natural_language_query, sql_query, timestamp, database_type, "
                "database_name, success, execution_time_ms, metadata, ts, query_type, table_names, pii_mask, "
                "question_length, sql_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
                {p.pairId, p.naturalLanguageQuery, p.sqlQuery, p.timestamp, p.databaseType, p.databaseName,
                 p.success ? 1 : 0, time,
                 QString::fromUtf8(QJsonDocument(p.metadata).toJson(QJsonDocument::Compact)), d.ts,
                 d.queryType, d.tableNamesJson, qint64(d.piiMask), d.questionLength, d.sqlLength});
        }
        // Version 1 indexed its rows by triggers; later versions per batch (schema::indexInsertedRows).
        if (ok && version >= 2) {
            ok =
                run(q,
                    u"INSERT INTO pairs_fts(rowid, natural_language_query, sql_query) "
                    "SELECT id, natural_language_query, sql_query FROM pairs WHERE query_type IS NOT NULL"_s) &&
                run(q, u"INSERT OR IGNORE INTO pair_tables(name, pair) SELECT j.value, p.id "
                       "FROM pairs p, json_each(p.table_names) j"_s);
        }
        if (ok && version >= 2) {
            // Curation: reviews with and without a note, a note alone, two pairs in the trash (one
            // delete batch), and the audit entries that wrote them.
            ok = run(q,
                     u"UPDATE pairs SET review_status = 1, reviewer_note = 'checked against the schema' "
                     "WHERE pair_id = ?"_s,
                     {u"fixture-v%1-03"_s.arg(version)}) &&
                 run(q,
                     u"UPDATE pairs SET review_status = 2, reviewer_note = 'joins the wrong table; "
                     "siehe Ticket TCK-004711' WHERE pair_id = ?"_s,
                     {u"fixture-v%1-05"_s.arg(version)}) &&
                 run(q, u"UPDATE pairs SET review_status = 1 WHERE pair_id = ?"_s,
                     {u"fixture-v%1-06"_s.arg(version)}) &&
                 run(q,
                     u"UPDATE pairs SET reviewer_note = 'ask the analyst: fiscal or calendar year?' "
                     "WHERE pair_id = ?"_s,
                     {u"fixture-v%1-10"_s.arg(version)}) &&
                 run(q,
                     u"UPDATE pairs SET deleted = 1, deleted_at = '2026-07-01T09:30:00.000Z', delete_batch = "
                     u"1 "
                     "WHERE pair_id IN (?, ?)"_s,
                     {u"fixture-v%1-12"_s.arg(version), u"fixture-v%1-13"_s.arg(version)}) &&
                 run(q, u"INSERT INTO audit_log(at, action, pair_count, detail) VALUES "
                        "('2026-06-30T12:05:00.000Z', 'import', %1, '{\"file\":\"fixture.jsonl\"}'), "
                        "('2026-07-01T09:00:00.000Z', 'review', 3, '{}'), "
                        "('2026-07-01T09:30:00.000Z', 'delete', 2, '{\"batch\":1}')"_s.arg(kPairs));
        }
        ok = ok && run(q, u"COMMIT"_s);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(u"fixture"_s);
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QDir dir(argc > 1 ? QString::fromLocal8Bit(argv[1]) : u"."_s);
    for (int version = 1; version < schema::kCurrentVersion; ++version) {
        const QString path = dir.filePath(u"version%1.pairlens"_s.arg(version));
        if (!write(path, version))
            return 1;
        std::printf("wrote %s\n", qPrintable(path));
    }
    return 0;
}
