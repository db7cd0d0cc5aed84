#!/usr/bin/env bash
# The steerable-text benchmark trained twice: from its preset (data generated in memory) and from
# the same data exported as a TRL file with user_id and split columns (--data FILE), each as
# SFT -> DPO-mixed (+ DPO-formal, DPO-casual oracles) -> NP-DPO, then evaluated with the
# steerable-text judge. The two NP-DPO results must agree within 2 standard errors.
#   scripts/experiments/steerable-text-from-file.sh [OUT_DIR] [--backend wasm]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/steerable-text-from-file}
shift || true
train="node apps/trainer/dist/cli.js"
evaluate="node apps/evaluation/dist/cli.js"
mkdir -p "$out"
$train data export-benchmark steerable-text --out "$out/steerable-text.jsonl.gz"
for variant in preset file; do
  data=()
  [ "$variant" = file ] && data=(--data "$out/steerable-text.jsonl.gz")
  for preset in steerable-text-dpo-formal steerable-text-dpo-casual steerable-text-np-dpo; do
    if [ ! -f "$out/$variant/$preset/summary.json" ]; then
      $train policy --preset "$preset" "${data[@]}" --out "$out/$variant/$preset" "$@"
    fi
  done
  $evaluate policy --run "$out/$variant/steerable-text-np-dpo" "$@" > "$out/$variant.summary.txt"
done
node -e '
const fs = require("fs");
const [a, b] = ["preset", "file"].map((v) => JSON.parse(fs.readFileSync(`${process.argv[1]}/${v}/steerable-text-np-dpo/eval/eval.json`, "utf8")));
for (const metric of ["implicit_accuracy", "win_rate"]) for (const user of Object.keys(a[metric])) {
  const x = a[metric][user]["10"], y = b[metric][user]["10"];
  const se = Math.sqrt(x.sem ** 2 + y.sem ** 2);
  console.log(`${metric} ${user} k=10: preset ${x.mean.toFixed(3)} +- ${x.sem.toFixed(3)}, file ${y.mean.toFixed(3)} +- ${y.sem.toFixed(3)}, |diff| ${Math.abs(x.mean - y.mean).toFixed(3)} (${se > 0 ? (Math.abs(x.mean - y.mean) / se).toFixed(2) : "0"} s.e.)`);
}' "$out"
