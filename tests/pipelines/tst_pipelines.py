#!/usr/bin/env python3
"""The CI definitions of packaging/ci/ (issue 12), on this machine.

1. Both files parse into the expected steps, in order (run_steps.py --list), define the same
   variables with the same defaults, and their scan, export and verify steps are the same shell.
2. Every shell step of the GitHub workflow's `export` job runs, in order, in a temporary folder with
   a temporary HOME: scripts/install-deps.sh and the from-source build run for real on this
   repository (PAIRLENS_SRC points at it; its build/ is up to date, so they change nothing) and
   install PairLens into $HOME/.local; the scan, export and manifest check then run the installed
   binary on a demo dataset. The exported files are checked here independently of the pipeline.
3. With the dataset's e-mail operator set to keep (`pairlens privacy --operator email=keep`), the
   same job fails at the scan step with exit code 4 and says which kind would leak; nothing is
   exported.

The GitLab job installs the .deb as root in a fresh Debian; scripts/check-fresh-machine.sh runs it.

The build step builds in this repository's build/, which others build in too: the test holds
/tmp/pairlens-build.lock (PAIRLENS_BUILD_LOCK) while a pipeline runs, as every build here must.

Usage: tst_pipelines.py --pairlens BUILD/app/pairlens --source-dir REPO
"""

import argparse
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

GITHUB_STEPS = [
    ("uses", "Check out the dataset repository"),
    ("uses", "Check out PairLens"),
    ("run", "Install the build dependencies"),
    ("run", "Build and install PairLens"),
    ("run", "Scan for personal data"),
    ("run", "Export anonymized"),
    ("run", "Verify the files against the manifest"),
    ("uses", "Keep the exported files"),
]
GITLAB_STEPS = [
    ("before_script", "before_script[1] Install PairLens from its package"),
    ("script", "script[1] Scan for personal data"),
    ("script", "script[2] Export anonymized"),
    ("script", "script[3] Verify the files against the manifest"),
]
SHARED_STEPS = ["Scan for personal data", "Export anonymized", "Verify the files against the manifest"]
SHARED_VARIABLES = {"DATASET": "data/pairs.pairlens", "FILTER": "", "OUT_DIR": "out",
                    "EXPORT_FILE": "train.jsonl", "FORMAT": "openai-chat", "SPLIT": "0.9",
                    "LC_ALL": "C.UTF-8"}
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)
    return condition


class Lock:
    """The build lock of this tree (flock(2), like flock(1)), waited for up to `timeout` s."""

    def __init__(self, path, timeout=600):
        self.path, self.timeout = path, timeout

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        start = time.monotonic()
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                if time.monotonic() - start > self.timeout:
                    sys.exit(f"tst_pipelines: {self.path} still held by another build after {self.timeout} s")
                time.sleep(0.5)
        self.waited = time.monotonic() - start
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def run(cmd, env, cwd=None):
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)


def list_steps(runner, ci_file, text=False):
    cmd = [sys.executable, runner, "--file", ci_file, "--job", "export", "--list"]
    r = subprocess.run(cmd if text else cmd + ["--json"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"tst_pipelines: {' '.join(cmd)} failed:\n{r.stderr}")
    return r.stdout if text else json.loads(r.stdout)


def body(script):
    """A step's shell without its leading `# name` comment (GitLab names its entries that way)."""
    lines = script.strip("\n").splitlines()
    while lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)
    return "\n".join(lines)


