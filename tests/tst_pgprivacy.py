#!/usr/bin/env python3
"""`pairlens privacy` on a PostgreSQL schema beside a dataset file (issue 18): the same settings and
decisions, stored with their audit entries; a recorder's plain INSERT analysed with the schema's
own custom patterns; exports that follow them byte for byte as the file's do; a read-only role
refused with one sentence and nothing changed.
Usage: tst_pgprivacy.py --pairlens PATH --psql PATH   (PAIRLENS_PG_DIR names the fixture's DIR)
"""

import argparse
import json
import os
import sys
import tempfile
import urllib.parse

import checklib
from checklib import check, psql, run

SCHEMA = "t_privacy"
PAIRS = [
    ("p1", "Close ticket TKT-123456 for ann@example.org", "UPDATE tickets SET open = false WHERE code = 'TKT-123456'"),
    ("p2", "How many orders last week?", "SELECT count(*) FROM orders WHERE day > now() - interval '7 days'"),
    ("p3", "Who called from 415-555-0134?", "SELECT name FROM calls WHERE phone = '415-555-0134'"),
]
RECORDED = ("rec1", "Reopen ticket TKT-654321", "UPDATE tickets SET open = true WHERE code = 'TKT-654321'")


def with_schema(url, schema):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + [("schema", schema)]
    return parts._replace(query=urllib.parse.urlencode(query)).geturl()


def kinds(pairlens, dataset):
    r = run([pairlens, "list", dataset, "--json", "--limit", "100"])
    if r.returncode != 0:
        return {"error": r.stderr}
    return {p["pair_id"]: sorted(p.get("pii_kinds", [])) for p in json.loads(r.stdout)["pairs"]}


