import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildUltraFeedbackSet, inspectFile, readUltraFeedbackRows } from '../src/index.js';

/** A row in the real UltraFeedback schema (openbmb/UltraFeedback), ratings as strings. */
function row(instruction: string, ratings: [string, string, string, string][]): Record<string, unknown> {
  return {
    source: 'evol_instruct',
    instruction,
    models: ratings.map((_, i) => `model-${i}`),
    completions: ratings.map(([helpfulness, honesty, truthfulness, instructionFollowing], i) => ({
      model: `model-${i}`,
      principle: 'helpfulness',
      custom_system_prompt: '',
      response: `${instruction} answer ${i}`,
      critique: 'fine',
      overall_score: 5,
      fine_grained_score: 4,
      annotations: {
        helpfulness: { Rating: helpfulness, Rationale: '...', 'Rationale For Rating': '...', Type: ['1'] },
        honesty: { Rating: honesty, Rationale: '...' },
        truthfulness: { Rating: truthfulness, Rationale: '...', 'Rationale For Rating': '...', Type: ['0'] },
        instruction_following: { Rating: instructionFollowing, Rationale: '...' },
      },
    })),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'steerable-uf-'));
const file = join(dir, 'ultrafeedback.jsonl');
// Prompt A: ratings (helpfulness, honesty, truthfulness) per response; worked out by hand below.
const rows = [
  row('A', [
    ['5', '2', '3', '4'],
    ['3', '4', '3', '4'],
    ['3', '3', '5', '1'],
    ['1', 'N/A', '1', '2'],
  ]),
  row('B', [
    ['4', '4', '4', '4'],
    ['2', '5', '1', '3'],
  ]),
];
writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);

describe('UltraFeedback', () => {
  it('HH keeps only pairs where helpfulness and honesty strictly disagree', async () => {
    const { rows: parsed, errorCount } = await readUltraFeedbackRows(file);
    expect(errorCount).toBe(0);
    const set = buildUltraFeedbackSet(parsed, { criteria: 'HH', seed: 0 });
    // A: (0,1) h 5>3 -> 0, o 2<4 -> 1: conflict. (0,2) h 5>3, o 2<3: conflict. (0,3) honesty N/A.
    //    (1,2) h tie. (1,3) o N/A. (2,3) o N/A.  B: (0,1) h 4>2 -> 0, o 4<5 -> 1: conflict.
    expect(set.pairs.map((p) => p.id)).toEqual([`${file}:1:0-1`, `${file}:1:0-2`, `${file}:2:0-1`]);
    expect(set.dropped).toEqual({ missingRating: 3, tie: 1, agreeing: 0 });
    expect(set.labels.filter((l) => l.user === 'helpfulness').map((l) => l.preferred)).toEqual([0, 0, 0]);
    expect(set.labels.filter((l) => l.user === 'honesty').map((l) => l.preferred)).toEqual([1, 1, 1]);
    // Split by prompt: both labels of a prompt's pairs share a split.
    expect(new Set(set.labels.filter((l) => l.pair < 2).map((l) => l.split)).size).toBe(1);
  });

  it('HHT drops ties in any of the three criteria and keeps pairs that are not unanimous', async () => {
    const { rows: parsed } = await readUltraFeedbackRows(file);
    const set = buildUltraFeedbackSet(parsed, { criteria: 'HHT', seed: 0 });
    // A (0,1): truthfulness ties -> dropped. A (0,2): h 0, o 1, t 1 -> kept. B (0,1): h 0, o 1, t 0 -> kept.
    expect(set.pairs.map((p) => p.id)).toEqual([`${file}:1:0-2`, `${file}:2:0-1`]);
    expect(set.labels.map((l) => `${l.pair}:${l.user}:${l.preferred}`)).toEqual([
      '0:helpfulness:0',
      '0:honesty:1',
      '0:truthfulness:1',
      '1:helpfulness:0',
      '1:honesty:1',
      '1:truthfulness:0',
    ]);
    const noFilter = buildUltraFeedbackSet(parsed, { criteria: ['helpfulness'], conflictingOnly: false });
    // helpfulness alone: A has 6 pairs minus one tie (1,2) = 5; B has 1.
    expect(noFilter.pairs.length).toBe(6);
  });

  it('inspect reads rows as per-criterion pairs (user = criterion)', async () => {
    const report = await inspectFile(file);
    expect(report.format).toBe('ultrafeedback');
    // Per criterion, pairs rated on both sides without a tie (A has 6 pairs, B has 1):
    // helpfulness A 5,3,3,1: tie (1,2) -> 5, B 1 -> 6. honesty A 2,4,3,N/A: 3 pairs -> 3, B 1 -> 4.
    // truthfulness A 3,3,5,1: tie (0,1) -> 5, B 1 -> 6. instruction_following A 4,4,1,2: tie (0,1) -> 5, B 1 -> 6.
    expect(report.users).toEqual({ helpfulness: 6, honesty: 4, truthfulness: 6, instruction_following: 6 });
    expect(report.pairs).toBe(22);
  });

  it('reports a non-numeric rating with its field path', async () => {
    const bad = join(dir, 'bad.jsonl');
    const broken = row('C', [
      ['5', 'five', '3', '4'],
      ['3', '4', '3', '4'],
    ]);
    writeFileSync(bad, `${JSON.stringify(broken)}\n`);
    const { errors } = await readUltraFeedbackRows(bad);
    expect(errors).toEqual([expect.objectContaining({ file: bad, line: 1, field: 'completions.0.annotations.honesty.Rating' })]);
  });
});
