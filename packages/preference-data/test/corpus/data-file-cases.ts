import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { MalformedInputCase } from '@steerable/core/testing';

const PARQUET = fileURLToPath(new URL('../fixtures/parquet/', import.meta.url));

const ok = (i: number) => JSON.stringify({ prompt: `p${i}`, chosen: `good ${i}`, rejected: `bad ${i}` });
const lines = (...items: (string | Buffer)[]): Buffer =>
  Buffer.concat(items.flatMap((item) => [Buffer.isBuffer(item) ? item : Buffer.from(item), Buffer.from('\n')]));
const bytes = (...values: number[]) => Buffer.from(values);

interface Row {
  defect: string;
  /** The file name (its extension selects the container). */
  name: string;
  content: () => Buffer | Promise<Buffer>;
  line?: number;
  field?: string;
  message: RegExp;
  huge?: boolean;
}

/** A TRL record on line 2 (after a good one) with `field` set to `value` (or removed when undefined). */
function trlFieldRows(): Row[] {
  const values: [string, unknown][] = [
    ['missing', undefined],
    ['null', null],
    ['number', 42],
    ['boolean', true],
    ['object', { text: 'x' }],
    ['number-array', [1, 2]],
  ];
  const rows: Row[] = [];
  for (const field of ['prompt', 'chosen', 'rejected']) {
    for (const [label, value] of values) {
      const record: Record<string, unknown> = { prompt: 'p', chosen: 'a', rejected: 'b' };
      if (value === undefined) delete record[field];
      else record[field] = value;
      rows.push({
        defect: `trl-${field}-${label}`,
        name: 'pairs.jsonl',
        content: () => lines(ok(1), JSON.stringify(record)),
        line: 2,
        field: expectedField(field, value),
        message: expectedMessage(field, value),
      });
    }
  }
  return rows;
}

/** `chosen` decides the record's shape: a list there is read as messages, so its first item is at fault. */
function expectedField(field: string, value: unknown): string {
  return Array.isArray(value) && field === 'chosen' ? 'chosen.0' : field;
}

function expectedMessage(field: string, value: unknown): RegExp {
  if (value === undefined) return /is missing/;
  if (Array.isArray(value))
    return field === 'chosen' ? /must be object, got number 1/ : /has the wrong type \(an array of 2\)|must be string, got an array of 2/;
  return /must be string/;
}

/** Invalid UTF-8 on line 2, in every shape a decoder can meet. */
const UTF8_DEFECTS: [string, Buffer][] = [
  ['latin1-e-acute', bytes(0xe9)],
  ['lone-continuation-byte', bytes(0x80)],
  ['overlong-slash', bytes(0xc0, 0xaf)],
  ['overlong-nul', bytes(0xc0, 0x80)],
  ['utf16-surrogate', bytes(0xed, 0xa0, 0x80)],
  ['five-byte-sequence', bytes(0xf8, 0x88, 0x80, 0x80, 0x80)],
  ['code-point-over-10ffff', bytes(0xf4, 0x90, 0x80, 0x80)],
  ['ff-byte', bytes(0xff)],
  ['cut-sequence-mid-line', bytes(0xe2, 0x82)],
];

function utf8Rows(): Row[] {
  return UTF8_DEFECTS.flatMap(([label, bad]) => [
    {
      defect: `utf8-${label}-in-value`,
      name: 'pairs.jsonl',
      content: () => lines(ok(1), Buffer.concat([Buffer.from('{"prompt": "caf'), bad, Buffer.from('", "chosen": "a", "rejected": "b"}')]), ok(3)),
      line: 2,
      message: /not valid UTF-8/,
    },
    {
      defect: `utf8-${label}-in-key`,
      name: 'pairs.jsonl',
      content: () => lines(ok(1), ok(2), Buffer.concat([Buffer.from('{"pro'), bad, Buffer.from('mpt": "p", "chosen": "a", "rejected": "b"}')])),
      line: 3,
      message: /not valid UTF-8/,
    },
    {
      defect: `utf8-${label}-in-csv`,
      name: 'pairs.csv',
      content: () => Buffer.concat([Buffer.from('prompt,chosen,rejected\np1,a,b\np2,caf'), bad, Buffer.from(',b\n')]),
      line: 3,
      message: /not valid UTF-8/,
    },
  ]);
}

