#!/usr/bin/env python3
"""Run the shell steps of one job of a CI definition on this machine, in order.

Reads a GitHub Actions workflow or a GitLab CI file (packaging/ci/*.yml), takes the shell steps of
one job and runs each with `bash --noprofile --norc -euo pipefail` in a working directory, printing
every step before it runs and stopping at the first step that fails (its name and exit code on
stderr). Nothing is skipped silently: steps that are not shell (`uses:` actions) are listed as not
run here, and any construct this runner does not implement (`if:`, `continue-on-error`, matrices,
`extends`, `after_script`, ...) is an error instead of being ignored.

  GitHub:  the `run:` steps of jobs.<JOB>.steps; `env:` of the workflow, the job and the step are
           merged in that order; `${{ ... }}` in env values and run scripts is evaluated for the
           contexts env, vars, inputs, secrets (empty unless given), github.workspace and
           runner.temp with `||` and 'string' literals. GITHUB_ENV and GITHUB_PATH work as on
           GitHub (written by a step, applied to the following ones); `working-directory` too.
  GitLab:  default/global `before_script` (when the job has none) + the job's `before_script` +
           `script`; global `variables:`, then the job's (values may use $VAR / ${VAR} of
           variables defined before them). A script entry is one step; its first line, when it is
           a `# comment`, names it. Each step runs in a fresh bash (on GitLab they share one shell):
           keep entries self-contained.

Precedence of variables: this process's environment < the file's variables < --env K=V.
CI=true is set; GITHUB_WORKSPACE (GitHub) or CI_PROJECT_DIR (GitLab) is the working directory.

Usage:
  run_steps.py --file packaging/ci/github-actions.yml --job export --workdir DIR [--env K=V]...
  run_steps.py --file packaging/ci/gitlab-ci.yml --job export --list [--json]

Exit code: 0 every shell step passed; the failing step's exit code (1 when it was killed by a
signal) when one failed; 2 when the file, the job or the command line is wrong.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import yaml
except ImportError:  # python3-yaml (scripts/install-deps.sh installs it)
    sys.exit("run_steps: needs PyYAML (Debian: apt-get install python3-yaml)")

BASH = ["bash", "--noprofile", "--norc", "-euo", "pipefail"]


class Error(Exception):
    """The file, the job or the command line is wrong (exit 2)."""


# ---------------------------------------------------------------------------------------------
# GitHub expressions: the small part the PairLens workflow uses.

EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
TOKEN = re.compile(r"\s*(?:(\|\|)|'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)+))")


def eval_expression(text, contexts, where):
    """Evaluates `a || b || 'c'` where each operand is a 'literal' or a context.property."""
    pos, values = 0, []
    expect_operand = True
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = TOKEN.match(text, pos)
        if not m:
            raise Error(f"{where}: unsupported expression ${{{{{text}}}}} (only ||, 'strings' and context.names)")
        pos = m.end()
        if m.group(1):
            if expect_operand:
                raise Error(f"{where}: misplaced || in ${{{{{text}}}}}")
            expect_operand = True
            continue
        if not expect_operand:
            raise Error(f"{where}: missing || in ${{{{{text}}}}}")
        expect_operand = False
        if m.group(2) is not None:
            values.append(m.group(2).replace("''", "'"))
        else:
            context, _, name = m.group(3).partition(".")
            if context not in contexts:
                raise Error(f"{where}: unsupported context '{context}' in ${{{{{text}}}}}")
            values.append(str(contexts[context].get(name, "")))
    if expect_operand:
        raise Error(f"{where}: incomplete expression ${{{{{text}}}}}")
    for v in values:  # || gives the first truthy operand, else the last one
        if v:
            return v
    return values[-1]


def substitute(value, contexts, where):
    if not isinstance(value, str):
        return "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
    return EXPR.sub(lambda m: eval_expression(m.group(1), contexts, where), value)


# ---------------------------------------------------------------------------------------------
# Steps

class Step:
    def __init__(self, index, name, script=None, uses=None, env=None, workdir=None, section=None):
        self.index = index        # 1-based, over every step of the job (shell or not)
        self.name = name
        self.script = script      # shell text, or None for a non-shell step
        self.uses = uses          # GitHub action of a non-shell step
        self.env = env or {}      # the file's variables for this step (before --env)
        self.workdir = workdir    # relative to the run's working directory, or None
        self.section = section    # GitLab: before_script / script

    def as_json(self):
        d = {"index": self.index, "name": self.name, "kind": "run" if self.script is not None else "uses"}
        if self.section:
            d["section"] = self.section
        if self.script is not None:
            d["script"] = self.script
        else:
            d["uses"] = self.uses
        return d


def check_keys(mapping, allowed, where):
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise Error(f"{where}: not supported by run_steps.py: {', '.join(unknown)}")


def github_steps(doc, job_name, overrides, workdir, tmp):
    jobs = doc.get("jobs") or {}
    if job_name not in jobs:
        raise Error(f"no job '{job_name}' (jobs: {', '.join(jobs)})")
    job = jobs[job_name]
    check_keys(job, {"name", "runs-on", "container", "env", "defaults", "steps", "timeout-minutes",
                     "permissions", "needs"}, f"jobs.{job_name}")
    contexts = {"env": {}, "vars": {}, "inputs": {}, "secrets": {},
                "github": {"workspace": workdir}, "runner": {"temp": tmp}}

    def merge(env, where):
        for k, v in (env or {}).items():
            contexts["env"][k] = substitute(v, contexts, f"{where}.{k}")
        contexts["env"].update(overrides)

    merge(doc.get("env"), "env")
    merge(job.get("env"), f"jobs.{job_name}.env")
    base_env = dict(contexts["env"])
    defaults = {}
    for d in (doc.get("defaults"), job.get("defaults")):
        defaults.update(((d or {}).get("run")) or {})
    check_keys(defaults, {"shell", "working-directory"}, "defaults.run")

    steps = []
    for i, s in enumerate(job.get("steps") or [], 1):
        where = f"jobs.{job_name}.steps[{i}]"
        if "uses" in s:
            check_keys(s, {"name", "id", "uses", "with", "env", "timeout-minutes"}, where)
            steps.append(Step(i, s.get("name") or s["uses"], uses=s["uses"]))
            continue
        if "run" not in s:
            raise Error(f"{where}: neither run nor uses")
        check_keys(s, {"name", "id", "run", "env", "shell", "working-directory", "timeout-minutes"}, where)
        shell = s.get("shell", defaults.get("shell", "bash"))
        if shell.split()[0] != "bash":
            raise Error(f"{where}: shell '{shell}' is not bash")
        contexts["env"] = dict(base_env)
        merge(s.get("env"), f"{where}.env")
        name = s.get("name") or s["run"].strip().splitlines()[0]
        steps.append(Step(i, name, script=substitute(s["run"], contexts, f"{where}.run"),
                          env=dict(contexts["env"]),
                          workdir=s.get("working-directory", defaults.get("working-directory"))))
    return steps, base_env


VAR_REF = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def gitlab_value(value, known, where):
    if isinstance(value, dict):
        check_keys(value, {"value", "description", "expand", "options"}, where)
        expand = value.get("expand", True)
        value = value.get("value", "")
    else:
        expand = True
    value = "" if value is None else str(value)
    if expand:
        value = VAR_REF.sub(lambda m: known.get(m.group(1) or m.group(2), m.group(0)), value)
    return value


def flatten(items, where):
    out = []
    for item in items or []:
        if isinstance(item, list):
            out.extend(flatten(item, where))
        elif isinstance(item, str):
            out.append(item)
        else:
            raise Error(f"{where}: a script entry is not a string")
    return out


def gitlab_steps(doc, job_name, overrides):
    if job_name not in doc or not isinstance(doc[job_name], dict) or job_name.startswith("."):
        jobs = [k for k, v in doc.items() if isinstance(v, dict) and "script" in v]
        raise Error(f"no job '{job_name}' (jobs: {', '.join(jobs)})")
    if "include" in doc:
        raise Error("include: is not supported by run_steps.py (run it on the included file)")
    job = doc[job_name]
    check_keys(job, {"image", "stage", "needs", "dependencies", "variables", "before_script", "script",
                     "artifacts", "tags", "rules", "only", "except", "timeout", "interruptible", "retry"},
               job_name)
    env = {}
    for where, variables in (("variables", doc.get("variables")), (f"{job_name}.variables", job.get("variables"))):
        for k, v in (variables or {}).items():
            env[k] = gitlab_value(v, env, f"{where}.{k}")
        env.update(overrides)
    default = doc.get("default") or {}
    if "after_script" in job or "after_script" in default or "after_script" in doc:
        raise Error(f"{job_name}: after_script is not supported by run_steps.py")
    if "before_script" in job:
        before = job["before_script"]
    else:
        before = default.get("before_script", doc.get("before_script"))
    steps = []
    for section, entries in (("before_script", before), ("script", job.get("script"))):
        for n, text in enumerate(flatten(entries, f"{job_name}.{section}"), 1):
            first = text.strip().splitlines()[0] if text.strip() else ""
            label = first[1:].strip() if first.startswith("#") else first
            steps.append(Step(len(steps) + 1, f"{section}[{n}] {label}", script=text, env=dict(env),
                              section=section))
    if not any(s.section == "script" for s in steps):
        raise Error(f"{job_name}: no script")
    return steps, env


def load(path, job, overrides, workdir, tmp):
    try:
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        raise Error(f"cannot read {path}: {e}")
    if not isinstance(doc, dict):
        raise Error(f"{path} is not a mapping")
    if "jobs" in doc:
        return "github", *github_steps(doc, job, overrides, workdir, tmp)
    return "gitlab", *gitlab_steps(doc, job, overrides)


# ---------------------------------------------------------------------------------------------
# Running

def read_github_env(path):
    """KEY=VALUE lines and KEY<<DELIMITER ... DELIMITER blocks, as GitHub reads $GITHUB_ENV."""
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            value = []
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            if i == len(lines):
                raise Error(f"GITHUB_ENV: no closing {delim} for {key}")
            i += 1
            out[key] = "\n".join(value)
        elif "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
        else:
            raise Error(f"GITHUB_ENV: cannot read line '{line}'")
    return out


def run(kind, steps, workdir, overrides, tmp):
    shell_steps = [s for s in steps if s.script is not None]
    env = dict(os.environ)
    env["CI"] = "true"
    env["GITHUB_WORKSPACE" if kind == "github" else "CI_PROJECT_DIR"] = workdir
    added_env, added_path = {}, []
    started = time.monotonic()
    for step in steps:
        header = f"==> [{step.index}/{len(steps)}] {step.name}"
        if step.script is None:
            print(f"{header}\n    not a shell step (uses: {step.uses}); not run here", flush=True)
            continue
        print(header, flush=True)
        for line in step.script.rstrip("\n").splitlines():
            print(f"    | {line}", flush=True)
        step_env = dict(env)
        step_env.update(step.env)
        step_env.update(added_env)
        step_env.update(overrides)
        if added_path:
            step_env["PATH"] = os.pathsep.join(added_path + [step_env.get("PATH", "")])
        files = {}
        if kind == "github":
            for var in ("GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
                files[var] = os.path.join(tmp, var.lower())
                open(files[var], "w").close()
                step_env[var] = files[var]
        script = os.path.join(tmp, "step.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(step.script)
        cwd = os.path.join(workdir, step.workdir) if step.workdir else workdir
        t0 = time.monotonic()
        code = subprocess.call(BASH + [script], cwd=cwd, env=step_env)
        took = time.monotonic() - t0
        if code != 0:
            print(f"run_steps: step {step.index} \"{step.name}\" failed with exit code {code} "
                  f"after {took:.1f} s", file=sys.stderr, flush=True)
            return code if code > 0 else 1
        print(f"    ok ({took:.1f} s)", flush=True)
        if kind == "github":
            added_env.update(read_github_env(files["GITHUB_ENV"]))
            with open(files["GITHUB_PATH"], encoding="utf-8") as f:
                added_path = [p for p in f.read().splitlines() if p][::-1] + added_path
    print(f"run_steps: {len(shell_steps)} shell steps passed, {len(steps) - len(shell_steps)} "
          f"non-shell steps not run, in {time.monotonic() - started:.1f} s", flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", required=True, help="GitHub workflow or GitLab CI file")
    ap.add_argument("--job", required=True, help="job name")
    ap.add_argument("--workdir", default=".", help="working directory of the steps (default: here)")
    ap.add_argument("--env", action="append", default=[], metavar="K=V",
                    help="set a variable, overriding the file's (repeatable)")
    ap.add_argument("--list", action="store_true", help="list the steps instead of running them")
    ap.add_argument("--json", action="store_true", help="with --list: one JSON object (steps, variables)")
    args = ap.parse_args()

    overrides = {}
    for item in args.env:
        key, eq, value = item.partition("=")
        if not eq or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            print(f"run_steps: --env takes NAME=VALUE, not '{item}'", file=sys.stderr)
            return 2
        overrides[key] = value
    workdir = os.path.abspath(args.workdir)
    if not os.path.isdir(workdir):
        print(f"run_steps: the working directory {workdir} does not exist", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="run_steps.")
    try:
        kind, steps, variables = load(args.file, args.job, overrides, workdir, tmp)
        if args.list:
            if args.json:
                print(json.dumps({"kind": kind, "job": args.job, "variables": variables,
                                  "steps": [s.as_json() for s in steps]}, indent=1))
            else:
                for s in steps:
                    what = "run " if s.script is not None else "uses"
                    print(f"{s.index:2d}. [{what}] {s.name}")
            return 0
        print(f"run_steps: {args.file}, job {args.job} ({kind}), in {workdir}", flush=True)
        return run(kind, steps, workdir, overrides, tmp)
    except Error as e:
        print(f"run_steps: {e}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
