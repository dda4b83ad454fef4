#!/usr/bin/env bash
# Where the Dualkey bench server's resident memory goes while run.sh's rows run (issue 19; bench README
# "Footprint, session 10"). Start it beside run.sh, with NMT on in the server:
#   compat-tests/bench/footprint-sample.sh OUTDIR &
#   compat-tests/bench/run.sh --runs 1 --servers dualkey --workloads put4k_new,get4k,wrk_put4k,wrk_get4k,list_versions,mem_64x256m_uploads \
#     --dualkey-jvm "<run.sh's flags> -XX:NativeMemoryTracking=summary -Xlog:gc*:file=OUTDIR/gc.log:uptime,time"
# (list_versions, not list_versions_page, selects the versioned rows; mem_64x256m_uploads runs only without --quick.)
# Each second OUTDIR/rss.log gets VmHWM, VmRSS, threads, smaps_rollup Rss/Anonymous and heapRss: the resident part
# of the Java heap's range (0xf0000000-0x100000000, where -Xmx256m with compressed oops puts it); every 5 s
# OUTDIR/nmt.log gets `jcmd VM.native_memory summary` (committed per category) and `jcmd GC.heap_info`.
# Outside the heap and NMT's categories is what NMT does not track: RocksDB's allocations and glibc's free lists.
out=$1; [ -n "$out" ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
# only this checkout's server (the data directory is an absolute path): other checkouts may run benchmarks too
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"; n=0; pid=
while true; do
  if [ -z "$pid" ] || [ ! -d "/proc/$pid" ]; then
    pid=$(pgrep -f "dualkey.jar serve --data-dir $root/compat-tests/target/bench/work/dualkey" | head -1)
    [ -z "$pid" ] && { sleep 0.5; continue; }
    echo "$(date -u +%T) pid $pid" >> "$out/rss.log"
  fi
  s=$(awk '/^VmRSS|^VmHWM|^Threads/ {printf "%s %s ", $1, $2}' "/proc/$pid/status" 2>/dev/null)
  a=$(awk '/^Anonymous|^Rss/ {printf "%s %s ", $1, $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)
  h=$(perl -ne 'if(/^([0-9a-f]+)-[0-9a-f]+ /){$s=hex($1);$in=($s>=0xf0000000 && $s<0x100000000)} elsif(/^Rss:\s+(\d+)/ && $in){$h+=$1} END{print $h+0}' "/proc/$pid/smaps" 2>/dev/null)
  echo "$(date -u +%T) $s $a heapRss $h" >> "$out/rss.log"
  if [ $((n % 5)) = 0 ]; then
    { echo "=== $(date -u +%T)"; grep -E '^(VmRSS|VmHWM)' "/proc/$pid/status"
      jcmd "$pid" VM.native_memory summary 2>&1 | grep -E '^(-|Total)'
      jcmd "$pid" GC.heap_info 2>&1 | tail -n +2; } >> "$out/nmt.log" 2>&1
  fi
  n=$((n + 1)); sleep 1
done
