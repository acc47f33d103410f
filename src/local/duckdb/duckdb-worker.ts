import { parentPort } from 'node:worker_threads';
import { perform, toWire, type Open, type Reply, type Request } from './duckdb-protocol.js';
import { DuckDbStore } from './duckdb-store.js';

/**
 * The DuckDB warehouse's worker thread: owns the DuckDB file and runs requests one at a time, in
 * the order they were sent (duckdb-protocol.ts has their shapes). It starts before it knows its
 * file (loading DuckDB takes a tenth of a second, overlapped with planning); the first message
 * names the file to open.
 */
const port = parentPort;
if (!port) throw new Error('duckdb-worker must run as a worker thread');
const reply = (message: Reply) => port.postMessage(message);

let store: DuckDbStore | undefined;
let queue: Promise<void> | undefined;

port.on('message', (message: Open | Request) => {
  if (queue === undefined) {
    const { file, names, options } = (message as Open).open;
    queue = DuckDbStore.open(file, names, options).then(
      (s) => {
        store = s;
        reply({ id: 0, result: 'open' });
      },
      (error: unknown) => reply({ id: 0, error: toWire(error) }),
    );
    return;
  }
  const request = message as Request;
  queue = queue.then(async () => {
    try {
      if (!store) throw new Error('the DuckDB file is not open');
      reply({ id: request.id, result: await perform(store, request) });
    } catch (error) {
      reply({ id: request.id, error: toWire(error) });
    }
  });
});
