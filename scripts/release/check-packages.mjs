// `pnpm release:check`: a dry run of the publish. Packs every public package with `pnpm pack` (run
// `pnpm build` first: `release:check` does) and checks each tarball; prints one line per package and
// each problem found, and exits 1 if there is any. Nothing is published.
//
//   node scripts/release/check-packages.mjs [--keep DIR]   # keep the tarballs in DIR
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packPackages, publicPackages, tarballProblems } from './packages.mjs';

const { values } = parseArgs({ options: { keep: { type: 'string' } } });
const destination = values.keep ?? (await mkdtemp(join(tmpdir(), 'steerable-pack-')));
let failed = 0;
try {
  const packed = await packPackages(publicPackages(), destination);
  for (const pkg of packed) {
    const { files, problems } = tarballProblems(pkg.tarball);
    const size = (await stat(pkg.tarball)).size;
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${pkg.name}@${pkg.version}: ${files.length} files, ${(size / 1024).toFixed(0)} kB packed`);
    for (const problem of problems) console.log(`       ${problem}`);
    if (problems.length) failed++;
  }
  console.log(
    failed
      ? `${failed} of ${packed.length} packages would not publish cleanly`
      : `all ${packed.length} public packages pack cleanly (dry run: nothing published)`,
  );
} finally {
  if (!values.keep) await rm(destination, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
