import { objectKey } from '../core/layout/source-object.js';
import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { ResolvedSelection } from '../core/layout/selection.js';
import { makeWritableFolder } from './make-folder.js';
import { recordLines } from './record-lines.js';

/** `staged`: accepted whole into BigQuery's staging table, landed by the run's promotion at its end. */
export type FileStatus = 'published' | 'ingested' | 'staged' | 'already-ingested' | 'failed';

/** The first line of a record: enough to repeat or resume the run. */
export interface RunHeader {
  type: 'start';
  runId: string;
  createdAt: string;
  source: string;
  publisher: string;
  warehouse?: string;
  selection: ResolvedSelection;
  reprocess: boolean;
  planned: number;
  /** The run this one resumes, if any. */
  resumes?: string;
  /** The request as the CLI or wizard gave it, so `--resume` can repeat it exactly. */
  request?: unknown;
}

export interface FileLine {
  type: 'file';
  name: string;
  generation: string;
  status: FileStatus;
  messageId?: string;
  events?: number;
  debug?: number;
  error?: string;
}

export interface EndLine {
  type: 'end';
  at: string;
  interrupted: boolean;
  /** `staged` is what the run's final promotion could not land (0 once it landed: then counted as ingested). */
  counts: Record<FileStatus, number>;
  notSent: number;
  /** Why the staged files did not land, when they did not. */
  promotionError?: string;
}

/** Where run records go unless `--record-dir` says otherwise. */
export function defaultRecordDir(env: NodeJS.ProcessEnv = process.env): string {
  // The XDG spec: an empty or relative XDG_STATE_HOME is invalid and ignored (it put records under
  // whatever folder the command ran in).
  const xdg = env.XDG_STATE_HOME;
  const state = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'analytics-backfill', 'runs');
}

/**
 * An append-only NDJSON journal of one run: a header, a line per file as its outcome is known,
 * and an end line. Lines appended in one turn of the event loop (a committed group's files) are
 * written together by one `write` call right after it, so a run killed at any point leaves a record
 * that is true up to its last line; at worst the lines of the last instant are missing, and the
 * resume finds those files in the ledger.
 */
export class RunRecord {
  private fd: number | undefined;
  private pending: string[] = [];
  private flushing = false;

  private constructor(readonly path: string) {}

  /** Lines added to a finished run's record (`--follow`'s dead-lettered files): the later line of a file wins. */
  static addTo(path: string, lines: readonly FileLine[]): void {
    const record = new RunRecord(path);
    record.fd = openSync(path, 'a');
    for (const line of lines) record.append(line);
    record.close();
    if (record.failure) throw record.failure;
  }

  static create(dir: string, header: RunHeader): RunRecord {
    makeWritableFolder(dir, '--record-dir');
    const record = new RunRecord(resolve(dir, `${header.runId}.ndjson`));
    record.fd = openSync(record.path, 'wx');
    record.append(header);
    return record;
  }

