// Statement types and table names: hand-verified cases (many taken from the public data sets) and
// aggregate facts over every pair of tests/data.

#include "sql/analyzer.h"
#include "sql/keywords.h"
#include "testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens::sql;

class TstAnalyzer : public QObject
{
    Q_OBJECT

private slots:
    void typeNames();
    void analyze_data();
    void analyze();
    void sharedData_data();
    void sharedData();
    void pgStatementsPairByPair();
};

void TstAnalyzer::typeNames()
{
    const QStringList names = allStatementTypeNames();
    QCOMPARE(names.size(), 16);
    QVERIFY(!names.contains(QString()));
    for (const QString &name : names) {
        const StatementType type = statementTypeFromName(name);
        QVERIFY2(type != StatementType::None, qPrintable(name));
        QCOMPARE(statementTypeName(type), name);
        QCOMPARE(statementTypeFromName(name.toLower()), type);
    }
    QCOMPARE(statementTypeName(StatementType::None), QString());
    QCOMPARE(statementTypeFromName(u""_s), StatementType::None);
    QCOMPARE(statementTypeName(StatementType::Upsert), u"UPSERT"_s);
    QCOMPARE(statementTypeName(StatementType::Multiple), u"MULTIPLE"_s);
}

void TstAnalyzer::analyze_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QStringList>("tables");
    QTest::addColumn<int>("statements");

    auto row = [](const char *name, const QString &sql, const QString &type, const QStringList &tables,
                  int statements) { QTest::newRow(name) << sql << type << tables << statements; };

    // --- empty and trivial
    row("empty", QString(), QString(), {}, 0);
    row("comments and whitespace only", u"  -- nothing\n/* here */ \n"_s, QString(), {}, 0);
    row("semicolons only", u";;"_s, QString(), {}, 0);
    row("natural language in the sql field (sede 707)", u"Top Users by Tag from Country"_s, u"OTHER"_s, {},
        1);
    row("leading parentheses", u"((SELECT 1))"_s, u"SELECT"_s, {}, 1);
    row("VALUES", u"VALUES (1), (2)"_s, u"SELECT"_s, {}, 1);
    row("TABLE x", u"TABLE users"_s, u"SELECT"_s, {u"users"_s}, 1);
    row("parenthesised union", u"(SELECT a FROM t) UNION (SELECT a FROM u)"_s, u"SELECT"_s, {u"t"_s, u"u"_s},
        1);

    // --- Spider, BIRD, text2sql (SQLite)
    row("spider 0", u"SELECT count(*) FROM head WHERE age  >  56"_s, u"SELECT"_s, {u"head"_s}, 1);
    row("spider comma list", u"SELECT T1.name FROM singer AS T1 , concert AS T2 WHERE T1.id = T2.singer_id"_s,
        u"SELECT"_s, {u"singer"_s, u"concert"_s}, 1);
    row("bird_dev 0 backticks",
        u"SELECT `Free Meal Count (K-12)` / `Enrollment (K-12)` FROM frpm WHERE `County Name` = 'Alameda' "
        "ORDER BY (CAST(`Free Meal Count (K-12)` AS REAL) / `Enrollment (K-12)`) DESC LIMIT 1"_s,
        u"SELECT"_s, {u"frpm"_s}, 1);
    row("bird_dev 282 CTE excluded",
        u"WITH SubQuery AS (SELECT DISTINCT T1.atom_id, T2.label FROM atom AS T1 INNER JOIN molecule AS T2 "
        "ON T1.molecule_id = T2.molecule_id WHERE T2.molecule_id = 'TR006') SELECT CAST(COUNT(CASE WHEN "
        "element = 'h' THEN atom_id ELSE NULL END) AS REAL) / (CASE WHEN COUNT(atom_id) = 0 THEN NULL ELSE "
        "COUNT(atom_id) END) AS ratio, label FROM SubQuery GROUP BY label"_s,
        u"SELECT"_s, {u"atom"_s, u"molecule"_s}, 1);
    row("bird_dev 900 join",
        u"SELECT T1.name, T2.name FROM circuits AS T1 INNER JOIN races AS T2 ON T2.circuitID = T1.circuitId "
        "WHERE T1.country = 'USA' AND T2.year = 2006"_s,
        u"SELECT"_s, {u"circuits"_s, u"races"_s}, 1);
    row("text2sql table named CAST",
        u"SELECT MOVIEalias0.TITLE FROM CAST AS CASTalias0 , MOVIE AS MOVIEalias0 WHERE CASTalias0.ROLE = "
        "\"Daffy Duck\" AND MOVIEalias0.MID = CASTalias0.MSID ;"_s,
        u"SELECT"_s, {u"CAST"_s, u"MOVIE"_s}, 1);
    row("case-insensitive dedupe keeps first spelling",
        u"SELECT * FROM Posts p JOIN posts q ON p.id = q.pid JOIN POSTS r ON 1 = 1"_s, u"SELECT"_s,
        {u"Posts"_s}, 1);
    row("quotes removed, schema kept",
        u"SELECT * FROM [dbo].[Posts] JOIN \"public\".\"Users\" u ON 1 = 1 JOIN `order` o ON 1 = 1"_s,
        u"SELECT"_s, {u"dbo.Posts"_s, u"public.Users"_s, u"order"_s}, 1);
    row("subqueries in FROM, WHERE, IN, EXISTS",
        u"SELECT * FROM (SELECT * FROM a) x WHERE x.id IN (SELECT id FROM b) AND EXISTS (SELECT 1 FROM c) "
        "AND x.n > (SELECT max(n) FROM d)"_s,
        u"SELECT"_s, {u"a"_s, u"b"_s, u"c"_s, u"d"_s}, 1);
    row("FROM inside EXTRACT, SUBSTRING, TRIM",
        u"SELECT EXTRACT(YEAR FROM d), SUBSTRING(s FROM 2 FOR 3), TRIM(BOTH ' ' FROM n) FROM t"_s,
        u"SELECT"_s, {u"t"_s}, 1);
    row("IS DISTINCT FROM", u"SELECT * FROM a WHERE x IS NOT DISTINCT FROM y"_s, u"SELECT"_s, {u"a"_s}, 1);
    row("table-valued functions excluded",
        u"SELECT g FROM generate_series(1, 10) AS g JOIN items i ON i.n = g CROSS JOIN LATERAL unnest(i.tags) t"_s,
        u"SELECT"_s, {u"items"_s}, 1);
    row("CASE ... END does not split", u"SELECT CASE WHEN a THEN 1 ELSE 2 END FROM t"_s, u"SELECT"_s,
        {u"t"_s}, 1);
    row("FOR UPDATE stays a SELECT", u"SELECT * FROM jobs WHERE id = 1 FOR UPDATE"_s, u"SELECT"_s,
        {u"jobs"_s}, 1);

    // --- SEDE (T-SQL)
    row("sede 18 DECLARE preamble, ##params##",
        u"DECLARE  @RepMin int = ##RepMin##\nDECLARE @RepMax int = ##RepMax##\n\nSELECT u.DisplayName,\n"
        "    (SELECT Count(*) FROM Posts WHERE OwnerUserId = u.Id) as AnswerCount\nFROM\n    Posts q\n"
        "  INNER JOIN\n    Posts a ON q.AcceptedAnswerId = a.Id\n  INNER JOIN\n    Users u on u.Id = "
        "a.OwnerUserId\nWHERE\n    (u.Reputation >= @RepMin and u.Reputation <= @RepMax)"_s,
        u"SELECT"_s, {u"Posts"_s, u"Users"_s}, 3);
    row("sede 10 two SELECTs without semicolon",
        u"SELECT  id as id from Users\n\nSELECT\n p.Id as [Post Link],\n (\n  SELECT count(v.Id) from Votes "
        u"v\n"
        "  where v.PostId = p.Id and (v.VoteTypeId = 4 or v.VoteTypeId = 12)\n ) as Flags\nfrom Posts p\n"
        "where p.OwnerUserId = id"_s,
        u"SELECT"_s, {u"Users"_s, u"Votes"_s, u"Posts"_s}, 2);
    row("sede 378 db..table and CTE",
        u"DECLARE  @epoch as DateTime = DateAdd(Week, - ##Weeks:int?8##, CURRENT_TIMESTAMP)\n;\nwith "
        u"UserData "
        "as (\nselect here.Id as Id,\n so.Reputation as SORep\nfrom Users here, [stackoverflow]..Users so\n"
        "where here.AccountId = so.AccountId\n  )\n\nselect Id as [User Link],\n (select max(Posts.Id)\n"
        " from Posts\n where OwnerUserId = UserData.Id) as [Post Link]\nfrom UserData"_s,
        u"SELECT"_s, {u"Users"_s, u"stackoverflow..Users"_s, u"Posts"_s}, 2);
    row("sede 446 old-style table hint",
        u"SELECT  ROW_NUMBER() OVER(ORDER BY Reputation DESC) AS Position\n        ,DisplayName\n    FROM "
        "Users(NOLOCK)\n   WHERE UPPER(AboutMe) like N'%EMBERJS%'\nORDER BY Reputation DESC"_s,
        u"SELECT"_s, {u"Users"_s}, 1);
    row("sede 1470 bracket with quote, -- comments",
        u"SELECT  \n  format(count(*),'#,##0') [# Fav's],\n  format(score,'#,##0') Score\nfrom votes v left "
        u"join "
        "posts p on v.postid=p.id\nwhere votetypeid=5   --favorites = 5\n  and p.tags like '%<' + "
        "##tag:string?php## + '>%'\nhaving count(*) > ##minfav:int?100## \n\n-- tag: Enter a single tag:\n"
        "-- minfav: Minimum # of favorite's:"_s,
        u"SELECT"_s, {u"votes"_s, u"posts"_s}, 1);
    row("SELECT INTO #temp then SELECT",
        u"SELECT a.owneruserid as [UserID]\ninto #VBAanswerers\nfrom posts a\ngroup by a.owneruserid\n"
        "SELECT * from #VBAanswerers"_s,
        u"SELECT"_s, {u"#VBAanswerers"_s, u"posts"_s}, 2);
    row("T-SQL IF / BEGIN / END blocks",
        u"IF EXISTS (SELECT 1 FROM t) BEGIN SELECT * FROM u END ELSE BEGIN SELECT * FROM v END"_s,
        u"SELECT"_s, {u"t"_s, u"u"_s, u"v"_s}, 2);
    row("T-SQL UPDATE alias FROM",
        u"UPDATE p SET p.Score = 0 FROM dbo.Posts p JOIN Users u ON u.Id = p.OwnerUserId"_s, u"UPDATE"_s,
        {u"dbo.Posts"_s, u"Users"_s}, 1);
    row("SET preamble", u"SET NOCOUNT ON;\nSELECT 1"_s, u"SELECT"_s, {}, 2);
    row("DECLARE alone", u"DECLARE @x int = 5"_s, u"DECLARE"_s, {}, 1);
    row("DECLARE then EXEC", u"DECLARE @sql NVARCHAR(MAX) = 'SELECT 1';\nEXEC(@sql);"_s, u"OTHER"_s, {}, 2);

    // --- PostgreSQL (written for these tests; several statements, bodies, data-changing CTEs)
    row("pg DROP INDEX without semicolon, first among four statements",
        u"DROP INDEX IF EXISTS idx_payments_invoice\nCREATE INDEX idx_payments_invoice ON payments "
        "(invoice_id, paid_at);\nANALYZE payments;\nSELECT id FROM payments WHERE invoice_id IN (SELECT id "
        "FROM invoices WHERE customer_id = 7) AND method = 'card'"_s,
        u"DROP"_s, {u"payments"_s, u"invoices"_s}, 4);
    row("pg UPDATE then SELECT with a table function in the FROM list",
        u"UPDATE profiles\nSET links = '[{\"url\": null}]'\nWHERE jsonb_typeof(links) <> 'array'\n   OR "
        "links = '[]';\n\nSELECT u.user_id, link ->> 'url' AS url\nFROM users u\nFULL JOIN profiles p ON "
        "u.user_id = p.user_id,\njsonb_array_elements(p.links) AS link\nWHERE u.user_id = 42;"_s,
        u"UPDATE"_s, {u"profiles"_s, u"users"_s}, 2);
    row("pg INSERT ... SELECT from a derived table, then SELECT",
        u"INSERT INTO readings(batch)\nSELECT jsonb_agg(s.v)\nFROM (\n  SELECT jsonb_array_elements(batch) "
        "FROM readings\n) AS s(v);\n\nSELECT * FROM readings;"_s,
        u"INSERT"_s, {u"readings"_s}, 2);
    row("pg data-changing CTE with ON CONFLICT, then INSERT",
        u"WITH s AS (INSERT INTO signup (email) VALUES ('new@example.com') ON CONFLICT (email) DO UPDATE "
        "SET email = signup.email RETURNING xmax = 0 AS created, *) INSERT INTO signup_log (email, note) "
        "SELECT email, 'repeat' FROM s WHERE NOT created RETURNING *;"_s,
        u"INSERT"_s, {u"signup"_s, u"signup_log"_s}, 1);
    row("pg DELETE inside CTE wins",
        u"WITH gone AS (DELETE FROM sessions WHERE id = 999 RETURNING 1) SELECT COALESCE((SELECT * FROM "
        "gone), 0)"_s,
        u"DELETE"_s, {u"sessions"_s}, 1);
    row("pg DROP VIEW then CREATE VIEW, lower case",
        u"drop view seasons_per_team;\n    create or replace view seasons_per_team(season, n) as\n    "
        "select\n        season, count(*)\n    from (\n        select distinct season, team\n        "
        "from fixtures\n    ) s group by season;"_s,
        u"DROP"_s, {u"seasons_per_team"_s, u"fixtures"_s}, 2);
    row("pg ALTER TABLE REFERENCES",
        u"ALTER table  order_lines\n    DROP CONSTRAINT order_lines_order_id_fkey,\n    ADD CONSTRAINT "
        "order_lines_order_id_fkey \n    FOREIGN KEY (order_id) REFERENCES orders(id) ON DELETE RESTRICT;"_s,
        u"ALTER"_s, {u"order_lines"_s, u"orders"_s}, 1);
    row("pg two ALTERs",
        u"ALTER TABLE visits\n    ALTER COLUMN day\n    TYPE varchar(30) \n    USING day::varchar;\nALTER "
        "TABLE visits\n    ALTER COLUMN day\n    TYPE timestamp \n    USING day::timestamp;"_s,
        u"ALTER"_s, {u"visits"_s}, 2);
    row("pg INSERT ON CONFLICT DO UPDATE",
        u"INSERT INTO rsvp (event_id, member_id, going) VALUES (12, 7, true) ON CONFLICT (event_id, "
        "member_id) DO UPDATE SET going = true;"_s,
        u"INSERT"_s, {u"rsvp"_s}, 1);
    row("pg UNNEST WITH ORDINALITY",
        u"SELECT x.id, t.name FROM (SELECT track_ids FROM playlists WHERE id = 1) p  CROSS JOIN "
        "UNNEST(p.track_ids) WITH ORDINALITY x(id, pos)  INNER JOIN tracks t ON t.id = x.id ORDER BY x.pos;"_s,
        u"SELECT"_s, {u"playlists"_s, u"tracks"_s}, 1);
    row("pg EXTRACT ... FROM",
        u"SELECT * FROM payments WHERE EXTRACT(MONTH FROM paid_at) = EXTRACT(MONTH FROM CURRENT_DATE) "
        "ORDER BY paid_at DESC;"_s,
        u"SELECT"_s, {u"payments"_s}, 1);
    row("pg function body is a string, trigger ON table",
        u"CREATE OR REPLACE FUNCTION refresh_totals()\n    RETURNS TRIGGER\n    AS $$\n    BEGIN \n        "
        "UPDATE order_totals SET total = 1;\n    END;\n    $$ LANGUAGE plpgsql;\nCREATE TRIGGER "
        "tr_refresh_totals AFTER UPDATE OF status ON orders FOR EACH ROW EXECUTE PROCEDURE refresh_totals();"_s,
        u"CREATE"_s, {u"orders"_s}, 2);
    row("pg DO block", u"DO $$ \n    DECLARE \n        n integer; \n    BEGIN \n    END $$;"_s, u"OTHER"_s,
        {}, 1);

    // --- other statement kinds
    row("INSERT SELECT", u"INSERT INTO archive SELECT * FROM logs WHERE d < 1"_s, u"INSERT"_s,
        {u"archive"_s, u"logs"_s}, 1);
    row("REPLACE INTO", u"REPLACE INTO kv VALUES (1, 'a')"_s, u"UPSERT"_s, {u"kv"_s}, 1);
    row("INSERT OR REPLACE", u"INSERT OR REPLACE INTO kv (k, v) VALUES (1, 'a')"_s, u"UPSERT"_s, {u"kv"_s},
        1);
    row("UPDATE schema-qualified with subquery",
        u"UPDATE public.users SET x = 1 WHERE id IN (SELECT user_id FROM bans)"_s, u"UPDATE"_s,
        {u"public.users"_s, u"bans"_s}, 1);
    row("DELETE USING", u"DELETE FROM a USING b WHERE a.id = b.id"_s, u"DELETE"_s, {u"a"_s, u"b"_s}, 1);
    row("MERGE",
        u"MERGE INTO target t USING source s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN "
        "NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v);"_s,
        u"MERGE"_s, {u"target"_s, u"source"_s}, 1);
    row("CREATE TABLE with REFERENCES",
        u"CREATE TABLE IF NOT EXISTS audit (id int REFERENCES users(id), at timestamp)"_s, u"CREATE"_s,
        {u"audit"_s, u"users"_s}, 1);
    row("CREATE VIEW AS SELECT", u"CREATE VIEW v AS SELECT * FROM t"_s, u"CREATE"_s, {u"v"_s, u"t"_s}, 1);
    row("CREATE INDEX ON", u"CREATE UNIQUE INDEX idx ON event(event_name) WHERE active"_s, u"CREATE"_s,
        {u"event"_s}, 1);
    row("DROP TABLE IF EXISTS list", u"DROP TABLE IF EXISTS a, b CASCADE"_s, u"DROP"_s, {u"a"_s, u"b"_s}, 1);
    row("TRUNCATE", u"TRUNCATE TABLE logs"_s, u"TRUNCATE"_s, {u"logs"_s}, 1);
    row("GRANT", u"GRANT SELECT, INSERT ON t TO bob"_s, u"GRANT"_s, {}, 1);
    row("transaction around an UPDATE", u"BEGIN; UPDATE t SET a = 1; COMMIT;"_s, u"UPDATE"_s, {u"t"_s}, 3);
    row("transaction only", u"BEGIN; COMMIT;"_s, u"TRANSACTION"_s, {}, 2);
    row("EXPLAIN", u"EXPLAIN ANALYZE SELECT * FROM t"_s, u"EXPLAIN"_s, {u"t"_s}, 1);
    row("only control flow", u"IF @x = 1 PRINT 'x'"_s, u"OTHER"_s, {}, 2);
    row("DECLARE and BEGIN TRAN", u"DECLARE @a int; BEGIN TRAN"_s, u"MULTIPLE"_s, {}, 2);
    row("table variable is no table", u"SELECT * FROM @t JOIN Posts p ON p.Id = 1"_s, u"SELECT"_s,
        {u"Posts"_s}, 1);
    row("PRAGMA", u"PRAGMA table_info(t)"_s, u"OTHER"_s, {}, 1);
    row("two SELECTs", u"SELECT 1; SELECT 2"_s, u"SELECT"_s, {}, 2);
    row("mixed read-only kinds are MULTIPLE", u"SELECT * FROM a; EXPLAIN SELECT 1"_s, u"MULTIPLE"_s, {u"a"_s},
        2);
    row("first data-changing statement wins", u"SELECT * FROM t; INSERT INTO u VALUES (1); DELETE FROM v"_s,
        u"INSERT"_s, {u"t"_s, u"u"_s, u"v"_s}, 3);
}