def check_definitions(runner, github, gitlab):
    gh, gl = list_steps(runner, github), list_steps(runner, gitlab)
    check([(s["kind"], s["name"]) for s in gh["steps"]] == GITHUB_STEPS,
          f"GitHub steps, in order: {[(s['kind'], s['name']) for s in gh['steps']]}")
    check([(s.get("section"), s["name"]) for s in gl["steps"]] == GITLAB_STEPS,
          f"GitLab steps, in order: {[(s.get('section'), s['name']) for s in gl['steps']]}")
    check(all(s["kind"] == "run" for s in gl["steps"]), "every GitLab step is shell")
    text = list_steps(runner, gitlab, text=True).splitlines()
    check(len(text) == 4 and text[0].startswith(" 1. [run ] before_script[1]")
          and text[3].startswith(" 4. [run ] script[3] Verify"), f"GitLab --list: {text}")
    for name, value in SHARED_VARIABLES.items():
        check(gh["variables"].get(name) == value, f"GitHub {name} = {gh['variables'].get(name)!r}")
        check(gl["variables"].get(name) == value, f"GitLab {name} = {gl['variables'].get(name)!r}")
    check(set(gh["variables"]) - set(SHARED_VARIABLES) == {"PAIRLENS_SRC", "PAIRLENS_REPOSITORY", "PAIRLENS_REF"},
          f"GitHub's own variables: {sorted(set(gh['variables']) - set(SHARED_VARIABLES))}")
    check(set(gl["variables"]) - set(SHARED_VARIABLES) == {"PAIRLENS_DEB"},
          f"GitLab's own variables: {sorted(set(gl['variables']) - set(SHARED_VARIABLES))}")
    gh_scripts = {s["name"]: s.get("script") for s in gh["steps"]}
    for s in gl["steps"]:
        name = s["name"].split("] ", 1)[1]
        if name in SHARED_STEPS:
            check(body(s["script"]) == body(gh_scripts[name]),
                  f"'{name}' is the same shell in both files")
    return gh


