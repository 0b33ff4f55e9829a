#!/usr/bin/env python3
"""tst_server: `pairlens serve` over a real dataset file, called with a real HTTP client (http.client
of Python's standard library, and curl). Issue 19: every route and its JSON shape, every error
(401/403/404/405/400/411/413/429, 500 and 503 from the store), keys and scopes, anonymized database names and exports, the
cursor, batches that are idempotent, the audit log with the key's name, a client that disconnects
mid-export, TLS, the OpenAPI document against the server, the PII kinds of added pairs following
`pairlens privacy` run while the server runs, and kill -9 under load losing no pair that got a 201.

    tst_server.py --pairlens PATH [--only NAME]

Prints one line per check and "N passed, M failed"; the exit code is 1 when a check failed.
"""

import argparse
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import checklib
from checklib import TIMEOUT, check, read_only, run
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    """A running `pairlens serve`; the port is the one it prints (it listens on port 0)."""

    def __init__(self, pairlens, dataset, *extra, tls=None):
        cmd = [pairlens, "serve", dataset, "--listen", "127.0.0.1:0"] + list(extra)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"(https?)://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("the server printed no address: %r %r" % (line, self.proc.stderr.read()))
        self.scheme, self.port = m.group(1), int(m.group(2))
        self.tls = tls

    def connection(self):
        if self.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.tls)
            ctx.check_hostname = False
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=60, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def call(self, method, path, key=None, body=None, raw=None, headers=None):
        """(status, headers dict with lower-case names, JSON or bytes)."""
        h = dict(headers or {})
        if key:
            h["Authorization"] = "Bearer " + key
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        c = self.connection()
        try:
            c.request(method, path, body=data, headers=h)
            r = c.getresponse()
            payload = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
        finally:
            c.close()
        if hdrs.get("content-type", "").startswith("application/json"):
            try:
                return r.status, hdrs, json.loads(payload)
            except ValueError:
                pass
        return r.status, hdrs, payload

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def is_error(body):
    return isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]


def make_key(args, ds, name, scope):
    r = run([args.pairlens, "keys", ds, "create", "--name", name, "--scope", scope])
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()


NEW_PAIR = {
    "natural_language_query": "Show all orders of customer alice@example.org",
    "sql_query": "SELECT o.id, o.total FROM orders o JOIN customers c ON c.id = o.customer_id "
                 "WHERE c.email = 'alice@example.org'",
    "database_type": "postgresql",
    "database_name": "shop_production",
    "execution_time_ms": 12.5,
    "metadata": {"agent": "tst_server"},
}


def test_keys_cli(args, tmp, ds):
    r = run([args.pairlens, "keys", ds, "create", "--name", "ci", "--scope", "read,banana"])
    check("keys create: an unknown scope is a usage error", r.returncode == 2 and "banana" in r.stderr, r.stderr)
    r = run([args.pairlens, "keys", ds, "create", "--name", "tmp", "--scope", "read", "--json"])
    created = json.loads(r.stdout) if r.returncode == 0 else {}
    check("keys create --json prints the key once", created.get("key", "").startswith("plk_"), r.stdout + r.stderr)
    r = run([args.pairlens, "keys", ds, "create", "--name", "tmp", "--scope", "read"])
    check("keys create: a name in use is refused", r.returncode == 1 and "tmp" in r.stderr, r.stderr)
    r = run([args.pairlens, "keys", ds, "list", "--json"])
    listed = json.loads(r.stdout) if r.returncode == 0 else []
    check("keys list names the keys and their scopes",
          any(k["name"] == "tmp" and k["scopes"] == ["read"] for k in listed), r.stdout)
    with read_only(ds) as db:
        stored = db.execute("SELECT value FROM settings WHERE key = 'server.keys'").fetchone()[0]
    check("only a hash of the key is stored", created.get("key", "x") not in stored and "sha256" in stored)
    check("keys list never shows a key", created.get("key", "x") not in r.stdout)
    return created.get("key")