/** JSON syntax that is not JSON, on line 2. */
const SYNTAX: [string, string, RegExp][] = [
  ['unquoted-key', '{prompt: "p", "chosen": "a", "rejected": "b"}', /invalid JSON/],
  ['missing-colon', '{"prompt" "p", "chosen": "a", "rejected": "b"}', /invalid JSON/],
  ['trailing-garbage', `${ok(2)} x`, /invalid JSON/],
  ['two-objects', `${ok(2)}${ok(3)}`, /invalid JSON/],
  ['unterminated-string', '{"prompt": "p, "chosen": "a", "rejected": "b"}', /invalid JSON/],
  ['raw-tab-in-string', '{"prompt": "p\tq", "chosen": "a", "rejected": "b"}', /invalid JSON/],
  ['undefined-literal', '{"prompt": undefined, "chosen": "a", "rejected": "b"}', /invalid JSON/],
  ['infinity-literal', '{"prompt": "p", "chosen": "a", "rejected": "b", "margin": -Infinity}', /NaN or Infinity/],
  ['hex-number', '{"prompt": "p", "chosen": "a", "rejected": "b", "margin": 0x10}', /invalid JSON/],
  ['comment', `${ok(2)} // best pair`, /invalid JSON/],
  ['leading-zero', '{"prompt": "p", "chosen": "a", "rejected": "b", "margin": 01}', /invalid JSON/],
  ['python-dict', "{'prompt': 'p', 'chosen': 'a', 'rejected': 'b'}", /invalid JSON/],
  ['python-true', '{"prompt": "p", "chosen": "a", "rejected": "b", "flag": True}', /invalid JSON/],
  ['bare-string', '"p,a,b"', /string, not a JSON object/],
  ['bare-number', '3', /number, not a JSON object/],
  ['null-line', 'null', /null, not a JSON object/],
  ['array-line', '["p", "a", "b"]', /an array, not a JSON object/],
];

function syntaxRows(): Row[] {
  return SYNTAX.map(([label, text, message]) => ({
    defect: `jsonl-${label}`,
    name: 'pairs.jsonl',
    content: () => lines(ok(1), text, ok(3)),
    line: 2,
    message,
  }));
}

const manyLines = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `${ok(i)}\n`).join(''));

