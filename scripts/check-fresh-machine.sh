#!/usr/bin/env bash
# Proves the README on a bare Debian 12 machine. In a minimal root made by debootstrap (nothing
# but Debian's "minbase"), from a clean clone of this repository, it runs exactly the README's two
# commands as root:
#   1. scripts/run-demo.sh - must install what is missing, build, and open the window on the demo
#      dataset (on an Xvfb display of the host; a screenshot is taken);
#   2. scripts/test.sh     - must pass, with no test skipped.
# Then, in a second fresh root, the DEB that step 2 built is installed with `apt-get install
# ./pairlens_*.deb` (dependencies from Debian) and `pairlens --version`, `pairlens demo` and
# `pairlens export` run from it, followed by every shell step of packaging/ci/gitlab-ci.yml.
#
# Needs root (debootstrap, chroot, mounts in a private mount namespace) and Debian's mirror. The
# minbase root is cached as a tarball and downloaded .debs are kept between runs on one machine:
#   PAIRLENS_FRESH_CACHE  (default /var/cache/pairlens-fresh)
#   PAIRLENS_FRESH_DIR    (default /var/tmp/pairlens-fresh; roots, logs and the screenshot)
#   PAIRLENS_MIRROR       (default http://deb.debian.org/debian)
# Usage: scripts/check-fresh-machine.sh [--keep] [--deb-only DEB]
#   --keep      leaves the roots for inspection
#   --deb-only  skips the README root and checks only the given DEB in a fresh root
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
cache=${PAIRLENS_FRESH_CACHE:-/var/cache/pairlens-fresh}
work=${PAIRLENS_FRESH_DIR:-/var/tmp/pairlens-fresh}
mirror=${PAIRLENS_MIRROR:-http://deb.debian.org/debian}
keep=0
deb_only=
while [ $# -gt 0 ]; do
    case "$1" in
    --keep) keep=1 ;;
    --deb-only) deb_only=$(realpath "$2"); shift ;;
    *) echo "check-fresh-machine: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

[ "$(id -u)" -eq 0 ] || { echo "check-fresh-machine: needs root (debootstrap, chroot and mounts)." >&2; exit 2; }
for tool in debootstrap unshare Xvfb xdotool import git; do
    command -v "$tool" >/dev/null || { echo "check-fresh-machine: $tool is missing (scripts/install-deps.sh installs it)." >&2; exit 2; }
done

mkdir -p "$cache/apt-archives" "$work"
rm -rf "$work/demo-root" "$work/deb-root" "$work/logs"
mkdir -p "$work/logs"
log="$work/logs"
summary="$log/summary.txt"
: >"$summary"
step_start=0
say() { echo "check-fresh-machine: $*" | tee -a "$summary"; }
begin() { step_start=$(date +%s); say "$1 ..."; }
done_step() { say "$1: $(($(date +%s) - step_start)) s"; }

# --- a minimal Debian 12 root (cached as a tarball; made once per machine)
tarball="$cache/bookworm-minbase.tar.gz"
if [ ! -f "$tarball" ]; then
    begin "debootstrap --variant=minbase bookworm"
    rm -rf "$work/bootstrap"
    debootstrap --variant=minbase bookworm "$work/bootstrap" "$mirror" >"$log/debootstrap.log" 2>&1 ||
        { tail -20 "$log/debootstrap.log" >&2; say "debootstrap failed (log: $log/debootstrap.log)"; exit 1; }
    tar -C "$work/bootstrap" -czf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$work/bootstrap"
    done_step "debootstrap"
fi

make_root() { # DIR: a fresh root from the tarball, with Debian 12's usual sources and DNS
    local dir=$1
    mkdir -p "$dir"
    tar -C "$dir" -xzf "$tarball"
    cat >"$dir/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
    cp -L /etc/resolv.conf "$dir/etc/resolv.conf"
    # No package may start a daemon in the root (postgresql-15 would start its "main" cluster on
    # 5432 and keep the root's mounts busy): policy-rc.d exiting 101 is Debian's way to say so.
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
    chmod 755 "$dir/usr/sbin/policy-rc.d"
    # A real machine has a hostname and a user's home; HOME is /root here.
    mkdir -p "$dir/root"
}

