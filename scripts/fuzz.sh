#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz and runs them.
#   scripts/fuzz.sh TARGET SECONDS    one target, e.g. scripts/fuzz.sh multipart 600
#   scripts/fuzz.sh all SECONDS       every target in turn, SECONDS each
# Seeds come from fuzz/corpus/TARGET; inputs libFuzzer finds go to build-fuzz/fuzz-corpus/TARGET (not the repo).
# A crash, leak or sanitizer report stops that target, leaves the input in build-fuzz/fuzz-artifacts/TARGET/
# and makes the script exit non-zero; copy the input to fuzz/regressions/TARGET/ once it is fixed, so ctest's
# fuzz_replay_TARGET keeps checking it. One line per target reports executions and executions per second.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${MAESTRO_FUZZ_BUILD:-build-fuzz}
targets=(multipart audio_decode wav_roundtrip http_request http_response json_bodies thrift_wire results_csv)

if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 TARGET|all SECONDS   (targets: ${targets[*]})" >&2
  exit 2
fi
selected=("$1")
[ "$1" = all ] && selected=("${targets[@]}")
for t in "${selected[@]}"; do
  [[ " ${targets[*]} " == *" $t "* ]] || { echo "fuzz: unknown target '$t' (targets: ${targets[*]})" >&2; exit 2; }
done

# The configure and build speak only when they fail.
quiet() {
  local log
  log=$(mktemp)
  "$@" >"$log" 2>&1 || { tail -40 "$log" >&2; rm -f "$log"; echo "fuzz: failed: $*" >&2; exit 1; }
  rm -f "$log"
}
if [ ! -f "$build/CMakeCache.txt" ]; then
  # Warnings are the g++ build's business (CI makes them errors there); this build looks for crashes.
  CC=clang CXX=clang++ quiet cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAESTRO_FUZZ=ON \
    -DMAESTRO_WERROR=OFF
fi
quiet cmake --build "$build" --target fuzzers -j"${MAESTRO_FUZZ_JOBS:-2}"

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$root/tests/sanitizers/ubsan.supp:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:${LSAN_OPTIONS:-}"

failed=()
for t in "${selected[@]}"; do
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t/"
  log="$build/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  status=0
  "$build/fuzz/fuzz_$t" "$corpus" "fuzz/corpus/$t" -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  echo "fuzz: $t ${2}s runs=${runs:-?} exec/s=${secs:-?} ${cov} exit=$status"
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    grep -m3 -E "ERROR|runtime error|Test unit written" "$log" | sed 's/^/fuzz:   /' || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (logs: $build/fuzz-logs/)" >&2
  exit 1
fi