def export(pairlens, dataset, path):
    r = run([pairlens, "export", dataset, "-o", path, "--format", "jsonl", "--force"])
    if r.returncode != 0:
        return r.stderr
    with open(path, encoding="utf-8") as f:
        return sorted(f.read().splitlines())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairlens", required=True)
    ap.add_argument("--psql", required=True)
    args = ap.parse_args()
    pl = args.pairlens
    fixture = checklib.pg_fixture()
    if not fixture:
        return 1
    owner, ro = fixture
    ro_role = urllib.parse.urlsplit(ro).username
    psql(args.psql, owner, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    pg = with_schema(owner, SCHEMA)
    tmp_dir = tempfile.TemporaryDirectory(prefix="tst_pgprivacy-")
    tmp = tmp_dir.name
    src = os.path.join(tmp, "pairs.jsonl")
    with open(src, "w", encoding="utf-8") as f:
        for pid, q, sql in PAIRS:
            f.write(json.dumps({"pair_id": pid, "natural_language_query": q, "sql_query": sql,
                                "timestamp": "2026-12-01T10:00:00Z", "database_type": "postgresql",
                                "database_name": "crm"}) + "\n")
    fl = os.path.join(tmp, "d.pairlens")
    for d in (fl, pg):
        r = run([pl, "import", d, src])
        check(f"import into {'file' if d == fl else 'schema'}", r.returncode == 0, r.stderr)
    # The same key on both sides, so that pseudonyms and hashes agree byte for byte.
    r = run([args.psql, owner, "-XtAc", f"SELECT value FROM {SCHEMA}.settings WHERE key = 'privacy.secret'"])
    secret = r.stdout.strip()
    if check("the schema has a key", r.returncode == 0 and secret, r.stderr):
        import sqlite3
        db = sqlite3.connect(fl)
        db.execute("UPDATE settings SET value = ? WHERE key = 'privacy.secret'", (secret,))
        db.commit()
        db.close()

    for d in (fl, pg):
        side = "file" if d == fl else "schema"
        r = run([pl, "privacy", d, "--add-pattern", "ticket=TKT-[0-9]{6}", "--operator", "email=hash"])
        check(f"privacy --add-pattern --operator on the {side}", r.returncode == 0, r.stdout + r.stderr)
        r = run([pl, "privacy", d, "--not-pii", "415-555-0134"])
        check(f"privacy --not-pii on the {side}", r.returncode == 0, r.stdout + r.stderr)
    kf, kp = kinds(pl, fl), kinds(pl, pg)
    check("the PII kinds after the changes are the file's", kf == kp and kp.get("p1") == ["custom", "email"]
          and kp.get("p3") == [], f"file {kf} schema {kp}")
    r = run([pl, "privacy", pg, "--json"])
    settings = json.loads(r.stdout) if r.returncode == 0 else {}
    check("privacy --json on the schema shows the pattern, the operator and the decision",
          settings.get("custom_patterns", [{}])[0].get("name") == "ticket"
          and settings.get("operators", {}).get("email") == "hash" and settings.get("decisions") == 1,
          r.stdout + r.stderr)
    r = psql(args.psql, owner, f"SELECT string_agg(action, ',' ORDER BY id) FROM {SCHEMA}.audit_log "
                               "WHERE action IN ('settings', 'privacy_decisions')")
    check("both changes are in the schema's audit log", r.stdout.strip() == "settings,privacy_decisions",
          r.stdout + r.stderr)

    # A recorder's plain INSERT, then a command: analysed with the schema's own pattern.
    pid, q, sql = RECORDED
    r = psql(args.psql, owner, f"INSERT INTO {SCHEMA}.pairs (pair_id, natural_language_query, sql_query, timestamp, "
                               f"database_type, database_name) VALUES ('{pid}', '{q}', '{sql.replace(chr(39), chr(39) * 2)}', "
                               "'2026-12-02T10:00:00Z', 'postgresql', 'crm')")
    check("a recorder inserts a pair with plain SQL", r.returncode == 0, r.stderr)
    check("the recorded pair is analysed with the schema's custom pattern", kinds(pl, pg).get(pid) == ["custom"],
          str(kinds(pl, pg)))
    with open(os.path.join(tmp, "rec.jsonl"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"pair_id": pid, "natural_language_query": q, "sql_query": sql,
                            "timestamp": "2026-12-02T10:00:00Z", "database_type": "postgresql",
                            "database_name": "crm"}) + "\n")
    run([pl, "import", fl, os.path.join(tmp, "rec.jsonl")])
    ef, ep = export(pl, fl, os.path.join(tmp, "f.jsonl")), export(pl, pg, os.path.join(tmp, "p.jsonl"))
    check("the anonymized exports are the same", ef == ep and isinstance(ep, list) and len(ep) == 4,
          f"file {ef}\nschema {ep}")
    check("the export replaces the tickets and keeps the decided number",
          isinstance(ep, list) and not any("TKT-" in line for line in ep) and any("415-555-0134" in line for line in ep),
          str(ep))

    # A read-only role: refused with one sentence, nothing changed.
    psql(args.psql, owner, f"GRANT USAGE ON SCHEMA {SCHEMA} TO {ro_role}; "
                           f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {ro_role}")
    r = run([pl, "privacy", with_schema(ro, SCHEMA), "--operator", "phone=redact"])
    err = r.stderr.strip()
    check("a read-only role is refused with one sentence and a non-zero exit",
          r.returncode != 0 and len(err.splitlines()) == 1 and "nothing was changed" in err.lower(), r.stdout + err)
    r = run([pl, "privacy", pg, "--json"])
    check("and nothing was changed", r.returncode == 0 and json.loads(r.stdout)["operators"]["phone"] != "redact",
          r.stdout + r.stderr)
    r = run([pl, "privacy", with_schema(ro, SCHEMA), "--json"])
    check("the read-only role still reads the settings", r.returncode == 0 and "ticket" in r.stdout, r.stderr)

    psql(args.psql, owner, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    tmp_dir.cleanup()
    print(f"{checklib.passed} passed, {checklib.failed} failed")
    return 1 if checklib.failed else 0


if __name__ == "__main__":
    sys.exit(main())