void TstAnalyzer::analyze()
{
    QFETCH(QString, sql);
    QFETCH(QString, type);
    QFETCH(QStringList, tables);
    QFETCH(int, statements);
    const Analysis a = pairlens::sql::analyze(sql);
    QCOMPARE(statementTypeName(a.type), type);
    QCOMPARE(a.tables, tables);
    QCOMPARE(a.statementCount, statements);
}

void TstAnalyzer::sharedData_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("pairs");
    QTest::addColumn<QString>("typeCounts"); // "TYPE=n,..." hand-checked
    QTest::addColumn<int>("withoutTables");  // pairs for which no table is found
    QTest::addColumn<int>("multiStatement"); // pairs with more than one statement

    // The figures of the tests/data subsets were counted independently of the analyzer by
    // `python3 tests/data/make-subsets.py --count` (regular expressions over the JSON: with
    // [bracketed identifiers], '...' literals and comments removed, OTHER when no statement keyword
    // is left, SELECT when SELECT is the only one; a table when FROM or JOIN is followed by a name;
    // several statements when a ';' is followed by more text). Over the full files of ../shared/data
    // the same count gives the figures this test had for them (e.g. sede OTHER=8,SELECT=1706, 8).
    // spider: every pair starts with SELECT and reads a table; none has a second statement.
    QTest::newRow("spider") << u"spider.jsonl"_s << 1005 << u"SELECT=1005"_s << 0 << 0;
    // bird_dev: 305 start with SELECT, 2 with WITH ... SELECT (a CTE query counts as SELECT).
    QTest::newRow("bird_dev") << u"bird_dev.jsonl"_s << 307 << u"SELECT=307"_s << 0 << 0;
    // text2sql_data (Advising rows only): every pair is one SELECT ending in " ;".
    QTest::newRow("text2sql_data") << u"text2sql_data.jsonl"_s << 549 << u"SELECT=549"_s << 0 << 0;
    // sede: eight rows hold no statement, all kept in the subset: seven hold the query's title instead
    // of SQL ("Top 10 of Kadi, Gujarat"), one builds its query in a string and runs EXEC(@sql). They
    // are OTHER, with no tables; every other pair's statements are SELECT (after DECLARE / WITH).
    QTest::newRow("sede") << u"sede.jsonl"_s << 179 << u"OTHER=8,SELECT=171"_s << 8 << -1;
    // pg_statements: written for PairLens (tests/data/make-pg-statements.py), every pair with the
    // statement type, tables and statement count tallied by hand when it was written (its `expect`
    // field, compared pair by pair in pgStatementsPairByPair()). These totals are those tallies added
    // up by `python3 tests/data/make-pg-statements.py --count`, not anything PairLens computed.
    QTest::newRow("pg_statements")
        << u"pg_statements.jsonl"_s << 150
        << u"ALTER=11,CREATE=23,DELETE=11,DROP=6,EXPLAIN=1,GRANT=1,INSERT=16,MULTIPLE=2,OTHER=3,SELECT=57,"
           "TRUNCATE=2,UPDATE=17"_s
        << 17 << 26;
}

