import { type Command, Option } from 'commander';
import { resolve } from 'node:path';
import { z } from 'zod';
import { type TextChoice, loadRewardRun } from '@steerable/btl-reward';
import { SteerableError } from '@steerable/core';
import { issueToError, jsonlRecords, readPreferencePairs } from '@steerable/preference-data';
import { type BackendFlags, type CliContext, addBackendOptions, setupBackend } from '@steerable/cli-kit';

interface ScoreFlags extends BackendFlags {
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
      throw new SteerableError('invalid-data', 'each line is {prompt, response} (a response to score) or {prompt, a, b} (two to compare), with an optional id', { file, line: event.line, field: Object.keys(event.record).join(',') || 'line', hint: 'e.g. {"prompt": "...", "response": "..."}' });
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
  addBackendOptions(
    program
      .command('score')
      .description("score responses for one user, inferred from that user's choices (no gradient step)")
      .requiredOption('--run <dir>', 'a reward run directory (or one checkpoint directory, e.g. a frozen user)')
      .option('--context <file>', "the user's choices: TRL JSONL {prompt, chosen, rejected} (k lines; none: the prior)")
      .requiredOption('--input <file>', 'JSONL lines {prompt, response} to score, or {prompt, a, b} to compare')
      .addOption(new Option('--checkpoint <which>', "'best' (default) or 'latest'").choices(['best', 'latest']).default('best'))
      .option('--json', 'print JSON lines instead of a table'),
  ).action(async (flags: ScoreFlags) => {
    await setupBackend(flags, flags.json ? context.quietLogger : context.logger);
    const choices: TextChoice[] = flags.context ? (await readPreferencePairs(resolve(flags.context))).map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected })) : [];
    const inputs = await readInputs(resolve(flags.input));
    const run = await loadRewardRun(resolve(flags.run), { checkpoint: flags.checkpoint });
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
          const [a, b] = await user.scores([{ prompt: item.prompt, response: item.a }, { prompt: item.prompt, response: item.b }]);
          const probability = await user.compare(item.prompt, item.a, item.b);
          lines.push(flags.json ? JSON.stringify({ id, score_a: a, score_b: b, p_a_preferred: probability }) : `${String(id).padEnd(8)} a ${a!.toFixed(4)}  b ${b!.toFixed(4)}  P(a > b) ${probability.toFixed(3)}`);
        }
      }
      context.io.stdout(`${lines.join('\n')}\n`);
    } finally {
      user.dispose();
      run.dispose();
    }
  });
}
