/**
 * What crosses between the DuckDB warehouse and its worker thread, typed from the store itself:
 * a request names one of the store's operations with that operation's arguments; a reply carries
 * its result, or an error with its kind (and, for an operator's error, the hint and exit code), so
 * the error thrown on this side is the one thrown on that side.
 */
import { BugError, PermanentFileError, TransientError, UserError } from '../../core/errors.js';
import type { DuckDbStore } from './duckdb-store.js';

export type StoreOps = Pick<
  DuckDbStore,
  | 'ensureTables'
  | 'ingested'
  | 'ingestedRejecting'
  | 'sessionGaps'
  | 'landed'
  | 'landedUnder'
  | 'appendGroup'
  | 'commitGroup'
  | 'begin'
  | 'append'
  | 'commit'
  | 'rollback'
  | 'close'
>;
export type Op = keyof StoreOps;

export interface Request<K extends Op = Op> {
  id: number;
  op: K;
  args: Parameters<StoreOps[K]>;
}

export type Result<K extends Op> = Awaited<ReturnType<StoreOps[K]>>;

export interface WireError {
  kind: 'user' | 'transient' | 'permanent' | 'bug' | 'error';
  message: string;
  hint?: string;
  exitCode?: number;
}

/** Id 0 is the file's opening; every other id answers the request that carried it. */
export type Reply = { id: number; result?: unknown; error?: WireError };

export function toWire(error: unknown): WireError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UserError)
    return {
      kind: 'user',
      message,
      exitCode: error.exitCode,
      ...(error.hint !== undefined ? { hint: error.hint } : {}),
    };
  if (error instanceof TransientError) return { kind: 'transient', message };
  if (error instanceof PermanentFileError) return { kind: 'permanent', message };
  if (error instanceof BugError) return { kind: 'bug', message };
  return { kind: 'error', message };
}

export function fromWire(error: WireError): Error {
  switch (error.kind) {
    case 'user':
      return new UserError(error.message, error.hint, error.exitCode);
    case 'transient':
      return new TransientError(error.message);
    case 'permanent':
      return new PermanentFileError(error.message);
    case 'bug':
      return new BugError(error.message);
    case 'error':
      return new Error(error.message);
  }
}

/** Runs one request on the store: the operation it names, with its arguments. */
export function perform<K extends Op>(store: StoreOps, request: Request<K>): Promise<Result<K>> {
  const operation = store[request.op] as (...args: Parameters<StoreOps[K]>) => Promise<Result<K>>;
  return operation.apply(store, request.args);
}
