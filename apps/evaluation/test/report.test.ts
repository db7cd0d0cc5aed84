import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import { runEvaluation } from '../src/index.js';
import { configDigest } from '../src/report/run-header.js';
import { svgToPng } from '../src/report/rasterise-png.js';
import { vegaLiteToSvg } from '../src/report/render-svg.js';
import { accuracyFigure } from '../src/report/figures/accuracy-vs-k.js';
import type { RewardEval } from '../src/report/eval-contract.js';
import { readReportRuns } from '../src/report/run-files.js';
import { PNG_SCALE } from '../src/report/build-report.js';

const CHROMIUM = '/usr/bin/chromium';
const fixtures = fileURLToPath(new URL('./fixtures/report-runs/', import.meta.url));
const rewardRun = join(fixtures, 'tiny-np-btl');
const policyRun = join(fixtures, 'tiny-np-dpo');
/** Where the screenshot goes (outside the repository; the test prints nothing). */
const SCREENSHOT = join(tmpdir(), 'steerable-report-screenshot.png');
// .ci/run installs Debian's chromium; a developer machine without it skips the browser test, CI never does.
const hasBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);

interface ReportJson {
  runs: Array<{
    header: {
      name: string;
      kind: string;
      configDigest: string | null;
      backend: string | null;
      seed: number | null;
      steps: number | null;
      bestStep: number | null;
      wallTimeSeconds: number | null;
      wallTimeSource: string | null;
      model: string | null;
      data: string | null;
      threads: number | null;
    };
  }>;
  figures: Array<{
    id: string;
    files: { svg: string; png: string };
    svg_size: { width: number; height: number };
    png_size: { width: number; height: number };
    warnings: string[];
    tables: Array<{ id: string; rows: unknown[][] }>;
  }>;
}

