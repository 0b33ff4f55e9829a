#!/usr/bin/env python3
"""Many processes, one dataset: a seeded multi-process torture of a PairLens dataset.

    torture.py [--seconds S] [--seed N] [--recorders K] [--bin-dir BUILD] [--workdir DIR] [--keep]

For --seconds, at the same time on one dataset:
  - K recorder processes (examples/recorder.py: 10-row transactions, busy_timeout 5000, BEGIN
    IMMEDIATE, each committed pair_id logged after COMMIT), restarted with a new prefix whenever
    one ends or is killed;
  - a CLI writer loop: `pairlens import` of small JSONL files with unique pair_ids, `pairlens delete
    --id ... --yes` of acknowledged recorder/import pairs, `pairlens restore --id ...` of pairs it
    trashed (never two in-flight operations on the same pair);
  - a CLI reader loop: `pairlens list`, `pairlens stats --json`, `pairlens export -o x-N.jsonl`;
  - pairlens_worker_driver: the window's DatasetWorker doing reviews, notes, edits, deletes, undos
    and purges of the demo pairs (row ids 1..--demo-pairs, which no other process touches);
  - a killer: `kill -9` of a random writer (recorder, import, delete, restore, export, the driver)
    at seeded random times; killed processes are restarted by their loops.
Then every process is stopped, `pairlens list DATASET --limit 1` runs once (recovery of killed
large writes and the derived fields of outside rows), and a fresh process checks:
  - PRAGMA integrity_check is 'ok' (read-only connection), pairs_fts passes its integrity-check;
  - no committed large write is left unapplied (write_ops);
  - every acknowledged write is there exactly once: each recorder pair_id from the logs, each pair
    of an import that exited 0; the driver's acknowledged reviews, notes, edits, deletes, undos and
    purges (the last acknowledged one wins; a write in flight when the driver was killed may or may
    not be there); the pairs of a delete that exited 0 are in the trash unless a restore that
    exited 0 brought them back; a killed delete/restore is all or nothing;
  - query_type (and ts) are filled for every pair after that one `pairlens list`;
  - no export target holds a partial file (absent, or complete JSON lines matching its manifest);
  - no command failed (a non-zero exit that was not a kill, e.g. 'database is locked'), no
    'locked'/'busy' warning on a command's stderr, and no SQLITE_BUSY reached a recorder.
Exit status 0 when every check passed, 1 with a report of each violation otherwise.
Figures printed: recorder pairs/s in total, busy errors reaching recorders, the longest recorder
transaction (max of max_wait_ms), kills by kind, commands run.
"""

import argparse
import collections
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tortureutil as tu  # noqa: E402

RECORDER = os.path.join(tu.REPO, "examples", "recorder.py")

# --- a private recorder (same rules as examples/recorder.py), used when that is missing or with
# --recorder builtin: it also reports the longest wait for the lock (BEGIN IMMEDIATE) and the longest
# COMMIT apart, to tell a writer holding the lock from a slow disk.

