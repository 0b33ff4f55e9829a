#!/usr/bin/env python3
"""The reference for the import benchmark (issue 17): a plain loader with Python's standard sqlite3
module. It reads a JSON Lines file of pairs and inserts the seed fields with executemany() in
transactions of 5,000 rows into a table with no secondary index, no analysis and no full-text index.

Usage: reference_loader.py FILE.jsonl DB   (DB is replaced); prints "N pairs in S s: R pairs/s".
"""
import json
import os
import sqlite3
import sys
import time

COLUMNS = ("pair_id", "natural_language_query", "sql_query", "timestamp", "database_type",
           "database_name", "success", "execution_time_ms", "metadata")


def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            yield (r.get("pair_id"), r.get("natural_language_query", ""), r.get("sql_query", ""),
                   r.get("timestamp"), r.get("database_type", ""), r.get("database_name", ""),
                   1 if r.get("success", True) else 0, r.get("execution_time_ms"),
                   json.dumps(r.get("metadata", {})))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: reference_loader.py FILE.jsonl DB")
    source, db = sys.argv[1], sys.argv[2]
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    start = time.monotonic()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE pairs (id INTEGER PRIMARY KEY, pair_id TEXT UNIQUE, natural_language_query TEXT, "
                 "sql_query TEXT, timestamp TEXT, database_type TEXT, database_name TEXT, success INTEGER, "
                 "execution_time_ms REAL, metadata TEXT)")
    insert = "INSERT INTO pairs (%s) VALUES (%s)" % (", ".join(COLUMNS), ", ".join("?" * len(COLUMNS)))
    batch, total = [], 0
    for row in rows(source):
        batch.append(row)
        if len(batch) == 5000:
            conn.execute("BEGIN")
            conn.executemany(insert, batch)
            conn.execute("COMMIT")
            total += len(batch)
            batch = []
    if batch:
        conn.execute("BEGIN")
        conn.executemany(insert, batch)
        conn.execute("COMMIT")
        total += len(batch)
    conn.close()
    seconds = time.monotonic() - start
    print("%d pairs in %.2f s: %.0f pairs/s" % (total, seconds, total / seconds))


if __name__ == "__main__":
    main()