function gzipRows(): Row[] {
  const gz = () => gzipSync(manyLines(400));
  return [
    {
      defect: 'gzip-truncated-10pc',
      name: 'pairs.jsonl.gz',
      content: () => gz().subarray(0, Math.floor(gz().length * 0.1)),
      message: /cannot read past line \d+/,
    },
    { defect: 'gzip-truncated-50pc', name: 'pairs.jsonl.gz', content: () => gz().subarray(0, gz().length >> 1), message: /cannot read past line \d+/ },
    { defect: 'gzip-truncated-last-byte', name: 'pairs.jsonl.gz', content: () => gz().subarray(0, gz().length - 1), message: /cannot read past line \d+/ },
    { defect: 'gzip-header-only', name: 'pairs.jsonl.gz', content: () => gz().subarray(0, 10), message: /cannot read past line \d+/ },
    {
      defect: 'gzip-magic-then-garbage',
      name: 'pairs.jsonl.gz',
      content: () => Buffer.concat([bytes(0x1f, 0x8b), Buffer.from('not a deflate stream at all')]),
      message: /cannot read past line \d+/,
    },
    {
      defect: 'gzip-crc-flipped',
      name: 'pairs.jsonl.gz',
      content: () => {
        const b = Buffer.from(gz());
        b[b.length - 6]! ^= 0xff;
        return b;
      },
      message: /cannot read past line \d+/,
    },
    {
      defect: 'gzip-second-member-truncated',
      name: 'pairs.jsonl.gz',
      content: () => {
        const second = gzipSync(manyLines(50));
        return Buffer.concat([gzipSync(manyLines(10)), second.subarray(0, second.length >> 1)]);
      },
      message: /cannot read past line \d+/,
    },
    {
      defect: 'gzip-invalid-json-line-3',
      name: 'pairs.jsonl.gz',
      content: () => gzipSync(lines(ok(1), ok(2), '{"prompt": ')),
      line: 3,
      message: /invalid JSON/,
    },
    {
      defect: 'gzip-invalid-utf8-line-2',
      name: 'pairs.jsonl.gz',
      content: () => gzipSync(lines(ok(1), Buffer.concat([Buffer.from('{"prompt": "'), bytes(0xff), Buffer.from('"}')]))),
      line: 2,
      message: /not valid UTF-8/,
    },
    {
      defect: 'gzip-bomb-one-17mb-line',
      name: 'pairs.jsonl.gz',
      content: () => gzipSync(Buffer.concat([Buffer.from('{"prompt": "'), Buffer.alloc(17 << 20, 0x61), Buffer.from('"}\n')]), { level: 9 }),
      line: 1,
      message: /line is \d+ bytes, over the 16777216-byte limit/,
    },
    {
      defect: 'gzip-csv-truncated',
      name: 'pairs.csv.gz',
      content: () => {
        const b = gzipSync(Buffer.from(`prompt,chosen,rejected\n${'p,a,b\n'.repeat(2000)}`));
        return b.subarray(0, b.length >> 1);
      },
      message: /cannot read past line \d+|CSV cannot be parsed/,
    },
  ];
}

function csvRows(): Row[] {
  return [
    {
      defect: 'csv-ragged-extra-cell',
      name: 'pairs.csv',
      content: () => Buffer.from('prompt,chosen,rejected\np1,a,b\np2,c,d,e\n'),
      line: 3,
      message: /CSV cannot be parsed/,
    },
    {
      defect: 'csv-ragged-missing-cell',
      name: 'pairs.csv',
      content: () => Buffer.from('prompt,chosen,rejected\np1,a,b\np2,c\n'),
      line: 3,
      message: /CSV cannot be parsed/,
    },
    {
      defect: 'csv-unclosed-quote',
      name: 'pairs.csv',
      content: () => Buffer.from('prompt,chosen,rejected\np1,"a,b\np2,c,d\n'),
      line: 3,
      message: /CSV cannot be parsed.*quote/i,
    },
    {
      defect: 'csv-quote-inside-unquoted-cell',
      name: 'pairs.csv',
      content: () => Buffer.from('prompt,chosen,rejected\np1,a"b,c\n'),
      line: 2,
      message: /CSV cannot be parsed/,
    },
    {
      defect: 'csv-missing-rejected-column',
      name: 'pairs.csv',
      content: () => Buffer.from('prompt,chosen\np1,a\n'),
      line: 2,
      message: /matches no known format/,
    },
    { defect: 'csv-header-only', name: 'pairs.csv', content: () => Buffer.from('prompt,chosen,rejected\n'), line: 1, message: /empty|no records/ },
    { defect: 'csv-empty-file', name: 'pairs.csv', content: () => Buffer.from(''), line: 1, message: /empty|no records/ },
    {
      defect: 'csv-bad-split',
      name: 'pairs.csv',
      content: () => Buffer.from('prompt,chosen,rejected,split\np1,a,b,holdout\n'),
      line: 2,
      field: 'split',
      message: /unknown split "holdout"/,
    },
    {
      defect: 'csv-duplicate-id',
      name: 'pairs.csv',
      content: () => Buffer.from('id,prompt,chosen,rejected\nx,p1,a,b\nx,p2,c,d\n'),
      line: 3,
      field: 'id',
      message: /duplicate id 'x'/,
    },
    {
      defect: 'csv-conversation-cell-bad-role',
      name: 'pairs.csv',
      content: () => Buffer.from('prompt,chosen,rejected\np1,"[{""role"": """", ""content"": ""x""}]",b\n'),
      line: 2,
      field: 'chosen.0.role',
      message: /empty string/,
    },
    {
      defect: 'csv-oversized-quoted-field',
      name: 'pairs.csv',
      content: () => Buffer.concat([Buffer.from('prompt,chosen,rejected\np1,"'), Buffer.alloc(17 << 20, 0x61), Buffer.from('",b\n')]),
      line: 2,
      message: /CSV cannot be parsed further: Max Record Size/,
    },
  ];
}

