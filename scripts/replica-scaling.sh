#!/usr/bin/env bash
# Throughput of 1 versus 3 STT replicas on network-namespace hosts (root only), per protocol.
# Emulated engines in sleep mode: STT takes 100 ms with one worker per replica (10 req/s each at most); LLM and TTS
# answer at once (TTS: 1 s of audio). Closed loop, 12 virtual users, so STT is the bottleneck.
# usage: scripts/replica-scaling.sh build/maestro [protocols...]   (prints one line per protocol and replica count)
set -euo pipefail
maestro=${1:?usage: replica-scaling.sh MAESTRO [protocols...]}
shift
if [ $# -gt 0 ]; then protocols=("$@"); else protocols=(rest grpc thrift); fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait || true; rm -rf "$work"' EXIT
sox -n -r 16000 -b 16 -c 1 "$work/q.wav" synth 1 sine 440 2>/dev/null

for protocol in "${protocols[@]}"; do
  for replicas in 1 3; do
    "$maestro" up --topology netns --protocol "$protocol" --engines emulated --port 7000 --replicas "stt=$replicas" \
      --stt-opt service_ms=100 --stt-opt workers=1 --tts-opt seconds=1 --max-inflight 64 >"$work/up.log" 2>&1 &
    up=$!
    for _ in $(seq 600); do grep -q "Ctrl-C stops everything" "$work/up.log" && break; sleep 0.1; done
    url=$(grep -o 'http://198[.0-9]*:7000' "$work/up.log" | head -1)
    rate=$("$maestro" load "$url/assist" --body "$work/q.wav" --users 12 --warmup 2s --duration 10s 2>&1 |
      grep -Eo 'throughput [0-9.]+/s' | head -1)
    echo "$protocol replicas=$replicas: $rate (load $(cut -d' ' -f1-3 /proc/loadavg))"
    kill -TERM $up
    wait $up || true
  done
done