# Runs a command as root inside DIR, in a private mount namespace so that every mount disappears
# with it, whatever happens. Downloaded .debs go to the shared cache.
in_root() { # DIR COMMAND
    local dir=$1
    shift
    unshare --mount --propagation private -- bash -c '
        set -e
        dir=$1; cache=$2; shift 2
        # On a real machine "/" is a mount point (mount namespaces and disk-space queries rely on
        # it), so the root is bound onto itself before the chroot.
        mount --bind "$dir" "$dir"
        mount -t proc proc "$dir/proc"
        mount -t sysfs sys "$dir/sys"
        mount --rbind /dev "$dir/dev"
        mkdir -p "$dir/tmp/.X11-unix"
        mount --bind /tmp/.X11-unix "$dir/tmp/.X11-unix"
        mount --bind "$cache" "$dir/var/cache/apt/archives"
        exec chroot "$dir" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            DISPLAY="${DISPLAY_FOR_ROOT:-}" DEBIAN_FRONTEND=noninteractive bash -c "$*"
    ' in_root "$dir" "$cache/apt-archives" "$*"
}

# --- root 1: the README's two commands
root="$work/demo-root"
if [ -z "$deb_only" ]; then
make_root "$root"
git clone -q "$repo" "$root/root/pairlens"
say "clean clone of $(git -C "$repo" rev-parse --short HEAD) copied into a minbase root"

