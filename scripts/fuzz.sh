#!/usr/bin/env bash
# Fuzzes PairLens with libFuzzer under ASan and UBSan (docs/reliability.md, "Fuzzing"):
# installs clang if missing (install-deps.sh --fuzz), configures and builds build-fuzz/ (only the
# fuzz targets and the core library), writes the generated seeds into build-fuzz/corpus/<target>/
# and runs each target for N seconds over that corpus, fuzz/seeds/<target>/ and
# fuzz/regressions/<target>/. A crash, leak, timeout or out-of-memory input is copied into
# fuzz/regressions/<target>/ (commit it: the ordinary suite replays it from then on) and the script
# fails with the command that reproduces it.
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [TARGET...]
#     --seconds N  run time of each target (default 30; a long run: --seconds 3600)
#     --jobs J     targets run at the same time (default 1)
#     TARGET       some of: import_jsonl import_json import_csv sql_tokenizer sql_analyzer
#                  pii_detectors custom_patterns anonymizer (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

all_targets=(import_jsonl import_json import_csv sql_tokenizer sql_analyzer pii_detectors custom_patterns anonymizer)
seconds=30
jobs=1
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *)
        if [[ " ${all_targets[*]} " != *" $1 "* ]]; then
            echo "fuzz.sh: unknown target $1 (targets: ${all_targets[*]})" >&2
            exit 2
        fi
        targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# Per target: the longest input libFuzzer makes, and the dictionaries it gets.
max_len() {
    case "$1" in
    import_*) echo 65536 ;;
    *) echo 16384 ;;
    esac
}
dicts() {
    case "$1" in
    import_jsonl | import_json) echo json ;;
    import_csv) echo csv ;;
    sql_tokenizer | sql_analyzer) echo sql ;;
    pii_detectors) echo pii ;;
    custom_patterns) echo "regex pii" ;;
    anonymizer) echo "sql pii" ;;
    esac
}

start=$(date +%s)
scripts/install-deps.sh --fuzz
build=build-fuzz
if [ ! -f $build/build.ninja ]; then
    cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
        -DPAIRLENS_FUZZ=ON -DPAIRLENS_BUILD_TESTS=OFF -DPAIRLENS_BUILD_BENCH=OFF >/dev/null
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
# One build at a time on this machine (other builds share the cores).
flock /tmp/pairlens-build.lock cmake --build $build -j "$(nproc)" "${build_targets[@]}"
built=$(date +%s)
echo "fuzz.sh: built in $((built - start)) s"

shared="$(cd .. && pwd)/shared/data"
python3 fuzz/make-seeds.py --out $build/corpus --shared "$shared"

symbolizer=$(command -v llvm-symbolizer-14 || echo /usr/lib/llvm-14/bin/llvm-symbolizer)
export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:symbolize=1}
export QT_LOGGING_RULES="*.debug=false;*.warning=false"
export LC_ALL=C.UTF-8

mkdir -p $build/logs
run_target() {
    local t=$1
    local artifacts=$build/artifacts/$t
    rm -rf "$artifacts"
    mkdir -p "$artifacts" $build/corpus/"$t" $build/dicts
    local dict=$build/dicts/$t.dict
    : >"$dict"
    for d in $(dicts "$t"); do cat fuzz/dicts/"$d".dict >>"$dict"; done
    local corpora=($build/corpus/"$t" fuzz/seeds/"$t")
    [ -d fuzz/regressions/"$t" ] && corpora+=(fuzz/regressions/"$t")
    # -timeout: one input may take 10 s at most (bounded work is a promise of the code under test).
    timeout --kill-after=30 $((seconds * 2 + 300)) \
        $build/fuzz/fuzz_"$t" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=10 \
        -rss_limit_mb=4096 -print_final_stats=1 -dict="$dict" -artifact_prefix="$artifacts/" \
        "${corpora[@]}" >$build/logs/"$t".log 2>&1
}

status=0
pids=()
names=()
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
    echo "fuzz.sh: $t for $seconds s"
    run_target "$t" &
    pids+=($!)
    names+=("$t")
done
codes=()
for i in "${!pids[@]}"; do
    code=0
    wait "${pids[$i]}" || code=$?
    codes+=("$code")
done

printf '\n%-16s %10s %12s %8s %8s %s\n' target "exec/s" executions cov ft result
for i in "${!names[@]}"; do
    t=${names[$i]}
    log=$build/logs/$t.log
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    found=()
    for f in "$build/artifacts/$t"/*; do
        [ -f "$f" ] && found+=("$f")
    done
    result=ok
    if [ ${#found[@]} -gt 0 ] || [ "${codes[$i]}" != 0 ]; then
        result="FAILED (exit ${codes[$i]})"
        status=1
    fi
    printf '%-16s %10s %12s %8s %8s %s\n' "$t" "${rate:--}" "${execs:--}" "${cov:--}" "${ft:--}" "$result"
    for f in "${found[@]}"; do
        mkdir -p fuzz/regressions/"$t"
        cp "$f" fuzz/regressions/"$t"/
        copy=fuzz/regressions/$t/$(basename "$f")
        echo "  found $copy; reproduce: $build/fuzz/fuzz_$t $copy"
        echo "  (the ordinary build: build/fuzz/fuzz_replay_$t $copy)"
    done
    if [ "$result" != ok ]; then
        echo "  log: $build/logs/$t.log; its end:"
        grep -v '^#[0-9]' "$log" | tail -25 | sed 's/^/    /'
    fi
done
echo "fuzz.sh: ${#targets[@]} targets, $seconds s each, $jobs at a time; $(($(date +%s) - start)) s in all (build $((built - start)) s)"
[ $status -eq 0 ] || echo "fuzz.sh: FAILED; commit the inputs above with a fix (docs/reliability.md, \"Fuzzing\")" >&2
exit $status
