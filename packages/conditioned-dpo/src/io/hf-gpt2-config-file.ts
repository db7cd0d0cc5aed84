import { parseConfig, readJsonFile, SteerableError } from '@steerable/core';
import { z } from 'zod';
import { type Gpt2Config, innerSize, parseGpt2Config } from '../model/gpt2-config.js';

/** config.json holds a few dozen small fields; a larger file is not one. */
export const GPT2_CONFIG_MAX_BYTES = 1024 * 1024;

const count = (max: number) => z.number().int().min(1).max(max);
const tokenId = z.number().int().nonnegative();
const informational = z.unknown().optional();

/**
 * The keys a Hugging Face GPT2Config (and its PretrainedConfig base) writes. Strict, so a
 * misspelt key (`n_layers`) is refused with the nearest valid one instead of silently falling
 * back to a default; the keys that change the computation are typed and bounded, the others
 * (generation defaults, labels, bookkeeping) are accepted as they come.
 */
const gpt2ConfigFileSchema = z.strictObject({
  model_type: z.literal('gpt2').optional(),
  vocab_size: count(1 << 20).optional(),
  n_positions: count(1 << 17).optional(),
  n_ctx: count(1 << 17).optional(),
  n_embd: count(1 << 16).optional(),
  n_layer: count(1024).optional(),
  n_head: count(1024).optional(),
  n_inner: count(1 << 18)
    .nullable()
    .optional(),
  activation_function: z.literal('gelu_new').optional(),
  layer_norm_epsilon: z.number().positive().max(1).optional(),
  bos_token_id: tokenId.nullable().optional(),
  eos_token_id: tokenId.nullable().optional(),
  pad_token_id: tokenId.nullable().optional(),
  // Variants this implementation does not compute: refused rather than run wrongly.
  scale_attn_weights: z.literal(true).optional(),
  scale_attn_by_inverse_layer_idx: z.literal(false).optional(),
  tie_word_embeddings: z.literal(true).optional(),
  add_cross_attention: z.literal(false).optional(),
  is_encoder_decoder: z.literal(false).optional(),
  torch_dtype: z.enum(['float32', 'float16', 'bfloat16']).nullable().optional(),
  ...Object.fromEntries(
    [
      'architectures',
      'resid_pdrop',
      'embd_pdrop',
      'attn_pdrop',
      'initializer_range',
      'summary_type',
      'summary_use_proj',
      'summary_activation',
      'summary_proj_to_labels',
      'summary_first_dropout',
      'use_cache',
      'reorder_and_upcast_attn',
      'task_specific_params',
      'transformers_version',
      '_name_or_path',
      '_commit_hash',
      '_attn_implementation',
      'attn_implementation',
      'gradient_checkpointing',
      'output_past',
      'return_dict',
      'output_hidden_states',
      'output_attentions',
      'torchscript',
      'use_bfloat16',
      'tf_legacy_loss',
      'pruned_heads',
      'chunk_size_feed_forward',
      'is_decoder',
      'cross_attention_hidden_size',
      'tie_encoder_decoder',
      'max_length',
      'min_length',
      'do_sample',
      'early_stopping',
      'num_beams',
      'num_beam_groups',
      'diversity_penalty',
      'temperature',
      'top_k',
      'top_p',
      'typical_p',
      'repetition_penalty',
      'length_penalty',
      'no_repeat_ngram_size',
      'encoder_no_repeat_ngram_size',
      'bad_words_ids',
      'num_return_sequences',
      'output_scores',
      'return_dict_in_generate',
      'forced_bos_token_id',
      'forced_eos_token_id',
      'remove_invalid_values',
      'exponential_decay_length_penalty',
      'suppress_tokens',
      'begin_suppress_tokens',
      'finetuning_task',
      'id2label',
      'label2id',
      'num_labels',
      '_num_labels',
      'tokenizer_class',
      'prefix',
      'sep_token_id',
      'decoder_start_token_id',
      'problem_type',
    ].map((key) => [key, informational]),
  ),
});

/**
 * Reads and validates a GPT-2 config.json (size-limited before parsing, strict keys, bounded
 * sizes, token ids inside the vocabulary). Every problem is a SteerableError naming the file
 * and the field.
 */
export async function readGpt2ConfigFile(file: string): Promise<Gpt2Config> {
  const raw = await readJsonFile(file, {
    maxBytes: GPT2_CONFIG_MAX_BYTES,
    what: 'GPT-2 config.json',
    hint: 'point to a directory saved by saveGpt2Pretrained or Hugging Face save_pretrained',
  });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SteerableError('invalid-config', 'config.json is not a JSON object', {
      file,
      line: 1,
      hint: 'write a Hugging Face GPT2Config: {"model_type": "gpt2", "n_layer": ..., ...}',
    });
  }
  parseConfig(gpt2ConfigFileSchema, raw, { file, reference: "see Hugging Face's GPT2Config" });
  const config = parseGpt2Config(raw, file);
  for (const field of ['bos_token_id', 'eos_token_id'] as const) {
    if (config[field] >= config.vocab_size) {
      throw new SteerableError('invalid-config', `${field} ${config[field]} is outside the vocabulary (vocab_size ${config.vocab_size})`, {
        file,
        field,
        hint: 'set a token id below vocab_size',
      });
    }
  }
  return config;
}

/**
 * The weights a GPT-2 of this config has (our names, [in, out] layout as Hugging Face's
 * Conv1D), so a file can be checked against the config before any model is allocated.
 */
export function gpt2WeightShapes(config: Gpt2Config): Map<string, number[]> {
  const e = config.n_embd;
  const inner = innerSize(config);
  const shapes = new Map<string, number[]>([
    ['wte.weight', [config.vocab_size, e]],
    ['wpe.weight', [config.n_positions, e]],
  ]);
  for (let i = 0; i < config.n_layer; i++) {
    const p = `h.${i}.`;
    shapes.set(`${p}ln_1.weight`, [e]).set(`${p}ln_1.bias`, [e]);
    shapes.set(`${p}attn.c_attn.weight`, [e, 3 * e]).set(`${p}attn.c_attn.bias`, [3 * e]);
    shapes.set(`${p}attn.c_proj.weight`, [e, e]).set(`${p}attn.c_proj.bias`, [e]);
    shapes.set(`${p}ln_2.weight`, [e]).set(`${p}ln_2.bias`, [e]);
    shapes.set(`${p}mlp.c_fc.weight`, [e, inner]).set(`${p}mlp.c_fc.bias`, [inner]);
    shapes.set(`${p}mlp.c_proj.weight`, [inner, e]).set(`${p}mlp.c_proj.bias`, [e]);
  }
  shapes.set('ln_f.weight', [e]).set('ln_f.bias', [e]);
  return shapes;
}