let dir: string;
let out: string;
let report: ReportJson;
// One report for every test in this file: built by the CLI from the two fixture runs.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steerable-report-'));
  out = join(dir, 'report');
  const io = bufferIo();
  expect(await runEvaluation(['report', '--runs', rewardRun, policyRun, '--out', out, '--json'], io), io.errors()).toBe(0);
  report = JSON.parse(io.text()) as ReportJson;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('steerable-eval report', () => {
  it('--json prints report.json: a header per run and the tables behind every figure', async () => {
    expect(JSON.parse(await readFile(join(out, 'report.json'), 'utf8'))).toEqual(report);
    const [reward, policy] = report.runs.map((r) => r.header);
    expect(reward).toMatchObject({
      name: 'tiny-np-btl',
      kind: 'reward',
      model: 'np-btl (hiddenDim 16, numHeads 2)',
      data: 'paper-synthetic, 1,000 pairs, split 0.8/0.1/0.1, data seed 0',
      backend: 'cpu',
      threads: 1,
      seed: 0,
      steps: 60,
      bestStep: 60,
      wallTimeSource: 'recorded',
    });
    expect(reward!.configDigest).toMatch(/^[0-9a-f]{12}$/);
    expect(reward!.wallTimeSeconds).toBeGreaterThan(0);
    expect(policy).toMatchObject({
      name: 'tiny-np-dpo',
      kind: 'policy',
      model: 'np-dpo (n_embd 16, n_layer 1, n_head 2)',
      seed: 3,
      steps: 2,
      backend: 'wasm',
      threads: 1,
      wallTimeSource: 'recorded',
    });
    for (const figure of report.figures) {
      // Vega-Lite compiles every spec without a complaint (it drops legends or scales it cannot reconcile).
      expect(figure.warnings, figure.id).toEqual([]);
      expect(figure.tables.length, figure.id).toBeGreaterThan(0);
      for (const table of figure.tables) expect(table.rows.length, table.id).toBeGreaterThan(0);
    }
    // The accuracy table carries the eval.json numbers unrounded.
    const evaluation = JSON.parse(await readFile(join(rewardRun, 'eval', 'eval.json'), 'utf8')) as { heldout: Record<string, Record<string, unknown>> };
    const table = report.figures.find((f) => f.id === 'accuracy-vs-k')!.tables[0]!;
    const overall = table.rows.find((r) => r[1] === 'overall')!;
    expect(overall.slice(3)).toEqual([0, 1, 3, 10].map((k) => evaluation.heldout.overall![String(k)]));
  });

  it('writes every figure as a PNG of the stated size (twice the SVG) that is not blank', async () => {
    for (const figure of report.figures) {
      const svg = await readFile(join(out, figure.files.svg), 'utf8');
      const root = /<svg\b[^>]*>/.exec(svg)![0];
      const svgWidth = Number(/\bwidth="([\d.]+)"/.exec(root)![1]);
      const svgHeight = Number(/\bheight="([\d.]+)"/.exec(root)![1]);
      expect(figure.svg_size).toEqual({ width: svgWidth, height: svgHeight });
      const png = PNG.sync.read(await readFile(join(out, figure.files.png)));
      expect({ width: png.width, height: png.height }, figure.id).toEqual(figure.png_size);
      expect(png.width).toBe(Math.round(PNG_SCALE * svgWidth));
      expect(png.height).toBe(Math.round(PNG_SCALE * svgHeight));
      expect(inkShare(png), figure.id).toBeGreaterThan(0.01);
      expect(distinctColours(png), figure.id).toBeGreaterThan(8);
    }
  });

  it('renders text with the bundled font, without system fonts', () => {
    const text = svgToPng(
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22" font-family="sans-serif" font-size="18">accuracy</text></svg>',
      { scale: 1 },
    );
    const png = PNG.sync.read(text.png);
    expect([png.width, png.height]).toEqual([120, 30]);
    expect(inkShare(png)).toBeGreaterThan(0.03);
  });

  it('reads runs tolerantly: metrics only, a torn last line, an eval-comparison folder; a folder with no run is an error', async () => {
    const partial = join(dir, 'partial');
    await mkdir(partial);
    await writeFile(join(partial, 'metrics.jsonl'), `${JSON.stringify({ step: 1, loss: 0.7 })}\n${JSON.stringify({ step: 2, loss: 0.6 })}\n{"step": 3, "lo`);
    const comparison = join(dir, 'comparison');
    await cp(join(rewardRun, 'eval'), join(comparison, 'tiny-np-btl'), { recursive: true });
    const runs = await readReportRuns([partial, comparison]);
    expect(runs.map((r) => [r.name, r.evaluation?.kind ?? null, r.metrics.length])).toEqual([
      ['partial', null, 2],
      ['tiny-np-btl', 'reward', 0],
    ]);
    expect(runs[0]!.warnings).toEqual(['metrics.jsonl line 3 is not JSON and was skipped']);
    // A run whose evaluation went elsewhere (reward --run A B --out DIR) is joined with it by name.
    const trained = join(dir, 'trained', 'tiny-np-btl');
    await mkdir(trained, { recursive: true });
    for (const file of ['config.json', 'metrics.jsonl']) await cp(join(rewardRun, file), join(trained, file));
    const joined = await readReportRuns([trained, comparison]);
    expect(joined.map((r) => [r.name, r.evaluation?.kind, r.metrics.length > 0, r.config !== undefined])).toEqual([['tiny-np-btl', 'reward', true, true]]);
    const io = bufferIo();
    expect(await runEvaluation(['report', '--runs', partial, '--out', join(dir, 'partial-report'), '--json'], io), io.errors()).toBe(0);
    expect((JSON.parse(io.text()) as ReportJson).figures.map((f) => f.id)).toEqual(['training-partial']);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const failed = bufferIo();
    expect(await runEvaluation(['report', '--runs', empty, '--out', join(dir, 'nothing')], failed)).not.toBe(0);
    expect(failed.errors()).toMatch(/holds no run/);
  });

  it('draws an oracle dashed, and only in the panels of the types it is an oracle for', () => {
    const stat = (mean: number) => ({ mean, sem: 0.01, n: 10 });
    const byK = (mean: number) => ({ '0': stat(mean), '3': stat(mean + 0.1) });
    const block = (mean: number) => ({ helpful: byK(mean), harmless: byK(mean - 0.2), overall: byK(mean - 0.1) });
    const model: RewardEval = { model: 'np-btl', k: [0, 3], heldout: block(0.6), all_targets: block(0.6) };
    const oracle: RewardEval = { model: 'btl-helpful', k: [0, 3], heldout: block(0.7), all_targets: block(0.7), oracle_for: ['helpful'] };
    const figure = accuracyFigure([model, oracle], 'heldout', ['np-btl', 'btl-helpful']);
    const rows = (figure.spec as { data: { values: Array<{ model: string; user: string; role: string }> } }).data.values;
    expect(rows.filter((r) => r.model === 'btl-helpful').map((r) => `${r.user}/${r.role}`)).toEqual(['helpful/oracle', 'helpful/oracle']);
    expect(rows.filter((r) => r.model === 'np-btl')).toHaveLength(6);
    expect(JSON.stringify(figure.spec)).toContain('"strokeDash":{"field":"role"');
    // The table keeps every number, the oracle's off-type rows included, and says what it is.
    expect(figure.tables[0]!.rows.map((r) => `${r[0]}/${r[1]}`)).toContain('btl-helpful (oracle: helpful)/harmless');
  });

  it('collects what Vega-Lite warns about instead of printing it', async () => {
    const x = { field: 'a', type: 'quantitative' } as const;
    const y = { field: 'b', type: 'quantitative' } as const;
    const rendered = await vegaLiteToSvg({
      data: { values: [{ a: 1, b: 2, c: 'x' }] },
      layer: [
        { mark: 'area', encoding: { x, y, color: { field: 'c', legend: null } } },
        { mark: 'line', encoding: { x, y, color: { field: 'c', legend: { symbolType: 'stroke' } } } },
      ],
    });
    expect(rendered.warnings).toEqual(['Conflicting legend property "disable" (true and false). Using true.']);
    expect(rendered.svg).toMatch(/^<svg/);
  });

  it('the config digest ignores key order, creation time and backend, and changes with any setting', () => {
    const config = { name: 'a', seed: 0, model: { kind: 'btl', hiddenDim: 8 }, created_at: '2026-01-01', backend: { name: 'cpu' } };
    const same = { backend: { name: 'wasm' }, model: { hiddenDim: 8, kind: 'btl' }, seed: 0, name: 'a', created_at: '2027-01-01' };
    expect(configDigest(same)).toBe(configDigest(config));
    expect(configDigest({ ...config, model: { kind: 'btl', hiddenDim: 16 } })).not.toBe(configDigest(config));
  });
});

