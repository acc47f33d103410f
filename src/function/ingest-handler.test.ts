import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { queryDuckDb } from '../../test/helpers/duckdb-query.js';
import { TransientError } from '../core/errors.js';
import { buildStorageNotification } from '../core/layout/storage-notification.js';
import { createDuckDbWarehouse } from '../local/duckdb/duckdb-warehouse.js';
import { createFolderSource } from '../local/folder/folder-source.js';
import type { Source, SourceObject } from '../ports/source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { PUBSUB_PUBLISHED, STORAGE_FINALIZED } from './decode-trigger.js';
import { createIngestHandler, type IngestHandlerDeps } from './ingest-handler.js';
import { createLogger } from './structured-logger.js';

const BUCKET = 'events-bucket';
const DIR =
  'data_type=json/analytics_environment=testing/event_category=gameplay/event_ds=2026-03-01/event_time=0-8/s1/';
const GOOD = `${DIR}20260301T000000Z-000001`;

let root: string;
let db: string;
let lines: string[];
let warehouse: Warehouse;
let calls: { ensureTables: number; writeFile: number; openSource: string[] };

function put(name: string, content: string | Buffer): void {
  const file = join(root, 'bucket', ...name.split('/'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

async function objectOf(source: Source, name: string): Promise<SourceObject> {
  for await (const o of source.list(name)) if (o.name === name) return o;
  throw new Error(`no ${name}`);
}

function pubsubEvent(data: Buffer, attributes: Record<string, string> = {}, id = 'm-1') {
  return {
    id,
    type: PUBSUB_PUBLISHED,
    data: { message: { data: data.toString('base64'), attributes, messageId: id } },
  };
}

async function notification(name: string, bucket = BUCKET) {
  const source = await createFolderSource(join(root, 'bucket'));
  const n = buildStorageNotification(await objectOf(source, name), { bucket });
  return pubsubEvent(n.data, n.attributes);
}

async function makeHandler(overrides: Partial<IngestHandlerDeps> = {}) {
  const inner = await createDuckDbWarehouse(db);
  warehouse = {
    url: inner.url,
    ensureTables: () => (calls.ensureTables++, inner.ensureTables()),
    ingested: (f) => inner.ingested(f),
    openWriter: (limits) => {
      const w = inner.openWriter(limits);
      return { write: (f, b) => (calls.writeFile++, w.write(f, b)), close: () => w.close() };
    },
    close: () => inner.close(),
  };
  return createIngestHandler({
    openSource: (bucket) => (calls.openSource.push(bucket), createFolderSource(join(root, 'bucket'))),
    warehouse,
    config: { allowedBuckets: [BUCKET], allowedPrefixes: ['data_type=json/'], jobName: 'ingest-test' },
    log: createLogger({ write: (l) => lines.push(l) }),
    ...overrides,
  });
}

async function rows(sql: string) {
  await warehouse.close();
  return queryDuckDb(db, sql);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fn-handler-'));
  db = join(root, 'w.duckdb');
  lines = [];
  calls = { ensureTables: 0, writeFile: 0, openSource: [] };
  put(GOOD, '{"eventClass":"a","eventId":"1"}\nnot json\n{"event_class":"b","event_id":"2"}\n{"eventId":"no class"}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('ingest handler', () => {
  it('ingests a notified file: events, a logs row and debug rows; tables ensured once per instance', async () => {
    const handle = await makeHandler();
    expect(await handle(await notification(GOOD))).toMatchObject({ status: 'ingested', events: 2, debug: 2 });
    put(`${DIR}20260301T000000Z-000002`, gzipSync('{"eventClass":"c","eventId":"3"}\n'));
    expect(await handle(await notification(`${DIR}20260301T000000Z-000002`))).toMatchObject({
      status: 'ingested',
      events: 1,
      debug: 0,
    });
    expect(calls.ensureTables).toBe(1);
    expect(calls.openSource).toEqual([BUCKET]);
    expect(await rows('SELECT event_id, job_name FROM events.events_function ORDER BY 1')).toEqual([
      ['1', 'ingest-test'],
      ['2', 'ingest-test'],
      ['3', 'ingest-test'],
    ]);
    const logs = await queryDuckDb(
      db,
      "SELECT event FROM logs.events_logs_function WHERE file_path LIKE '%000001' ORDER BY processed_timestamp, event",
    );
    expect(logs.map((r) => r[0])).toEqual(['ingested: 2 events, 2 debug rows', 'parse_initiated']);
    expect(await queryDuckDb(db, 'SELECT count(*) FROM logs.events_debug_function')).toEqual([[2n]]);
    const entry = JSON.parse(lines.find((l) => l.includes('"file ingested"'))!);
    expect(entry).toMatchObject({
      severity: 'INFO',
      events: 2,
      debug_rows: 2,
      trigger: 'storage-notification',
      message_id: 'm-1',
    });
  });

  it('adds no rows for a redelivered message, a concurrent duplicate, or the bare payload of a landed file', async () => {
    const handle = await makeHandler();
    const event = await notification(GOOD);
    const [a, b] = await Promise.all([handle(event), handle(event)]);
    expect([a.status, b.status]).toEqual(['ingested', 'ingested']); // the duplicate waited for the same work
    expect(calls.writeFile).toBe(1);
    expect(await handle(event)).toMatchObject({ status: 'already-ingested' });
    const bare = pubsubEvent(Buffer.from(JSON.stringify({ name: GOOD, bucket: BUCKET })));
    expect(await handle(bare)).toMatchObject({ status: 'already-ingested' });
    const storageEvent = {
      id: 'e',
      type: STORAGE_FINALIZED,
      data: {
        bucket: BUCKET,
        name: GOOD,
        generation: (event.data.message.attributes as Record<string, string>).objectGeneration,
      },
    };
    expect(await handle(storageEvent)).toMatchObject({ status: 'already-ingested' });
    expect(await rows('SELECT count(*) FROM events.events_function')).toEqual([[2n]]);
    expect(
      await queryDuckDb(db, "SELECT count(*) FROM logs.events_logs_function WHERE event LIKE 'ingested%'"),
    ).toEqual([[1n]]);
  });

  it('never says "ingesting" for a redelivery that ends already ingested: reading, then the outcome', async () => {
    const handle = await makeHandler();
    const event = await notification(GOOD);
    await handle(event);
    const messages = () => lines.map((l) => (JSON.parse(l) as { message: string }).message);
    expect(messages()).toEqual(['reading file', 'file ingested']);
    lines.length = 0;
    // Another instance (nothing remembered) reads it, and the ledger says it landed.
    await warehouse.close();
    const other = await makeHandler();
    expect(await other(event)).toMatchObject({ status: 'already-ingested' });
    expect(messages()).toEqual(['reading file', 'file already ingested; nothing written']);
  });

  it('acknowledges a redelivery to the instance that handled the file without reading it', async () => {
    let reads = 0;
    const counting = (source: Source): Source => ({
      ...source,
      list: (p, signal) => source.list(p, signal),
      discover: (p, signal) => source.discover(p, signal),
      read: (name, generation) => (reads++, source.read(name, generation)),
      filePath: (name) => source.filePath(name),
    });
    const handle = await makeHandler({
      openSource: async () => counting(await createFolderSource(join(root, 'bucket'))),
    });
    const event = await notification(GOOD);
    expect(await handle(event)).toMatchObject({ status: 'ingested' });
    expect(reads).toBe(1);
    expect(await handle(event)).toMatchObject({ status: 'already-ingested' });
    expect(await handle(event)).toMatchObject({ status: 'already-ingested' });
    expect(reads).toBe(1);
    expect(calls.writeFile).toBe(1);
  });

  it('refuses a notification whose generation is not one the bucket gives (nothing read or written)', async () => {
    const n = await notification(GOOD);
    const message = n.data.message;
    const attributes = { ...(message as { attributes?: Record<string, string> }).attributes, objectGeneration: 'abc' };
    const body = JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')) as Record<string, unknown>;
    const bad = pubsubEvent(Buffer.from(JSON.stringify({ ...body, generation: 'abc' })), attributes);
    const handle = await makeHandler();
    expect(await handle(bad)).toMatchObject({ status: 'refused', reason: expect.stringMatching(/generation "abc"/) });
    expect(calls.writeFile).toBe(0);
    expect(lines.some((l) => l.includes('"severity":"ERROR"') && l.includes('generation \\"abc\\"'))).toBe(true);
  });

  it('logs one failure once as ERROR when two deliveries of the file wait on it', async () => {
    const handle = await makeHandler({
      ingest: async () => {
        await new Promise((r) => setTimeout(r, 50));
        throw new TransientError('BigQuery: 503 backend error');
      },
    });
    const event = await notification(GOOD);
    const results = await Promise.allSettled([handle(event), handle(event)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']); // both retried by Pub/Sub
    const entries = lines.map((l) => JSON.parse(l) as { severity: string; outcome?: string });
    expect(entries.filter((e) => e.severity === 'ERROR')).toHaveLength(1);
    expect(entries.filter((e) => e.outcome === 'retry').map((e) => e.severity)).toEqual(['ERROR', 'WARNING']);
  });

  it('ingests the bare {name, bucket} payload at the live generation', async () => {
    const handle = await makeHandler();
    const bare = pubsubEvent(Buffer.from(JSON.stringify({ name: GOOD, bucket: BUCKET })));
    expect(await handle(bare)).toMatchObject({ status: 'ingested', events: 2 });
    expect(await handle(await notification(GOOD))).toMatchObject({ status: 'already-ingested' });
    const gen = await rows('SELECT DISTINCT file_generation FROM logs.events_logs_function');
    expect(gen).toHaveLength(1);
    expect(String(gen[0]![0])).toMatch(/^\d+:\d+$/); // a folder's generation: time and size
  });

  it('refuses, logs and acknowledges files it must never retry', async () => {
    const handle = await makeHandler();
    put(
      `data_type=unknown/analytics_environment=testing/event_category=c/event_ds=2026-03-01/event_time=0-8/s/f`,
      '{}',
    );
    put('data_type=json/readme.txt', 'hello');
    expect(await handle(await notification(GOOD, 'someone-elses-bucket'))).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/not an allowed bucket/),
    });
    expect(
      await handle(
        await notification(
          'data_type=unknown/analytics_environment=testing/event_category=c/event_ds=2026-03-01/event_time=0-8/s/f',
        ),
      ),
    ).toMatchObject({ status: 'refused', reason: expect.stringMatching(/allowed prefixes/) });
    expect(await handle(await notification('data_type=json/readme.txt'))).toMatchObject({
      status: 'refused',
      reason: expect.stringMatching(/not an event file/),
    });
    const gone = await notification(GOOD);
    rmSync(join(root, 'bucket', ...GOOD.split('/')));
    expect(await handle(gone)).toMatchObject({ status: 'refused', reason: expect.stringMatching(/no longer exists/) });
    expect(await handle(pubsubEvent(Buffer.from(JSON.stringify({ name: GOOD, bucket: BUCKET }))))).toMatchObject({
      status: 'refused',
      reason: 'object not found',
    });
    expect(calls.openSource).toEqual([BUCKET]); // never opened the foreign bucket
    const logs = await rows('SELECT file_path, event FROM logs.events_logs_function ORDER BY event');
    expect(logs).toHaveLength(5);
    expect(logs.every(([, e]) => String(e).startsWith('refused: '))).toBe(true);
    expect(logs.some(([p]) => p === `gs://someone-elses-bucket/${GOOD}`)).toBe(true);
    expect(await queryDuckDb(db, 'SELECT count(*) FROM events.events_function')).toEqual([[0n]]);
    expect(lines.filter((l) => JSON.parse(l).severity === 'WARNING')).toHaveLength(5);
  });

  it("keeps a refusal from using up the file's once-only write: allowed later, the file still lands", async () => {
    // Like BigQuery's deterministic job ids: a warehouse that writes each ledger key at most once.
    const keys = new Set<string>();
    const onceByKey = (inner: Warehouse): Warehouse => ({
      ...inner,
      ensureTables: () => inner.ensureTables(),
      ingested: (f) => inner.ingested(f),
      openWriter: (limits) => {
        const w = inner.openWriter(limits);
        return {
          write: (f, b) => {
            const k = `${f.filePath}#${f.generation}`;
            if (keys.has(k)) return Promise.resolve('already-ingested');
            keys.add(k);
            return w.write(f, b);
          },
          close: () => w.close(),
        };
      },
      close: () => inner.close(),
    });
    const event = await notification(GOOD);
    await makeHandler(); // opens the DuckDB warehouse
    const shared = onceByKey(warehouse);
    const refusing = createIngestHandler({
      openSource: () => createFolderSource(join(root, 'bucket')),
      warehouse: shared,
      config: { allowedBuckets: [BUCKET], allowedPrefixes: ['data_type=unknown/'], jobName: 'j' },
      log: createLogger({ write: () => undefined }),
    });
    expect(await refusing(event)).toMatchObject({ status: 'refused' });
    expect(await refusing(event)).toMatchObject({ status: 'refused' });
    const allowing = createIngestHandler({
      openSource: () => createFolderSource(join(root, 'bucket')),
      warehouse: shared,
      config: { allowedBuckets: [BUCKET], allowedPrefixes: ['data_type=json/'], jobName: 'j' },
      log: createLogger({ write: () => undefined }),
    });
    expect(await allowing(event)).toMatchObject({ status: 'ingested', events: 2 });
    expect(await rows("SELECT count(*) FROM logs.events_logs_function WHERE event LIKE 'refused%'")).toEqual([[1n]]);
    expect(await queryDuckDb(db, 'SELECT count(*) FROM events.events_function')).toEqual([[2n]]);
  });

  it('throws on a transient failure, writing nothing, so the retry lands the file once', async () => {
    let fail = 1;
    const handle = await makeHandler({
      ingest: async (opts) => {
        const { ingestFile } = await import('../engine/ingest-file.js');
        if (fail-- > 0) {
          // Fail half-way through the file, as BigQuery being unavailable would.
          const flaky: Warehouse = {
            ...opts.warehouse,
            openWriter: (limits) => {
              const w = opts.warehouse.openWriter(limits);
              return {
                write: (key, batches) =>
                  w.write(
                    key,
                    (async function* () {
                      let n = 0;
                      for await (const b of batches) {
                        if (n++ === 1) throw new TransientError('BigQuery: 503 backend error');
                        yield b;
                      }
                    })(),
                  ),
                close: () => w.close(),
              };
            },
          };
          return ingestFile({ ...opts, warehouse: flaky });
        }
        return ingestFile(opts);
      },
    });
    const event = await notification(GOOD);
    (event.data.message.attributes as Record<string, string>).backfillRunId = '20261207-010203-ab12';
    await expect(handle(event)).rejects.toThrow(/503/);
    // What `--follow`'s Cloud Logging query for a run's dead-lettered files finds: the run, the file, the error.
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({
      severity: 'ERROR',
      outcome: 'retry',
      transient: true,
      backfill_run_id: '20261207-010203-ab12',
      file: expect.stringMatching(/^gs:\/\//),
      error: expect.stringContaining('503 backend error'),
    });
    expect(await handle(event)).toMatchObject({ status: 'ingested' });
    expect(await handle(event)).toMatchObject({ status: 'already-ingested' });
    expect(await rows('SELECT count(*) FROM events.events_function')).toEqual([[2n]]);
  });

  it('retries ensureTables after it failed', async () => {
    let failures = 1;
    const handle = await makeHandler();
    const real = warehouse.ensureTables;
    warehouse.ensureTables = () => (failures-- > 0 ? Promise.reject(new TransientError('rate limited')) : real());
    const event = await notification(GOOD);
    await expect(handle(event)).rejects.toThrow(/rate limited/);
    expect(await handle(event)).toMatchObject({ status: 'ingested' });
  });

  it('acknowledges events it cannot read, logging them as errors', async () => {
    const handle = await makeHandler();
    expect(await handle(pubsubEvent(Buffer.from('not json at all')))).toMatchObject({ status: 'ignored' });
    expect(
      await handle({ type: 'google.cloud.storage.object.v1.deleted', data: { bucket: BUCKET, name: GOOD } }),
    ).toMatchObject({ status: 'ignored' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ severity: 'ERROR', outcome: 'unrecognised' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ severity: 'INFO', outcome: 'ignored' });
    expect(calls.writeFile).toBe(0);
  });
});
