#!/usr/bin/env bash
# Side-by-side warm-up curves of the Dualkey server (issue 19: within 10% of its best PUT rate within 10 s of
# accepting connections) for four start-ups, interleaved (the order rotates every round) so that each sees the
# same machine:
#   17      JDK 17 as the benchmark runs it (compat-tests/bench/run.sh's bounded-footprint options)
#   17cds   JDK 17 + the AppCDS archive (gateway/target/dualkey-java17.jsa)
#   25      JDK 25 without a cache (--sun-misc-unsafe-memory-access=allow, as run.sh adds on 24+)
#   25aot   JDK 25 + the AOT cache (gateway/target/dualkey-java25.aot)
#   17warm  JDK 17 with serve's warm-up (--warm-up 8s, the default; package dev.dualkey.gateway.warmup)
#   25aotwarm  JDK 25 + the AOT cache + the warm-up
# (every other start-up runs with --warm-up 0). CONFIGS="17 17warm" picks some (default: 17 17warm 25aot
# 25aotwarm; 17cds and 25 on request); the caches are needed only by the start-ups that use them.
# Each run starts the jar on a fresh data directory, notes the server's CPU seconds and the wall time when its
# S3 port accepts, creates a bucket and then drives 4 KiB PUTs (half new keys, half overwrites, as the benchmark's
# warm-up) with wrk, 2 threads, 32 connections, in WINDOWS windows of 3 s from the moment it accepts. The paths
# are presigned before any server runs, so that no client-side start-up (an SDK's own JIT warm-up) competes with
# the server; the benchmark's warm-up row (run.sh) stops at the first plateau, which a loaded machine fakes.
#
#   [CONFIGS="17 17warm"] [WARM_UP=8s] gateway/aot/warmup-curves.sh [ROUNDS] [OUT] [WINDOWS]
#
# Needs the jar and both caches (build-cache.sh; JDK25 names JDK 25's java), wrk and python3. OUT (default
# compat-tests/target/warmup-curves) gets curves.txt: per run the load average, CPU and wall seconds to accept,
# each window's PUT/s and the seconds from accept to the end of the first window within 10% of the run's best;
# and, as a loaded machine gives the server a varying share of its CPU, each window's PUTs per server CPU-second
# (how far compiled the server's code is), the server's CPU seconds since launch, and the JIT threads' share.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
out=${2:-compat-tests/target/warmup-curves}
windows=${3:-20}
jdk25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
jar=gateway/target/dualkey.jar
base=(-Xmx256m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Xss512k)
read -r -a configs <<<"${CONFIGS:-17 17warm 25aot 25aotwarm}"
warm_up=${WARM_UP:-8s}
need=("$jar")
case " ${configs[*]} " in *" 17cds "*) need+=(gateway/target/dualkey-java17.jsa) ;; esac
case " ${configs[*]} " in *" 25aot"*) need+=(gateway/target/dualkey-java25.aot) ;; esac
for f in "${need[@]}"; do
  [ "$f" -nt "$jar" ] || [ "$f" = "$jar" ] || { echo "$f missing or older than the jar: build-cache.sh" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
access=AKIABENCHMARK0000001
secret=benchSecretKey0000000000000000000000000000
port=$((20000 + RANDOM % 20000))
python3 gateway/aot/presign_windows.py 127.0.0.1:$port $access $secret "$out" "$windows" 40000
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
jitticks() { for t in /proc/$1/task/*; do if grep -q Compiler "$t/comm" 2>/dev/null; then awk '{print $14 + $15}' "$t/stat"; fi; done \
  | awk '{s += $1} END {print s + 0}'; }
pid=
trap '[ -z "$pid" ] || kill $pid 2>/dev/null || true' EXIT
one() { # config round
  local java=java opts=("${base[@]}") warm=0
  case $1 in
    17warm) warm=$warm_up ;;
    17cds) opts+=(-XX:SharedArchiveFile=gateway/target/dualkey-java17.jsa) ;;
    25) java=$jdk25; opts+=(--sun-misc-unsafe-memory-access=allow) ;;
    25aot) java=$jdk25; opts+=(--sun-misc-unsafe-memory-access=allow -XX:AOTCache=gateway/target/dualkey-java25.aot) ;;
    25aotwarm) java=$jdk25; warm=$warm_up
      opts+=(--sun-misc-unsafe-memory-access=allow -XX:AOTCache=gateway/target/dualkey-java25.aot) ;;
  esac
  opts+=(${JVM_EXTRA:-})
  local load data=$out/data rates=() t0 cpu start best=0 first=-1 w r end
  load=$(uptime | sed 's/.*load average: //')
  rm -rf "$data"
  start=$(date +%s.%N)
  DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret MALLOC_ARENA_MAX=2 "$java" "${opts[@]}" \
    -jar "$jar" serve --data-dir "$data" --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) \
    --allow-mfa-over-http --warm-up "$warm" >"$out/$1-$2.log" 2>&1 &
  pid=$!
  until (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do
    kill -0 $pid 2>/dev/null || { echo "$1 did not start: $out/$1-$2.log" >&2; return 1; }
    sleep 0.02
  done
  t0=$(date +%s.%N)
  cpu=$(awk -v hz="$hz" '{printf "%.2f", ($14 + $15) / hz}' /proc/$pid/stat)
  curl -fsS -o /dev/null -X PUT "http://127.0.0.1:$port$(cat "$out/bucket.path")"
  local ends=() effs=() cpus=() jits=() c0 c1 j0 j1 e
  c0=$(ticks $pid); j0=$(jitticks $pid)
  for w in $(seq 0 $((windows - 1))); do
    r=$(wrk -t2 -c32 -d3s -s compat-tests/bench/wrk/paths.lua http://127.0.0.1:$port -- \
      "$out/put-$(printf %02d "$w").paths" PUT 4096 2 | tee "$out/$1-$2-wrk.txt" \
      | awk '/Non-2xx/ {bad = 1} /requests in/ {n = $1; sub(/s,?$/, "", $4); t = $4} END {print bad ? "ERR" : int(n / t)}')
    rates+=("$r")
    c1=$(ticks $pid); j1=$(jitticks $pid)
    # PUTs per server CPU-second in the window (how compiled the code is, whatever CPU the machine gave it), the
    # server's CPU seconds since launch at the window's end, and the JIT compiler threads' share of the window
    e=$(awk -v r="$r" -v c=$((c1 - c0)) -v hz="$hz" 'BEGIN {printf "%d", (r == "ERR" || c == 0) ? 0 : r * 3 / (c / hz)}')
    effs+=("$e"); cpus+=("$(awk -v c="$c1" -v hz="$hz" 'BEGIN {printf "%.1f", c / hz}')")
    jits+=("$(awk -v j=$((j1 - j0)) -v c=$((c1 - c0)) 'BEGIN {printf "%.2f", c ? j / c : 0}')")
    c0=$c1; j0=$j1
    ends+=("$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN {printf "%.1f", a - b}')")
  done
  kill -TERM $pid
  wait $pid || true
  pid=
  for r in "${rates[@]}"; do [ "$r" = ERR ] || [ "$r" -le "$best" ] || best=$r; done
  for w in "${!rates[@]}"; do
    if [ "$first" -lt 0 ] && [ "${rates[$w]}" != ERR ] && [ $((rates[w] * 10)) -ge $((best * 9)) ]; then first=$w; fi
  done
  local ebest=0 efirst=-1
  for e in "${effs[@]}"; do [ "$e" -le "$ebest" ] || ebest=$e; done
  for w in "${!effs[@]}"; do
    if [ "$efirst" -lt 0 ] && [ $((effs[w] * 10)) -ge $((ebest * 9)) ]; then efirst=$w; fi
  done
  printf '%-9s round %s (load %s): accept after %.1f s wall, %s CPU-s; within 10%% of best (%s PUT/s) %s s after accept (%s s after launch); PUT per CPU-s within 10%% of best (%s) at %s server CPU-s\n  PUT/s per 3-s window: %s\n  PUT per server CPU-s: %s\n  server CPU-s at window end: %s\n  JIT share: %s\n' \
    "$1" "$2" "$load" "$(awk -v a="$t0" -v b="$start" 'BEGIN {print a - b}')" "$cpu" "$best" "${ends[$first]}" \
    "$(awk -v a="${ends[$first]}" -v b="$t0" -v c="$start" 'BEGIN {printf "%.1f", a + b - c}')" \
    "$ebest" "${cpus[$efirst]}" "${rates[*]}" "${effs[*]}" "${cpus[*]}" "${jits[*]}" | tee -a "$out/curves.txt"
}
for r in $(seq 1 "$rounds"); do
  n=${#configs[@]}
  for i in $(seq 0 $((n - 1))); do
    one "${configs[$(((i + r - 1) % n))]}" "$r"
  done
done
