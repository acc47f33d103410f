import { describe, expect, it } from 'vitest';
import { parse } from '../../../test/helpers/parse-text.js';
import { parseEvents } from './event-parser.js';

// Issue 11, items 6 and 10: every framing yields every record (linear time is measured by
// `npm run bench`, scripts/bench-framings.js).

const rec = (i: number) =>
  JSON.stringify({ eventClass: 'c', eventId: `e${i}`, eventAttributes: { pad: 'p'.repeat(40) } });
const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => rec(from + i));
const ids = (events: { event_id: string | null }[]) => events.map((e) => e.event_id);
const expected = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `e${from + i}`);

describe('framings', () => {
  it('streams an array line longer than maxLineBytes that is not the first line: every element is an event', async () => {
    const text = `${rec(0)}\n[${records(50, 1).join(',')}]\n${rec(51)}\n`;
    const { events, debug } = await parse(text, { maxLineBytes: 1000 });
    expect(debug).toEqual([]);
    expect(ids(events)).toEqual(expected(52));
  });

  it('does the same when the long array line arrives in many small pieces, with spaces before it', async () => {
    const bytes = Buffer.from(`${rec(0)}\n  [${records(50, 1).join(' , ')}]\n${rec(51)}`);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const { events, debug } = await parse(pieces, { maxLineBytes: 1000 });
    expect(debug).toEqual([]);
    expect(ids(events)).toEqual(expected(52));
  });

  it('keeps one truncated debug row for a long line that is not an array, and a long array whose element is too long', async () => {
    const { events, debug } = await parse(
      `${rec(0)}\n{"x":"${'y'.repeat(2000)}"}\n[{"eventClass":"c","big":"${'z'.repeat(2000)}"}]\n${rec(1)}`,
      { maxLineBytes: 1000 },
    );
    expect(ids(events)).toEqual(['e0', 'e1']);
    expect(debug).toHaveLength(2);
    expect(debug.every((d) => d.includes('[truncated: the line is longer than maxLineBytes (1000 bytes)]'))).toBe(true);
  });

  it('yields every record of objects written back to back, or split only by carriage returns, after a first record', async () => {
    for (const sep of ['', '\r', ' ', '\r\r']) {
      const { events, debug } = await parse(`${records(2000).join(sep)}\n`);
      expect(debug).toEqual([]);
      expect(ids(events)).toEqual(expected(2000));
    }
  });

  it('hands over the records of a file split only by carriage returns (or none) as they arrive, not once its one line ends', async () => {
    for (const sep of ['\r', '']) {
      const bytes = Buffer.from(records(400).join(sep));
      const pieces = Array.from({ length: Math.ceil(bytes.length / 512) }, (_, i) =>
        bytes.subarray(i * 512, i * 512 + 512),
      );
      let read = 0;
      async function* stream() {
        for (const p of pieces) {
          read++;
          yield p;
        }
      }
      const ctx = {
        bucket: 'b',
        name: 'data_type=json/x/f',
        filePath: 'f',
        generation: '1',
        jobName: 'j',
        insertedAt: 0n,
      };
      const batches = parseEvents(stream(), ctx, { batchRows: 10 });
      const first = await batches.next();
      expect(first.value?.events).toHaveLength(10);
      expect(read).toBeLessThan(pieces.length / 4); // held whole before: the first line was all of it
      let n = 10;
      for await (const b of batches) n += b.events.length;
      expect(n).toBe(400);
    }
  });
});
