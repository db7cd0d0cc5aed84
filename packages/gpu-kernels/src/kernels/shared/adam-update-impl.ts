import type { AdamUpdateAttrs } from '@steerable/core';

const f32 = Math.fround;

/**
 * One Adam step over flat float32 arrays, writing fresh outputs. Every constant and intermediate is
 * rounded to float32 where the composite's tfjs ops would round it (each op stores float32, each
 * scalar is uploaded as float32), so the kernel reproduces the composite rather than a
 * higher-precision variant of it. `gradScale` is the clip factor, 1 when not clipping.
 */
export function adamUpdateImpl(
  param: ArrayLike<number>, grad: ArrayLike<number>, m: ArrayLike<number>, v: ArrayLike<number>,
  gradScale: number, attrs: AdamUpdateAttrs,
  outParam: Float32Array, outM: Float32Array, outV: Float32Array,
): void {
  const { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, biasCorrection1, biasCorrection2 } = attrs;
  const scaled = gradScale !== 1;
  const coupledDecay = weightDecay !== 0 && !decoupledWeightDecay ? f32(weightDecay) : 0;
  const decoupledDecay = weightDecay !== 0 && decoupledWeightDecay ? f32(lr * weightDecay) : 0;
  const scale = f32(gradScale);
  const b1 = f32(beta1);
  const oneMinusB1 = f32(1 - beta1);
  const b2 = f32(beta2);
  const oneMinusB2 = f32(1 - beta2);
  const bc2 = f32(biasCorrection2);
  const epsilon = f32(eps);
  const stepSize = f32(lr / biasCorrection1);
  for (let i = 0; i < outParam.length; i++) {
    const p = param[i]!;
    let g = grad[i]!;
    if (scaled) g = f32(g * scale);
    if (coupledDecay !== 0) g = f32(g + f32(p * coupledDecay));
    const mi = f32(f32(m[i]! * b1) + f32(g * oneMinusB1));
    const vi = f32(f32(v[i]! * b2) + f32(f32(g * g) * oneMinusB2));
    const denom = f32(f32(Math.sqrt(f32(vi / bc2))) + epsilon);
    let next = f32(p - f32(f32(mi / denom) * stepSize));
    if (decoupledDecay !== 0) next = f32(next - f32(p * decoupledDecay));
    outM[i] = mi;
    outV[i] = vi;
    outParam[i] = next;
  }
}
