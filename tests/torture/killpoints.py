#!/usr/bin/env python3
"""Crash safety of every write path: kill -9 at seeded random points of each write operation.

    killpoints.py [--points N] [--seed S] [--ops a,b,...] [--pairs P] [--bin-dir BUILD] [--workdir DIR]

For each operation (import of 2000 pairs, delete of ~2000 pairs by --id, delete by a filter,
restore --all, purge of the trash, review of 2000 pairs, edit, privacy settings, export), on a
fresh copy of a prepared dataset (copied while no process has it open):
  1. reference runs: the operation runs to its end --runs times; their median wall time is the
     operation's duration, and the dataset they leave (a digest of every pair's fields, the settings
     and the audit entries per action) is the "all" state; the copy before it is the "none" state;
  2. --points times: start the operation on a fresh copy, SIGKILL it after a seeded random delay
     in [0, duration], then run `pairlens list DS --limit 1` once (it finishes or drops killed
     large writes), then check:
       damaged       that `list` failed, PRAGMA integrity_check isn't 'ok', or pairs_fts fails its
                     integrity-check;
       half-applied  the dataset is neither the "none" nor the "all" state, or a committed large
                     write is still unapplied (write_ops). An import is not all-or-nothing by design
                     (it commits as it reads): an import that left a whole number of the importer's
                     batches (kBatch, read from core/dataset/importer.cpp), or the file's first N
                     pairs each complete (whole transactions of the store, which sizes them to
                     ~40 ms), is counted as "partial import", not half-applied; any other set of
                     pairs, or an imported pair without its derived fields, is half-applied;
       partial export  the export target exists and is not byte-identical to the reference export.
Review, edit and purge have no CLI command: the window's DatasetWorker does them
(pairlens_worker_driver --op ...), exactly as the window would.
Prints a table (operation, points, killed while running, none, all, damaged, half-applied, partial
exports) and exits 1 when any point was damaged, half-applied or left a partial export.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tortureutil as tu  # noqa: E402

OPS = ["import", "delete-ids", "delete-filter", "restore-all", "purge", "review", "edit", "privacy", "export"]


def importer_batch():
    """The importer's transaction size (kBatch in core/dataset/importer.cpp), or None."""
    try:
        with open(os.path.join(tu.REPO, "core", "dataset", "importer.cpp")) as f:
            m = re.search(r"\bkBatch\s*=\s*(\d+)", f.read())
        return int(m.group(1)) if m else None
    except OSError:
        return None


