#!/usr/bin/env bash
# The README's main job: the experiment's quick preset on the embedded engines (all three protocols across all
# three scenarios, under three minutes here), then the results and report in bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/maestro bench --preset quick --engines embedded --out bench-results "$@"
