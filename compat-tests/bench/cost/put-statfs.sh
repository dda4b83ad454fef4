#!/usr/bin/env bash
# statfs/fstatfs calls per 4 KiB PUT (issue 19: the free-space guard's statfs), two server jars taking turns in one
# run. For each jar: start it, write presigned PUT paths (presign.py), warm up with wrk PUTs (2 threads, 32
# connections), then count statfs + fstatfs of all server threads (strace -f -c -e trace=statfs,fstatfs -p PID)
# during SECONDS of the same PUTs. strace slows the server, so the PUT rate of that phase is printed too: a reading
# the guard reuses for 100 ms makes calls per PUT depend on the rate (about 10 per second of reads far above the
# reserve), while before every PUT did at least one.
#
#   compat-tests/bench/cost/put-statfs.sh OLD_JAR NEW_JAR [SECONDS] [ROUNDS]
#
# defaults: 10 s, 2 rounds. Needs java 17, wrk, strace, python3 + boto3.
set -euo pipefail
cd "$(dirname "$0")/../../.."
[ $# -ge 2 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2"); seconds=${3:-10}; rounds=${4:-2}
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
access=AKIABENCHMARK0000001 secret=benchSecretKey0000000000000000000000000000
for round in $(seq 1 "$rounds"); do
  for which in old new; do
    jar=$old; [ "$which" = new ] && jar=$new
    port=$((20000 + RANDOM % 20000))
    rm -rf "$tmp/data"; mkdir -p "$tmp/data"
    DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret java -Xmx256m -jar "$jar" serve \
      --data-dir "$tmp/data" --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) \
      --allow-mfa-over-http > "$tmp/server-$which.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    python3 compat-tests/bench/cost/presign.py http://127.0.0.1:$port $access $secret "$tmp" 200000 0 4096
    wrkrun() { # paths seconds -> requests
      wrk -t2 -c32 -d"$2"s -s compat-tests/bench/wrk/paths.lua http://127.0.0.1:$port -- "$1" PUT 4096 2 \
        | awk '/requests in/ {print $1}'
    }
    # the warm-up and the measured phase use disjoint halves of the paths (new keys throughout)
    head -n 100000 "$tmp/put.paths" > "$tmp/warm.paths"; tail -n 100000 "$tmp/put.paths" > "$tmp/measure.paths"
    wrkrun "$tmp/warm.paths" 15 > /dev/null
    strace -f -c -e trace=statfs,fstatfs -o "$tmp/strace.txt" -p $pid 2>/dev/null & sp=$!
    sleep 1
    n=$(wrkrun "$tmp/measure.paths" "$seconds")
    kill -INT $sp; wait $sp 2>/dev/null || true
    calls=$(awk '$NF == "statfs" || $NF == "fstatfs" {s += $4} END {print s + 0}' "$tmp/strace.txt")
    awk -v w=$which -v r=$round -v n=$n -v c=$calls -v s=$seconds -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN {printf "round %d %s: %d PUTs (%.0f/s under strace), %d statfs+fstatfs: %.3f per PUT (load %s)\n",
              r, w, n, n / s, c, c / n, l}'
    kill $pid; wait $pid 2>/dev/null || true; pid=
  done
done
