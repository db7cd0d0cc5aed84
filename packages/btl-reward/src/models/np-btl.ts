import * as tf from '@tensorflow/tfjs';
import { Mlp, Rng } from '@steerable/core';
import { ContextEncoder, type ContextSet, type DiagonalGaussian, disposeGaussian, gaussianKl, sampleGaussian, SPLIT_FIRST_LAYER_MIN_DIM } from '@steerable/np-encoder';
import type { ResolvedRewardModelConfig } from '../config.js';
import { RewardHead } from '../reward-head.js';
import { type ForwardOptions, type PairTensors, RewardModel, type RewardModelOutput, splitTargets, stackTargets } from './reward-model.js';

/**
 * NP-BTL: r(y; z_C) = g([phi(e(y)); z_C]) with z_C from the neural-process context encoder.
 * Deterministic: z_C = rho(pool(h(context))). Latent: in training z is sampled (reparameterised)
 * and beta_kl * KL is added (direction per config.klDirection); in eval z is the mean of q(z|C).
 */
export class NpBtlRewardModel extends RewardModel {
  readonly encoder: ContextEncoder;
  readonly phi: Mlp;
  readonly head: RewardHead;

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
  }

  get usesContext(): boolean {
    return true;
  }

  /** Rewards [B, N] of options [B, N, D] for per-task latents z [B, H]. */
  rewardsGivenZ(options: tf.Tensor, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, n] = options.shape as [number, number, number];
      return this.rewardsFromFeatures(this.phi.forward(options.reshape([b * n, -1])), z);
    });
  }

  /** Rewards [B, N] from option features phi(e) [B*N, H] (N options per task) and z [B, H]. */
  private rewardsFromFeatures(features: tf.Tensor, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const b = z.shape[0]!;
      const h = this.config.hiddenDim;
      let hidden = this.decoderHidden(features, z).reshape([-1, h]);
      if (this.head.norm) hidden = this.head.norm.forward(hidden);
      return this.head.out.forward(tf.relu(hidden)).reshape([b, -1]);
    });
  }

  /**
   * phi of every target option, [B*2T, H], in stackTargets' order (per task: T chosen, then T
   * rejected). phi is row-wise, so its first layer runs on the chosen and the rejected targets
   * separately and only its [B, T, H] outputs are concatenated: the [B, 2T, D] stack of raw
   * embeddings (10 M floats at the paper size) is never written. Both halves multiply the same
   * weight, so its gradient is the sum of the two halves' (the same function as phi(stack)).
   */
  private targetFeatures(batch: PairTensors): tf.Tensor {
    return tf.tidy(() => {
      // Narrow embeddings: stacking them costs less than a second matmul and a feature concat.
      if (this.config.inputDim < SPLIT_FIRST_LAYER_MIN_DIM) return this.phi.forward(stackTargets(batch).reshape([-1, this.config.inputDim]));
      const [first, ...rest] = this.phi.layers;
      const h1 = tf.concat([first!.forward(batch.targetChosen), first!.forward(batch.targetRejected)], 1);
      let h = h1.reshape([-1, h1.shape[2]!]);
      // phi is Mlp([D, H, H]): ReLU between its layers, none after the last.
      for (const layer of rest) h = layer.forward(tf.relu(h));
      return h;
    });
  }

  /**
   * g's first layer on [phi(e); z] for every option, [B*N, H] and [B, H] -> [B, N, H]. Its weight
   * [2H, H] splits into W_phi (rows 0..H) and W_z (rows H..2H), so g1([e; z]) = e W_phi + (z W_z + b):
   * z's half runs once per task and broadcasts over the task's options, instead of tiling z to
   * every option and concatenating (the same function and the same parameter, so checkpoints are
   * unchanged; B rows instead of B*N for that half, and no Tile, whose gradient is N slices).
   */
  private decoderHidden(features: tf.Tensor, z: tf.Tensor): tf.Tensor {
    const g1 = this.head.hidden;
    const [b, h] = z.shape as [number, number];
    const [wPhi, wZ] = tf.split(g1.weight, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    let perTask: tf.Tensor = tf.matMul(z as tf.Tensor2D, wZ);
    if (g1.bias) perTask = tf.add(perTask, g1.bias);
    return tf.add(tf.matMul(features as tf.Tensor2D, wPhi).reshape([b, -1, h]), perTask.reshape([b, 1, h]));
  }

  /** Chosen-minus-rejected logits [B, T] from the target features (targetFeatures) and z. */
  private logitsGivenZ(features: tf.Tensor, z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [chosen, rejected] = splitTargets(this.rewardsFromFeatures(features, z));
      return tf.sub(chosen, rejected);
    });
  }

  forward(batch: PairTensors, options: ForwardOptions = {}): RewardModelOutput {
    const context: ContextSet = { chosen: batch.contextChosen, rejected: batch.contextRejected };
    const encodeOptions = options.rng ? { rng: options.rng } : {};
    if (this.config.variant === 'deterministic' || !this.training) {
      const logits = tf.tidy(() => this.logitsGivenZ(this.targetFeatures(batch), this.encoder.encode(context, encodeOptions)));
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
      const features = this.targetFeatures(batch);
      const perSample: tf.Tensor[] = [];
      for (let s = 0; s < this.config.numSamples; s++) perSample.push(this.logitsGivenZ(features, sampleGaussian(sampleFrom, rng)));
      disposeGaussian(qContext);
      disposeGaussian(qFull);
      return perSample.length === 1 ? perSample[0]! : tf.concat(perSample, 1);
    });
    return { logits, regularizer };
  }

  optionRewards(options: tf.Tensor, context: ContextSet): tf.Tensor {
    return tf.tidy(() => this.rewardsGivenZ(options, this.encoder.encode(context)));
  }
}
