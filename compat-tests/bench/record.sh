#!/usr/bin/env bash
# Full benchmark runs whose results are kept (issue 19): runs compat-tests/bench/run.sh TIMES times in a row
# (default 3; each run is the full suite, 3 runs per workload), copies each run's results.md and results.csv to
# compat-tests/bench/results/<UTC date-time>-<commit>.md/.csv, regenerates the README's Performance section from
# the latest committed runs (compat-tests/bench/perf_section.py; the same section in this directory's README.md)
# and commits the new files and both READMEs.
#
#   compat-tests/bench/record.sh                 three full runs, unattended (about 1.3-1.5 hours on 2 cores)
#   compat-tests/bench/record.sh --times 1       one run
#   compat-tests/bench/record.sh -- --versions 1000000    options after -- go to run.sh
#   compat-tests/bench/record.sh --list-1m       the list rows alone at issue 19's size (Dualkey, a bucket of
#                                                1,000,000 versions; ~6 minutes), kept under results/list1m/: the
#                                                full runs' list bucket is ~60,000 versions, so their list-page
#                                                targets read "NOT AT SIZE" and perf_section.py takes the verdict
#                                                from the latest of these
# Environment: BENCH_NO_COMMIT=1 writes the files and the README but leaves committing to you.
# Run it on a quiet machine. Each run waits for the machine to settle before each server, after that server's client
# warm-up (BenchMain, Settle.machine: until the CPU was under 15% busy and 10% iowait over two 2-s windows in a row, at
# most 60 s a wait, `-- --settle-max SECONDS` to change): the previous run's tail otherwise lands in the next run's
# first rows. That adds ~4-10 s a wait on a quiet machine, at most 4 x 60 s per run without the cluster servers
# (dualkey, nginx, moto, s3proxy) and 7 x 60 s with them on a machine that never settles. Each wait's
# load average, CPU shares, length and outcome are in the results' header ("machine before ...").
set -euo pipefail
cd "$(dirname "$0")/../.."
times=
list1m=0
while [ $# -gt 0 ]; do
  case "$1" in
    --times) times=$2; shift 2 ;;
    --list-1m) list1m=1; shift ;;
    --) shift; break ;;
    *) echo "usage: $0 [--times N | --list-1m] [-- run.sh options]" >&2; exit 2 ;;
  esac
done
results=compat-tests/bench/results
kind="full run(s)"
if [ "$list1m" = 1 ]; then
  times=${times:-1}
  kind="run(s) of the list rows at 1,000,000 versions"
  results=$results/list1m
  set -- --servers dualkey --workloads list_versions_page,list_versions_page_raw --versions 1000000 "$@"
fi
times=${times:-3}
mkdir -p "$results"
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no -- storage mfa gateway)" ]; then
  commit="$commit-dirty"
fi
for i in $(seq 1 "$times"); do
  echo "[record] full run $i of $times (commit $commit), $(date -u +%H:%M:%S) UTC; uptime: $(uptime)" >&2
  # the first run builds, the later ones reuse its jar (same code)
  if [ "$i" -gt 1 ]; then export BENCH_SKIP_BUILD=1; fi
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  compat-tests/bench/run.sh "$@"
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  name=$(date -u +%Y-%m-%dT%H%MZ)-$commit
  {
    cat compat-tests/target/bench/results.md
    # the load average lags a minute behind: what the machine did at each server's start is in the header lines
    # "machine before ..." (Settle.machine)
    printf '\n- Recorded by compat-tests/bench/record.sh: run %d of %d, commit %s, load average before %s, after %s\n' \
      "$i" "$times" "$commit" "$load_before" "$load_after"
  } >"$results/$name.md"
  cp compat-tests/target/bench/results.csv "$results/$name.csv"
  echo "[record] wrote $results/$name.md and .csv" >&2
done
python3 compat-tests/bench/perf_section.py --write README.md --write compat-tests/bench/README.md
if [ "${BENCH_NO_COMMIT:-0}" != 1 ]; then
  git add "$results" README.md compat-tests/bench/README.md
  git commit -m "bench: $times $kind of $commit recorded under $results; README Performance section regenerated"
fi
