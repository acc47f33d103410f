import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { ResolvedSelection } from '../core/selection.js';
import { makeWritableFolder } from './make-folder.js';

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
  const state = env.XDG_STATE_HOME ?? join(env.HOME ?? homedir(), '.local', 'state');
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

  /** Writes the lines appended so far. */
  flush(): void {
    this.flushing = false;
    if (this.fd === undefined || this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface ReadRecord {
  header: RunHeader;
  files: FileLine[];
  end?: EndLine;
}

/** Reads a record written by `RunRecord`; a torn last line (killed mid-write) is ignored. */
export function readRunRecord(pathOrId: string, dir: string): ReadRecord {
  const path = existsSync(pathOrId) ? pathOrId : join(dir, `${pathOrId}.ndjson`);
  if (!existsSync(path))
    throw new UserError(`run record "${pathOrId}" not found`, `Look in ${dir} for the run's .ndjson file.`, 2);
  const lines = readFileSync(path, 'utf8').split('\n');
  let header: RunHeader | undefined;
  const files: FileLine[] = [];
  let end: EndLine | undefined;
  const damaged = (n: number) =>
    new UserError(
      `run record ${path} is damaged at line ${n + 1}`,
      'It cannot be resumed: run the backfill again with its flags (files already landed are skipped).',
      2,
    );
  const last = lines.findLastIndex((text) => text.trim() !== '');
  for (const [n, text] of lines.entries()) {
    if (text.trim() === '') continue;
    let line: unknown;
    try {
      line = JSON.parse(text);
    } catch {
      if (n === last) continue; // torn by a kill mid-write: the resume finds those files in the ledger
      throw damaged(n);
    }
    const type = typeof line === 'object' && line !== null ? (line as { type?: unknown }).type : undefined;
    if (isHeader(line)) header = line;
    else if (type === 'file' && isFileLine(line)) files.push(line);
    else if (type === 'end') end = line as EndLine;
    else throw damaged(n);
  }
  if (!header) throw new UserError(`run record ${path} has no header line`, 'It is not a run record of this tool.', 2);
  return end ? { header, files, end } : { header, files };
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
    const fd = openSync(join(recordDir, newest), 'r');
    try {
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

/**
 * The keys (`name#generation`) of files a record shows as sent or landed. A staged file counts only
 * when its run's end says every staged file landed: otherwise the resume sends it again (the ledger
 * skips it if a promotion landed it meanwhile; if not, it is staged again and landed once).
 */
export function sentKeys(records: readonly ReadRecord[]): Set<string> {
  const done = new Set<string>();
  for (const r of records) {
    const stagedLanded = r.end !== undefined && (r.end.counts.staged ?? 0) === 0;
    for (const f of r.files)
      if (f.status !== 'failed' && (f.status !== 'staged' || stagedLanded)) done.add(`${f.name}#${f.generation}`);
  }
  return done;
}

/** A sortable, unique-enough run id: `20260301-142233-a1b2`. */
export function newRunId(now = new Date(), random = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.floor(random() * 0xffff)
    .toString(16)
    .padStart(4, '0')}`;
}
