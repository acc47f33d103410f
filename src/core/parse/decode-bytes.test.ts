import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type DecodeProblem, decodeText, isGzip } from './decode-bytes.js';

async function decode(
  chunks: Uint8Array[],
  maxInflatedBytes = 1 << 30,
): Promise<{ text: string; problems: DecodeProblem[] }> {
  const decoding = decodeText(chunks, { maxInflatedBytes });
  let text = '';
  for (let r = await decoding.next(); ; r = await decoding.next()) {
    if (r.done === true) return { text, problems: r.value ? [r.value] : [] };
    text += r.value;
  }
}

/** Every split of the bytes into single-byte chunks, the worst case for state across chunk edges. */
const bytewise = (b: Uint8Array): Uint8Array[] => Array.from(b, (x) => Uint8Array.of(x));

describe('decodeText (contract §2.1–2.2)', () => {
  it('recognises gzip by its magic bytes, whatever else is true', async () => {
    const gz = gzipSync('{"a":1}\n');
    expect(isGzip(gz)).toBe(true);
    expect((await decode([gz])).text).toBe('{"a":1}\n');
    expect((await decode(bytewise(gz))).text).toBe('{"a":1}\n');
    expect(isGzip(Buffer.from('{"a":1}'))).toBe(false);
  });

  it('reads concatenated gzip members as one text', async () => {
    expect((await decode([Buffer.concat([gzipSync('a\n'), gzipSync('b\n')])])).text).toBe('a\nb\n');
  });

  it('drops a leading BOM only', async () => {
    expect((await decode([Buffer.from('\ufeffab\ufeff')])).text).toBe('ab\ufeff');
    expect((await decode(bytewise(Buffer.from('\ufeffab')))).text).toBe('ab');
    expect((await decode([gzipSync('\ufeffab')])).text).toBe('ab');
  });

  it('turns \\r\\n into \\n, also across chunk edges, and keeps a lone \\r', async () => {
    expect((await decode([Buffer.from('a\r\nb\r\n')])).text).toBe('a\nb\n');
    expect((await decode(bytewise(Buffer.from('a\r\nb\r\nc\r')))).text).toBe('a\nb\nc\r');
    expect((await decode([Buffer.from('a\rb')])).text).toBe('a\rb');
  });

  it('replaces invalid UTF-8 with U+FFFD and joins sequences split across chunks', async () => {
    expect((await decode([Uint8Array.of(0x61, 0xff, 0x62, 0xc3)])).text).toBe('a\ufffdb\ufffd');
    expect((await decode(bytewise(Buffer.from('é€😀')))).text).toBe('é€😀');
  });

  it('yields nothing for an empty file', async () => {
    expect(await decode([])).toEqual({ text: '', problems: [] });
    expect(await decode([new Uint8Array(0), new Uint8Array(0)])).toEqual({ text: '', problems: [] });
  });

  it('reports a truncated gzip once, after the text it could read', async () => {
    const gz = gzipSync('line one\nline two\n'.repeat(50));
    const { text, problems } = await decode([gz.subarray(0, gz.length - 10)]);
    expect(text.startsWith('line one\nline two\n')).toBe(true);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.cut).toBe(false);
    expect(problems[0]?.message).toMatch(/^gzip: unexpected end of file/);
  });

  it('stops inflating past maxInflatedBytes with one problem', async () => {
    const { text, problems } = await decode([gzipSync('x'.repeat(10_000))], 100);
    expect(text).toBe('x'.repeat(100));
    expect(problems).toEqual([{ message: expect.stringMatching(/maxInflatedBytes \(100 bytes\)/), cut: true }]);
  });

  it('throws when the source itself fails (not a content problem), gzip or not', async () => {
    async function* failing(first: Uint8Array): AsyncGenerator<Uint8Array> {
      yield first;
      throw new Error('socket hang up');
    }
    const problems: DecodeProblem[] = [];
    const drain = async (source: AsyncIterable<Uint8Array>) => {
      const decoding = decodeText(source, { maxInflatedBytes: 1 << 30 });
      for (let r = await decoding.next(); ; r = await decoding.next())
        if (r.done === true) return void (r.value && problems.push(r.value));
    };
    await expect(drain(failing(Buffer.from('abc')))).rejects.toThrow('socket hang up');
    await expect(drain(failing(gzipSync('abc')))).rejects.toThrow('socket hang up');
    expect(problems).toEqual([]);
  });
});

