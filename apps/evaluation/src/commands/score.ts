import { type Command, Option } from 'commander';
import { resolve } from 'node:path';
import { z } from 'zod';
import { type TextChoice, TextRewardModel, loadRewardRun } from '@steerable/btl-reward';
import { SteerableError } from '@steerable/core';
import { CACHED_FEATURIZERS, embedFilesCached, issueToError, jsonlRecords, readPreferencePairs } from '@steerable/preference-data';
import {
  type BackendFlags,
  type CliContext,
  type EmbeddingCacheFlags,
  addBackendOptions,
  addEmbeddingCacheOptions,
  embeddingCacheDir,
  setupBackend,
} from '@steerable/cli-kit';

interface ScoreFlags extends BackendFlags, EmbeddingCacheFlags {
  run: string;
  context?: string;
  input: string;
  checkpoint: 'best' | 'latest';
  json?: boolean;
}

/** One line of --input: a response to score, or two to compare. */
const scoreInput = z.union([
  z.strictObject({ id: z.union([z.string(), z.number()]).optional(), prompt: z.string(), response: z.string() }),
  z.strictObject({ id: z.union([z.string(), z.number()]).optional(), prompt: z.string(), a: z.string(), b: z.string() }),
]);
type ScoreInput = z.infer<typeof scoreInput>;

async function readInputs(file: string): Promise<Array<ScoreInput & { line: number }>> {
  const items: Array<ScoreInput & { line: number }> = [];
  for await (const event of jsonlRecords(file)) {
    if (event.kind === 'issue') throw issueToError(event.issue);
    const parsed = scoreInput.safeParse(event.record);
    if (!parsed.success) {
      throw new SteerableError(
        'invalid-data',
        'each line is {prompt, response} (a response to score) or {prompt, a, b} (two to compare), with an optional id',
        { file, line: event.line, field: Object.keys(event.record).join(',') || 'line', hint: 'e.g. {"prompt": "...", "response": "..."}' },
      );
    }
    items.push({ ...parsed.data, line: event.line });
  }
  return items;
}

/**
 * `steerable-eval score --run DIR --context CHOICES.jsonl --input ITEMS.jsonl`: scores text for one
 * user, inferred once from their choices (TRL lines: prompt, chosen, rejected), with the featurizer
 * the run was trained on. Without --context it scores for the user nothing is known about.
 */
export function registerScoreCommand(program: Command, context: CliContext): void {
  const command = addBackendOptions(
    program
      .command('score')
      .description("score responses for one user, inferred from that user's choices (no gradient step)")
      .requiredOption('--run <dir>', 'a reward run directory (or one checkpoint directory, e.g. a frozen user)')
      .option('--context <file>', "the user's choices: TRL JSONL {prompt, chosen, rejected} (k lines; none: the prior)")
      .requiredOption('--input <file>', 'JSONL lines {prompt, response} to score, or {prompt, a, b} to compare')
      .addOption(new Option('--checkpoint <which>', "'best' (default) or 'latest'").choices(['best', 'latest']).default('best'))
      .option('--json', 'print JSON lines instead of a table'),
  );
  addEmbeddingCacheOptions(command).action(async (flags: ScoreFlags) => {
    const cacheDir = embeddingCacheDir(flags);
    await setupBackend(flags, flags.json ? context.quietLogger : context.logger);
    const choices: TextChoice[] = flags.context
      ? (await readPreferencePairs(resolve(flags.context))).map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected }))
      : [];
    const inputs = await readInputs(resolve(flags.input));
    const loaded = await loadRewardRun(resolve(flags.run), { checkpoint: flags.checkpoint });
    const run = flags.context && cacheDir ? await withCachedContext(loaded, resolve(flags.context), cacheDir, context) : loaded;
    const user = await run.condition(choices);
    try {
      context.logger.info(`scoring ${inputs.length} items for a user known from ${choices.length} choices (${run.source})`);
      const lines: string[] = [];
      for (const item of inputs) {
        const id = item.id ?? item.line;
        if ('response' in item) {
          const score = await user.score(item.prompt, item.response);
          lines.push(flags.json ? JSON.stringify({ id, score }) : `${String(id).padEnd(8)} score ${score.toFixed(4)}`);
        } else {
          const [a, b] = await user.scores([
            { prompt: item.prompt, response: item.a },
            { prompt: item.prompt, response: item.b },
          ]);
          const probability = await user.compare(item.prompt, item.a, item.b);
          lines.push(
            flags.json
              ? JSON.stringify({ id, score_a: a, score_b: b, p_a_preferred: probability })
              : `${String(id).padEnd(8)} a ${a!.toFixed(4)}  b ${b!.toFixed(4)}  P(a > b) ${probability.toFixed(3)}`,
          );
        }
      }
      context.io.stdout(`${lines.join('\n')}\n`);
    } finally {
      user.dispose();
      run.dispose();
    }
  });
}

/**
 * The run with the context file's embeddings served from the cache (embedded once per file
 * content and encoder); the items to score are embedded as usual. Only the pretrained encoder is
 * worth caching, so other runs are returned as they are.
 */
async function withCachedContext(run: TextRewardModel, contextFile: string, cacheDir: string, context: CliContext): Promise<TextRewardModel> {
  if (!run.featurizer || !CACHED_FEATURIZERS.has(run.featurizer.description.kind)) return run;
  const started = performance.now();
  const cached = await embedFilesCached({ files: [contextFile], featurizer: run.featurizer, cacheDir });
  const how = cached.status === 'hit' ? 'read from the cache' : `${cached.status} and cached`;
  context.logger.info(
    `embeddings (${run.featurizer.description.kind}) of the ${cached.set.numPairs} context pairs ${how} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${cached.directory}`,
  );
  return new TextRewardModel(run.model, cached.featurizer, run.featurizerRecord, run.source);
}
