#!/usr/bin/env python3
"""tst_pgserve: `pairlens serve` over a PostgreSQL schema of the pg_cluster fixture (issues 18 and 19:
"serve it, over any dataset"), called with a real HTTP client. The route checks of tst_server.py run
unchanged against the schema (routing, keys and scopes, listing with every filter, the cursor,
delete/restore/review, batches, statistics, the OpenAPI document); what tst_server.py looks up in
the dataset file is looked up here with psql: the stored pairs, the export against the live pairs,
the audit log with the key's name. Also: `pairlens keys` on the schema, a cursor walk that stays
right while a recorder inserts with plain SQL, a read-only role, kill -9 under load losing no
pair that got a 201, the PII kinds of added pairs following `pairlens privacy` run meanwhile, and a
PostgreSQL server of its own restarted and stopped under the running
server: the first requests after a restart succeed, every keyed route answers 503 with Retry-After
(never 401 or 403) while it is down, /health says so, and it serves again when the server is back.

    tst_pgserve.py --pairlens PATH --psql PATH   (PAIRLENS_PG_DIR names the fixture's DIR)
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time

import checklib
from checklib import check, run
import tst_server
from tst_server import NEW_PAIR, Server, is_error, make_key


def psql(args, url, sql):
    return run([args.psql, url, "-X", "-v", "ON_ERROR_STOP=1", "-q", "-tA", "-c", sql], timeout=120)


def psql_value(args, url, sql):
    r = psql(args, url, sql)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


def test_keys(args, loc, owner, schema):
    created = run([args.pairlens, "keys", loc, "create", "--name", "tmp", "--scope", "read", "--json"])
    key = json.loads(created.stdout).get("key", "") if created.returncode == 0 else ""
    check("keys create on PostgreSQL prints the key once", key.startswith("plk_"), created.stdout + created.stderr)
    r = run([args.pairlens, "keys", loc, "create", "--name", "tmp", "--scope", "read"])
    check("keys create: a name in use is refused", r.returncode == 1 and "tmp" in r.stderr, r.stderr)
    stored = psql_value(args, owner, f"SELECT value FROM {schema}.settings WHERE key = 'server.keys'")
    check("the schema keeps the keys' hashes only", key and key not in stored and '"sha256"' in stored, stored[:200])
    r = run([args.pairlens, "keys", loc, "list", "--json"])
    names = [k["name"] for k in json.loads(r.stdout)] if r.returncode == 0 else []
    check("keys list on PostgreSQL", "tmp" in names and "reader" in names, r.stdout + r.stderr)
    return key


def test_add(srv, keys, args, owner, schema):
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=NEW_PAIR)
    pair = b.get("pair", {}) if isinstance(b, dict) else {}
    check("POST /pairs into PostgreSQL: 201 with derived fields", s == 201 and pair.get("query_type") == "SELECT"
          and sorted(pair.get("table_names", [])) == ["customers", "orders"], f"{s} {b}")
    check("database_name anonymized for a key without raw", pair.get("database_name", "").startswith("db_"),
          pair.get("database_name"))
    row = psql_value(args, owner, f"SELECT database_name || '|' || success FROM {schema}.pairs "
                     f"WHERE pair_id = '{pair.get('pair_id', 'x')}'")
    check("the pair is in the schema", row in ("shop_production|t", "shop_production|1"), row)
    again = dict(NEW_PAIR, pair_id=pair.get("pair_id"), natural_language_query="different")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=again)
    check("POST with an existing pair_id: 200 and the stored pair",
          s == 200 and b["pair"]["natural_language_query"] == NEW_PAIR["natural_language_query"], f"{s} {b}")
    return pair.get("pair_id")


def test_cursor_with_recorder(srv, keys, args, owner, schema):
    """A walk with the cursor while a recorder inserts newer pairs: every pair that was there at the
    start is seen once, none twice (an offset walk would repeat pairs here)."""
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=0", key=keys["reader"])
    total = b.get("total", 0)

    def recorder(page):
        if page == 2:  # a recorder writes the seed fields with plain SQL, as docs/dataset-format.md says
            psql(args, owner, f"INSERT INTO {schema}.pairs (pair_id, natural_language_query, sql_query, timestamp) "
                 f"SELECT 'rec-' || g, 'How many orders?', 'SELECT count(*) FROM orders', "
                 f"to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') FROM generate_series(1, 40) g")

    seen = tst_server.walk_cursor(srv, keys["reader"], 250, recorder)
    check("the cursor walks every pair once while a recorder inserts", len(seen) == total and len(set(seen)) == total,
          f"{len(seen)} seen, {len(set(seen))} distinct, {total} at the start")


def test_export(srv, keys, args, owner, schema):
    c = srv.connection()
    c.request("GET", "/api/training-data/export?format=jsonl", headers={"Authorization": "Bearer " + keys["exporter"]})
    r = c.getresponse()
    data = r.read()
    c.close()
    lines = [json.loads(x) for x in data.splitlines() if x.strip()]
    live = int(psql_value(args, owner, f"SELECT count(*) FROM {schema}.pairs WHERE delete_batch IS NULL "
                          f"AND review_status <> 2 AND query_type IS NOT NULL"))
    check("GET /export from PostgreSQL: every live pair that is not rejected", r.status == 200 and len(lines) == live,
          f"{r.status} {len(lines)} {live}")
    emails = psql_value(args, owner, f"SELECT string_agg(natural_language_query, ' ') FROM (SELECT "
                        f"natural_language_query FROM {schema}.pairs WHERE natural_language_query LIKE '%@%.%' "
                        f"LIMIT 50) q")
    found = set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", emails))
    text = data.decode()
    check("anonymized by default", found and not any(e in text for e in found), str(list(found)[:3]))
    s, _, b = srv.call("GET", "/api/training-data/export?format=csv&successful_only=true", key=keys["exporter"])
    check("format=csv from PostgreSQL", s == 200 and b.startswith(b"pair_id,"), f"{s} {str(b)[:100]}")


def test_audit(args, owner, schema):
    rows = psql_value(args, owner, f"SELECT coalesce(json_agg(json_build_object('a', action, 'd', detail)), '[]') "
                      f"FROM {schema}.audit_log WHERE action LIKE 'api.%'")
    entries = json.loads(rows)
    actions = {e["a"] for e in entries}
    check("the schema's audit log has every kind of API write and the export",
          {"api.add", "api.delete", "api.restore", "api.review", "api.export"} <= actions, str(actions))
    check("every API entry names its key", entries and all(e["d"].get("key") for e in entries))


def test_read_only(args, ro_loc, keys, owner, schema):
    psql(args, owner, f"GRANT USAGE ON SCHEMA {schema} TO pairlens_ro; "
         f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO pairlens_ro")
    srv = Server(args.pairlens, ro_loc)
    try:
        s, _, b = srv.call("GET", "/api/training-data/pairs?limit=3", key=keys["reader"])
        check("a read-only role serves reads", s == 200 and len(b.get("pairs", [])) == 3, f"{s} {str(b)[:200]}")
        s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=dict(NEW_PAIR, pair_id="ro-1"))
        check("a read-only role: a write is refused with one clear sentence", s >= 400 and is_error(b)
              and "read-only" in b["error"] and s == 403, f"{s} {b}")
        s, _, b = srv.call("DELETE", "/api/training-data/pairs/ro-1", key=keys["writer"])
        check("... a delete too", s >= 400 and is_error(b), f"{s} {b}")
        s, _, b = srv.call("GET", "/health")
        check("... and the server keeps answering", s == 200)
    finally:
        srv.stop()


def test_kill9(args, loc, keys, owner, schema):
    tag = "k%08x" % random.getrandbits(32)
    acked = tst_server.post_until_killed(Server(args.pairlens, loc, "--rate-limit", "0"), keys["writer"], tag)
    stored = set(psql_value(args, owner, f"SELECT string_agg(pair_id, ' ') FROM {schema}.pairs "
                            f"WHERE pair_id LIKE '{tag}-%'").split())
    lost = [p for p in acked if p not in stored]
    check("kill -9 under load on PostgreSQL: every pair that got a 201 is stored", len(acked) > 50 and not lost,
          f"{len(acked)} acknowledged, {len(lost)} lost")


def pg_cluster(args, action, directory):
    """scripts/pg-cluster.sh ACTION DIR with the binaries beside --psql."""
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "pg-cluster.sh")
    env = dict(os.environ, PAIRLENS_PG_BIN=os.path.dirname(args.psql))
    return subprocess.run(["bash", script, action, directory], capture_output=True, text=True, env=env,
                          timeout=120)


def test_server_down(args):
    directory = tempfile.mkdtemp(prefix="pairlens-pgdown-", dir="/tmp")
    r = pg_cluster(args, "start", directory)
    if not check("a PostgreSQL server of the test's own", r.returncode == 0, r.stderr):
        return
    srv = None
    try:
        with open(os.path.join(directory, "url")) as f:
            loc = f.read().strip() + "?schema=down"
        key = make_key(args, loc, "w", "read,write,export")
        srv = Server(args.pairlens, loc, "--rate-limit", "0")
        added = []

        def post(tag):
            s, h, b = srv.call("POST", "/api/training-data/pairs", key=key,
                               body={"natural_language_query": "Pairs " + tag, "sql_query": "SELECT 1"})
            if s == 201:
                added.append(tag)
            return s, h, b

        s, _, b = post("before")
        check("down: a pair added", s == 201, f"{s} {b}")

        # A restart ends every connection: the next requests find theirs gone. A read runs again on
        # a new connection; a write, rolled back with its connection, runs once more.
        r = pg_cluster(args, "pause", directory)
        r2 = pg_cluster(args, "resume", directory)
        check("down: the server restarted", r.returncode == 0 and r2.returncode == 0, r.stderr + r2.stderr)
        s, _, b = post("after restart")
        check("down: the first POST after a restart is added (201)", s == 201, f"{s} {b}")
        time.sleep(1.1)  # the keys are read again after a second
        r = pg_cluster(args, "pause", directory)
        r2 = pg_cluster(args, "resume", directory)
        s, _, b = srv.call("GET", "/api/training-data/pairs?limit=5", key=key)
        check("down: the first read after a restart lists the pairs", s == 200 and b.get("total") == 2, f"{s} {b}")
        s, _, b = post("after second restart")
        check("down: a POST after a restart that a read noticed first", s == 201, f"{s} {b}")

        # Down: every keyed route says 503 with Retry-After (never 401 for a key it cannot check,
        # never 403 for a dataset it cannot ask), whether the keys were read a moment ago or not.
        r = pg_cluster(args, "pause", directory)
        check("down: the server stopped", r.returncode == 0, r.stderr)
        routes = [("GET", "/api/training-data/pairs?limit=1", None),
                  ("POST", "/api/training-data/pairs", {"natural_language_query": "lost", "sql_query": "SELECT 2"}),
                  ("POST", "/api/training-data/pairs:batch",
                   {"pairs": [{"natural_language_query": "lost", "sql_query": "SELECT 3"}]}),
                  ("PATCH", "/api/training-data/pairs/nosuch", {"review_status": "approved"}),
                  ("GET", "/api/training-data/pairs/nosuch", None),
                  ("DELETE", "/api/training-data/pairs/nosuch", None),
                  ("GET", "/api/training-data/statistics", None),
                  ("GET", "/api/training-data/export?format=jsonl", None)]
        for method, path, body in routes:
            s, h, b = srv.call(method, path, key=key, body=body)
            check(f"down: {method} {path.split('?')[0]} answers 503 with Retry-After",
                  s == 503 and h.get("retry-after") and is_error(b), f"{s} {h.get('retry-after')} {b}")
        s, _, doc = srv.call("GET", "/api/openapi.json")
        keyed = [(p, m) for p, item in doc.get("paths", {}).items() for m, op in item.items()
                 if m in ("get", "post", "put", "patch", "delete") and op.get("security") != []] if s == 200 else []
        check("down: the OpenAPI document lists 503 for every keyed operation and /health",
              keyed and all("503" in doc["paths"][p][m]["responses"] for p, m in keyed + [("/health", "get")]),
              str([(p, m) for p, m in keyed if "503" not in doc["paths"][p][m]["responses"]]))
        time.sleep(1.1)
        for method, path, body in routes[:2]:
            s, h, b = srv.call(method, path, key=key, body=body)
            check(f"down, keys to be read again: {method} {path.split('?')[0]} answers 503, not 401",
                  s == 503 and h.get("retry-after") and "PostgreSQL" in b.get("error", ""),
                  f"{s} {h.get('retry-after')} {b}")
        s, h, b = srv.call("GET", "/health")
        check("down: /health answers 503 'unavailable' with the reason", s == 503 and h.get("retry-after")
              and b.get("status") == "unavailable" and "PostgreSQL" in b.get("error", ""), f"{s} {b}")
        check("down: the server is still running", srv.proc.poll() is None)

        r = pg_cluster(args, "resume", directory)
        check("down: the server started again", r.returncode == 0, r.stderr)
        time.sleep(1.1)
        s, _, b = srv.call("GET", "/health")
        check("back: /health answers 200", s == 200 and b.get("status") == "ok", f"{s} {b}")
        s, _, b = post("back")
        check("back: POST adds again (201)", s == 201, f"{s} {b}")
        with open(os.path.join(directory, "url")) as f:
            owner = f.read().strip()
        stored = psql_value(args, owner, "SELECT string_agg(natural_language_query, '|' ORDER BY id) "
                            "FROM down.pairs")
        check("down: each pair that got a 201 is stored once, none of those refused",
              stored == "|".join("Pairs " + t for t in added) and len(added) == 4, stored)
    finally:
        if srv:
            srv.stop()
        pg_cluster(args, "stop", directory)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairlens", required=True)
    ap.add_argument("--psql", required=True)
    args = ap.parse_args()
    fixture = checklib.pg_fixture()
    if not fixture:
        return 1
    owner, ro = fixture
    schema = "t_serve_%08x" % random.getrandbits(32)
    loc, ro_loc = owner + "?schema=" + schema, ro + "?schema=" + schema
    with tempfile.TemporaryDirectory(prefix="tst_pgserve_") as tmp:
        demo = os.path.join(tmp, "demo.pairlens")
        r = run([args.pairlens, "demo", demo, "--pairs", "3000", "--seed", "7"])
        check("demo dataset", r.returncode == 0, r.stderr)
        r = run([args.pairlens, "copy", demo, loc])
        if not check("copied into a PostgreSQL schema", r.returncode == 0, r.stderr):
            return 1
        try:
            keys = {name: make_key(args, loc, name, scope) for name, scope in
                    [("reader", "read"), ("writer", "write"), ("exporter", "export"), ("admin", "admin"),
                     ("raw", "read,raw")]}
            tmp_key = test_keys(args, loc, owner, schema)
            srv = Server(args.pairlens, loc, "--max-body", "4194304")
            try:
                tst_server.test_routing(srv, keys)
                tst_server.test_auth(srv, keys, tmp_key, args, loc)
                pair_id = test_add(srv, keys, args, owner, schema)
                tst_server.test_list(srv, keys)
                tst_server.test_delete_restore_review(srv, keys, pair_id)
                tst_server.test_batch(srv, keys)
                tst_server.test_statistics(srv, keys)
                test_cursor_with_recorder(srv, keys, args, owner, schema)
                test_export(srv, keys, args, owner, schema)
                tst_server.test_openapi(srv, keys)
                tst_server.test_settings_followed(
                    srv, keys, args, loc,
                    lambda ids: [int(psql_value(args, owner, f"SELECT pii_mask FROM {schema}.pairs "
                                                             f"WHERE pair_id = '{i}'")) for i in ids])
                check("the server is still running", srv.proc.poll() is None)
            finally:
                srv.stop()
            check("SIGTERM ends the server cleanly", srv.proc.returncode == 0, str(srv.proc.returncode))
            test_audit(args, owner, schema)
            test_read_only(args, ro_loc, keys, owner, schema)
            test_kill9(args, loc, keys, owner, schema)
            test_server_down(args)
        finally:
            psql(args, owner, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    print(f"{checklib.passed} passed, {checklib.failed} failed")
    return 1 if checklib.failed else 0


if __name__ == "__main__":
    sys.exit(main())
