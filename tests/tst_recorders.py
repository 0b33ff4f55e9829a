#!/usr/bin/env python3
"""tst_recorders: the sample recorders (examples/recorder.py, examples/recorder.cpp) write into a
dataset while the PairLens CLI uses it, lose nothing when killed, and refuse files that are not
datasets. Issue 11, item 5 "Recorders are first-class"; the rules are in docs/dataset-format.md.

    tst_recorders.py --pairlens PATH --recorder-cpp PATH [--recorder-py PATH]

Runs in a temporary folder and prints one line per check and "N passed, M failed" at the end; the
exit code is 1 when a check failed.
"""

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import checklib
from checklib import TIMEOUT, check, read_only, run

HERE = os.path.dirname(os.path.abspath(__file__))
SUMMARY_KEYS = {"inserted", "busy_retries", "max_wait_ms", "pairs_per_s"}
# Pairs each recorder writes while the CLI loops: enough to keep them running for a second or more
# (since format 4 a recorder writes 1,000 pairs in ~50 ms, before one CLI command ends).
DEMO_PAIRS = 200
CONCURRENT = 20000
TOTAL = DEMO_PAIRS + 2 * CONCURRENT


def recorder_cmd(kind, args, dataset, *extra):
    exe = [sys.executable, args.recorder_py] if kind == "py" else [args.recorder_cpp]
    return exe + [dataset] + list(extra)


def summary_of(stdout):
    """The recorder's last output line: its JSON summary."""
    lines = stdout.strip().splitlines()
    try:
        return json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        return None


def pair_ids(db, prefix):
    return [r[0] for r in db.execute("SELECT pair_id FROM pairs WHERE pair_id LIKE ? || '-%'", (prefix,))]


