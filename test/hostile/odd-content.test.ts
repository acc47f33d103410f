/**
 * Issue #6, hostile input: NUL bytes, every Unicode plane, and an event too big for one BigQuery
 * row, through the parser and then through a real write (folder source → DuckDB) to show that
 * what the parser lets through lands as it was.
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENT_BYTES } from '../../src/core/parse/event-parser.js';
import { ingestFile } from '../../src/engine/ingest-file.js';
import { createDuckDbWarehouse } from '../../src/local/duckdb/duckdb-warehouse.js';
import { createFolderSource } from '../../src/local/folder/folder-source.js';
import { generationOf } from '../../src/local/folder/folder-read.js';
import { queryDuckDb } from '../helpers/duckdb-query.js';
import { CTX, MiB, parseAll } from './parse-stream.js';

/** Writes one file into a fresh folder bucket, ingests it into a fresh DuckDB file. */
async function ingestOne(content: string | Buffer) {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  const path = join(dir, 'bucket', ...CTX.name.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  const db = join(dir, 'w.duckdb');
  const source = await createFolderSource(join(dir, 'bucket'));
  const warehouse = await createDuckDbWarehouse(db);
  await warehouse.ensureTables();
  const generation = generationOf(statSync(path, { bigint: true })); // the version a listing gives
  const result = await ingestFile({ source, warehouse, name: CTX.name, generation, jobName: 'hostile' });
  await warehouse.close();
  return { result, db };
}

const planes = Array.from({ length: 17 }, (_, p) => String.fromCodePoint(p * 0x10000 + (p === 0 ? 0xe9 : 0x100 + p)));

describe('NUL bytes', () => {
  const content = [
    '{"eventClass":"a\\u0000b","eventId":"escaped-nul"}', // a NUL escaped in JSON: valid, kept
    '{"eventClass":"a\u0000b","eventId":"raw-nul"}', // a raw NUL inside a string: not JSON
    '\u0000\u0000', // a line of NULs
    '{"eventClass":"ok","eventId":"after"}',
  ].join('\n');

  it('an escaped NUL is kept in the event; raw NULs make their line a debug row holding it', async () => {
    const t = await parseAll([Buffer.from(content)]);
    expect(t.events.map((e) => [e.event_id, e.event_class])).toEqual([
      ['escaped-nul', 'a\u0000b'],
      ['after', 'ok'],
    ]);
    expect(t.debug).toEqual(['{"eventClass":"a\u0000b","eventId":"raw-nul"}', '\u0000\u0000']);
  });

  it('lands in DuckDB as parsed: 2 events, 2 debug rows, NULs included', async () => {
    const { result, db } = await ingestOne(content);
    expect(result).toEqual({ outcome: 'written', events: 2, debug: 2 });
    expect(await queryDuckDb(db, 'SELECT event_id, event_class FROM events.events_function ORDER BY event_id')).toEqual(
      [
        ['after', 'ok'],
        ['escaped-nul', 'a\u0000b'],
      ],
    );
    expect(await queryDuckDb(db, 'SELECT event FROM logs.events_debug_function ORDER BY length(event)')).toEqual([
      ['\u0000\u0000'],
      ['{"eventClass":"a\u0000b","eventId":"raw-nul"}'],
    ]);
  });
});

describe('every Unicode plane', () => {
  const raw = `{"eventClass":"${planes.join('')}","eventId":"planes","eventAttributes":{"text":"${planes.join('')}"}}`;
  const escaped = `{"eventClass":"x","eventId":"escaped","eventAttributes":"\\u00e9\\ud83d\\ude00\\uffff\\u{0}"}`;

  it('one character from each of the 17 planes, raw in UTF-8, is kept exactly; a bad escape is a debug row', async () => {
    const t = await parseAll([Buffer.from(`${raw}\n${escaped}\n`)]);
    expect(t.events.map((e) => [e.event_id, e.event_class, e.event_attributes])).toEqual([
      ['planes', planes.join(''), `{"text":"${planes.join('')}"}`],
    ]);
    expect(t.debug).toEqual([escaped]);
    expect(planes.join('')).toHaveLength(33); // plane 0 is one UTF-16 unit, the other 16 two each
  });

  it('a lone surrogate escape (\\ud800) is not refused: DuckDB stores U+FFFD in a column, attributes keep the escape', async () => {
    const { result, db } = await ingestOne('{"eventClass":"x\\ud800y","eventAttributes":{"k":"\\udfff"}}\n');
    expect(result).toEqual({ outcome: 'written', events: 1, debug: 0 });
    expect(await queryDuckDb(db, 'SELECT event_class, event_attributes FROM events.events_function')).toEqual([
      ['x\ufffdy', '{"k":"\\udfff"}'],
    ]);
  });

  it('lands in DuckDB unchanged', async () => {
    const { result, db } = await ingestOne(`${raw}\n`);
    expect(result).toEqual({ outcome: 'written', events: 1, debug: 0 });
    expect(await queryDuckDb(db, 'SELECT event_class, event_attributes FROM events.events_function')).toEqual([
      [planes.join(''), `{"text":"${planes.join('')}"}`],
    ]);
  });
});

describe('an event larger than one BigQuery row may be (maxEventBytes)', () => {
  const big = `{"eventClass":"big","eventId":"big","eventAttributes":"${'y'.repeat(5 * MiB)}"}`;
  const file = `{"eventClass":"ok","eventId":"a"}\n${big}\n{"eventClass":"ok","eventId":"b"}\n`;
  const reason = (size: number) =>
    `… [truncated: the event is ${size} bytes as a row, more than maxEventBytes (${DEFAULT_MAX_EVENT_BYTES} bytes)]`;

  it('a 5 MiB event becomes one debug row with its start and the reason; the events around it land', async () => {
    const t = await parseAll([Buffer.from(file)]);
    expect(t.events.map((e) => e.event_id)).toEqual(['a', 'b']);
    expect(t.debug).toHaveLength(1);
    const size = Number(/is (\d+) bytes as a row/.exec(t.debug[0] ?? '')?.[1]);
    expect(size).toBeGreaterThan(5 * MiB);
    expect(t.debug).toEqual([`${big.slice(0, 1024)}${reason(size)}`]);
  });

  it('a 5 MiB line that is not JSON keeps only its start in its debug row', async () => {
    const line = `not json ${'z'.repeat(5 * MiB)}`;
    const t = await parseAll([Buffer.from(`${line}\n{"eventClass":"ok"}\n`)]);
    expect(t.eventCount).toBe(1);
    expect(t.debug).toHaveLength(1);
    expect(t.debug[0]).toMatch(
      new RegExp(
        `^not json z{1015}… \\[truncated: the rejected text is \\d+ bytes as a row, more than maxEventBytes \\(${DEFAULT_MAX_EVENT_BYTES} bytes\\)\\]$`,
      ),
    );
  });

  it('an event just under the limit lands whole; maxEventBytes can be lowered', async () => {
    const under = `{"eventClass":"u","eventAttributes":"${'w'.repeat(DEFAULT_MAX_EVENT_BYTES - 2048)}"}`;
    expect((await parseAll([Buffer.from(under)])).events[0]?.event_attributes).toHaveLength(
      DEFAULT_MAX_EVENT_BYTES - 2048,
    );
    const small = await parseAll([Buffer.from('{"eventClass":"s","eventAttributes":"' + 'v'.repeat(600) + '"}\n')], {
      maxEventBytes: 500,
    });
    expect(small.eventCount).toBe(0);
    expect(small.debug[0]).toMatch(/truncated: the event is \d+ bytes as a row, more than maxEventBytes \(500 bytes\)/);
  });

  it('lands in DuckDB: 2 events, 1 debug row, and the ledger row says so', async () => {
    const { result, db } = await ingestOne(file);
    expect(result).toEqual({ outcome: 'written', events: 2, debug: 1 });
    expect(await queryDuckDb(db, 'SELECT event FROM logs.events_logs_function ORDER BY event')).toEqual([
      ['ingested: 2 events, 1 debug rows'],
      ['parse_initiated'],
    ]);
  });
});
