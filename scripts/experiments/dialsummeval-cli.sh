#!/usr/bin/env bash
# Issue 13's DialSummEval Must-show through the CLIs (built dist), as a user would run it: for each
# seed, the six presets (BTL-mixed, one oracle BTL per criterion, NP-BTL) trained one at a time on
# DATA, then `steerable-eval reward` over the six runs on their held-out test split (the presets'
# evaluation: k = 0,1,3,5,10, T = 20, 500 tasks per user). Finally the table: mean +- s.e. over the
# seeds per criterion and k, and the Must-show checks (dialsummeval-cli-table.mjs).
#   scripts/experiments/dialsummeval-cli.sh DATA OUT [-- extra flags for both CLIs, e.g. --cache-dir DIR]
# SEEDS (default "0 1 2") picks the seeds. A run whose summary.json exists is kept, so an
# interrupted protocol picks up where it stopped. Needs `pnpm build` first.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 DATA OUT [-- flags for steerable-train and steerable-eval]" >&2
  exit 2
fi
data=$(realpath "$1")
out=$2
shift 2
[ "${1:-}" = "--" ] && shift
cd "$(dirname "$0")/../.."
train="node apps/trainer/dist/cli.js"
evaluate="node apps/evaluation/dist/cli.js"
presets="dialsummeval-btl-mixed dialsummeval-btl-coherence dialsummeval-btl-consistency dialsummeval-btl-fluency dialsummeval-btl-relevance dialsummeval-np-btl"
mkdir -p "$out"
for seed in ${SEEDS:-0 1 2}; do
  runs=()
  for preset in $presets; do
    run="$out/seed-$seed/$preset"
    runs+=("$run")
    if [ -f "$run/summary.json" ]; then
      echo "seed $seed $preset: trained already ($run)" >&2
      continue
    fi
    # wasm on one thread, as the experiment script ran; --overwrite replaces a run cut short.
    /usr/bin/time -f "seed $seed $preset: %e s wall" $train reward --preset "$preset" --data "$data" --seed "$seed" --out "$run" --overwrite --backend wasm "$@"
  done
  if [ ! -f "$out/seed-$seed/eval/dialsummeval-np-btl/eval.json" ]; then
    /usr/bin/time -f "seed $seed evaluation: %e s wall" $evaluate reward --run "${runs[@]}" --out "$out/seed-$seed/eval" --backend wasm "$@" > "$out/seed-$seed/eval.txt"
  fi
done
node scripts/experiments/dialsummeval-cli-table.mjs "$out" --command "$0 $data $out${*:+ -- $*} (SEEDS=${SEEDS:-0 1 2})"
