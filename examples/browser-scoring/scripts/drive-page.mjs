// Drives the built page in headless Chromium (Debian's /usr/bin/chromium through playwright-core)
// as two people in turn: the first always picks the detailed answer, the second the one-liner.
// Used by the page test (test/page.test.ts) and the time-to-first-score benchmark.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.STEERABLE_CHROMIUM ?? '/usr/bin/chromium';

// Headless, and none of Chromium's own background traffic (updates, sync, field trials), so every
// request the test sees is one the page made.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-features=Translate,OptimizationHints,MediaRouter',
];

export async function launchChromium(profileDir) {
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 1000 } });
}

/**
 * Opens `url`, makes the two people's choices and returns what the page showed: each person's
 * ranking (answer style and score, best first), the page's timings, every request it made (and
 * those made once it was ready for the first choice), and any page error. Leaves the page open (for a screenshot); the caller closes the context.
 */
export async function visitAsTwoPeople(context, url, { timeoutMs = 180_000 } = {}) {
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url, { waitUntil: 'load' });
  const state = (name) => page.waitForSelector(`body[data-state="${name}"], body[data-state="error"]`, { timeout: timeoutMs });
  const failIfError = async () => {
    if ((await page.getAttribute('body', 'data-state')) === 'error') throw new Error(`the page failed: ${await page.textContent('#status')}`);
  };
  const people = [];
  let loadedRequests = -1;
  for (const style of ['detailed', 'brief']) {
    await state('ready');
    await failIfError();
    if (loadedRequests < 0) loadedRequests = requests.length;
    for (let choice = 0; choice < 5; choice++) {
      await page.click(`#choice button.answer[data-style="${style}"]`, { timeout: timeoutMs });
    }
    await state('done');
    await failIfError();
    const ranking = await page.$$eval('.column.you ol.ranking li', (items) =>
      items.map((li) => ({ style: li.dataset.style, score: Number(li.dataset.score) })),
    );
    people.push({ picked: style, ranking });
    if (style === 'detailed') await page.click('#restart');
  }
  const info = await page.evaluate(() => window.steerable);
  return {
    page,
    people,
    timings: info.timings,
    backend: info.backend,
    kernels: info.kernels,
    featurizer: info.featurizer,
    requests,
    /** Requests made after the page was ready for the first choice (none: choosing and ranking are local). */
    requestsWhileChoosing: requests.slice(loadedRequests),
    errors,
  };
}
