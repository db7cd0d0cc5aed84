import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type NamedArray, parseSafetensors, serializeSafetensors } from '@steerable/core';
import { type MalformedInputCase, rawSafetensors } from '@steerable/core/testing';
import { createRandomGpt2Checkpoint, type Gpt2Config, wordLevelTokenizerJson } from '../../src/index.js';

/** The smallest GPT-2 worth damaging: one layer, width 8. */
export const TINY_GPT2: Gpt2Config = {
  vocab_size: 11,
  n_positions: 8,
  n_embd: 8,
  n_layer: 1,
  n_head: 2,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: 0,
  eos_token_id: 0,
};

const CONFIG = 'config.json';
const WEIGHTS = 'model.safetensors';
const TOKENIZER = 'tokenizer.json';
const TOKENIZER_CONFIG = 'tokenizer_config.json';
type Json = Record<string, any>;

async function editJson(dir: string, name: string, edit: (json: Json) => void): Promise<void> {
  const json = JSON.parse(await readFile(join(dir, name), 'utf8')) as Json;
  edit(json);
  await writeFile(join(dir, name), JSON.stringify(json, null, 2));
}

/** Rewrites model.safetensors through a function of its tensors (a valid file that says something wrong). */
async function editWeights(dir: string, edit: (tensors: Map<string, NamedArray>) => void): Promise<void> {
  const { tensors, metadata } = parseSafetensors(new Uint8Array(await readFile(join(dir, WEIGHTS))));
  edit(tensors);
  await writeFile(join(dir, WEIGHTS), serializeSafetensors(tensors, metadata));
}

function setValue(tensors: Map<string, NamedArray>, name: string, value: number): void {
  const entry = tensors.get(name)!;
  new DataView(entry.data.buffer, entry.data.byteOffset).setFloat32(4, value, true);
}

interface Row {
  defect: string;
  consumer: 'gpt2-model' | 'tokenizer';
  damage: (dir: string) => Promise<void>;
  file: string;
  line?: number;
  field?: string;
  message: RegExp;
  huge?: boolean;
  wholeFile?: boolean;
}

const config = (defect: string, edit: (c: Json) => void, field: string, message: RegExp, extra: Partial<Row> = {}): Row => ({
  defect,
  consumer: 'gpt2-model',
  damage: (dir) => editJson(dir, CONFIG, edit),
  file: CONFIG,
  field,
  message,
  ...extra,
});
const weights = (defect: string, damage: (dir: string) => Promise<void>, field: string, message: RegExp, extra: Partial<Row> = {}): Row => ({
  defect,
  consumer: 'gpt2-model',
  damage,
  file: WEIGHTS,
  field,
  message,
  ...extra,
});
const tokenizer = (defect: string, edit: (t: Json) => void, field: string, message: RegExp): Row => ({
  defect,
  consumer: 'tokenizer',
  damage: (dir) => editJson(dir, TOKENIZER, edit),
  file: TOKENIZER,
  field,
  message,
});
const text = (name: string, content: string | Buffer) => (dir: string) => writeFile(join(dir, name), content);

const INVALID_UTF8 = Buffer.concat([Buffer.from('{\n  "model_type": "gpt2",\n  "name": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}')]);

