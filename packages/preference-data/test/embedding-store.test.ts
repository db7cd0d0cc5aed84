import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpyHeader, generatePaperSynthetic, readEmbeddingStore, readNpy, splitUsers, writeEmbeddingStore, writeNpy } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'steerable-store-'));

describe('npy', () => {
  it('writes the NumPy v1.0 layout (64-byte aligned header) and reads it back, whole or by rows', async () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    const file = join(dir, 'x.npy');
    await writeNpy(file, data, [4, 2, 3]);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 6)).toEqual(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]));
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.toString('latin1', 10, 10 + headerLength)).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(4, 2, 3\), \}\s*\n$/);
    expect(bytes.length).toBe(10 + headerLength + 96);
    expect(await readNpy(file)).toEqual({ shape: [4, 2, 3], data });
    expect(await readNpy(file, { rowStart: 1, rowEnd: 3 })).toEqual({ shape: [2, 2, 3], data: data.subarray(6, 18) });
  });

  it('reads a file with a NumPy-written header for a 1-d array', async () => {
    // numpy.save(f, numpy.array([1.5, -2], dtype='<f4')) writes exactly this header.
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    const padded = `${header + ' '.repeat(128 - 10 - header.length - 1)}\n`;
    const bytes = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]),
      Buffer.from([padded.length, 0]),
      Buffer.from(padded, 'latin1'),
      Buffer.from(new Float32Array([1.5, -2]).buffer),
    ]);
    const file = join(dir, 'numpy.npy');
    writeFileSync(file, bytes);
    expect(await readNpy(file)).toEqual({ shape: [2], data: new Float32Array([1.5, -2]) });
    // Our writer produces NumPy's header byte for byte.
    expect(Buffer.from(encodeNpyHeader([2]))).toEqual(bytes.subarray(0, 128));
  });
});

describe('embedding store', () => {
  const set = generatePaperSynthetic({ numPairs: 50, seed: 2 });
  for (const format of ['npy', 'safetensors', 'jsonl'] as const) {
    it(`round-trips an EmbeddedPairSet through ${format}`, async () => {
      const store = join(dir, `store-${format}`);
      await writeEmbeddingStore(store, set, format);
      const back = await readEmbeddingStore(store);
      expect(back.numPairs).toBe(50);
      expect(back.dim).toBe(1);
      expect(back.options).toEqual(set.options);
      const key = (l: { pair: number; user: string }): string => `${l.pair}/${l.user}`;
      expect([...back.labels].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...set.labels].sort((a, b) => key(a).localeCompare(key(b))));
    });
  }

  it('keeps per-user splits when a pair is split differently per user', async () => {
    const mixed = splitUsers({ ...set, labels: set.labels.map((l, i) => ({ ...l, user: `u${i % 7}` })) }, [0.5, 0.25, 0.25], 1);
    const store = join(dir, 'store-mixed');
    await writeEmbeddingStore(store, mixed);
    const back = await readEmbeddingStore(store);
    const bySplit = (labels: typeof mixed.labels): string[] => labels.map((l) => `${l.pair}/${l.user}/${l.split}/${l.preferred}`).sort();
    expect(bySplit(back.labels)).toEqual(bySplit(mixed.labels));
  });
});