FALLBACK_RECORDER = r'''
import argparse, json, random, sqlite3, sys, time
p = argparse.ArgumentParser()
p.add_argument("dataset"); p.add_argument("--count", type=int, required=True)
p.add_argument("--batch", type=int, default=10); p.add_argument("--seed", type=int, default=1)
p.add_argument("--prefix", default="rec"); p.add_argument("--log")
a = p.parse_args()
con = sqlite3.connect("file:" + a.dataset + "?mode=rw", uri=True, isolation_level=None, timeout=5)
con.execute("PRAGMA busy_timeout=5000")
log = open(a.log, "a") if a.log else None
rng = random.Random(a.seed)
st = {"inserted": 0, "busy_retries": 0, "max_wait_ms": 0.0, "max_lock_wait_ms": 0.0, "max_commit_ms": 0.0}
t0 = time.monotonic()
SQL = ["SELECT * FROM orders WHERE id = {n}", "UPDATE users SET seen = 1 WHERE id = {n}",
       "DELETE FROM sessions WHERE id = {n}", "INSERT INTO logs (n) VALUES ({n})"]
for first in range(0, a.count, a.batch):
    rows = [(f"{a.prefix}-{n}", f"Recorder question {n} about orders", rng.choice(SQL).format(n=n),
             "2024-05-01T10:00:00Z", "postgresql", "shop", 1, 12.5, '{"agent":"torture"}')
            for n in range(first, min(first + a.batch, a.count))]
    t = time.monotonic()
    while True:
        try:
            b = time.monotonic()
            con.execute("BEGIN IMMEDIATE")
            st["max_lock_wait_ms"] = max(st["max_lock_wait_ms"], (time.monotonic() - b) * 1000)
            cur = con.executemany("INSERT INTO pairs (pair_id, natural_language_query, sql_query, timestamp,"
                                  " database_type, database_name, success, execution_time_ms, metadata)"
                                  " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(pair_id) DO NOTHING", rows)
            n = cur.rowcount
            c = time.monotonic()
            con.execute("COMMIT")
            st["max_commit_ms"] = max(st["max_commit_ms"], (time.monotonic() - c) * 1000)
            break
        except sqlite3.OperationalError as e:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if "locked" not in str(e) and "busy" not in str(e):
                raise
            st["busy_retries"] += 1
    st["inserted"] += n
    st["max_wait_ms"] = max(st["max_wait_ms"], (time.monotonic() - t) * 1000)
    if log:
        log.write("".join(r[0] + "\n" for r in rows)); log.flush()
dt = time.monotonic() - t0
st = {k: round(v, 1) if isinstance(v, float) else v for k, v in st.items()}
st["pairs_per_s"] = round(st["inserted"] / dt, 1)
print(json.dumps(st))
'''


