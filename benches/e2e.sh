#!/usr/bin/env bash
# End-to-end benchmark: generates the estates (benches/gen_estate.py), then for each size and
# mode runs the e2e binary (phase medians, then pinned to one core), the release `audit`
# example under /usr/bin/time (wall time and peak memory of the whole process) and Python's
# json.load of the same file.
#
#   cargo build --release -p ahb-benches --bin e2e && cargo build --release -p ahb-core --example audit
#   bash benches/e2e.sh [SIZES...]        # default: 10000 100000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000 100000 1000000}")
dir=${E2E_DIR:-/tmp/ahb-e2e}
mkdir -p "$dir"
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for n in ${sizes[@]}; do
  runs=$(( n >= 1000000 ? 1 : 5 ))
  for mode in compliant noncompliant; do
    f="$dir/estate-$n-$mode.json"
    [ -s "$f" ] || python3 benches/gen_estate.py "$n" "$mode" > "$f"
    echo "== $n $mode ($(du -m "$f" | cut -f1) MB), $runs runs"
    target/release/e2e "$f" "$runs"
    # The recommendations' re-solves run on both cores; the same run pinned to one core.
    if command -v taskset >/dev/null; then
      echo "one core: $(taskset -c 0 target/release/e2e "$f" "$runs" | grep -E 'optimize|total' | tr -s ' ' | tr '\n' ';')"
    fi
    for i in $(seq "$runs"); do
      /usr/bin/time -f "%e %M" target/release/examples/audit "$f" --json 2>>"$dir/audit.t" >/dev/null
      python3 -c 'import json,sys,time; t=time.perf_counter(); json.load(open(sys.argv[1])); print(time.perf_counter()-t)' "$f" >>"$dir/py.t"
    done
    echo "audit example: median $(cut -d' ' -f1 "$dir/audit.t" | median) s, peak $(cut -d' ' -f2 "$dir/audit.t" | median) KB"
    echo "python json.load: median $(median < "$dir/py.t") s"
    rm -f "$dir/audit.t" "$dir/py.t"
  done
done
