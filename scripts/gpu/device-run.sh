#!/usr/bin/env bash
# One command on a lent GPU machine (NVIDIA H100/H200, x86-64): the gpu-kernels parity tests on
# webgpu through Dawn's Vulkan backend, the benchmark on webgpu, and PyTorch CUDA/CPU references.
#
# Why this exists next to run-gpu-checks.sh: that machine has python3 + torch (CUDA) but no node,
# no npm and no network, and receives only the git working tree plus a few carried ignored paths
# (64 MiB in all). So node itself, a pruned node_modules and the built dist/ folders come in one
# archive, .device-bundle/steerable-device.tar.xz (built by scripts/gpu/make-device-bundle.sh, which
# lives there, ignored through .git/info/exclude), and the Vulkan/EGL loader debs in .gl/ (the
# image may lack libvulkan; Dawn dlopens libvulkan.so.1). Carry both:
#
#   run: bash scripts/gpu/device-run.sh        carry: [".device-bundle", ".gl"]
#
# Writes at most 8 files into $OUT (what comes back): summary.txt, device-run.log,
# parity-webgpu.{log,json}, bench-webgpu.{log,json}, bench-torch.{log,json}. Every step has its own
# time limit and the whole run stays under ~7 minutes; it always exits 0 (summary.txt says which
# step passed, failed or timed out), so one device call returns everything there is.
#
# Overrides (a dry run on a machine without a GPU uses them):
#   STEERABLE_WEBGPU_FLAGS / STEERABLE_WEBGPU_COMPAT  default backend=vulkan / 0 (core mode);
#       backend=opengles / 1 is Dawn's software path on a CPU-only machine
#   DEVICE_TEST_FILES   vitest filters (default packages/gpu-kernels)
#   DEVICE_REPS (5), DEVICE_BENCH_WORKLOADS, DEVICE_TORCH_DEVICES (cuda,cpu), DEVICE_TORCH_THREADS (16)
#   DEVICE_T_PARITY (150) DEVICE_T_BENCH (150) DEVICE_T_TORCH (80) seconds; DEVICE_BUDGET (390) for all
#   DEVICE_GL_ROOT      where .gl/*.deb are unpacked (default /; elsewhere: via LD_LIBRARY_PATH)
#   SEQ_LOGPROB_SHAPE   seq-logprob shape for the bench workers (default 8,256,50257)
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
OUT=${OUT:-$REPO/device-out}
mkdir -p "$OUT"
DEV=/tmp/steerable-dev
SUM="$OUT/summary.txt"
: >"$SUM"
exec > >(tee -a "$OUT/device-run.log") 2>&1
TEE_PID=$!
finish() { exec >&- 2>&-; wait "$TEE_PID" 2>/dev/null; exit 0; } # let tee write the log out first
note() { echo "$*" | tee -a "$SUM"; }
START=$SECONDS
BUDGET=${DEVICE_BUDGET:-390}
# A step's limit: its own, or what is left of the whole budget if that is less (at least 20 s).
limit() { local left=$((START + BUDGET - SECONDS)); ((left < 20)) && left=20; echo $(($1 < left ? $1 : left)); }
verdict() { case $1 in 0) echo pass ;; 124 | 137) echo "TIMEOUT (rc $1)" ;; *) echo "FAIL (rc $1)" ;; esac; }

note "== device-run $(date -u +%FT%TZ) in $REPO"
note "-- machine: $(uname -m), $(ldd --version 2>/dev/null | head -1), $(nproc) cpus"
note "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -2)"

