#!/usr/bin/env bash
# Remakes apps/evaluation/test/fixtures/report-runs from real runs of the built CLIs (run it after
# a change to eval.json or the run layout; build first: npx -y pnpm@12.18.0 build). Keeps only what
# the report reads: config.json, metrics.jsonl, sessions.jsonl, summary.json, checkpoint manifests
# (no weights) and eval.json.
set -euo pipefail
cd "$(dirname "$0")/../../.."
train="node apps/trainer/dist/cli.js"
evaluate="node apps/evaluation/dist/cli.js"
work=$(mktemp -d)
out=apps/evaluation/test/fixtures/report-runs

cat > "$work/tiny-np-btl.json" <<'JSON'
{ "name": "tiny-np-btl", "seed": 0,
  "data": { "source": "paper-synthetic", "numPairs": 1000, "seed": 0 },
  "model": { "kind": "np-btl", "hiddenDim": 16, "numHeads": 2, "pairEncoder": "mlp" },
  "training": { "epochs": 4, "batchSize": 32, "numTargets": 8, "tasksPerEpoch": 480, "logEvery": 3,
                "optimizer": { "lr": 0.005 }, "evaluateEvery": 15, "validationTasksPerUser": 20, "loadBestModelAtEnd": true },
  "evaluation": { "ks": [0, 1, 3, 10], "numTargets": 8, "tasksPerUser": 10 } }
JSON
$train reward --config "$work/tiny-np-btl.json" --out "$work/tiny-np-btl" --backend cpu
$evaluate reward --run "$work/tiny-np-btl" --backend cpu

small=test/e2e/fixtures/small-policy.json
for kind in sft dpo np-dpo; do
  node -e "const c=require('./$small'); Object.assign(c, {name: process.argv[1], kind: process.argv[2]}); if (process.argv[2] !== 'sft') c.reference = 'sft'; if (process.argv[2] === 'np-dpo') c.baseline = 'mixed'; require('fs').writeFileSync(process.argv[3], JSON.stringify(c));" \
    "$([ $kind = sft ] && echo sft || ([ $kind = dpo ] && echo mixed || echo tiny-np-dpo))" $kind "$work/$kind.json"
done
$train policy --config "$work/sft.json" --out "$work/sft" --backend wasm
$train policy --config "$work/dpo.json" --out "$work/mixed" --backend wasm
$train policy --config "$work/np-dpo.json" --out "$work/tiny-np-dpo" --backend wasm
$evaluate policy --run "$work/tiny-np-dpo" --backend wasm

rm -rf "$out/tiny-np-btl" "$out/tiny-np-dpo"
for run in tiny-np-btl tiny-np-dpo; do
  mkdir -p "$out/$run/eval"
  for file in config.json metrics.jsonl sessions.jsonl summary.json; do cp "$work/$run/$file" "$out/$run/$file"; done
  node -e "const fs=require('fs'); fs.writeFileSync(process.argv[2], JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1],'utf8'))))" "$work/$run/eval/eval.json" "$out/$run/eval/eval.json"
  for checkpoint in "$work/$run"/checkpoints/*/; do
    name=$(basename "$checkpoint")
    case "$name" in step-*|best) mkdir -p "$out/$run/checkpoints/$name"; cp "$checkpoint/manifest.json" "$out/$run/checkpoints/$name/";; esac
  done
done
rm -rf "$work"
echo "remade $out"
