#!/usr/bin/env bash
# Regenerates the window screenshots in docs/screenshots/ from a fresh demo dataset, on a virtual
# X server. Usage: scripts/screenshots.sh [BUILD_DIR]   (default: build-ui)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-ui}"
cmake --build "$build" -j2 --target pairlens_screenshots
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/docs/screenshots"
xvfb-run -a -s '-screen 0 1600x1000x24' \
    "$build/tests/pairlens_screenshots" "$work/demo.pairlens" "$root/docs/screenshots" # creates the demo
