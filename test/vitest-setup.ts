import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

// Tests run tfjs as the apps do, in production mode (setupBackend calls tf.enableProdMode()):
// that also keeps the cpu backend's "install tfjs-node" banner out of the test output.
// (IS_TEST would silence it too, but it switches on tfjs's per-kernel leak check, which reports
// a false leak inside stock wasm logSoftmax; our own leak tests count tensors and data ids.)
tf.enableProdMode();

// The CLIs keep embeddings in ~/.cache/steerable/embeddings by default: tests that run them keep
// theirs in a folder of their own instead, so a test run leaves nothing in the user's home.
if (!process.env.STEERABLE_CACHE_DIR) process.env.STEERABLE_CACHE_DIR = mkdtempSync(join(tmpdir(), 'steerable-test-cache-'));
