import { parentPort, workerData } from 'node:worker_threads';
import type { TableNames } from '../../core/schema/table-schemas.js';
import { perform, toWire, type Reply, type Request } from './duckdb-protocol.js';
import { DuckDbStore, type StoreOptions } from './duckdb-store.js';

/**
 * The DuckDB warehouse's worker thread: owns the DuckDB file and runs requests one at a time, in
 * the order they were sent (duckdb-protocol.ts has their shapes).
 */
const port = parentPort;
if (!port) throw new Error('duckdb-worker must run as a worker thread');
const { file, names, options } = workerData as { file: string; names: TableNames; options: StoreOptions };
const reply = (message: Reply) => port.postMessage(message);

let store: DuckDbStore | undefined;
let queue: Promise<void> = DuckDbStore.open(file, names, options).then(
  (s) => {
    store = s;
    reply({ id: 0, result: 'open' });
  },
  (error: unknown) => reply({ id: 0, error: toWire(error) }),
);

port.on('message', (request: Request) => {
  queue = queue.then(async () => {
    try {
      if (!store) throw new Error('the DuckDB file is not open');
      reply({ id: request.id, result: await perform(store, request) });
    } catch (error) {
      reply({ id: request.id, error: toWire(error) });
    }
  });
});
