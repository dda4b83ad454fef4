#!/usr/bin/env bash
# Profiles the benchmark's own Dualkey server while run.sh drives it (issue 19, session 18): a row's cost in the
# bench's state (data written by earlier rows, flushed files, warmed caches, the bench's JVM options) can differ
# from a scratch harness's fresh server. Start it, then run.sh in another shell, e.g.
#
#   compat-tests/bench/cost/bench-profile.sh /tmp/get.collapsed cpu wrk 7 14 &
#   compat-tests/bench/run.sh --runs 3 --servers dualkey --workloads wrk_get4k
#
# Arguments: OUT (async-profiler's collapsed stacks), EVENT (cpu, wall, alloc), WAIT (wrk: wait until wrk runs
# against the server, for the wrk rows; up: until the server is up), DELAY seconds after that (skip wrk's warm-up
# run: 7 s with the bench's 6-s runs), SECONDS to profile. AP is the agent's path, INTERVAL its sampling interval
# (default 1ms). Prints the share of samples under the storage executor (a request that did not stay on the event
# loop) and under RocksDBException (a memory-only read that missed: RocksJava throws for Incomplete).
set -euo pipefail
out=$(readlink -m "$1"); event=$2; wait_for=$3; delay=$4; seconds=$5
ap=${AP:-/work/ap/linux-x64/libasyncProfiler.so}
work=$(cd "$(dirname "$0")/../.." && pwd)/target/bench/work/dualkey/data
pid=
while true; do
  pid=$(pgrep -f -- "--data-dir $work" | head -1 || true)
  if [ -n "$pid" ] && { [ "$wait_for" != wrk ] || pgrep -x wrk >/dev/null; }; then break; fi
  sleep 0.2
done
sleep "$delay"
jcmd "$pid" JVMTI.agent_load "$ap" "\"start,event=$event,interval=${INTERVAL:-1ms}\"" >/dev/null
sleep "$seconds"
jcmd "$pid" JVMTI.agent_load "$ap" "\"stop,file=$out,collapsed\"" >/dev/null
awk -v out="$out" '{ n = $NF; total += n }
  /StorageExecutor/ { executor += n }
  /RocksDBException/ { incomplete += n }
  END { if (total == 0) { print out ": no samples"; exit 1 }
        printf "%s: %d samples; under the storage executor %.1f%%, building RocksDBException %.1f%%\n",
               out, total, 100 * executor / total, 100 * incomplete / total }' "$out"
