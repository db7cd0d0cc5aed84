import * as tf from '@tensorflow/tfjs';
import { Linear, Mlp, Rng, SteerableError } from '@steerable/core';
import {
  ContextEncoder,
  type ContextSet,
  type DiagonalGaussian,
  disposeGaussian,
  gaussianKl,
  sampleGaussian,
  SPLIT_FIRST_LAYER_MIN_DIM,
} from '@steerable/np-encoder';
import type { ResolvedRewardModelConfig } from '../config/reward-model-config.js';
import { RewardHead } from '../reward-head.js';
import {
  type ForwardOptions,
  type PairTensors,
  type PreparedTargets,
  RewardModel,
  type RewardModelOutput,
  splitTargets,
  stackTargets,
} from './reward-model.js';

/**
 * NP-BTL: r(y; z_C) = g([phi(e(y)); z_C]) with z_C from the neural-process context encoder.
 * Deterministic: z_C = rho(pool(h(context))). Latent: in training z is sampled (reparameterised)
 * and beta_kl * KL is added (direction per config.klDirection); in eval z is the mean of q(z|C).
 */
export class NpBtlRewardModel extends RewardModel {
  readonly encoder: ContextEncoder;
  readonly phi: Mlp;
  readonly head: RewardHead;

  /** conditioning 'film': z -> (gamma, beta) scaling and shifting g's hidden layer per option. */
  readonly film: Linear | null;
  constructor(readonly config: ResolvedRewardModelConfig) {
    super();
    const rng = new Rng(config.initSeed);
    const { inputDim: d, hiddenDim: h } = config;
    this.encoder = this.registerModule(
      'encoder',
      new ContextEncoder(
        {
          variant: config.variant,
          inputDim: d,
          hiddenDim: h,
          pairEncoder: config.pairEncoder,
          aggregation: config.aggregation,
          numHeads: config.numHeads,
          attentionDropout: config.attentionDropout,
          klDirection: config.klDirection,
        },
        rng,
      ),
    );
    this.phi = this.registerModule('phi', new Mlp([d, h, h], rng));
    this.head = this.registerModule('head', new RewardHead(2 * h, h, 1, rng, { batchNorm: config.batchNorm }));
    // Drawn after the paper's modules, so 'concat' models initialise exactly as before.
    this.film = config.conditioning === 'film' ? this.registerModule('film', new Linear(h, 2 * h, rng)) : null;
  }

  get usesContext(): boolean {
    return true;
  }

