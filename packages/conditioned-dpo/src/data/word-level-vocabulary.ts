import { SteerableError } from '@steerable/core';
import { type TextTokenizer, tokenizerFromJson, wordLevelTokenizerJson } from '../io/tokenizer.js';

/** Special tokens of a tokenizer built here: padding, end and start of sequence, unknown word, prompt end. */
export const WORD_LEVEL_SPECIAL_TOKENS = ['<pad>', '<eos>', '<bos>', '<unk>', '<sep>'] as const;

export interface WordLevelVocabularyOptions {
  /** Most frequent words kept (special tokens come on top). */
  vocabSize: number;
  /** Words seen fewer times are left out (they become <unk>). */
  minFrequency: number;
  lowercase: boolean;
}

/**
 * A word-level tokenizer.json (Hugging Face format) counted over `texts`: the `vocabSize` most
 * frequent words, ties broken alphabetically so the same texts always give the same ids. For a
 * GPT-2 trained from scratch on a user's preference file, where no pretrained tokenizer applies.
 */
export function buildWordLevelTokenizer(
  texts: Iterable<string>,
  options: WordLevelVocabularyOptions,
): { json: Record<string, unknown>; tokenizer: TextTokenizer } {
  const style = { lowercase: options.lowercase, splitPunctuation: true };
  // An empty vocabulary still pre-tokenizes and normalizes exactly as the final tokenizer will.
  const splitter = tokenizerFromJson(wordLevelTokenizerJson(WORD_LEVEL_SPECIAL_TOKENS, [], '<unk>', style));
  const counts = new Map<string, number>();
  for (const text of texts) for (const piece of splitter.pieces(text)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const special = new Set<string>(WORD_LEVEL_SPECIAL_TOKENS);
  const words = [...counts]
    .filter(([word, count]) => count >= options.minFrequency && !special.has(word))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.vocabSize)
    .map(([word]) => word);
  if (words.length === 0)
    throw new SteerableError('invalid-data', 'the training texts have no word to build a vocabulary from', {
      field: 'tokenizer',
      hint: 'check the data file, or lower tokenizer.minFrequency',
    });
  const json = wordLevelTokenizerJson(WORD_LEVEL_SPECIAL_TOKENS, words, '<unk>', style);
  return { json, tokenizer: tokenizerFromJson(json) };
}
