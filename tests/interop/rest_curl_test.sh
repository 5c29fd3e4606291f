#!/usr/bin/env bash
# Interop: curl, an independent HTTP client, calls every REST service of a running `maestro up`.
set -euo pipefail
maestro="$1"
work=$(mktemp -d)
up_pid=""
cleanup() {
  [ -n "$up_pid" ] && kill -TERM "$up_pid" 2>/dev/null && wait "$up_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$maestro" up --protocol rest --engines emulated --port 0 >"$work/up.log" 2>&1 &
up_pid=$!
for _ in $(seq 1 200); do grep -q "Ctrl-C stops everything" "$work/up.log" && break; sleep 0.05; done
grep -q "Ctrl-C stops everything" "$work/up.log" || { cat "$work/up.log"; exit 1; }
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/up.log" | head -1)
port_of() { grep -o "$1: pid [0-9]*, port [0-9]*" "$work/up.log" | grep -o '[0-9]*$'; }
stt="http://127.0.0.1:$(port_of stt)"
llm="http://127.0.0.1:$(port_of llm)"
tts="http://127.0.0.1:$(port_of tts)"

fail() { echo "FAIL: $*"; exit 1; }
# A 1 s 16 kHz WAV made by sox, not by Maestro.
sox -n -r 16000 -c 1 -b 16 "$work/q.wav" synth 1 sine 440

out=$(curl -sS -F "file=@$work/q.wav" "$stt/transcribe")
echo "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["text"]=="what is the ticker symbol of petrobras", d' \
  || fail "stt /transcribe: $out"

out=$(curl -sS -H 'Content-Type: application/json' -d '{"prompt":"hello","max_tokens":64,"temperature":0.2}' "$llm/generate")
echo "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["prompt"]=="hello" and len(d["generated"].split())==50, d' \
  || fail "llm /generate: $out"

# The streamed form: chunked NDJSON, one line per piece, then a last line with language and sources.
curl -sS -N -D "$work/stream.head" -H 'Content-Type: application/json' -H 'Accept: application/x-ndjson' \
  -d '{"prompt":"hello"}' "$llm/generate" >"$work/stream.ndjson"
grep -qi '^transfer-encoding: chunked' "$work/stream.head" || fail "llm stream is not chunked: $(cat "$work/stream.head")"
/usr/bin/python3 - "$work/stream.ndjson" <<'PY' || fail "llm stream: $(head -c 400 "$work/stream.ndjson")"
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
pieces = [line["piece"] for line in lines[:-1]]
assert len(pieces) >= 1 and all("piece" in line for line in lines[:-1]), lines
assert lines[-1] == {"done": True, "language": "en", "sources": ["emulated"]}, lines[-1]
assert len("".join(pieces).split()) == 50, pieces
PY
code=$(curl -sS -o "$work/stream-err.json" -w '%{http_code}' -H 'Accept: application/x-ndjson' -d 'not json' "$llm/generate")
[ "$code" = "400" ] || fail "bad streamed /generate: $code"
grep -q '"code":"invalid_argument"' "$work/stream-err.json" || fail "error body: $(cat "$work/stream-err.json")"

code=$(curl -sS -o "$work/a.wav" -w '%{http_code} %{content_type}' -H 'Content-Type: application/json' -d '{"text":"hi"}' "$tts/synthesize")
[ "$code" = "200 audio/wav" ] || fail "tts /synthesize: $code"
[ "$(soxi -D "$work/a.wav")" = "10.000000" ] || fail "tts WAV is not 10 s: $(soxi -D "$work/a.wav")"

code=$(curl -sS -o "$work/answer.wav" -w '%{http_code} %{content_type}' -F "file=@$work/q.wav" "$url/assist")
[ "$code" = "200 audio/wav" ] || fail "maestro /assist: $code"
soxi "$work/answer.wav" >/dev/null || fail "/assist answer is not a WAV"

code=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: audio/wav' --data-binary "@$work/q.wav" "$url/assist")
[ "$code" = "200" ] || fail "raw-body /assist: $code"

code=$(curl -sS -o "$work/err.json" -w '%{http_code}' -F "file=@/etc/hostname" "$url/assist")
[ "$code" = "415" ] || fail "non-audio upload: $code"
grep -q '"code":"unsupported_media"' "$work/err.json" || fail "error body: $(cat "$work/err.json")"

[ "$(curl -sS "$url/health")" = '{"status":"healthy"}' ] || fail "/health"
for service in "$stt" "$llm" "$tts" "$url"; do
  metrics=$(curl -sS "$service/metrics")
  grep -q '^maestro_requests_total' <<<"$metrics" || fail "$service/metrics"
done
echo "rest curl interop: all checks passed"
