// Whole-document files (contract §2.3): pretty-printed arrays and objects, and their fallbacks.
import { describe, expect, it } from 'vitest';
import { classes, parse } from '../../../test/helpers/parse-text.js';

describe('one whole JSON document (contract §2.3)', () => {
  const events = [
    { eventClass: 'a' },
    { eventClass: 'b', eventAttributes: { nested: [1, { deep: '}]' }] } },
    5,
    { eventClass: '' },
  ];

  it('parses a pretty-printed array element by element', async () => {
    const text = JSON.stringify(events, null, 2);
    for (const chunks of [[Buffer.from(text)], Array.from(Buffer.from(text), (b) => Uint8Array.of(b))]) {
      const p = await parse(chunks);
      expect(classes(p)).toEqual(['a', 'b']);
      expect(p.events[1]?.event_attributes).toBe('{"nested":[1,{"deep":"}]"}]}');
      expect(p.debug).toEqual(['5', '{\n    "eventClass": ""\n  }']);
    }
  });

  it('parses a pretty-printed object as one candidate', async () => {
    const p = await parse(`\n\n${JSON.stringify({ eventClass: 'a', eventAttributes: { x: '{[' } }, null, 4)}\n\n`);
    expect(classes(p)).toEqual(['a']);
    expect(p.events[0]?.event_attributes).toBe('{"x":"{["}');
    expect(p.debug).toEqual([]);
  });

  it('parses a one-line array (no newline at all), and a huge one streamed past maxLineBytes', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ eventClass: `c${i}` }));
    expect(classes(await parse(JSON.stringify(many)))).toHaveLength(500);
    const q = await parse(JSON.stringify(many), { maxLineBytes: 100 });
    expect(classes(q)).toHaveLength(500);
    expect(q.debug).toEqual([]);
  });

  it('makes an element that is not valid JSON one debug row, keeping the others', async () => {
    const p = await parse('[\n  {"eventClass":"a"},\n  {"eventClass": nope},\n  {"eventClass":"b"}\n]\n');
    expect(classes(p)).toEqual(['a', 'b']);
    expect(p.debug).toEqual(['{"eventClass": nope}']);
  });

  it('skips empty elements such as a trailing comma', async () => {
    const p = await parse('[\n  {"eventClass":"a"},\n]\n');
    expect(classes(p)).toEqual(['a']);
    expect(p.debug).toEqual([]);
  });

  it('falls back to NDJSON from the first untaken character when an array is cut short', async () => {
    const p = await parse('[\n  {"eventClass":"a"},\n  {"eventClass":"b"\n');
    expect(classes(p)).toEqual(['a']);
    expect(p.debug).toEqual(['  {"eventClass":"b"']); // lines as they are
  });

  it('falls back to NDJSON for the whole text when an object document is malformed', async () => {
    const p = await parse('{"eventClass": broken,\n{"eventClass":"b"}\n');
    expect(classes(p)).toEqual(['b']);
    expect(p.debug).toEqual(['{"eventClass": broken,']);
    const q = await parse('{\n  "eventClass": "a",\n  "x": nope\n}\n');
    expect(q.events).toEqual([]);
    expect(q.debug).toEqual(['{', '  "eventClass": "a",', '  "x": nope', '}']);
  });

  it('falls back to NDJSON when an element is longer than maxLineBytes', async () => {
    const p = await parse(`[\n{"eventClass":"a"},\n{"eventClass":"${'x'.repeat(300)}"}\n]\n`, { maxLineBytes: 100 });
    expect(classes(p)).toEqual(['a']);
    expect(p.debug).toHaveLength(2);
    expect(p.debug[0]).toMatch(/^\{"eventClass":"x+… \[truncated/);
    expect(p.debug[1]).toBe(']');
  });

  it('reads what follows a complete document afresh', async () => {
    const p = await parse('[{"eventClass":"a"},\n {"eventClass":"b"}]\n{"eventClass":"c"}\nnot json\n');
    expect(classes(p)).toEqual(['a', 'b', 'c']);
    expect(p.debug).toEqual(['not json']);
    const q = await parse('{\n "eventClass": "a"\n}\n{\n "eventClass": "b"\n}\n');
    expect(classes(q)).toEqual(['a', 'b']);
  });

  it('does not take a document when the first line is valid JSON alone', async () => {
    const p = await parse('{"eventClass":"a"}\n{\n"eventClass":"b"\n}\n');
    expect(classes(p)).toEqual(['a']);
    expect(p.debug).toEqual(['{', '"eventClass":"b"', '}']);
  });
});
