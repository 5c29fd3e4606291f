#!/usr/bin/env bash
# Fetches every role's default model (models/catalog.json) and the Piper voice the piper engine's tests speak
# with into the model store, with the built binary: $MAESTRO_MODELS_DIR, else $XDG_CACHE_HOME/maestro/models,
# else ~/.cache/maestro/models.
# Idempotent: a model already there is hashed and kept. Needs the build (it is `maestro models fetch`), so it runs
# after `cmake --build build`, not inside scripts/bootstrap.sh.
set -euo pipefail
binary="${1:-$(dirname "$0")/../build/maestro}"
exec "$binary" models fetch --defaults piper-en-us-joe piper-en-us-joe-config
