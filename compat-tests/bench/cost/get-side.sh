#!/usr/bin/env bash
# Side-by-side cost of a presigned 4 KiB GET on two or more jars (issue 19; session 10's side.sh, used in session 11):
# every jar's server up at once, rounds of short phases with the jars taking turns (A B A B ...), so each sees the
# same machine load. Per phase: wrk with 32 connections (c32) and with 1 connection (c1); server CPU per GET
# (utime+stime from /proc/PID/stat) and voluntary context switches per GET (all threads); medians at the end.
#
#   compat-tests/bench/cost/get-side.sh OUT ROUNDS JAR...     (SECS=6 seconds per phase)
# e.g. get-side.sh /tmp/side 5 /work/old11.jar gateway/target/dualkey.jar. Needs java 17, wrk, python3 + boto3.
# RESTART=1: restart every server on its data after presigning, so the 1000 objects are read from flushed files
# (RocksDB recovers the WAL into SST and blob files at open) with empty caches, as after a restart in production.
# SERVE_ARGS="--loop-reads": extra arguments for every server's serve command; SERVE_ARGS_K (K = the jar's position,
# from 0) replaces it for that server, e.g. the same jar twice (two copies, distinct names) with SERVE_ARGS_1=--loop-reads.
set -euo pipefail
out=$(readlink -m "$1"); rounds=$2; shift 2; jars=()
for j in "$@"; do jars+=("$(readlink -f "$j")"); done
cd "$(dirname "$0")/../../.."
root=$(pwd)
secs=${SECS:-6}
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd)
access=AKIABENCHMARK0000001; secret=benchSecretKey0000000000000000000000000000
set -m
declare -a pids ports
start() { # start K JAR PORT: server K on its data dir
  local i=$1 j=$2 port=$3 own="SERVE_ARGS_$1"
  DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret MALLOC_ARENA_MAX=2 java -Xmx256m -XX:+UseSerialGC \
    -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Xss512k -jar "$(readlink -f $j)" serve \
    --data-dir "$out/$i/data" --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) \
    --allow-mfa-over-http ${!own-${SERVE_ARGS:-}} >>"$out/$i/server.log" 2>&1 &
  pids[$i]=$!; ports[$i]=$port
}
waitup() { for _ in $(seq 1 900); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && break; sleep 0.1; done; }
i=0
for j in "${jars[@]}"; do
  mkdir -p "$out/$i/data"; start $i "$j" $((20000 + RANDOM % 20000)); i=$((i+1))
done
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; done' EXIT
for k in "${!jars[@]}"; do
  waitup ${ports[$k]}
  python3 $root/compat-tests/bench/cost/presign.py http://127.0.0.1:${ports[$k]} $access $secret "$out/$k" 10 100000 4096
done
if [ "${RESTART:-0}" = 1 ]; then
  for k in "${!jars[@]}"; do
    kill ${pids[$k]}; while kill -0 ${pids[$k]} 2>/dev/null; do sleep 0.2; done
    start $k "${jars[$k]}" ${ports[$k]}; waitup ${ports[$k]}
  done
  echo "servers restarted after presigning (RESTART=1): GETs read flushed values" | tee "$out/restart.txt"
fi
wrkc() { wrk -t$1 -c$2 -d"$3"s -s $root/compat-tests/bench/wrk/paths.lua http://127.0.0.1:$4 -- "$5" GET 0 $1 \
  | awk '/requests in/ {print $1} /Non-2xx/ {print "non2xx " $NF > "/dev/stderr"}'; }
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
csw() { cat /proc/$1/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
hz=$(getconf CLK_TCK)
for w in 1 2 3; do for k in "${!jars[@]}"; do wrkc 2 32 8 ${ports[$k]} "$out/$k/get.paths" >/dev/null; wrkc 1 1 4 ${ports[$k]} "$out/$k/get.paths" >/dev/null; done; done
echo "uptime at start: $(uptime)" | tee "$out/summary.txt"
for r in $(seq 1 $rounds); do
  for k in "${!jars[@]}"; do
    for mode in c32 c1; do
      p=${pids[$k]}; c0=$(cpu $p); s0=$(csw $p)
      if [ $mode = c32 ]; then n=$(wrkc 2 32 $secs ${ports[$k]} "$out/$k/get.paths"); else n=$(wrkc 1 1 $secs ${ports[$k]} "$out/$k/get.paths"); fi
      c1=$(cpu $p); s1=$(csw $p)
      awk -v j=$(basename ${jars[$k]}) -v m=$mode -v n=$n -v c=$((c1-c0)) -v hz=$hz -v s=$((s1-s0)) -v t=$secs -v r=$r \
        'BEGIN {printf "round %d %s %s: %d GETs (%.0f/s) cpu_us %.1f vcsw %.2f\n", r, j, m, n, n/t, c/hz/n*1e6, s/n}' | tee -a "$out/summary.txt"
    done
  done
done
echo "uptime at end: $(uptime)" | tee -a "$out/summary.txt"
for j in "${jars[@]}"; do for m in c32 c1; do
  grep " $(basename $j) $m:" "$out/summary.txt" | awk '{print $(NF-2)}' | sort -n | awk -v j=$(basename $j) -v m=$m '{a[NR]=$1} END {printf "median %s %s cpu_us %s (n=%d)\n", j, m, (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), NR}'
done; done | tee -a "$out/summary.txt"
