"""Helpers shared by torture.py and killpoints.py (Python 3 standard library only).

Rules these helpers follow, from DESIGN.md "Many processes, one dataset": a dataset file, its -wal
or its -shm is only ever opened by SQLite; a dataset is copied only while no process has it open
(and after a checkpoint that leaves no -wal behind).
"""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def find_binaries(args):
    """Returns (pairlens, worker_driver) from --pairlens/--driver or --bin-dir (the build folder)."""
    bin_dir = args.bin_dir or os.path.join(REPO, "build")

    def pick(explicit, candidates, what):
        if explicit:
            path = explicit
        else:
            path = next((c for c in candidates if os.path.isfile(c)), candidates[0])
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            sys.exit(f"error: {what} not found at {path} (build it, or give --bin-dir / --{what})")
        return os.path.abspath(path)

    pairlens = pick(args.pairlens, [os.path.join(bin_dir, "app", "pairlens"),
                                    os.path.join(bin_dir, "pairlens")], "pairlens")
    driver = pick(args.driver, [os.path.join(bin_dir, "tests", "pairlens_worker_driver"),
                                os.path.join(bin_dir, "pairlens_worker_driver")], "driver")
    return pairlens, driver


def private_copies(paths, folder):
    """Copies the binaries into the work folder, so a rebuild during a long run (the build folder is
    shared) can't replace them under the harness."""
    os.makedirs(folder, exist_ok=True)
    out = []
    for path in paths:
        dst = os.path.join(folder, os.path.basename(path))
        shutil.copy2(path, dst)
        out.append(dst)
    return out


def add_binary_options(parser):
    parser.add_argument("--bin-dir", help="build folder holding app/pairlens and "
                        "tests/pairlens_worker_driver (default: REPO/build)")
    parser.add_argument("--pairlens", help="the pairlens binary (overrides --bin-dir)")
    parser.add_argument("--driver", help="the pairlens_worker_driver binary (overrides --bin-dir)")


def child_env():
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    env["LC_ALL"] = "C.UTF-8"
    return env


def run(cmd, check=True, timeout=600, stdin=subprocess.DEVNULL):
    """Runs a command to its end; returns CompletedProcess (text)."""
    p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=child_env(), timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {p.returncode}: {p.stderr.strip()[:2000]}")
    return p


def sqlite_uri(path, mode="ro"):
    return "file:" + os.path.abspath(path).replace("?", "%3f").replace("#", "%23") + f"?mode={mode}"


def connect_ro(path):
    con = sqlite3.connect(sqlite_uri(path, "ro"), uri=True, timeout=30)
    con.execute("PRAGMA busy_timeout=30000")
    return con


def integrity(path):
    """PRAGMA integrity_check through a read-only connection: 'ok' or the problems found."""
    try:
        con = connect_ro(path)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()
        return "\n".join(r[0] for r in rows)
    except sqlite3.Error as e:
        return f"cannot check: {e}"


def fts_integrity(path):
    """FTS5's own consistency check of pairs_fts against the pairs table ('ok' or the error).

    It is an INSERT of a command, so it needs a writable connection: only call it while no other
    process uses the dataset."""
    try:
        con = sqlite3.connect(sqlite_uri(path, "rw"), uri=True, timeout=30, isolation_level=None)
        try:
            has = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'pairs_fts'").fetchone()
            if has:
                con.execute("INSERT INTO pairs_fts(pairs_fts) VALUES('integrity-check')")
        finally:
            con.close()
        return "ok"
    except sqlite3.Error as e:
        return f"pairs_fts: {e}"


