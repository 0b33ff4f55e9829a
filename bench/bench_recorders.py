#!/usr/bin/env python3
"""Recorder throughput while PairLens works on the same dataset (issue 11, DESIGN.md target:
>= 20,000 pairs/s in 10-row transactions, no SQLITE_BUSY reaching a recorder with a 5 s busy timeout).

Two phases on one dataset of demo pairs, in the same run:
  alone  the recorders insert with nothing else running (the reference);
  busy   the same recorders while the window's worker writes (pairlens_worker_driver: reviews,
         notes, edits, deletes and undos every 20 ms), a reader pages through the table
         (`pairlens list --offset ... --limit 100`) and a pipeline exports (`pairlens export`), all in
         loops. `--background import` instead adds demo pairs to the dataset in a loop
         (`pairlens demo DATASET --pairs 20000 --seed N`: the chunked add path of `pairlens import`
         into an existing dataset and of the server's POST /pairs:batch).
Each phase runs the Python sample (examples/recorder.py) and the C++ sample
(pairlens_recorder_example) as separate recorder processes at the same time. Reported per phase:
pairs/s of all recorders together (rows / wall time of the phase), busy retries and errors that
reached the recorders, and the longest single transaction wait (BEGIN IMMEDIATE to COMMIT).

    python3 bench/bench_recorders.py [--pairs 100000] [--count 20000] [--recorders 2] [--sync full|normal]

Never a timed test: figures go to docs/reliability.md.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "torture"))
import tortureutil as tu  # noqa: E402


def recorder_commands(args, cpp, dataset, phase, sync):
    cmds = []
    for i in range(args.recorders):
        prefix = f"{phase}-{i}"
        common = [dataset, "--count", str(args.count), "--batch", "10", "--seed", str(i + 1), "--prefix", prefix,
                  "--synchronous", sync]
        if (args.kinds == "mixed" and i % 2 == 0) or args.kinds == "python":
            cmd = [sys.executable, os.path.join(REPO, "examples", "recorder.py")] + common
        else:
            cmd = [cpp] + common
        cmds.append(cmd)
    return cmds, tu.child_env()


def run_recorders(cmds, env):
    start = time.monotonic()
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for c in cmds]
    results = []
    for p in procs:
        out, err = p.communicate()
        line = out.strip().splitlines()[-1] if out.strip() else "{}"
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            r = {}
        r["exit"] = p.returncode
        r["stderr"] = err.strip()[-500:]
        results.append(r)
    wall = time.monotonic() - start
    inserted = sum(r.get("inserted", 0) for r in results)
    return {
        "pairs_per_s": round(inserted / wall, 1),
        "inserted": inserted,
        "wall_s": round(wall, 2),
        "busy_retries": sum(r.get("busy_retries", 0) for r in results),
        "failed_recorders": sum(1 for r in results if r["exit"] != 0),
        "max_wait_ms": max((r.get("max_wait_ms", 0) for r in results), default=0),
        "per_recorder": [{k: r.get(k) for k in ("inserted", "pairs_per_s", "max_wait_ms", "busy_retries", "exit")}
                         for r in results],
        "errors": [r["stderr"] for r in results if r["exit"] != 0],
    }


HOLD = re.compile(r"held the write lock for (\d+) ms \((\w+)\)")


def pairlens_env():
    env = tu.child_env()
    env["PAIRLENS_TRACE_LOCK_MS"] = "0"  # every commit reports how long it held the write lock
    return env


class Background:
    """The window's worker, a reader paging the table and an exporter, in loops until stopped."""

    def __init__(self, pairlens, driver, dataset, work, pairs, parts):
        self.stop = threading.Event()
        self.counts = {"list": 0, "export": 0, "list_failed": 0, "export_failed": 0}
        self.holds = []
        self.driver_log = os.path.join(work, "driver.stderr")
        self.threads = []
        self.driver = None
        if "window" in parts:
            self.driver = subprocess.Popen(
                [driver, dataset, "--steps", "1000000", "--seed", "5", "--log", os.path.join(work, "driver.jsonl"),
                 "--rows", str(min(pairs, 5000)), "--prefix", "demo-", "--interval-ms", "20"],
                stdout=subprocess.DEVNULL, stderr=open(self.driver_log, "w"), env=pairlens_env())
        rng = random.Random(9)

        def lister():
            while not self.stop.is_set():
                p = subprocess.run([pairlens, "list", dataset, "--offset", str(rng.randrange(max(1, pairs - 100))),
                                    "--limit", "100", "--json"], capture_output=True, text=True, env=pairlens_env())
                self.counts["list" if p.returncode == 0 else "list_failed"] += 1
                self.holds += [(int(m), w) for m, w in HOLD.findall(p.stderr)]

        def exporter():
            n = 0
            while not self.stop.is_set():
                n += 1
                p = subprocess.run([pairlens, "export", dataset, "-o", os.path.join(work, f"export-{n % 2}.jsonl")],
                                   capture_output=True, text=True, env=pairlens_env())
                self.counts["export" if p.returncode == 0 else "export_failed"] += 1
                self.holds += [(int(m), w) for m, w in HOLD.findall(p.stderr)]

        def importer():
            seed = 100
            while not self.stop.is_set():
                seed += 1
                p = subprocess.run([pairlens, "demo", dataset, "--pairs", "20000", "--seed", str(seed)],
                                   capture_output=True, text=True, env=pairlens_env())
                self.counts["import" if p.returncode == 0 else "import_failed"] += 1
                self.holds += [(int(m), "import-" + w) for m, w in HOLD.findall(p.stderr)]

        self.counts.update({"import": 0, "import_failed": 0})
        for name, fn in (("list", lister), ("export", exporter), ("import", importer)):
            if name not in parts:
                continue
            t = threading.Thread(target=fn, daemon=True)
            t.start()
            self.threads.append(t)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()
        if self.driver:
            self.driver.terminate()
            self.driver.wait()
            with open(self.driver_log) as f:
                self.holds += [(int(m), "window-" + w) for m, w in HOLD.findall(f.read())]
        self.counts["pairlens_commits"] = len(self.holds)
        self.counts["pairlens_longest_hold_ms"] = max((h for h, _ in self.holds), default=0)
        self.counts["pairlens_holds_over_100ms"] = sorted(((h, w) for h, w in self.holds if h > 100), reverse=True)
        return self.counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    tu.add_binary_options(parser)
    parser.add_argument("--recorder-cpp", help="pairlens_recorder_example (default: BUILD/examples/...)")
    parser.add_argument("--pairs", type=int, default=100000, help="demo pairs in the dataset (default 100000)")
    parser.add_argument("--count", type=int, default=20000, help="pairs each recorder inserts (default 20000)")
    parser.add_argument("--recorders", type=int, default=2, help="recorder processes (default 2)")
    parser.add_argument("--sync", choices=["full", "normal"], default="full",
                        help="the recorders' PRAGMA synchronous (default full, the samples' default)")
    parser.add_argument("--kinds", choices=["mixed", "python", "cpp"], default="mixed",
                        help="which sample recorders run: alternately Python and C++ (default), or one kind")
    parser.add_argument("--background", default="window,list,export",
                        help="what works beside the recorders in the busy phase (default window,list,export; "
                             "or import)")
    args = parser.parse_args()
    pairlens, driver = tu.find_binaries(args)
    cpp = args.recorder_cpp or os.path.join(args.bin_dir or os.path.join(REPO, "build"), "examples",
                                            "pairlens_recorder_example")
    with tempfile.TemporaryDirectory(prefix="pairlens-bench-recorders-") as work:
        dataset = os.path.join(work, "bench.pairlens")
        tu.run([pairlens, "demo", dataset, "--pairs", str(args.pairs)], timeout=3600)
        out = {"background_parts": args.background, "pairs_in_dataset": args.pairs, "recorders": args.recorders, "count_each": args.count,
               "batch": 10, "sync": args.sync, "load_average": os.getloadavg()[0]}
        cmds, env = recorder_commands(args, cpp, dataset, "alone", args.sync)
        out["alone"] = run_recorders(cmds, env)
        tu.run([pairlens, "list", dataset, "--limit", "1"])  # analyse the reference rows first
        background = Background(pairlens, driver, dataset, work, args.pairs, args.background.split(","))
        time.sleep(1.0)
        cmds, env = recorder_commands(args, cpp, dataset, "busy", args.sync)
        out["busy"] = run_recorders(cmds, env)
        out["background"] = background.finish()
        out["ratio_busy_to_alone"] = round(out["busy"]["pairs_per_s"] / max(out["alone"]["pairs_per_s"], 1e-9), 3)
        # Every recorder row is there once and PairLens analysed them all.
        con = tu.connect_ro(dataset)
        tu.run([pairlens, "list", dataset, "--limit", "1"])
        rows = con.execute("SELECT count(*), count(query_type) FROM pairs WHERE pair_id LIKE 'alone-%' "
                           "OR pair_id LIKE 'busy-%'").fetchone()
        out["recorder_rows"] = {"present": rows[0], "analysed": rows[1],
                                "expected": 2 * args.recorders * args.count}
        con.close()
    print(json.dumps(out, indent=2))
    ok = (out["recorder_rows"]["present"] == out["recorder_rows"]["expected"]
          and out["alone"]["failed_recorders"] == 0 and out["busy"]["failed_recorders"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