def run_pipeline(runner, github, work, source, env, lock):
    cmd = [sys.executable, runner, "--file", github, "--job", "export", "--workdir", work,
           "--env", f"PAIRLENS_SRC={source}"]
    with Lock(lock) as held:
        t0 = time.monotonic()
        r = run(cmd, env)
        took = time.monotonic() - t0
    print(f"--- pipeline (waited {held.waited:.1f} s for the build lock, ran {took:.1f} s): exit {r.returncode}")
    print(r.stdout, end="")
    print(r.stderr, end="", file=sys.stderr, flush=True)
    return r, took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairlens", required=True, help="the built pairlens (makes the demo dataset)")
    ap.add_argument("--source-dir", required=True, help="this repository")
    ap.add_argument("--keep", action="store_true", help="leave the temporary folder")
    args = ap.parse_args()
    source = os.path.abspath(args.source_dir)
    runner = os.path.join(source, "tests/pipelines/run_steps.py")
    github = os.path.join(source, "packaging/ci/github-actions.yml")
    gitlab = os.path.join(source, "packaging/ci/gitlab-ci.yml")
    lock = os.environ.get("PAIRLENS_BUILD_LOCK", "/tmp/pairlens-build.lock")
    started = time.monotonic()

    check_definitions(runner, github, gitlab)

    tmp = tempfile.mkdtemp(prefix="tst_pipelines.")
    home, work = os.path.join(tmp, "home"), os.path.join(tmp, "work")
    os.makedirs(home)
    os.makedirs(os.path.join(work, "data"))
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("XDG_") or k in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
            del env[k]
    env["HOME"] = home
    # No other pairlens on PATH: the scan and export steps must find the one the build step installed.
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if p and not os.access(os.path.join(p, "pairlens"), os.X_OK))
    dataset = os.path.join(work, "data/pairs.pairlens")  # the workflow's default DATASET
    r = run([args.pairlens, "demo", dataset, "--pairs", "2000", "--seed", "12"], env)
    if r.returncode != 0:
        sys.exit(f"tst_pipelines: pairlens demo failed: {r.stderr}")

    # --- every shell step, in order
    r, took_ok = run_pipeline(runner, github, work, source, env, lock)
    check(r.returncode == 0, "the pipeline passes on the demo dataset")
    headers = re.findall(r"^==> \[(\d+)/8\] (.*)$", r.stdout, re.M)
    check([name for _, name in headers] == [name for _, name in GITHUB_STEPS], f"every step in order: {headers}")
    check(r.stdout.count("\n    ok (") == 5, "five shell steps ran and passed")
    check("run_steps: 5 shell steps passed, 3 non-shell steps not run" in r.stdout, "the runner's summary")
    installed = os.path.join(home, ".local/bin/pairlens")
    check(os.access(installed, os.X_OK), f"PairLens installed from source into {installed}")
    check(re.search(r"^pairlens \d+\.\d+\.\d+$", r.stdout, re.M) is not None, "the installed binary ran")

    # The exported files, checked here without the pipeline's own check.
    out = os.path.join(work, "out")
    manifest = {}
    try:
        with open(os.path.join(out, "train.jsonl.manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        check(False, f"the manifest: {e}")
    check(manifest.get("options", {}).get("anonymized") is True
          and manifest.get("anonymization", {}).get("enabled") is True, "the manifest says anonymized")
    check(manifest.get("format") == "openai-chat" and manifest.get("options", {}).get("split") == 0.9
          and manifest.get("options", {}).get("dedupe") is True, "format, split and dedupe as in the workflow")
    files = manifest.get("files", [])
    check(sorted(f["role"] for f in files) == ["train", "val"], f"a train and a val file: {files}")
    originals = set()
    r2 = run([args.pairlens, "list", dataset, "--limit", "100000", "--json"], env)
    for pair in json.loads(r2.stdout)["pairs"]:
        text = " ".join([pair["natural_language_query"], pair["sql_query"], json.dumps(pair.get("metadata"))])
        originals.update(a for a in EMAIL.findall(text) if not a.endswith(("@example.com", "@example.org")))
    check(len(originals) > 50, f"the demo dataset has e-mail addresses ({len(originals)})")
    lines = 0
    for f in files:
        path = os.path.join(out, f["name"])
        with open(path, "rb") as fh:
            data = fh.read()
        check(hashlib.sha256(data).hexdigest() == f["sha256"], f"{f['name']}: SHA-256 as in the manifest")
        check(len(data) == f["bytes"], f"{f['name']}: size as in the manifest")
        check(data.count(b"\n") == f["pairs"], f"{f['name']}: one line per pair")
        lines += data.count(b"\n")
        leaked = [a for a in originals if a.encode() in data]
        check(not leaked, f"{f['name']}: no original e-mail address ({leaked[:3]})")
    check(lines == manifest.get("pair_count") and lines > 500, f"{lines} pairs exported")
    check(os.path.isfile(os.path.join(out, "SHA256SUMS")), "the pipeline's checksum list")

    # --- e-mail kept as it is: the job stops at the scan, with exit code 4
    r = run([args.pairlens, "privacy", dataset, "--operator", "email=keep"], env)
    check(r.returncode == 0, f"pairlens privacy --operator email=keep: {r.stderr}")
    scan = json.loads(run([args.pairlens, "scan", dataset, "--json", "--examples", "0"], env).stdout)
    email_pairs = scan["kinds"]["email"]["pairs"]
    check(scan["kinds"]["email"]["operator"] == "keep" and email_pairs > 0, "e-mail is kept and found")
    shutil.rmtree(out, ignore_errors=True)  # absent when the first run failed
    r, took_fail = run_pipeline(runner, github, work, source, env, lock)
    check(r.returncode == 4, f"the pipeline fails with the scan's exit code 4 (got {r.returncode})")
    check('run_steps: step 5 "Scan for personal data" failed with exit code 4' in r.stderr,
          "the runner names the failing step")
    sentence = (f"pairlens scan: {email_pairs} pairs hold email values that an export would keep "
                f"un-anonymized (operator keep).")
    check(sentence in r.stderr.splitlines(), f"the scan says what would leak: {sentence}")
    check("==> [6/8]" not in r.stdout and not os.path.exists(out), "nothing was exported")
    check(r.stdout.count("\n    ok (") == 2, "install-deps and the build ran before the scan")

    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"tst_pipelines: passing run {took_ok:.1f} s, failing run {took_fail:.1f} s, "
          f"total {time.monotonic() - started:.1f} s")
    if failures:
        print(f"tst_pipelines: {len(failures)} checks failed", file=sys.stderr)
        return 1
    print("tst_pipelines: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