/** Share of pixels that are not (near) white. */
function inkShare(png: PNG): number {
  let ink = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 235 || png.data[i + 1]! < 235 || png.data[i + 2]! < 235) ink++;
  return ink / (png.width * png.height);
}

function distinctColours(png: PNG): number {
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
  return colours.size;
}

describe.skipIf(!hasBrowser)('report.html in headless Chromium', () => {
  it('shows every figure with drawn marks, every table and both run headers, and makes no network request', async () => {
    const profile = join(dir, 'profile');
    // The flags keep Chromium's own background traffic (updates, sync, field trials) off a closed network.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const reportUrl = pathToFileURL(join(out, 'report.html')).href;
      const requests: string[] = [];
      // Every request the page makes is seen here; anything but the page itself is recorded and refused.
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        requests.push(url);
        await (url === reportUrl ? route.continue() : route.abort());
      });
      const page = await context.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (request) => failed.push(request.url()));
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(reportUrl, { waitUntil: 'load' });

      const figures = await page.$$eval('figure[data-figure]', (nodes) =>
        nodes.map((node) => {
          const svg = node.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          const marks = svg ? [...svg.querySelectorAll('path, line, rect, circle')].filter((m) => (m.getAttribute('d') ?? 'x').length > 0) : [];
          const drawn = marks.filter((m) => {
            const r = m.getBoundingClientRect();
            return r.width > 0 || r.height > 0;
          });
          return {
            id: node.getAttribute('data-figure'),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: drawn.length,
            texts: svg?.querySelectorAll('text').length ?? 0,
          };
        }),
      );
      const expected = report.figures.map((f) => f.id);
      expect(figures.map((f) => f.id)).toEqual(expected);
      // One reward and one policy run: the comparison and per-run figures the issue asks for.
      for (const id of [
        'accuracy-vs-k',
        'calibration-vs-k',
        'reliability',
        'reward-curve-tiny-np-btl',
        'latents-tiny-np-btl',
        'training-tiny-np-btl',
        'policy-implicit-accuracy-tiny-np-dpo',
        'policy-win-rate-tiny-np-dpo',
        'policy-oracle-reward-tiny-np-dpo',
        'training-tiny-np-dpo',
      ]) {
        expect(expected).toContain(id);
      }
      for (const figure of figures) {
        expect(figure.width, figure.id!).toBeGreaterThan(200);
        expect(figure.height, figure.id!).toBeGreaterThan(100);
        // Axes, gridlines and data: a figure with only a frame has a handful of marks.
        expect(figure.marks, figure.id!).toBeGreaterThan(20);
        expect(figure.texts, figure.id!).toBeGreaterThan(5);
      }
      const tableIds = await page.$$eval('table', (nodes) => nodes.map((n) => ({ id: n.id, rows: n.querySelectorAll('tbody tr').length })));
      expect(tableIds.map((t) => t.id)).toEqual(report.figures.flatMap((f) => f.tables.map((t) => `table-${t.id}`)));
      for (const table of tableIds) expect(table.rows, table.id).toBeGreaterThan(0);
      const headers = await page.$$eval('dl.run', (nodes) => nodes.map((n) => n.getAttribute('data-run')));
      expect(headers).toEqual(['tiny-np-btl', 'tiny-np-dpo']);

      expect(requests).toEqual([reportUrl]);
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(existsSync(SCREENSHOT)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
