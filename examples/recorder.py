#!/usr/bin/env python3
"""Sample recorder: writes natural-language -> SQL pairs into an existing PairLens dataset.

This is the reference for programs that write into a dataset while PairLens (the window, the
CLI, `pairlens serve`) and other recorders use it; docs/dataset-format.md, "Writing pairs from
another program", explains each rule. Python 3 standard library only.

    recorder.py DATASET --count N [--batch B] [--seed S] [--prefix P] [--log FILE]

Rows get the pair ids <prefix>-0 .. <prefix>-(N-1); their text depends only on --seed and the
number, and examples/recorder.cpp writes the same text, so running either sample again with the
same arguments completes an interrupted run without duplicating a pair. With --log, the pair id
of every committed row is appended to FILE once its transaction has committed. At the end one
line of JSON is printed:
    {"inserted": N, "busy_retries": R, "max_wait_ms": W, "pairs_per_s": X}
inserted counts new rows (pairs already present are skipped), max_wait_ms is the longest time
one transaction took from its first BEGIN IMMEDIATE to its COMMIT, retries included.
"""

import argparse
import datetime
import json
import os
import random
import sqlite3
import sys
import time
import urllib.parse

APPLICATION_ID = 0x504C4E53  # "PLNS": PRAGMA application_id of every PairLens dataset
BUSY_TIMEOUT_MS = 5000  # how long SQLite itself waits for the write lock
MAX_RETRIES = 10  # retries of one transaction after SQLITE_BUSY / SQLITE_LOCKED
BUSY_CODES = (sqlite3.SQLITE_BUSY if hasattr(sqlite3, "SQLITE_BUSY") else 5,
              sqlite3.SQLITE_LOCKED if hasattr(sqlite3, "SQLITE_LOCKED") else 6)

# Only the seed fields; PairLens fills in the derived ones (query_type, table_names, pii_mask,
# ts, lengths) and the full-text index. ON CONFLICT ... DO NOTHING makes a retried transaction
# (or a second run) skip the pairs that are already there.
INSERT = """INSERT INTO pairs (pair_id, natural_language_query, sql_query, timestamp, database_type,
                   database_name, success, execution_time_ms, metadata)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(pair_id) DO NOTHING"""


class RecorderError(Exception):
    pass


# --- the pairs: deterministic text from (seed, number), same generator as recorder.cpp

MASK64 = (1 << 64) - 1


class Rng:
    """splitmix64, seeded from the run seed and the pair number."""

    def __init__(self, seed, n):
        self.state = (seed ^ ((n * 0xD1B54A32D192ED03) & MASK64)) & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def between(self, lo, hi):
        return lo + self.next() % (hi - lo + 1)

    def pick(self, items):
        return items[self.next() % len(items)]