void TstAnalyzer::sharedData()
{
    QFETCH(QString, file);
    QFETCH(int, pairs);
    QFETCH(QString, typeCounts);
    QFETCH(int, withoutTables);
    QFETCH(int, multiStatement);
    PAIRLENS_REQUIRE_TEST_DATA(path, file)
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));

    QMap<QString, int> types;
    int count = 0;
    int noTables = 0;
    int multi = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine();
        if (line.trimmed().isEmpty())
            continue;
        const QString sql = QJsonDocument::fromJson(line).object().value(u"sql"_s).toString();
        const Analysis a = pairlens::sql::analyze(sql);
        const QString where = u"%1 pair %2"_s.arg(file).arg(count);
        QVERIFY2(a.type != StatementType::None, qPrintable(where));
        QVERIFY2(a.statementCount >= 1, qPrintable(where));
        ++types[statementTypeName(a.type)];
        noTables += a.tables.isEmpty() ? 1 : 0;
        multi += a.statementCount > 1 ? 1 : 0;
        for (const QString &table : a.tables) {
            const QString what = where + u": table \""_s + table + u'"';
            QVERIFY2(!table.trimmed().isEmpty(), qPrintable(what));
            // Every part of the name is written in the SQL, and a keyword only when quoted.
            for (const QString &part : table.split(u'.', Qt::SkipEmptyParts))
                QVERIFY2(sql.contains(part, Qt::CaseInsensitive), qPrintable(what));
            if (isReservedWord(table)) {
                const bool quoted = sql.contains(u'"' + table + u'"') || sql.contains(u'`' + table + u'`') ||
                                    sql.contains(u'[' + table + u']');
                QVERIFY2(quoted, qPrintable(what + u" is a keyword"_s));
            }
        }
        ++count;
    }
    QCOMPARE(count, pairs);
    QStringList counts;
    for (auto it = types.cbegin(); it != types.cend(); ++it)
        counts << it.key() + u'=' + QString::number(it.value());
    QCOMPARE(counts.join(u','), typeCounts);
    QCOMPARE(noTables, withoutTables);
    if (multiStatement >= 0)
        QCOMPARE(multi, multiStatement);
}

