import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fetchRewardRun, type TextChoice, type TextRewardModel } from '@steerable/btl-reward';
import { MemoryLogger } from '@steerable/core';
import { registerSteerableKernels } from '@steerable/gpu-kernels';
import { CHOICE_PAIRS, FRESH_ANSWERS, FRESH_PROMPT } from './page-texts.js';
import { loadPageFeaturizer } from './page-featurizer.js';
import { renderChoice, renderRanking, renderTimings, setStatus, type RankedAnswer } from './view.js';

/** How long each stage took, in milliseconds; the test and the benchmark read it from `window.steerable`. */
export interface PageTimings {
  backendMs: number;
  encoderLoadMs: number;
  runLoadMs: number;
  /** For each person: conditioning on their five choices, scoring the ten answers, and the sum with encoderLoadMs. */
  people: { conditionMs: number; scoreMs: number; firstScoreMs: number }[];
}

declare global {
  interface Window {
    steerable: { timings: PageTimings; rankings: RankedAnswer[][]; backend: string; kernels: boolean | string; featurizer: string; log: MemoryLogger };
  }
}

// Every file comes from this page's own server: the model run, the encoder and tfjs's wasm binaries.
const here = new URL('.', location.href);
const timings: PageTimings = { backendMs: 0, encoderLoadMs: 0, runLoadMs: 0, people: [] };
// What the kernels report (a fallback to stock kernels, say) is kept, not printed.
const log = new MemoryLogger();
window.steerable = { timings, rankings: [], backend: '', kernels: false, featurizer: '', log };

async function startBackend(): Promise<void> {
  const started = performance.now();
  setWasmPaths(new URL('vendor/tfjs-wasm/', here).href);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  await tf.ready();
  window.steerable.kernels = registerKernels();
  window.steerable.backend = tf.getBackend();
  timings.backendMs = performance.now() - started;
}

/**
 * steerable's SIMD kernels (matmul, transpose, slices), on the page's thread as it is not
 * cross-origin isolated. `?kernels=stock` keeps tfjs's own kernels (the benchmark's reference).
 */
function registerKernels(): boolean | string {
  if (new URLSearchParams(location.search).get('kernels') === 'stock') return 'stock';
  try {
    registerSteerableKernels('wasm', log);
    return true;
  } catch (error) {
    // Stock tfjs kernels still run everything; say why the faster ones are not in use.
    return `not registered: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function loadModel(): Promise<TextRewardModel> {
  const encoderStarted = performance.now();
  const featurizer = await loadPageFeaturizer(new URL('vendor/use-lite/', here));
  timings.encoderLoadMs = performance.now() - encoderStarted;
  const runStarted = performance.now();
  const run = await fetchRewardRun(new URL('run/', here), { featurizer });
  timings.runLoadMs = performance.now() - runStarted;
  window.steerable.featurizer = run.featurizer?.description.kind ?? 'none';
  return run;
}

/** One person's visit: five choices, then their ranking of the fresh answers. */
async function person(run: TextRewardModel): Promise<void> {
  const choices: TextChoice[] = [];
  for (const [index, pair] of CHOICE_PAIRS.entries()) {
    const picked = await renderChoice(pair, index, CHOICE_PAIRS.length);
    const other = pair.answers[1 - picked]!;
    choices.push({ prompt: pair.prompt, chosen: pair.answers[picked]!.text, rejected: other.text });
  }
  setStatus('busy', 'Reading your choices…');
  const conditionStarted = performance.now();
  const user = await run.condition(choices);
  const conditionMs = performance.now() - conditionStarted;
  const scoreStarted = performance.now();
  const scores = await user.scores(FRESH_ANSWERS.map((answer) => ({ prompt: FRESH_PROMPT, response: answer.text })));
  const scoreMs = performance.now() - scoreStarted;
  user.dispose();
  timings.people.push({ conditionMs, scoreMs, firstScoreMs: timings.encoderLoadMs + conditionMs + scoreMs });
  const ranking = FRESH_ANSWERS.map((answer, i) => ({ ...answer, score: scores[i]! })).sort((a, b) => b.score - a.score);
  window.steerable.rankings.push(ranking);
  renderRanking(FRESH_PROMPT, window.steerable.rankings);
  renderTimings(timings);
}

async function main(): Promise<void> {
  setStatus('busy', 'Starting TensorFlow.js on WebAssembly…');
  await startBackend();
  setStatus('busy', 'Loading the sentence encoder and the reward model…');
  const run = await loadModel();
  for (;;) {
    setStatus('ready', 'Pick the answer you prefer. Your choices stay on this page.');
    await person(run);
    setStatus('done', 'This ranking is yours. Start over as someone else to see theirs.');
    await new Promise<void>((resolve) => document.querySelector('#restart')!.addEventListener('click', () => resolve(), { once: true }));
  }
}

main().catch((error: unknown) => {
  setStatus('error', error instanceof Error ? error.message : String(error));
  throw error;
});
