// The two real-text benchmarks as the experiments read them. Only the data paths and the split
// are dataset-specific; the readers, filters and splits are the libraries' generic ones.
import { existsSync } from 'node:fs';

const SHARED = process.env.STEERABLE_SHARED_DATA ?? '/work/shared/data';

export const DATASETS = {
  // DialSummEval: TRL lines, user_id = criterion. Conflicting pairs only (the paper's setting);
  // split by dialogue (= prompt), 60/15/25 of the 80 dialogues, re-drawn per seed.
  dialsummeval: {
    files: [`${SHARED}/dialsummeval/dialsummeval.jsonl.gz`],
    filter: { conflict: true },
    splitFractions: [0.6, 0.15, 0.25],
    splitBy: 'prompt',
    split: (data, pairs, seed) => data.splitByPrompt(pairs, [0.6, 0.15, 0.25], seed),
  },
  // Relabeled HH-RLHF as the relabeled-hh presets load it: both files, split by pair 50/10/40.
  'relabeled-hh': {
    files: [`${SHARED}/relabeled-hh/helpful.jsonl.gz`, `${SHARED}/relabeled-hh/harmless.jsonl.gz`],
    filter: null,
    splitFractions: [0.5, 0.1, 0.4],
    splitBy: 'pair',
    // Split by (prompt, responses): the pair a grouped label belongs to, as splitByPair does.
    split: (data, pairs, seed) => {
      const key = (p) => {
        const [x, y] = p.chosen <= p.rejected ? [p.chosen, p.rejected] : [p.rejected, p.chosen];
        return `${p.prompt}\u0000${x}\u0000${y}`;
      };
      return data.splitByGroup(pairs, key, [0.5, 0.1, 0.4], seed);
    },
  },
};

export async function loadDatasetPairs(data, dataset) {
  for (const file of dataset.files)
    if (!existsSync(file)) throw new Error(`${file} is missing (set STEERABLE_SHARED_DATA to the folder that holds dialsummeval/ and relabeled-hh/)`);
  const pairs = [];
  for (const file of dataset.files) pairs.push(...(await data.readPreferencePairs(file)));
  return dataset.filter ? data.filterPairs(pairs, dataset.filter) : pairs;
}