def test_auth(srv, keys, tmp_key, args, ds):
    s, h, b = srv.call("GET", "/api/training-data/pairs")
    check("no key: 401 with a JSON error and WWW-Authenticate", s == 401 and is_error(b) and "bearer" in
          h.get("www-authenticate", "").lower(), f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs", key="plk_wrong")
    check("a wrong key: 401", s == 401 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["reader"], body=NEW_PAIR)
    check("read key posting: 403 naming the scope", s == 403 and "write" in b.get("error", ""), f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs", key=keys["writer"])
    check("write key reading: 403", s == 403 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/export", key=keys["reader"])
    check("read key exporting: 403", s == 403 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/statistics", key=keys["admin"])
    check("admin key may do everything", s == 200, f"{s}")
    s, _, _ = srv.call("GET", "/api/training-data/pairs?limit=1", key=tmp_key)
    check("a new key works at once", s == 200, f"{s}")
    r = run([args.pairlens, "keys", ds, "revoke", "tmp"])
    check("keys revoke", r.returncode == 0, r.stderr)
    time.sleep(1.3)
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=1", key=tmp_key)
    check("a revoked key is refused within a second", s == 401, f"{s} {b}")


def test_routing(srv, keys):
    s, _, b = srv.call("GET", "/health")
    check("GET /health needs no key", s == 200 and b.get("status") == "ok", f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/nothing", key=keys["admin"])
    check("unknown route: 404 JSON", s == 404 and is_error(b), f"{s} {b}")
    s, h, b = srv.call("PUT", "/api/training-data/pairs", key=keys["admin"], body={})
    check("wrong method: 405 with Allow", s == 405 and "POST" in h.get("allow", "") and is_error(b), f"{s} {h}")


def test_add(srv, keys, ds):
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=NEW_PAIR)
    pair = b.get("pair", {}) if isinstance(b, dict) else {}
    check("POST /pairs: 201 {pair}", s == 201 and pair.get("natural_language_query") == NEW_PAIR[
        "natural_language_query"], f"{s} {b}")
    check("the pair has pair_id, timestamp, query_type and table_names filled",
          pair.get("pair_id") and pair.get("timestamp") and pair.get("query_type") == "SELECT"
          and sorted(pair.get("table_names", [])) == ["customers", "orders"], json.dumps(pair))
    check("success defaults to true", pair.get("success") is True)
    check("database_name anonymized for a key without raw", pair.get("database_name", "").startswith("db_")
          and "shop" not in pair.get("database_name", ""), pair.get("database_name"))
    s, _, b = srv.call("GET", "/api/training-data/pairs/" + urllib.parse.quote(pair.get("pair_id", "x")),
                       key=keys["raw"])
    check("GET /pairs/<id> with the raw scope shows the real database name",
          s == 200 and b["pair"]["database_name"] == "shop_production", f"{s} {b}")
    with read_only(ds) as db:
        row = db.execute("SELECT database_name, success FROM pairs WHERE pair_id = ?", (pair.get("pair_id"),)).fetchone()
    check("the pair is in the dataset file", row == ("shop_production", 1), str(row))
    # Idempotent by pair_id: the same pair_id again answers 200 with the stored pair.
    again = dict(NEW_PAIR, pair_id=pair.get("pair_id"), natural_language_query="different")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=again)
    check("POST with an existing pair_id: 200 and the stored pair", s == 200 and b["pair"][
        "natural_language_query"] == NEW_PAIR["natural_language_query"], f"{s} {b}")
    for body, what in [({"sql_query": "SELECT 1"}, "no question"), ({"natural_language_query": "x"}, "no SQL"),
                       (dict(NEW_PAIR, success="yes"), "success not a boolean"),
                       (dict(NEW_PAIR, metadata=[1]), "metadata not an object"),
                       (dict(NEW_PAIR, timestamp="last tuesday"), "a timestamp that is no date")]:
        s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=body)
        check(f"POST {what}: 400 with an error", s == 400 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=None)
    check("POST without a body: 400", s == 400 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], raw=b'{"natural_language_query": "x",')
    check("malformed JSON: 400 naming the problem", s == 400 and "JSON" in b.get("error", ""), f"{s} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], raw=b'[1, 2]')
    check("a JSON array body: 400", s == 400 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], raw=b"\xff\xfe{}")
    check("bytes that are no JSON: 400", s == 400 and is_error(b), f"{s} {b}")
    return pair.get("pair_id")


def test_body_limits(srv, keys, tmp):
    big = dict(NEW_PAIR, natural_language_query="x" * 5_000_000)
    s, h, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=big)
    check("a body over --max-body: 413 with a clear error", s == 413 and "4194304" in b.get("error", ""), f"{s} {b}")
    # curl sends "Expect: 100-continue" for large bodies: refused before the body is sent.
    body_file = os.path.join(tmp, "big.json")
    with open(body_file, "w") as f:
        json.dump(big, f)
    r = run(["curl", "-s", "-o", "-", "-w", "\\n%{http_code}", "-H", "Authorization: Bearer " + keys["writer"],
             "-H", "Content-Type: application/json", "--data-binary", "@" + body_file,
             f"http://127.0.0.1:{srv.port}/api/training-data/pairs"])
    lines = r.stdout.rsplit("\n", 1)
    check("curl with a body over the limit: 413", len(lines) == 2 and lines[1] == "413" and "error" in lines[0],
          r.stdout[-300:] + r.stderr)
    # A chunked request body has no length to check first: 411.
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.putrequest("POST", "/api/training-data/pairs")
    c.putheader("Authorization", "Bearer " + keys["writer"])
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    data = json.dumps(NEW_PAIR).encode()
    c.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data))
    r = c.getresponse()
    body = json.loads(r.read())
    c.close()
    check("a chunked request body: 411", r.status == 411 and is_error(body), f"{r.status} {body}")
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    sock.sendall(b"HELLO there\r\n\r\n")
    answer = sock.recv(4096)
    sock.close()
    check("a request that is not HTTP: 400 and a JSON error", answer.startswith(b"HTTP/1.1 400") and b'"error"' in answer,
          answer[:200])
    s, _, b = srv.call("GET", "/health")
    check("the server answers after the refusals", s == 200, f"{s}")


def walk_cursor(srv, key, limit, after_page=None):
    """The pair_ids GET /pairs gives page by page through next_cursor (at most 1,000 pages), until a
    page has no cursor or a call fails; after_page(n) runs after the n-th page."""
    seen, cursor, pages = [], None, 0
    while pages < 1000:
        q = f"/api/training-data/pairs?limit={limit}" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
        s, _, b = srv.call("GET", q, key=key)
        if s != 200:
            break
        seen += [p["pair_id"] for p in b["pairs"]]
        pages += 1
        if after_page:
            after_page(pages)
        cursor = b.get("next_cursor")
        if not cursor:
            break
    return seen


