#!/usr/bin/env python3
"""The throwaway PostgreSQL 15 of the CTest fixture pg_cluster (scripts/pg-cluster.sh, issue 18):
the owner role writes in schema training_data, the read-only role reads and is refused writes, a
wrong password and a closed port fail within connect_timeout, and pairlens answers one clear
sentence and a non-zero exit for a postgresql:// location a command cannot open yet.
Usage: tst_pgcluster.py --pairlens PATH --psql PATH   (PAIRLENS_PG_DIR names the fixture's DIR)
"""

import argparse
import os
import socket
import sys
import urllib.parse

import checklib
from checklib import check, psql, run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairlens", required=True)
    ap.add_argument("--psql", required=True)
    args = ap.parse_args()
    fixture = checklib.pg_fixture()
    if not fixture:
        return 1
    url, ro = fixture
    pgdir = os.environ["PAIRLENS_PG_DIR"]
    host = urllib.parse.urlsplit(url).hostname
    check("server listens on 127.0.0.1 only", host == "127.0.0.1", url)

    r = psql(args.psql, url, "DROP TABLE IF EXISTS training_data.t_cluster; "
             "CREATE TABLE training_data.t_cluster(x int); INSERT INTO training_data.t_cluster VALUES (41), (1); "
             "SELECT sum(x) FROM training_data.t_cluster")
    check("owner creates, inserts and reads in training_data", r.returncode == 0 and r.stdout.strip() == "42",
          r.stdout + r.stderr)
    r = psql(args.psql, ro, "SELECT count(*) FROM training_data.t_cluster")
    check("read-only role reads the owner's new table", r.returncode == 0 and r.stdout.strip() == "2", r.stdout + r.stderr)
    r = psql(args.psql, ro, "INSERT INTO training_data.t_cluster VALUES (3)")
    check("read-only role is refused an INSERT", r.returncode != 0 and "permission denied" in r.stderr, r.stderr)

    parts = urllib.parse.urlsplit(url)
    wrong = parts._replace(netloc=f"pairlens:not-the-password@{parts.hostname}:{parts.port}").geturl()
    r = psql(args.psql, wrong, "SELECT 1")
    check("a wrong password is refused", r.returncode != 0 and "password authentication failed" in r.stderr, r.stderr)

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    closed = s.getsockname()[1]
    s.close()
    r = psql(args.psql, f"postgresql://pairlens@127.0.0.1:{closed}/pairlens", "SELECT 1")
    check("a closed port fails, no hang", r.returncode != 0, r.stderr)

    # Every command takes a postgresql:// location (see tst_pgcli, tst_pgexport and tst_pgcurate);
    # demo writes its pairs into a schema of their own and names it without the password.
    r = run([args.pairlens, "demo", url + "?schema=t_cluster_demo", "--pairs", "25"], timeout=60)
    check("pairlens demo postgresql://... writes its pairs",
          r.returncode == 0 and "Wrote 25 demo pairs to postgresql://" in r.stdout, r.stdout + r.stderr)
    stored = psql(args.psql, url, "SELECT count(*) FROM t_cluster_demo.pairs WHERE query_type IS NOT NULL")
    check("the demo's pairs are stored analysed", stored.stdout.strip() == "25", stored.stdout + stored.stderr)
    check("the password is not echoed", parts.password not in r.stdout + r.stderr)
    psql(args.psql, url, "DROP SCHEMA IF EXISTS t_cluster_demo CASCADE")

    psql(args.psql, url, "DROP TABLE IF EXISTS training_data.t_cluster")
    print(f"{checklib.passed} passed, {checklib.failed} failed")
    return 1 if checklib.failed else 0


if __name__ == "__main__":
    sys.exit(main())
