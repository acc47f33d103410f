/**
 * Issue #6, hostile input: inputs far outside what the endpoint writes, generated as streams.
 * Each must come out with every line or candidate accounted for, and the good data beside it kept.
 */
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_INFLATED_BYTES, DEFAULT_MAX_LINE_BYTES } from '../../src/core/parse/event-parser.js';
import { MiB, parseAll, repeated, stream } from './parse-stream.js';

const ok = (id: string) => `{"eventClass":"ok","eventId":"${id}"}\n`;
const BIG_HEAD = '{"eventClass":"big","eventAttributes":"';
const LINE_CUT = `… [truncated: the line is longer than maxLineBytes (${DEFAULT_MAX_LINE_BYTES} bytes)]`;
const ids = (t: { events: { event_id: string | null }[] }) => t.events.map((e) => e.event_id);

describe('a single 100 MB line', () => {
  it('between two events: one debug row with its first 1024 characters and the reason; both events land', async () => {
    const t = await parseAll(stream(ok('a'), BIG_HEAD, repeated('x', 100 * MiB), '"}\n', ok('b')));
    expect(ids(t)).toEqual(['a', 'b']);
    expect(t.debug).toEqual([`${BIG_HEAD}${'x'.repeat(1024 - BIG_HEAD.length)}${LINE_CUT}`]);
  });

  it('as the first line of the file: the same', async () => {
    const t = await parseAll(stream(BIG_HEAD, repeated('x', 100 * MiB), '"}\n', ok('b')));
    expect(ids(t)).toEqual(['b']);
    expect(t.debug).toEqual([`${BIG_HEAD}${'x'.repeat(1024 - BIG_HEAD.length)}${LINE_CUT}`]);
  });

  it('holding a one-line array of 3,000,000 small events with no newline: every element lands', async () => {
    const element = '{"eventClass":"e","eventId":"i"},'; // 33 bytes
    const n = 3_000_000;
    const t = await parseAll(
      stream('[', repeated(element, element.length * (n - 1)), '{"eventClass":"e","eventId":"last"}]'),
      undefined,
      1,
    );
    expect(t.eventCount).toBe(n);
    expect(t.debugCount).toBe(0);
    expect(t.biggestBatch).toBe(1000);
  });
});

describe('a million one-byte lines', () => {
  it('gives a million debug rows, in batches of exactly 1000', async () => {
    const t = await parseAll(repeated('7\n', 2_000_000), undefined, 1_000_000);
    expect(t.eventCount).toBe(0);
    expect(t.debugCount).toBe(1_000_000);
    expect(t.debug.every((d) => d === '7')).toBe(true);
    expect(t.batches).toBe(1000);
    expect(t.biggestBatch).toBe(1000);
  });
});

describe('nesting 100,000 deep', () => {
  const N = 100_000;
  const deepArray = '['.repeat(N) + ']'.repeat(N);

  it('a line holding only a deep array: one debug row holding the line', async () => {
    const t = await parseAll(stream(`${deepArray}\n`, ok('after')));
    expect(ids(t)).toEqual(['after']);
    expect(t.debug).toEqual([deepArray]);
  });

  it('an event whose attributes nest that deep: one debug row holding its line (its attributes cannot be written again)', async () => {
    const line = `{"eventClass":"deep","eventAttributes":${deepArray}}`;
    const t = await parseAll(stream(ok('before'), `${line}\n`, ok('after')));
    expect(ids(t)).toEqual(['before', 'after']);
    expect(t.debug).toEqual([line]);
  });

  it('a deep object without eventClass: one debug row', async () => {
    const line = `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`;
    const t = await parseAll(stream(`${line}\n`, ok('after')));
    expect(ids(t)).toEqual(['after']);
    expect(t.debug).toEqual([line]);
  });

  it('100,000 unclosed brackets: one debug row, and the event on the next line lands', async () => {
    const t = await parseAll(stream(`${'['.repeat(N)}\n`, ok('after')));
    expect(ids(t)).toEqual(['after']);
    expect(t.debug).toEqual(['['.repeat(N)]);
  });

  it('a deep element of a pretty-printed document: one debug row, the other element lands', async () => {
    const t = await parseAll(stream('[\n', deepArray, ',\n', '{"eventClass":"ok","eventId":"sibling"}\n]\n'));
    expect(ids(t)).toEqual(['sibling']);
    expect(t.debug).toEqual([deepArray]);
  });
});

describe('a gzip bomb', () => {
  it('4 MiB that would inflate to 4.25 GiB: the events before the cap land, then one debug row refuses the rest', async () => {
    const member = gzipSync(Buffer.alloc(256 * MiB), { level: 9 }); // ~255 KiB
    const parts = [gzipSync(ok('first')), ...Array<Buffer>(17).fill(member)];
    const compressed = parts.reduce((n, p) => n + p.length, 0);
    expect(compressed).toBeLessThan(5 * MiB);
    const t = await parseAll(parts);
    expect(ids(t)).toEqual(['first']);
    expect(t.debug).toEqual([
      `gzip: the content inflates to more than maxInflatedBytes (${DEFAULT_MAX_INFLATED_BYTES} bytes); the rest of the file was not read`,
    ]);
  });
});

describe('a truncated gzip file', () => {
  it('keeps every complete line inflated before the cut, the cut line as a debug row, then the reason', async () => {
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `{"eventClass":"ok","eventId":"t${i}","eventAttributes":{"n":${i * 7919}}}`,
    );
    const whole = gzipSync(`${lines.join('\n')}\n`);
    const cut = whole.subarray(0, Math.floor(whole.length * 0.6));
    const prefix = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
    const complete = prefix.slice(0, prefix.lastIndexOf('\n')).split('\n');
    const partial = prefix.slice(prefix.lastIndexOf('\n') + 1);
    expect(partial).not.toBe('');
    const t = await parseAll([cut], undefined, 10_000);
    expect(t.eventCount).toBe(complete.length);
    expect(ids(t)).toEqual(complete.map((_, i) => `t${i}`));
    expect(t.debug).toEqual([
      partial,
      `gzip: unexpected end of file after ${Buffer.byteLength(prefix)} bytes of content; the rest of the file was not read`,
    ]);
  });
});
