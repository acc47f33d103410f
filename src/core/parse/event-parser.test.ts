import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classes, ctx, parse } from '../../../test/helpers/parse-text.js';
import { parseEvents } from './event-parser.js';
import { batchIdOf, logRow } from './file-context.js';

describe('NDJSON (contract §2.4)', () => {
  it('parses each non-blank line on its own; an invalid line is one debug row holding its text', async () => {
    const p = await parse('{"eventClass":"a"}\n\n   \n{"eventClass": nope}\n{"eventClass":"b"}\n');
    expect(classes(p)).toEqual(['a', 'b']);
    expect(p.debug).toEqual(['{"eventClass": nope}']);
  });

  it('keeps a line as it is in its debug row, leading spaces included (the first line too)', async () => {
    expect((await parse('\n  \n   not json \n  also not\n')).debug).toEqual(['   not json ', '  also not']);
    expect((await parse([Buffer.from('\n '), Buffer.from(' '), Buffer.from(' x\n')])).debug).toEqual(['   x']);
  });

  it('takes a last line without a newline', async () => {
    expect(classes(await parse('{"eventClass":"a"}\n{"eventClass":"b"}'))).toEqual(['a', 'b']);
  });

  it('yields the elements of a line holding an array as candidates', async () => {
    const p = await parse('{"eventClass":"a"}\n[{"eventClass":"b"},{"eventClass":"c"},7,{"x":1}]\n[]\n');
    expect(classes(p)).toEqual(['a', 'b', 'c']);
    expect(p.debug).toEqual(['7', '{"x":1}']);
  });

  it('rejects candidates that are not objects (§2.6)', async () => {
    const p = await parse('{"eventClass":"a"}\n"text"\n42\nnull\ntrue\n[[1]]\n');
    expect(classes(p)).toEqual(['a']);
    expect(p.debug).toEqual(['"text"', '42', 'null', 'true', '[1]']);
  });

  it('rejects candidates whose event class is missing, null or "" (§2.7)', async () => {
    const p = await parse(
      '{"eventClass":"a"}\n{"eventId":"1"}\n{"eventClass":null}\n{"event_class":""}\n{"eventClass":null,"event_class":"b"}\n',
    );
    expect(classes(p)).toEqual(['a', 'b']);
    expect(p.debug).toEqual(['{"eventId":"1"}', '{"eventClass":null}', '{"event_class":""}']);
  });

  it('ignores a polluted Object.prototype', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.eventClass = 'polluted';
    try {
      const p = await parse('{"eventId":"1"}\n{"__proto__":{"eventClass":"x"}}\n');
      expect(p.events).toEqual([]);
      expect(p.debug).toHaveLength(2);
    } finally {
      delete proto.eventClass;
    }
  });

  it('makes a line longer than maxLineBytes one truncated debug row, and goes on', async () => {
    const long = `{"eventClass":"${'x'.repeat(5000)}"}`;
    for (const chunks of [
      [Buffer.from(`${long}\n{"eventClass":"b"}\n`)],
      Array.from(Buffer.from(`${long}\n{"eventClass":"b"}\n`), (b) => Uint8Array.of(b)),
    ]) {
      const p = await parse(`{"eventClass":"a"}\n`);
      expect(classes(p)).toEqual(['a']);
      const q = await parse(chunks, { maxLineBytes: 1000 });
      expect(classes(q)).toEqual(['b']);
      expect(q.debug).toHaveLength(1);
      expect(q.debug[0]).toBe(`${long.slice(0, 1000)}… [truncated: the line is longer than maxLineBytes (1000 bytes)]`);
    }
  });

  it('counts maxLineBytes in UTF-8 bytes', async () => {
    const line = `{"eventClass":"${'é'.repeat(10)}"}`; // 27 characters, 37 bytes
    for (const text of [line, `${line}\n`, `{"eventClass":"a"}\n${line}\n`]) {
      expect(classes(await parse(text, { maxLineBytes: 37 }))).toContain('é'.repeat(10));
      expect((await parse(text, { maxLineBytes: 36 })).debug).toHaveLength(1);
    }
  });
});

