import { SteerableError } from '@steerable/core';

/** The fields of a Hugging Face `GPT2Config` this implementation uses (snake_case, as in config.json). */
export interface Gpt2Config {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  /** Inner MLP width; null means 4 * n_embd, as in Hugging Face. */
  n_inner: number | null;
  layer_norm_epsilon: number;
  activation_function: 'gelu_new';
  bos_token_id: number;
  eos_token_id: number;
}

/** GPT-2 small (124M parameters). */
export const GPT2_SMALL: Gpt2Config = {
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: 50256,
  eos_token_id: 50256,
};

export function innerSize(config: Gpt2Config): number {
  return config.n_inner ?? 4 * config.n_embd;
}

/**
 * Reads a config.json object, filling Hugging Face's defaults and rejecting what this
 * implementation does not support (another activation, heads that do not divide the width).
 */
export function parseGpt2Config(raw: unknown, file = 'config.json'): Gpt2Config {
  if (typeof raw !== 'object' || raw === null) {
    throw new SteerableError('invalid-config', 'config must be a JSON object', { file, hint: 'write a Hugging Face GPT2Config (config.json)' });
  }
  const r = raw as Record<string, unknown>;
  const int = (field: string, fallback?: number): number => {
    const v = r[field] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new SteerableError('invalid-config', `expected a non-negative integer, got ${JSON.stringify(v)}`, {
        file,
        field,
        hint: `set "${field}" as in Hugging Face's GPT2Config`,
      });
    }
    return v;
  };
  const modelType = r.model_type ?? 'gpt2';
  if (modelType !== 'gpt2') {
    throw new SteerableError('invalid-config', `model_type is '${String(modelType)}', only 'gpt2' is supported`, {
      file,
      field: 'model_type',
      hint: 'load a GPT-2-architecture checkpoint',
    });
  }
  const activation = r.activation_function ?? 'gelu_new';
  if (activation !== 'gelu_new') {
    throw new SteerableError('invalid-config', `activation_function '${String(activation)}' is not supported`, {
      file,
      field: 'activation_function',
      hint: "GPT-2 uses 'gelu_new'",
    });
  }
  const config: Gpt2Config = {
    vocab_size: int('vocab_size', 50257),
    n_positions: int('n_positions', 1024),
    n_embd: int('n_embd', 768),
    n_layer: int('n_layer', 12),
    n_head: int('n_head', 12),
    n_inner: r.n_inner === null || r.n_inner === undefined ? null : int('n_inner'),
    layer_norm_epsilon: typeof r.layer_norm_epsilon === 'number' ? r.layer_norm_epsilon : 1e-5,
    activation_function: 'gelu_new',
    bos_token_id: int('bos_token_id', 50256),
    eos_token_id: int('eos_token_id', 50256),
  };
  if (config.n_embd % config.n_head !== 0) {
    throw new SteerableError('invalid-config', `n_embd ${config.n_embd} is not divisible by n_head ${config.n_head}`, {
      file,
      field: 'n_head',
      hint: 'choose n_head dividing n_embd',
    });
  }
  return config;
}

/** The config.json Hugging Face writes for GPT2LMHeadModel (enough for transformers to load it). */
export function toHfConfigJson(config: Gpt2Config): Record<string, unknown> {
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    ...config,
    n_ctx: config.n_positions,
    resid_pdrop: 0.0,
    embd_pdrop: 0.0,
    attn_pdrop: 0.0,
    initializer_range: 0.02,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
  };
}
