/**
 * Issue #6, hostile input, property-based: real event files (the endpoint's NDJSON, as the demo
 * bucket writes them) with random damage — bytes flipped, inserted, deleted, ranges repeated, the
 * end cut off — plain or gzipped. The parser never throws, and when the text is NDJSON, every line
 * is accounted for: events + debug rows = non-blank lines (an array line counting its elements).
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../src/demo/sample-bucket.js';
import { parseAll } from './parse-stream.js';

/** A real event file: `n` events as a game client sends them, the endpoint's NDJSON. */
function eventFile(seed: number, n: number): Buffer {
  let a = seed >>> 0;
  const random = () => (a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const at = new Date('2026-03-01T03:00:00Z');
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify(sampleEvent(random, 'live', 'gameplay', `s-${seed}`, at, i)),
  );
  return Buffer.from(`${lines.join('\n')}\n`);
}

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 12 }),
      fc.constantFrom(
        ...['\n', '\r\n', '{', '[', ']', '"', '\\', '\u0000', '\ufeff', '\u{1f600}', '[{"eventClass":"x"},7]'].map(
          (s) => Buffer.from(s),
        ),
      ),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Applies mutations in order; positions wrap into `[from, length]`. */
function mutate(bytes: Buffer, mutations: Mutation[], from = 0): Buffer {
  let b = bytes;
  for (const m of mutations) {
    const at = from + (m.at % (b.length - from + 1));
    if (m.kind === 'flip' && at < b.length)
      b = Buffer.concat([b.subarray(0, at), Buffer.from([m.value]), b.subarray(at + 1)]);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else if (m.kind === 'repeat')
      b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
    else if (m.kind === 'truncate') b = b.subarray(0, Math.max(at, from));
  }
  return b;
}

const BLANK = /^[ \t\r]*$/;

/** Rows the contract's NDJSON rules give for this text, or undefined when it starts a document. */
function ndjsonRows(bytes: Uint8Array): number | undefined {
  const text = new TextDecoder().decode(bytes).replaceAll('\r\n', '\n');
  const lines = text.split('\n').filter((l) => !BLANK.test(l));
  const first = lines[0];
  if (first !== undefined && /^[ \t\r]*[[{]/.test(first) && parse(first) === undefined) return undefined;
  return lines.reduce((rows, line) => {
    const v = parse(line);
    return rows + (Array.isArray(v) ? v.length : 1);
  }, 0);
}

function parse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Cuts bytes into chunks at the given offsets, as a network read would. */
function chunks(bytes: Buffer, offsets: number[]): Buffer[] {
  const at = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((x, y) => x - y);
  return [...at, bytes.length].map((o, i) => bytes.subarray(i === 0 ? 0 : at[i - 1], o));
}

describe('mutated real event files (properties)', () => {
  it('damage after the first line: every line is accounted for, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: 1, max: 60 }),
        fc.array(mutation, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (seed, n, ms, offsets) => {
          const original = eventFile(seed, n);
          const damaged = mutate(original, ms, original.indexOf(0x0a) + 1);
          const t = await parseAll(chunks(damaged, offsets), undefined, 0);
          const expected = ndjsonRows(damaged);
          expect(expected).toBeDefined();
          expect(t.eventCount + t.debugCount).toBe(expected);
          expect(t.biggestBatch).toBeLessThanOrEqual(1000);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('damage anywhere, plain or gzipped (before or after compressing): never throws; NDJSON text is accounted for', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.integer({ min: 0, max: 60 }),
        fc.array(mutation, { maxLength: 8 }),
        fc.constantFrom('plain', 'gzip-text', 'gzip-bytes'),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (seed, n, ms, how, offsets) => {
          const original = eventFile(seed, n);
          const bytes =
            how === 'plain'
              ? mutate(original, ms)
              : how === 'gzip-text'
                ? gzipSync(mutate(original, ms))
                : mutate(gzipSync(original), ms);
          const t = await parseAll(chunks(bytes, offsets), undefined, 0);
          const text = how === 'gzip-bytes' ? undefined : how === 'plain' ? bytes : mutate(original, ms);
          const expected = text === undefined || text[0] === 0x1f ? undefined : ndjsonRows(text);
          if (expected !== undefined) expect(t.eventCount + t.debugCount).toBe(expected);
          if (how === 'gzip-bytes' && ms.length === 0) expect([t.eventCount, t.debugCount]).toEqual([n, 0]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