FIRST = ["maria", "jonas", "aiko", "pedro", "fatima", "lena", "omar", "chloe", "ivan", "grace"]
LAST = ["jensen", "okafor", "tanaka", "silva", "haddad", "novak", "berg", "dubois", "petrov", "walsh"]
DOMAINS = ["example.com", "mail.example.org", "example.net"]
CATEGORIES = ["garden", "kitchen", "outdoor", "toys", "office", "audio"]
CITIES = ["Lisbon", "Hamburg", "Osaka", "Toronto", "Lyon", "Krakow", "Austin", "Porto"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MODELS = ["sqlagent-small", "sqlagent-large", "sqlagent-large-ft"]


def email(r):
    return f"{r.pick(FIRST)}.{r.pick(LAST)}{r.between(1, 99)}@{r.pick(DOMAINS)}"


def t_orders(r):
    cid, year = r.between(1000, 99999), r.between(2019, 2024)
    return (f"How many orders did customer {cid} place in {year}?",
            f"SELECT COUNT(*) FROM orders WHERE customer_id = {cid} "
            f"AND ordered_at >= '{year}-01-01' AND ordered_at < '{year + 1}-01-01'",
            "postgresql", "shop_prod")


def t_products(r):
    k, cat = r.between(3, 25), r.pick(CATEGORIES)
    return (f"Show the {k} most expensive products in the {cat} category",
            f"SELECT sku, name, price FROM products WHERE category = '{cat}' ORDER BY price DESC LIMIT {k}",
            "mysql", "catalog")


def t_account(r):
    e = email(r)
    return (f"Find the customer account registered with {e}",
            f"SELECT id, name, created_at FROM accounts WHERE email = '{e}'",
            "postgresql", "shop_prod")


def t_invoice(r):
    inv, e = r.between(100000, 999999), email(r)
    return (f"Resend invoice {inv} to {e}",
            f"UPDATE invoices SET resend_to = '{e}', status = 'pending' WHERE invoice_no = {inv}",
            "postgresql", "billing")


def t_courier(r):
    city, m, year = r.pick(CITIES), r.between(1, 12), r.between(2021, 2024)
    return (f"Which courier delivered the most parcels to {city} in {MONTHS[m - 1]} {year}?",
            f"SELECT c.name, COUNT(*) AS parcels FROM deliveries d JOIN couriers c ON c.id = d.courier_id "
            f"WHERE d.city = '{city}' AND strftime('%Y-%m', d.delivered_at) = '{year}-{m:02d}' "
            f"GROUP BY c.name ORDER BY parcels DESC LIMIT 1",
            "sqlite", "logistics")


def t_employees(r):
    dept, year, m, d = r.between(1, 40), r.between(2015, 2024), r.between(1, 12), r.between(1, 28)
    return (f"List the employees of department {dept} hired after {year}-{m:02d}-{d:02d}",
            f"SELECT first_name, last_name, hire_date FROM employees WHERE department_id = {dept} "
            f"AND hire_date > '{year}-{m:02d}-{d:02d}' ORDER BY hire_date",
            "mysql", "hr")


def t_sessions(r):
    days = r.between(7, 180)
    return (f"Delete the sessions that have been idle for more than {days} days",
            f"DELETE FROM sessions WHERE last_seen < NOW() - INTERVAL '{days} days'",
            "postgresql", "shop_prod")


def t_delivery_time(r):
    city = r.pick(CITIES)
    return (f"Average courier delivery time to {city} per week",
            f"SELECT strftime('%Y-%W', delivered_at) AS week, "
            f"AVG(julianday(delivered_at) - julianday(shipped_at)) * 24 AS hours "
            f"FROM deliveries WHERE city = '{city}' GROUP BY week ORDER BY week",
            "sqlite", "logistics")


def t_voucher(r):
    e, amount = email(r), r.between(5, 100)
    return (f"Give {e} a voucher worth {amount} euros",
            f"INSERT INTO vouchers (customer_id, amount, issued_at) "
            f"SELECT id, {amount}, CURRENT_TIMESTAMP FROM customers WHERE email = '{e}'",
            "postgresql", "billing")


def t_revenue(r):
    cat, year = r.pick(CATEGORIES), r.between(2019, 2024)
    return (f"What was the monthly revenue from {cat} products in {year}?",
            f"SELECT MONTH(o.ordered_at) AS month, SUM(i.quantity * i.unit_price) AS revenue "
            f"FROM orders o JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id "
            f"WHERE p.category = '{cat}' AND YEAR(o.ordered_at) = {year} GROUP BY month ORDER BY month",
            "mysql", "catalog")


TEMPLATES = [t_orders, t_products, t_account, t_invoice, t_courier, t_employees, t_sessions,
             t_delivery_time, t_voucher, t_revenue]


def utc_now_iso():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def make_row(prefix, seed, n):
    r = Rng(seed, n)
    question, sql, db_type, db_name = TEMPLATES[r.next() % len(TEMPLATES)](r)
    success = 0 if r.next() % 12 == 0 else 1
    tenths = r.between(8, 4000)  # 0.8 .. 400 ms, and one in 16 is 50 times slower
    if tenths % 16 == 0:
        tenths *= 50
    exec_ms = None if (not success and tenths % 3 == 0) else tenths / 10.0
    metadata = json.dumps({"agent": "pairlens-recorder-example", "model": r.pick(MODELS),
                           "run": prefix, "seq": n}, separators=(",", ":"), ensure_ascii=False)
    return (f"{prefix}-{n}", question, sql, utc_now_iso(), db_type, db_name, success, exec_ms, metadata)


# --- the dataset

def open_dataset(path):
    """Opens an existing PairLens dataset for writing; never creates a file."""
    # os.path.exists() only calls stat(): no descriptor of the dataset is opened, or closed,
    # outside SQLite (closing one would drop this process's POSIX locks on the file).
    if not os.path.exists(path):
        raise RecorderError(f"{path} does not exist; create the dataset with PairLens first")
    if os.path.isdir(path):
        raise RecorderError(f"{path} is a folder, not a dataset file")
    # mode=rw: read-write, but fail instead of creating the file. isolation_level=None: this
    # program issues BEGIN IMMEDIATE / COMMIT itself.
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as e:
        raise RecorderError(f"cannot open {path}: {e}") from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as e:
        conn.close()
        raise RecorderError(f"{path} is not a PairLens dataset ({e})") from None
    if app_id != APPLICATION_ID:
        conn.close()
        raise RecorderError(f"{path} is not a PairLens dataset (application_id is 0x{app_id & 0xFFFFFFFF:08X}, "
                            f"not 0x{APPLICATION_ID:08X})")
    # The journal mode is left alone: the dataset is in WAL mode and must stay there.
    return conn


def is_busy(e):
    code = getattr(e, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return (code & 0xFF) in BUSY_CODES
    text = str(e)
    return "database is locked" in text or "is locked" in text or "database is busy" in text


def write_batch(conn, rows, stats):
    """One transaction: all rows of the batch or none. Returns the number of new rows."""
    started = time.monotonic()
    for attempt in range(MAX_RETRIES + 1):
        try:
            conn.execute("BEGIN IMMEDIATE")  # takes the write lock now, waiting up to busy_timeout
            cur = conn.executemany(INSERT, rows)
            inserted = cur.rowcount
            conn.execute("COMMIT")
            stats["max_wait_ms"] = max(stats["max_wait_ms"], (time.monotonic() - started) * 1000)
            return inserted
        except sqlite3.OperationalError as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if not is_busy(e):
                raise
            if attempt == MAX_RETRIES:
                raise RecorderError(f"gave up after {MAX_RETRIES} retries: the dataset stayed locked ({e})") from None
            # Someone held the write lock for longer than busy_timeout: back off a little (random,
            # so competing writers don't retry in step) and run the whole transaction again.
            stats["busy_retries"] += 1
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


def main():
    parser = argparse.ArgumentParser(description="Writes sample pairs into an existing PairLens dataset.")
    parser.add_argument("dataset")
    parser.add_argument("--count", type=int, required=True, help="pairs to write")
    parser.add_argument("--batch", type=int, default=10, help="pairs per transaction (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated text (default 1)")
    parser.add_argument("--prefix", default="rec", help="pair ids are PREFIX-0, PREFIX-1, ... (default rec)")
    parser.add_argument("--log", help="append the pair id of every committed pair to this file")
    parser.add_argument("--synchronous", choices=["full", "normal"], default="full",
                        help="PRAGMA synchronous of this connection: full (default) survives a power loss, "
                        "normal a crash of this program, and commits faster")
    args = parser.parse_args()
    if args.count < 0 or args.batch < 1 or args.batch > 1000:
        parser.error("--count must be >= 0 and --batch between 1 and 1000")

    stats = {"inserted": 0, "busy_retries": 0, "max_wait_ms": 0.0}
    try:
        conn = open_dataset(args.dataset)
        conn.execute(f"PRAGMA synchronous = {args.synchronous.upper()}")
        log = open(args.log, "a", encoding="utf-8") if args.log else None
        started = time.monotonic()
        for first in range(0, args.count, args.batch):
            rows = [make_row(args.prefix, args.seed & MASK64, n)
                    for n in range(first, min(first + args.batch, args.count))]
            stats["inserted"] += write_batch(conn, rows, stats)
            if log:  # only after COMMIT returned: these pairs are in the dataset
                log.write("".join(row[0] + "\n" for row in rows))
                log.flush()
        elapsed = time.monotonic() - started
        conn.close()
    except (RecorderError, sqlite3.Error, OSError) as e:
        print(f"recorder: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"inserted": stats["inserted"], "busy_retries": stats["busy_retries"],
                      "max_wait_ms": round(stats["max_wait_ms"], 1),
                      "pairs_per_s": round(stats["inserted"] / elapsed, 1) if elapsed > 0 else 0.0}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
