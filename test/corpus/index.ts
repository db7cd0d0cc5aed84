/**
 * Every generated malformed input of the repository, for tests that run them all through one
 * door (the CLIs: each must exit with code 2 and name `file` and the field or line on stderr).
 * Each package's own test runs its cases through the library call; `consumer` says which
 * command takes the input (see MalformedInputConsumer in @steerable/core/testing).
 */
import type { MalformedInputCase } from '@steerable/core/testing';
import { MODEL_FILE_CASES } from '../../packages/conditioned-dpo/test/corpus/model-file-cases.js';
import { CHECKPOINT_CASES } from '../../packages/core/test/corpus/checkpoint-cases.js';
import { SAFETENSORS_CASES } from '../../packages/core/test/corpus/safetensors-cases.js';
import { DATA_FILE_CASES } from '../../packages/preference-data/test/corpus/data-file-cases.js';
import { EMBEDDING_STORE_CASES } from '../../packages/preference-data/test/corpus/embedding-store-cases.js';
import { FIXTURE_CASES } from '../../packages/preference-data/test/corpus/fixture-cases.js';

export const MALFORMED_INPUT_CASES: readonly MalformedInputCase[] = [
  ...DATA_FILE_CASES,
  ...FIXTURE_CASES,
  ...EMBEDDING_STORE_CASES,
  ...SAFETENSORS_CASES,
  ...CHECKPOINT_CASES,
  ...MODEL_FILE_CASES,
];

export { CHECKPOINT_CASES, DATA_FILE_CASES, EMBEDDING_STORE_CASES, FIXTURE_CASES, MODEL_FILE_CASES, SAFETENSORS_CASES };
