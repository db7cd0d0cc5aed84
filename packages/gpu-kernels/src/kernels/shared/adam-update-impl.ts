import type { AdamUpdateAttrs } from '@steerable/core';

const f32 = Math.fround;

/**
 * The float32 constants of one Adam step, rounded where the composite's scalar uploads round
 * them. Shared by the JS loop below and the wasm SIMD module (wasm-src/adam.wat), so that both
 * start from the same bits. A decay that is off is 0, and `scaled` is false when not clipping.
 */
export interface AdamConstants {
  scaled: boolean;
  scale: number;
  coupledDecay: number;
  decoupledDecay: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  biasCorrection2: number;
  eps: number;
  stepSize: number;
}

/** `gradScale` is the clip factor, 1 when not clipping. */
export function adamConstants(gradScale: number, attrs: AdamUpdateAttrs): AdamConstants {
  const { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, biasCorrection1, biasCorrection2 } = attrs;
  return {
    scaled: gradScale !== 1,
    scale: f32(gradScale),
    coupledDecay: weightDecay !== 0 && !decoupledWeightDecay ? f32(weightDecay) : 0,
    decoupledDecay: weightDecay !== 0 && decoupledWeightDecay ? f32(lr * weightDecay) : 0,
    beta1: f32(beta1),
    oneMinusBeta1: f32(1 - beta1),
    beta2: f32(beta2),
    oneMinusBeta2: f32(1 - beta2),
    biasCorrection2: f32(biasCorrection2),
    eps: f32(eps),
    stepSize: f32(lr / biasCorrection1),
  };
}

/**
 * One Adam step over flat float32 arrays, writing fresh outputs. Every constant and intermediate is
 * rounded to float32 where the composite's tfjs ops would round it (each op stores float32, each
 * scalar is uploaded as float32), so the kernel reproduces the composite rather than a
 * higher-precision variant of it. `gradScale` is the clip factor, 1 when not clipping.
 */
export function adamUpdateImpl(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  gradScale: number,
  attrs: AdamUpdateAttrs,
  outParam: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
): void {
  adamStepImpl(param, grad, m, v, adamConstants(gradScale, attrs), outParam, outM, outV);
}

/** adamUpdateImpl from its constants (the reference for the SIMD module, which takes the same). */
export function adamStepImpl(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  c: AdamConstants,
  outParam: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
): void {
  const { scaled, scale, coupledDecay, decoupledDecay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, biasCorrection2, eps, stepSize } = c;
  for (let i = 0; i < outParam.length; i++) {
    const p = param[i]!;
    let g = grad[i]!;
    if (scaled) g = f32(g * scale);
    if (coupledDecay !== 0) g = f32(g + f32(p * coupledDecay));
    const mi = f32(f32(m[i]! * beta1) + f32(g * oneMinusBeta1));
    const vi = f32(f32(v[i]! * beta2) + f32(f32(g * g) * oneMinusBeta2));
    const denom = f32(f32(Math.sqrt(f32(vi / biasCorrection2))) + eps);
    let next = f32(p - f32(f32(mi / denom) * stepSize));
    if (decoupledDecay !== 0) next = f32(next - f32(p * decoupledDecay));
    outM[i] = mi;
    outV[i] = vi;
    outParam[i] = next;
  }
}
