#!/usr/bin/env bash
# Compares `maestro load` with wrk on the same trivial endpoint (maestro_fixture_server, keep-alive GET, 2-byte
# body). The server is pinned to one core and each generator, in turn, to the other, so both generators get
# exactly one core. Usage: bench/load/compare_with_wrk.sh [BUILD_DIR]; env CONNS, DURATION (s), ROUNDS, and
# SERVICE_MS (the server's fixed service time; 0 = trivial endpoint, CPU-bound).
set -euo pipefail
build=${1:-build}
conns=${CONNS:-50}
duration=${DURATION:-10}
rounds=${ROUNDS:-3}
service_ms=${SERVICE_MS:-0}
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }

log=$(mktemp)
taskset -c 1 "$build/maestro_fixture_server" --port 0 --service-ms "$service_ms" >"$log" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$log" "$log.wrk"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
port=$(awk '/listening/{print $3}' "$log")
url="http://127.0.0.1:$port/"

echo "# $(date -u +%FT%TZ) $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $conns connections, ${duration}s per run, service time ${service_ms} ms, generator on core 0, server on core 1"
# CPU seconds (user + system) a process has used so far, in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
# Percent of one core used by `pid` between two tick counts over `seconds`.
percent() { awk -v a="$1" -v b="$2" -v s="$3" -v hz="$hz" 'BEGIN { printf "%.1f", (b - a) * 100 / hz / s }'; }
printf "%-6s %-8s %12s %10s %10s %16s %12s\n" round tool req_per_s p50_ms p99_ms generator_cpu% server_cpu%
ratios=()
for round in $(seq "$rounds"); do
  # wrk's own CPU: its tick count is read until it exits (every 0.1 s), and the server's over the same span.
  server_before=$(ticks "$server")
  started=$(date +%s.%N)
  taskset -c 0 wrk -t1 -c"$conns" -d"${duration}s" --latency "$url" >"$log.wrk" &
  wrk_pid=$!
  wrk_ticks=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    wrk_ticks=$(ticks "$wrk_pid" 2>/dev/null || echo "$wrk_ticks")
    sleep 0.1
  done
  wait "$wrk_pid"
  span=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  out=$(cat "$log.wrk")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  printf "%-6s %-8s %12s %10s %10s %16s %12s\n" "$round" wrk "$rps" "$p50" "$p99" "$(percent 0 "$wrk_ticks" "$span")" \
    "$(percent "$server_before" "$(ticks "$server")" "$span")"
  server_before=$(ticks "$server")
  started=$(date +%s.%N)
  json=$(taskset -c 0 "$build/maestro" load "$url" --method GET --users "$conns" --duration "${duration}s" \
         --warmup 1s --json)
  span=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  server_cpu=$(percent "$server_before" "$(ticks "$server")" "$span")
  line=$(/usr/bin/python3 - "$round" "$rps" "$server_cpu" <<PY
import json, sys
s = json.loads('''$json''')
print("%-6s %-8s %12.0f %10.3f %10.3f %16.1f %12s %.4f" % (sys.argv[1], "maestro", s["throughput_rps"],
      s["latency_ms"]["p50"], s["latency_ms"]["p99"], s["generator"]["max_thread_cpu_percent"], sys.argv[3],
      s["throughput_rps"] / float(sys.argv[2])))
PY
)
  echo "${line% *}"
  ratios+=("${line##* }")
done
# Adjacent runs share the machine's background load, so their ratio is steadier than either number.
/usr/bin/python3 -c 'import statistics, sys; r = sorted(map(float, sys.argv[1:])); print("# maestro/wrk throughput ratio: median %.3f, min %.3f, max %.3f over %d rounds" % (statistics.median(r), r[0], r[-1], len(r)))' "${ratios[@]}"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
