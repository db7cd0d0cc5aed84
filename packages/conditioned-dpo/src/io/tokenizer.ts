import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { parseConfig, readJsonFile, SteerableError } from '@steerable/core';
import { z } from 'zod';

/** GPT-2's tokenizer.json is 1.4 MB and large multilingual ones about 20 MB; more is not a tokenizer. */
export const TOKENIZER_JSON_MAX_BYTES = 64 * 1024 * 1024;
export const TOKENIZER_CONFIG_MAX_BYTES = 1024 * 1024;

const tokenId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 24);
const component = z.record(z.string(), z.unknown()).nullable().optional();

/**
 * The top level of a Hugging Face tokenizer.json as the `tokenizers` library writes it (strict),
 * with the parts that index memory (token ids) bounded. The pipeline components are passed to
 * @huggingface/tokenizers as data; nothing in the file is executed.
 */
const tokenizerFileSchema = z.strictObject({
  version: z.string().optional(),
  truncation: component,
  padding: component,
  added_tokens: z.array(z.looseObject({ id: tokenId, content: z.string() })).optional(),
  normalizer: component,
  pre_tokenizer: component,
  post_processor: component,
  decoder: component,
  model: z.looseObject({
    type: z.enum(['BPE', 'WordLevel', 'WordPiece', 'Unigram']).optional(),
    vocab: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]),
  }),
});

/** Word-to-id maps (BPE, WordLevel, WordPiece) and Unigram's [piece, score] list, checked apart so an error names the entry. */
const vocabMap = z.record(z.string(), tokenId);
const unigramVocab = z.array(z.tuple([z.string(), z.number()]));

/** A loaded tokenizer.json with the two calls the policy code needs. */
export interface TextTokenizer {
  /** Token ids; a word outside a word-level vocabulary becomes the unk token (an error when there is none). */
  encode(text: string): number[];
  /** The pre-tokenized, normalized pieces `encode` maps to ids (what a vocabulary is counted over). */
  pieces(text: string): string[];
  decode(ids: readonly number[], options?: { skipSpecialTokens?: boolean }): string;
  tokenId(token: string): number | undefined;
  readonly json: Record<string, unknown>;
}

/** Builds a tokenizer from tokenizer.json contents, validating them first (errors name `file` and the field). */
export function tokenizerFromJson(json: Record<string, unknown>, config: Record<string, unknown> = {}, file = 'tokenizer.json'): TextTokenizer {
  const reference = 'see the Hugging Face tokenizers serialization format';
  const parsed = parseConfig(tokenizerFileSchema, json, { file, reference });
  const vocab = parsed.model.vocab;
  parseConfig(Array.isArray(vocab) ? unigramVocab : vocabMap, vocab, { file, fieldPrefix: 'model.vocab', reference });
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (cause) {
    throw new SteerableError('invalid-tokenizer', `the tokenizer cannot be built: ${(cause as Error).message}`, {
      file,
      field: 'model',
      cause,
      hint: 'save the tokenizer again with tokenizer.save_pretrained',
    });
  }
  const unkToken = (json.model as { unk_token?: string } | undefined)?.unk_token;
  const unkId = unkToken !== undefined ? tokenizer.token_to_id(unkToken) : undefined;
  return {
    json,
    encode(text) {
      const { ids, tokens } = tokenizer.encode(text, { add_special_tokens: false });
      // @huggingface/tokenizers 0.2 returns undefined ids for out-of-vocabulary words of a WordLevel
      // model instead of the unk token's id, so the unk mapping is done here.
      const bad = ids.findIndex((id) => typeof id !== 'number');
      if (bad >= 0 && unkId === undefined) {
        throw new SteerableError('unknown-token', `word '${tokens[bad]}' is not in the vocabulary`, {
          file,
          field: 'model.vocab',
          hint: 'use only words of the tokenizer vocabulary, or add an unk_token that is itself in the vocabulary',
        });
      }
      return bad >= 0 ? ids.map((id) => (typeof id === 'number' ? id : unkId!)) : ids;
    },
    pieces(text) {
      return tokenizer.encode(text, { add_special_tokens: false }).tokens;
    },
    decode(ids, options = {}) {
      return tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
    },
    tokenId(token) {
      return tokenizer.token_to_id(token);
    },
  };
}

/**
 * Loads `<dir>/tokenizer.json` (and tokenizer_config.json when present) offline. Both are
 * size-limited before parsing and validated; an unreadable optional file is an error, not ignored.
 */
export async function loadTokenizer(dir: string): Promise<TextTokenizer> {
  const file = join(dir, 'tokenizer.json');
  const json = await readJsonFile(file, {
    maxBytes: TOKENIZER_JSON_MAX_BYTES,
    what: 'tokenizer.json',
    hint: 'put a Hugging Face tokenizer.json next to config.json',
  });
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SteerableError('invalid-tokenizer', 'tokenizer.json is not a JSON object', {
      file,
      line: 1,
      hint: 'save the tokenizer again with tokenizer.save_pretrained',
    });
  }
  const configFile = join(dir, 'tokenizer_config.json');
  let config: Record<string, unknown> = {};
  if (existsSync(configFile)) {
    const raw = await readJsonFile(configFile, {
      maxBytes: TOKENIZER_CONFIG_MAX_BYTES,
      what: 'tokenizer_config.json',
      hint: 'fix or delete tokenizer_config.json (it is optional)',
    });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new SteerableError('invalid-tokenizer', 'tokenizer_config.json is not a JSON object', {
        file: configFile,
        line: 1,
        hint: 'fix or delete tokenizer_config.json (it is optional)',
      });
    }
    config = raw as Record<string, unknown>;
  }
  return tokenizerFromJson(json as Record<string, unknown>, config, file);
}

/**
 * A word-level tokenizer.json (whitespace split, fixed vocabulary, special tokens first), the
 * format Hugging Face's `tokenizers` writes for `WordLevel` models.
 */
export function wordLevelTokenizerJson(
  specialTokens: readonly string[],
  words: readonly string[],
  unkToken: string,
  options: { lowercase?: boolean; splitPunctuation?: boolean } = {},
): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (const token of [...specialTokens, ...words]) {
    if (token in vocab) throw new SteerableError('invalid-argument', `token '${token}' appears twice in the vocabulary`, { field: 'vocab' });
    vocab[token] = Object.keys(vocab).length;
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: options.lowercase ? { type: 'Lowercase' } : null,
    // Whitespace splits words from punctuation (\w+|[^\w\s]+); WhitespaceSplit only at spaces.
    pre_tokenizer: { type: options.splitPunctuation ? 'Whitespace' : 'WhitespaceSplit' },
    post_processor: null,
    // WordPiece's decoder joins tokens with spaces, which is what a word-level vocabulary needs.
    decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
    model: { type: 'WordLevel', vocab, unk_token: unkToken },
  };
}
