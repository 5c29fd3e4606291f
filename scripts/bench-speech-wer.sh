#!/usr/bin/env bash
# Word error rate and real-time factor of an STT engine (default: whisper) on the sets issue #8 names:
#   real recordings: ../shared/data/speech (LJ Speech, Allison prompts) and Debian's pocketsphinx-testdata;
#   pt-BR scenario questions spoken by RHVoice (Letícia-F123) and by eSpeak NG pt-br;
#   the English finance questions of data/stt/finance_eval.tsv spoken by eSpeak NG en-us and en-gb, and by the
#   piper engine's voice (en_US-joe-medium) when it is in the model store.
# Usage: scripts/bench-speech-wer.sh [ENGINE] [--engine-opt key=value ...]
# Prints one "set<TAB>WER<TAB>RTF" line per set. Needs build/maestro and the engine's model.
#   MAESTRO_BIN=path  the maestro binary (default build/maestro)
#   WER_OUT=DIR       keep the manifests, the rendered audio and each set's `eval stt --json` output in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
engine="${1:-whisper}"
shift || true
options=("$@")
maestro="${MAESTRO_BIN:-build/maestro}"
if [ -n "${WER_OUT:-}" ]; then
  work="$WER_OUT"
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

evaluate() {  # name manifest
  local json
  json=$("$maestro" eval stt "$2" --engine "$engine" "${options[@]}" --json --timeout 600s 2>/dev/null)
  printf '%s\n' "$json" > "${2%.tsv}.json"
  /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print("%s\t%.2f%%\t%.3f\t%d words" % (sys.argv[1], 100*d["wer"], d["real_time_factor"], d["words"]))' "$1" <<<"$json"
}

shared=../shared/data/speech
if [ -d "$shared" ]; then
  { cat "$shared/ljspeech/transcripts.tsv" | sed "s#^#$PWD/$shared/ljspeech/#"
    tail -n +2 "$shared/asterisk_en_allison/transcripts.tsv" | awk -F'\t' -v d="$PWD/$shared/asterisk_en_allison/" '{print d $1 "\t" $6}'
  } > "$work/shared.tsv"
  evaluate "shared/data/speech (LJ Speech + Allison)" "$work/shared.tsv"
fi

testdata=/usr/share/pocketsphinx/test/data
{ paste <(sed "s#^#$testdata/librivox/#; s#\$#.wav#" "$testdata/librivox/fileids") \
        <(sed 's#</\?s>##g; s/ *(.*)$//' "$testdata/librivox/transcription")
  paste <(sed "s#^#$testdata/cards/#; s#\$#.wav#" "$testdata/cards/cards.fileids") \
        <(sed 's#</\?s>##g; s/ *(.*)$//' "$testdata/cards/cards.transcription")
} > "$work/testdata.tsv"
evaluate "pocketsphinx-testdata (LibriVox + cards)" "$work/testdata.tsv"

for voice_engine in rhvoice espeak; do
  "$maestro" scenarios render --engine "$voice_engine" --language pt-BR --out "$work/pt-$voice_engine" >/dev/null
  : > "$work/pt-$voice_engine.tsv"
  for wav in "$work/pt-$voice_engine"/*.wav; do
    id=$(basename "$wav" .pt-BR.wav)
    question=$("$maestro" scenarios list | awk -v id="$id" '$1 == id {found = 1} found && $1 == "pt-BR:" {sub(/^ *pt-BR: /, ""); print; exit}')
    printf '%s\t%s\n' "$wav" "$question" >> "$work/pt-$voice_engine.tsv"
  done
  evaluate "pt-BR scenario questions, $voice_engine" "$work/pt-$voice_engine.tsv"
done

for voice in en-us en-gb; do
  : > "$work/finance-$voice.tsv"
  n=0
  grep -v '^#' data/stt/finance_eval.tsv | cut -f2 | while IFS= read -r question; do
    n=$((n + 1))
    espeak-ng -v "$voice" -w "$work/finance-$voice-$n.wav" "$question"
    printf '%s\t%s\n' "$work/finance-$voice-$n.wav" "$question" >> "$work/finance-$voice.tsv"
  done
  evaluate "English finance questions, eSpeak NG $voice" "$work/finance-$voice.tsv"
done

# The same English questions in Piper's voice, through a `maestro tts --engine piper` service on loopback.
if "$maestro" models path piper-en-us-joe >/dev/null 2>&1; then
  "$maestro" tts --engine piper --listen 127.0.0.1:0 >"$work/piper.log" 2>&1 &
  piper=$!
  for _ in $(seq 1 200); do grep -q "serving rest on" "$work/piper.log" && break; sleep 0.1; done
  port=$(grep -o 'serving rest on 127.0.0.1:[0-9]*' "$work/piper.log" | grep -o '[0-9]*$')
  : > "$work/finance-piper.tsv"
  n=0
  grep -v '^#' data/stt/finance_eval.tsv | cut -f2 | while IFS= read -r question; do
    n=$((n + 1))
    /usr/bin/python3 -c 'import json,sys; print(json.dumps({"text": sys.argv[1]}))' "$question" |
      curl -sf -H 'Content-Type: application/json' --data-binary @- -o "$work/finance-piper-$n.wav" \
        "http://127.0.0.1:$port/synthesize"
    printf '%s\t%s\n' "$work/finance-piper-$n.wav" "$question" >> "$work/finance-piper.tsv"
  done
  kill "$piper"
  evaluate "English finance questions, piper en_US-joe-medium" "$work/finance-piper.tsv"
fi
