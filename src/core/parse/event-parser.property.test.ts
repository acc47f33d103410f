import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParseOptions, type ParsedBatch, parseEvents, parseWholeFile } from './event-parser.js';
import type { FileContext } from './file-context.js';

const ctx: FileContext = {
  bucket: 'bkt',
  name: 'data_type=json/analytics_environment=live/event_category=c/event_ds=2024-05-01/event_time=8-16/s/f',
  filePath: 'gs://bkt/f',
  generation: '1',
  jobName: 'job',
  insertedAt: 0n,
};

async function parse(chunks: Uint8Array[], options?: ParseOptions): Promise<{ events: unknown[]; debug: string[] }> {
  const out = { events: [] as unknown[], debug: [] as string[] };
  for await (const batch of parseEvents(chunks, ctx, options)) {
    out.events.push(...batch.events);
    out.debug.push(...batch.debug.map((r) => r.event ?? ''));
  }
  return out;
}

/** Cuts bytes at the given (sorted, deduplicated) offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const at = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const o of [...at, bytes.length]) {
    chunks.push(bytes.subarray(prev, o));
    prev = o;
  }
  return chunks;
}

const BLANK = /^[ \t\r]*$/;

/**
 * The contract's NDJSON count, computed the obvious way on the whole text: every non-blank line is
 * one row, except a valid array line, which is as many rows as it has elements. Undefined when the
 * text starts a whole document instead (first non-blank line starting with `[`/`{` and invalid alone).
 */
function ndjsonRowCount(bytes: Uint8Array): number | undefined {
  const text = new TextDecoder().decode(bytes).replaceAll('\r\n', '\n');
  const lines = text.split('\n').filter((l) => !BLANK.test(l));
  const first = lines[0];
  if (first !== undefined && /^[ \t\r]*[[{]/.test(first) && !parses(first)) return undefined;
  let rows = 0;
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      rows++;
      continue;
    }
    rows += Array.isArray(value) ? value.length : 1;
  }
  return rows;
}

function parses(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const eventLike = fc.record(
  {
    eventClass: fc.oneof(fc.string(), fc.constant(null), fc.constant(''), fc.integer()),
    event_class: fc.oneof(fc.string(), fc.constant(null)),
    eventIndex: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant('2.0')),
    eventTimestamp: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
    eventAttributes: fc.jsonValue(),
    __proto__: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

/** Text made of lines: JSON values, event-like objects, junk and blank lines. */
const lineText = fc
  .array(
    fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      eventLike.map((v) => JSON.stringify(v)),
      fc.string(),
      fc.constantFrom('', '  ', '\r', '[', '{', ']', '}', '[1,', '{"eventClass":'),
    ),
  )
  .chain((lines) => fc.constantFrom('\n', '\r\n').map((nl) => lines.join(nl)));

describe('parseEvents (properties)', () => {
  it('never throws on random bytes, and yields one row per line or array element', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat()), async (bytes, offsets) => {
        const p = await parse(cut(bytes, offsets));
        const expected = ndjsonRowCount(bytes);
        if (expected !== undefined && bytes[0] !== 0x1f) expect(p.events.length + p.debug.length).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('yields one row per candidate or line for random JSON lines, gzipped or not', async () => {
    await fc.assert(
      fc.asyncProperty(lineText, fc.array(fc.nat()), fc.boolean(), async (text, offsets, gzip) => {
        const plain = Buffer.from(text);
        const expected = ndjsonRowCount(plain);
        const p = await parse(cut(gzip ? gzipSync(plain) : plain, offsets));
        if (expected !== undefined) expect(p.events.length + p.debug.length).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('yields one row per element of a pretty-printed array, and one for a pretty-printed object', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(fc.oneof(fc.jsonValue(), eventLike)), eventLike, fc.dictionary(fc.string(), fc.jsonValue())),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.nat()),
        async (doc, indent, offsets) => {
          const p = await parse(cut(Buffer.from(JSON.stringify(doc, null, indent)), offsets));
          expect(p.events.length + p.debug.length).toBe(Array.isArray(doc) ? doc.length : 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same rows however the bytes are cut into chunks', async () => {
    const docs = fc.oneof(
      lineText,
      fc.array(fc.oneof(fc.jsonValue(), eventLike)).map((a) => JSON.stringify(a, null, 2)),
      fc.tuple(fc.array(eventLike), fc.nat()).map(([a, n]) => {
        const t = JSON.stringify(a, null, 1);
        return t.slice(0, n % (t.length + 1)); // documents cut short
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        docs,
        fc.array(fc.nat()),
        fc.constantFrom(undefined, 8, 40, 200),
        async (text, offsets, maxLineBytes) => {
          const bytes = Buffer.from(`\ufeff${text}`);
          const whole = await parse([bytes], { maxLineBytes });
          const pieces = await parse(cut(bytes, offsets), { maxLineBytes });
          expect(pieces).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same rows, in order, whatever the batch size (a full batch stops a long text)', async () => {
    const arrayLine = fc.array(fc.oneof(fc.jsonValue(), eventLike), { maxLength: 12 }).map((a) => JSON.stringify(a));
    const texts = fc.oneof(
      fc.array(fc.oneof(lineText, arrayLine), { maxLength: 12 }).map((lines) => lines.join('\n')),
      fc.array(fc.oneof(fc.jsonValue(), eventLike)).map((a) => JSON.stringify(a, null, 2)),
      fc.tuple(fc.array(eventLike), fc.nat(), fc.array(arrayLine, { maxLength: 3 })).map(([a, n, rest]) => {
        const t = JSON.stringify(a, null, 1);
        return [t.slice(0, n % (t.length + 1)), ...rest].join('\n'); // documents cut short, lines after
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        texts,
        fc.array(fc.nat()),
        fc.constantFrom(1, 2, 3),
        fc.constantFrom(undefined, 8, 40, 200),
        async (text, offsets, batchRows, maxLineBytes) => {
          const bytes = Buffer.from(text);
          const unbatched = await parse([bytes], { maxLineBytes, batchRows: 1_000_000 });
          expect(await parse(cut(bytes, offsets), { maxLineBytes, batchRows })).toEqual(unbatched);
          expect(parseWholeFile(bytes, ctx, { maxLineBytes, batchRows })?.flatMap((b) => b.events)).toEqual(
            unbatched.events,
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a file parsed whole gives the same batches, rows and debug rows as the stream', async () => {
    const streamed = async (bytes: Uint8Array, options: ParseOptions) => {
      const out: ParsedBatch[] = [];
      for await (const batch of parseEvents([bytes], ctx, options)) out.push(batch);
      return out;
    };
    const bytesOf = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.array(lineText, { maxLength: 30 }).map((lines) => Buffer.from(`\ufeff${lines.join('\r\n')}`)),
    );
    await fc.assert(
      fc.asyncProperty(
        bytesOf,
        fc.constantFrom(1, 3, 1000),
        fc.constantFrom(undefined, 8, 40),
        async (bytes, batchRows, maxLineBytes) => {
          fc.pre(!(bytes[0] === 0x1f && bytes[1] === 0x8b));
          const options = { batchRows, maxLineBytes };
          expect(parseWholeFile(bytes, ctx, options)).toEqual(await streamed(bytes, options));
        },
      ),
      { numRuns: 300 },
    );
    expect(parseWholeFile(gzipSync('{"eventId":"a"}\n'), ctx)).toBeUndefined(); // gzip: only streamed
  });
});
