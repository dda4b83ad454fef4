#!/usr/bin/env bash
# Server CPU-seconds per GiB of large PUTs through SDK v2 (issue 19), two server jars side by side in one run: a
# load-insensitive measure (utime + stime of the server process from /proc/PID/stat around N PUTs of one 256 MiB
# file, after W warm-up PUTs that let the JIT compile the body path). The server serves HTTPS (--tls-self-signed),
# so SDK v2's default is what is measured: an aws-chunked body with unsigned chunks and a CRC32 trailer
# (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER; the script checks it). The client is
# dev.dualkey.compat.bench.PutLarge. The jars take turns, ROUNDS times (A B A B ...), each round on a fresh data
# directory; the median per jar is printed last.
#
#   mvn -B -o -q -DskipTests -pl gateway -am package      # the jar under test; build the other one elsewhere
#   compat-tests/bench/cost/put-cpu.sh OLD_JAR NEW_JAR [PUTS] [WARMUPS] [ROUNDS]
#
# defaults: 4 PUTs, 3 warm-ups, 3 rounds. BENCH_SKIP_BUILD=1 reuses compat-tests/target/bench-build.
# Needs java 17, mvn (offline is enough) and curl.
set -euo pipefail
cd "$(dirname "$0")/../../.."
[ $# -ge 2 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); n=${3:-4}; warm=${4:-3}; rounds=${5:-3}
build=compat-tests/target/bench-build
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -q -o -f compat-tests/bench/pom.xml compile dependency:build-classpath >/dev/null
fi
cp="$build/classes:$(cat "$build/classpath.txt")"
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
head -c 268435456 /dev/urandom > "$tmp/256m.bin"
access=AKIABENCHMARK0000001 secret=benchSecretKey0000000000000000000000000000
hz=$(getconf CLK_TCK)
declare -A results
for round in $(seq 1 "$rounds"); do
  for which in old new; do
    jar=$old; [ "$which" = new ] && jar=$new
    port=$((20000 + RANDOM % 20000))
    rm -rf "$tmp/data"
    DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret java -Xmx256m -jar "$jar" serve \
      --data-dir "$tmp/data" --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) \
      --tls-self-signed > "$tmp/server-$which.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -sk -o /dev/null https://127.0.0.1:$port/ && break; sleep 1; done
    put() { java -cp "$cp" dev.dualkey.compat.bench.PutLarge https://127.0.0.1:$port $access $secret bench-bkt \
      "$tmp/256m.bin" "$1" 2>>"$tmp/client-$which.log"; }
    put "$warm" > /dev/null
    c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
    mode=$(put "$n")
    c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
    [ "$mode" = STREAMING-UNSIGNED-PAYLOAD-TRAILER ] || { echo "$which: the SDK sent '$mode'" >&2; exit 1; }
    per=$(echo "scale=3; ($c1 - $c0) / $hz / ($n / 4)" | bc)
    results[$which]="${results[$which]:-} $per"
    echo "round $round $which: $per CPU-s per GiB (n=$n x 256 MiB, load $(cut -d' ' -f1 /proc/loadavg), $mode)"
    kill $pid; wait $pid 2>/dev/null || true; pid=
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mo=$(echo "${results[old]}" | median); mn=$(echo "${results[new]}" | median)
echo "median old $mo, new $mn CPU-s per GiB (new/old $(echo "scale=3; $mn / $mo" | bc)); old=$old new=$new"
