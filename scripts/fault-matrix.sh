#!/usr/bin/env bash
# The full fault-injection matrix: 3 protocols x 3 services x (kill -9 | SIGSTOP) under closed-loop load of
# USERS virtual users (default 200; CI runs the same test with 6). Needs a built tree (build/ or $BUILD).
#   scripts/fault-matrix.sh [USERS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
users=${1:-200}
ulimit -n 65536 2>/dev/null || true
MAESTRO_FAULT_USERS=$users "$build/tests/integration/fault_injection_test" --gtest_filter='Matrix/*'