async function parquet(name: string): Promise<Buffer> {
  return readFile(join(PARQUET, name));
}

function parquetRows(): Row[] {
  const damaged = (edit: (b: Buffer) => Buffer) => async () => edit(Buffer.from(await parquet('ok-trl.parquet')));
  const footerLength = (value: number) =>
    damaged((b) => {
      b.writeUInt32LE(value >>> 0, b.length - 8);
      return b;
    });
  return [
    {
      defect: 'parquet-truncated-half',
      name: 'pairs.parquet',
      content: damaged((b) => b.subarray(0, b.length >> 1)),
      field: 'metadata',
      message: /not a readable parquet file/,
    },
    {
      defect: 'parquet-truncated-last-byte',
      name: 'pairs.parquet',
      content: damaged((b) => b.subarray(0, b.length - 1)),
      field: 'metadata',
      message: /not a readable parquet file/,
    },
    { defect: 'parquet-only-magic', name: 'pairs.parquet', content: () => Buffer.from('PAR1'), field: 'metadata', message: /not a readable parquet file/ },
    { defect: 'parquet-magic-twice', name: 'pairs.parquet', content: () => Buffer.from('PAR1PAR1'), field: 'metadata', message: /not a readable parquet file/ },
    {
      defect: 'parquet-footer-magic-broken',
      name: 'pairs.parquet',
      content: damaged((b) => {
        b[b.length - 1] = 0x30;
        return b;
      }),
      field: 'metadata',
      message: /not a readable parquet file/,
    },
    {
      defect: 'parquet-footer-length-4gb',
      name: 'pairs.parquet',
      content: footerLength(0xffffffff),
      field: 'metadata',
      message: /not a readable parquet file/,
      huge: true,
    },
    {
      defect: 'parquet-footer-length-past-start',
      name: 'pairs.parquet',
      content: async () => {
        const b = Buffer.from(await parquet('ok-trl.parquet'));
        b.writeUInt32LE(b.length, b.length - 8);
        return b;
      },
      field: 'metadata',
      message: /not a readable parquet file/,
    },
    { defect: 'parquet-footer-length-zero', name: 'pairs.parquet', content: footerLength(0), field: 'metadata', message: /not a readable parquet file/ },
    {
      defect: 'parquet-metadata-garbage',
      name: 'pairs.parquet',
      content: damaged((b) => {
        const length = b.readUInt32LE(b.length - 8);
        b.fill(0xff, b.length - 8 - length, b.length - 8);
        return b;
      }),
      field: 'metadata',
      message: /not a readable parquet file/,
    },
    {
      defect: 'parquet-int-chosen-column',
      name: 'pairs.parquet',
      content: () => parquet('int-chosen.parquet'),
      line: 1,
      field: 'chosen',
      message: /must be string/,
    },
    {
      defect: 'parquet-missing-rejected-column',
      name: 'pairs.parquet',
      content: () => parquet('missing-rejected.parquet'),
      line: 1,
      message: /matches no known format/,
    },
  ];
}

