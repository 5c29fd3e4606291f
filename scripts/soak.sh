#!/usr/bin/env bash
# A soak: `maestro up` (emulated engines) under open-loop load at half of its measured capacity for DURATION,
# sampling Maestro's and every service's RSS, open files and threads every 10 s.
#   scripts/soak.sh [PROTOCOL] [DURATION_SECONDS] [OUT_DIR]      defaults: grpc 1800 soak-results
# SOAK_CAPACITY_SECONDS (20) sets the closed-loop burst that measures capacity; MAESTRO_BIN the binary.
# Writes OUT_DIR/samples.csv (time_s,process,pid,rss_kb,fds,threads) and OUT_DIR/load.txt, and prints the RSS
# drift from minute 5 to the end, the fd and thread ranges, and the error count (targets: < 5 %, flat, 0).
set -euo pipefail
cd "$(dirname "$0")/.."
protocol=${1:-grpc}
duration=${2:-1800}
out=${3:-soak-results}
maestro=${MAESTRO_BIN:-build/maestro}
mkdir -p "$out"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$maestro" scenarios render --out "$out/questions" >/dev/null
wav=$(ls "$out"/questions/*.wav | head -1)

"$maestro" up --protocol "$protocol" --engines emulated --port "$port" --restart never >"$out/up.log" 2>&1 &
up=$!
trap 'kill -TERM $up 2>/dev/null; wait $up 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

# Capacity: a short closed-loop burst; the soak then offers half of it, open loop.
"$maestro" load "http://127.0.0.1:$port/assist" --body "$wav" --users 32 --duration "${SOAK_CAPACITY_SECONDS:-20}s" >"$out/capacity.txt" 2>&1
capacity=$(sed -n 's/.*throughput \([0-9.]*\)\/s.*/\1/p' "$out/capacity.txt" | head -1)
rate=$(/usr/bin/python3 -c "print(max(1, int(float('${capacity:-2}') / 2)))")
echo "soak: $protocol, capacity ${capacity:-?} req/s, offering $rate req/s for ${duration}s"

echo "time_s,process,pid,rss_kb,fds,threads" >"$out/samples.csv"
sample() {
  local t=$1
  for pid in $(pgrep -P "$up"); do
    local name rss fds threads
    name=$(tr '\0' ' ' <"/proc/$pid/cmdline" | awk '{print $2}')
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
    fds=$(ls "/proc/$pid/fd" | wc -l)
    echo "$t,$name,$pid,$rss,$fds,$threads" >>"$out/samples.csv"
  done
}
"$maestro" load "http://127.0.0.1:$port/assist" --body "$wav" --rate "$rate" --duration "${duration}s" >"$out/load.txt" 2>&1 &
load=$!
start=$(date +%s)
while kill -0 "$load" 2>/dev/null; do
  sample $(( $(date +%s) - start ))
  sleep 10
done
wait "$load" || true
/usr/bin/python3 - "$out/samples.csv" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
by = collections.defaultdict(list)
for r in rows: by[r["process"]].append(r)
for name, rs in sorted(by.items()):
    late = [r for r in rs if int(r["time_s"]) >= 300] or rs
    rss0, rss1 = int(late[0]["rss_kb"]), int(late[-1]["rss_kb"])
    fds = [int(r["fds"]) for r in rs]; th = [int(r["threads"]) for r in rs]
    print(f"soak: {name:8s} RSS {rss0/1024:.1f} -> {rss1/1024:.1f} MB ({100*(rss1-rss0)/max(rss0,1):+.1f}% from minute 5), "
          f"fds {min(fds)}..{max(fds)}, threads {min(th)}..{max(th)}")
PY
grep -E "requests|errors|latency" "$out/load.txt" | sed 's/^/soak: /'
