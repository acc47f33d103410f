import { createPipeline } from '../../core/limiter.js';
import type { FileBatches, FileKey } from '../../ports/warehouse.js';
import type { StagedKind, StagedRow, StagingAppender } from './bigquery-staging.js';
import { encodeEvent, encodeLog } from './bigquery-rows.js';
import { RequestBuilder } from './staged-row-encoder.js';

export interface StageLimits {
  /**
   * Bytes of one append request's serialized rows. Default 3.5 MiB: BigQuery takes requests up to
   * 10 MB, but the emulator's gRPC server refuses messages over 4 MiB (Go's default), and requests
   * this size are already far from any limit that counts requests.
   */
  maxRequestBytes: number;
  /** Rows of one append request. Default 10,000. */
  maxRequestRows: number;
  /** Requests of one file in flight at once (bounds memory, overlaps parsing with sending). Default 2. */
  inFlight: number;
}

const DEFAULTS: StageLimits = { maxRequestBytes: 3.5 * 1024 * 1024, maxRequestRows: 10_000, inFlight: 2 };

/**
 * Stages one file as one attempt: every row (events, debug rows, log rows, in the order they come,
 * numbered from 0), cut into requests under the Write API's size limit, and the completion marker
 * with the attempt's row count, last (in the same request when the file fits one). Memory holds at most
 * `inFlight` requests plus the one being filled, whatever the file's size, each serialized as its
 * rows come (`RequestBuilder`). Resolves with the attempt's row count.
 */
export async function stageFile(
  appender: StagingAppender,
  file: FileKey,
  attemptId: string,
  batches: FileBatches,
  limits: Partial<StageLimits> = {},
): Promise<number> {
  const { maxRequestBytes, maxRequestRows, inFlight } = { ...DEFAULTS, ...limits };
  const stagedAt = new Date();
  const sending = createPipeline(inFlight);
  let sent = 0;
  const request = new RequestBuilder();
  let rowNumber = 0;

  const row = (kind: StagedKind, payload: string | null, expected: number | null): StagedRow => ({
    file_path: file.filePath,
    file_generation: file.generation,
    attempt_id: attemptId,
    kind,
    row_number: rowNumber,
    payload,
    expected_rows: expected,
    staged_at: stagedAt,
  });
  const send = async () => {
    if (request.count === 0) return;
    const full = request.take();
    sent++;
    await sending.push(() => appender.append(full));
  };
  const add = async (kind: StagedKind, payload: string) => {
    const staged = row(kind, payload, null);
    const size = RequestBuilder.size(staged);
    if (request.count > 0 && (request.bytes + size > maxRequestBytes || request.count >= maxRequestRows)) await send();
    request.add(staged, size);
    rowNumber++;
  };

  try {
    for await (const batch of batches) {
      for (const r of batch.events) await add('event', JSON.stringify(encodeEvent(r)));
      for (const r of batch.debug) await add('debug', JSON.stringify(encodeLog(r)));
      for (const r of batch.logs) await add('log', JSON.stringify(encodeLog(r)));
    }
    // A file that fits one request (nearly all: they are small) goes in one, its marker last in
    // it: one request lands whole or not at all. A larger one's marker goes alone, after every
    // other request is acknowledged.
    if (sent > 0) {
      await send();
      await sending.drain();
    }
  } catch (err) {
    await sending.settle(); // no request of this attempt outlives it
    throw err;
  }
  const rows = rowNumber;
  request.add(row('done', null, rows));
  await appender.append(request.take());
  return rows;
}