def checkpoint_and_close(path):
    """Folds the WAL into the file so it can be copied while nothing has it open."""
    con = sqlite3.connect(sqlite_uri(path, "rw"), uri=True, timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def copy_dataset(src, dst):
    """Copies a dataset that no process has open (the caller guarantees it)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    if os.path.exists(src + "-wal") and os.path.getsize(src + "-wal") > 0:
        raise RuntimeError(f"{src} has a non-empty WAL; checkpoint it before copying")
    shutil.copyfile(src, dst)


def remove_dataset(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def table_exists(con, name):
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def pending_write_ops(con):
    """Committed large writes that are not applied yet (0 when the table doesn't exist)."""
    if not table_exists(con, "write_ops"):
        return 0
    cols = [r[1] for r in con.execute("PRAGMA table_info(write_ops)")]
    if "state" in cols:
        return con.execute("SELECT count(*) FROM write_ops WHERE state <> 'staging'").fetchone()[0]
    return con.execute("SELECT count(*) FROM write_ops").fetchone()[0]


def staged_write_ops(con):
    if not table_exists(con, "write_ops"):
        return 0
    return con.execute("SELECT count(*) FROM write_ops").fetchone()[0]


def digest_parts(path):
    """Hashes of what a user sees of a dataset, by part: "pairs" (every pair's seed, derived and
    curation fields, not the deletion time), "settings" and "audit" (the number of audit entries of
    each action)."""
    con = connect_ro(path)
    try:
        parts = {}
        for name, sql in (
                ("pairs", "SELECT pair_id, natural_language_query, sql_query, query_type, table_names, pii_mask, "
                          "review_status, reviewer_note, deleted, delete_batch FROM pairs ORDER BY pair_id"),
                ("settings", "SELECT key, value FROM settings ORDER BY key"),
                ("audit", "SELECT action, count(*) FROM audit_log GROUP BY action ORDER BY action")):
            h = hashlib.sha256()
            for row in con.execute(sql):
                h.update(repr(row).encode())
            parts[name] = h.hexdigest()
        return parts
    finally:
        con.close()


def digest(path):
    """One hash of digest_parts()."""
    parts = digest_parts(path)
    return hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()


def read_complete_lines(path, offset=0):
    """The complete ('\\n'-terminated) lines of a file from `offset`; returns (lines, new_offset).
    A last line without its newline (a process killed while writing it) is left for later."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n")
    if end < 0:
        return [], offset
    chunk = data[:end + 1]
    return chunk.decode("utf-8", "replace").splitlines(), offset + len(chunk)


def kill9(proc):
    """SIGKILL a Popen that may have ended meanwhile (send_signal skips a reaped process)."""
    try:
        proc.send_signal(signal.SIGKILL)
    except ProcessLookupError:
        pass


def jsonl_file_state(path):
    """(ok, lines, message): whether `path` holds complete JSON lines (each parses as an object,
    the file ends with a newline)."""
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        return True, 0, "empty"
    if not data.endswith(b"\n"):
        return False, data.count(b"\n"), "does not end with a newline"
    n = 0
    for i, line in enumerate(data.split(b"\n")[:-1]):
        try:
            obj = json.loads(line)
        except ValueError as e:
            return False, n, f"line {i + 1} is not JSON ({e})"
        if not isinstance(obj, dict):
            return False, n, f"line {i + 1} is not an object"
        n += 1
    return True, n, "complete"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export_target_state(path):
    """Classifies an export target after its process ended: ('absent'|'complete'|'partial', why).

    Complete: valid JSON lines, and when the manifest beside it exists, the target has exactly the
    manifest's pairs and SHA-256 (the target is renamed into place before the manifest, so a target
    without a manifest can be complete)."""
    if not os.path.exists(path):
        return "absent", ""
    ok, lines, why = jsonl_file_state(path)
    if not ok:
        return "partial", why
    manifest = path + ".manifest.json"
    if os.path.exists(manifest):
        try:
            with open(manifest) as f:
                m = json.load(f)
            files = [x for x in m.get("files", []) if x.get("name") == os.path.basename(path)]
            if files:
                if files[0].get("pairs") != lines:
                    return "partial", f"{lines} lines, manifest says {files[0].get('pairs')}"
                if files[0].get("sha256") != sha256_file(path):
                    return "partial", "SHA-256 differs from the manifest's"
        except (OSError, ValueError) as e:
            return "partial", f"manifest unreadable: {e}"
    return "complete", f"{lines} pairs"


def now():
    return time.monotonic()


class LockMonitor:
    """Samples /proc/locks for who holds the dataset's write lock, and for how long.

    In WAL mode SQLite's write lock is a POSIX lock on byte 120 of the -shm file (WAL_WRITE_LOCK;
    121 is the checkpoint lock). Sampling every `interval` s gives each hold's length to within
    about two intervals. `name_of(pid)` names the process (e.g. its kind); it is called while the
    process may still be looked up."""

    WRITE_BYTE = 120

    def __init__(self, dataset, name_of, interval=0.002):
        import threading
        self.shm = dataset + "-shm"
        self.name_of = name_of
        self.interval = interval
        self.stop = threading.Event()
        self.holds = []  # (ms, pid, name) of every finished hold
        self.samples = 0
        self.thread = threading.Thread(target=self.loop, name="lock-monitor", daemon=True)

    def start(self):
        self.thread.start()

    def finish(self):
        self.stop.set()
        self.thread.join()

    def holder(self):
        try:
            st = os.stat(self.shm)
        except FileNotFoundError:
            return None
        key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
        with open("/proc/locks") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 8 or parts[1] == "->" or parts[3] != "WRITE":
                    continue
                if parts[5] == key and parts[6] == str(self.WRITE_BYTE):
                    return int(parts[4])
        return None

    def loop(self):
        current, since, name = None, 0.0, ""
        while not self.stop.is_set():
            t = time.monotonic()
            try:
                pid = self.holder()
            except OSError:
                pid = None
            self.samples += 1
            if pid != current:
                if current is not None:
                    self.holds.append(((t - since) * 1000, current, name))
                current, since = pid, t
                name = self.name_of(pid) if pid is not None else ""
            time.sleep(self.interval)
        if current is not None:
            self.holds.append(((time.monotonic() - since) * 1000, current, name))

    def longest(self, n=5):
        return sorted(self.holds, reverse=True)[:n]

    def longest_by_name(self):
        out = {}
        for ms, pid, name in self.holds:
            out[name] = max(out.get(name, 0.0), ms)
        return out
