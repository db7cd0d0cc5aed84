/**
 * Dense, interpretable cues of a chat response: its length and shape, and how often it uses the
 * phrases that separate what different annotators reward (apologies and refusals, hedges,
 * warnings and referrals, step-by-step instructions, empathy, harmful topics), plus how it relates
 * to the last user turn. Hashed n-grams are L2-normalised and spread these cues over thousands of
 * sparse buckets that a few thousand labelled pairs cannot learn; as ~30 dense features, a
 * reward model picks them up from a few hundred pairs (on relabeled HH-RLHF a linear model on these
 * alone beats one on 4,096 hashed n-grams for both annotator types).
 *
 * Every feature is a log-scaled count or a fraction, roughly in [0, 1] for typical chat turns.
 */

const WORD = /[\p{L}\p{N}']+/gu;

/** Phrase families, matched case-insensitively on word boundaries. */
const CUE_LEXICONS = {
  apology: [/\bsorry\b/g, /\bapologi[sz]e/g, /\bapologies\b/g],
  refusal: [
    /\bi (?:can['’]?t|cannot|won['’]?t|will not|am not able to|['’]?m not able to|am unable to|['’]?m unable to)\b/g,
    /\bi (?:do not|don['’]?t) (?:feel comfortable|think i should|want to)\b/g,
    /\bi['’]?d rather not\b/g,
    /\bnot (?:something|a thing) i\b/g,
  ],
  uncertainty: [
    /\bnot sure\b/g,
    /\b(?:i )?(?:do not|don['’]?t) know\b/g,
    /\bmaybe\b/g,
    /\bperhaps\b/g,
    /\bmight\b/g,
    /\bpossibly\b/g,
    /\bi (?:think|guess|believe)\b/g,
  ],
  caution: [
    /\billegal\b/g,
    /\bdangerous\b/g,
    /\bharm(?:ful|s|ing)?\b/g,
    /\bunsafe\b/g,
    /\bunethical\b/g,
    /\binappropriate\b/g,
    /\bwrong\b/g,
    /\bnot (?:a )?good idea\b/g,
    /\brisk(?:s|y)?\b/g,
    /\bsafe(?:ty|ly)?\b/g,
    /\brespect\b/g,
    /\bconsent\b/g,
    /\blaw(?:s|ful)?\b/g,
    /\bagainst the\b/g,
  ],
  referral: [
    /\bprofessional\b/g,
    /\bdoctor\b/g,
    /\btherapist\b/g,
    /\bcounsel(?:or|ling|ing)\b/g,
    /\bpolice\b/g,
    /\bhotline\b/g,
    /\bauthorities\b/g,
    /\blawyer\b/g,
    /\bexpert\b/g,
  ],
  instruction: [
    /\bhere['’]?s\b/g,
    /\bhere are\b/g,
    /\byou (?:can|could|should|need to|might want to)\b/g,
    /\btry\b/g,
    /\bfirst\b/g,
    /\bthen\b/g,
    /\bsteps?\b/g,
    /\bfor example\b/g,
    /\bsuch as\b/g,
    /\bmake sure\b/g,
  ],
  empathy: [/\bunderstand\b/g, /\bsounds like\b/g, /\bfeel(?:s|ing)?\b/g, /\bsorry to hear\b/g, /\bhappy to\b/g, /\bglad\b/g, /\bhope\b/g],
  harmTopic: [
    /\bkill/g,
    /\bmurder/g,
    /\bsteal/g,
    /\brob(?:bery|bing)?\b/g,
    /\bdrugs?\b/g,
    /\bweapons?\b/g,
    /\bguns?\b/g,
    /\bbombs?\b/g,
    /\bpoison/g,
    /\bhack/g,
    /\bracis[tm]/g,
    /\bhate\b/g,
    /\bhurt/g,
    /\bviolen/g,
    /\bcheat/g,
    /\blie\b/g,
  ],
  profanity: [/\bfuck/g, /\bshit/g, /\bbitch/g, /\bdamn\b/g, /\bstupid\b/g, /\bidiot/g, /\bdumb\b/g, /\bass(?:hole)?\b/g],
  secondPerson: [/\byou(?:r|rs|rself)?\b/g],
  firstPerson: [/\bi\b/g, /\bme\b/g, /\bmy\b/g, /\bi['’]m\b/g],
} as const satisfies Record<string, readonly RegExp[]>;

type CueName = keyof typeof CUE_LEXICONS;
const CUE_NAMES = Object.keys(CUE_LEXICONS) as CueName[];

/** Names of the dense features in order, for reports and model inspection. */
export const RESPONSE_CUE_NAMES: readonly string[] = [
  'log_chars',
  'log_words',
  'log_sentences',
  'log_questions',
  'log_exclamations',
  'log_line_breaks',
  'digit_fraction',
  'mean_word_length',
  ...CUE_NAMES.flatMap((name) => [`log_${name}`, `has_${name}`]),
  'prompt_overlap',
  'prompt_harm_and_refusal',
  'prompt_harm_and_instruction',
  'is_empty',
];

/** How many dimensions `writeResponseCues` fills. */
export const RESPONSE_CUE_COUNT = RESPONSE_CUE_NAMES.length;

function countMatches(text: string, patterns: readonly RegExp[]): number {
  let total = 0;
  for (const pattern of patterns) total += text.match(pattern)?.length ?? 0;
  return total;
}

/** The last human turn of an HH-style transcript, or the whole prompt when it has no turns. */
function lastUserTurn(prompt: string): string {
  const at = prompt.lastIndexOf('Human:');
  if (at < 0) return prompt;
  const rest = prompt.slice(at + 'Human:'.length);
  const end = rest.indexOf('Assistant:');
  return end < 0 ? rest : rest.slice(0, end);
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(WORD) ?? []);
}

/** Writes RESPONSE_CUE_COUNT features of `response` (to `prompt`) into `out`. */
export function writeResponseCues(prompt: string, response: string, out: Float32Array): void {
  const lower = response.toLowerCase();
  const chars = response.length;
  const words = lower.match(WORD)?.length ?? 0;
  const sentences = response.split(/[.!?]+(?:\s|$)/).filter((s) => s.trim()).length;
  const count = (pattern: RegExp) => response.match(pattern)?.length ?? 0;
  let i = 0;
  out[i++] = Math.log1p(chars) / 8;
  out[i++] = Math.log1p(words) / 6;
  out[i++] = Math.log1p(sentences) / 3;
  out[i++] = Math.log1p(count(/\?/g)) / 2;
  out[i++] = Math.log1p(count(/!/g)) / 2;
  out[i++] = Math.log1p(count(/\n/g)) / 3;
  out[i++] = chars > 0 ? count(/\d/g) / chars : 0;
  out[i++] = words > 0 ? Math.min(1, chars / words / 10) : 0;
  const counts = {} as Record<CueName, number>;
  for (const name of CUE_NAMES) {
    const n = countMatches(lower, CUE_LEXICONS[name]);
    counts[name] = n;
    out[i++] = Math.log1p(n) / 2;
    out[i++] = n > 0 ? 1 : 0;
  }
  const userTurn = lastUserTurn(prompt).toLowerCase();
  const responseWords = wordSet(lower);
  const userWords = wordSet(userTurn);
  let shared = 0;
  for (const word of responseWords) if (userWords.has(word)) shared++;
  out[i++] = responseWords.size > 0 ? shared / responseWords.size : 0;
  // Whether refusing or complying is right depends on the request: the only prompt-dependent cues.
  const harmfulRequest = countMatches(userTurn, [...CUE_LEXICONS.harmTopic, ...CUE_LEXICONS.profanity]) > 0 ? 1 : 0;
  out[i++] = harmfulRequest * (counts.refusal + counts.apology + counts.caution > 0 ? 1 : 0);
  out[i++] = harmfulRequest * (counts.instruction > 0 ? 1 : 0);
  out[i++] = response.trim() === '' ? 1 : 0;
}
