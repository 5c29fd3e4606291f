#!/usr/bin/env bash
# Voice in to voice out on the neural engines, unloaded: one virtual user asks the simple scenario's question
# (spoken by RHVoice) over and over through `maestro up --protocol P`. Prints the latency summary, one reply's
# per-hop timings, and each process's peak RSS (VmHWM).
# Usage: scripts/bench-voice-latency.sh [PROTOCOL] [LANGUAGE en|pt-BR] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
protocol="${1:-rest}"
language="${2:-en}"
duration="${3:-60s}"
maestro=build/maestro
work=$(mktemp -d)
up_pid=""
cleanup() {
  [ -n "$up_pid" ] && kill "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$maestro" scenarios render --engine rhvoice --language "$language" --out "$work/q" >/dev/null
question="$work/q/simple.$language.wav"
"$maestro" up --engines neural --protocol "$protocol" --port 0 --timeout 60s > "$work/up.log" 2>/dev/null &
up_pid=$!
for _ in $(seq 1 600); do
  grep -q "Maestro is up at" "$work/up.log" && break
  sleep 0.5
done
url=$(sed -n 's/^Maestro is up at \(http[^ ]*\).*/\1/p' "$work/up.log")
[ -n "$url" ] || { echo "maestro up did not start" >&2; cat "$work/up.log" >&2; exit 1; }
watch=()
while read -r name pid; do watch+=(--watch "$name:$pid"); done < <(sed -n 's/^  \([a-z]*\): pid \([0-9]*\).*/\1 \2/p' "$work/up.log")

echo "== one reply ($protocol, $language)"
curl -s -H 'Accept: application/json' -F "file=@$question" "$url/assist" |
  /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("transcript:", d.get("transcript")); print("answer:", d.get("answer")); print("timings:", json.dumps(d.get("timings")))'
echo "== closed loop, 1 user, $duration"
"$maestro" load "$url/assist" --body "$question" --users 1 --duration "$duration" --warmup 5s --timeout 60s "${watch[@]}"
echo "== peak RSS"
while read -r name pid; do
  printf '%s\t%s\n' "$name" "$(grep VmHWM "/proc/$pid/status" | awk '{printf "%.1f MB", $2/1024}')"
done < <(sed -n 's/^  \([a-z]*\): pid \([0-9]*\).*/\1 \2/p' "$work/up.log")
