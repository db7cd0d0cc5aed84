import type { Featurizer, FeaturizerInput } from '@steerable/preference-data';
import type { TextTokenizer } from '../io/tokenizer.js';
import type { Gpt2LMHeadModel } from '../model/gpt2-model.js';
import { embedResponses } from '../training/batched.js';
import { type PromptTemplate, tokenizeExample } from './prompt-template.js';

/**
 * e(x, y) from the policy's own frozen base model: its final hidden states averaged over the
 * response tokens (the analogue of the paper's LLM embeddings, and what the steerable-text presets
 * use). Any other featurizer of @steerable/preference-data works in its place.
 */
export function policyHiddenFeaturizer(model: Gpt2LMHeadModel, tokenizer: TextTokenizer, template: PromptTemplate): Featurizer {
  return {
    dim: model.config.n_embd,
    description: { kind: 'policy-hidden', n_embd: model.config.n_embd, n_layer: model.config.n_layer },
    async featurizeBatch(items: readonly FeaturizerInput[]): Promise<Float32Array> {
      const examples = items.map((item) => tokenizeExample(tokenizer, template, item.prompt, item.response));
      const rows = await embedResponses(model, examples, template.pad);
      const out = new Float32Array(items.length * model.config.n_embd);
      rows.forEach((row, i) => out.set(row, i * model.config.n_embd));
      return out;
    },
  };
}