// Every pair of pg_statements.jsonl against the tally written with it by hand (`expect`: type, tables
// in order of first appearance, statement count; see tests/data/make-pg-statements.py). All
// differences are listed, with the line of the file.
void TstAnalyzer::pgStatementsPairByPair()
{
    PAIRLENS_REQUIRE_TEST_DATA(path, u"pg_statements.jsonl"_s)
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QStringList differences;
    int line = 0;
    int pairs = 0;
    while (!f.atEnd()) {
        const QByteArray text = f.readLine();
        ++line;
        if (text.trimmed().isEmpty())
            continue;
        ++pairs;
        const QJsonObject o = QJsonDocument::fromJson(text).object();
        const QJsonObject expect = o.value(u"expect"_s).toObject();
        QVERIFY2(!expect.isEmpty(), qPrintable(u"line %1 has no expect"_s.arg(line)));
        QStringList tables;
        for (const QJsonValue &v : expect.value(u"tables"_s).toArray())
            tables << v.toString();
        const QString type = expect.value(u"type"_s).toString();
        const int statements = expect.value(u"statements"_s).toInt(-1);
        const Analysis a = pairlens::sql::analyze(o.value(u"sql"_s).toString());
        const QString got =
            u"%1 [%2] %3"_s.arg(statementTypeName(a.type), a.tables.join(u", "_s)).arg(a.statementCount);
        const QString want = u"%1 [%2] %3"_s.arg(type, tables.join(u", "_s)).arg(statements);
        if (got != want)
            differences << u"line %1 (%2): expected %3, analyzed %4"_s.arg(line).arg(
                o.value(u"question"_s).toString(), want, got);
    }
    QCOMPARE(pairs, 150);
    QVERIFY2(differences.isEmpty(), qPrintable(u"\n"_s + differences.join(u'\n')));
}

QTEST_GUILESS_MAIN(TstAnalyzer)
#include "tst_analyzer.moc"