class KillPoints:
    def __init__(self, args, pairlens, driver):
        self.args = args
        self.pairlens = pairlens
        self.driver = driver
        self.rng = random.Random(args.seed)
        self.work = args.workdir or tempfile.mkdtemp(prefix="pairlens-killpoints-")
        os.makedirs(self.work, exist_ok=True)
        self.batch = args.import_batch or importer_batch()
        self.failures = []
        self.rows = []

    # --- preparation

    def prepare(self):
        w = self.work
        self.template = os.path.join(w, "template.pairlens")
        self.template_trash = os.path.join(w, "template-trash.pairlens")
        for path in (self.template, self.template_trash):
            tu.remove_dataset(path)
        tu.run([self.pairlens, "demo", self.template, "--pairs", str(self.args.pairs), "--seed", "7"])
        tu.run([self.pairlens, "list", self.template, "--limit", "1"])
        tu.checkpoint_and_close(self.template)
        con = tu.connect_ro(self.template)
        try:
            ids = [r[0] for r in con.execute("SELECT pair_id FROM pairs WHERE deleted = 0 ORDER BY id")]
            types = con.execute("SELECT database_type, count(*) FROM pairs WHERE deleted = 0 "
                                "GROUP BY database_type ORDER BY 2 DESC, 1").fetchall()
        finally:
            con.close()
        rng = random.Random(self.args.seed)
        n = min(self.args.selection, len(ids) - 1)
        self.delete_ids = rng.sample(ids, n)
        # Database types, largest first, until about `selection` pairs match.
        self.filter_types, matched = [], 0
        for t, c in types:
            if matched >= self.args.selection * 0.75 or len(self.filter_types) == len(types) - 1:
                break
            self.filter_types.append(t)
            matched += c
        self.filter_count = matched
        # The trash template: `selection` pairs in the trash, for restore --all and purge.
        tu.copy_dataset(self.template, self.template_trash)
        self.trash_ids = rng.sample(ids, n)
        tu.run([self.pairlens, "delete", self.template_trash, "--yes", "--id", *self.trash_ids])
        tu.run([self.pairlens, "list", self.template_trash, "--limit", "1"])
        tu.checkpoint_and_close(self.template_trash)
        # The import file: `selection` new pairs.
        self.import_file = os.path.join(w, "import.jsonl")
        self.import_ids = [f"kp-import-{i:05d}" for i in range(self.args.selection)]
        with open(self.import_file, "w", encoding="utf-8") as f:
            for i, pid in enumerate(self.import_ids):
                f.write(json.dumps({
                    "pair_id": pid,
                    "natural_language_query": f"Which invoices of customer {i} are overdue? Mail {i}@example.com",
                    "sql_query": f"SELECT id FROM invoices WHERE customer_id = {i} AND due < CURRENT_DATE",
                    "timestamp": f"2024-02-{1 + i % 28:02d}T08:00:00Z", "database_type": "postgresql",
                    "database_name": "billing", "success": i % 9 != 0, "execution_time_ms": 1.5 + i % 50,
                    "metadata": {"source": "killpoints", "n": i}}) + "\n")

    def command(self, op, ds, point_dir):
        pl, drv = self.pairlens, self.driver
        log = os.path.join(point_dir, "driver.jsonl")
        if op == "import":
            return [pl, "import", ds, self.import_file]
        if op == "delete-ids":
            return [pl, "delete", ds, "--yes", "--id", *self.delete_ids]
        if op == "delete-filter":
            return [pl, "delete", ds, "--yes", "--db-type", ",".join(self.filter_types)]
        if op == "restore-all":
            return [pl, "restore", ds, "--all"]
        if op == "purge":
            return [drv, ds, "--op", "purge", "--log", log]
        if op == "review":
            return [drv, ds, "--op", "review", "--count", str(self.args.selection), "--status", "approved",
                    "--log", log]
        if op == "edit":
            return [drv, ds, "--op", "edit", "--seed", "1", "--log", log]
        if op == "privacy":
            return [pl, "privacy", ds, "--operator", "email=redact", "--operator", "phone=hash",
                    "--operator", "database_name=keep", "--add-pattern", r"order_ref=\b(?:orders|customers)\b",
                    "--pattern-operator", "hash"]
        if op == "export":
            return [pl, "export", ds, "-o", os.path.join(point_dir, "out.jsonl")]
        raise ValueError(op)

    def template_of(self, op):
        return self.template_trash if op in ("restore-all", "purge") else self.template

    # --- one run

    def fresh(self, op, name):
        d = os.path.join(self.work, "points", f"{op}-{name}")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        ds = os.path.join(d, "ds.pairlens")
        tu.copy_dataset(self.template_of(op), ds)
        return d, ds

    def launch(self, op, ds, d, kill_after=None):
        """Runs the operation; with kill_after (s), SIGKILLs it then. Returns (returncode, seconds, stderr)."""
        with open(os.path.join(d, "stderr.txt"), "w") as err:
            start = time.monotonic()
            p = subprocess.Popen(self.command(op, ds, d), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=err, env=tu.child_env())
            if kill_after is None:
                p.wait(timeout=600)
            else:
                try:
                    p.wait(timeout=kill_after)
                except subprocess.TimeoutExpired:
                    tu.kill9(p)
                    p.wait()
            elapsed = time.monotonic() - start
        with open(os.path.join(d, "stderr.txt")) as f:
            return p.returncode, elapsed, f.read()

    def inspect(self, op, ds, d):
        """Recovery, then what the dataset holds: a dict of findings."""
        out = {}
        p = tu.run([self.pairlens, "list", ds, "--limit", "1"], check=False)
        out["recovery"] = "ok" if p.returncode == 0 else f"'pairlens list' exited {p.returncode}: {p.stderr.strip()[:300]}"
        out["integrity"] = tu.integrity(ds)
        out["fts"] = tu.fts_integrity(ds)
        try:
            con = tu.connect_ro(ds)
            try:
                out["pending"] = tu.pending_write_ops(con)
                out["staged"] = tu.staged_write_ops(con)
                if op == "import":
                    q = "SELECT count(*) FROM pairs WHERE pair_id LIKE 'kp-import-%'"
                    out["imported"] = con.execute(q).fetchone()[0]
                    out["imported_underived"] = con.execute(q + " AND query_type IS NULL").fetchone()[0]
                    got = {r[0] for r in con.execute("SELECT pair_id FROM pairs WHERE pair_id LIKE 'kp-import-%'")}
                    # The importer adds the file's records in order, so whole transactions are a prefix.
                    out["import_prefix"] = got == set(self.import_ids[:len(got)])
                elif op in ("delete-ids", "delete-filter", "restore-all", "purge"):
                    out["trash"] = con.execute("SELECT count(*) FROM pairs WHERE deleted = 1").fetchone()[0]
                    out["pairs"] = con.execute("SELECT count(*) FROM pairs").fetchone()[0]
                elif op == "review":
                    out["approved"] = con.execute("SELECT count(*) FROM pairs WHERE review_status = 1").fetchone()[0]
            finally:
                con.close()
            out["parts"] = tu.digest_parts(ds)
            out["digest"] = tu.digest(ds)
        except Exception as e:  # a damaged file: reported, not raised
            out["digest"] = None
            out["read_error"] = str(e)
        if op == "export":
            target = os.path.join(d, "out.jsonl")
            out["export"] = tu.sha256_file(target) if os.path.exists(target) else None
        return out

    # --- per operation

    def run_op(self, op):
        # "none": the template as the recovery run sees it.
        d, ds = self.fresh(op, "none")
        none = self.inspect(op, ds, d)
        shutil.rmtree(d, ignore_errors=True)
        durations, all_states, ref_export = [], [], None
        for r in range(self.args.runs):
            d, ds = self.fresh(op, f"ref{r}")
            rc, secs, err = self.launch(op, ds, d)
            if rc != 0:
                self.failures.append(f"{op}: the reference run exited {rc}: {err.strip()[:500]}")
                print(f"  {op}: reference run failed (exit {rc}): {err.strip()[:300]}", flush=True)
            durations.append(secs)
            state = self.inspect(op, ds, d)
            all_states.append(state)
            if op == "export":
                ref_export = state["export"]
            shutil.rmtree(d, ignore_errors=True)
        digests = {s["digest"] for s in all_states}
        if len(digests) != 1:
            self.failures.append(f"{op}: the {self.args.runs} reference runs left different datasets")
        after = all_states[0]
        duration = statistics.median(durations)
        row = {"op": op, "points": 0, "killed": 0, "none": 0, "all": 0, "damaged": 0, "half": 0,
               "partial_export": 0, "batches": 0, "prefix": 0, "no_audit": 0, "ms": round(duration * 1000), "seen": {}}
        rng = random.Random(f"{self.args.seed}-{op}")
        kept = 0
        for i in range(self.args.points):
            delay = rng.uniform(0, duration)
            d, ds = self.fresh(op, f"p{i:03d}")
            rc, secs, err = self.launch(op, ds, d, kill_after=delay)
            killed = rc == -signal.SIGKILL
            row["points"] += 1
            row["killed"] += killed
            if not killed and rc != 0:
                self.failures.append(f"{op} point {i}: exited {rc} before the kill: {err.strip()[:300]}")
            s = self.inspect(op, ds, d)
            problems = []
            damaged = [f"{k}: {s[k]}" for k in ("recovery", "integrity", "fts") if s[k] != "ok"]
            if s.get("read_error"):
                damaged.append(f"read: {s['read_error']}")
            if damaged:
                row["damaged"] += 1
                problems += damaged
            kind = "none" if s["digest"] == none["digest"] else "all" if s["digest"] == after["digest"] else "half"
            if s.get("pending"):
                problems.append(f"{s['pending']} committed writes still unapplied after recovery")
                kind = "half"
            if kind == "half" and op == "import" and not s.get("pending") and not s.get("imported_underived"):
                n = s.get("imported", -1)
                if self.batch and n % self.batch == 0:
                    kind = "batches"  # a whole number of the importer's batches
                elif s.get("import_prefix"):
                    kind = "prefix"  # the first n records, complete: whole store transactions
            for key in ("imported", "trash", "approved"):
                if key in s:
                    row["seen"].setdefault(key, set()).add(s[key])
            if kind == "half":
                row["half"] += 1
                detail = {k: s[k] for k in ("imported", "trash", "pairs", "approved", "pending", "staged") if k in s}
                parts = s.get("parts") or {}
                like_none = [k for k in parts if parts[k] == none["parts"][k]]
                like_all = [k for k in parts if parts[k] == after["parts"][k]]
                problems.append(f"half-applied: {detail}; as before the operation: {', '.join(like_none) or '-'}; "
                                f"as after it: {', '.join(like_all) or '-'} (none: "
                                f"{ {k: none[k] for k in detail if k in none} }, all: "
                                f"{ {k: after[k] for k in detail if k in after} })")
            elif kind in ("batches", "prefix"):
                row[kind] += 1
                if s.get("imported") == len(self.import_ids):
                    row["no_audit"] += 1  # every pair is there, the import's audit entry is not
            else:
                row[kind] += 1
            if op == "export" and s["export"] is not None and s["export"] != ref_export:
                row["partial_export"] += 1
                problems.append("the export target exists and differs from the complete export")
            if problems:
                self.failures.append(f"{op} point {i} (killed after {delay * 1000:.0f} ms, "
                                     f"{'killed' if killed else f'exited {rc}'}): " + "; ".join(problems))
                if kept < 3:
                    kept += 1
                    continue  # keep the folder for a look
            shutil.rmtree(d, ignore_errors=True)
        row["seen"] = {k: sorted(v) for k, v in row["seen"].items()}
        return row

    def run(self):
        print(f"killpoints: seed {self.args.seed}, {self.args.points} points per operation, template of "
              f"{self.args.pairs} demo pairs, work folder {self.work}", flush=True)
        self.prepare()
        print(f"  delete-ids: {len(self.delete_ids)} ids; delete-filter: --db-type {','.join(self.filter_types)} "
              f"({self.filter_count} pairs); restore-all/purge: {len(self.trash_ids)} pairs in the trash; "
              f"import: {len(self.import_ids)} pairs, importer batch {self.batch}", flush=True)
        for op in self.args.ops:
            row = self.run_op(op)
            self.rows.append(row)
            print(f"  {op}: done ({row['points']} points, {row['ms']} ms per run)", flush=True)

    def report(self):
        head = ["operation", "points", "killed mid-run", "none", "all", "partial import", "damaged",
                "half-applied", "partial exports", "run ms"]
        lines = [head]
        for r in self.rows:
            partial = r["batches"] + r["prefix"] if r["op"] == "import" else "-"
            lines.append([r["op"], r["points"], r["killed"], r["none"], r["all"], partial,
                          r["damaged"], r["half"], r["partial_export"], r["ms"]])
        widths = [max(len(str(l[i])) for l in lines) for i in range(len(head))]
        print()
        print("| " + " | ".join(str(h).ljust(w) for h, w in zip(head, widths)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for l in lines[1:]:
            print("| " + " | ".join(str(c).ljust(w) for c, w in zip(l, widths)) + " |")
        for r in self.rows:
            extra = []
            if r["batches"]:
                extra.append(f"{r['batches']} points left a whole number of the importer's batches "
                             f"({self.batch} pairs)")
            if r["prefix"]:
                extra.append(f"{r['prefix']} points left the file's first pairs, each complete (whole store "
                             f"transactions, not a multiple of the importer's batch of {self.batch})")
            if r["no_audit"]:
                extra.append(f"{r['no_audit']} of them had every pair of the file but no 'import' audit entry")
            if r["seen"]:
                extra.append("values seen after recovery: " +
                             ", ".join(f"{k} {v}" for k, v in r["seen"].items()))
            if extra:
                print(f"  {r['op']}: " + "; ".join(extra))
        print("FIGURES " + json.dumps({r["op"]: {k: r[k] for k in ("points", "killed", "none", "all", "batches", "prefix", "no_audit",
                                                                  "damaged", "half", "partial_export", "ms")}
                                       for r in self.rows}))
        if self.failures:
            print(f"\nFAILED: {len(self.failures)} problems:")
            for f in self.failures:
                print(f"  - {f}")
            print(f"(work folder kept: {self.work})")
            return 1
        print("\nOK: no damaged file, no half-applied operation, no partial export")
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=100, help="kill points per operation (default 100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ops", default=",".join(OPS), help=f"operations (default: {','.join(OPS)})")
    parser.add_argument("--pairs", type=int, default=6000, help="demo pairs in the template (default 6000)")
    parser.add_argument("--selection", type=int, default=2000, help="pairs an operation works on (default 2000)")
    parser.add_argument("--runs", type=int, default=3, help="reference runs per operation (default 3)")
    parser.add_argument("--import-batch", type=int, help="the importer's transaction size "
                        "(default: kBatch of core/dataset/importer.cpp)")
    tu.add_binary_options(parser)
    parser.add_argument("--workdir", help="work folder (default: a new temporary folder)")
    args = parser.parse_args()
    args.ops = [o for o in args.ops.split(",") if o]
    unknown = [o for o in args.ops if o not in OPS]
    if unknown:
        parser.error(f"unknown operations {unknown}; known: {OPS}")
    pairlens, driver = tu.find_binaries(args)
    k = KillPoints(args, pairlens, driver)
    k.pairlens, k.driver = tu.private_copies([pairlens, driver], os.path.join(k.work, "bin"))
    k.run()
    code = k.report()
    if code == 0 and not args.workdir:
        shutil.rmtree(k.work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
