#!/usr/bin/env bash
# Regenerates the window screenshots in docs/screenshots/ (English) and docs/screenshots/de/
# (German) from a fresh demo dataset, on a virtual X server.
# Usage: scripts/screenshots.sh [BUILD_DIR]   (default: build-ui)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-ui}"
cmake --build "$build" -j2 --target pairlens_screenshots
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
shoot() { # LOCALE OUTDIR
    mkdir -p "$2"
    rm -f "$work/demo.pairlens" "$work/demo.pairlens-wal" "$work/demo.pairlens-shm"
    env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LC_NUMERIC -u LC_TIME LANG="$1" xvfb-run -a -s '-screen 0 1600x1000x24' \
        "$build/tests/pairlens_screenshots" "$work/demo.pairlens" "$2" # creates the demo
}
shoot C.UTF-8 "$root/docs/screenshots"
shoot de_DE.UTF-8 "$root/docs/screenshots/de"
