import type { PageTimings } from './main.js';
import type { AnswerStyle, ChoicePair } from './page-texts.js';

export interface RankedAnswer {
  text: string;
  style: AnswerStyle;
  score: number;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The page's state (busy, ready, done, error) on <body data-state>, and a line for the person. */
export function setStatus(state: 'busy' | 'ready' | 'done' | 'error', message: string): void {
  document.body.dataset['state'] = state;
  document.querySelector('#status')!.textContent = message;
  (document.querySelector('#restart') as HTMLButtonElement).hidden = state !== 'done';
}

/** Shows one pair and resolves with the index of the answer clicked. */
export function renderChoice(pair: ChoicePair, index: number, count: number): Promise<number> {
  const section = document.querySelector('#choice')!;
  section.replaceChildren(
    element('p', { class: 'progress', id: 'choice-progress' }, `Choice ${index + 1} of ${count}`),
    element('h2', { id: 'choice-prompt' }, pair.prompt),
  );
  const answers = element('div', { class: 'answers' });
  section.append(answers);
  return new Promise((resolve) => {
    pair.answers.forEach((answer, i) => {
      const button = element('button', { class: 'answer', 'data-style': answer.style, type: 'button' }, answer.text);
      button.addEventListener('click', () => {
        section.replaceChildren();
        resolve(i);
      });
      answers.append(button);
    });
  });
}

/** The newest person's ranking, beside the one before it when there was one. */
export function renderRanking(prompt: string, rankings: RankedAnswer[][]): void {
  const section = document.querySelector('#ranking')!;
  section.replaceChildren(element('h2', {}, `Answers to “${prompt}”, ranked for you`));
  const columns = element('div', { class: 'columns' });
  const shown = rankings.slice(-2).reverse();
  shown.forEach((ranking, column) => {
    const list = element('ol', { class: 'ranking', 'data-person': String(rankings.length - 1 - column) });
    for (const answer of ranking) {
      const item = element('li', { 'data-style': answer.style, 'data-score': answer.score.toFixed(4) });
      item.append(element('span', { class: 'score' }, answer.score.toFixed(2)), element('span', { class: 'text' }, answer.text));
      list.append(item);
    }
    const wrapper = element('div', { class: column === 0 ? 'column you' : 'column before' });
    wrapper.append(element('h3', {}, column === 0 ? 'For you' : 'For the previous person'), list);
    columns.append(wrapper);
  });
  section.append(columns);
}

export function renderTimings(timings: PageTimings): void {
  const last = timings.people.at(-1)!;
  const rows: [string, number][] = [
    ['sentence encoder loaded', timings.encoderLoadMs],
    ['your 5 choices read', last.conditionMs],
    ['10 answers scored', last.scoreMs],
    // The first person's: encoder load + their choices + scoring (later people reuse the loaded encoder).
    ['time to first score', timings.people[0]!.firstScoreMs],
  ];
  const list = element('dl', { id: 'timings' });
  for (const [label, ms] of rows) list.append(element('dt', {}, label), element('dd', {}, `${Math.round(ms)} ms`));
  document.querySelector('#timings')!.replaceWith(list);
}
