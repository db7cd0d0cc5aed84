import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SteerableError } from '@steerable/core';
import type { Featurizer, FeaturizerInput } from './featurizer.js';

export interface TransformersFeaturizerOptions {
  /** A local model directory (config.json, tokenizer, onnx/ weights); nothing is downloaded. */
  modelDir: string;
  /** 'mean' (default) or 'cls' pooling of the last hidden state. */
  pooling?: 'mean' | 'cls';
  normalize?: boolean;
  /** Texts per forward pass (default 16). */
  batchSize?: number;
  /** How prompt and response are joined into one input (default: prompt, blank line, response). */
  join?: (prompt: string, response: string) => string;
}

type Extractor = (texts: string[], options: Record<string, unknown>) => Promise<{ data: Float32Array | number[]; dims: number[] }>;

/**
 * Feature extraction with `@huggingface/transformers` from a local model directory. The package
 * is optional (not a dependency): it is imported on first use, and its absence, or a missing
 * model directory, is reported as a SteerableError that says what to install or where to look.
 */
export async function transformersFeaturizer(options: TransformersFeaturizerOptions): Promise<Featurizer> {
  if (!existsSync(join(options.modelDir, 'config.json'))) {
    throw new SteerableError('model-not-found', `no model at ${options.modelDir} (config.json is missing)`, {
      file: options.modelDir,
      field: 'modelDir',
      hint: 'download the model once (e.g. huggingface-cli download Xenova/all-MiniLM-L6-v2 --local-dir DIR) and pass that directory',
    });
  }
  let module: { pipeline: (task: string, model: string, options?: Record<string, unknown>) => Promise<Extractor>; env: Record<string, unknown> };
  try {
    const name = '@huggingface/transformers';
    module = (await import(/* @vite-ignore */ name)) as typeof module;
  } catch (cause) {
    throw new SteerableError('missing-package', 'the optional package @huggingface/transformers is not installed', {
      field: 'featurizer',
      hint: 'install it next to steerable (npm install @huggingface/transformers), or use the built-in hashedNgramFeaturizer()',
      cause,
    });
  }
  module.env['allowRemoteModels'] = false;
  module.env['allowLocalModels'] = true;
  let extract: Extractor;
  try {
    extract = await module.pipeline('feature-extraction', options.modelDir, { local_files_only: true });
  } catch (cause) {
    throw new SteerableError('model-not-found', `cannot load a feature-extraction model from ${options.modelDir}: ${(cause as Error).message}`, {
      file: options.modelDir,
      hint: 'the directory needs config.json, tokenizer files and ONNX weights (onnx/model.onnx) as exported for transformers.js',
      cause,
    });
  }
  const joinText = options.join ?? ((prompt: string, response: string) => (prompt ? `${prompt}\n\n${response}` : response));
  const batchSize = options.batchSize ?? 16;
  let dim = 0;
  const featurizer: Featurizer = {
    get dim() {
      return dim;
    },
    description: { kind: 'transformers', modelDir: options.modelDir, pooling: options.pooling ?? 'mean' },
    async featurizeBatch(items: readonly FeaturizerInput[]): Promise<Float32Array> {
      const chunks: Float32Array[] = [];
      for (let start = 0; start < items.length; start += batchSize) {
        const texts = items.slice(start, start + batchSize).map((item) => joinText(item.prompt, item.response));
        const output = await extract(texts, { pooling: options.pooling ?? 'mean', normalize: options.normalize ?? true });
        dim = output.dims[output.dims.length - 1]!;
        chunks.push(Float32Array.from(output.data));
      }
      const out = new Float32Array(items.length * dim);
      let offset = 0;
      for (const chunk of chunks) {
        out.set(chunk, offset);
        offset += chunk.length;
      }
      return out;
    },
  };
  return featurizer;
}
