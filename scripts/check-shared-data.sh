#!/usr/bin/env bash
# Runs the checks that read the project owner's fixtures in ../shared/data (real 2024 prices, recorded speech):
# the tests named *OnSharedData, which ctest leaves out because a unit test must not depend on data outside the
# repository. Each fails, rather than skips, when its data is absent.
#   scripts/check-shared-data.sh [BUILD_DIR]     (default: build; MAESTRO_SHARED_DATA overrides ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
status=0
for binary in tests/engines/analyst/analyst_test tests/audio/audio_decode_test tests/apps/maestro/eval_stt_test; do
  if [ ! -x "$build/$binary" ]; then
    echo "check-shared-data: $build/$binary is not built (cmake --build $build)" >&2
    exit 2
  fi
  "$build/$binary" --gtest_filter='*OnSharedData' --gtest_brief=1 || status=1
done
exit $status
