/**
 * Issue 23 (7): one real bound on the ledger queries in flight, whoever asks. Twenty partitions'
 * lookups asked at once (as the plan's listers and `status` do) pass through a proxy that counts
 * the queries the emulator holds at the same time.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAMES, type TableNames } from '../../src/core/schema/table-schemas.js';
import { emulatorBigQuery } from '../../src/gcp/gcp-clients.js';
import { gcpCloudFactories } from '../../src/gcp/gcp-factories.js';
import type { FileKey } from '../../src/ports/warehouse.js';
import { emulatorsAvailable, startBigQuery, type RunningEmulator } from '../helpers/emulators.js';
import { stagedWarehouse } from '../helpers/staged-warehouse.js';

/** A pass-through to `target` that records the most query requests it held at once. */
function countingProxy(target: URL): Promise<{ url: string; peak(): number; reset(): void; close(): Promise<void> }> {
  let inFlight = 0;
  let peak = 0;
  const server: Server = createServer((req, res) => {
    const isQuery = req.method === 'POST' && /\/queries\b/.test(req.url ?? '');
    if (isQuery) peak = Math.max(peak, ++inFlight);
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => {
          if (isQuery) inFlight--;
        });
      },
    );
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        peak: () => peak,
        reset: () => void (peak = 0),
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

const tables: TableNames = { ...DEFAULT_TABLE_NAMES, eventsDataset: 'events_bound', logsDataset: 'logs_bound' };

/** Twenty partitions' worth of file keys, 50 each. */
const partitions: FileKey[][] = Array.from({ length: 20 }, (_, p) =>
  Array.from({ length: 50 }, (_, i) => ({
    filePath: `gs://b/data_type=json/analytics_environment=e/event_category=c/event_ds=2024-03-${String(p + 1).padStart(2, '0')}/event_time=0-8/s/f-${i}`,
    generation: '1',
  })),
);

describe.skipIf(!emulatorsAvailable('BigQuery query bound', ['bigquery']))('ledger queries in flight', () => {
  let emu: RunningEmulator;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;

  beforeAll(async () => {
    emu = await startBigQuery();
    proxy = await countingProxy(new URL(emu.endpoint));
    await stagedWarehouse(emulatorBigQuery(emu.endpoint, emu.project), emu, tables).ensureTables();
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await emu?.stop();
  });

  it('never exceeds the warehouse bound, however many callers ask at once', async () => {
    const warehouse = stagedWarehouse(emulatorBigQuery(proxy.url, emu.project), emu, tables, {
      maxConcurrentQueries: 3,
    });
    proxy.reset();
    const answers = await Promise.all(partitions.map((keys) => warehouse.ingested(keys)));
    expect(answers.every((landed) => landed.size === 0)).toBe(true);
    expect(proxy.peak()).toBeGreaterThan(1);
    expect(proxy.peak()).toBeLessThanOrEqual(3);
  }, 120_000);

  it('asks the emulator one query at a time, as the CLI builds the warehouse', async () => {
    const factories = gcpCloudFactories(
      {
        BIGQUERY_EMULATOR_ENDPOINT: proxy.url,
        BIGQUERY_EMULATOR_PROJECT: emu.project,
        BIGQUERY_EMULATOR_GRPC: emu.grpc,
      },
      tables,
    );
    const warehouse = await factories.bigQueryWarehouse(undefined, { readOnly: true });
    proxy.reset();
    await Promise.all(partitions.map((keys) => warehouse.staged!(keys)));
    await Promise.all(partitions.map((keys) => warehouse.ingested(keys)));
    expect(proxy.peak()).toBe(1);
    await warehouse.close();
  }, 120_000);
});
