import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunDirectory, resolveRunReference } from '../src/index.js';

describe('RunDirectory', () => {
  it("refuses to replace a run without resume or overwrite, and overwrite removes only the run's own files", async () => {
    const root = await mkdtemp(join(tmpdir(), 'run-dir-'));
    const path = join(root, 'run');
    const run = await RunDirectory.create(path);
    await run.writeConfig({ name: 'a' });
    await run.appendMetrics({ step: 1, loss: 1 });
    await run.writeSummary({ status: 'finished', steps: 1, wall_time_s: 0.1, metrics: {} });
    await writeFile(join(path, 'notes.txt'), 'mine');
    await expect(RunDirectory.create(path)).rejects.toThrow(/already holds a run/);
    await expect(RunDirectory.create(join(root, 'none'), { resume: true })).rejects.toThrow(/holds no run/);
    const again = await RunDirectory.create(path, { overwrite: true });
    expect((await readdir(path)).sort()).toEqual(['notes.txt']);
    expect(await again.isFinished()).toBe(false);
  });

  it('keeps metrics in call order without awaiting, and a resume drops records past the checkpoint (a torn last line too)', async () => {
    const run = await RunDirectory.create(join(await mkdtemp(join(tmpdir(), 'run-dir-')), 'run'));
    for (let step = 1; step <= 20; step++) void run.appendMetrics({ step, loss: 1 / step });
    await run.flush();
    expect((await run.readMetrics()).map((record) => record.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await writeFile(run.metricsPath, `${await readFile(run.metricsPath, 'utf8')}{"step": 21, "lo`);
    await run.truncateMetricsAfter(12);
    expect((await run.readMetrics()).map((record) => record.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('stores references to other runs relative to itself, so runs move together', async () => {
    const root = await mkdtemp(join(tmpdir(), 'run-dir-'));
    const run = await RunDirectory.create(join(root, 'runs', 'dpo'));
    expect(run.relativePath(join(root, 'runs', 'sft'))).toBe('../sft');
    expect(run.resolvePath('../sft')).toBe(join(root, 'runs', 'sft'));
    expect(resolveRunReference('sft', join(root, 'runs'), {})).toBe(join(root, 'runs', 'sft'));
    expect(resolveRunReference('steerable-text-sft', '/elsewhere', { 'steerable-text-sft': {} })).toBe('/elsewhere/steerable-text-sft');
  });
});
