import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import type { TableNames } from '../core/table-schemas.js';
import { DuckDbStore, type GroupPayload, type StoreOptions } from './duckdb-store.js';

/**
 * The DuckDB warehouse's worker thread: owns the DuckDB file and runs requests one at a time, in
 * the order they were sent. Each request is `{ id, op, args }`; each reply `{ id, result | error }`.
 */
interface Request {
  id: number;
  op:
    'ensureTables' | 'ingested' | 'appendGroup' | 'commitGroup' | 'begin' | 'append' | 'commit' | 'rollback' | 'close';
  args: unknown[];
}

const port = parentPort;
if (!port) throw new Error('duckdb-worker must run as a worker thread');
const { file, names, options } = workerData as { file: string; names: TableNames; options: StoreOptions };

let store: DuckDbStore | undefined;
let queue: Promise<void> = DuckDbStore.open(file, names, options).then(
  (s) => {
    store = s;
    port.postMessage({ id: 0, result: 'open' });
  },
  (error: unknown) => port.postMessage({ id: 0, error: errorText(error) }),
);

port.on('message', (request: Request) => {
  queue = queue.then(async () => {
    try {
      if (!store) throw new Error('the DuckDB file is not open');
      const s = store;
      const a = request.args;
      const result = await {
        ensureTables: () => s.ensureTables(),
        ingested: () => s.ingested(a[0] as string[]),
        appendGroup: () => s.appendGroup(a[0] as number, a[1] as GroupPayload),
        commitGroup: () => s.commitGroup(a[0] as number),
        begin: () => s.begin(a[0] as { filePath: string; generation: string }),
        append: () => s.append(a[0] as 'events', a[1] as unknown[][]),
        commit: () => s.commit(),
        rollback: () => s.rollback(),
        close: () => s.close(),
      }[request.op]();
      port.postMessage({ id: request.id, result });
    } catch (error) {
      // A user error keeps its hint and exit code across the thread.
      const user = error instanceof UserError ? { hint: error.hint, exitCode: error.exitCode } : {};
      port.postMessage({ id: request.id, error: errorText(error), ...user });
    }
  });
});

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