# 1. The runtime: unpack once per machine (a fresh machine is bare; a warm one keeps /tmp).
ARCHIVE=.device-bundle/steerable-device.tar.xz
[ -f "$ARCHIVE" ] || { note "FATAL: $ARCHIVE missing (carry .device-bundle)"; finish; }
stamp=$(cksum <"$ARCHIVE")
if [ "$(cat "$DEV/.stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$DEV" && mkdir -p "$DEV"
  if command -v xz >/dev/null; then
    tar -C "$DEV" -xJf "$ARCHIVE"
  else # no xz binary: python's lzma; filter='tar' keeps pnpm's symlinks as they are
    python3 -c 'import sys,tarfile; kw={"filter":"tar"} if hasattr(tarfile,"tar_filter") else {}; tarfile.open(sys.argv[1]).extractall(sys.argv[2],**kw)' "$ARCHIVE" "$DEV"
  fi || { note "FATAL: unpacking $ARCHIVE failed"; finish; }
  echo "$stamp" >"$DEV/.stamp"
fi
NODE="$DEV/node/bin/node"
export PATH="$DEV/node/bin:$PATH"
note "-- bundle: $(tr '\n' ';' <"$DEV/MANIFEST.txt")"
# Root node_modules: a link (the packages' own node_modules point into it by relative links).
# dist/ and the packages' node_modules are copied, not linked: node resolves a module's imports
# from its real path, so packages/X/dist must sit beside packages/X/package.json and node_modules.
# What an earlier run placed (marked) is refreshed; anything else there (a developer's) is kept.
if [ -e node_modules ] && [ ! -L node_modules ]; then note "node_modules exists here: used as is"; else ln -sfn "$DEV/repo/node_modules" node_modules; fi
for d in "$DEV"/repo/packages/* "$DEV"/repo/apps/*; do
  rel=${d#"$DEV"/repo/}
  [ -d "$rel" ] || continue
  for sub in dist node_modules; do
    [ -e "$d/$sub" ] || continue
    if [ ! -e "$rel/$sub" ] || [ -e "$rel/$sub/.from-device-bundle" ]; then
      rm -rf "${rel:?}/$sub" && cp -a "$d/$sub" "$rel/$sub" && touch "$rel/$sub/.from-device-bundle"
    fi
  done
done
# The benchmark runs the packages' dist, the tests their src: say when they differ.
src_hash=$(find packages/*/src -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
grep -q "src-hash: $src_hash" "$DEV/MANIFEST.txt" || note "WARNING: packages/*/src differ from the sources the bundle's dist was built from (src-hash here $src_hash): bench rows come from the bundle's dist; rebuild the bundle"
# dawn.node needs GLIBCXX_3.4.30 (gcc 12's libstdc++); older images get the bundled one, node only.
NODE_LD=
libstdcxx=$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if ! grep -qa GLIBCXX_3.4.30 "${libstdcxx:-/nonexistent}"; then
  NODE_LD="$DEV/node/lib-fallback"
  note "-- system libstdc++ lacks GLIBCXX_3.4.30: node runs with the bundled one"
fi

# 2. Vulkan and EGL loaders (the image may lack them), then the NVIDIA driver's ICD/vendor files.
if [ -d .gl ] && ls .gl/*.deb >/dev/null 2>&1; then
  GL_ROOT=${DEVICE_GL_ROOT:-/}
  mkdir -p "$GL_ROOT"
  for f in .gl/*.deb; do dpkg -x "$f" "$GL_ROOT"; done
  if [ "$GL_ROOT" = / ]; then ldconfig; else NODE_LD="$GL_ROOT/usr/lib/x86_64-linux-gnu${NODE_LD:+:$NODE_LD}"; fi
fi
note "-- libvulkan: $(ldconfig -p | grep -m1 libvulkan.so.1 || echo 'not in ldconfig')"
have_icd=$(ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* /usr/local/share/vulkan/icd.d/*nvidia* 2>/dev/null | head -1)
f=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "$have_icd" ] && [ -z "${VK_DRIVER_FILES:-}" ] && [ -f $f ]; then export VK_DRIVER_FILES=$f; fi
have_egl=$(ls /usr/share/glvnd/egl_vendor.d/*nvidia* /etc/glvnd/egl_vendor.d/*nvidia* 2>/dev/null | head -1)
f=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
if [ -z "$have_egl" ] && [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -f $f ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=$f; fi
note "-- vulkan ICD: ${VK_DRIVER_FILES:-${have_icd:-none found}}; EGL vendor: ${__EGL_VENDOR_LIBRARY_FILENAMES:-${have_egl:-none found}}"
# Node's library path: the bundled/unpacked libraries first, the image's own (driver) path kept.
NODE_LD="${NODE_LD:+$NODE_LD${LD_LIBRARY_PATH:+:}}${LD_LIBRARY_PATH:-}"
dawn=packages/gpu-kernels/node_modules/webgpu/dist/linux-x64/dawn.node
missing=$(LD_LIBRARY_PATH=$NODE_LD ldd "$dawn" 2>&1 | grep 'not found')
[ -n "$missing" ] && note "WARNING: dawn.node: $missing"

# 3. Which adapter Dawn gives with these flags. If Vulkan gives none and the flags are our default,
# fall back to Dawn's OpenGL ES backend on the NVIDIA EGL driver (a hardware adapter, not llvmpipe)
# rather than spend the run on skipped tests; the summary says so.
probe() {
  STEERABLE_WEBGPU_FLAGS=$1 STEERABLE_WEBGPU_COMPAT=$2 LD_LIBRARY_PATH=$NODE_LD timeout 30 "$NODE" --input-type=module -e '
    process.env.XDG_RUNTIME_DIR ??= "/tmp"; process.env.EGL_PLATFORM ??= "surfaceless"; // as webgpu-setup.ts
    const { create } = await import(process.cwd() + "/packages/gpu-kernels/node_modules/webgpu/index.js");
    const compat = process.env.STEERABLE_WEBGPU_COMPAT !== "0";
    const a = await create(process.env.STEERABLE_WEBGPU_FLAGS.split(" ").filter(Boolean)).requestAdapter(compat ? { featureLevel: "compatibility" } : {});
    if (!a) { console.log("no adapter"); process.exit(1); }
    const i = a.info ?? {};
    console.log(`adapter: ${i.vendor} / ${i.architecture} / ${i.device} / ${i.description}; maxStorageBufferBindingSize ${a.limits.maxStorageBufferBindingSize}, maxBufferSize ${a.limits.maxBufferSize}`);
    process.exit(/llvmpipe|swiftshader|softpipe|lavapipe/i.test(`${i.device} ${i.description}`) ? 2 : 0);' 2>&1 |
    grep -v 'artificially reduced' | tail -4
  return "${PIPESTATUS[0]}"
}
if [ -z "${STEERABLE_WEBGPU_FLAGS:-}" ] && [ -z "${STEERABLE_WEBGPU_COMPAT:-}" ]; then
  export STEERABLE_WEBGPU_FLAGS=backend=vulkan STEERABLE_WEBGPU_COMPAT=0
  p=$(probe backend=vulkan 0); rc=$?
  note "-- webgpu probe (backend=vulkan, core): $p"
  if [ $rc -ne 0 ]; then
    p=$(probe backend=opengles 1); rc=$?
    note "-- webgpu probe (backend=opengles, compatibility): $p"
    if [ $rc -eq 0 ]; then
      export STEERABLE_WEBGPU_FLAGS=backend=opengles STEERABLE_WEBGPU_COMPAT=1
      note "FALLBACK: Vulkan gave no adapter; webgpu steps use Dawn's OpenGL ES backend on this GPU"
    fi
  fi
else
  p=$(probe "${STEERABLE_WEBGPU_FLAGS:-backend=vulkan}" "${STEERABLE_WEBGPU_COMPAT:-0}")
  export STEERABLE_WEBGPU_FLAGS=${STEERABLE_WEBGPU_FLAGS:-backend=vulkan} STEERABLE_WEBGPU_COMPAT=${STEERABLE_WEBGPU_COMPAT:-0}
  note "-- webgpu probe ($STEERABLE_WEBGPU_FLAGS, compat=$STEERABLE_WEBGPU_COMPAT, from env): $p"
fi
note "-- setup took $((SECONDS - START)) s"

# Step 1: parity tests, the repo's vitest config, gpu-kernels only, webgpu added to cpu and wasm.
t=$(limit "${DEVICE_T_PARITY:-150}")
note "== 1. parity tests on webgpu ($STEERABLE_WEBGPU_FLAGS, compat=$STEERABLE_WEBGPU_COMPAT; limit ${t} s)"
s=$SECONDS
# shellcheck disable=SC2086 # DEVICE_TEST_FILES is a list of vitest filters
STEERABLE_TEST_BACKENDS=webgpu NO_COLOR=1 LD_LIBRARY_PATH=$NODE_LD timeout -k 10 "$t" "$NODE" node_modules/vitest/vitest.mjs run ${DEVICE_TEST_FILES:-packages/gpu-kernels} \
  --reporter=default --reporter=json --outputFile.json="$OUT/parity-webgpu.json" 2>&1 | tee "$OUT/parity-webgpu.log"
rc=${PIPESTATUS[0]}
note "parity: $(verdict "$rc") in $((SECONDS - s)) s"
[ -f "$OUT/parity-webgpu.json" ] && "$NODE" -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const all = r.testResults.flatMap((f) => f.assertionResults);
  const count = (list) => ["passed", "failed", "pending", "skipped", "todo"].map((s) => [s, list.filter((a) => a.status === s).length]).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(", ");
  const gpu = all.filter((a) => a.ancestorTitles.some((t) => /webgpu/.test(t)) || /webgpu/.test(a.title));
  console.log(`all tests: ${count(all)}; webgpu tests: ${count(gpu) || "none"}`);
  if (!gpu.some((a) => a.status === "passed")) console.log("WARNING: no webgpu test ran (see the webgpu probe above)");
  for (const a of all.filter((a) => a.status === "failed").slice(0, 15)) console.log(`  FAILED ${a.fullName}: ${(a.failureMessages[0] ?? "").split("\n")[0].slice(0, 200)}`);
  for (const a of gpu.filter((a) => a.status !== "passed" && a.status !== "failed").slice(0, 3)) console.log(`  skipped ${a.fullName}`);' "$OUT/parity-webgpu.json" 2>&1 | tee -a "$SUM"

# Step 2: the benchmark on webgpu. --full adds the paper-size step and seq-logprob on webgpu;
# bench.mjs rewrites the JSON after each workload, so a time-out keeps the finished rows.
t=$(limit "${DEVICE_T_BENCH:-150}")
note "== 2. benchmark on webgpu (limit ${t} s)"
s=$SECONDS
LD_LIBRARY_PATH=$NODE_LD timeout -k 10 "$t" "$NODE" scripts/bench.mjs --backends webgpu --full --no-torch --no-packages --reps "${DEVICE_REPS:-5}" \
  --workloads "${DEVICE_BENCH_WORKLOADS:-matmul-1024,np-btl-step-synthetic,np-btl-step-paper,seq-logprob-fwd-bwd,seq-logprob-fwd-bwd-composite}" \
  --json "$OUT/bench-webgpu.json" 2>&1 | tee "$OUT/bench-webgpu.log"
note "bench webgpu: $(verdict "${PIPESTATUS[0]}") in $((SECONDS - s)) s"
grep -E 'exited with|failed:' "$OUT/bench-webgpu.log" | head -8 | sed 's/^/  /' | tee -a "$SUM"

# Step 3: PyTorch references through the same harness (same workloads and shapes), with the
# machine's python3 (the one with CUDA torch), CUDA first, then CPU on DEVICE_TORCH_THREADS.
t=$(limit "${DEVICE_T_TORCH:-80}")
note "== 3. torch references ($(python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1 | tail -1); limit ${t} s)"
s=$SECONDS
timeout -k 10 "$t" "$NODE" scripts/bench.mjs --backends '' --no-packages --torch-device "${DEVICE_TORCH_DEVICES:-cuda,cpu}" --torch-threads "${DEVICE_TORCH_THREADS:-16}" \
  --python "$(command -v python3)" --reps "${DEVICE_REPS:-5}" --json "$OUT/bench-torch.json" 2>&1 | tee "$OUT/bench-torch.log"
note "bench torch: $(verdict "${PIPESTATUS[0]}") in $((SECONDS - s)) s"
grep -E 'exited with|torch_reference.py:|Error' "$OUT/bench-torch.log" | head -8 | sed 's/^/  /' | tee -a "$SUM"

# One table of medians (ms) from both JSON files.
"$NODE" -e '
  const fs = require("fs");
  const rows = process.argv.slice(1).filter((f) => fs.existsSync(f)).flatMap((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const cols = [...new Set(rows.map((r) => `${r.backend}/${r.variant}`))];
  const lines = [["workload", ...cols]];
  for (const w of new Set(rows.map((r) => r.workload)))
    lines.push([w, ...cols.map((c) => { const r = rows.find((x) => x.workload === w && `${x.backend}/${x.variant}` === c); return r ? (r.median_ms == null ? "failed" : `${r.median_ms.toFixed(2)} (n=${r.n})`) : "-"; })]);
  const wd = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  if (rows.length === 0) console.log("median ms: no rows"); else console.log("median ms:"); if (rows.length) for (const l of lines) console.log("  " + l.map((c, i) => c.padEnd(wd[i])).join("  "));' \
  "$OUT/bench-webgpu.json" "$OUT/bench-torch.json" 2>&1 | tee -a "$SUM"
note "== done in $((SECONDS - START)) s"
finish
