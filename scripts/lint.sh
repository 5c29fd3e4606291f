#!/usr/bin/env bash
# Lint: clang-format over every C++ file of the tree (seconds), then clang-tidy over the lines of C++ sources that
# changed since BASE (whole-file clang-tidy takes minutes per file on two cores, and code nobody touched is not
# this change's finding). Exits non-zero on any formatting difference or clang-tidy finding.
#
#   scripts/lint.sh [BASE]   BASE: what the change is measured against; default HEAD~1, the last commit, which for
#                            a merge commit is its first parent, so a merged branch is linted as a whole.
# REQUIRES: a configured build (MAESTRO_BUILD_DIR, default build/) for compile_commands.json; clang-format and
# clang-tidy from Debian (scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
base="${1:-HEAD~1}"
build_dir="${MAESTRO_BUILD_DIR:-build}"

mapfile -t files < <(git ls-files '*.cc' '*.h')
echo "lint: clang-format on ${#files[@]} files"
if ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "lint: clang-format differences above; fix them with: clang-format -i FILE" >&2
  exit 1
fi

if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  echo "lint: WARNING: no revision $base (a shallow clone?): nothing to measure a change against, clang-tidy skipped" >&2
  exit 0
fi
echo "lint: clang-tidy on the lines of C++ sources changed since $base"
# clang-tidy-diff runs clang-tidy per changed file with a line filter; headers are checked through the sources
# that include them. It always exits 0, so its output decides. clang 14 does not see Boost 1.74's coroutine support
# (it looks for the coroutines TS); the two defines tell Asio to use C++20's <coroutine>, as g++ builds it. The
# build's g++-only warning flags (-Wno-maybe-uninitialized, and -Wno-error=restrict when CI makes warnings errors)
# are unknown to clang: -Wno-unknown-warning-option keeps them from becoming findings.
report=$(git diff -U0 "$base" -- '*.cc' |
  /usr/bin/python3 /usr/bin/clang-tidy-diff-14.py -p1 -path "$build_dir" -j 2 -quiet -regex '.*\.cc' \
    -extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 -extra-arg=-DBOOST_ASIO_HAS_STD_COROUTINE=1 \
    -extra-arg=-Wno-unknown-warning-option 2>&1 |
  grep -v -e '^[0-9]* warnings\? generated\.$' -e '^Suppressed [0-9]* warnings' -e '^Use -header-filter' \
    -e '^$' || true)
if grep -qE '(warning|error): ' <<<"$report"; then
  echo "$report" >&2
  echo "lint: clang-tidy findings above" >&2
  exit 1
fi
echo "lint: clean"
