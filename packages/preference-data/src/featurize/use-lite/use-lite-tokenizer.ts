import { SteerableError } from '@steerable/core';
import { parseReaderJson } from './use-lite-graph.js';
import type { UseLiteFileReader } from './use-lite-files.js';
import { missingUseLitePackage, USE_LITE_ENCODER_ID, USE_LITE_TOKENIZER_MODULE, USE_LITE_TOKENIZER_PACKAGE } from './use-lite-packages.js';

/** What the featurizer needs of a tokenizer: SentencePiece ids of a text. */
export interface TextTokenizer {
  encode(text: string): number[];
}

/** The module `@tensorflow-models/universal-sentence-encoder/dist/tokenizer` (CommonJS: its names may sit on `default`). */
type TokenizerModule = { Tokenizer?: TokenizerClass; default?: { Tokenizer?: TokenizerClass } };
type TokenizerClass = new (vocabulary: [string, number][]) => TextTokenizer;

/** Imports the tokenizer module; a browser bundle passes `() => import('<the module>')` so its bundler sees the import. */
export type TokenizerModuleImporter = () => Promise<unknown>;

const importInstalledTokenizer: TokenizerModuleImporter = () => {
  // A variable specifier: bundlers and TypeScript leave the optional package alone until it is used.
  const specifier: string = USE_LITE_TOKENIZER_MODULE;
  return import(/* @vite-ignore */ specifier);
};

/**
 * USE-lite's SentencePiece tokenizer: the `Tokenizer` class of the tokenizer package, built on the
 * model package's vocab.json. Only the class is used: the package's `loadTokenizer()` would fetch
 * the vocabulary from the internet.
 */
export async function loadUseLiteTokenizer(readFile: UseLiteFileReader, importModule: TokenizerModuleImporter = importInstalledTokenizer): Promise<TextTokenizer> {
  let module: TokenizerModule;
  try {
    module = (await importModule()) as TokenizerModule;
  } catch (cause) {
    throw missingUseLitePackage(USE_LITE_TOKENIZER_PACKAGE, cause);
  }
  const Tokenizer = module.Tokenizer ?? module.default?.Tokenizer;
  if (typeof Tokenizer !== 'function') {
    throw new SteerableError('missing-package', `${USE_LITE_TOKENIZER_MODULE} has no Tokenizer class`, { field: 'featurizer', hint: `install the version the featurizer was built against: npm install ${USE_LITE_TOKENIZER_PACKAGE}@1.3.3` });
  }
  const vocabulary = parseReaderJson<[string, number][]>(await readFile('vocab.json'), 'vocab.json');
  if (!Array.isArray(vocabulary) || vocabulary.length === 0) {
    throw new SteerableError('invalid-model', 'vocab.json is not a list of [piece, score] entries', { file: 'vocab.json', hint: `reinstall ${USE_LITE_ENCODER_ID}` });
  }
  return new Tokenizer(vocabulary);
}
