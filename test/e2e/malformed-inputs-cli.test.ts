import { cp, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '@steerable/cli-kit';
import type { MalformedInputCase } from '@steerable/core/testing';
import { createRandomGpt2Checkpoint, wordLevelTokenizerJson } from '@steerable/conditioned-dpo';
import { runTrainer } from '@steerable/trainer';
import { MALFORMED_INPUT_CASES } from '../corpus/index.js';

// Every malformed input of the corpus, handed to the CLI command that takes such a file: each must
// exit with code 2 (the user's to fix), name the file (and the field or line when the defect has
// one) on stderr, print no stack trace, and leave no run directory behind.
let root: string;
let validModel: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'malformed-cli-'));
  validModel = join(root, 'valid-gpt2');
  await createRandomGpt2Checkpoint(
    validModel,
    {
      vocab_size: 8,
      n_positions: 32,
      n_embd: 8,
      n_layer: 1,
      n_head: 2,
      n_inner: null,
      layer_norm_epsilon: 1e-5,
      activation_function: 'gelu_new',
      bos_token_id: 0,
      eos_token_id: 0,
    },
    1,
    {
      tokenizerJson: wordLevelTokenizerJson(['<eos>'], ['a', 'b', 'c'], '<eos>'),
    },
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const tinyReward = (data: object) => ({
  name: 'malformed',
  data,
  model: { kind: 'btl', hiddenDim: 4 },
  training: { epochs: 1, batchSize: 2, numTargets: 1, tasksPerEpoch: 2 },
});
const sftFrom = (baseModelDir: string) => ({
  name: 'malformed-sft',
  kind: 'sft',
  baseModelDir,
  data: { source: 'steerable-text', pairsPerType: { train: 4, validation: 0, test: 0 } },
  template: { maxPromptLength: 8, maxLength: 24 },
  sft: { epochs: 1, batchSize: 4 },
});

/** Writes the case and returns the argv that hands it to the CLI, and the path its error must name. */
async function cliFor(testCase: MalformedInputCase, dir: string, out: string): Promise<{ argv: string[]; named: string }> {
  const input = await testCase.write(dir);
  const named = testCase.file === '' ? dir : join(dir, testCase.file);
  const config = join(root, `${testCase.id.replace(/\W+/g, '-')}.json`);
  switch (testCase.consumer) {
    case 'preference-file':
      return { argv: ['reward', '--preset', 'generic', '--data', input, '--out', out], named };
    case 'embedding-store':
      await writeFile(config, JSON.stringify(tinyReward({ source: 'embedding-store', path: input })));
      return { argv: ['reward', '--config', config, '--out', out], named };
    case 'gpt2-model':
    case 'tokenizer':
      await writeFile(config, JSON.stringify(sftFrom(input)));
      return { argv: ['policy', '--config', config, '--out', out], named };
    case 'safetensors': {
      // A weights file arrives as a GPT-2 checkpoint's model.safetensors.
      const model = join(dir, 'as-model');
      await cp(validModel, model, { recursive: true });
      await cp(input, join(model, 'model.safetensors'));
      await writeFile(config, JSON.stringify(sftFrom(model)));
      return { argv: ['policy', '--config', config, '--out', out], named: join(model, 'model.safetensors') };
    }
    case 'checkpoint': {
      // The only checkpoint of a run that --resume is asked to continue.
      const run = join(dir, 'run');
      await mkdir(join(run, 'checkpoints'), { recursive: true });
      await writeFile(join(run, 'config.json'), JSON.stringify(tinyReward({ source: 'paper-synthetic', numPairs: 40 })));
      await cp(input, join(run, 'checkpoints', 'step-1'), { recursive: true });
      const relocated = testCase.file === '' ? join(run, 'checkpoints', 'step-1') : join(run, 'checkpoints', 'step-1', testCase.file.replace(/^[^/]*\//, ''));
      return { argv: ['reward', '--resume', '--out', run], named: input === dir ? join(run, 'checkpoints', 'step-1', testCase.file) : relocated };
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('every malformed input through the CLIs', () => {
  it(`refuses all ${MALFORMED_INPUT_CASES.length} with exit code 2, naming the file, no stack trace, nothing left behind`, async () => {
    const failures: string[] = [];
    for (const [i, testCase] of MALFORMED_INPUT_CASES.entries()) {
      const dir = join(root, `case-${i}`);
      await mkdir(dir, { recursive: true });
      const out = join(root, `out-${i}`);
      const { argv, named } = await cliFor(testCase, dir, out);
      const io = bufferIo();
      const code = await runTrainer([...argv, '--backend', 'cpu'], io);
      const stderr = io.errors();
      const problems: string[] = [];
      if (code !== 2) problems.push(`exit ${code}`);
      if (!stderr.includes(named) && !(testCase.consumer === 'checkpoint' && stderr.includes(join(named, '..'))))
        problems.push(`stderr does not name ${named}`);
      if (/\n\s+at /.test(stderr)) problems.push('prints a stack trace');
      if (!testCase.wholeFile && testCase.consumer !== 'checkpoint' && !/field '|:\d+:|line \d+/.test(stderr))
        problems.push('names neither a field nor a line');
      if (!argv.includes('--resume') && (await exists(out))) problems.push(`left ${out} behind`);
      if (problems.length) failures.push(`${testCase.id}: ${problems.join('; ')}\n    ${stderr.split('\n').slice(0, 3).join('\n    ')}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

describe('every malformed run config through the CLIs', () => {
  it('refuses each with exit code 2, naming the file and the field (or the line of broken JSON), and writes nothing', async () => {
    const { CONFIG_CASES, configFile } = await import('../corpus/config-cases.js');
    expect(CONFIG_CASES.length).toBeGreaterThanOrEqual(30);
    const failures: string[] = [];
    for (const [i, testCase] of CONFIG_CASES.entries()) {
      const file = configFile(root, testCase);
      await testCase.write(file);
      const out = join(root, `config-out-${i}`);
      const io = bufferIo();
      const code = await runTrainer([testCase.command, '--config', file, '--out', out, '--backend', 'cpu'], io);
      const stderr = io.errors();
      const problems: string[] = [];
      if (code !== 2) problems.push(`exit ${code}`);
      if (!stderr.includes(file)) problems.push('stderr does not name the file');
      if (!testCase.expect.test(stderr)) problems.push(`stderr does not match ${testCase.expect}`);
      if (/\n\s+at /.test(stderr)) problems.push('prints a stack trace');
      if (await exists(out)) problems.push(`left ${out} behind`);
      if (problems.length) failures.push(`${testCase.id}: ${problems.join('; ')}\n    ${stderr.split('\n').slice(0, 3).join('\n    ')}`);
    }
    expect(failures).toEqual([]);
  });
});
