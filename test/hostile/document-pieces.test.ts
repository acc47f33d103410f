/**
 * A pretty-printed document whose one object (or one array element) is many MiB, read in the small
 * pieces a GCS stream hands over. Each piece used to re-read the document's text so far (a string
 * built piece by piece, flattened to scan it and measured whole against the limit): an 11 MiB
 * object in 1 KiB pieces took 50 s. Only the new piece is scanned and measured now.
 */
import { describe, expect, it } from 'vitest';
import { parseAll } from './parse-stream.js';

/** `text` in pieces of `size` characters, as bytes. */
function* pieces(text: string, size: number): Generator<Uint8Array> {
  for (let i = 0; i < text.length; i += size) yield Buffer.from(text.slice(i, i + size));
}

const attributes = (n: number) =>
  Array.from({ length: n }, (_, i) => `      "k${i}": "${'v'.repeat(60)} é"`).join(',\n');
const big = (n: number) =>
  `{\n    "eventClass": "c",\n    "eventId": "big",\n    "eventAttributes": {\n${attributes(n)}\n    }\n  }`;

describe('a document holding one object of many MiB, in 1 KiB pieces', () => {
  it('a pretty-printed object of 11 MiB: one debug row (over the event limit), within the timeout', async () => {
    const t = await parseAll(pieces(`${big(140_000)}\n{"eventClass":"c","eventId":"next"}\n`, 1024));
    expect(t.debugCount).toBe(1);
    expect(t.debug[0]).toContain('[truncated: the event is');
    expect(t.events.map((e) => e.event_id)).toEqual(['next']);
  }, 20_000);

  it('a pretty-printed array whose middle element is 11 MiB: every element, within the timeout', async () => {
    const text = `[\n  {"eventClass":"c","eventId":"a"},\n  ${big(140_000)},\n  {"eventClass":"c","eventId":"b"}\n]\n`;
    const t = await parseAll(pieces(text, 1024));
    expect(t.events.map((e) => e.event_id)).toEqual(['a', 'b']);
    expect(t.debugCount).toBe(1);
  }, 20_000);

  it('an element just over the line limit in bytes (two-byte characters) still falls back to lines', async () => {
    const limit = 4096;
    const element = `{"eventClass":"c","x":"${'é'.repeat(limit / 2)}"}`; // ~4,120 bytes, ~2,070 characters
    const t = await parseAll(pieces(`[\n${element},\n{"eventClass":"c","eventId":"z"}\n]\n`, 100), {
      maxLineBytes: limit,
    });
    expect(t.events.map((e) => e.event_id)).toEqual(['z']);
  });
});