function otherFormatRows(): Row[] {
  const relabeled = (over: Record<string, unknown>) =>
    JSON.stringify({ Index: 1, prompt: 'Human: hi', responses: ['a', 'b'], label: 0, objective: 'helpful', data_subset: 'helpful', ...over });
  const uf = (completions: unknown) => JSON.stringify({ instruction: 'q', completions });
  return [
    {
      defect: 'relabeled-label-string',
      name: 'pairs.jsonl',
      content: () => lines(relabeled({ label: '0' })),
      line: 1,
      field: 'label',
      message: /must be one of 0, 1/,
    },
    {
      defect: 'relabeled-responses-not-array',
      name: 'pairs.jsonl',
      content: () => lines(relabeled({ responses: 'a|b' })),
      line: 1,
      field: 'responses',
      message: /must be tuple, got the string "a\|b"/,
    },
    {
      defect: 'ultrafeedback-rating-nan-string',
      name: 'pairs.jsonl',
      content: () =>
        lines(
          uf([
            { response: 'a', annotations: { helpfulness: { Rating: '4' } } },
            { response: 'b', annotations: { helpfulness: { Rating: 'NaN' } } },
          ]),
        ),
      line: 1,
      field: 'completions.1.annotations.helpfulness.Rating',
      message: /must be a number/,
    },
    {
      defect: 'hh-chosen-not-string',
      name: 'pairs.jsonl',
      content: () => lines(JSON.stringify({ chosen: 5, rejected: '\n\nHuman: hi\n\nAssistant: no' })),
      line: 1,
      message: /record with fields \{chosen, rejected\} matches no known format/,
    },
    {
      defect: 'conversation-role-number',
      name: 'pairs.jsonl',
      content: () =>
        lines(
          JSON.stringify({ prompt: [{ role: 'user', content: 'hi' }], chosen: [{ role: 1, content: 'x' }], rejected: [{ role: 'assistant', content: 'y' }] }),
        ),
      line: 1,
      field: 'chosen.0.role',
      message: /must be string/,
    },
    {
      defect: 'user-id-array',
      name: 'pairs.jsonl',
      content: () => lines(JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b', user_id: ['u'] })),
      line: 1,
      field: 'user_id',
      message: /non-empty string or a number/,
    },
    {
      defect: 'split-number',
      name: 'pairs.jsonl',
      content: () => lines(JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b', split: 1 })),
      line: 1,
      field: 'split',
      message: /unknown split 1/,
    },
    {
      defect: 'huge-line-over-limit',
      name: 'pairs.jsonl',
      content: () => lines(ok(1), JSON.stringify({ prompt: 'p', chosen: 'x'.repeat(17 << 20), rejected: 'b' })),
      line: 2,
      message: /over the 16777216-byte limit/,
    },
    { defect: 'nul-bytes-line', name: 'pairs.jsonl', content: () => lines(ok(1), Buffer.alloc(64)), line: 2, message: /invalid JSON/ },
    {
      defect: 'utf16-file',
      name: 'pairs.jsonl',
      content: () => Buffer.concat([bytes(0xff, 0xfe), Buffer.from(`${ok(1)}\n`, 'utf16le')]),
      line: 1,
      message: /not valid UTF-8/,
    },
  ];
}

const ROWS: Row[] = [...trlFieldRows(), ...utf8Rows(), ...syntaxRows(), ...gzipRows(), ...csvRows(), ...parquetRows(), ...otherFormatRows()];

export const DATA_FILE_CASES: MalformedInputCase[] = ROWS.map((row) => ({
  id: `preference-file/${row.defect}`,
  consumer: 'preference-file',
  file: row.name,
  ...(row.line !== undefined ? { line: row.line } : {}),
  ...(row.field !== undefined ? { field: row.field } : {}),
  message: row.message,
  ...(row.huge ? { claimsHugeAllocation: true } : {}),
  write: async (dir: string) => {
    const path = join(dir, row.name);
    await writeFile(path, await row.content());
    return path;
  },
}));
