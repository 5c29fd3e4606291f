#!/usr/bin/env bash
# The README's main job: fetch the default models (once; later runs only check them), then the experiment's quick
# preset on the neural engines — Whisper, a llama.cpp model grounded by the analyst, RHVoice — over REST, gRPC
# and Thrift across the three scenarios, with the results and report in bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
build/maestro models fetch --defaults
exec build/maestro bench --preset quick --engines neural --out bench-results "$@"
