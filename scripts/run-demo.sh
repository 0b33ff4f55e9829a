#!/usr/bin/env bash
# Installs what is missing, builds PairLens, writes a demo dataset and opens it in the window.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh pairlens # the app alone; scripts/test.sh builds the rest
demo="${PAIRLENS_DEMO:-$HOME/pairlens-demo.pairlens}"
if [ ! -f "$demo" ]; then
    build/app/pairlens demo "$demo" --pairs 20000
fi
exec build/app/pairlens "$demo"
