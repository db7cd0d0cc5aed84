#!/usr/bin/env bash
# Builds .device-bundle/steerable-device.tar.xz, the run-time half of scripts/gpu/device-run.sh:
# the GPU machine has python3+torch but no node, no npm and no network, and only the git working
# tree (+ at most 8 carried ignored paths, 64 MiB in all) travels. So this archive holds:
#   node/bin/node                       this machine's /usr/bin/node (standalone; libc/libstdc++ only)
#   node/lib-fallback/libstdc++.so.6    used only if the GPU machine's lacks GLIBCXX_3.4.30 (dawn.node)
#   repo/node_modules                   pnpm layout (symlinks kept), pruned to what the gpu-kernels
#                                       tests and scripts/bench.mjs load (see prune rules below)
#   repo/{packages,apps}/*/dist         built packages (the benchmark imports dist, the tests src)
#   repo/{packages,apps}/*/node_modules the per-package link folders (symlinks only)
#   MANIFEST.txt                        node version, git HEAD, hash of the sources dist was built from
# The archive lands in the ignored .device-bundle/ (add /.device-bundle/ to .git/info/exclude); rerun after a source change:
#   npx -y pnpm@12.18.0 -r build && bash scripts/gpu/make-device-bundle.sh
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
STAGE=${STAGE:-/tmp/steerable-bundle-stage}
ARCHIVE="$REPO/.device-bundle/steerable-device.tar.xz"
mkdir -p "$(dirname "$ARCHIVE")"
cd "$REPO"
# dist must be newer than its sources (the benchmark runs dist; device-run.sh also checks a hash).
for p in packages/*; do
  newest_src=$(find "$p/src" -type f -printf '%T@\n' | sort -n | tail -1)
  oldest_dist=$(find "$p/dist" -type f -printf '%T@\n' 2>/dev/null | sort -n | head -1)
  awk -v s="$newest_src" -v d="${oldest_dist:-0}" 'BEGIN { exit !(s > d) }' && { echo "$p/dist is older than $p/src: run 'npx -y pnpm@12.18.0 -r build' first" >&2; exit 1; }
done
rm -rf "$STAGE"
mkdir -p "$STAGE/node/bin" "$STAGE/node/lib-fallback" "$STAGE/repo"
cp /usr/bin/node "$STAGE/node/bin/node"
cp -L /usr/lib/x86_64-linux-gnu/libstdc++.so.6 "$STAGE/node/lib-fallback/libstdc++.so.6"

for d in packages/* apps/*; do
  mkdir -p "$STAGE/repo/$d"
  [ -d "$d/dist" ] && cp -a "$d/dist" "$STAGE/repo/$d/"
  [ -d "$d/node_modules" ] && cp -a "$d/node_modules" "$STAGE/repo/$d/"
done
# dist's source maps only serve debuggers; the .d.ts only the type checker.
find "$STAGE/repo/packages" "$STAGE/repo/apps" -path '*/dist/*' \( -name '*.map' -o -name '*.d.ts' \) -delete

python3 - "$REPO" "$STAGE/repo" <<'EOF'
# Copies node_modules, keeping the .pnpm store entries reachable (through pnpm's symlinks) from what
# the tests and the benchmark import, and dropping inside them what is never loaded at run time.
import os, shutil, sys
repo, out = sys.argv[1], sys.argv[2]
nm = os.path.join(repo, 'node_modules'); store = os.path.join(nm, '.pnpm')
ROOTS = ['node_modules/vitest', 'node_modules/@tensorflow/tfjs', 'node_modules/fast-check'] + [
    os.path.join('packages', p, 'node_modules', e, f) if e.startswith('@') else os.path.join('packages', p, 'node_modules', e)
    for p in ['core', 'gpu-kernels', 'btl-reward', 'np-encoder', 'preference-data']
    for e in os.listdir(os.path.join(repo, 'packages', p, 'node_modules')) if e != '.bin'
    for f in (os.listdir(os.path.join(repo, 'packages', p, 'node_modules', e)) if e.startswith('@') else [None])]
# Never loaded by vitest 4 / vite 8 (rolldown+oxc) / tfjs .node.js builds here (strace-checked):
# core-js (browser polyfills), esbuild's and lightningcss's binaries, type packages.
DROP = ('core-js@', 'esbuild@', '@esbuild+', 'lightningcss-linux', '@types+', 'undici-types@', 'typescript@')

def entry(p):
    r = os.path.realpath(p)
    return r[len(store) + 1:].split('/')[0] if r.startswith(store + '/') else None

keep, todo = set(), [e for e in (entry(os.path.join(repo, r)) for r in ROOTS) if e]
while todo:
    e = todo.pop()
    if e in keep or e.startswith(DROP):
        continue
    keep.add(e)
    for dp, dns, fns in os.walk(os.path.join(store, e, 'node_modules'), followlinks=False):
        for n in dns + fns:
            p = os.path.join(dp, n)
            if os.path.islink(p) and (t := entry(p)) and t not in keep:
                todo.append(t)

def wanted(rel):  # rel: path inside one package folder
    base = os.path.basename(rel)
    if base.endswith(('.map', '.d.ts', '.d.mts', '.d.cts', '.md', '.markdown', '.tsbuildinfo', '.html')):
        return False
    if base.endswith(('.ts', '.mts', '.cts')) and not base.endswith('.d.ts'):
        return False
    return True

def pkg_filter(entry_name, rel):
    # tfjs: Node loads dist/<name>.node.js (+ the .wasm binaries); the other dist builds are for
    # browsers and bundlers.
    if entry_name.startswith('@tensorflow+'):
        return rel == 'package.json' or rel.startswith('node_modules/') or (rel.startswith('dist/') and rel.count('/') == 1 and (rel.endswith('.node.js') or rel.endswith('.wasm')))
    # Dawn: only this platform's dawn.node.
    if entry_name.startswith('webgpu@') and rel.startswith('dist/'):
        return rel.startswith('dist/linux-x64/')
    return True

def copy_link(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    os.symlink(os.readlink(src), dst)

dst_nm = os.path.join(out, 'node_modules')
# Top level of node_modules: links, .bin, pnpm's state files; the .pnpm store comes below.
for n in os.listdir(nm):
    if n in ('.pnpm', '.vite', '.vite-temp', '.cache'):
        continue
    s, d = os.path.join(nm, n), os.path.join(dst_nm, n)
    if os.path.islink(s): copy_link(s, d)
    elif os.path.isdir(s): shutil.copytree(s, d, symlinks=True)
    else: os.makedirs(dst_nm, exist_ok=True); shutil.copy2(s, d)
for n in os.listdir(store):
    s = os.path.join(store, n)
    if n == 'node_modules':  # pnpm's hoisted links: keep them all (dangling ones are harmless)
        shutil.copytree(s, os.path.join(dst_nm, '.pnpm', n), symlinks=True)
    elif os.path.isfile(s):
        shutil.copy2(s, os.path.join(dst_nm, '.pnpm', n))
    elif n in keep:
        base = os.path.join(s, 'node_modules')
        for dp, dns, fns in os.walk(base, followlinks=False):
            for nn in dns + fns:
                p = os.path.join(dp, nn); rel_e = os.path.relpath(p, base); d = os.path.join(dst_nm, '.pnpm', n, 'node_modules', rel_e)
                if os.path.islink(p):
                    copy_link(p, d)
                elif os.path.isfile(p):
                    # package folder = first one (or two, for @scope/) components of rel_e
                    parts = rel_e.split('/'); k = 2 if parts[0].startswith('@') else 1
                    rel = '/'.join(parts[k:])
                    if wanted(rel) and pkg_filter(n, rel):
                        os.makedirs(os.path.dirname(d), exist_ok=True); shutil.copy2(p, d)
print(f'store entries kept: {len(keep)} of {len(os.listdir(store)) - 1}', file=sys.stderr)
EOF

{
  echo "built: $(date -u +%FT%TZ) on $(hostname)"
  echo "node: $("$STAGE/node/bin/node" --version)"
  echo "git HEAD: $(git rev-parse HEAD 2>/dev/null || echo none) (dirty files: $(git status --porcelain | wc -l))"
  # device-run.sh recomputes this over the checkout it runs in: a mismatch means dist is older than src.
  echo "src-hash: $(find packages/*/src -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
} > "$STAGE/MANIFEST.txt"
cat "$STAGE/MANIFEST.txt"
du -sh "$STAGE"
[ -n "${NOPACK:-}" ] && exit 0
rm -f "$ARCHIVE"
tar -C "$STAGE" -cf - . | xz -9 -T1 > "$ARCHIVE.tmp" && mv "$ARCHIVE.tmp" "$ARCHIVE"
ls -la "$ARCHIVE"
