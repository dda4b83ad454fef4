#!/usr/bin/env bash
# Lifecycle benchmark (not in CI): one worker pass over VERSIONS versions (default 1,000,000), and the PUT rate
# of a concurrent client without the worker, with it at its default rates, and with it unlimited (the ratios are
# printed as percentages of the rate without the worker).
#   compat-tests/bench/lifecycle.sh [VERSIONS] [WINDOW_SECONDS]
# Unattended: needs nothing but the offline Maven build; run it on a quiet machine (nothing else building or
# testing), e.g.  nohup compat-tests/bench/lifecycle.sh >/dev/null 2>&1 &
# Writes compat-tests/bench/results/lifecycle-<UTC time>-<VERSIONS>.txt: the LIFECYCLE-BENCH lines with the date,
# commit, core count and load average before and after (a loaded machine's figures are the load's, not the code's).
# On failure the Maven output is kept beside it (.maven.log) and the exit status is 1.
# See README.md "Lifecycle" for the figures measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
versions=${1:-1000000}
window=${2:-20}
results=compat-tests/bench/results
mkdir -p "$results"
out="$results/lifecycle-$(date -u +%Y%m%dT%H%M%SZ)-$versions.txt"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
{
  echo "# lifecycle benchmark: $versions versions, PUT windows of $window s"
  echo "# started $(date -u +%FT%TZ) on $(hostname), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# commit $commit; $(java -version 2>&1 | head -1)"
} > "$out"
status=0
mvn -B -q ${MAVEN_ARGS:--o} -pl compat-tests -am test -Dtest=LifecyclePassBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -DfailIfNoTests=false \
  -Dlifecycle.bench.versions="$versions" -Dlifecycle.bench.windowSeconds="$window" > "$log" 2>&1 || status=$?
grep LIFECYCLE-BENCH "$log" >> "$out" || true
echo "# finished $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), maven exit status $status" >> "$out"
cat "$out"
if [ "$status" -ne 0 ] || ! grep -q "LIFECYCLE-BENCH PUT" "$out"; then
  cp "$log" "${out%.txt}.maven.log"
  echo "benchmark failed: see ${out%.txt}.maven.log and compat-tests/target/surefire-reports" >&2
  exit 1
fi
echo "results written to $out"
