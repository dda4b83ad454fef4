#!/usr/bin/env bash
# Load-insensitive cost of a 4 KiB PUT and GET on the Dualkey server (issue 19): what one request costs the
# server, not how many the machine can do while other work runs. For each of PUT (new keys) and GET it drives
# the server with wrk (presigned URLs, 2 threads, 32 connections) after a warm-up and reports, per request:
#   cpu_us     server CPU (utime+stime from /proc/PID/stat, all threads) per request, in microseconds
#   csw        voluntary context switches of all server threads per request (thread hand-offs and blocking)
#   alloc_B    Java heap bytes allocated per request (JFR jdk.ThreadAllocationStatistics, all threads)
#   syscalls   system calls per request and fsync+fdatasync per request (strace -c -f, a separate phase)
# plus the server's peak RSS (VmHWM) and the JVM's native memory summary (NMT) at the end. A CPU profile (JFR, settings=profile) of each measured phase stays in
# OUT/put.jfr and OUT/get.jfr (summarise with compat-tests/bench/jfr-top.sh).
#
#   compat-tests/bench/cost/cost.sh [JAR] [OUT] [extra JVM options...]
# defaults: gateway/target/dualkey.jar, compat-tests/target/cost. Needs java 17, wrk, strace, python3 + boto3.
set -euo pipefail
cd "$(dirname "$0")/../../.."
jar=${1:-gateway/target/dualkey.jar}
out=${2:-compat-tests/target/cost}
shift 2 2>/dev/null || shift $#
jvm=(-Xmx256m -XX:NativeMemoryTracking=summary "$@")
seconds=${COST_SECONDS:-15}
warm=${COST_WARMUP:-20} # seconds of PUTs before measuring (then half as long of GETs); longer on a loaded machine
if [ -e "$out" ] && [ ! -f "$out/summary.txt" ]; then
  echo "$out exists and is no earlier cost.sh output: not replacing it" >&2; exit 2
fi
rm -rf "$out" && mkdir -p "$out/data"
out=$(cd "$out" && pwd)
port=$((20000 + RANDOM % 20000))
. compat-tests/bench/cost/serve.sh # access, secret, serve_start, cpu, cpujit, alloc
: >"$out/server.log"
trap '[ -n "${pid:-}" ] && kill $pid 2>/dev/null || true' EXIT
serve_start "$jar" "$out/data" $port "$out/server.log" "${jvm[@]}"
python3 "$(dirname "$0")/presign.py" http://127.0.0.1:$port $access $secret "$out" 300000 100000 4096
wrkrun() { # method paths seconds
  local bytes=0
  [ "$1" = PUT ] && bytes=4096
  wrk -t2 -c32 -d"$3"s -s compat-tests/bench/wrk/paths.lua http://127.0.0.1:$port -- "$2" "$1" $bytes 2 \
    | awk '/requests in/ {print $1} /Non-2xx/ {print "non2xx " $NF > "/dev/stderr"}'
}
threads() { for t in /proc/$pid/task/*; do printf '%s ' "$(tr -d ' 0-9#' <$t/comm 2>/dev/null)"; \
  awk '{print $14 + $15}' $t/stat 2>/dev/null || echo 0; done; }
csw() { cat /proc/$pid/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
printf 'uptime: %s\n' "$(uptime)" | tee "$out/summary.txt"
# warm-up: PUTs then GETs, as the bench's own warm-up does; then, on a loaded machine where the JIT lags, more
# rounds (10 s of PUTs, 5 s of GETs) until the JIT compiler threads took under 5 % of the server's CPU in the last
# round (at most COST_WARMUP_MAX seconds): per-request CPU of code still interpreted is no figure of the code
wrkrun PUT "$out/put.paths" "$warm" >/dev/null
wrkrun GET "$out/get.paths" $((warm / 2)) >/dev/null
waited=0
while [ "$waited" -lt "${COST_WARMUP_MAX:-300}" ]; do
  c0=$(cpu); j0=$(cpujit)
  wrkrun PUT "$out/put.paths" 10 >/dev/null
  wrkrun GET "$out/get.paths" 5 >/dev/null
  c1=$(cpu); j1=$(cpujit); waited=$((waited + 15))
  share=$(awk -v c=$((c1 - c0)) -v j=$((j1 - j0)) 'BEGIN {printf "%.3f", (c > 0 ? j / c : 1)}')
  echo "warm-up round: JIT share of server CPU $share" >>"$out/warmup.txt"
  awk -v s="$share" 'BEGIN {exit !(s < 0.05)}' && break
done
printf 'warm-up: %s s beyond the first %s s; last JIT share %s\n' "$waited" "$((warm * 3 / 2))" "$share" \
  | tee -a "$out/summary.txt"
for m in PUT GET; do
  paths="$out/$(echo $m | tr A-Z a-z).paths"
  threads >"$out/threads0"; c0=$(cpu); s0=$(csw); j0=$(cpujit)
  jcmd $pid JFR.start name=cost settings=profile >/dev/null
  n=$(wrkrun $m "$paths" "$seconds")
  jcmd $pid JFR.stop name=cost filename="$out/$(echo $m | tr A-Z a-z).jfr" >/dev/null
  c1=$(cpu); s1=$(csw); j1=$(cpujit); threads >"$out/threads1"
  # CPU of the phase by thread name (digits dropped), microseconds per request
  awk -v n="$n" -v hz="$(getconf CLK_TCK)" 'NR == FNR {b[$1] += $2; next} {e[$1] += $2}
    END {for (k in e) if (e[k] - b[k] > 0) printf "  %s %.0f", k, (e[k] - b[k]) / hz / n * 1e6; print ""}' \
    "$out/threads0" "$out/threads1" | tee -a "$out/summary.txt"
  hz=$(getconf CLK_TCK)
  a=$(alloc "$out/$(echo $m | tr A-Z a-z).jfr")
  strace -f -c -o "$out/strace-$m.txt" -p $pid 2>/dev/null & sp=$!
  sleep 1
  ns=$(wrkrun $m "$paths" 5)
  kill -INT $sp; wait $sp 2>/dev/null || true
  calls=$(awk '$NF == "total" {print $4}' "$out/strace-$m.txt")
  syncs=$(awk '$NF == "fsync" || $NF == "fdatasync" {s += $4} END {print s + 0}' "$out/strace-$m.txt")
  awk -v m=$m -v n=$n -v c=$((c1 - c0)) -v j=$((j1 - j0)) -v hz=$hz -v s=$((s1 - s0)) -v a=$a -v ns=$ns -v calls=$calls -v syncs=$syncs \
    'BEGIN {printf "%s: %d requests in the measured phase; cpu_us %.0f (JIT %.0f)  csw %.2f  alloc_B %.0f  | strace phase %d requests: syscalls %.1f  fsyncs %.3f\n",
            m, n, c / hz / n * 1e6, j / hz / n * 1e6, s / n, a / n, ns, calls / ns, syncs / ns}' | tee -a "$out/summary.txt"
done
grep -E 'VmHWM|VmRSS|Threads' /proc/$pid/status | tee -a "$out/summary.txt"
# where the resident memory is: the JVM's own accounting (NMT) and RocksDB's
jcmd $pid VM.native_memory summary >"$out/nmt.txt" 2>&1 || true
grep -E '^Total|^-' "$out/nmt.txt" | sed -E 's/^-? *//; s/\(reserved=[0-9]+KB, /(/' | head -12 | paste -sd' ' \
  | tee -a "$out/summary.txt"
