#!/usr/bin/env bash
# NP-DPO on DialSummEval through the CLIs: per seed, SFT of a GPT-2 from scratch on the training
# dialogues' summaries, DPO-mixed and NP-DPO from it (the dialsummeval-* presets: pairs where the
# criteria disagree, split by dialogue 0.6 / 0.15 / 0.25), then `steerable-eval policy` on the
# held-out dialogues. Writes OUT/seedS/<run>, OUT/table.md and OUT/machine-load.txt.
#   scripts/experiments/dialsummeval-np-dpo.sh DATA OUT [SEEDS] [CLI flags...]
#   e.g. scripts/experiments/dialsummeval-np-dpo.sh ../shared/data/dialsummeval/dialsummeval.jsonl.gz runs/dse "0 1 2" --backend wasm
# Build first (npx -y pnpm@12.18.0 build). Finished runs are reused, so a stopped script resumes.
set -euo pipefail
cd "$(dirname "$0")/../.."
usage="usage: $0 DATA OUT [SEEDS] [CLI flags...]"
data=${1:?$usage}
out=${2:?$usage}
seeds=${3:-0}
shift $(($# < 3 ? $# : 3))
if [ ! -f "$data" ]; then
  echo "no DialSummEval file at $data (dialsummeval.jsonl.gz: see the shared data README)" >&2
  exit 2
fi
train="node apps/trainer/dist/cli.js"
evaluate="node apps/evaluation/dist/cli.js"
[ -f apps/trainer/dist/cli.js ] && [ -f apps/evaluation/dist/cli.js ] || { echo "build the CLIs first: npx -y pnpm@12.18.0 build" >&2; exit 2; }
mkdir -p "$out"
load() { echo "$(date -u +%FT%TZ) $1: load average $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine-load.txt"; }
for seed in $seeds; do
  dir="$out/seed$seed"
  load "seed $seed start"
  if [ ! -f "$dir/dialsummeval-np-dpo/summary.json" ]; then
    # Trains dialsummeval-sft and dialsummeval-dpo (the DPO-mixed baseline) first, next to it.
    $train policy --preset dialsummeval-np-dpo --data "$data" --seed "$seed" --out "$dir/dialsummeval-np-dpo" "$@"
  fi
  load "seed $seed trained"
  started=$(date +%s)
  $evaluate policy --run "$dir/dialsummeval-np-dpo" "$@" > "$dir/summary.txt"
  echo $(($(date +%s) - started)) > "$dir/eval-wall.txt"
  load "seed $seed evaluated"
done
node scripts/experiments/dialsummeval-np-dpo-table.mjs "$out" $seeds | tee "$out/table.md"
