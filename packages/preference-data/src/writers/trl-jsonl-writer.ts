import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import type { PreferencePair } from '../types/preference-pair.js';

/**
 * Writes pairs as TRL JSON Lines `{prompt, chosen, rejected, user_id?, split?, ...extra}`
 * (gzipped when the path ends in .gz), atomically: a temp file renamed into place.
 * Returns the number of lines written.
 */
export async function writeTrlJsonl(path: string, pairs: Iterable<PreferencePair> | AsyncIterable<PreferencePair>): Promise<number> {
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  const file = createWriteStream(temporary);
  const gzip = path.endsWith('.gz') ? createGzip() : undefined;
  const out: Writable = gzip ?? file;
  if (gzip) gzip.pipe(file);
  let count = 0;
  try {
    for await (const pair of pairs) {
      const record: Record<string, unknown> = { ...(pair.extra ?? {}), id: pair.id, prompt: pair.prompt, chosen: pair.chosen, rejected: pair.rejected };
      if (pair.user !== undefined) record['user_id'] = pair.user;
      if (pair.split !== undefined) record['split'] = pair.split;
      if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
      count++;
    }
  } catch (error) {
    // End (not destroy) so queued writes settle before the partial file is removed.
    out.end();
    await once(file, 'close');
    await rm(temporary, { force: true });
    throw error;
  }
  out.end();
  await once(file, 'close');
  await rename(temporary, path);
  return count;
}
