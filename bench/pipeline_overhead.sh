#!/usr/bin/env bash
# The full /assist pipeline per protocol with zero-time emulated engines: a 128 KB WAV up, a 441 KB WAV down,
# closed loop with wrk. Prints req/s and latency at 10 connections, the CPU time Maestro and its services spent
# per request in that window, unloaded p50 (1 connection), and Maestro's peak RSS while 1000 connections are open.
# THROUGHPUT_ONLY=1 skips the 1- and 1000-connection phases (for alternated A/B runs).
# Usage: bench/pipeline_overhead.sh [build/maestro] [seconds] [protocols...]
set -euo pipefail
maestro=${1:-build/maestro}
seconds=${2:-10}
shift 2 2>/dev/null || true
protocols=("$@")
[ ${#protocols[@]} -gt 0 ] || protocols=(inproc rest grpc thrift)
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null || true' EXIT

# 128 KB of 16 kHz mono 16-bit audio (4 s) in a multipart body, as the thesis's k6 script sent it.
sox -n -r 16000 -c 1 -b 16 "$work/q.wav" synth 4.096 sine 440
boundary=maestro-bench-boundary
{
  printf -- "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q.wav\"\r\nContent-Type: audio/wav\r\n\r\n" "$boundary"
  cat "$work/q.wav"
  printf -- "\r\n--%s--\r\n" "$boundary"
} >"$work/body"
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$work/body", "rb")
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "multipart/form-data; boundary=$boundary"
LUA

# CPU seconds (user + system) the given processes have used so far.
cpu_seconds() {
  local ticks=0 pid
  for pid in "$@"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", t / hz}'
}

echo "machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-8s %10s %10s %10s %12s %10s %12s %14s\n" protocol "req/s@10" "p50@10" "p99@10" "cpu_ms/req@10" "p50@1" \
  "errors@10" "RSS@1000(MB)"
for protocol in "${protocols[@]}"; do
  "$maestro" up --protocol "$protocol" --engines emulated --port 0 ${MAX_INFLIGHT:+--max-inflight $MAX_INFLIGHT} >"$work/up.log" 2>&1 &
  up=$!
  for _ in $(seq 1 400); do grep -q "Ctrl-C stops everything" "$work/up.log" && break; sleep 0.05; done
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/up.log" | head -1)
  maestro_pid=$(grep -o 'maestro: pid [0-9]*' "$work/up.log" | grep -o '[0-9]*$')
  mapfile -t pids < <(grep -oE '^ *[a-z]+: pid [0-9]+' "$work/up.log" | grep -oE '[0-9]+$')
  wrk -t1 -c10 -d2s -s "$work/post.lua" "$url/assist" >/dev/null  # warm-up
  cpu_before=$(cpu_seconds "${pids[@]}")
  wrk -t1 -c10 -d"${seconds}s" --latency -s "$work/post.lua" "$url/assist" >"$work/c10"
  cpu_after=$(cpu_seconds "${pids[@]}")
  requests=$(awk '/requests in/ {print $1}' "$work/c10")
  cpu_per_request=$(awk -v a="$cpu_before" -v b="$cpu_after" -v n="$requests" 'BEGIN {printf "%.3f", 1000 * (b - a) / n}')
  rss="-"
  p50_1="-"
  if [ -z "${THROUGHPUT_ONLY:-}" ]; then
    wrk -t1 -c1 -d"$((seconds / 2 + 1))s" --latency -s "$work/post.lua" "$url/assist" >"$work/c1"
    wrk -t2 -c1000 -d"$((seconds / 2 + 1))s" --timeout 10s -s "$work/post.lua" "$url/assist" >"$work/c1000"
    rss=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$maestro_pid/status")
    p50_1=$(awk '$1=="50%" {print $2}' "$work/c1")
  fi
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/c10")
  p50=$(awk '$1=="50%" {print $2}' "$work/c10")
  p99=$(awk '$1=="99%" {print $2}' "$work/c10")
  errors=$(grep -E "Non-2xx|Socket errors" "$work/c10" | tr '\n' ' ' || true)
  printf "%-8s %10s %10s %10s %12s %10s %12s %14s\n" "$protocol" "$rps" "$p50" "$p99" "$cpu_per_request" "$p50_1" \
    "${errors:-0}" "$rss"
  kill -TERM "$up"
  wait "$up" || true
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
