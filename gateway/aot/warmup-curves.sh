#!/usr/bin/env bash
# Side-by-side warm-up curves of the Dualkey server (issue 19: within 10% of its best rate within 10 s of
# accepting connections) for four start-ups, interleaved so that each sees the same machine:
#   17      JDK 17 as the benchmark runs it today
#   17cds   JDK 17 + the AppCDS archive (BENCH_CDS=1)
#   25      JDK 25 without a cache
#   25aot   JDK 25 + the AOT cache (BENCH_AOT=1)
# Each run is `compat-tests/bench/run.sh --servers dualkey --workloads warm_up --runs 1` (only the warm-up:
# 4 KiB PUTs, 32 in flight, 3-s windows until the rate stops rising, at least 5 and at most 40 windows); the order
# of the four rotates every round.
#
#   JDK25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java gateway/aot/warmup-curves.sh [ROUNDS] [OUT]
#
# Builds the jar, the load generator and both caches first unless BENCH_SKIP_BUILD=1. OUT (default
# compat-tests/target/warmup-curves) gets curves.txt: per run the load average, the windows' PUT/s and the
# warm_up row (seconds until a window within 10% of the best).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
out=${2:-compat-tests/target/warmup-curves}
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
mkdir -p "$out"
configs=(17 17cds 25 25aot)
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  # one build, then the caches are trained by run.sh's first use of each
  compat-tests/bench/run.sh --servers none --runs 1 >/dev/null 2>&1 || true
fi
one() { # config -> runs it, appends to curves.txt
  local env=(BENCH_SKIP_BUILD=1)
  case $1 in
    17cds) env+=(BENCH_CDS=1) ;;
    25) env+=(BENCH_DUALKEY_JAVA=$jdk25) ;;
    25aot) env+=(BENCH_DUALKEY_JAVA=$jdk25 BENCH_AOT=1) ;;
  esac
  local before after
  before=$(uptime | sed 's/.*load average: //')
  env "${env[@]}" compat-tests/bench/run.sh --servers dualkey --workloads warm_up --runs 1 \
    >"$out/$1-$2.out" 2>"$out/$1-$2.err" || true
  after=$(uptime | sed 's/.*load average: //')
  printf '%s round %s (load %s -> %s)\n  %s\n  %s\n' "$1" "$2" "$before" "$after" \
    "$(grep -h 'warm-up PUT/s' "$out/$1-$2.err" | sed 's/.*window: //')" \
    "$(grep -h '^| warm_up' "$out/$1-$2.out" | awk -F"|" '{print $4 " s;" $(NF-1)}')" | tee -a "$out/curves.txt"
}
for r in $(seq 1 "$rounds"); do
  for i in 0 1 2 3; do
    one "${configs[$(((i + r - 1) % 4))]}" "$r"
  done
done
