#!/usr/bin/env bash
# Configures (once) and builds the release preset into build/: everything, or the targets given.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="$(cd .. && pwd)/shared/data"
if [ ! -f build/build.ninja ]; then
    cmake --preset release -DPAIRLENS_SHARED_DATA="$shared" >/dev/null
fi
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build -j "$(nproc)" "${targets[@]}"
