import { adapt, managedwriter } from '@google-cloud/bigquery-storage';
import { STAGING_COLUMNS, STAGING_TABLE, type TableNames } from '../../core/schema/table-schemas.js';
import { TransientError } from '../../core/errors.js';
import { retry } from '../../core/retry.js';
import { field } from './bigquery-ddl.js';
import { errorText } from './bigquery-errors.js';
import type { StagingAppender } from './bigquery-staging.js';

type WriterClient = InstanceType<typeof managedwriter.WriterClient>;
type Connection = Awaited<ReturnType<WriterClient['createStreamConnection']>>;

/** Attempts at one request before the file fails (each on a fresh connection, after a growing pause: 0.2 s to 6.4 s, ~13 s in all). */
const ATTEMPTS = 7;
/**
 * How long one request may wait for its acknowledgement: WRITE_API_ACK_MS, else 30 s. The client
 * reconnects a broken stream by itself and may wait for ever on a server that is gone; past this
 * the request is abandoned, the connection dropped and the request sent again on a new one.
 */
export function defaultAckTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.WRITE_API_ACK_MS);
  return Number.isFinite(v) && v >= 100 ? v : 30_000;
}

/** `promise`, or a rejection after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The staging appender over the Storage Write API's default stream, through the client's managed
 * `Writer`, each request's rows serialized into one buffer (`staged-row-encoder.ts`; not the
 * client's `JSONWriter`, which copies and encodes each row on its own: that cost the function its
 * memory bound, docs/function.md#memory). Why the default stream: it exists for every table (no
 * CreateWriteStream, whose quota is 10,000 per hour), commits each request as it is acknowledged,
 * and is at-least-once, which the promoter makes exactly-once (one attempt per file version,
 * re-sent rows dropped by row number).
 *
 * One connection is kept and reused (short-lived connections inflate the connection quota); a
 * connection that errors is dropped and the next request opens another. A request that fails is
 * sent again on a new connection: it may have landed already, and the row numbers make that
 * harmless.
 */
export function createWriteApiAppender(opts: {
  client: WriterClient;
  project: string;
  names: TableNames;
  ackTimeoutMs?: number;
}): StagingAppender {
  const ackTimeout = opts.ackTimeoutMs ?? defaultAckTimeoutMs();
  const streamId = `projects/${opts.project}/datasets/${opts.names.logsDataset}/tables/${STAGING_TABLE}/streams/_default`;
  const descriptor = adapt.convertStorageSchemaToProto2Descriptor(
    adapt.convertBigQuerySchemaToStorageTableSchema({ fields: STAGING_COLUMNS.map(field) }),
    'staged_row',
  );
  let opening: Promise<{ connection: Connection; writer: InstanceType<typeof managedwriter.Writer> }> | undefined;

  const open = () =>
    (opening ??= (async () => {
      // The emulator creates `_default` only when asked for it; BigQuery answers with the stream.
      await opts.client.getWriteStream({ streamId });
      const connection = await opts.client.createStreamConnection({ streamId });
      // An idle stream's error would otherwise crash the process (nodejs-bigquery-storage#592).
      connection.onConnectionError(() => drop());
      return { connection, writer: new managedwriter.Writer({ connection, protoDescriptor: descriptor }) };
    })().catch((err: unknown) => {
      opening = undefined;
      throw err;
    }));

  const drop = () => {
    const was = opening;
    opening = undefined;
    void was?.then(({ writer }) => writer.close()).catch(() => undefined);
  };

  return {
    async append({ rows }) {
      if (rows.length === 0) return;
      const once = async () => {
        const { writer } = await within(open(), ackTimeout, 'opening a Write API stream');
        const result = await within(writer.appendRows({ serializedRows: rows }).getResult(), ackTimeout, 'an append');
        const rowErrors = result.rowErrors ?? [];
        if (rowErrors.length > 0) throw new Error(`${rowErrors.length} rows refused: ${rowErrors[0]?.message ?? ''}`);
        if (result.error) throw new Error(result.error.message ?? 'append failed');
      };
      try {
        await retry(once, { attempts: ATTEMPTS, firstDelayMs: 200, again: () => true, waiting: drop });
      } catch (last) {
        drop();
        throw new TransientError(
          `BigQuery Storage Write API: could not append ${rows.length} rows to ${STAGING_TABLE}: ${errorText(last)}`,
        );
      }
    },
    /** Closes the connection and the client (one client per appender). */
    async close() {
      const was = opening;
      opening = undefined;
      if (was) await was.then(({ writer }) => writer.close()).catch(() => undefined);
      opts.client.close();
    },
  };
}
