#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, checks formatting and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/check-format.sh
QT_QPA_PLATFORM=offscreen ctest --test-dir build --output-on-failure --no-tests=error -j 2