const ROWS: Row[] = [
  // config.json as a file
  {
    defect: 'config-missing',
    consumer: 'gpt2-model',
    damage: (dir) => rm(join(dir, CONFIG)),
    file: CONFIG,
    wholeFile: true,
    message: /cannot read the GPT-2 config\.json: it does not exist/,
  },
  { defect: 'config-empty', consumer: 'gpt2-model', damage: text(CONFIG, ''), file: CONFIG, line: 1, message: /config\.json is empty/ },
  {
    defect: 'config-syntax-error-line-3',
    consumer: 'gpt2-model',
    damage: text(CONFIG, '{\n  "n_layer": 1,\n  "n_embd": 8,,\n}'),
    file: CONFIG,
    line: 3,
    message: /not valid JSON/,
  },
  { defect: 'config-invalid-utf8', consumer: 'gpt2-model', damage: text(CONFIG, INVALID_UTF8), file: CONFIG, line: 3, message: /not valid UTF-8/ },
  {
    defect: 'config-oversized-sparse-2mb',
    consumer: 'gpt2-model',
    damage: (dir) => truncate(join(dir, CONFIG), 2 << 20),
    file: CONFIG,
    wholeFile: true,
    message: /is 2097152 bytes, over the 1048576-byte limit/,
    huge: true,
  },
  { defect: 'config-is-array', consumer: 'gpt2-model', damage: text(CONFIG, '[{"n_layer": 1}]'), file: CONFIG, line: 1, message: /not a JSON object/ },
  config('model-type-llama', (c) => void (c.model_type = 'llama'), 'model_type', /expected "gpt2"|Invalid input/i),
  config('activation-relu', (c) => void (c.activation_function = 'relu'), 'activation_function', /expected "gelu_new"|Invalid input/i),
  config('heads-do-not-divide-width', (c) => void (c.n_head = 3), 'n_head', /n_embd 8 is not divisible by n_head 3/),
  config('n-layer-zero', (c) => void (c.n_layer = 0), 'n_layer', /Too small/i),
  config('n-layer-negative', (c) => void (c.n_layer = -1), 'n_layer', /Too small/i),
  config('n-layer-fraction', (c) => void (c.n_layer = 2.5), 'n_layer', /expected int/i),
  config('n-embd-string', (c) => void (c.n_embd = '8'), 'n_embd', /expected number/i),
  config('vocab-size-1e12', (c) => void (c.vocab_size = 1e12), 'vocab_size', /Too big/i, { huge: true }),
  config('n-positions-zero', (c) => void (c.n_positions = 0), 'n_positions', /Too small/i),
  config('n-inner-negative', (c) => void (c.n_inner = -5), 'n_inner', /Too small/i),
  config(
    'misspelt-n-layers',
    (c) => {
      c.n_layers = 2;
      delete c.n_layer;
    },
    'n_layers',
    /unknown key 'n_layers'/,
  ),
  config('remote-code-auto-map', (c) => void (c.auto_map = { AutoModel: 'evil.EvilModel' }), 'auto_map', /unknown key 'auto_map'/),
  config('untied-embeddings', (c) => void (c.tie_word_embeddings = false), 'tie_word_embeddings', /expected true|Invalid input/i),
  config(
    'attention-scaled-by-layer',
    (c) => void (c.scale_attn_by_inverse_layer_idx = true),
    'scale_attn_by_inverse_layer_idx',
    /expected false|Invalid input/i,
  ),
  config('cross-attention', (c) => void (c.add_cross_attention = true), 'add_cross_attention', /expected false|Invalid input/i),
  config('bos-outside-vocab', (c) => void (c.bos_token_id = 11), 'bos_token_id', /bos_token_id 11 is outside the vocabulary \(vocab_size 11\)/),
  config('eos-negative', (c) => void (c.eos_token_id = -1), 'eos_token_id', /Too small/i),
  config('layer-norm-epsilon-negative', (c) => void (c.layer_norm_epsilon = -1e-5), 'layer_norm_epsilon', /Too small/i),
  config('torch-dtype-int8', (c) => void (c.torch_dtype = 'int8'), 'torch_dtype', /Invalid option|expected one of/i),
  config(
    'config-wider-than-weights',
    (c) => void (c.n_embd = 16),
    'h.0.attn.c_attn.bias.shape',
    /weight 'h\.0\.attn\.c_attn\.bias' has shape \[24\], config\.json implies \[48\]/,
    { file: WEIGHTS },
  ),
  config('config-deeper-than-weights', (c) => void (c.n_layer = 2), 'h.1.ln_1.weight', /weight 'h\.1\.ln_1\.weight' is missing \(12 of 28 missing\)/, {
    file: WEIGHTS,
  }),
  // model.safetensors
  weights('weights-missing', (dir) => rm(join(dir, WEIGHTS)), '', /the safetensors file does not exist/, { wholeFile: true, field: undefined }),
  weights('weights-empty', text(WEIGHTS, ''), 'header length', /0 bytes, too short/),
  weights(
    'weights-header-1tb',
    text(WEIGHTS, Buffer.from(rawSafetensors({}, new Uint8Array(0), { headerLength: 1n << 40n }))),
    'header length',
    /over the 100000000-byte limit/,
    { huge: true },
  ),
  weights(
    'weights-truncated',
    async (dir) => truncate(join(dir, WEIGHTS), (await readFile(join(dir, WEIGHTS))).length - 3),
    'wte.weight.data_offsets',
    /ends at byte \d+ of a \d+-byte data section/,
  ),
  weights(
    'weights-missing-tensor',
    (dir) => editWeights(dir, (t) => void t.delete('ln_f.bias')),
    'ln_f.bias',
    /weight 'ln_f\.bias' is missing \(1 of 16 missing\)/,
  ),
  weights(
    'weights-unexpected-tensor',
    (dir) => editWeights(dir, (t) => void t.set('h.5.attn.c_attn.weight', t.get('h.0.attn.c_attn.weight')!)),
    'h.5.attn.c_attn.weight',
    /unexpected weight 'h\.5\.attn\.c_attn\.weight'/,
  ),
  weights(
    'weights-wrong-shape',
    (dir) => editWeights(dir, (t) => void (t.get('wpe.weight')!.shape = [16, 4])),
    'wpe.weight.shape',
    /weight 'wpe\.weight' has shape \[16, 4\], config\.json implies \[8, 8\]/,
  ),
  weights(
    'weights-int32-tensor',
    (dir) => editWeights(dir, (t) => void (t.get('ln_f.weight')!.dtype = 'I32')),
    'ln_f.weight.dtype',
    /dtype I32, expected F32, F16, BF16 or F64/,
  ),
  weights(
    'weights-duplicate-with-prefix',
    (dir) => editWeights(dir, (t) => void t.set('transformer.ln_f.bias', t.get('ln_f.bias')!)),
    'transformer.ln_f.bias',
    /appears twice/,
  ),
  weights(
    'weights-nan',
    (dir) => editWeights(dir, (t) => setValue(t, 'h.0.mlp.c_fc.weight', Number.NaN)),
    'h.0.mlp.c_fc.weight',
    /tensor 'h\.0\.mlp\.c_fc\.weight' holds NaN at flat index 1/,
  ),
  weights(
    'weights-infinity',
    (dir) => editWeights(dir, (t) => setValue(t, 'wte.weight', Number.NEGATIVE_INFINITY)),
    'wte.weight',
    /holds -Infinity at flat index 1/,
  ),
  weights(
    'weights-f16-nan',
    (dir) =>
      editWeights(
        dir,
        (t) => void t.set('ln_f.bias', { dtype: 'F16', shape: [8], data: new Uint8Array(new Uint16Array([0, 0, 0x7e00, 0, 0, 0, 0, 0]).buffer) }),
      ),
    'ln_f.bias',
    /holds NaN at flat index 2/,
  ),
  weights(
    'weights-bf16-infinity',
    (dir) =>
      editWeights(
        dir,
        (t) => void t.set('ln_f.bias', { dtype: 'BF16', shape: [8], data: new Uint8Array(new Uint16Array([0x7f80, 0, 0, 0, 0, 0, 0, 0]).buffer) }),
      ),
    'ln_f.bias',
    /holds Infinity at flat index 0/,
  ),
  weights(
    'weights-shape-lie-huge',
    text(WEIGHTS, Buffer.from(rawSafetensors({ 'wte.weight': { dtype: 'F32', shape: [1 << 20, 1 << 20], data_offsets: [0, 16] } }, new Uint8Array(16)))),
    'wte.weight.data_offsets',
    /needs 4398046511104 bytes but data_offsets \[0, 16\] span 16/,
    { huge: true },
  ),
  weights('weights-not-safetensors', text(WEIGHTS, 'PK\u0003\u0004 a pytorch zip pickle'), 'header length', /over the 100000000-byte limit|does not fit/),
  // tokenizer.json
  {
    defect: 'tokenizer-missing',
    consumer: 'tokenizer',
    damage: (dir) => rm(join(dir, TOKENIZER)),
    file: TOKENIZER,
    wholeFile: true,
    message: /cannot read the tokenizer\.json: it does not exist/,
  },
  { defect: 'tokenizer-empty', consumer: 'tokenizer', damage: text(TOKENIZER, ''), file: TOKENIZER, line: 1, message: /tokenizer\.json is empty/ },
  {
    defect: 'tokenizer-syntax-error-line-2',
    consumer: 'tokenizer',
    damage: text(TOKENIZER, '{\n  "model": {"vocab": {"a": 0,}}\n}'),
    file: TOKENIZER,
    line: 2,
    message: /not valid JSON/,
  },
  { defect: 'tokenizer-invalid-utf8', consumer: 'tokenizer', damage: text(TOKENIZER, INVALID_UTF8), file: TOKENIZER, line: 3, message: /not valid UTF-8/ },
  {
    defect: 'tokenizer-oversized-sparse-65mb',
    consumer: 'tokenizer',
    damage: (dir) => truncate(join(dir, TOKENIZER), 65 << 20),
    file: TOKENIZER,
    wholeFile: true,
    message: /is 68157440 bytes, over the 67108864-byte limit/,
    huge: true,
  },
  { defect: 'tokenizer-is-array', consumer: 'tokenizer', damage: text(TOKENIZER, '[]'), file: TOKENIZER, line: 1, message: /not a JSON object/ },
  tokenizer('tokenizer-unknown-key', (t) => void (t.eval = 'process.exit()'), 'eval', /unknown key 'eval'/),
  tokenizer('tokenizer-model-missing', (t) => void delete t.model, 'model', /is missing/),
  tokenizer('tokenizer-model-type-unknown', (t) => void (t.model.type = 'Evil'), 'model.type', /Invalid option|expected one of/i),
  tokenizer('tokenizer-vocab-id-negative', (t) => void (t.model.vocab.a = -1), 'model.vocab.a', /Too small/i),
  tokenizer('tokenizer-vocab-id-2^30', (t) => void (t.model.vocab.a = 2 ** 30), 'model.vocab.a', /Too big/i),
  tokenizer('tokenizer-vocab-id-fraction', (t) => void (t.model.vocab.b = 1.5), 'model.vocab.b', /expected int/i),
  tokenizer('tokenizer-vocab-not-object', (t) => void (t.model.vocab = 'a b c'), 'model.vocab', /Invalid input|expected/i),
  tokenizer('tokenizer-added-token-id-string', (t) => void (t.added_tokens[0].id = '0'), 'added_tokens.0.id', /expected number/i),
  tokenizer('tokenizer-added-tokens-not-array', (t) => void (t.added_tokens = {}), 'added_tokens', /expected array/i),
  tokenizer('tokenizer-pre-tokenizer-string', (t) => void (t.pre_tokenizer = 'WhitespaceSplit'), 'pre_tokenizer', /expected record/i),
  {
    defect: 'tokenizer-config-invalid-json',
    consumer: 'tokenizer',
    damage: text(TOKENIZER_CONFIG, '{"model_max_length": 1024,'),
    file: TOKENIZER_CONFIG,
    line: 1,
    message: /not valid JSON/,
  },
  {
    defect: 'tokenizer-config-array',
    consumer: 'tokenizer',
    damage: text(TOKENIZER_CONFIG, '["eos"]'),
    file: TOKENIZER_CONFIG,
    line: 1,
    message: /tokenizer_config\.json is not a JSON object/,
  },
  {
    defect: 'tokenizer-config-invalid-utf8',
    consumer: 'tokenizer',
    damage: text(TOKENIZER_CONFIG, INVALID_UTF8),
    file: TOKENIZER_CONFIG,
    line: 3,
    message: /not valid UTF-8/,
  },
  {
    defect: 'tokenizer-config-oversized-sparse',
    consumer: 'tokenizer',
    damage: async (dir) => {
      await writeFile(join(dir, TOKENIZER_CONFIG), '');
      await truncate(join(dir, TOKENIZER_CONFIG), 3 << 20);
    },
    file: TOKENIZER_CONFIG,
    wholeFile: true,
    message: /over the 1048576-byte limit/,
    huge: true,
  },
];

export const MODEL_FILE_CASES: MalformedInputCase[] = ROWS.map((row) => ({
  id: `${row.consumer}/${row.defect}`,
  consumer: row.consumer,
  file: row.file,
  ...(row.line !== undefined ? { line: row.line } : {}),
  ...(row.field !== undefined ? { field: row.field } : {}),
  message: row.message,
  ...(row.huge ? { claimsHugeAllocation: true } : {}),
  ...(row.wholeFile ? { wholeFile: true } : {}),
  write: async (dir: string) => {
    await createRandomGpt2Checkpoint(dir, TINY_GPT2, 1, { tokenizerJson: wordLevelTokenizerJson(['<eos>'], ['a', 'b', 'c'], '<eos>') });
    await row.damage(dir);
    return dir;
  },
}));
