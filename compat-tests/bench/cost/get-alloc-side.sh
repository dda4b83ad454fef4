#!/usr/bin/env bash
# Side-by-side Java heap bytes per presigned 4 KiB GET on two or more jars (issue 19, session 13; get-side.sh's
# set-up: every jar's server up at once, the same objects and warm-up). Per round and jar: a JFR recording
# (settings=default) around one wrk -t2 -c32 phase; heap bytes = serve.sh alloc() (jdk.ThreadAllocationStatistics,
# all threads) / GETs; medians at the end. Allocation per GET hardly depends on the machine's load, unlike CPU.
#
#   compat-tests/bench/cost/get-alloc-side.sh OUT ROUNDS JAR...     (SECS=6 seconds per phase)
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
i=0
for j in "${jars[@]}"; do
  port=$((20000 + RANDOM % 20000)); mkdir -p "$out/$i/data"
  DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret MALLOC_ARENA_MAX=2 java -Xmx256m -XX:+UseSerialGC \
    -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Xss512k -jar "$(readlink -f $j)" serve \
    --data-dir "$out/$i/data" --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) \
    --allow-mfa-over-http >"$out/$i/server.log" 2>&1 &
  pids[$i]=$!; ports[$i]=$port; i=$((i+1))
done
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; done' EXIT
for k in "${!jars[@]}"; do
  for _ in $(seq 1 900); do (exec 3<>/dev/tcp/127.0.0.1/${ports[$k]}) 2>/dev/null && break; sleep 0.1; done
  python3 $root/compat-tests/bench/cost/presign.py http://127.0.0.1:${ports[$k]} $access $secret "$out/$k" 10 100000 4096
done
wrkc() { wrk -t$1 -c$2 -d"$3"s -s $root/compat-tests/bench/wrk/paths.lua http://127.0.0.1:$4 -- "$5" GET 0 $1 \
  | awk '/requests in/ {print $1} /Non-2xx/ {print "non2xx " $NF > "/dev/stderr"}'; }
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
csw() { cat /proc/$1/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
hz=$(getconf CLK_TCK)
for w in 1 2 3; do for k in "${!jars[@]}"; do wrkc 2 32 8 ${ports[$k]} "$out/$k/get.paths" >/dev/null; wrkc 1 1 4 ${ports[$k]} "$out/$k/get.paths" >/dev/null; done; done
echo "uptime at start: $(uptime)" | tee "$out/summary.txt"
. $root/compat-tests/bench/cost/serve.sh
for r in $(seq 1 $rounds); do
  for k in "${!jars[@]}"; do
    p=${pids[$k]}
    jcmd $p JFR.start name=a settings=default >/dev/null
    n=$(wrkc 2 32 $secs ${ports[$k]} "$out/$k/get.paths")
    jcmd $p JFR.stop name=a filename=$out/$k/a$r.jfr >/dev/null
    pid=$p; a=$(alloc $out/$k/a$r.jfr)
    awk -v j=$(basename ${jars[$k]}) -v n=$n -v a=$a -v r=$r 'BEGIN {printf "round %d %s c32: %d GETs alloc_B %.0f\n", r, j, n, a/n}' | tee -a "$out/summary.txt"
  done
done
echo "uptime at end: $(uptime)" | tee -a "$out/summary.txt"
for j in "${jars[@]}"; do for m in c32; do
  grep " $(basename $j) $m:" "$out/summary.txt" | awk '{print $NF}' | sort -n | awk -v j=$(basename $j) -v m=$m '{a[NR]=$1} END {printf "median %s %s alloc_B %s (n=%d)\n", j, m, (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), NR}'
done; done | tee -a "$out/summary.txt"
