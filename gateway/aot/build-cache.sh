#!/usr/bin/env bash
# Builds a start-up cache for the Dualkey server jar from one training run (README, "Fast start"; optional):
#   - with JDK 25 or newer: an AOT cache (JEP 483/514/515: -XX:AOTCacheOutput) holding the loaded and linked
#     classes and the method profiles of the training run, so that a server started with -XX:AOTCache=FILE
#     skips class loading and linking and compiles its hot methods sooner;
#   - with JDK 17-24: an AppCDS archive (-XX:ArchiveClassesAtExit) of the classes the training run loaded,
#     used with -XX:SharedArchiveFile=FILE (class loading only; no profiles).
#
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java gateway/aot/build-cache.sh [JAR] [OUT] [JVM options...]
#
# JAR defaults to gateway/target/dualkey.jar; OUT to the jar's name with .aot (JDK 25+) or .jsa; the JVM options
# default to the benchmark's bounded footprint (compat-tests/bench/run.sh) and should be those the server will
# run with (the AOT cache records them and refuses a mismatched GC or class path with a warning). The training
# run starts the jar on a throw-away data directory on loopback, drives it for TRAIN_SECONDS (default 30) with
# train.py (boto3: S3 and IAM calls) and, at the same time, wrk with presigned 4 KiB PUTs then GETs (volume, so
# that the profiles are those of the hot paths), then stops it with SIGTERM; the JVM writes OUT as it exits.
# Rebuild after every build of the jar: a stale cache is refused (the JVM warns and starts without it).
# Needs python3 + boto3 and wrk (as compat-tests/bench/cost/cost.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
java=${JAVA:-java}
jar=${1:-gateway/target/dualkey.jar}
feature=$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
if [ "${feature%%.*}" -ge 25 ]; then mode=aot; else mode=cds; fi
out=${2:-${jar%.jar}.$([ $mode = aot ] && echo aot || echo jsa)}
shift 2 2>/dev/null || shift $#
jvm=("$@")
[ ${#jvm[@]} -gt 0 ] || jvm=(-Xmx256m -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Xss512k)
seconds=${TRAIN_SECONDS:-30}
[ -f "$jar" ] || { echo "build-cache: no jar at $jar (mvn -B -q package -DskipTests)" >&2; exit 2; }
# The archive records the class path as given: a relative one is resolved against the directory a later server
# starts in (JDK 17 refused the archive for the benchmark's server, which runs in its work directory)
jar=$(realpath "$jar")
rm -f "$out"
if [ $mode = aot ]; then
  # Netty 4.2 turns its Unsafe use off on Java 25 unless told otherwise; the server runs with the same flag
  jvm+=(--sun-misc-unsafe-memory-access=allow "-XX:AOTCacheOutput=$out")
else
  jvm+=("-XX:ArchiveClassesAtExit=$out")
fi
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
access=AKIATRAINING00000001
secret=trainingSecretKey000000000000000000000000
DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret MALLOC_ARENA_MAX=2 "$java" "${jvm[@]}" \
  -jar "$jar" serve --data-dir "$work/data" --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) \
  --allow-mfa-over-http --warm-up 0 >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 900); do
  (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
  kill -0 $pid 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "[build-cache] $mode: training $jar with ${jvm[*]} for $seconds s" >&2
python3 gateway/aot/train.py http://127.0.0.1:$port $access $secret "$seconds" >"$work/train.log" 2>&1 &
train=$!
python3 compat-tests/bench/cost/presign.py http://127.0.0.1:$port $access $secret "$work" 400000 200000 4096
wrk -t2 -c32 -d$((seconds * 2 / 3))s -s compat-tests/bench/wrk/paths.lua http://127.0.0.1:$port -- \
  "$work/put.paths" PUT 4096 2 >"$work/wrk-put.txt"
wrk -t2 -c32 -d$((seconds / 3))s -s compat-tests/bench/wrk/paths.lua http://127.0.0.1:$port -- \
  "$work/get.paths" GET 0 2 >"$work/wrk-get.txt"
curl -fsS -o /dev/null http://127.0.0.1:$((port + 1))/ || true # the console's first page
if ! wait $train; then
  cat "$work/train.log" >&2
  echo "[build-cache] the training requests failed: no cache written" >&2
  exit 1
fi
cat "$work/train.log" >&2
grep -h 'requests in' "$work/wrk-put.txt" "$work/wrk-get.txt" >&2 || true
if grep -q 'Non-2xx' "$work/wrk-put.txt" "$work/wrk-get.txt"; then
  echo "[build-cache] wrk saw error answers: no cache written" >&2
  exit 1
fi
kill -TERM $pid
wait $pid || true # the JVM writes the archive or cache as it exits (JDK 25: in a child JVM it waits for)
if [ ! -s "$out" ]; then
  tail -20 "$work/server.log" >&2
  echo "[build-cache] $out was not written" >&2
  exit 1
fi
echo "[build-cache] wrote $out ($(du -h "$out" | cut -f1))" >&2