def test_list(srv, keys):
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=5&offset=0", key=keys["reader"])
    check("GET /pairs: {pairs, total}", s == 200 and len(b.get("pairs", [])) == 5 and b.get("total", 0) > 5,
          f"{s} {str(b)[:300]}")
    total = b.get("total", 0)
    s, _, b = srv.call("GET", "/api/training-data/pairs?successful_only=true&limit=1000", key=keys["reader"])
    check("successful_only", s == 200 and b["pairs"] and all(p["success"] for p in b["pairs"]), f"{s}")
    succ = b.get("total", 0)
    s, _, b = srv.call("GET", "/api/training-data/pairs?failed_only=true&limit=0", key=keys["reader"])
    check("failed_only counts the rest", s == 200 and b["total"] + succ == total, f"{b.get('total')} {succ} {total}")
    s, _, b = srv.call("GET", "/api/training-data/pairs?query_type=INSERT&limit=1000", key=keys["reader"])
    check("query_type filter", s == 200 and all(p["query_type"] == "INSERT" for p in b["pairs"]), f"{s}")
    s, _, b = srv.call("GET", "/api/training-data/pairs?pii=email&limit=1000", key=keys["reader"])
    check("pii filter", s == 200 and b["pairs"] and all("email" in p["pii_kinds"] for p in b["pairs"]), f"{s}")
    s, _, b = srv.call("GET", "/api/training-data/pairs?search=orders&limit=1000", key=keys["reader"])
    check("search filter", s == 200 and b["pairs"] and all(
        "orders" in (p["natural_language_query"] + p["sql_query"]).lower() for p in b["pairs"]), f"{s}")
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=1000&start_date=2100-01-01", key=keys["reader"])
    check("start_date in the future: nothing", s == 200 and b["total"] == 0 and b["pairs"] == [], f"{s} {b}")
    for q, what in [("start_date=yesterday", "a bad date"), ("limit=5000", "a limit over 1000"),
                    ("limit=-1", "a negative limit"), ("pii=names", "an unknown PII kind"),
                    ("status=maybe", "an unknown status"), ("successful_only=perhaps", "a bad boolean"),
                    ("cursor=%%%", "a bad cursor")]:
        s, _, b = srv.call("GET", "/api/training-data/pairs?" + q, key=keys["reader"])
        check(f"GET /pairs with {what}: 400", s == 400 and is_error(b), f"{s} {b}")
    # Deep paging: the cursor walks every pair once, in the order of offset paging.
    seen = walk_cursor(srv, keys["reader"], 97)
    check("the cursor pages through every pair once", len(seen) == total and len(set(seen)) == total,
          f"{len(seen)} {len(set(seen))} {total}")
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=97&offset=194", key=keys["reader"])
    check("offset paging agrees with the cursor", [p["pair_id"] for p in b.get("pairs", [])] == seen[194:291])
    return total


