#!/usr/bin/env bash
# Whisper alone (no network, no other engine), one process, the model loaded once: the real-time factor per clip
# length and the time per request for the scenario questions as the assistant hears them (RHVoice, pt-BR and
# English). Each clip is transcribed REPEAT times; the figure is the median (p50) of those times.
# Usage: scripts/bench-whisper-speed.sh [--engine-opt key=value ...]
#   MAESTRO_BIN=path  the maestro binary (default build/maestro; e.g. a copy built from an older commit)
#   REPEAT=5          transcriptions per clip
# Prints "clip<TAB>audio s<TAB>p50 s<TAB>RTF" lines, then the p50 over all scenario questions, and the load
# average before and after (timings on a shared machine mean little without it).
set -euo pipefail
cd "$(dirname "$0")/.."
maestro="${MAESTRO_BIN:-build/maestro}"
repeat="${REPEAT:-5}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# English clips of about 2.5, 5, 10 and 20 s (eSpeak NG en-us speaks ~2.9 words a second).
sentence="Petrobras and Vale led the Ibovespa while fixed income paid the Selic rate"
texts=("What is the ticker of Petrobras?"
       "What is the difference between fixed income and the Ibovespa this year?")
texts+=("$sentence, and the analyst compared both of them with the CDI.")
texts+=("$sentence, and the analyst compared both of them with the CDI. $sentence, and Itaú and Banco do Brasil \
followed them closely in the last quarter of the year.")
: > "$work/clips.tsv"
for i in "${!texts[@]}"; do
  espeak-ng -v en-us -w "$work/length-$i.wav" "${texts[$i]}"
  printf '%s\t%s\n' "$work/length-$i.wav" "${texts[$i]}" >> "$work/clips.tsv"
done
for language in pt-BR en; do
  "$maestro" scenarios render --engine rhvoice --language "$language" --out "$work/scenarios-$language" >/dev/null
  for wav in "$work/scenarios-$language"/*.wav; do printf '%s\tx\n' "$wav" >> "$work/clips.tsv"; done
done

: > "$work/manifest.tsv"
for _ in $(seq "$repeat"); do cat "$work/clips.tsv" >> "$work/manifest.tsv"; done
"$maestro" eval stt "$work/manifest.tsv" --engine whisper "$@" --json --timeout 600s 2>/dev/null > "$work/result.json"
/usr/bin/python3 - "$work/result.json" <<'PY'
import json, os, statistics, sys
items = json.load(open(sys.argv[1]))["items"]
times, audio, scenario = {}, {}, []
for item in items:
    times.setdefault(item["audio"], []).append(item["decode_seconds"])
    audio[item["audio"]] = item["audio_seconds"]
    if "/scenarios-" in item["audio"]:
        scenario.append(item["decode_seconds"])
print("clip\taudio s\tp50 s\tRTF")
for path, seconds in times.items():
    p50 = statistics.median(seconds)
    name = os.path.basename(os.path.dirname(path)) + "/" + os.path.basename(path) if "/scenarios-" in path else os.path.basename(path)
    print(f"{name}\t{audio[path]:.2f}\t{p50:.3f}\t{p50 / audio[path]:.3f}")
print(f"scenario questions (RHVoice pt-BR + en, {len(scenario)} requests): p50 {statistics.median(scenario):.3f} s")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