def test_concurrent(args, tmp):
    """Both recorders at once, CONCURRENT pairs each, while `pairlens list` and `stats` run in a loop."""
    ds = os.path.join(tmp, "shared.pairlens")
    r = run([args.pairlens, "demo", ds, "--pairs", str(DEMO_PAIRS)])
    if not check("demo dataset created", r.returncode == 0, r.stderr.strip()):
        return
    r = run([args.pairlens, "stats", ds, "--json"])
    before = json.loads(r.stdout)
    demo_email_pairs = before["pii"]["kinds"]["email"]

    # `pairlens list` and `pairlens stats` each loop in a thread of their own from just before the
    # recorders start until both have finished, so the CLI opens (and derives) the dataset
    # throughout their run.
    recorders_done = threading.Event()
    cli_lock = threading.Lock()
    cli_runs, cli_during, cli_failures, cli_stderr, cli_ms = [0], [0], [], [], []

    # A CLI run counts as "during" when it overlaps the recorders' run: it started before both
    # recorders had finished and ended after they started. (Counting only the runs that ended
    # before the recorders did missed a run that opened, derived and printed all through theirs.)
    recorders_started = [None]

    def cli_loop(cmd):
        while not recorders_done.is_set():
            started = time.monotonic()
            r = run([args.pairlens] + cmd)
            ended = time.monotonic()
            with cli_lock:
                cli_ms.append((ended - started) * 1000)
                cli_runs[0] += 1
                if recorders_started[0] is not None and ended > recorders_started[0]:
                    cli_during[0] += 1
                if r.returncode != 0:
                    cli_failures.append(f"{cmd[0]} exit {r.returncode}: {r.stderr.strip()}")
                elif cmd[0] == "stats":
                    try:
                        json.loads(r.stdout)
                    except json.JSONDecodeError as e:
                        cli_failures.append(f"stats --json printed no JSON: {e}")
                if r.stderr.strip():
                    cli_stderr.append(f"{cmd[0]}: {r.stderr.strip()}")

    cli_threads = [threading.Thread(target=cli_loop, args=(cmd,))
                   for cmd in (["list", ds, "--limit", "5"], ["stats", ds, "--json"])]
    for t in cli_threads:
        t.start()

    logs = {kind: os.path.join(tmp, f"{kind}.log") for kind in ("py", "cpp")}
    procs = {
        kind: subprocess.Popen(
            recorder_cmd(kind, args, ds, "--count", str(CONCURRENT), "--batch", "10", "--prefix", kind,
                         "--log", logs[kind]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for kind in ("py", "cpp")
    }
    with cli_lock:
        recorders_started[0] = time.monotonic()
    outputs = {}
    try:
        for kind, proc in procs.items():
            outputs[kind] = proc.communicate(timeout=TIMEOUT)
    finally:
        recorders_done.set()
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
        for t in cli_threads:
            t.join()
    cli_runs, cli_during = cli_runs[0], cli_during[0]

    for kind, proc in procs.items():
        out, err = outputs[kind]
        s = summary_of(out)
        check(f"{kind} recorder exits 0 next to the CLI", proc.returncode == 0, err.strip())
        check(f"{kind} recorder reports {CONCURRENT} inserted",
              s is not None and set(s) == SUMMARY_KEYS and s["inserted"] == CONCURRENT, out.strip())
        if s:
            print(f"     {kind} recorder: {json.dumps(s)}")
    check("the CLI ran during the recorders", cli_during >= 2, f"{cli_during} of {cli_runs} runs")
    check("every CLI run next to the recorders exits 0", not cli_failures, "; ".join(cli_failures[:3]))
    check("no CLI warnings next to the recorders", not cli_stderr, "; ".join(cli_stderr[:3]))
    if cli_ms:
        median = sorted(cli_ms)[len(cli_ms) // 2]
        print(f"     CLI: {cli_runs} runs ({cli_during} ended before the recorders), "
              f"slowest {max(cli_ms):.0f} ms, median {median:.0f} ms")

    with read_only(ds) as db:
        for kind in ("py", "cpp"):
            present = pair_ids(db, kind)
            expected = {f"{kind}-{n}" for n in range(CONCURRENT)}
            check(f"{kind}: all {CONCURRENT} pairs present once (0 lost)",
                  len(present) == CONCURRENT and set(present) == expected,
                  f"{len(present)} rows, {len(expected - set(present))} missing")
            with open(logs[kind], encoding="utf-8") as f:
                logged = f.read().split()
            check(f"{kind}: the log acknowledges exactly the {CONCURRENT} pairs", sorted(logged) == sorted(expected),
                  f"{len(logged)} lines")
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        check("the dataset is still in WAL mode", mode == "wal", mode)

    r = run([args.pairlens, "stats", ds, "--json"])
    stats = json.loads(r.stdout) if r.returncode == 0 else {}
    check(f"stats: total_pairs is {TOTAL}", stats.get("total_pairs") == TOTAL, str(stats.get("total_pairs")))
    check("stats: every pair analysed", stats.get("pii", {}).get("unscanned_pairs") == 0,
          str(stats.get("pii", {}).get("unscanned_pairs")))

    with read_only(ds) as db:
        underived = db.execute("SELECT count(*) FROM pairs WHERE query_type IS NULL OR ts IS NULL "
                               "OR table_names IS NULL OR question_length IS NULL").fetchone()[0]
        check("PairLens filled the derived fields of the recorder rows", underived == 0, f"{underived} rows")
        courier = {row[0] for row in db.execute(
            "SELECT pair_id FROM pairs WHERE (pair_id LIKE 'py-%' OR pair_id LIKE 'cpp-%') "
            "AND natural_language_query LIKE '%courier%'")}
        email_rows = db.execute(
            "SELECT count(*) FROM pairs WHERE (pair_id LIKE 'py-%' OR pair_id LIKE 'cpp-%') "
            "AND natural_language_query LIKE '%@%'").fetchone()[0]

    r = run([args.pairlens, "list", ds, "--search", "courier", "--json", "--limit", "100000"])
    found = json.loads(r.stdout)["pairs"] if r.returncode == 0 else []
    found_recorded = {p["pair_id"]: p for p in found if p["pair_id"].split("-")[0] in ("py", "cpp")}
    check("list --search courier finds every recorder row about couriers",
          len(courier) > 50 and set(found_recorded) == courier,
          f"{len(found_recorded)} found, {len(courier)} expected; {r.stderr.strip()}")
    check("the found rows carry derived fields",
          all(p.get("query_type") == "SELECT" and "deliveries" in p.get("table_names", [])
              for p in found_recorded.values()))

    r = run([args.pairlens, "scan", ds, "--pii", "email", "--json", "--examples", "0"])
    scan = json.loads(r.stdout) if r.returncode == 0 else {}
    email_pairs = scan.get("kinds", {}).get("email", {}).get("pairs")
    check("scan --pii email finds the recorder rows with e-mail addresses",
          email_rows > 100 and email_pairs == demo_email_pairs + email_rows,
          f"scan: {email_pairs} pairs, expected {demo_email_pairs} demo + {email_rows} recorded; {r.stderr.strip()}")

    # A second run of the other sample with the same ids only skips: the inserts are idempotent.
    r = run(recorder_cmd("cpp", args, ds, "--count", str(CONCURRENT), "--prefix", "py"))
    s = summary_of(r.stdout)
    check("a repeated run inserts nothing", r.returncode == 0 and s and s["inserted"] == 0, r.stdout + r.stderr)
    with read_only(ds) as db:
        check("... and duplicates nothing", db.execute("SELECT count(*) FROM pairs").fetchone()[0] == TOTAL)


def test_same_pairs(args, tmp):
    """Both samples write the same pairs for the same arguments (the timestamps aside)."""
    rows = {}
    for kind in ("py", "cpp"):
        ds = os.path.join(tmp, f"same-{kind}.pairlens")
        run([args.pairlens, "demo", ds, "--pairs", "1"])
        r = run(recorder_cmd(kind, args, ds, "--count", "60", "--seed", "99", "--prefix", "same"))
        with read_only(ds) as db:
            rows[kind] = db.execute(
                "SELECT pair_id, natural_language_query, sql_query, database_type, database_name, success, "
                "execution_time_ms, metadata FROM pairs WHERE pair_id LIKE 'same-%' ORDER BY id").fetchall()
    check("recorder.py and recorder.cpp write the same 60 pairs", len(rows["py"]) == 60 and rows["py"] == rows["cpp"])


def test_refusals(args, tmp):
    """Missing files and SQLite files that are not datasets are refused, and left alone."""
    missing = os.path.join(tmp, "missing.pairlens")
    foreign = os.path.join(tmp, "foreign.sqlite")
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes (body) VALUES ('hello')")
    db.commit()
    db.close()
    text = os.path.join(tmp, "notes.txt")
    with open(text, "w") as f:
        f.write("not a database\n")
    before = {p: open(p, "rb").read() for p in (foreign, text)}
    for kind in ("py", "cpp"):
        for label, path in (("a missing file", missing), ("a non-PairLens SQLite file", foreign),
                            ("a text file", text)):
            r = run(recorder_cmd(kind, args, path, "--count", "5"))
            lines = r.stderr.strip().splitlines()
            check(f"{kind} refuses {label}",
                  r.returncode != 0 and len(lines) == 1 and os.path.basename(path) in lines[0] and not r.stdout,
                  f"exit {r.returncode}, stderr {r.stderr!r}")
    check("the missing file was not created", not os.path.exists(missing))
    check("the refused files are unchanged",
          all(open(p, "rb").read() == data for p, data in before.items())
          and not any(os.path.exists(p + suffix) for p in before for suffix in ("-wal", "-shm", "-journal")))


def test_kill(args, tmp, kind):
    """SIGKILL a recorder after ~0.5 s: every acknowledged pair is there exactly once; a rerun completes."""
    ds = os.path.join(tmp, f"kill-{kind}.pairlens")
    run([args.pairlens, "demo", ds, "--pairs", "20"])
    log = os.path.join(tmp, f"kill-{kind}.log")
    proc = subprocess.Popen(recorder_cmd(kind, args, ds, "--count", "1000000", "--batch", "10", "--prefix", "k",
                                         "--log", log), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill after ~0.5 s, once some pairs are acknowledged (a loaded machine may start Python slowly).
    started = time.monotonic()
    while proc.poll() is None and time.monotonic() - started < 10:
        if time.monotonic() - started >= 0.5 and os.path.exists(log) and os.path.getsize(log) > 100:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=TIMEOUT)
    with open(log, encoding="utf-8") as f:
        logged = f.read().split()
    with read_only(ds) as db:
        counts = dict(db.execute("SELECT pair_id, count(*) FROM pairs WHERE pair_id LIKE 'k-%' GROUP BY pair_id"))
    check(f"{kind} kill: the recorder was killed mid-run", proc.returncode == -signal.SIGKILL and len(logged) >= 10,
          f"exit {proc.returncode}, {len(logged)} acknowledged")
    missing = [p for p in logged if counts.get(p) != 1]
    check(f"{kind} kill: every acknowledged pair is present exactly once ({len(logged)} acknowledged)",
          not missing, f"{len(missing)} missing or duplicated, e.g. {missing[:3]}")
    # At most the one transaction that committed just before the kill can be unacknowledged.
    check(f"{kind} kill: no more than one unacknowledged transaction", 0 <= len(counts) - len(logged) <= 10,
          f"{len(counts)} rows, {len(logged)} acknowledged")
    total = len(counts) + 25
    r = run(recorder_cmd(kind, args, ds, "--count", str(total), "--prefix", "k"))
    s = summary_of(r.stdout)
    with read_only(ds) as db:
        rows = db.execute("SELECT count(*), count(DISTINCT pair_id) FROM pairs WHERE pair_id LIKE 'k-%'").fetchone()
    check(f"{kind} kill: a rerun adds only the missing pairs",
          r.returncode == 0 and s and s["inserted"] == 25 and rows == (total, total), f"{r.stdout} {r.stderr} {rows}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairlens", required=True)
    parser.add_argument("--recorder-cpp", required=True)
    parser.add_argument("--recorder-py", default=os.path.join(HERE, "..", "examples", "recorder.py"))
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tst_recorders-") as tmp:
        for test in (lambda: test_concurrent(args, tmp), lambda: test_same_pairs(args, tmp),
                     lambda: test_refusals(args, tmp), lambda: test_kill(args, tmp, "py"),
                     lambda: test_kill(args, tmp, "cpp")):
            try:
                test()
            except Exception as e:  # a crash in one part is a failure, the others still run
                check("no unexpected error", False, f"{type(e).__name__}: {e}")
    print(f"{checklib.passed} passed, {checklib.failed} failed ({time.monotonic() - started:.1f} s)")
    return 1 if checklib.failed else 0


if __name__ == "__main__":
    sys.exit(main())
