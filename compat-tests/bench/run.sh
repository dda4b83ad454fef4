#!/usr/bin/env bash
# The issue-7 benchmark in one command: builds what it needs, starts Dualkey, nginx, moto and s3proxy one at a
# time on loopback, runs the same workloads against each, prints one table and writes
# compat-tests/target/bench/results.md and results.csv.
#
#   compat-tests/bench/run.sh            full suite, all 7 servers (about 25-28 minutes on 2 cores, estimated;
#                                        40 in session 12: bench/README.md "How long a full run takes")
#   compat-tests/bench/run.sh --quick    small counts, for development (a few minutes)
#   other options go to BenchMain: --servers dualkey,nginx  --workloads put4k,get4k  --runs 3  --versions 1000000
#                                  --dualkey-jvm "-Xmx256m"  (JVM options of the Dualkey server)
#                                  --settle-max 60  (cap in seconds of the wait for a quiet machine before the
#                                  client warm-up and each server: Settle.java; the results' "machine before" lines)
# Environment: BENCH_SKIP_BUILD=1 reuses the last build; MAVEN_ARGS (e.g. -o) is passed to Maven;
#              BENCH_JFR=1 records a JFR profile of the Dualkey server into compat-tests/target/bench/work/;
#              BENCH_DUALKEY_JAVA, BENCH_CDS=1, BENCH_AOT=1: the Dualkey server's java and start-up cache (below).
# Needs: java 17, mvn, nginx, wrk, moto_server (pip install 'moto[server]'), /usr/bin/etcd for the cluster rows
# (servers upstream, cluster1, cluster3; issue 20); a missing server is reported as "cannot start" in the table,
# not skipped silently.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
out=compat-tests/target/bench
mkdir -p "$out/work"

mvn_args=(-B -q ${MAVEN_ARGS:-})
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "[bench] building the Dualkey server jar (gateway/target/dualkey.jar)" >&2
  if ! mvn "${mvn_args[@]}" -DskipTests -pl gateway -am package >"$out/build-dualkey.log" 2>&1; then
    echo "[bench] the Dualkey build failed (see $out/build-dualkey.log); it is reported as 'cannot start'" >&2
    rm -f gateway/target/dualkey.jar
  fi
  echo "[bench] building the load generator and fetching s3proxy" >&2
  mvn "${mvn_args[@]}" -f compat-tests/bench/pom.xml package dependency:build-classpath dependency:copy \
    >"$out/build-bench.log" 2>&1 || { cat "$out/build-bench.log" >&2; exit 1; }
fi

for tool in nginx wrk moto_server etcd; do
  command -v "$tool" >/dev/null 2>&1 || echo "[bench] $tool is not installed: its rows will say so" >&2
done

build=compat-tests/target/bench-build
# The README's bounded footprint (section "Memory footprint"): heap, initial heap 64 MiB (the old generation grows
# with the live data, not with garbage), young generation (48 MiB: eden 32, two 8 MiB survivor spaces), GC, code
# cache, metaspace, direct memory and stacks capped; the server also gets
# MALLOC_ARENA_MAX=2 (Servers.java) and sizes RocksDB's block cache from -Xmx itself (30 MiB here)
dualkey_jvm=(-Xmx256m -Xms64m -Xmn48m -XX:SurvivorRatio=4 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=128m -Xss512k)
# Opt-in start-up caches (README "Fast start", gateway/aot/build-cache.sh), none by default: BENCH_DUALKEY_JAVA runs
# the Dualkey server on another java (e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; Servers.java reads it);
# BENCH_CDS=1 adds an AppCDS archive (any JDK), or BENCH_AOT=1 the AOT cache (JDK 25+), trained first when
# missing or older than the jar. On JDK 25 Netty needs --sun-misc-unsafe-memory-access=allow to keep its fast paths.
export BENCH_DUALKEY_JAVA=${BENCH_DUALKEY_JAVA:-java}
dualkey_feature=$("$BENCH_DUALKEY_JAVA" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
dualkey_feature=${dualkey_feature:-0}
dualkey_cache=()
if [ "${BENCH_CDS:-0}" = 1 ] || [ "${BENCH_AOT:-0}" = 1 ]; then
  if [ "${BENCH_AOT:-0}" = 1 ]; then
    [ "${dualkey_feature%%.*}" -ge 25 ] || { echo "[bench] BENCH_AOT=1 needs JDK 25+ in BENCH_DUALKEY_JAVA" >&2; exit 2; }
    file=gateway/target/dualkey-java${dualkey_feature%%.*}.aot; dualkey_cache=("-XX:AOTCache=$root/$file")
  else
    file=gateway/target/dualkey-java${dualkey_feature%%.*}.jsa; dualkey_cache=("-XX:SharedArchiveFile=$root/$file")
  fi
  if [ ! "$file" -nt gateway/target/dualkey.jar ]; then
    JAVA=$BENCH_DUALKEY_JAVA gateway/aot/build-cache.sh gateway/target/dualkey.jar "$file" "${dualkey_jvm[@]}" || exit 1
  fi
fi
[ "${dualkey_feature%%.*}" -lt 24 ] || dualkey_jvm+=(--sun-misc-unsafe-memory-access=allow)
dualkey_jvm+=(${dualkey_cache[@]+"${dualkey_cache[@]}"})
if [ "${BENCH_JFR:-0}" = 1 ]; then
  dualkey_jvm+=("-XX:StartFlightRecording=filename=$root/$out/work/dualkey.jfr,settings=profile,dumponexit=true")
fi
# The whole run is bounded in time (it only talks to 127.0.0.1).
exec timeout 5400 java -Xmx3g -XX:+UseParallelGC -cp "$build/classes:$(cat "$build/classpath.txt")" \
  dev.dualkey.compat.bench.BenchMain --out "$out" --work "$out/work" --bench-dir compat-tests/bench \
  --dualkey-jar gateway/target/dualkey.jar --s3proxy-jar "$build/s3proxy.jar" \
  --dualkey-jvm "${dualkey_jvm[*]}" "$@"
