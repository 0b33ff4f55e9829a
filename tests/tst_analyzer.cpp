// Statement types and table names: hand-verified cases (many taken from the public data sets) and
// aggregate facts over every pair of tests/data.

#include "sql/analyzer.h"
#include "sql/keywords.h"
#include "testutil.h"

#include <QFile>
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

    // --- bird_critic_pg (PostgreSQL, several statements)
    row("pg 45 DROP first among four statements",
        u"DROP INDEX IF EXISTS idx_trans_account_bank_type\nCREATE INDEX idx_trans_account_bank_type ON "
        u"trans "
        "(account_id, bank, type);\nANALYZE trans;\nSELECT trans_id FROM trans WHERE account_id IN (SELECT "
        "account_id FROM account WHERE district_id = 18) AND bank = 'AB'"_s,
        u"DROP"_s, {u"trans"_s, u"account"_s}, 4);
    row("pg 71 UPDATE then SELECT",
        u"UPDATE disp\nSET addresses = '[{\"PostCode\": null}]'\nWHERE jsonb_typeof(addresses) <> 'array'\n  "
        u" OR "
        "addresses = '[]';\n\nSELECT c.client_id, addr ->> 'PostCode' AS PostCode\nFROM client c\nFULL JOIN "
        "disp d "
        "ON c.client_id = d.client_id,\njsonb_array_elements(d.addresses) AS addr\nWHERE c.client_id = 12345;"_s,
        u"UPDATE"_s, {u"disp"_s, u"client"_s}, 2);
    row("pg 38 INSERT ... SELECT then SELECT",
        u"INSERT INTO test(observation)\nSELECT jsonb_agg(s.elements)\nFROM (\n  SELECT "
        "jsonb_array_elements(observation) FROM test\n) AS s(elements);\n\nSELECT * FROM test;"_s,
        u"INSERT"_s, {u"test"_s}, 2);
    row("pg 48 data-changing CTE then INSERT",
        u"WITH j AS (INSERT INTO event (event_id) VALUES ('recAlAwtBZ0Fqbr5K') ON CONFLICT (event_id) DO "
        u"UPDATE "
        "SET event_id = event.event_id RETURNING xmax = 0 AS inserted, *) INSERT INTO failure (event, "
        "member) "
        "SELECT event_id, 'rec280Sk7o31iG0Tx' FROM j WHERE NOT inserted RETURNING *;"_s,
        u"INSERT"_s, {u"event"_s, u"failure"_s}, 1);
    row("pg 113 DELETE inside CTE wins",
        u"WITH deleted_rows AS (DELETE FROM superhero WHERE id = 999 RETURNING 1) SELECT COALESCE((SELECT * "
        "FROM deleted_rows), 0)"_s,
        u"DELETE"_s, {u"superhero"_s}, 1);
    row("pg 91 DROP VIEW then CREATE VIEW",
        u"drop view findcount;\n        create or replace view findcount(season, team_count) as\n        "
        u"select\n"
        "            season\n        from (\n            select distinct season\n            from match\n"
        "        ) seasons;"_s,
        u"DROP"_s, {u"findcount"_s, u"match"_s}, 2);
    row("pg 87 ALTER TABLE REFERENCES",
        u"ALTER table  connected\n    DROP CONSTRAINT connected_bond_id_fkey,\n    ADD CONSTRAINT "
        "connected_bond_id_fkey \n    FOREIGN KEY (bond_id) REFERENCES bond(bond_id) ON DELETE RESTRICT;"_s,
        u"ALTER"_s, {u"connected"_s, u"bond"_s}, 1);
    row("pg 15 two ALTERs",
        u"ALTER TABLE account\n    ALTER COLUMN date\n    TYPE varchar(30) \n    USING date::varchar;\nALTER "
        "TABLE account\n    ALTER COLUMN date\n    TYPE timestamp \n    USING date::timestamp;"_s,
        u"ALTER"_s, {u"account"_s}, 2);
    row("pg 13 INSERT ON CONFLICT DO UPDATE",
        u"INSERT INTO attendance (link_to_event, attend) VALUES ('recEVTik3MlqbvLFi', 1) ON CONFLICT "
        "(link_to_event, link_to_member) DO UPDATE SET attend = 1;"_s,
        u"INSERT"_s, {u"attendance"_s}, 1);
    row("pg 81 UNNEST WITH ORDINALITY",
        u"SELECT cte.id, c.name FROM (SELECT card_order FROM decks WHERE id = 1) d  CROSS JOIN "
        "UNNEST(d.card_order) WITH ORDINALITY cte(id, idx)  INNER JOIN cards c ON c.id = cte.id ORDER BY cte.idx;"_s,
        u"SELECT"_s, {u"decks"_s, u"cards"_s}, 1);
    row("pg 119 EXTRACT ... FROM",
        u"SELECT * FROM trans WHERE EXTRACT(MONTH FROM date) = EXTRACT(MONTH FROM CURRENT_DATE) ORDER BY "
        u"date "
        "DESC;"_s,
        u"SELECT"_s, {u"trans"_s}, 1);
    row("pg 2 function body is a string, trigger ON table",
        u"CREATE OR REPLACE FUNCTION total_loans()\n    RETURNS TRIGGER\n    AS $$\n    BEGIN \n        "
        u"UPDATE "
        "loan_summary SET total = 1;\n    END;\n    $$ LANGUAGE plpgsql;\nCREATE TRIGGER tr_total_loans "
        "AFTER "
        "UPDATE OF status ON loan FOR EACH ROW EXECUTE PROCEDURE total_loans();"_s,
        u"CREATE"_s, {u"loan"_s}, 2);
    row("pg 121 DO block", u"DO $$ \n    DECLARE \n        i integer; \n    BEGIN \n    END $$;"_s,
        u"OTHER"_s, {}, 1);

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
    // The whole file. Checked statement by statement: e.g. ALTER = pairs 3, 15, 87; DROP = 9, 45, 91;
    // the OTHER is a DO block (121); a CTE that inserts or deletes counts as that (25, 48, 113).
    QTest::newRow("bird_critic_pg")
        << u"bird_critic_pg.jsonl"_s << 141
        << u"ALTER=3,CREATE=15,DELETE=3,DROP=3,INSERT=10,OTHER=1,SELECT=98,UPDATE=8"_s << 9 << 12;
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

QTEST_GUILESS_MAIN(TstAnalyzer)
#include "tst_analyzer.moc"
