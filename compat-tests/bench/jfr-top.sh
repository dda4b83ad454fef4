#!/usr/bin/env bash
# Summarises a JFR recording of the Dualkey server (run.sh with BENCH_JFR=1 writes
# compat-tests/target/bench/work/dualkey.jfr): the hottest top frames and the hottest dev.dualkey frames
# anywhere on the sampled stacks, from jdk.ExecutionSample events.
#   compat-tests/bench/jfr-top.sh [FILE.jfr] [N]
set -euo pipefail
file=${1:-compat-tests/target/bench/work/dualkey.jfr}
n=${2:-25}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
jfr print --events jdk.ExecutionSample --stack-depth 64 "$file" >"$tmp"
total=$(grep -c 'jdk.ExecutionSample' "$tmp" || true)
echo "samples: $total"
echo "--- top frames (self time)"
awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/[ \t]+line:.*/, ""); print}' "$tmp" \
  | sort | uniq -c | sort -rn | head -"$n"
echo "--- dev.dualkey frames on the stack (inclusive, once per sample)"
awk '/jdk.ExecutionSample/ {delete seen} /^[ \t]+dev\.dualkey\./ {f=$0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f);
     if (!(f in seen)) {seen[f]=1; print f}}' "$tmp" | sort | uniq -c | sort -rn | head -"$n"
