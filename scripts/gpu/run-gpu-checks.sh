#!/usr/bin/env bash
# Parity tests and the benchmark on a GPU machine, through tfjs-node-gpu (backend `tensorflow`)
# and WebGPU (Dawn on the NVIDIA Vulkan driver), for a GPU machine with Node, pnpm and a network.
# Not part of CI. Its webgpu half has run through device-run.sh on an H200 (2026-11-27, results in
# results/bench/2026-11-27-h200*); its tfjs-node-gpu half never has.
# On this workplace's lent GPU machines (python3 + torch, but no node, npm or network) use
# scripts/gpu/device-run.sh instead: it brings node, node_modules and dist in a carried archive.
#
#   scripts/gpu/run-gpu-checks.sh [OUT_DIR]
#
# Needs: Node >= 20.19, pnpm, an NVIDIA driver with Vulkan (vulkaninfo --summary lists the GPU).
# tfjs-node-gpu additionally needs libtensorflow-gpu 2.9.1 + CUDA 11.2 + cuDNN 8.1 (see
# packages/gpu-kernels/README.md); without them its checks are skipped, not failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${1:-gpu-check-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
status=0

echo "== machine" | tee "$OUT/summary.txt"
(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "nvidia-smi: not available") | tee -a "$OUT/summary.txt"
(vulkaninfo --summary 2>/dev/null | grep -E "deviceName|driverName" || echo "vulkaninfo: not available") | tee -a "$OUT/summary.txt"

pnpm install --frozen-lockfile >"$OUT/install.log" 2>&1 || { echo "pnpm install failed (see $OUT/install.log)"; exit 1; }
pnpm build >"$OUT/build.log" 2>&1 || { echo "pnpm build failed (see $OUT/build.log)"; exit 1; }

# WebGPU on a real driver: Dawn's Vulkan backend in core mode, not the OpenGL ES compatibility
# mode this package uses on CPU-only machines.
export STEERABLE_WEBGPU_FLAGS="${STEERABLE_WEBGPU_FLAGS:-backend=vulkan}"
export STEERABLE_WEBGPU_COMPAT="${STEERABLE_WEBGPU_COMPAT:-0}"

for backend in webgpu tensorflow; do
  echo "== $backend: parity tests" | tee -a "$OUT/summary.txt"
  if STEERABLE_TEST_BACKENDS="$backend" npx vitest run packages/gpu-kernels >"$OUT/parity-$backend.log" 2>&1; then
    echo "pass" | tee -a "$OUT/summary.txt"
  else
    echo "FAIL (see $OUT/parity-$backend.log)" | tee -a "$OUT/summary.txt"; status=1
  fi
  echo "== $backend: benchmark" | tee -a "$OUT/summary.txt"
  node scripts/bench.mjs --backends "$backend" --reps 10 --json "$OUT/bench-$backend.json" --no-packages >"$OUT/bench-$backend.txt" 2>"$OUT/bench-$backend.err" \
    || { echo "benchmark failed (see $OUT/bench-$backend.err)" | tee -a "$OUT/summary.txt"; status=1; }
  tail -n 30 "$OUT/bench-$backend.txt" | tee -a "$OUT/summary.txt"
done
echo "results in $OUT"
exit $status