def test_delete_restore_review(srv, keys, pair_id):
    q = urllib.parse.quote(pair_id)
    s, _, b = srv.call("DELETE", "/api/training-data/pairs/" + q, key=keys["writer"])
    check("DELETE /pairs/<id>: {message}", s == 200 and isinstance(b.get("message"), str), f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs/" + q, key=keys["reader"])
    check("a deleted pair: 404", s == 404 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("DELETE", "/api/training-data/pairs/" + q, key=keys["writer"])
    check("DELETE again: 404", s == 404, f"{s} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs/" + q + "/restore", key=keys["writer"])
    check("POST /pairs/<id>/restore: back from the trash", s == 200 and b.get("pair", {}).get("pair_id") == pair_id,
          f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs/" + q, key=keys["reader"])
    check("the restored pair is there", s == 200, f"{s}")
    s, _, b = srv.call("POST", "/api/training-data/pairs/" + q + "/restore", key=keys["writer"])
    check("restore of a pair not in the trash: 404", s == 404, f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs/no-such-pair", key=keys["reader"])
    check("GET of an unknown pair: 404", s == 404 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("PATCH", "/api/training-data/pairs/" + q, key=keys["writer"],
                       body={"review_status": "approved", "reviewer_note": "checked by CI"})
    p = b.get("pair", {}) if isinstance(b, dict) else {}
    check("PATCH sets review status and note", s == 200 and p.get("review_status") == "approved"
          and p.get("reviewer_note") == "checked by CI", f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs?status=approved&limit=1000", key=keys["reader"])
    check("the status filter finds it", s == 200 and pair_id in [x["pair_id"] for x in b["pairs"]], f"{s}")
    for body in [{"review_status": "great"}, {}, {"reviewer_note": 5}]:
        s, _, b = srv.call("PATCH", "/api/training-data/pairs/" + q, key=keys["writer"], body=body)
        check(f"PATCH {json.dumps(body)}: 400", s == 400 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("PATCH", "/api/training-data/pairs/nothing-here", key=keys["writer"],
                       body={"review_status": "rejected"})
    check("PATCH of an unknown pair: 404", s == 404, f"{s} {b}")


def test_batch(srv, keys):
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=0", key=keys["reader"])
    before = b["total"]
    batch = [dict(NEW_PAIR, pair_id=f"batch-{i}", natural_language_query=f"How many orders on day {i}?",
                  sql_query=f"SELECT count(*) FROM orders WHERE day = {i}") for i in range(2000)]
    s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body={"pairs": batch})
    check("POST /pairs:batch adds them", s == 201 and b.get("added") == 2000 and len(b.get("pair_ids", [])) == 2000,
          f"{s} {str(b)[:200]}")
    s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body={"pairs": batch})
    check("the same batch again adds nothing (idempotent by pair_id)",
          s == 200 and b.get("added") == 0 and b.get("already_present") == 2000, f"{s} {str(b)[:200]}")
    bad = batch[:3] + [{"sql_query": "SELECT 1"}]
    bad[0] = dict(bad[0], pair_id="batch-new-1")
    s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body={"pairs": bad})
    check("a batch with a bad pair: 400 naming it, nothing written", s == 400 and "pairs[3]" in b.get("error", ""),
          f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs/batch-new-1", key=keys["reader"])
    check("... really nothing", s == 404, f"{s}")
    too_many = [{"natural_language_query": "q", "sql_query": "SELECT 1"}] * 10001
    s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body={"pairs": too_many})
    check("a batch over 10,000 pairs: 413", s == 413 and "10000" in b.get("error", ""), f"{s} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body={"pair": []})
    check("a batch without pairs: 400", s == 400, f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=0", key=keys["reader"])
    check("the total grew by the batch", b["total"] == before + 2000, f"{b['total']} {before}")


def test_store_errors(srv, keys, ds):
    """What a client sees when the store cannot take its pair: 503 with Retry-After while another
    program holds the dataset's write lock past the busy timeout (2 s), 500 with one sentence when the
    store refuses the row; nothing half-stored, and the server goes on serving."""
    import sqlite3
    body = dict(NEW_PAIR, natural_language_query="Orders of customer locked-out@example.org")
    holder = sqlite3.connect(ds, timeout=10, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        s, h, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=body)
        waited = time.monotonic() - started
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    check("POST while another program holds the write lock: 503 with Retry-After and an error",
          s == 503 and h.get("retry-after") == "1" and is_error(b), f"{s} {h} {b}")
    check("the 503 came after the busy timeout, not at once", waited >= 1.5, f"{waited:.2f} s")
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=body)
    check("the same POST once the lock is released: 201", s == 201, f"{s} {b}")
    with read_only(ds) as db:
        n = db.execute("SELECT count(*) FROM pairs WHERE natural_language_query = ?",
                       (body["natural_language_query"],)).fetchone()[0]
    check("the pair is stored once", n == 1, str(n))

    batch = {"pairs": [dict(NEW_PAIR, pair_id="tst-locked-batch-%d" % i) for i in range(3)]}
    holder = sqlite3.connect(ds, timeout=10, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        s, h, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body=batch)
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    check("a batch while the write lock is held: 503 with Retry-After",
          s == 503 and h.get("retry-after") == "1" and is_error(b), f"{s} {h} {b}")
    s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body=batch)
    check("the same batch afterwards adds all of it", s == 201 and b.get("added") == 3, f"{s} {b}")

    # A store that refuses the row (here a trigger another program put into the dataset; a full disk
    # or a damaged page fails the same way): 500 with one sentence, nothing stored, server alive.
    admin = sqlite3.connect(ds, timeout=10, isolation_level=None)
    try:
        admin.execute("CREATE TRIGGER tst_server_refuse BEFORE INSERT ON pairs "
                      "WHEN new.natural_language_query LIKE '%refuse-me%' "
                      "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END")
        refused = dict(NEW_PAIR, natural_language_query="Orders for refuse-me please")
        s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=refused)
        message = b.get("error", "") if isinstance(b, dict) else ""
        check("POST the store refuses: 500 with the store's reason in one sentence",
              s == 500 and "refused by the test trigger" in message and "\n" not in message, f"{s} {b}")
        s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"],
                           body={"pairs": [dict(refused, pair_id="tst-refused-%d" % i) for i in range(2)]})
        check("a batch the store refuses: 500 with an error", s == 500 and is_error(b), f"{s} {b}")
    finally:
        admin.execute("DROP TRIGGER IF EXISTS tst_server_refuse")
        admin.close()
    with read_only(ds) as db:
        n = db.execute("SELECT count(*) FROM pairs WHERE natural_language_query LIKE '%refuse-me%'").fetchone()[0]
    check("nothing of the refused pairs is stored", n == 0, str(n))
    s, _, b = srv.call("GET", "/health")
    check("the server still answers after the errors", s == 200, f"{s} {b}")
    s, _, doc = srv.call("GET", "/api/openapi.json")
    paths = doc.get("paths", {}) if isinstance(doc, dict) else {}
    for path in ("/api/training-data/pairs", "/api/training-data/pairs:batch"):
        documented = paths.get(path, {}).get("post", {}).get("responses", {})
        check(f"POST {path}: 500 and 503 are documented", "500" in documented and "503" in documented,
              str(list(documented)))


def test_batch_queue(srv, keys, ds):
    """A batch is written by the server's writer thread while the server reads on: with another
    program holding the write lock (for less than the 2 s busy timeout), a batch waits for it, and
    meanwhile the server answers other requests, queues four more batches and refuses a fifth with
    503 and Retry-After; once the lock is free every queued batch is added, each pair once."""
    import sqlite3

    def batch(tag, n=5):
        return {"pairs": [dict(NEW_PAIR, pair_id=f"tst-queue-{tag}-{i}",
                               natural_language_query=f"Queued batch {tag}, pair {i}") for i in range(n)]}

    answers = {}

    def post(tag):
        answers[tag] = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body=batch(tag))

    holder = sqlite3.connect(ds, timeout=10, isolation_level=None)
    threads = []
    try:
        holder.execute("BEGIN IMMEDIATE")
        threads.append(threading.Thread(target=post, args=("a",)))
        threads[-1].start()
        time.sleep(0.15)
        health_status, _, _ = srv.call("GET", "/health")
        health_done = time.monotonic()
        for tag in "bcde":
            threads.append(threading.Thread(target=post, args=(tag,)))
            threads[-1].start()
        time.sleep(0.45)
        refused = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body=batch("f"))
        refused_done = time.monotonic()
        released = time.monotonic()
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    for t in threads:
        t.join(TIMEOUT)
    check("GET /health answered while a batch waited for the write lock",
          health_status == 200 and health_done < released, f"{health_status}")
    s, h, b = refused
    check("a fifth waiting batch: 503 with Retry-After and an error, at once",
          s == 503 and h.get("retry-after") == "1" and is_error(b) and refused_done <= released, f"{s} {h} {b}")
    ok = [tag for tag in "abcde" if answers.get(tag, (0,))[0] == 201 and answers[tag][2].get("added") == 5]
    check("the batch in flight and the four waiting ones: 201, all added once the lock is free",
          ok == list("abcde"), f"{ok} {[(t, answers.get(t, (None,))[0]) for t in 'abcde']}")
    with read_only(ds) as db:
        counts = dict(db.execute("SELECT substr(pair_id, 11, 1), count(*) FROM pairs "
                                 "WHERE pair_id LIKE 'tst-queue-%' GROUP BY 1").fetchall())
    check("each queued pair stored once, nothing of the refused batch",
          counts == {t: 5 for t in "abcde"}, str(counts))
    with read_only(ds) as db:
        details = [json.loads(d) for (d,) in db.execute("SELECT detail FROM audit_log WHERE action = 'api.add'")]
    entries = [d for d in details if d.get("route") == "POST /api/training-data/pairs:batch" and d.get("added") == 5
               and d.get("key") == "writer"]
    check("each queued batch has an audit entry of its own with the key", len(entries) == 5, str(len(entries)))