describe('bytes (contract §2.1, 2.2, 2.5)', () => {
  const ndjson = '{"eventClass":"a"}\n{"eventClass":"b"}\n';

  it('inflates gzip by its magic bytes, whatever the object name', async () => {
    const named = async (name: string, bytes: Uint8Array): Promise<(string | null)[]> => {
      const out: (string | null)[] = [];
      for await (const b of parseEvents([bytes], { ...ctx, name })) out.push(...b.events.map((e) => e.event_class));
      return out;
    };
    expect(await named('a/events.json', gzipSync(ndjson))).toEqual(['a', 'b']);
    expect(await named('a/events', gzipSync(ndjson))).toEqual(['a', 'b']);
    expect(await named('a/events.json.gz', Buffer.from(ndjson))).toEqual(['a', 'b']);
  });

  it('drops a BOM and reads \\r\\n as \\n', async () => {
    const p = await parse('\ufeff{"eventClass":"a"}\r\n{"eventClass": x}\r\n\r\n{"eventClass":"b"}\r\n');
    expect(classes(p)).toEqual(['a', 'b']);
    expect(p.debug).toEqual(['{"eventClass": x}']);
  });

  it('reads invalid UTF-8 as U+FFFD: inside a string it is data, elsewhere the line is a debug row', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"eventClass":"a'),
      Uint8Array.of(0xff),
      Buffer.from('"}\n{'),
      Uint8Array.of(0xc3),
      Buffer.from('}\n'),
    ]);
    const p = await parse(bytes);
    expect(classes(p)).toEqual(['a\ufffd']);
    expect(p.debug).toEqual(['{\ufffd}']);
  });

  it('yields nothing for an empty or blank file', async () => {
    expect(await parse('')).toEqual({ events: [], debug: [], batches: [] });
    expect(await parse(' \n\n\t\r\n')).toEqual({ events: [], debug: [], batches: [] });
    expect(await parse(gzipSync(''))).toEqual({ events: [], debug: [], batches: [] });
  });

  it('keeps the events read before a gzip is cut off, then one debug row saying why', async () => {
    const gz = gzipSync(ndjson.repeat(2000));
    const p = await parse(gz.subarray(0, gz.length >> 1));
    expect(p.events.length).toBeGreaterThan(100);
    expect(p.debug.at(-1)).toMatch(/^gzip: unexpected end of file after \d+ bytes of content/);
  });

  it('stops past maxInflatedBytes with one debug row, dropping the line it cut', async () => {
    const p = await parse(gzipSync(ndjson.repeat(100)), { maxInflatedBytes: 50 });
    expect(classes(p)).toEqual(['a', 'b']);
    expect(p.debug).toEqual([
      'gzip: the content inflates to more than maxInflatedBytes (50 bytes); the rest of the file was not read',
    ]);
  });
});

describe('rows', () => {
  it('fills job_name, inserted_timestamp and the path fallbacks from the file context', async () => {
    const [e] = (await parse('{"eventClass":"a"}\n')).events;
    expect(e).toMatchObject({
      job_name: 'backfill-run-1',
      inserted_timestamp: ctx.insertedAt,
      analytics_environment: 'staging',
      batch_id: batchIdOf(ctx.name),
    });
  });

  it('builds each debug row with logRow(ctx, text)', async () => {
    const parsed = parseEvents([Buffer.from('nope\n')], ctx);
    const batches = [];
    for await (const b of parsed) batches.push(b);
    expect(batches).toEqual([{ events: [], debug: [logRow(ctx, 'nope')] }]);
  });

  it('cuts batches of exactly batchRows rows, events and debug rows together', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => (i % 5 === 0 ? 'bad' : `{"eventClass":"c${i}"}`)).join('\n');
    const p = await parse(lines, { batchRows: 10 });
    expect(p.batches).toEqual([10, 10, 5]);
    expect(p.events).toHaveLength(20);
    expect(p.debug).toHaveLength(5);
  });

  it('ends a batch once its rows hold 4 MiB of text: 12 events of 1 MiB come 4 to a batch, not 12 in one', async () => {
    const wide = `{"eventClass":"c","eventAttributes":"${'x'.repeat(2 ** 20)}"}`;
    const p = await parse(`${[wide, wide, 'bad', wide].join('\n')}\n`.repeat(4));
    expect(p.events).toHaveLength(12);
    expect(p.debug).toHaveLength(4);
    // Each batch ends at its fourth wide event (4 MiB), with the rejected lines read meanwhile.
    expect(p.batches).toEqual([5, 5, 6]);
  });

  it('keeps events in file order across batches', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `{"eventClass":"c","eventIndex":${i}}`).join('\n');
    const p = await parse(lines);
    expect(p.batches).toEqual([1000, 1000, 1000]);
    expect(p.events.map((e) => e.event_index)).toEqual(Array.from({ length: 3000 }, (_, i) => BigInt(i)));
  });

  it('keeps every digit of a big integer in an array-line element rejected as a debug row', async () => {
    expect((await parse('[12345678901234567890]\n')).debug).toEqual(['12345678901234567890']);
  });
});