# The display is the host's (nothing is installed in the root for it).
display=:$((90 + RANDOM % 9))
mkdir -p /tmp/.X11-unix
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >"$log/xvfb.log" 2>&1 &
xvfb=$!
demo_pid=
kill_root_processes() { # DIR [SIGNAL]: every process whose root directory is DIR
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$1" ] && kill "-${2:-KILL}" "${p#/proc/}" 2>/dev/null
    done
    return 0
}
cleanup() {
    [ -n "$demo_pid" ] && kill "$demo_pid" 2>/dev/null || true
    kill_root_processes "$root"
    kill_root_processes "$work/deb-root"
    kill "$xvfb" 2>/dev/null || true
    if [ "$keep" -eq 0 ]; then rm -rf "$work/demo-root" "$work/deb-root"; fi
}
trap cleanup EXIT

begin "README command 1: scripts/run-demo.sh"
DISPLAY_FOR_ROOT=$display in_root "$root" "cd /root/pairlens && scripts/run-demo.sh" >"$log/run-demo.log" 2>&1 &
demo_pid=$!
window=
while kill -0 "$demo_pid" 2>/dev/null; do
    window=$(DISPLAY=$display xdotool search --onlyvisible --name 'pairlens-demo\.pairlens' 2>/dev/null | head -n 1 || true)
    [ -n "$window" ] && break
    sleep 5
done
if [ -z "$window" ]; then
    tail -30 "$log/run-demo.log" >&2
    say "FAILED: scripts/run-demo.sh ended without opening the window (log: $log/run-demo.log)"
    exit 1
fi
done_step "window up on the demo dataset"
sleep 5 # let the table and charts fill
title=$(DISPLAY=$display xdotool getwindowname "$window")
import -display "$display" -window root "$work/fresh-demo.png"
say "window title: $title; screenshot: $work/fresh-demo.png"
kill_root_processes "$root" TERM # the window quits as on logout
for _ in $(seq 1 20); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$demo_pid" 2>/dev/null && say "the window did not quit on SIGTERM; killed"
kill_root_processes "$root"
wait "$demo_pid" 2>/dev/null || true
demo_pid=
pairs=$(in_root "$root" "/root/pairlens/build/app/pairlens stats /root/pairlens-demo.pairlens --json" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total_pairs"])')
[ "$pairs" = 20000 ] || { say "FAILED: the demo dataset holds $pairs pairs, not 20000"; exit 1; }

begin "README command 2: scripts/test.sh"
if ! in_root "$root" "cd /root/pairlens && scripts/test.sh" >"$log/test.log" 2>&1; then
    # The failing checks and QtTest lines first: the log is overwritten by the next run.
    grep -E '^(FAIL[ !]|   Loc: |QWARN|.*\*\*\*(Failed|Timeout|Exception))' "$log/test.log" | head -60 >&2 || true
    tail -40 "$log/test.log" >&2
    say "FAILED: scripts/test.sh (log: $log/test.log)"
    exit 1
fi
done_step "scripts/test.sh passed"
grep -E '^[0-9]+% tests passed' "$log/test.log" | tee -a "$summary"
lasttest="$root/root/pairlens/build/Testing/Temporary/LastTest.log"
if grep -Eq 'Totals: .*, [1-9][0-9]* skipped' "$lasttest" || grep -q '^SKIP ' "$lasttest"; then
    grep -E '^SKIP |Totals: .*, [1-9][0-9]* skipped' "$lasttest" >&2
    say "FAILED: tests were skipped on the fresh machine"
    exit 1
fi
say "no test skipped"

deb=$(ls "$root"/root/pairlens/build/pairlens_*.deb | head -n 1)
[ -f "$deb" ] || { say "FAILED: scripts/test.sh built no DEB"; exit 1; }
else
    deb=$deb_only
    display=
    xvfb=
    demo_pid=
    cleanup() { if [ "$keep" -eq 0 ]; then rm -rf "$work/deb-root"; fi; }
    trap cleanup EXIT
fi

# --- root 2: the package alone
droot="$work/deb-root"
make_root "$droot"
cp "$deb" "$droot/root/"
debname=$(basename "$deb")
begin "apt-get install ./$debname in a second fresh root"
if ! in_root "$droot" "cd /root && apt-get update -qq && apt-get install -y -qq ./$debname" >"$log/deb-install.log" 2>&1; then
    tail -30 "$log/deb-install.log" >&2
    say "FAILED: apt-get install ./$debname (log: $log/deb-install.log)"
    exit 1
fi
done_step "package installed"
in_root "$droot" "set -e; cd /root
    pairlens --version
    pairlens demo shop.pairlens --pairs 500
    pairlens export shop.pairlens -o shop.jsonl
    test \$(wc -l < shop.jsonl) = 500
    pairlens export shop.pairlens -o chat.jsonl --format openai-chat --split 0.9
    test -s chat.train.jsonl
    test -f shop.jsonl.manifest.json
    test -f /usr/share/man/man1/pairlens.1.gz
    test -f /usr/share/bash-completion/completions/pairlens
    test -f /usr/share/applications/pairlens.desktop
    test -f /usr/share/metainfo/io.pairlens.PairLens.metainfo.xml" >"$log/deb-run.log" 2>&1 ||
    { cat "$log/deb-run.log" >&2; say "FAILED: the installed package does not run (log: $log/deb-run.log)"; exit 1; }
say "installed pairlens: $(head -n 1 "$log/deb-run.log"); demo and export ran"

begin "every shell step of packaging/ci/gitlab-ci.yml in the package's root"
mkdir -p "$droot/root/ci"
cp -r "$repo/packaging" "$repo/tests" "$droot/root/ci/"
if ! in_root "$droot" "set -e; apt-get install -y -qq --no-install-recommends python3 python3-yaml >/dev/null
    cd /root/ci && cp ../$debname . && pairlens demo data.pairlens --pairs 300 >/dev/null
    python3 tests/pipelines/run_steps.py --file packaging/ci/gitlab-ci.yml --job export \
        --workdir /root/ci --env PAIRLENS_DEB=$debname --env DATASET=data.pairlens" >"$log/gitlab.log" 2>&1; then
    tail -30 "$log/gitlab.log" >&2
    say "FAILED: the GitLab CI steps (log: $log/gitlab.log)"
    exit 1
fi
done_step "GitLab CI steps passed"
say "all checks passed; logs in $log"
