import { SteerableError } from '@steerable/core';
import { SentencePieceTokenizer, type SentencePieceVocabulary } from './sentencepiece-tokenizer.js';
import type { UseLiteFileReader } from './use-lite-file-reader.js';
import { parseReaderJson, REINSTALL } from './use-lite-graph.js';

/** What the encoder needs of a tokenizer: SentencePiece ids of a text. */
export interface TextTokenizer {
  encode(text: string): number[];
}

/** USE-lite's SentencePiece tokenizer, built on the model package's vocab.json (8k pieces). */
export async function loadUseLiteTokenizer(readFile: UseLiteFileReader): Promise<TextTokenizer> {
  const vocabulary = parseReaderJson<SentencePieceVocabulary>(await readFile('vocab.json'), 'vocab.json');
  const isEntry = (entry: unknown): boolean => Array.isArray(entry) && typeof entry[0] === 'string' && (typeof entry[1] === 'number' || entry[1] === null);
  if (!Array.isArray(vocabulary) || vocabulary.length === 0 || !vocabulary.every(isEntry)) {
    throw new SteerableError('invalid-model', 'vocab.json is not a list of [piece, score] entries', REINSTALL('vocab.json'));
  }
  return new SentencePieceTokenizer(vocabulary);
}
