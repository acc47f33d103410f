import { gzipSync } from 'node:zlib';
import type { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionPrefix } from '../../src/core/layout/partition-layout.js';
import { emulatorStorage } from '../../src/gcp/gcp-clients.js';
import { createGcsSource } from '../../src/gcp/gcs-source.js';
import { emulatorsAvailable, startGcs, type RunningEmulator } from '../helpers/emulators.js';

const BUCKET = 'analytics-events';
const ENVS = ['staging', 'testing'];
const CATEGORIES = ['economy', 'gameplay', 'session'];
const DAYS = ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04', '2024-03-05'];
const TIMES = ['0-8', '8-16', '16-24'];
const PER_PARTITION = 30; // 2 × 3 × 5 × 3 = 90 partitions × 30 = 2,700 objects

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

describe.skipIf(!emulatorsAvailable('GCS source', ['gcs']))('GCS source against fake-gcs-server', () => {
  let gcs: RunningEmulator;
  let storage: Storage;
  const names: string[] = [];

  beforeAll(async () => {
    gcs = await startGcs();
    storage = emulatorStorage(gcs.endpoint);
    await storage.createBucket(BUCKET, { versioning: { enabled: true } }); // old generations stay readable
    for (const environment of ENVS)
      for (const category of CATEGORIES)
        for (const ds of DAYS)
          for (const time of TIMES)
            for (let i = 0; i < PER_PARTITION; i++) {
              const p = partitionPrefix({ dataType: 'json', environment, category, ds, time });
              names.push(`${p}session-${i % 4}/20240301T000000Z-${String(i).padStart(6, '0')}`);
            }
    names.push(
      'data_type=unknown/analytics_environment=staging/event_category=economy/event_ds=2024-03-01/event_time=0-8/s/x',
    );
    names.push('README.txt');
    const bucket = storage.bucket(BUCKET);
    await mapLimit(names, 64, async (name) => {
      await bucket.file(name).save(`{"eventClass":"c","name":"${name}"}\n`, { resumable: false, validation: false });
    });
  }, 180_000);

  afterAll(async () => {
    await gcs?.stop();
  });

  it('lists every object below a prefix across many pages', async () => {
    const source = createGcsSource({ storage, bucket: `gs://${BUCKET}`, pageSize: 100 });
    const listed = [];
    for await (const o of source.list('data_type=json/')) listed.push(o);
    const expected = names.filter((n) => n.startsWith('data_type=json/'));
    expect(listed.length).toBe(expected.length);
    expect(expected.length).toBeGreaterThanOrEqual(2500);
    expect(new Set(listed.map((o) => o.name))).toEqual(new Set(expected));
    for (const o of listed.slice(0, 5)) {
      // What a notification carries beyond the basics, from the same listing.
      expect((o as { details?: Record<string, string> }).details).toMatchObject({
        crc32c: expect.any(String),
        md5Hash: expect.any(String),
      });
      expect(o.size).toBeGreaterThan(0);
      expect(o.generation).toMatch(/^\d+$/);
      expect(Number.isNaN(Date.parse(o.updated))).toBe(false);
    }
  });

  it('lists with the default page size of 1000 and narrows to one partition', async () => {
    const source = createGcsSource({ storage, bucket: BUCKET });
    let count = 0;
    for await (const _ of source.list('data_type=json/')) count++;
    expect(count).toBe(ENVS.length * CATEGORIES.length * DAYS.length * TIMES.length * PER_PARTITION);
    const one = partitionPrefix({
      dataType: 'json',
      environment: 'testing',
      category: 'session',
      ds: '2024-03-05',
      time: '16-24',
    });
    const inOne = [];
    for await (const o of source.list(one)) inOne.push(o.name);
    expect(inOne).toHaveLength(PER_PARTITION);
    expect(inOne.every((n) => n.startsWith(one))).toBe(true);
  });

  it('discovers the values of each layout level', async () => {
    const source = createGcsSource({ storage, bucket: BUCKET, pageSize: 2 });
    const values = async (prefix: string) => {
      const found = await source.discover(prefix);
      expect(found.problems).toEqual([]);
      return found.values;
    };
    expect(await values('')).toEqual(['json', 'unknown']);
    expect(await values('data_type=json/')).toEqual(ENVS);
    expect(await values('data_type=json/analytics_environment=staging/')).toEqual(CATEGORIES);
    expect(await values('data_type=json/analytics_environment=staging/event_category=economy/')).toEqual(DAYS);
    expect(await values('data_type=json/analytics_environment=nope/')).toEqual([]);
  });

  it('reads the stored bytes of a pinned generation, never decompressed', async () => {
    const source = createGcsSource({ storage, bucket: BUCKET });
    const name = 'data_type=json/analytics_environment=live/event_category=x/event_ds=2024-01-01/event_time=0-8/s/gz';
    const first = gzipSync(Buffer.from('{"eventClass":"one"}\n'));
    await storage
      .bucket(BUCKET)
      .file(name)
      .save(first, { resumable: false, metadata: { contentEncoding: 'gzip', contentType: 'application/json' } });
    const listed = [];
    for await (const o of source.list(name)) listed.push(o);
    expect(listed).toHaveLength(1);
    const gen = listed[0]!.generation;
    await storage.bucket(BUCKET).file(name).save('{"eventClass":"two"}\n', { resumable: false });
    const chunks: Uint8Array[] = [];
    for await (const c of source.read(name, gen)) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    expect(bytes[0]).toBe(0x1f);
    expect(bytes[1]).toBe(0x8b);
    expect(bytes.equals(first)).toBe(true);
    // A generation that is gone is a permanent failure for that file, not a crash.
    await expect(async () => {
      for await (const _ of source.read(name, '12345')) void _;
    }).rejects.toThrow(/no longer exists/);
    expect(source.filePath(name)).toBe(`gs://${BUCKET}/${name}`);
    expect(source.url).toBe(`gs://${BUCKET}`);
  });
});