  /** Rewards [B, N] of options [B, N, D] for per-task latents z [B, H]. */
  rewardsGivenZ(options: tf.Tensor, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, n] = options.shape as [number, number, number];
      return this.rewardsFromPhiInput(this.phiLastInput(options.reshape([b * n, -1])), z);
    });
  }

  /**
   * Rewards [B, N] from a = the input of phi's last layer for every option ([B*N, H], N options
   * per task) and z [B, H]: g(W_phi-half(phi_last(a)) + z-half), BatchNorm, ReLU, out.
   */
  private rewardsFromPhiInput(a: tf.Tensor, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.rewardsFromDecoderHidden(this.decoderHidden(a, z), z.shape[0]!));
  }

  /** g after its first layer: [B, N, H] (or [B*N, H]) -> BatchNorm, ReLU, out -> rewards [B, N]. */
  private rewardsFromDecoderHidden(decoderHidden: tf.Tensor, b: number): tf.Tensor {
    return tf.tidy(() => {
      let hidden = decoderHidden.reshape([-1, this.config.hiddenDim]);
      if (this.head.norm) hidden = this.head.norm.forward(hidden);
      return this.head.out.forward(tf.relu(hidden)).reshape([b, -1]);
    });
  }

  /** phi's layers but the last on options [rows, D] (ReLU after each): the last layer's input. */
  private phiLastInput(options: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let a = options;
      for (const layer of this.phi.layers.slice(0, -1)) a = tf.relu(layer.forward(a));
      return a;
    });
  }

  /**
   * The input of phi's last layer for every target option, [B*2T, H], in stackTargets' order (per
   * task: T chosen, then T rejected). phi is row-wise, so its first layer runs on the chosen and
   * the rejected targets separately and only its [B, T, H] outputs are concatenated: the
   * [B, 2T, D] stack of raw embeddings (10 M floats at the paper size) is never written. Both
   * halves multiply the same weight, so its gradient is the sum of the two halves'.
   */
  private targetPhiLastInput(batch: PairTensors): tf.Tensor {
    return tf.tidy(() => {
      // Narrow embeddings: stacking them costs less than a second matmul and a feature concat.
      if (this.config.inputDim < SPLIT_FIRST_LAYER_MIN_DIM) return this.phiLastInput(stackTargets(batch).reshape([-1, this.config.inputDim]));
      const [first, ...middle] = this.phi.layers.slice(0, -1);
      const h1 = tf.concat([first!.forward(batch.targetChosen), first!.forward(batch.targetRejected)], 1);
      let a = tf.relu(h1.reshape([-1, h1.shape[2]!]));
      for (const layer of middle) a = tf.relu(layer.forward(a));
      return a;
    });
  }

  /**
   * g's first layer on [phi(e); z] for every option, from a = the input of phi's last layer
   * [B*N, H] and z [B, H] -> [B, N, H]. g1's weight [2H, H] splits into W_phi (rows 0..H) and W_z
   * (rows H..2H): g1([e; z]) = e W_phi + (z W_z + b), so z's half runs once per task and broadcasts
   * over the task's options (no tile or concat). And e = a W_last + b_last feeds W_phi with
   * nothing in between, so e W_phi = a (W_last W_phi) + b_last W_phi: with more options than H
   * the [H, H] product is formed once and each option takes one [H, H] matmul instead of two,
   * forward and backward (3 of the step's [B*2T, H] x [H, H] matmuls instead of 6). The same
   * function of the same parameters, so checkpoints are unchanged.
   */
  private decoderHidden(a: tf.Tensor, z: tf.Tensor): tf.Tensor {
    const [b, h] = z.shape as [number, number];
    const folded = this.foldsPhiLast(a.shape[0]!);
    return this.combineHalves(this.optionHalf(a, folded).reshape([b, -1, h]), z, folded);
  }

  /**
   * g's first layer from the option half [B, N, H] and z [B, H]. Concatenation adds z's half to
   * every option. FiLM also scales each option's features by (1 + gamma(z)), so how two options
   * compare depends on z to first order (with concatenation only through which ReLUs switch);
   * phi's last bias, when folded into W_phi, belongs to the features it scales.
   */
  private combineHalves(options: tf.Tensor, z: tf.Tensor, folded: boolean): tf.Tensor {
    const [b, h] = z.shape as [number, number];
    if (!this.film) return tf.add(options, this.taskHalf(z, folded).reshape([b, 1, h]));
    const phiBias = this.foldedPhiBias(folded);
    const features = phiBias ? tf.add(options, phiBias) : options;
    const [gamma, beta] = tf.split(this.film.forward(z), 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return tf.add(tf.mul(features, tf.add(gamma, 1).reshape([b, 1, h])), tf.add(this.zHalf(z), beta).reshape([b, 1, h]));
  }

  /** Whether rows options at once are worth forming W_last W_phi for (see decoderHidden). */
  private foldsPhiLast(rows: number): boolean {
    return rows > this.phi.layers.at(-1)!.inFeatures;
  }

  /** g1's option half for a = phi's last-layer input [rows, H]: a (W_last W_phi) when `folded`, else phi_last(a) W_phi. */
  private optionHalf(a: tf.Tensor, folded: boolean): tf.Tensor {
    const last = this.phi.layers.at(-1)!;
    const wPhi = tf.split(this.head.hidden.weight, 2, 0)[0] as tf.Tensor2D;
    return folded ? tf.matMul(a as tf.Tensor2D, tf.matMul(last.weight as tf.Tensor2D, wPhi)) : tf.matMul(last.forward(a) as tf.Tensor2D, wPhi);
  }

  /** g1's task half for z [B, H]: z W_z + b_g1, plus b_last W_phi when phi's last layer is `folded` into W_phi. */
  private taskHalf(z: tf.Tensor, folded: boolean): tf.Tensor {
    const phiBias = this.foldedPhiBias(folded);
    const perTask = this.zHalf(z);
    return phiBias ? tf.add(perTask, phiBias) : perTask;
  }

  /** z W_z + b_g1 [B, H]. */
  private zHalf(z: tf.Tensor): tf.Tensor {
    const g1 = this.head.hidden;
    const wZ = tf.split(g1.weight, 2, 0)[1] as tf.Tensor2D;
    const perTask = tf.matMul(z as tf.Tensor2D, wZ);
    return g1.bias ? tf.add(perTask, g1.bias) : perTask;
  }

  /** b_last W_phi [1, H] when phi's last layer is folded into W_phi (and has a bias), else null. */
  private foldedPhiBias(folded: boolean): tf.Tensor | null {
    const last = this.phi.layers.at(-1)!;
    if (!folded || !last.bias) return null;
    const wPhi = tf.split(this.head.hidden.weight, 2, 0)[0] as tf.Tensor2D;
    return tf.matMul(last.bias.reshape([1, -1]) as tf.Tensor2D, wPhi);
  }

  /**
   * Evaluation scores the same targets at every k: phi and g1's option half run once per batch of
   * tasks, and each context adds only its z half. The operations are forward's, so the logits are
   * forward's to the bit (the choice of folding phi's last layer follows the same row count). The
   * chosen and the rejected options are kept apart, so that each task's first `count` pairs are a
   * slice of each.
   */
  override prepareTargets(targets: ContextSet): PreparedTargets | null {
    if (this.config.variant !== 'deterministic' && this.training) return null;
    const [b, n, d] = targets.chosen.shape as [number, number, number];
    const h = this.config.hiddenDim;
    const inputs = tf.tidy(() => [targets.chosen, targets.rejected].map((side) => this.phiLastInput(side.reshape([-1, d])).reshape([b, n, h])));
    const halves = new Map<boolean, tf.Tensor[]>();
    const optionHalves = (folded: boolean): tf.Tensor[] => {
      if (!halves.has(folded))
        halves.set(
          folded,
          tf.tidy(() => inputs.map((a) => tf.keep(this.optionHalf(a.reshape([-1, h]), folded).reshape([b, n, h])))),
        );
      return halves.get(folded)!;
    };
    return {
      logits: (count, context) =>
        tf.tidy(() => {
          // forward folds by its row count: 2 * count options per task.
          const folded = this.foldsPhiLast(2 * b * count);
          const [chosen, rejected] = optionHalves(folded).map((half) => half.slice([0, 0, 0], [b, count, h]));
          const z = this.encoder.encode(context);
          const hidden = this.combineHalves(tf.concat([chosen!, rejected!], 1), z, folded);
          const [w, l] = splitTargets(this.rewardsFromDecoderHidden(hidden, b));
          return tf.sub(w, l);
        }),
      dispose: () => tf.dispose([...inputs, ...[...halves.values()].flat()]),
    };
  }

  /** Chosen-minus-rejected logits [B, T] from the targets' phi-last-layer inputs (targetPhiLastInput) and z. */
  private logitsGivenZ(targets: tf.Tensor, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [chosen, rejected] = splitTargets(this.rewardsFromPhiInput(targets, z));
      return tf.sub(chosen, rejected);
    });
  }

  forward(batch: PairTensors, options: ForwardOptions = {}): RewardModelOutput {
    const context: ContextSet = { chosen: batch.contextChosen, rejected: batch.contextRejected };
    const encodeOptions = options.rng ? { rng: options.rng } : {};
    if (this.config.variant === 'deterministic' || !this.training) {
      const logits = tf.tidy(() => this.logitsGivenZ(this.targetPhiLastInput(batch), this.encoder.encode(context, encodeOptions)));
      return { logits, regularizer: null };
    }
    const rng = options.rng ?? new Rng(0);
    let regularizer: tf.Scalar | null = null;
    const logits = tf.tidy(() => {
      // q(z|C u T) pools the features of C and of T: the context pairs go through h once.
      const contextFeatures = this.encoder.pairFeatures(context);
      const targetFeatures = this.encoder.pairFeatures({ chosen: batch.targetChosen, rejected: batch.targetRejected });
      const qContext = this.encoder.distributionFromFeatures(contextFeatures, encodeOptions);
      const qFull = this.encoder.distributionFromFeatures(tf.concat([contextFeatures, targetFeatures], 1), encodeOptions);
      const textbook = this.config.klDirection === 'target-context';
      const sampleFrom: DiagonalGaussian = textbook ? qFull : qContext;
      const kl = textbook ? gaussianKl(qFull, qContext) : gaussianKl(qContext, qFull);
      regularizer = tf.keep(tf.mul(kl, this.config.betaKl) as tf.Scalar);
      // phi(targets) does not depend on z: computed once for all samples.
      const targets = this.targetPhiLastInput(batch);
      const perSample: tf.Tensor[] = [];
      for (let s = 0; s < this.config.numSamples; s++) perSample.push(this.logitsGivenZ(targets, sampleGaussian(sampleFrom, rng)));
      disposeGaussian(qContext);
      disposeGaussian(qFull);
      return perSample.length === 1 ? perSample[0]! : tf.concat(perSample, 1);
    });
    return { logits, regularizer };
  }

  inferUser(context: ContextSet): tf.Tensor {
    return this.encoder.encode(context);
  }

  get userDim(): number {
    return this.config.hiddenDim;
  }

  rewardsForUser(options: tf.Tensor, user: tf.Tensor | null): tf.Tensor {
    if (!user)
      throw new SteerableError('invalid-argument', 'NP-BTL scores for an inferred user: pass inferUser(context) (an empty context gives the learned prior)', {
        field: 'user',
      });
    return this.rewardsGivenZ(options, user);
  }
}
