import { describe, expect, it } from 'vitest';
import { type CliIo, bufferIo, registerInfoCommand, runCli } from '../src/index.js';

const runInfo = (argv: string[], io: CliIo) =>
  runCli({ name: 'steerable-test', description: 'test', version: '1.2.3', commands: [registerInfoCommand] }, argv, io);

describe('info', () => {
  it('--json prints valid JSON with the contract fields', async () => {
    const io = bufferIo();
    const code = await runInfo(['info', '--json', '--backend', 'cpu'], io);
    expect(code).toBe(0);
    const report = JSON.parse(io.text()) as Record<string, unknown>;
    expect(report.backend).toBe('cpu');
    expect(report.tfjs_version).toBe('4.22.0');
    expect(report.node_version).toBe(process.versions.node);
    expect(report.backends_available).toEqual(expect.arrayContaining(['wasm', 'cpu']));
  });

  it('--backend wasm works and prints text', async () => {
    const io = bufferIo();
    expect(await runInfo(['info', '--backend', 'wasm'], io)).toBe(0);
    expect(io.text()).toMatch(/backend\s+wasm/);
  });

  it('--version prints the program version', async () => {
    const io = bufferIo();
    expect(await runInfo(['--version'], io)).toBe(0);
    expect(io.text().trim()).toBe('1.2.3');
  });

  it('--backend tensorflow exits non-zero naming the missing package', async () => {
    const io = bufferIo();
    const code = await runInfo(['info', '--backend', 'tensorflow'], io);
    expect(code).toBe(2);
    expect(io.errors()).toMatch(/@tensorflow\/tfjs-node/);
    expect(io.errors()).toMatch(/fix: install/);
    expect(io.errors()).not.toMatch(/\n\s+at /);
  });

  it('an unknown backend is refused by the argument parser', async () => {
    const io = bufferIo();
    expect(await runInfo(['info', '--backend', 'cuda'], io)).toBe(2);
    expect(io.errors()).toMatch(/Allowed choices are auto, tensorflow, webgpu, webgl, wasm, cpu/);
  });
});
