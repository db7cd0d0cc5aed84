import { SteerableError } from '@steerable/core';
import { SentencePieceTokenizer, type SentencePieceVocabulary } from './sentencepiece-tokenizer.js';
import type { UseLiteFileReader } from './use-lite-files.js';
import { parseReaderJson } from './use-lite-graph.js';
import { USE_LITE_ENCODER_ID } from './use-lite-packages.js';

/** What the encoder needs of a tokenizer: SentencePiece ids of a text. */
export interface TextTokenizer {
  encode(text: string): number[];
}

/** USE-lite's SentencePiece tokenizer, built on the model package's vocab.json (8k pieces). */
export async function loadUseLiteTokenizer(readFile: UseLiteFileReader): Promise<TextTokenizer> {
  const vocabulary = parseReaderJson<SentencePieceVocabulary>(await readFile('vocab.json'), 'vocab.json');
  if (!Array.isArray(vocabulary) || vocabulary.length === 0 || !vocabulary.every((entry) => Array.isArray(entry) && typeof entry[0] === 'string' && (typeof entry[1] === 'number' || entry[1] === null))) {
    throw new SteerableError('invalid-model', 'vocab.json is not a list of [piece, score] entries', { file: 'vocab.json', hint: `reinstall ${USE_LITE_ENCODER_ID}` });
  }
  return new SentencePieceTokenizer(vocabulary);
}
