/**
 * An NDJSON line holding an array whose elements each need the exact re-parse (an `eventIndex` of
 * `1.0000000000000001`, a big integer in a rejected element). Each element used to re-parse the
 * whole line: a 497 KiB line of 5,000 such events took 93 s to ingest, so a 16 MiB one never ended.
 * The line is now re-parsed once. The rows are the same as the elements' on lines of their own.
 */
import { describe, expect, it } from 'vitest';
import { parseAll, stream } from './parse-stream.js';

const N = 20_000;
const element = (i: number) =>
  `{"eventClass":"c","eventId":"${i}","eventIndex":1.0000000000000001,"eventAttributes":{"n":${i}}}`;
const rejected = '{"eventClass":"","big":12345678901234567890123}';

describe('an array line whose elements need the exact re-parse', () => {
  it(`${N.toLocaleString('en')} elements: each lands once, as on lines of their own, within the test's timeout`, async () => {
    const elements = Array.from({ length: N }, (_, i) => element(i));
    const inArray = await parseAll(stream(`[${[...elements, rejected].join(',')}]\n`), undefined, N);
    const asLines = await parseAll(stream(...elements.map((e) => `${e}\n`), `${rejected}\n`), undefined, N);
    expect(inArray.eventCount).toBe(N);
    expect(inArray.events).toEqual(asLines.events);
    // A rejected element of an array line is its compact JSON, the big integer exact.
    expect(inArray.debug).toEqual(['{"eventClass":"","big":12345678901234567890123}']);
  }, 60_000);
});

describe('an unclosed document whose rest holds a long array line', () => {
  it('every candidate after the array line still comes out (the rest is read as lines, a batch at a time)', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => `{"eventClass":"c","eventId":"${i}"}`).join(',');
    // The document `[` never closes: its rest, from the element that never ends, is read as lines.
    const t = await parseAll(
      stream(`[\n{"eventClass":"a","eventId":"a"},\n{"x":\n[${many}]\n{"eventClass":"b","eventId":"b"}\n`),
      undefined,
      3000,
    );
    expect(t.eventCount).toBe(2502);
    expect(t.events.at(-1)?.event_id).toBe('b');
  });
});
