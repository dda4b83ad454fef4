# Sourced by cost.sh and list-cpu.sh (not run): the bench's root key pair, the Dualkey server's start on loopback
# and the /proc and JFR readings both scripts take of it. Expects to run from the repository root.
access=AKIABENCHMARK0000001
secret=benchSecretKey0000000000000000000000000000

# serve_start JAR DATA_DIR PORT LOG [JVM option...]: starts `JAR serve` in the background (its pid in $pid, its output
# appended to LOG; the console on PORT+1) and returns once PORT accepts connections; exits if it does not within 180 s
serve_start() {
  local jar=$1 data=$2 port=$3 log=$4
  shift 4
  DUALKEY_ROOT_ACCESS_KEY=$access DUALKEY_ROOT_SECRET_KEY=$secret java "$@" -jar "$jar" serve --data-dir "$data" \
    --address 127.0.0.1:$port --console-address 127.0.0.1:$((port + 1)) --allow-mfa-over-http >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1800); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  echo "the server did not start (see $log)" >&2
  exit 1
}

# the server's CPU so far (utime+stime of all threads, clock ticks)
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
# the same for the JIT compiler threads only (on a loaded machine they still work after a warm-up)
cpujit() { for t in /proc/$pid/task/*; do if grep -q Compiler $t/comm 2>/dev/null; then awk '{print $14 + $15}' $t/stat; fi; done \
  | awk '{s += $1} END {print s + 0}'; }
# JFR file -> Java heap bytes allocated by all threads during the recording (the first and last
# jdk.ThreadAllocationStatistics of each thread)
alloc() {
  jfr print --events jdk.ThreadAllocationStatistics "$1" | awk '
    /allocated =/ {gsub(/[ ,]/, "", $3); a = $3; unit = $4}
    /thread =/ {t = $0; sub(/.*thread = /, "", t)
      v = a; if (unit ~ /kB/) v *= 1024; if (unit ~ /MB/) v *= 1048576; if (unit ~ /GB/) v *= 1073741824
      if (!(t in first)) first[t] = v; last[t] = v}
    END {for (t in first) s += last[t] - first[t]; printf "%.0f\n", s}'
}