def test_statistics(srv, keys):
    s, _, b = srv.call("GET", "/api/training-data/statistics", key=keys["reader"])
    st = b.get("statistics", {}) if isinstance(b, dict) else {}
    keys_wanted = ["total_pairs", "successful_pairs", "failed_pairs", "unique_tables", "database_types",
                   "avg_query_length", "avg_sql_length", "date_range", "query_type_distribution"]
    check("GET /statistics has the original keys", s == 200 and all(k in st for k in keys_wanted),
          f"{s} {list(st)[:20]}")
    check("... and PairLens's own", "pii" in st and "review_status" in st and "top_tables" in st)
    check("database names anonymized without raw", st.get("database_names") and
          all(n.startswith("db_") or n == "" for n in st["database_names"]), str(st.get("database_names"))[:200])
    s, _, b = srv.call("GET", "/api/training-data/statistics", key=keys["raw"])
    check("database names as they are with raw", "shop_production" in b["statistics"]["database_names"])
    s, _, b = srv.call("GET", "/api/training-data/statistics?start_date=2100-01-01", key=keys["reader"])
    check("statistics follow start_date", s == 200 and b["statistics"]["total_pairs"] == 0, f"{s}")
    s, _, b = srv.call("GET", "/api/training-data/statistics?end_date=garbage", key=keys["reader"])
    check("statistics with a bad date: 400", s == 400 and is_error(b), f"{s} {b}")