  append(line: RunHeader | FileLine | EndLine): void {
    if (this.fd === undefined) return;
    this.pending.push(`${JSON.stringify(line)}\n`);
    if (line.type !== 'file') this.flush();
    else if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Why the record can no longer be written (a full disk, a file made read-only), once it could
   * not: later lines are dropped, and `onFailure`'s callback (the run, which stops) is told.
   */
  failure: Error | undefined;
  private failed?: (error: Error) => void;

  onFailure(callback: (error: Error) => void): void {
    this.failed = callback;
    if (this.failure) callback(this.failure);
  }

  /** Writes the lines appended so far. */
  flush(): void {
    this.flushing = false;
    if (this.fd === undefined || this.pending.length === 0) return;
    try {
      writeSync(this.fd, this.pending.join(''));
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      this.failure = new Error(`run record ${this.path} cannot be written (${e.code ?? e.message})`);
      // Left as written so far: true up to its last whole line.
      const fd = this.fd;
      this.fd = undefined;
      try {
        closeSync(fd);
      } catch {
        // closing what could not be written: nothing more to say
      }
      this.failed?.(this.failure);
    }
    this.pending = [];
  }

  close(): void {
    this.flush();
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

export interface ReadRecord {
  header: RunHeader;
  /** How many file lines of each status (a file attempted twice counts twice). */
  counts: Record<FileStatus, number>;
  /** Keys (`name#generation`) of the files it shows sent or landed: see {@link sentKeys}. */
  sent: Set<string>;
  end?: EndLine;
}

/**
 * Reads a record written by `RunRecord`, a line at a time (`record-lines.ts`: a regular file of
 * bounded size), holding only the keys of files sent; a torn last line (killed mid-write) is
 * ignored.
 */
export function readRunRecord(pathOrId: string, dir: string): ReadRecord {
  const path = existsSync(pathOrId) ? pathOrId : join(dir, `${pathOrId}.ndjson`);
  if (!existsSync(path))
    throw new UserError(`run record "${pathOrId}" not found`, `Look in ${dir} for the run's .ndjson file.`, 2);
  let header: RunHeader | undefined;
  const counts: Record<FileStatus, number> = { published: 0, ingested: 0, staged: 0, 'already-ingested': 0, failed: 0 };
  const sent = new Set<string>();
  const staged = new Set<string>();
  let end: EndLine | undefined;
  const damaged = (n: number) =>
    new UserError(
      `run record ${path} is damaged at line ${n + 1}`,
      'It cannot be resumed: run the backfill again with its flags (files already landed are skipped).',
      2,
    );
  let torn: number | undefined;
  let n = -1;
  for (const text of recordLines(path)) {
    n++;
    if (text.trim() === '') continue;
    if (torn !== undefined) throw damaged(torn); // only the last line may be torn
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      torn = n; // torn by a kill mid-write, if it is the last: the resume finds those files in the ledger
      continue;
    }
    const type = typeof line === 'object' && line !== null ? (line as { type?: unknown }).type : undefined;
    if (isHeader(line)) header = line;
    else if (type === 'file' && isFileLine(line)) {
      counts[line.status] = (counts[line.status] ?? 0) + 1;
      const key = objectKey(line);
      if (line.status === 'staged') staged.add(key);
      else if (line.status !== 'failed') sent.add(key);
      else {
        // Failed after it was sent (its notification dead-lettered, `--follow`): a resume sends it again.
        sent.delete(key);
        staged.delete(key);
      }
    } else if (type === 'end') end = line as EndLine;
    else throw damaged(n);
  }
  if (!header) throw new UserError(`run record ${path} has no header line`, 'It is not a run record of this tool.', 2);
  // A staged file counts as sent only when the run's end says every staged file landed: otherwise
  // the resume sends it again (the ledger skips it if a promotion landed it meanwhile).
  if (end !== undefined && (end.counts.staged ?? 0) === 0) for (const key of staged) sent.add(key);
  return end ? { header, counts, sent, end } : { header, counts, sent };
}

function isHeader(line: unknown): line is RunHeader {
  const h = line as Partial<RunHeader> | null;
  return typeof h === 'object' && h !== null && h.type === 'start' && typeof h.runId === 'string';
}

/**
 * The bucket of the newest run record in `recordDir`, to prefill the wizard's source step. Reads
 * only the first line of one file; any problem (no folder, no records, torn header) means none.
 */
export function lastRunBucket(recordDir: string): string | undefined {
  return lastRunRequest(recordDir)?.bucket;
}

/** The bucket and warehouse of the newest run in `recordDir` (what the wizard offers first), if any. */
export function lastRunRequest(recordDir: string): { bucket?: string; warehouse?: string } | undefined {
  try {
    const newest = readdirSync(recordDir)
      .filter((n) => n.endsWith('.ndjson') && !n.startsWith('.'))
      .sort()
      .at(-1);
    if (newest === undefined) return undefined;
    // Never blocks on a FIFO, never reads a device: only a regular file's first line.
    const fd = openSync(join(recordDir, newest), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      if (!fstatSync(fd).isFile()) return undefined;
      const buffer = Buffer.alloc(64 * 1024);
      const read = readSync(fd, buffer, 0, buffer.length, 0);
      const header: unknown = JSON.parse(buffer.subarray(0, read).toString('utf8').split('\n')[0] ?? '');
      const request = isHeader(header)
        ? (header.request as { bucket?: unknown; warehouse?: unknown } | undefined)
        : undefined;
      return {
        ...(typeof request?.bucket === 'string' ? { bucket: request.bucket } : {}),
        ...(typeof request?.warehouse === 'string' ? { warehouse: request.warehouse } : {}),
      };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function isFileLine(line: unknown): line is FileLine {
  const f = line as Partial<FileLine>;
  return typeof f.name === 'string' && typeof f.generation === 'string' && typeof f.status === 'string';
}

/** The keys (`name#generation`) of files the records show as sent or landed (see {@link readRunRecord}). */
export function sentKeys(records: readonly ReadRecord[]): Set<string> {
  if (records.length === 1) return records[0]!.sent;
  const done = new Set<string>();
  for (const r of records) for (const key of r.sent) done.add(key);
  return done;
}

/** A sortable, unique-enough run id: `20260301-142233-a1b2`. */
export function newRunId(now = new Date(), random = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.floor(random() * 0xffff)
    .toString(16)
    .padStart(4, '0')}`;
}
