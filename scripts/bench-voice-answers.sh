#!/usr/bin/env bash
# The three original questions spoken by RHVoice in Brazilian Portuguese and in English, asked of the assistant
# on the neural engines (`maestro up`), each ROUNDS times: per question, the answer, its words and language, and
# the per-hop times Maestro reports (timings_ms: stt, llm, tts, total; p50 over the rounds). The first round of a
# question pays the LLM's reading of its facts; later rounds reuse them (the prompt-prefix cache).
# Usage: scripts/bench-voice-answers.sh [PROTOCOL] [ROUNDS]     (default rest 3). Needs the build and the models.
set -euo pipefail
cd "$(dirname "$0")/.."
protocol="${1:-rest}"
rounds="${2:-3}"
maestro=build/maestro
work=$(mktemp -d)
trap 'kill "$up" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

"$maestro" scenarios render --engine rhvoice --out "$work/questions" >/dev/null
"$maestro" up --engines neural --protocol "$protocol" --port 0 >"$work/up.log" 2>&1 &
up=$!
for _ in $(seq 1 600); do grep -q "Ctrl-C stops everything" "$work/up.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/up.log" | head -1)
echo "machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg); protocol $protocol, $rounds rounds"
for round in $(seq 1 "$rounds"); do
  for wav in "$work"/questions/*.wav; do
    name=$(basename "$wav" .wav)
    "$maestro" ask "$wav" --url "$url" --json --timeout 120s >"$work/$name.$round.json"
  done
done
/usr/bin/python3 - "$work" "$rounds" <<'PY'
import glob, json, os, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
for wav in sorted(glob.glob(os.path.join(work, "questions", "*.wav"))):
    name = os.path.basename(wav)[:-4]
    replies = [json.load(open(os.path.join(work, f"{name}.{r}.json"))) for r in range(1, rounds + 1)]
    hops = {hop: statistics.median(r["timings_ms"][hop] for r in replies) for hop in ("stt", "llm", "tts", "total")}
    first = replies[0]
    print(f"{name}\tp50 ms stt {hops['stt']:.0f} llm {hops['llm']:.0f} tts {hops['tts']:.0f} total "
          f"{hops['total']:.0f} (first {first['timings_ms']['total']:.0f})\t{len(first['answer'].split())} words, "
          f"{first['language']}\theard: {first['transcript']}\tanswer: {first['answer']}")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