def test_export(srv, keys, ds):
    c = srv.connection()
    c.request("GET", "/api/training-data/export?format=jsonl", headers={"Authorization": "Bearer " + keys["exporter"]})
    r = c.getresponse()
    data = r.read()
    c.close()
    lines = [json.loads(x) for x in data.splitlines() if x.strip()]
    check("GET /export: 200 JSONL", r.status == 200 and r.getheader("Content-Type") == "application/x-ndjson"
          and len(lines) > 100, f"{r.status} {r.getheader('Content-Type')} {len(lines)}")
    cd = r.getheader("Content-Disposition") or ""
    check("with a download file name", re.match(r'attachment; filename="training_data_\d{8}_\d{6}\.jsonl"', cd), cd)
    with read_only(ds) as db:
        live = db.execute("SELECT count(*) FROM pairs WHERE deleted = 0 AND review_status != 2").fetchone()[0]
        emails = [r[0] for r in db.execute(
            "SELECT natural_language_query FROM pairs WHERE natural_language_query LIKE '%@%.%' LIMIT 50")]
    check("every pair that is not rejected or deleted", len(lines) == live, f"{len(lines)} {live}")
    found = set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", " ".join(emails)))
    text = data.decode()
    check("anonymized by default: no e-mail of the dataset in the export", found and not any(e in text for e in found),
          str([e for e in found if e in text][:3]))
    check("database names anonymized in the export", "shop_production" not in text)
    s, h, b = srv.call("GET", "/api/training-data/export?format=csv&successful_only=true", key=keys["exporter"])
    check("format=csv: text/csv", s == 200 and h.get("content-type", "").startswith("text/csv")
          and b.startswith(b"pair_id,") and h.get("content-disposition", "").endswith('.csv"'), f"{s} {h}")
    s, h, b = srv.call("GET", "/api/training-data/export?format=json&start_date=2000-01-01", key=keys["exporter"])
    env = b if isinstance(b, dict) else {}
    check("format=json: the envelope", env.get("total_pairs") == len(env.get("pairs", [])) and "statistics" in env,
          f"{s} {str(b)[:200]}")
    s, _, b = srv.call("GET", "/api/training-data/export?format=openai-chat", key=keys["exporter"])
    first = json.loads(b.splitlines()[0]) if s == 200 and b else {}
    check("format=openai-chat", "messages" in first, f"{s} {str(b)[:200]}")
    s, _, b = srv.call("GET", "/api/training-data/export?format=xml", key=keys["exporter"])
    check("an unknown format: 400", s == 400 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/export?anonymize=false", key=keys["exporter"])
    check("anonymize=false without the raw scope: 403", s == 403 and is_error(b), f"{s} {b}")
    s, _, b = srv.call("GET", "/api/training-data/export?anonymize=false", key=keys["admin"])
    check("anonymize=false with admin: the real values", s == 200 and b"shop_production" in b, f"{s}")
    # curl, as a pipeline would fetch it.
    out = os.path.join(os.path.dirname(ds), "curl-export.jsonl")
    r = run(["curl", "-sf", "-OJ", "--output-dir", os.path.dirname(ds), "-H", "Authorization: Bearer " + keys["exporter"],
             f"http://127.0.0.1:{srv.port}/api/training-data/export?format=jsonl"])
    got = [f for f in os.listdir(os.path.dirname(ds)) if f.startswith("training_data_")]
    check("curl -OJ saves the file under its download name", r.returncode == 0 and len(got) == 1, r.stderr + str(got))


def test_disconnect(srv, keys, ds, big):
    """A client that reads a little of a large export and goes away: the server cancels the export,
    keeps answering, and the audit log says so."""
    # A small receive buffer (no autotuning): the export (~15 MB) cannot all fit into the buffers
    # between the server and this client, whenever this client gets to close.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    sock.settimeout(30)
    sock.connect(("127.0.0.1", srv.port))
    sock.sendall(b"GET /api/training-data/export?format=jsonl HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                 + keys["exporter"].encode() + b"\r\n\r\n")
    got = b""
    while len(got) < 200000:
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    sock.close()
    check("the export started streaming", got.startswith(b"HTTP/1.1 200") and b"chunked" in got[:500].lower(),
          got[:200])
    deadline = time.time() + 60
    state = None
    while time.time() < deadline:
        with read_only(ds) as db:
            row = db.execute("SELECT detail FROM audit_log WHERE action = 'api.export' ORDER BY id DESC LIMIT 1").fetchone()
        if row and json.loads(row[0]).get("state") == "client disconnected":
            state = json.loads(row[0])
            break
        time.sleep(0.2)
    check("the export stopped when the client went away (audit: client disconnected)", state is not None
          and state.get("key") == "exporter" and state.get("bytes_sent", 0) < big, str(state))
    s, _, b = srv.call("GET", "/api/training-data/pairs?limit=1", key=keys["reader"])
    check("the server answers after the disconnect", s == 200, f"{s}")


def file_masks(ds):
    """pair_ids -> their stored pii_mask, read from the dataset file."""
    def masks(ids):
        with read_only(ds) as db:
            return [db.execute("SELECT pii_mask FROM pairs WHERE pair_id = ?", (i,)).fetchone()[0] for i in ids]
    return masks


def test_settings_followed(srv, keys, args, ds, masks):
    """The PII kinds of pairs the server adds follow the dataset's privacy settings as they are when
    each pair arrives: `pairlens privacy` run while the server runs (its rescan has finished before
    these pairs exist) counts for them, one way and back. `masks(pair_ids)` reads their pii_mask."""

    def ticket_pair(pair_id):
        return dict(NEW_PAIR, pair_id=pair_id, natural_language_query="What is the status of ticket TCK-204518?",
                    sql_query="SELECT status FROM tickets WHERE code = 'TCK-204518'")

    r = run([args.pairlens, "privacy", ds, "--add-pattern", "ticket=TCK-[0-9]{6}"])
    check("pairlens privacy adds a pattern while the server runs", r.returncode == 0, r.stderr)
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=ticket_pair("ticket-1"))
    check("a POST after it: the pattern's kind in the answer", s == 201 and "custom" in b["pair"]["pii_kinds"],
          f"{s} {b}")
    batch = [ticket_pair(f"ticket-batch-{i}") for i in range(3)]
    s, _, b = srv.call("POST", "/api/training-data/pairs:batch", key=keys["writer"], body={"pairs": batch})
    check("a batch after it is added", s == 201 and b.get("added") == 3, f"{s} {b}")
    stored = masks(["ticket-1"] + [p["pair_id"] for p in batch])
    check("... and every stored pair has the pattern's kind", all(m & 64 for m in stored), str(stored))
    r = run([args.pairlens, "privacy", ds, "--remove-pattern", "ticket"])
    check("pairlens privacy removes it again", r.returncode == 0, r.stderr)
    s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=ticket_pair("ticket-2"))
    check("a POST after the removal: no custom kind", s == 201 and "custom" not in b["pair"]["pii_kinds"], f"{s} {b}")
    after = masks(["ticket-2"])
    check("... nor stored", not after[0] & 64, str(after))
    # The answers' anonymization follows a change of the operators within a second (the settings are
    # read again with the keys, at most once a second; before, the anonymizer was rebuilt every 5 s).
    r = run([args.pairlens, "privacy", ds, "--operator", "database_name=redact"])
    check("pairlens privacy changes the database-name operator", r.returncode == 0, r.stderr)
    time.sleep(1.2)
    s, _, b = srv.call("GET", "/api/training-data/pairs/ticket-1", key=keys["reader"])
    check("a GET a second later shows the new operator's database name",
          s == 200 and b["pair"]["database_name"] == "<DATABASE_NAME>", f"{s} {b}")
    r = run([args.pairlens, "privacy", ds, "--operator", "database_name=mask"])
    check("... and back", r.returncode == 0, r.stderr)
    time.sleep(1.2)  # the two GETs are less than 5 s apart: a timer could not have rebuilt for both
    s, _, b = srv.call("GET", "/api/training-data/pairs/ticket-1", key=keys["reader"])
    check("a GET a second later shows the masked database name again",
          s == 200 and b["pair"]["database_name"].startswith("db_"), f"{s} {b}")


