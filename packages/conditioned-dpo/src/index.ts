export * from './model/gpt2-config.js';
export * from './model/gpt2-model.js';
export * from './model/adapters.js';
export * from './model/kv-cache.js';
export * from './io/hf-checkpoint.js';
export * from './io/tokenizer.js';
