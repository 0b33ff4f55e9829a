#!/bin/sh
# The long runs of the "many processes, one dataset" tests (issue 11), on demand like every benchmark:
#   bench/torture.sh                  torture: 300 s, seed 1, 4 recorders (tests/torture/torture.py)
#   bench/torture.sh --seconds 600 --seed 7 --recorders 6    (any torture.py option)
#   KILLPOINTS=1 bench/torture.sh     then also kill -9 at 100 seeded points of every write operation
#                                     (tests/torture/killpoints.py; KILLPOINTS_ARGS for its options)
# Seeded: the same seed gives the same sequence of commands, steps and kill times in every loop
# (the interleaving of the processes is up to the scheduler). BUILD_DIR picks the build folder
# (default: build); NO_BUILD=1 skips building pairlens and pairlens_worker_driver first.
# The figures and the commands that reproduce them are in docs/reliability.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
if [ "${NO_BUILD:-0}" != 1 ]; then
    flock /tmp/pairlens-build.lock cmake --build "$build" --target pairlens pairlens_worker_driver
fi
status=0
python3 "$root/tests/torture/torture.py" --bin-dir "$build" --seconds 300 --seed 1 --recorders 4 "$@" || status=$?
if [ "${KILLPOINTS:-0}" = 1 ]; then
    # shellcheck disable=SC2086 # KILLPOINTS_ARGS is a list of options
    python3 "$root/tests/torture/killpoints.py" --bin-dir "$build" --points 100 --seed 1 ${KILLPOINTS_ARGS:-} || status=$?
fi
exit $status