class Torture:
    def __init__(self, args, pairlens, driver):
        self.args = args
        self.pairlens = pairlens
        self.driver = driver
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.work = args.workdir or tempfile.mkdtemp(prefix="pairlens-torture-")
        os.makedirs(self.work, exist_ok=True)
        self.ds = os.path.join(self.work, "torture.pairlens")
        self.exports = os.path.join(self.work, "exports")
        self.imports = os.path.join(self.work, "imports")
        self.logs = os.path.join(self.work, "logs")
        for d in (self.exports, self.imports, self.logs):
            os.makedirs(d, exist_ok=True)
        self.driver_log = os.path.join(self.logs, "driver.jsonl")
        builtin = args.recorder == "builtin" or not os.path.isfile(RECORDER)
        self.recorder_cmd = [sys.executable, "-c", FALLBACK_RECORDER] if builtin else [sys.executable, RECORDER]
        self.recorder_name = "builtin (torture.py)" if builtin else "examples/recorder.py"
        # Bookkeeping, all under self.lock.
        self.running = {}  # pid -> (kind, Popen)
        self.violations = []
        self.notes = []
        self.kills = collections.Counter()  # kind -> processes that died of SIGKILL
        self.kill_attempts = 0
        self.killed_by_killer = set()  # pids the killer sent SIGKILL (not the ones stopped at the end)
        self.commands = collections.Counter()  # kind -> processes run
        self.recorder_logs = []  # every recorder log file
        self.recorder_results = []  # parsed JSON lines of recorders that ended by themselves
        self.recorder_failures = 0
        self.acked_imports = set()  # pair_ids of imports that exited 0
        self.killed_imports = []  # (pair_ids) of imports killed mid-way
        self.deletable = []  # acknowledged pair_ids, live, not in any in-flight or uncertain op
        self.trashed_groups = []  # lists of pair_ids trashed by a delete that exited 0
        self.cli_state = {}  # pair_id -> 'trashed' | 'live' (what acknowledged CLI writes left)
        self.uncertain = []  # (kind, pair_ids): killed deletes/restores, must be all or nothing
        self.export_results = collections.Counter()
        self.recorder_offsets = {}  # log -> offset already read into self.deletable

    # --- processes

    def spawn(self, kind, cmd, stdout=subprocess.PIPE):
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                             text=True, env=tu.child_env())
        with self.lock:
            self.running[p.pid] = (kind, p)
            self.commands[kind] += 1
        return p

    def reap(self, p, timeout=None):
        """Waits for a process; returns (returncode, stdout, stderr, killed)."""
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            tu.kill9(p)
            out, err = p.communicate()
            self.violation(f"{' '.join(p.args[:3])} hung and was stopped")
        with self.lock:
            kind = self.running.pop(p.pid, ("?", None))[0]
            killed = p.returncode == -signal.SIGKILL
            if killed and p.pid in self.killed_by_killer:
                self.kills[kind] += 1
        return p.returncode, out or "", err or "", killed

    def violation(self, text):
        with self.lock:
            self.violations.append(text)
        print(f"VIOLATION: {text}", file=sys.stderr, flush=True)

    def note(self, text):
        with self.lock:
            self.notes.append(text)

    def check_stderr(self, what, err):
        for line in err.splitlines():
            if re.search(r"locked|busy", line, re.IGNORECASE):
                self.violation(f"{what}: stderr says: {line.strip()[:300]}")
                return

    def cli(self, kind, *args):
        return self.spawn(kind, [self.pairlens, *args])

    # --- setup

    def setup(self):
        tu.run([self.pairlens, "demo", self.ds, "--pairs", str(self.args.demo_pairs), "--seed",
                str(self.args.seed)])
        con = tu.connect_ro(self.ds)
        try:
            n, hi = con.execute("SELECT count(*), max(id) FROM pairs").fetchone()
        finally:
            con.close()
        if n != self.args.demo_pairs or hi != self.args.demo_pairs:
            sys.exit(f"error: the demo dataset has {n} pairs with row ids up to {hi}, "
                     f"expected 1..{self.args.demo_pairs}")

    # --- loops

    def recorder_loop(self, slot):
        rng = random.Random(self.args.seed * 1000 + slot)
        gen = 0
        while not self.stop.is_set():
            prefix = f"r{slot}g{gen}"
            log = os.path.join(self.logs, f"recorder-{prefix}.log")
            with self.lock:
                self.recorder_logs.append(log)
            count = rng.randint(self.args.recorder_count // 2, self.args.recorder_count)
            p = self.spawn("recorder", [*self.recorder_cmd, self.ds, "--count", str(count), "--batch", "10",
                                        "--seed", str(rng.randrange(1 << 30)), "--prefix", prefix,
                                        "--log", log])
            rc, out, err, killed = self.reap(p)
            gen += 1
            if killed:
                continue
            if rc != 0:
                with self.lock:
                    self.recorder_failures += 1
                self.violation(f"recorder {prefix} exited {rc}: {err.strip()[:500]}")
                continue
            try:
                result = json.loads(out.strip().splitlines()[-1])
                with self.lock:
                    self.recorder_results.append(result)
            except (ValueError, IndexError):
                self.violation(f"recorder {prefix} printed no JSON result: {out[:200]!r}")

    def refresh_deletable(self):
        """Adds newly acknowledged recorder pairs to the pool the CLI may delete."""
        with self.lock:
            logs = list(self.recorder_logs)
        fresh = []
        for log in logs:
            lines, off = tu.read_complete_lines(log, self.recorder_offsets.get(log, 0))
            self.recorder_offsets[log] = off
            fresh += [line.strip() for line in lines if line.strip()]
        # A sample is enough: the pool only feeds deletes.
        if len(fresh) > 400:
            fresh = self.rng.sample(fresh, 400)
        self.deletable += fresh

    def cli_writer_loop(self):
        rng = random.Random(self.args.seed * 1000 + 101)
        n = 0
        while not self.stop.is_set():
            n += 1
            self.refresh_deletable()
            roll = rng.random()
            if roll < 0.4 or len(self.deletable) < 5:
                self.do_import(rng, n)
            elif roll < 0.75 or not self.trashed_groups:
                self.do_delete(rng)
            else:
                self.do_restore(rng)
            time.sleep(rng.uniform(0, self.args.cli_pause))

    def do_import(self, rng, n):
        count = rng.randint(20, 200)
        ids = [f"imp{n}-{i}" for i in range(count)]
        path = os.path.join(self.imports, f"imp{n}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i, pid in enumerate(ids):
                f.write(json.dumps({
                    "pair_id": pid,
                    "natural_language_query": f"How many tickets did import {n} row {i} close?",
                    "sql_query": f"SELECT COUNT(*) FROM tickets WHERE batch = {n} AND row = {i}",
                    "timestamp": "2024-03-0%dT12:00:00Z" % (1 + i % 9),
                    "database_type": "postgresql", "database_name": "support",
                    "success": True, "execution_time_ms": 3.5, "metadata": {"import": n}}) + "\n")
        p = self.cli("import", "import", self.ds, path)
        rc, out, err, killed = self.reap(p)
        if killed:
            self.killed_imports.append(ids)
            return
        self.check_stderr("import", err)
        if rc != 0:
            self.violation(f"import {path} exited {rc}: {err.strip()[:500]}")
            self.killed_imports.append(ids)  # unknown state: checked like a killed one
            return
        self.acked_imports.update(ids)
        self.deletable += ids

    def do_delete(self, rng):
        k = min(len(self.deletable), rng.randint(1, 30))
        picks = set(rng.sample(range(len(self.deletable)), k))
        ids = [self.deletable[i] for i in sorted(picks)]
        self.deletable = [x for i, x in enumerate(self.deletable) if i not in picks]
        p = self.cli("delete", "delete", self.ds, "--yes", "--id", *ids)
        rc, out, err, killed = self.reap(p)
        if killed:
            self.uncertain.append(("delete", ids))
            return
        self.check_stderr("delete", err)
        if rc != 0:
            self.violation(f"delete of {len(ids)} ids exited {rc}: {err.strip()[:500]}")
            self.uncertain.append(("failed delete", ids))
            return
        m = re.search(r"Moved (\d+) pairs", out)
        if not m or int(m.group(1)) != len(ids):
            self.violation(f"delete of {len(ids)} live acknowledged pairs reported: {out.strip()[:300]}")
        for x in ids:
            self.cli_state[x] = "trashed"
        self.trashed_groups.append(ids)

    def do_restore(self, rng):
        group = self.trashed_groups.pop(rng.randrange(len(self.trashed_groups)))
        k = rng.randint(1, len(group))
        ids = rng.sample(group, k)
        rest = [x for x in group if x not in set(ids)]
        if rest:
            self.trashed_groups.append(rest)
        p = self.cli("restore", "restore", self.ds, "--id", *ids)
        rc, out, err, killed = self.reap(p)
        if killed:
            self.uncertain.append(("restore", ids))
            return
        self.check_stderr("restore", err)
        if rc != 0:
            self.violation(f"restore of {len(ids)} ids exited {rc}: {err.strip()[:500]}")
            self.uncertain.append(("failed restore", ids))
            return
        m = re.search(r"Restored (\d+) pairs", out)
        if not m or int(m.group(1)) != len(ids):
            self.violation(f"restore of {len(ids)} trashed pairs reported: {out.strip()[:300]}")
        for x in ids:
            self.cli_state[x] = "live"
        self.deletable += ids

    def cli_reader_loop(self):
        rng = random.Random(self.args.seed * 1000 + 202)
        n = 0
        while not self.stop.is_set():
            n += 1
            roll = rng.random()
            if roll < 0.35:
                p = self.cli("list", "list", self.ds, "--limit", "20", "--json")
                rc, out, err, killed = self.reap(p)
                self.check_stderr("list", err)
                if not killed:
                    if rc != 0:
                        self.violation(f"list exited {rc}: {err.strip()[:500]}")
                    else:
                        try:
                            json.loads(out)
                        except ValueError:
                            self.violation(f"list --json printed no JSON: {out[:200]!r}")
            elif roll < 0.65:
                p = self.cli("stats", "stats", self.ds, "--json")
                rc, out, err, killed = self.reap(p)
                self.check_stderr("stats", err)
                if not killed:
                    if rc != 0:
                        self.violation(f"stats exited {rc}: {err.strip()[:500]}")
                    else:
                        try:
                            json.loads(out)
                        except ValueError:
                            self.violation(f"stats --json printed no JSON: {out[:200]!r}")
            else:
                self.do_export(n)
            time.sleep(rng.uniform(0, self.args.cli_pause))

    def do_export(self, n):
        target = os.path.join(self.exports, f"x-{n}.jsonl")
        p = self.cli("export", "export", self.ds, "-o", target, "--json")
        rc, out, err, killed = self.reap(p)
        self.check_stderr("export", err)
        state, why = tu.export_target_state(target)
        self.export_results[(state, "killed" if killed else f"exit {rc}")] += 1
        if state == "partial":
            self.violation(f"export target {target} is partial ({why}; exit {rc}, killed {killed})")
            return
        if not killed:
            if rc != 0:
                self.violation(f"export exited {rc}: {err.strip()[:500]}")
            elif state != "complete":
                self.violation(f"export exited 0 but {target} is {state}")
            else:
                try:
                    count = json.loads(out)["count"]
                    _, lines, _ = tu.jsonl_file_state(target)
                    if lines != count:
                        self.violation(f"export said {count} pairs, {target} has {lines} lines")
                except (ValueError, KeyError):
                    self.violation(f"export --json printed no result: {out[:200]!r}")
        # Checked: drop it (the long run would fill the disk), keep temporaries for the report.
        for path in (target, target + ".manifest.json"):
            if os.path.exists(path):
                os.remove(path)

    def driver_loop(self):
        gen = 0
        while not self.stop.is_set():
            p = self.spawn("driver", [self.driver, self.ds, "--steps", "1000000", "--seed",
                                      str(self.args.seed * 1000 + gen), "--log", self.driver_log,
                                      "--rows", str(self.args.demo_pairs), "--prefix", "demo-",
                                      "--interval-ms", str(self.args.driver_interval_ms)],
                           stdout=subprocess.DEVNULL)
            rc, out, err, killed = self.reap(p)
            gen += 1
            self.check_stderr("worker driver", err)
            if not killed and rc != 0:
                self.violation(f"worker driver exited {rc}: {err.strip()[:500]}")
                time.sleep(0.5)

    def killer_loop(self):
        rng = random.Random(self.args.seed * 1000 + 303)
        weights = {"recorder": 4, "import": 3, "delete": 3, "restore": 2, "export": 2, "driver": 1}
        while not self.stop.wait(rng.expovariate(1.0 / self.args.kill_every)):
            with self.lock:
                victims = [(kind, p) for kind, p in self.running.values() if kind in weights]
            if not victims:
                continue
            # A kind first (weighted), then one of its processes: three recorders running at once
            # must not get three times the kills.
            kinds = sorted({k for k, _ in victims})
            kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
            p = rng.choice([p for k, p in victims if k == kind])
            with self.lock:
                self.kill_attempts += 1
                self.killed_by_killer.add(p.pid)
            tu.kill9(p)

    # --- the run

    def name_of(self, pid):
        """The kind and command of a running process (for the lock monitor)."""
        with self.lock:
            entry = self.running.get(pid)
        if not entry:
            return f"pid {pid} (ended, or the harness)"
        kind, p = entry
        if kind in ("recorder", "driver"):
            return kind
        return " ".join([kind] + [a for a in p.args[2:6] if a.startswith("-")][:2])

    def guarded(self, target, *args):
        """A loop that dies of an exception is a failed run, not a quiet one."""
        def body():
            try:
                target(*args)
            except Exception as e:  # noqa: BLE001 - reported as a violation
                import traceback
                self.violation(f"{target.__name__} stopped: {e!r}\n{traceback.format_exc()}")
        return threading.Thread(target=body, name=target.__name__, daemon=True)

    def run(self):
        self.load_start = os.getloadavg()
        self.setup()
        threads = [self.guarded(self.recorder_loop, k) for k in range(self.args.recorders)]
        if not self.args.recorders_only:
            threads += [self.guarded(f) for f in (self.cli_writer_loop, self.cli_reader_loop, self.driver_loop)]
            threads.append(self.guarded(self.killer_loop))
        self.monitor = None
        if self.args.lock_monitor:
            self.monitor = tu.LockMonitor(self.ds, self.name_of)
            self.monitor.start()
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(self.args.seconds)
        self.stop.set()
        # Stop what runs until told: recorders and the driver (their logs hold what they acknowledged).
        with self.lock:
            endless = [p for kind, p in self.running.values() if kind in ("recorder", "driver")]
        for p in endless:
            tu.kill9(p)
        for t in threads:
            t.join(timeout=300)
            if t.is_alive():
                self.violation(f"{t.name} did not stop within 300 s")
        self.elapsed = time.monotonic() - started
        if self.monitor:
            self.monitor.finish()
        # One writable open: finishes killed large writes, derives the outside rows.
        p = tu.run([self.pairlens, "list", self.ds, "--limit", "1"], check=False)
        if p.returncode != 0:
            self.violation(f"the final 'pairlens list' exited {p.returncode}: {p.stderr.strip()[:500]}")
        self.check_stderr("final list", p.stderr)
        self.verify()

    # --- the checks

    def dump(self):
        """What a fresh process sees: read in a child process (a new connection of a new process)."""
        out = os.path.join(self.work, "final-state.json")
        code = r'''
import json, sqlite3, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[3])
import tortureutil as tu
ds, out = sys.argv[1], sys.argv[2]
res = {"integrity": tu.integrity(ds)}
con = tu.connect_ro(ds)
res["pending_ops"] = tu.pending_write_ops(con)
res["staged_ops"] = tu.staged_write_ops(con)
res["duplicates"] = con.execute("SELECT count(*) FROM (SELECT pair_id FROM pairs GROUP BY pair_id HAVING count(*) > 1)").fetchone()[0]
res["underived"] = [r[0] for r in con.execute("SELECT pair_id FROM pairs WHERE query_type IS NULL OR ts IS NULL LIMIT 20")]
res["underived_count"] = con.execute("SELECT count(*) FROM pairs WHERE query_type IS NULL OR ts IS NULL").fetchone()[0]
res["pairs"] = {r[0]: [r[1], r[2], r[3], r[4], r[5], r[6]] for r in con.execute(
    "SELECT pair_id, deleted, review_status, reviewer_note, natural_language_query, sql_query, query_type FROM pairs")}
con.close()
json.dump(res, open(out, "w"))
'''
        p = tu.run([sys.executable, "-c", code, self.ds, out, os.path.dirname(os.path.abspath(__file__))],
                   check=False)
        if p.returncode != 0:
            self.violation(f"reading the final state failed: {p.stderr.strip()[:1000]}")
            return None
        with open(out) as f:
            return json.load(f)

    def verify(self):
        state = self.dump()
        fts = tu.fts_integrity(self.ds)
        if fts != "ok":
            self.violation(f"full-text index: {fts}")
        if state is None:
            return
        if state["integrity"] != "ok":
            self.violation(f"PRAGMA integrity_check: {state['integrity'][:1000]}")
        if state["pending_ops"]:
            self.violation(f"{state['pending_ops']} committed large writes are still unapplied after "
                           f"'pairlens list' ran")
        if state["duplicates"]:
            self.violation(f"{state['duplicates']} pair_ids occur more than once")
        if state["underived_count"]:
            self.violation(f"{state['underived_count']} pairs have no query_type/ts after 'pairlens list', "
                           f"e.g. {state['underived'][:5]}")
        pairs = state["pairs"]
        STATUS = {"unreviewed": 0, "approved": 1, "rejected": 2}

        # Recorders: every logged pair_id.
        recorder_ids = set()
        for log in self.recorder_logs:
            lines, _ = tu.read_complete_lines(log)
            recorder_ids.update(x.strip() for x in lines if x.strip())
        missing = [x for x in recorder_ids if x not in pairs]
        if missing:
            self.violation(f"{len(missing)} of {len(recorder_ids)} acknowledged recorder pairs are missing, "
                           f"e.g. {sorted(missing)[:5]}")
        self.recorder_pairs = len(recorder_ids)
        # Imports that exited 0.
        missing = [x for x in self.acked_imports if x not in pairs]
        if missing:
            self.violation(f"{len(missing)} of {len(self.acked_imports)} pairs of successful imports are "
                           f"missing, e.g. {sorted(missing)[:5]}")
        for ids in self.killed_imports:
            there = sum(1 for x in ids if x in pairs)
            if 0 < there < len(ids):
                self.note(f"a killed import of {len(ids)} pairs left {there} of them (a whole number of "
                          f"import transactions)")
        # CLI deletes/restores that exited 0, then the killed ones: all or nothing.
        wrong = [(x, want) for x, want in self.cli_state.items()
                 if x in pairs and (pairs[x][0] == 1) != (want == "trashed")]
        gone = [x for x in self.cli_state if x not in pairs]
        if wrong:
            self.violation(f"{len(wrong)} pairs are not in the state their last acknowledged delete/restore "
                           f"left them in, e.g. {wrong[:5]}")
        if gone:
            self.violation(f"{len(gone)} pairs deleted/restored by the CLI have disappeared, e.g. {gone[:5]}")
        for kind, ids in self.uncertain:
            trashed = sum(1 for x in ids if x in pairs and pairs[x][0] == 1)
            if 0 < trashed < len(ids):
                self.violation(f"a {kind} of {len(ids)} pairs was half applied: {trashed} in the trash, "
                               f"{len(ids) - trashed} live ({ids[:5]}...)")
        # The worker driver: replay its log.
        self.verify_driver(pairs, STATUS)

    def verify_driver(self, pairs, STATUS):
        lines, _ = tu.read_complete_lines(self.driver_log)
        events = [json.loads(x) for x in lines if x.strip()]
        # Index the acks/fails of each start: a start is answered by the next ack/fail of its pid.
        answered = set()
        pending = {}
        for i, e in enumerate(events):
            if e["event"] == "start":
                pending[e["pid"]] = i
            elif e["event"] in ("ack", "fail") and e["pid"] in pending:
                answered.add(pending.pop(e["pid"]))
        in_flight = set(pending.values())  # starts of killed drivers that never got an answer
        # pair_id -> field -> the values it may have now (JSON texts; ANY: it may have any value,
        # because a write in flight touched a field whose earlier value the log doesn't know).
        ANY = "<any>"
        initial = {"present": json.dumps(True), "deleted": json.dumps(False)}  # the driver picks live pairs
        acceptable = collections.defaultdict(dict)
        self.driver_acks = collections.Counter()
        self.driver_in_flight = len(in_flight)
        for i, e in enumerate(events):
            if e["event"] == "fail":
                self.violation(f"the worker driver's {e['kind']} of {e['pair_ids']} failed: {e.get('error')}")
            elif e["event"] == "worker_failed":
                self.violation(f"the worker driver reported: {e.get('error')}")
            elif e["event"] == "ack":
                self.driver_acks[e["kind"]] += 1
                if "count_mismatch" in e:
                    self.violation(f"driver {e['kind']} of {len(e['pair_ids'])} pairs changed {e['count']}")
                for pid in e["pair_ids"]:
                    for field, value in e["expect"].items():
                        acceptable[pid][field] = {json.dumps(value)}
            elif e["event"] == "start" and i in in_flight:
                for pid in e["pair_ids"]:
                    for field, value in e["expect"].items():
                        before = acceptable[pid].get(field, {initial.get(field, ANY)})
                        acceptable[pid][field] = before | {json.dumps(value)}
        names = {v: k for k, v in STATUS.items()}
        bad = []
        for pid, fields in acceptable.items():
            row = pairs.get(pid)
            present = json.dumps(row is not None)
            if present not in fields.get("present", {initial["present"]}):
                bad.append((pid, "present", present, fields.get("present", "never purged")))
            if row is None:
                continue
            deleted, status, note, question, sql, qtype = row
            actual = {"deleted": json.dumps(bool(deleted)), "review_status": json.dumps(names.get(status, status)),
                      "reviewer_note": json.dumps(note), "natural_language_query": json.dumps(question),
                      "sql_query": json.dumps(sql), "query_type": json.dumps(qtype)}
            for field, accepted in fields.items():
                if field != "present" and ANY not in accepted and actual[field] not in accepted:
                    bad.append((pid, field, actual[field], accepted))
        if bad:
            self.violation(f"{len(bad)} driver-acknowledged states are wrong, e.g. "
                           + "; ".join(f"{p} {f}={a} expected {sorted(e) if isinstance(e, set) else e}"
                                       for p, f, a, e in bad[:5]))
        self.driver_pairs = len(acceptable)

    def report(self):
        res = self.recorder_results
        total_pairs = getattr(self, "recorder_pairs", 0)
        busy = sum(r.get("busy_retries", 0) for r in res)
        max_wait = max((r.get("max_wait_ms", 0) for r in res), default=0)
        split = ""
        if any("max_lock_wait_ms" in r for r in res):
            split = (f" (longest wait for the lock {max(r['max_lock_wait_ms'] for r in res):.1f} ms, "
                     f"longest COMMIT {max(r['max_commit_ms'] for r in res):.1f} ms)")
        print(f"torture: seed {self.args.seed}, {self.args.seconds:g} s, {self.args.recorders} recorders, "
              f"dataset {self.ds}")
        print(f"  recorder: {total_pairs} pairs acknowledged, {total_pairs / self.elapsed:,.0f} pairs/s in total; "
              f"busy errors reaching recorders {busy} (from {len(res)} finished runs); "
              f"longest transaction {max_wait:.1f} ms{split}; failed runs {self.recorder_failures}; "
              f"recorder {self.recorder_name}")
        print(f"  load average at the start {self.load_start[0]:.2f}, at the end {os.getloadavg()[0]:.2f}")
        print(f"  kills: {sum(self.kills.values())} ({', '.join(f'{k} {v}' for k, v in sorted(self.kills.items()))}); "
              f"kill attempts {self.kill_attempts}")
        print(f"  commands: {', '.join(f'{k} {v}' for k, v in sorted(self.commands.items()))}")
        print(f"  driver: {', '.join(f'{k} {v}' for k, v in sorted(getattr(self, 'driver_acks', {}).items()))} "
              f"acknowledged; {getattr(self, 'driver_in_flight', 0)} writes in flight at a kill; "
              f"{getattr(self, 'driver_pairs', 0)} pairs checked")
        if self.monitor:
            by = self.monitor.longest_by_name()
            worst = self.monitor.longest(3)
            every = self.elapsed * 1000 / max(1, self.monitor.samples)
            print(f"  write lock, sampled from /proc/locks every {every:.1f} ms on average (a hold: consecutive "
                  f"samples with the same holder, so back-to-back transactions of one process count as one): "
                  f"longest by kind: " + ", ".join(f"{k} {v:.0f} ms" for k, v in
                                                       sorted(by.items(), key=lambda kv: -kv[1])[:8]))
            print("    longest holds: " + "; ".join(f"{ms:.0f} ms by {name}" for ms, _, name in worst))
        print(f"  exports: {', '.join(f'{s} ({how}) {n}' for (s, how), n in sorted(self.export_results.items()))}")
        leftovers = [f for f in os.listdir(self.exports)]
        if leftovers:
            print(f"  leftover files in the export folder (temporaries of killed exports): {len(leftovers)}")
        for n in self.notes:
            print(f"  note: {n}")
        if self.monitor:
            by = self.monitor.longest_by_name()
        figures = {"seed": self.args.seed, "seconds": self.args.seconds, "recorders": self.args.recorders,
                   "recorder_pairs": total_pairs, "recorder_pairs_per_s": round(total_pairs / self.elapsed),
                   "busy_errors": busy, "max_wait_ms": max_wait, "kills": sum(self.kills.values()),
                   "violations": len(self.violations)}
        if self.monitor:
            figures["longest_lock_hold_ms"] = {k: round(v) for k, v in by.items() if v >= 50}
        print("FIGURES " + json.dumps(figures))
        if self.violations:
            print(f"FAILED: {len(self.violations)} violations:")
            for v in self.violations:
                print(f"  - {v}")
            print(f"(work folder kept: {self.work})")
            return 1
        print("OK: every check passed")
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--recorders", type=int, default=3)
    tu.add_binary_options(parser)
    parser.add_argument("--workdir", help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder after a passing run")
    parser.add_argument("--demo-pairs", type=int, default=2000, help="the demo pairs the driver works on")
    parser.add_argument("--recorder-count", type=int, default=2000, help="pairs per recorder run (at most)")
    parser.add_argument("--kill-every", type=float, default=1.0, help="mean seconds between kills")
    parser.add_argument("--cli-pause", type=float, default=0.2, help="max pause between CLI commands")
    parser.add_argument("--driver-interval-ms", type=int, default=20)
    parser.add_argument("--recorders-only", action="store_true",
                        help="a baseline: only the recorders (no CLI, no worker driver, no kills)")
    parser.add_argument("--no-lock-monitor", dest="lock_monitor", action="store_false",
                        help="don't sample /proc/locks for the holders of the write lock")
    parser.add_argument("--recorder", choices=("example", "builtin"), default="example",
                        help="examples/recorder.py (default) or the harness's own recorder, which also "
                        "reports lock waits and COMMIT times apart")
    args = parser.parse_args()
    pairlens, driver = tu.find_binaries(args)
    t = Torture(args, pairlens, driver)
    t.pairlens, t.driver = tu.private_copies([pairlens, driver], os.path.join(t.work, "bin"))
    code = 1
    try:
        t.run()
        code = t.report()
    finally:
        if code == 0 and not args.keep and not args.workdir:
            shutil.rmtree(t.work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
