// Deterministic English-like paragraphs for the encoder benchmark: sentences built from templates
// and small word lists by a seeded generator, so every run (and every machine) embeds the same
// texts and no corpus needs to be downloaded or committed. Lengths vary around a target in
// SentencePiece tokens, as a dialogue summary or a chat response would.

const SUBJECTS = [
  'the committee',
  'our team',
  'the new manager',
  'a local farmer',
  'the patient',
  'my neighbour',
  'the author',
  'the city council',
  'the students',
  'a small company',
  'the doctor',
  'the engineers',
  'her brother',
  'the museum',
  'the reviewer',
  'the customer',
  'the old library',
  'the driver',
];
const VERBS = [
  'discussed',
  'rejected',
  'approved',
  'described',
  'repaired',
  'questioned',
  'explained',
  'postponed',
  'announced',
  'compared',
  'ignored',
  'planned',
  'measured',
  'summarised',
  'welcomed',
  'criticised',
  'organised',
  'delivered',
];
const OBJECTS = [
  'the budget',
  'a detailed proposal',
  'the broken heater',
  'the weekly schedule',
  'an unusual request',
  'the results of the survey',
  'the safety rules',
  'a long letter',
  'the missing invoice',
  'the river project',
  'the annual report',
  'a better solution',
  'the parking problem',
  'the final chapter',
  'several complaints',
  'the training plan',
];
const ADVERBS = [
  'carefully',
  'quickly',
  'without much enthusiasm',
  'after a long debate',
  'in the morning',
  'for the second time',
  'with great care',
  'at the last minute',
  'surprisingly well',
  'in front of everyone',
];
const CLAUSES = [
  'because the deadline was close',
  'although nobody was sure why',
  'so that everyone could follow',
  'while the others waited outside',
  'since the weather had changed',
  'even though it was expensive',
  'before the meeting ended',
  'as the newspaper had reported',
];
const OPENERS = ['Yesterday', 'Later that week', 'In the end', 'According to the minutes', 'Meanwhile', 'At first', 'Unexpectedly', 'After lunch'];

/** A seeded generator of floats in [0, 1) (mulberry32). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const parts = [];
  if (random() < 0.4) parts.push(`${pick(OPENERS)},`);
  parts.push(pick(SUBJECTS), pick(VERBS), pick(OBJECTS));
  if (random() < 0.6) parts.push(pick(ADVERBS));
  if (random() < 0.5) parts.push(pick(CLAUSES));
  const text = parts.join(' ');
  return `${text[0].toUpperCase()}${text.slice(1)}${random() < 0.15 ? '?' : '.'}`;
}

/**
 * `count` paragraphs, each grown sentence by sentence until its length in tokens (`tokenize`,
 * counted per sentence: SentencePiece splits at the spaces between them) reaches a length drawn
 * uniformly from [minTokens, maxTokens].
 */
export function syntheticTexts(count, tokenize, { seed = 13, minTokens = 140, maxTokens = 200 } = {}) {
  const random = seededRandom(seed);
  const texts = [];
  for (let i = 0; i < count; i++) {
    const target = minTokens + Math.floor(random() * (maxTokens - minTokens + 1));
    const sentences = [];
    for (let tokens = 0; tokens < target; ) {
      const next = sentence(random);
      sentences.push(next);
      tokens += tokenize(next).length;
    }
    texts.push(sentences.join(' '));
  }
  return texts;
}
