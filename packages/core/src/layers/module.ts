import * as tf from '@tensorflow/tfjs';
import { SteerableError } from '../errors.js';

/**
 * A tree of named parameters and buffers with PyTorch's naming (`encoder.layers.0.weight`), so
 * checkpoints, optimizers and state-dict tests can address every tensor by a stable path.
 * Subclasses register what they own in their constructor and define their own `forward`.
 */
export abstract class Module {
  private readonly parametersByName = new Map<string, tf.Variable>();
  private readonly buffersByName = new Map<string, tf.Variable>();
  private readonly childrenByName = new Map<string, Module>();
  private trainingMode = true;

  get training(): boolean {
    return this.trainingMode;
  }

  protected registerParameter(name: string, initial: tf.Tensor, trainable = true): tf.Variable {
    this.assertFreshName(name);
    // tf.variable copies, so the caller's initial tensor is disposed here.
    const variable = tf.variable(initial, trainable);
    initial.dispose();
    this.parametersByName.set(name, variable);
    return variable;
  }

  /** Non-trainable state saved with the model (for example BatchNorm running statistics). */
  protected registerBuffer(name: string, initial: tf.Tensor): tf.Variable {
    this.assertFreshName(name);
    const variable = tf.variable(initial, false);
    initial.dispose();
    this.buffersByName.set(name, variable);
    return variable;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.assertFreshName(name);
    this.childrenByName.set(name, module);
    module.trainingMode = this.trainingMode;
    return module;
  }

  children(): Array<[string, Module]> {
    return [...this.childrenByName.entries()];
  }

  namedParameters(prefix = ''): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [name, v] of this.parametersByName) out.push([prefix + name, v]);
    for (const [name, child] of this.childrenByName) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  namedBuffers(prefix = ''): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [name, v] of this.buffersByName) out.push([prefix + name, v]);
    for (const [name, child] of this.childrenByName) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  /** Parameters whose `trainable` flag is set (frozen ones are skipped by optimizers). */
  trainableParameters(): Array<[string, tf.Variable]> {
    return this.namedParameters().filter(([, v]) => v.trainable);
  }

  numParameters(onlyTrainable = false): number {
    return (onlyTrainable ? this.trainableParameters() : this.namedParameters()).reduce((n, [, v]) => n + v.size, 0);
  }

  /** Freezes or unfreezes every parameter in this subtree. */
  setTrainable(trainable: boolean): this {
    for (const [, v] of this.namedParameters()) v.trainable = trainable;
    return this;
  }

  train(mode = true): this {
    this.trainingMode = mode;
    for (const child of this.childrenByName.values()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Parameters then buffers, by dotted name. The tensors are the live variables, not copies. */
  stateDict(): Map<string, tf.Variable> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Strict by default: a missing or unexpected key, or a shape mismatch, is an error that names
   * the key. (The original code loaded checkpoints non-strictly and silently kept random weights.)
   */
  loadStateDict(state: Map<string, tf.Tensor>, options: { strict?: boolean; source?: string } = {}): void {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const problems: string[] = [];
    for (const [name, variable] of own) {
      const incoming = state.get(name);
      if (!incoming) {
        if (strict) problems.push(`missing '${name}'`);
        continue;
      }
      if (!arraysEqual(incoming.shape, variable.shape)) {
        problems.push(`'${name}' has shape [${incoming.shape.join(', ')}], the model expects [${variable.shape.join(', ')}]`);
      }
    }
    if (strict) for (const name of state.keys()) if (!own.has(name)) problems.push(`unexpected '${name}'`);
    if (problems.length > 0) {
      throw new SteerableError(
        'state-dict-mismatch',
        `cannot load weights: ${problems.slice(0, 8).join('; ')}${problems.length > 8 ? `; and ${problems.length - 8} more` : ''}`,
        {
          ...(options.source !== undefined ? { file: options.source } : {}),
          hint: 'load a checkpoint written by the same model configuration (see config.json next to it)',
        },
      );
    }
    for (const [name, variable] of own) {
      const incoming = state.get(name);
      if (incoming) variable.assign(incoming.dtype === variable.dtype ? incoming : tf.cast(incoming, variable.dtype));
    }
  }

  dispose(): void {
    for (const v of this.parametersByName.values()) v.dispose();
    for (const v of this.buffersByName.values()) v.dispose();
    for (const child of this.childrenByName.values()) child.dispose();
  }

  private assertFreshName(name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^\d+$/.test(name)) {
      throw new SteerableError('invalid-argument', `module member name '${name}' must be an identifier or an index`);
    }
    if (this.parametersByName.has(name) || this.buffersByName.has(name) || this.childrenByName.has(name)) {
      throw new SteerableError('invalid-argument', `module member '${name}' is registered twice`);
    }
  }
}

/** An ordered list of modules named `0`, `1`, ... (PyTorch's ModuleList). */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[];
  constructor(items: M[]) {
    super();
    this.items = items.map((m, i) => this.registerModule(String(i), m));
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): M {
    const m = this.items[i];
    if (!m) throw new RangeError(`ModuleList index ${i} out of range (length ${this.items.length})`);
    return m;
  }
}

function arraysEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