def test_audit(ds):
    with read_only(ds) as db:
        rows = [(a, json.loads(d)) for a, d in db.execute("SELECT action, detail FROM audit_log WHERE action LIKE 'api.%'")]
    actions = {a for a, _ in rows}
    check("the audit log has every kind of API write and the export",
          {"api.add", "api.delete", "api.restore", "api.review", "api.export"} <= actions, str(actions))
    check("every API entry names its key", rows and all(d.get("key") for _, d in rows))
    check("adds are written by the writer key", any(a == "api.add" and d.get("key") == "writer" for a, d in rows))


def test_rate_limit(args, ds, keys):
    srv = Server(args.pairlens, ds, "--rate-limit", "1", "--burst", "3")
    try:
        statuses = []
        for _ in range(4):
            s, h, b = srv.call("GET", "/api/training-data/pairs?limit=1", key=keys["reader"])
            statuses.append((s, h.get("retry-after"), b))
        check("the burst passes", [s for s, _, _ in statuses[:3]] == [200, 200, 200], str(statuses[:3])[:300])
        s, retry, b = statuses[3]
        check("then 429 with Retry-After and a JSON error", s == 429 and retry and int(retry) >= 1 and is_error(b),
              f"{s} {retry} {b}")
        s, _, _ = srv.call("GET", "/api/training-data/pairs?limit=1", key=keys["admin"])
        check("limits are per key", s == 200, f"{s}")
    finally:
        srv.stop()


def test_tls(args, tmp, ds, keys):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    r = run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
    if not check("a test certificate", r.returncode == 0, r.stderr):
        return
    r = run([args.pairlens, "serve", ds, "--listen", "127.0.0.1:0", "--cert", cert])
    check("--cert without --key: usage error", r.returncode == 2 and "--key" in r.stderr, r.stderr)
    srv = Server(args.pairlens, ds, "--cert", cert, "--key", key, tls=cert)
    try:
        check("serves https", srv.scheme == "https")
        s, _, b = srv.call("GET", "/api/training-data/pairs?limit=2", key=keys["reader"])
        check("GET /pairs over TLS (certificate verified)", s == 200 and len(b["pairs"]) == 2, f"{s}")
        s, _, b = srv.call("POST", "/api/training-data/pairs", key=keys["writer"], body=dict(NEW_PAIR, pair_id="tls-1"))
        check("POST over TLS", s == 201, f"{s} {b}")
        s, _, b = srv.call("GET", "/api/training-data/export?format=jsonl", key=keys["exporter"])
        check("export over TLS", s == 200 and len(b.splitlines()) > 100, f"{s}")
        plain = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        try:
            plain.request("GET", "/health")
            plain.getresponse().read()
            ok = False
        except (OSError, http.client.HTTPException):
            ok = True
        check("plain HTTP on the TLS port gets nothing", ok)
        s, _, _ = srv.call("GET", "/health")
        check("... and the server still answers", s == 200)
    finally:
        srv.stop()


def test_openapi(srv, keys):
    s, _, doc = srv.call("GET", "/api/openapi.json")
    check("GET /api/openapi.json", s == 200 and doc.get("openapi", "").startswith("3."), f"{s}")
    if s != 200:
        return
    # Every documented operation answers with a documented status; every other method is 405.
    samples = {"{pair_id}": "batch-7"}
    bodies = {("post", "/api/training-data/pairs"): dict(NEW_PAIR, pair_id="openapi-1"),
              ("post", "/api/training-data/pairs:batch"): {"pairs": [dict(NEW_PAIR, pair_id="openapi-2")]},
              ("patch", "/api/training-data/pairs/{pair_id}"): {"review_status": "approved"}}
    order = ["get", "post", "patch", "delete"]
    for path, item in sorted(doc["paths"].items(), key=lambda kv: kv[0]):
        url = path
        for k, v in samples.items():
            url = url.replace(k, v)
        ops = sorted([m for m in item if m in ("get", "post", "put", "patch", "delete")], key=order.index)
        for method in ops:
            op = item[method]
            if method == "delete":  # restore right after, so later checks find the pair
                pass
            s, _, b = srv.call(method.upper(), url, key=keys["admin"], body=bodies.get((method, path)))
            if method == "delete":
                srv.call("POST", url + "/restore", key=keys["admin"])
            check(f"{method.upper()} {path} answers a documented status", str(s) in op["responses"],
                  f"{s} not in {list(op['responses'])}: {str(b)[:200]}")
            if op.get("security", None) != []:
                s2, _, _ = srv.call(method.upper(), url, body=bodies.get((method, path)))
                check(f"{method.upper()} {path} needs a key, as documented", s2 == 401 and "401" in op["responses"],
                      f"{s2}")
        for method in {"get", "post", "patch", "delete"} - set(ops):
            s, _, b = srv.call(method.upper(), url, key=keys["admin"], body={} if method != "get" else None)
            check(f"{method.upper()} {path} is not a route (405)", s in (405, 404) and is_error(b), f"{s} {b}")
    # The server's routes (tried blind) are all in the document.
    for path in ["/api/training-data/pairs", "/api/training-data/pairs:batch", "/api/training-data/pairs/{pair_id}",
                 "/api/training-data/pairs/{pair_id}/restore", "/api/training-data/statistics",
                 "/api/training-data/export", "/health", "/api/openapi.json"]:
        check(f"{path} is documented", path in doc["paths"])


def doc_blocks(lang):
    text = open(os.path.join(HERE, "..", "docs", "api.md"), encoding="utf-8").read()
    return re.findall(r"```" + lang + r"\n(.*?)```", text, re.S)


