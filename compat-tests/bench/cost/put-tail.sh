#!/usr/bin/env bash
# Where a small PUT's tail latency goes (issue 19, session 22): presigned 4 KiB PUTs to new keys under wrk --latency,
# the bench's JVM options, with what to line the percentiles up against. Three phases over three disjoint thirds of
# the presigned keys (wrk restarts at the top of its list each time, so one list would make later phases overwrite):
# warm-up (WARM s), measured (10 s), then nothing more. Around the measured phase it keeps the server's GC and
# safepoint log, its RocksDB metrics (write stalls, compactions; --metrics-address) and every thread's
# /proc/PID/task/*/schedstat (time on a core and time runnable but waiting for one), summed per thread group and
# per PUT.
#
#   compat-tests/bench/cost/put-tail.sh OUT JAR
#
# env: CONNS (64), SIZE (4096), PUTS (400000 presigned keys), WARM (20), JVM_EXTRA, SERVE_ARGS, DATA (OUT/data; a
# tmpfs path separates the disk's share). Needs java 17, wrk, python3 and curl. The data directory is deleted at
# the end (a run writes about 1.6 GiB).
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd); bench=$(dirname "$here")
out=$(realpath -m "$1"); jar=$(realpath "$2"); conns=${CONNS:-64}; data=${DATA:-$out/data}
rm -rf "$out" "$data"; mkdir -p "$out" "$data"
access=AKIABENCHMARK0000001; secret=benchSecretKey0000000000000000000000000000
port=$((20000 + RANDOM % 20000)); mport=$((port + 2))
DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret MALLOC_ARENA_MAX=2 java -Xmx256m -Xms64m -Xmn48m \
    -XX:SurvivorRatio=4 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Xss512k \
    "-Xlog:gc,safepoint:file=$out/gc.log:uptime" ${JVM_EXTRA:-} -jar "$jar" serve --data-dir "$data" \
    --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) --metrics-address 127.0.0.1:$mport \
    ${SERVE_ARGS:-} >>"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 900); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
python3 "$here/presign.py" http://127.0.0.1:$port $access $secret "$out" "${PUTS:-400000}" 10 "${SIZE:-4096}" >/dev/null
third=$(( $(wc -l < "$out/put.paths") / 3 ))
split -l $third -d -a 1 "$out/put.paths" "$out/put.part."
wrk_put() { wrk -t2 -c"$conns" -d"$2"s --latency -s "$bench/wrk/paths.lua" http://127.0.0.1:$port -- \
    "$out/put.part.$1" PUT "${SIZE:-4096}" 2; }
metrics() { curl -s http://127.0.0.1:$mport/metrics | grep -E '^(dualkey_rocksdb|jvm_gc_pause)' || true; }
sched() { for t in /proc/$pid/task/*; do echo "$(cat $t/comm)|$(cat $t/schedstat)"; done; }
wrk_put 0 "${WARM:-20}" > "$out/warm.txt"
metrics > "$out/metrics-before.txt"; sched > "$out/sched-before.txt"
wrk_put 1 10 > "$out/wrk.txt"
metrics > "$out/metrics-after.txt"; sched > "$out/sched-after.txt"
grep -A5 "Latency Distribution" "$out/wrk.txt"; grep "Requests/sec" "$out/wrk.txt"
python3 - "$out" "$(awk '/requests in/ {print $1}' "$out/wrk.txt")" <<'PY'
import collections, re, sys
out, puts = sys.argv[1], float(sys.argv[2])
def load(name):
    groups = collections.defaultdict(lambda: [0, 0, 0])
    for line in open(f"{out}/{name}"):
        comm, stat = line.rstrip("\n").split("|")
        for i, v in enumerate(map(int, stat.split())):
            groups[re.sub(r"[-\d]+$", "", comm)][i] += v
    return groups
a, b = load("sched-before.txt"), load("sched-after.txt")
print("per PUT, by thread group: us on a core / us runnable waiting for one")
for g in sorted(b, key=lambda g: a[g][0] - b[g][0]):
    run, wait = (b[g][0] - a[g][0]) / 1e3 / puts, (b[g][1] - a[g][1]) / 1e3 / puts
    if run >= 0.5:
        print(f"  {g:<24} {run:7.1f} / {wait:7.1f}")
PY
diff "$out/metrics-before.txt" "$out/metrics-after.txt" | grep -E '^>' | grep -E 'stall|compactions_total|gc_pause_seconds_(count|sum)' || true
