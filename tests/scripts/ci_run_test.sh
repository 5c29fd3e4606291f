#!/usr/bin/env bash
# .ci/run must run the README's test command and fail when any step of it fails. The steps are replaced by fakes
# that record their call and fail on demand, so the script's own control flow is what is tested.
set -euo pipefail
source_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

readme_command=$(grep -m1 -F 'ctest --test-dir build' "$source_dir/README.md")
grep -qxF "($readme_command)" "$source_dir/.ci/run" || { echo "FAIL: .ci/run does not run the README's test command"; exit 1; }

mkdir -p "$work/tree/.ci" "$work/tree/scripts" "$work/bin"
cp "$source_dir/.ci/run" "$work/tree/.ci/run"
for fake in tree/scripts/bootstrap.sh tree/scripts/lint.sh tree/scripts/fuzz.sh bin/cmake bin/ctest; do
  name=$(basename "$fake")
  printf '#!/usr/bin/env bash\necho "%s $*" >> "%s/calls"\n[ "${FAIL_STEP:-}" != "%s" ]\n' "$name" "$work" "$name" > "$work/$fake"
  chmod +x "$work/$fake"
done

run() {  # RETURNS .ci/run's exit status with FAIL_STEP=$1
  rm -f "$work/calls"
  local status=0
  FAIL_STEP=$1 PATH="$work/bin:$PATH" bash "$work/tree/.ci/run" >/dev/null 2>&1 || status=$?
  echo "$status"
}

[ "$(run "")" = 0 ] || { echo "FAIL: .ci/run failed with every step passing"; exit 1; }
grep -q "^ctest --test-dir build --output-on-failure -j2" "$work/calls" || { echo "FAIL: ctest was not run"; exit 1; }
for step in bootstrap.sh cmake ctest lint.sh fuzz.sh; do
  [ "$(run "$step")" != 0 ] || { echo "FAIL: .ci/run passed although $step failed"; exit 1; }
done
echo "ci_run: ok"
