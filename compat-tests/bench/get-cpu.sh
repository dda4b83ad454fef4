#!/usr/bin/env bash
# Server CPU-seconds of one 256 MiB GET, encrypted at rest vs plain (issue 16), in the same run: a load-insensitive
# measure (utime + stime of the server process from /proc/PID/stat around N GETs, after W warm-up GETs that let the
# JIT compile the AES-GCM path with its intrinsics). Needs the aws CLI and a built jar:
#
#   mvn -B -o -q -DskipTests -pl gateway -am package
#   compat-tests/bench/get-cpu.sh [JAR] [GETS] [WARMUPS]
#
# Prints one line per mode: "enc|noenc: X CPU-s per 256 MiB GET (n=..., load ...)".
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=${1:-gateway/target/dualkey.jar}; n=${2:-4}; warm=${3:-6}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
head -c 268435456 /dev/urandom > "$tmp/256m.bin"
export AWS_ACCESS_KEY_ID=AKIABENCHMARK0000001 AWS_SECRET_ACCESS_KEY=benchSecretKey0000000000000000000000000000
export AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1
for mode in enc noenc; do
  port=$((20000 + RANDOM % 20000)); extra=(); [ "$mode" = noenc ] && extra=(--encryption=off)
  DUALKEY_ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID DUALKEY_ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
    java -Xmx256m -jar "$jar" serve --data-dir "$tmp/$mode" --address 127.0.0.1:$port \
    --console-address 127.0.0.1:$((port + 1)) --allow-mfa-over-http "${extra[@]}" > "$tmp/$mode.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -s -o /dev/null http://127.0.0.1:$port/ && break; sleep 1; done
  ep=(--endpoint-url http://127.0.0.1:$port)
  aws "${ep[@]}" s3api create-bucket --bucket bench-bkt > /dev/null
  aws "${ep[@]}" s3api put-object --bucket bench-bkt --key k --body "$tmp/256m.bin" > /dev/null
  for _ in $(seq 1 "$warm"); do aws "${ep[@]}" s3api get-object --bucket bench-bkt --key k /dev/null > /dev/null; done
  c0=$(awk '{print $14+$15}' /proc/$pid/stat)
  for _ in $(seq 1 "$n"); do aws "${ep[@]}" s3api get-object --bucket bench-bkt --key k "$tmp/out" > /dev/null; done
  c1=$(awk '{print $14+$15}' /proc/$pid/stat)
  cmp -s "$tmp/out" "$tmp/256m.bin" || { echo "$mode: the GET returned other bytes" >&2; exit 1; }
  echo "$mode: $(echo "scale=3; ($c1 - $c0) / $(getconf CLK_TCK) / $n" | bc) CPU-s per 256 MiB GET (n=$n, load $(cut -d' ' -f1 /proc/loadavg))"
  kill $pid; wait $pid 2>/dev/null || true
done
