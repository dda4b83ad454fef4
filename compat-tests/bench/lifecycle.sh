#!/usr/bin/env bash
# Lifecycle benchmark (not in CI): one worker pass over VERSIONS versions (default 1,000,000), and the PUT rate
# of a concurrent client without the worker, with it at its default rates, and with it unlimited.
#   compat-tests/bench/lifecycle.sh [VERSIONS] [WINDOW_SECONDS]
# Prints the LIFECYCLE-BENCH lines; see README.md "Lifecycle" for the figures measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
versions=${1:-1000000}
window=${2:-20}
mvn -B -q ${MAVEN_ARGS:--o} -pl compat-tests -am test -Dtest=LifecyclePassBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false \
  -Dlifecycle.bench.versions="$versions" -Dlifecycle.bench.windowSeconds="$window" 2>&1 \
  | grep LIFECYCLE-BENCH || { echo "benchmark failed: see compat-tests/target/surefire-reports" >&2; exit 1; }
