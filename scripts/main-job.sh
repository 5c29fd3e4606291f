#!/usr/bin/env bash
# The README's main job: start the assistant on the embedded defaults and answer a sample question.
set -euo pipefail
cd "$(dirname "$0")/.."
exec build/maestro demo "$@"
