import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium, visitAsTwoPeople } from '../scripts/drive-page.mjs';
import { serveStatic } from '../scripts/static-server.mjs';

const example = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Kept after the run (not committed): what the page looked like after the second person. */
const SCREENSHOT = join(example, 'test-output', 'two-people.png');
// .ci/run installs Debian's chromium; a developer machine without it skips this test, CI never does.
const hasBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);

let work: string;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  if (!hasBrowser) return;
  work = await mkdtemp(join(tmpdir(), 'browser-scoring-'));
  // The page as `pnpm build` makes it: its assets copied next to it, bundled by Vite into a scratch folder.
  const vite = join(dirname(createRequire(join(example, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  for (const args of [[join(example, 'scripts', 'copy-assets.mjs')], [vite, 'build', '--outDir', join(work, 'dist'), '--emptyOutDir', '--logLevel', 'error']]) {
    const result = spawnSync(process.execPath, args, { cwd: example, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stderr}`);
  }
  server = await serveStatic(join(work, 'dist'));
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Positions (0 = best) of one style's answers in a ranking. */
function positions(ranking: { style: string }[], style: string): number[] {
  return ranking.flatMap((answer, index) => (answer.style === style ? [index] : []));
}

describe.skipIf(!hasBrowser)('the example page in headless Chromium', () => {
  it('ranks the fresh answers as each of two people chose, with the pretrained encoder on wasm, and asks nothing of any other host', async () => {
    const context = await launchChromium(join(work, 'profile'));
    try {
      const visit = await visitAsTwoPeople(context, server.url);
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await visit.page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(visit.errors).toEqual([]);
      expect(visit.backend).toBe('wasm');
      expect(visit.kernels).toBe(true);
      // The run was trained on USE-lite features, and the page scores with USE-lite (fetchRewardRun refuses any other).
      const recorded = JSON.parse(readFileSync(join(example, 'public', 'run', 'manifest.json'), 'utf8')) as {
        extra: { featurizer: { description: { kind: string } } };
      };
      expect(recorded.extra.featurizer.description.kind).toBe('use-lite');
      expect(visit.featurizer).toBe('use-lite');

      const [detailLover, brevityLover] = visit.people;
      expect(detailLover!.ranking).toHaveLength(10);
      expect(brevityLover!.ranking).toHaveLength(10);
      // The person who picked the detailed answers gets the detailed ones first, the other the one-liners.
      expect(detailLover!.ranking.slice(0, 3).map((answer) => answer.style)).toEqual(['detailed', 'detailed', 'detailed']);
      expect(brevityLover!.ranking.slice(0, 3).map((answer) => answer.style)).toEqual(['brief', 'brief', 'brief']);
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(mean(positions(detailLover!.ranking, 'detailed'))).toBeLessThan(mean(positions(brevityLover!.ranking, 'detailed')) - 2);
      // The page shows what it computed, best first.
      for (const person of visit.people) {
        const scores = person.ranking.map((answer) => answer.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
      }

      // Every request went to the page's own server: the choices, the model and the encoder stay local.
      const origin = new URL(server.url).origin;
      expect(visit.requests.filter((url) => new URL(url).origin !== origin && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
      const paths = visit.requests.map((url) => new URL(url).pathname);
      expect(paths).toContain('/run/weights.safetensors');
      expect(paths.some((path) => path.startsWith('/vendor/tfjs-wasm/') && path.endsWith('.wasm'))).toBe(true);
      const encoderFiles = ['model.json', 'vocab.json', ...Array.from({ length: 7 }, (_, i) => `group1-shard${i + 1}of7`)];
      expect(paths.filter((path) => path.startsWith('/vendor/use-lite/')).sort()).toEqual(encoderFiles.map((name) => `/vendor/use-lite/${name}`).sort());
      // Nothing at all is requested once the page is ready: choosing, conditioning and ranking are local.
      expect(visit.requestsWhileChoosing).toEqual([]);

      expect(visit.timings.people).toHaveLength(2);
      expect(existsSync(SCREENSHOT)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
