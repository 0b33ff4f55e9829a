"""What the Python test drivers (tst_recorders.py, tst_server.py) share: one line per check with
the counts for the summary, commands run with a hang detector, and a read-only look into a dataset.
"""

import contextlib
import os
import sqlite3
import subprocess
import sys
import urllib.parse

TIMEOUT = 240  # seconds: only a hang detector (a few seconds on a quiet machine; minutes at load 9)
passed = 0
failed = 0


def check(name, ok, detail=""):
    """Prints PASS or FAIL for one check and counts it; returns ok."""
    global passed, failed
    if ok:
        passed += 1
        print(f"PASS {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))
    sys.stdout.flush()
    return ok


def run(cmd, timeout=TIMEOUT):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def pg_fixture():
    """The owner's and the read-only role's URLs of the pg_cluster fixture (scripts/pg-cluster.sh,
    in PAIRLENS_PG_DIR), after a check that it started; None when it did not."""
    pgdir = os.environ.get("PAIRLENS_PG_DIR", "")
    if not check("fixture: PAIRLENS_PG_DIR names a started cluster", os.path.isfile(os.path.join(pgdir, "url")),
                 pgdir):
        return None
    with open(os.path.join(pgdir, "url")) as owner, open(os.path.join(pgdir, "url-readonly")) as ro:
        return owner.read().strip(), ro.read().strip()


def psql(psql_bin, url, sql, timeout=60):
    """One statement through psql (unaligned, tuples only, stop on error), failing fast on a dead server."""
    sep = "&" if "?" in url else "?"
    return run([psql_bin, url + sep + "connect_timeout=5", "-X", "-v", "ON_ERROR_STOP=1", "-q", "-tA", "-c", sql],
               timeout=timeout)


@contextlib.contextmanager
def read_only(path):
    """A read-only connection: the only way these tests look into a dataset besides PairLens."""
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        yield db
    finally:
        db.close()
