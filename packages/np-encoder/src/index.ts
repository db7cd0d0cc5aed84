export type { ContextSet } from './context-set.js';
export { contextSize, batchSize } from './context-set.js';
export { PairEncoder, SPLIT_FIRST_LAYER_MIN_DIM, type PairEncoderKind } from './pair-encoder.js';
export { SetAggregator, AGGREGATIONS, type Aggregation, type SetAggregatorOptions } from './set-aggregator.js';
export { ContextEncoder, type EncodeOptions } from './context-encoder.js';
export { resolveContextEncoderConfig, type ContextEncoderConfig, type ResolvedContextEncoderConfig, type KlDirection } from './context-encoder-config.js';
export { VplEncoder, type VplEncoderConfig, type ResolvedVplEncoderConfig } from './vpl-encoder.js';
export { sampleGaussian, gaussianKl, standardNormalKl, disposeGaussian, type DiagonalGaussian } from './gaussian.js';
export { fitLatentProjection, type LatentProjection } from './latent-projection.js';
