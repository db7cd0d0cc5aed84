import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { SteerableError } from '@steerable/core';

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

export function tokenizerFromJson(json: Record<string, unknown>, config: Record<string, unknown> = {}, file = 'tokenizer.json'): TextTokenizer {
  const tokenizer = new Tokenizer(json, config);
  const model = json.model as { unk_token?: string } | undefined;
  const unkId = model?.unk_token !== undefined ? tokenizer.token_to_id(model.unk_token) : undefined;
  return {
    json,
    encode(text) {
      const { ids, tokens } = tokenizer.encode(text, { add_special_tokens: false });
      // @huggingface/tokenizers 0.2 returns undefined ids for out-of-vocabulary words of a WordLevel
      // model instead of the unk token's id, so the unk mapping is done here.
      const bad = ids.findIndex((id) => typeof id !== 'number');
      if (bad >= 0 && unkId === undefined) {
        throw new SteerableError('unknown-token', `word '${tokens[bad]}' is not in the vocabulary`, { file, field: 'model.vocab', hint: 'use only words of the tokenizer vocabulary, or add an unk_token that is itself in the vocabulary' });
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

/** Loads `<dir>/tokenizer.json` (and tokenizer_config.json when present) offline. */
export async function loadTokenizer(dir: string): Promise<TextTokenizer> {
  const file = join(dir, 'tokenizer.json');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new SteerableError('missing-file', 'cannot read tokenizer.json', { file, cause, hint: 'put a Hugging Face tokenizer.json next to config.json' });
  }
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // tokenizer_config.json is optional.
  }
  return tokenizerFromJson(json, config, file);
}

/**
 * A word-level tokenizer.json (whitespace split, fixed vocabulary, special tokens first), the
 * format Hugging Face's `tokenizers` writes for `WordLevel` models.
 */
export function wordLevelTokenizerJson(specialTokens: readonly string[], words: readonly string[], unkToken: string, options: { lowercase?: boolean; splitPunctuation?: boolean } = {}): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (const token of [...specialTokens, ...words]) {
    if (token in vocab) throw new SteerableError('invalid-argument', `token '${token}' appears twice in the vocabulary`, { field: 'vocab' });
    vocab[token] = Object.keys(vocab).length;
  }
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: options.lowercase ? { type: 'Lowercase' } : null,
    // Whitespace splits words from punctuation (\w+|[^\w\s]+); WhitespaceSplit only at spaces.
    pre_tokenizer: { type: options.splitPunctuation ? 'Whitespace' : 'WhitespaceSplit' },
    post_processor: null,
    // WordPiece's decoder joins tokens with spaces, which is what a word-level vocabulary needs.
    decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
    model: { type: 'WordLevel', vocab, unk_token: unkToken },
  };
}
