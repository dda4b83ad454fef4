#!/usr/bin/env bash
# Server cost of a ListObjectVersions page of 1000 (issue 19), side by side for one or more jars, load-insensitive:
# server CPU per page (utime+stime of all threads from /proc/PID/stat, the JIT compiler threads' apart, measured
# once they are under 5 % of the server's CPU), Java heap bytes allocated per page (JFR, all threads; the least
# noisy figure on a loaded machine) and the raw-HTTP latency of one page at a
# time (wrk, one connection, presigned URLs: no SDK parsing in the figure; the bench's list_versions_page row is
# the SDK's). The bucket is the bench's (keys v/0000..v/0999, each PUT adds a version of 4 KiB), filled once with
# wrk PUTs by the first jar; then each jar in turn serves the same data directory, ROUNDS times, alternating.
#
#   compat-tests/bench/cost/list-cpu.sh VERSIONS ROUNDS OUT JAR [JAR...]
# e.g. list-cpu.sh 20000 3 /tmp/lc OLD.jar gateway/target/dualkey.jar
# Environment: LIST_SECONDS (measured seconds per round, default 10), LIST_PROFILE=cpu|wall|alloc (async-profiler
# collapsed stacks of each measured phase into OUT/<jar>-<round>.collapsed), AP (the agent's path).
# OUT keeps the data directory: a second call with the same OUT and VERSIONS reuses it (filling 1,000,000 takes long).
# The server start and the /proc and JFR readings are cost.sh's (serve.sh); the fill's count is the bench's, over raw
# pages (list-presign.py --count).
set -euo pipefail
cd "$(dirname "$0")/../../.."
versions=$1 rounds=$2 out=$3
shift 3
jars=("$@")
seconds=${LIST_SECONDS:-10}
ap=${AP:-/work/ap/linux-x64/libasyncProfiler.so}
mkdir -p "$out/data"
out=$(cd "$out" && pwd)
. compat-tests/bench/cost/serve.sh # access, secret, serve_start, cpu, cpujit, alloc
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null || true' EXIT
port=$((20000 + RANDOM % 20000)) # one port for all: the presigned URLs sign the Host header
start() { serve_start "$1" "$out/data" $port "$out/server.log" -Xmx256m -XX:+UseSerialGC; } # jar
stop() { kill $pid; wait $pid 2>/dev/null || true; pid=; }
wrkrun() { # paths method bytes seconds connections -> wrk output
  wrk -t1 -c"$5" -d"$4"s --latency -s compat-tests/bench/wrk/paths.lua http://127.0.0.1:$port -- "$1" "$2" "$3" 1
}
hz=$(getconf CLK_TCK)
printf 'uptime: %s\n' "$(uptime)" | tee -a "$out/summary.txt"
start "${jars[0]}"
python3 compat-tests/bench/cost/list-presign.py http://127.0.0.1:$port $access $secret "$out" "$versions"
if [ ! -f "$out/filled-$versions" ]; then
  t0=$(date +%s)
  # each wrk thread cycles over the whole list from its own start: one thread, 16 connections, stopped at the count
  wrk -t1 -c16 -d3600s -s compat-tests/bench/wrk/paths.lua http://127.0.0.1:$port -- "$out/fill.paths" PUT 4096 1 \
    >"$out/fill.txt" &
  wp=$!
  while :; do
    n=$(python3 compat-tests/bench/cost/list-presign.py --count http://127.0.0.1:$port $access $secret 2>/dev/null \
      || echo 0)
    [ "$n" -ge "$versions" ] && break
    sleep 5
  done
  kill -INT $wp 2>/dev/null; wait $wp 2>/dev/null || true
  echo "filled $n versions in $(( $(date +%s) - t0 )) s" | tee -a "$out/summary.txt"
  touch "$out/filled-$versions"
fi
stop
for r in $(seq 1 "$rounds"); do
  for j in "${jars[@]}"; do
    prof=
    [ -n "${LIST_PROFILE:-}" ] && prof="$out/$(basename "$j" .jar)-$r.collapsed"
    start "$j"
    wrkrun "$out/list.paths" GET 0 15 1 >/dev/null # warm-up (JIT)
    # then more 10-s rounds until the JIT compiler threads took under 5 % of the server's CPU (at most 120 s): on
    # a loaded machine the list path is otherwise still partly interpreted when measured
    for _ in $(seq 12); do
      w0=$(cpu); v0=$(cpujit); wrkrun "$out/list.paths" GET 0 10 2 >/dev/null; w1=$(cpu); v1=$(cpujit)
      [ $(( (v1 - v0) * 20 )) -lt $((w1 - w0)) ] && break
    done
    jcmd $pid JFR.start name=list settings=default >/dev/null
    [ -n "$prof" ] && jcmd $pid JVMTI.agent_load "$ap" "\"start,event=$LIST_PROFILE,interval=1ms\"" >/dev/null
    c0=$(cpu); j0=$(cpujit)
    res=$(wrkrun "$out/list.paths" GET 0 "$seconds" 1)
    c1=$(cpu); j1=$(cpujit)
    jcmd $pid JFR.stop name=list filename="$out/list.jfr" >/dev/null
    a=$(alloc "$out/list.jfr")
    [ -n "$prof" ] && jcmd $pid JVMTI.agent_load "$ap" "\"stop,file=$prof,collapsed\"" >/dev/null
    n=$(echo "$res" | awk '/requests in/ {print $1}')
    p50=$(echo "$res" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$res" | awk '$1 == "99%" {print $2}')
    bytes=$(echo "$res" | awk '/Transfer\/sec/ {print $2}')
    awk -v j="$(basename "$j")" -v r=$r -v n=$n -v c=$((c1 - c0)) -v jit=$((j1 - j0)) -v a=$a -v hz=$hz -v p50=$p50 -v p99=$p99 'BEGIN {
      printf "%s round %d: %d pages; server cpu_ms/page %.2f without the JIT threads (JIT %.2f); heap KB/page %.0f; raw-HTTP p50 %s p99 %s\n",
        j, r, n, (c - jit) / hz / n * 1e3, jit / hz / n * 1e3, a / n / 1024, p50, p99}' \
      | tee -a "$out/summary.txt"
    stop
  done
done
