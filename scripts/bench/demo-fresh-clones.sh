#!/bin/bash
# `pnpm demo` on fresh clones: for each of N clones of REPO (default: this checkout), install (not
# timed), then time `pnpm demo`, and append the wall time and the load averages to WORK/results.txt.
#   scripts/bench/demo-fresh-clones.sh [REPO] [WORK] [N]
set -u
repo=${1:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
work=${2:-/tmp/steerable-demo-timing}
runs=${3:-3}
mkdir -p "$work" && cd "$work" || exit 1
for i in $(seq 1 "$runs"); do
  rm -rf "clone$i" && git clone -q "$repo" "clone$i"
  (cd "clone$i" && npx -y pnpm@12.18.0 install >install.log 2>&1)
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date +%s.%N)
  (cd "clone$i" && TURBO_TELEMETRY_DISABLED=1 npx -y pnpm@12.18.0 demo >demo.log 2>&1)
  rc=$?
  end=$(date +%s.%N)
  echo "run $i rc=$rc wall=$(echo "$end - $start" | bc) load_before=$before load_after=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a results.txt
done