/** A gzip member built by hand, with optional header fields. */
function member(
  text: string,
  opts: { extra?: boolean; name?: boolean; comment?: boolean; hcrc?: boolean; badCrc?: boolean } = {},
): Buffer {
  const flags = (opts.hcrc ? 2 : 0) | (opts.extra ? 4 : 0) | (opts.name ? 8 : 0) | (opts.comment ? 16 : 0);
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 255])];
  if (opts.extra) parts.push(Buffer.from([3, 0, 0xaa, 0xbb, 0xcc]));
  if (opts.name) parts.push(Buffer.from('events.ndjson\0'));
  if (opts.comment) parts.push(Buffer.from('a comment\0'));
  if (opts.hcrc) parts.push(Buffer.from([0x12, 0x34]));
  const body = Buffer.from(text);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE((crc32(body) ^ (opts.badCrc ? 1 : 0)) >>> 0, 0);
  trailer.writeUInt32LE(body.length, 4);
  return Buffer.concat([...parts, deflateRawSync(body), trailer]);
}

describe('gzip members', () => {
  const text = '{"a":1}\n'.repeat(20_000);

  it('reads optional header fields (extra, name, comment, header CRC)', async () => {
    const gz = member('x\n', { extra: true, name: true, comment: true, hcrc: true });
    expect(await decode([gz])).toEqual({ text: 'x\n', problems: [] });
    expect(await decode(bytewise(gz))).toEqual({ text: 'x\n', problems: [] });
  });

  it('keeps all the content when bytes that are not gzip follow the last member', async () => {
    const { text: out, problems } = await decode([Buffer.concat([gzipSync(text), Buffer.from('garbage!!!')])]);
    expect(out).toBe(text);
    expect(problems).toEqual([
      { message: 'gzip: bytes after the last gzip member are not gzip data; they were ignored', cut: false },
    ]);
    expect((await decode([Buffer.concat([gzipSync('a\n'), Buffer.from('x')])])).text).toBe('a\n');
  });

  it('ignores zero padding after the last member, and reads many members', async () => {
    const gz = Buffer.concat([
      gzipSync('a\n'),
      Buffer.alloc(1000),
      member('b\n', { name: true }),
      gzipSync(''),
      gzipSync('c\n'),
      Buffer.alloc(3),
    ]);
    expect(await decode([gz])).toEqual({ text: 'a\nb\nc\n', problems: [] });
    expect(await decode(bytewise(gz))).toEqual({ text: 'a\nb\nc\n', problems: [] });
  });

  it('reports a CRC mismatch after the content', async () => {
    const { text: out, problems } = await decode([member('a\n', { badCrc: true })]);
    expect(out).toBe('a\n');
    expect(problems).toEqual([
      {
        message:
          'gzip: member 1 fails its CRC or length check (its content may be corrupt); the rest of the file was not read',
        cut: false,
      },
    ]);
  });

  it('reports a file cut in the header, the body or the trailer', async () => {
    const gz = gzipSync(text);
    for (const [end, what] of [
      [5, /^gzip: unexpected end of file in a gzip header$/],
      [gz.length >> 1, /^gzip: unexpected end of file after \d+ bytes of content; the rest of the file was not read$/],
      [
        gz.length - 3,
        /^gzip: unexpected end of file after 160000 bytes of content; the rest of the file was not read$/,
      ],
    ] as const) {
      const { problems } = await decode([gz.subarray(0, end)]);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.message).toMatch(what);
    }
  });

  it('reports corrupt deflate data once and keeps what came before', async () => {
    const gz = Buffer.from(gzipSync(text));
    gz.writeUInt8(gz.readUInt8(gz.length - 30) ^ 0xff, gz.length - 30);
    const { problems } = await decode([gz]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^gzip: .* after \d+ bytes of content|^gzip: member 1 fails/);
  });
});
