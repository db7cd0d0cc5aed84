import type { TypedArray } from '../backend-types.js';
import type { RowSoftmax } from './sequence-log-probs-impl.js';
import { sequenceLogProbsRowKernels, type SequenceLogProbsRowKernels } from '../wasm/sequence-log-probs-simd.js';
import { type WasmMemory, webAssembly } from '../wasm/simd-module.js';

const PAGE_BYTES = 65536;

/**
 * The SIMD row kernels for arrays outside any wasm heap (the cpu backend's): each row is copied
 * into a private memory, worked on there, and (for the gradient) copied back. A row copy costs
 * about a tenth of its exp work.
 */
export class StagedRowKernels implements RowSoftmax {
  private stagedVocab = 0;
  private input!: Float32Array;
  private output!: Float32Array;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly kernels: SequenceLogProbsRowKernels,
  ) {}

  /** null where the engine lacks wasm SIMD. */
  static create(): StagedRowKernels | null {
    if (!webAssembly) return null;
    const memory = new webAssembly.Memory({ initial: 1 });
    const kernels = sequenceLogProbsRowKernels(memory);
    return kernels ? new StagedRowKernels(memory, kernels) : null;
  }

  /** Input and output rows of `vocab` floats at byte offsets 0 and vocab * 4. */
  private stage(vocab: number): void {
    if (vocab === this.stagedVocab && this.input.buffer === this.memory.buffer) return;
    const needed = Math.ceil((vocab * 8) / PAGE_BYTES);
    const pages = this.memory.buffer.byteLength / PAGE_BYTES;
    if (needed > pages) this.memory.grow(needed - pages);
    this.input = new Float32Array(this.memory.buffer, 0, vocab);
    this.output = new Float32Array(this.memory.buffer, vocab * 4, vocab);
    this.stagedVocab = vocab;
  }

  /** logSumExp of logits[start, start + vocab). */
  logSumExp(logits: TypedArray, start: number, vocab: number): number {
    this.stage(vocab);
    this.input.set(logits.subarray(start, start + vocab));
    const max = this.kernels.rowMax(0, vocab);
    return max + Math.log(this.kernels.rowSumExp(0, vocab, max));
  }

  /** out[start + i] = scale * exp(logits[start + i] - shift) for i < vocab. */
  scaledExp(logits: TypedArray, out: TypedArray, start: number, vocab: number, shift: number, scale: number): void {
    this.stage(vocab);
    this.input.set(logits.subarray(start, start + vocab));
    this.kernels.rowScaledExp(0, vocab * 4, vocab, shift, scale);
    out.set(this.output, start);
  }
}
