import { mkdtemp } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SteerableError } from '../errors.js';

/**
 * What reads a malformed input, so each case can be run through the library call here and, by
 * the apps' tests, through the CLI command that takes such a file (expecting exit code 2):
 * - safetensors: any `.safetensors` weights file (`readSafetensors`)
 * - checkpoint: a checkpoint directory (`loadCheckpoint`; `--resume` / `--checkpoint`)
 * - preference-file: a JSONL / CSV / parquet (optionally gzipped) preference file (`readPreferencePairs`; `--data`)
 * - embedding-store: an embedding store directory (`readEmbeddingStore`)
 * - gpt2-model: a Hugging Face GPT-2 directory (`loadGpt2Pretrained`; a policy's `baseModelDir`)
 * - tokenizer: a directory with tokenizer.json (`loadTokenizer`)
 */
export type MalformedInputConsumer = 'safetensors' | 'checkpoint' | 'preference-file' | 'embedding-store' | 'gpt2-model' | 'tokenizer';

export interface MalformedInputCase {
  /** Unique and stable: `<consumer>/<defect>`. */
  id: string;
  consumer: MalformedInputConsumer;
  /** Writes the input into `dir` (empty, one per case) and returns the path to hand to the consumer. */
  write(dir: string): Promise<string>;
  /** The file the error must name, relative to `dir`. */
  file: string;
  /** The field the error must name, when the defect has one. */
  field?: string;
  /** The 1-based line the error must name, for text inputs. */
  line?: number;
  /**
   * The defect is the whole file (missing, or over a size limit before anything is read), so the
   * error names no field or line; every other refusal must name one.
   */
  wholeFile?: boolean;
  /** What the problem statement must say. */
  message: RegExp;
  /** The input claims far more memory (headers, shapes) than it holds: reading it must not allocate the claim. */
  claimsHugeAllocation?: boolean;
}

/**
 * What is wrong with how `error` refuses `testCase` (empty when it is refused as it must be): a
 * SteerableError (nothing else), naming the file in its fields and its message, the field and/or
 * line, the problem, and a fix.
 */
export function refusalProblems(testCase: MalformedInputCase, dir: string, error: unknown): string[] {
  if (error === undefined) return ['was accepted'];
  if (!(error instanceof SteerableError))
    return [`threw ${(error as Error)?.name ?? typeof error} (not a SteerableError): ${(error as Error)?.message ?? String(error)}`];
  const problems: string[] = [];
  const expectedFile = testCase.file === '' ? dir : `${dir}/${testCase.file}`;
  const named = error.file === undefined ? undefined : relative(dir, error.file);
  if (named !== testCase.file) problems.push(`names file ${JSON.stringify(named)}, expected ${JSON.stringify(testCase.file)}`);
  if (!error.message.includes(expectedFile)) problems.push(`message does not name ${expectedFile}`);
  if (!testCase.wholeFile && error.field === undefined && error.line === undefined) problems.push('names neither a field nor a line');
  if (testCase.field !== undefined && error.field !== testCase.field)
    problems.push(`names field ${JSON.stringify(error.field)}, expected ${JSON.stringify(testCase.field)}`);
  if (testCase.line !== undefined && error.line !== testCase.line) problems.push(`names line ${String(error.line)}, expected ${testCase.line}`);
  if (!testCase.message.test(error.message)) problems.push(`message ${JSON.stringify(error.message)} does not match ${testCase.message}`);
  if (!/\n {2}fix: \S/.test(error.message)) problems.push('message has no fix hint');
  return problems;
}

/** Raw safetensors bytes from any header (object or literal text) and data, for building malformed files. */
export function rawSafetensors(header: unknown, data: Uint8Array = new Uint8Array(0), options: { headerLength?: bigint } = {}): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(text);
  return rawSafetensorsBytes(headerBytes, data, options);
}

/** Like `rawSafetensors`, from header bytes (which need not be UTF-8). */
export function rawSafetensorsBytes(headerBytes: Uint8Array, data: Uint8Array = new Uint8Array(0), options: { headerLength?: bigint } = {}): Uint8Array {
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, options.headerLength ?? BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

export interface MalformedInputOutcome {
  /** Empty when the input was refused as it must be (see `refusalProblems`). */
  problems: string[];
  error: unknown;
  /** Growth of `process.memoryUsage().arrayBuffers` across the load, in bytes (where typed arrays live). */
  arrayBuffersGrowth: number;
  dir: string;
}

/** Writes the case into a fresh directory under `root`, hands it to `load`, and says how it was refused. */
export async function runMalformedInput(testCase: MalformedInputCase, root: string, load: (path: string) => Promise<unknown>): Promise<MalformedInputOutcome> {
  const dir = await mkdtemp(join(root, 'case-'));
  const path = await testCase.write(dir);
  const before = process.memoryUsage().arrayBuffers;
  let error: unknown;
  try {
    await load(path);
  } catch (caught) {
    error = caught;
  }
  const arrayBuffersGrowth = process.memoryUsage().arrayBuffers - before;
  return { problems: refusalProblems(testCase, dir, error), error, arrayBuffersGrowth, dir };
}
