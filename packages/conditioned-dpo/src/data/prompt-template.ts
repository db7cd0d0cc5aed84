import { SteerableError } from '@steerable/core';
import type { TextTokenizer } from '../io/tokenizer.js';
import type { TokenizedExample } from '../logprobs/sequence-batch.js';

/**
 * How a (prompt, response) in text becomes token ids: `[bos] prompt [sep]` then `response eos`,
 * with the tokens a tokenizer has (GPT-2's has <|endoftext|> only, which serves as bos and eos).
 * Lengths follow TRL's DPOConfig: the prompt keeps its end (`truncation_mode='keep_end'`) within
 * `maxPromptLength`, the response its start within what `maxLength` leaves.
 */
export interface PromptTemplate {
  bos: number | null;
  sep: number | null;
  eos: number;
  pad: number;
  maxPromptLength: number;
  maxLength: number;
}

export interface TemplateLimits {
  maxPromptLength: number;
  maxLength: number;
}

/** The template for a tokenizer: its <bos>/<sep>/<eos>/<pad> (or GPT-2's <|endoftext|>). */
export function promptTemplate(tokenizer: TextTokenizer, limits: TemplateLimits): PromptTemplate {
  const id = (...names: string[]): number | null => {
    for (const name of names) {
      const found = tokenizer.tokenId(name);
      if (found !== undefined) return found;
    }
    return null;
  };
  const eos = id('<eos>', '<|endoftext|>', '</s>');
  if (eos === null)
    throw new SteerableError('bad-tokenizer', 'the tokenizer has no end-of-sequence token (<eos>, <|endoftext|> or </s>)', {
      field: 'tokenizer',
      hint: 'add an end-of-sequence token to tokenizer.json',
    });
  if (limits.maxPromptLength < 1 || limits.maxLength <= limits.maxPromptLength + 1) {
    throw new SteerableError('invalid-config', `maxLength ${limits.maxLength} must exceed maxPromptLength ${limits.maxPromptLength} + 1`, {
      field: 'template.maxLength',
      hint: 'leave room for at least one response token and the end token',
    });
  }
  return { bos: id('<bos>', '<|endoftext|>', '<s>'), sep: id('<sep>'), eos, pad: id('<pad>') ?? eos, ...limits };
}

/** Token ids of one example under the template, truncated to its limits. */
export function tokenizeExample(tokenizer: TextTokenizer, template: PromptTemplate, prompt: string, response: string): TokenizedExample {
  const head = template.bos === null ? [] : [template.bos];
  const tail = template.sep === null ? [] : [template.sep];
  const body = tokenizer.encode(prompt).slice(-Math.max(1, template.maxPromptLength - head.length - tail.length));
  const promptIds = [...head, ...body, ...tail];
  const room = template.maxLength - promptIds.length - 1;
  return { prompt: promptIds, response: [...tokenizer.encode(response).slice(0, Math.max(0, room)), template.eos] };
}
