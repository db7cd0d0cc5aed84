import type { PreferencePair } from '@steerable/preference-data';

const TOPICS = ['tea', 'rain', 'trains', 'maps', 'bread', 'owls', 'clocks', 'rivers', 'salt', 'kites'];
const DETAIL = ['It has a long history.', 'Many people enjoy it.', 'There are several kinds.', 'Some find it calming.', 'It changes with the seasons.'];

/**
 * Text preference pairs from two users with opposite tastes: `detail-lover` prefers the long,
 * detailed answer (one to four sentences), `brevity-lover` the one-line answer, on every pair. A
 * pooled model cannot please both; a conditional model can, once it has seen a few of a user's choices.
 */
export function twoTasteTextPairs(count: number): PreferencePair[] {
  const pairs: PreferencePair[] = [];
  for (let i = 0; i < count; i++) {
    const topic = TOPICS[i % TOPICS.length]!;
    const prompt = `Tell me about ${topic} (${i}).`;
    const short = `${topic[0]!.toUpperCase()}${topic.slice(1)} is fine.`;
    // Detailed answers run from one long sentence to four; terse ones are a few words.
    const sentences = [
      `${topic[0]!.toUpperCase()}${topic.slice(1)} is a rich subject with a long history behind it, and many people enjoy it.`,
      DETAIL[i % DETAIL.length]!,
      DETAIL[(i + 2) % DETAIL.length]!,
      'Ask me for more.',
    ];
    const long = sentences.slice(0, 1 + (i % 4)).join(' ');
    pairs.push({ id: `${i}/detail`, prompt, chosen: long, rejected: short, user: 'detail-lover' });
    pairs.push({ id: `${i}/brevity`, prompt, chosen: short, rejected: long, user: 'brevity-lover' });
  }
  return pairs;
}