def test_docs(srv, keys, tmp):
    """docs/api.md: the original guide's curl calls and the Python recorder, run as they are written."""
    env = dict(os.environ, PAIRLENS_URL=f"http://127.0.0.1:{srv.port}", PAIRLENS_KEY=keys["admin"])
    guide = [b for b in doc_blocks("sh") if "curl" in b]
    check("docs/api.md has the guide's curl calls", len(guide) == 1)
    calls = [c.strip() for c in guide[0].split("\n\n") if "curl" in c] if guide else []
    work = os.path.join(tmp, "guide")
    os.makedirs(work, exist_ok=True)
    shapes = [("POST /pairs", lambda o: "pair" in o and o["pair"]["query_type"] == "SELECT"),
              ("GET /pairs", lambda o: "pairs" in o and "total" in o and o["pairs"]),
              ("GET /statistics", lambda o: "total_pairs" in o.get("statistics", {}))]
    for i, call in enumerate(calls):
        r = subprocess.run(["bash", "-c", call], capture_output=True, text=True, env=env, cwd=work, timeout=120)
        if i < len(shapes):
            try:
                out = json.loads(r.stdout)
            except ValueError:
                out = {}
            check(f"the guide's {shapes[i][0]} answers the documented shape", r.returncode == 0 and shapes[i][1](out),
                  r.stdout[:300] + r.stderr)
        else:
            files = [f for f in os.listdir(work) if re.match(r"training_data_\d{8}_\d{6}\.jsonl$", f)]
            check("the guide's export download saves a JSONL file", r.returncode == 0 and len(files) == 1
                  and os.path.getsize(os.path.join(work, files[0])) > 0, r.stderr + str(files))
    check("the guide has four calls", len(calls) == 4, str(len(calls)))
    recorder = [b for b in doc_blocks("python") if "def record(" in b]
    if not check("docs/api.md has the recorder example", len(recorder) == 1):
        return
    path = os.path.join(tmp, "recorder_example.py")
    with open(path, "w") as f:
        f.write(recorder[0])
    r = subprocess.run([sys.executable, path], capture_output=True, text=True, env=dict(env, PAIRLENS_KEY=keys["writer"]),
                       timeout=120)
    words = r.stdout.split()
    check("the recorder example records a pair", r.returncode == 0 and len(words) == 3 and words[1:] == ["SELECT", "orders"],
          r.stdout + r.stderr)
    s, _, b = srv.call("GET", "/api/training-data/pairs/" + (words[0] if words else "x"), key=keys["reader"])
    check("... which the API then returns", s == 200, f"{s}")


def post_until_killed(srv, key, tag):
    """Four clients post as fast as they can for 1.5 s, then the server gets kill -9; returns the
    pair_ids (TAG-client-n) that got a 201."""
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def client(n):
        c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        i = 0
        while not stop.is_set():
            pid = f"{tag}-{n}-{i}"
            i += 1
            try:
                c.request("POST", "/api/training-data/pairs", body=json.dumps(dict(NEW_PAIR, pair_id=pid)),
                          headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                if r.status == 201:
                    with lock:
                        acked.append(pid)
            except (OSError, http.client.HTTPException):
                return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    srv.proc.kill()
    srv.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    return acked


def test_kill9(args, tmp):
    """Four clients post as fast as they can; kill -9; every pair that got a 201 is in the file."""
    ds = os.path.join(tmp, "kill.pairlens")
    run([args.pairlens, "demo", ds, "--pairs", "10"])
    key = make_key(args, ds, "loader", "write")
    acked = post_until_killed(Server(args.pairlens, ds, "--rate-limit", "0"), key, "k")
    with read_only(ds) as db:
        stored = {r[0] for r in db.execute("SELECT pair_id FROM pairs WHERE pair_id LIKE 'k-%'")}
    lost = [p for p in acked if p not in stored]
    check("kill -9 under load: every pair that got a 201 is in the dataset", len(acked) > 50 and not lost,
          f"{len(acked)} acknowledged, {len(lost)} lost")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairlens", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tst_server_") as tmp:
        ds = os.path.join(tmp, "served.pairlens")
        r = run([args.pairlens, "demo", ds, "--pairs", "30000", "--seed", "7"])
        check("demo dataset", r.returncode == 0, r.stderr)
        keys = {name: make_key(args, ds, name, scope) for name, scope in
                [("reader", "read"), ("writer", "write"), ("exporter", "export"), ("admin", "admin"),
                 ("raw", "read,raw")]}
        tmp_key = test_keys_cli(args, tmp, ds)
        srv = Server(args.pairlens, ds, "--max-body", "4194304")
        try:
            test_routing(srv, keys)
            test_auth(srv, keys, tmp_key, args, ds)
            pair_id = test_add(srv, keys, ds)
            test_body_limits(srv, keys, tmp)
            test_list(srv, keys)
            test_delete_restore_review(srv, keys, pair_id)
            test_batch(srv, keys)
            test_store_errors(srv, keys, ds)
            test_batch_queue(srv, keys, ds)
            test_statistics(srv, keys)
            test_export(srv, keys, ds)
            test_disconnect(srv, keys, ds, big=8_000_000)
            test_openapi(srv, keys)
            test_docs(srv, keys, tmp)
            test_settings_followed(srv, keys, args, ds, file_masks(ds))
            test_audit(ds)
            check("the server is still running", srv.proc.poll() is None)
        finally:
            srv.stop()
        check("SIGTERM ends the server cleanly", srv.proc.returncode == 0, str(srv.proc.returncode))
        test_rate_limit(args, ds, keys)
        test_tls(args, tmp, ds, keys)
        test_kill9(args, tmp)
    print(f"{checklib.passed} passed, {checklib.failed} failed")
    return 1 if checklib.failed else 0


if __name__ == "__main__":
    sys.exit(main())
