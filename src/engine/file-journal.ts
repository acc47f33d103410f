import { closeSync, createReadStream, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { UserError } from '../core/errors.js';
import type { SourceObject } from '../ports/source.js';
import { makeWritableFolder } from './make-folder.js';

/** Bytes gathered before one write. */
const FLUSH_BYTES = 256 * 1024;

/**
 * The files a plan will send, on disk rather than in memory: one JSON line per file
 * (`[name, size, generation, updated]`), written as the plan finds them, read back as the run sends
 * them. What lets planning and running 10 million files fit the memory of 10 thousand.
 */
export class FileJournal {
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  count = 0;

  private constructor(readonly path: string) {}

  /**
   * A new journal in `dir`, named so record listings skip it (a dotfile) and by the process that
   * writes it; journals left by processes that are gone (a kill -9, a second Ctrl-C) are removed.
   */
  static create(dir: string): FileJournal {
    makeWritableFolder(dir, '--record-dir');
    removeStaleJournals(dir);
    const journal = new FileJournal(
      join(dir, `.plan-p${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.ndjson`),
    );
    journal.fd = openSync(journal.path, 'wx', 0o600);
    return journal;
  }

  append(o: SourceObject): void {
    const line = `${JSON.stringify(o.problem === undefined ? [o.name, o.size, o.generation, o.updated] : [o.name, o.size, o.generation, o.updated, o.problem])}\n`;
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.count++;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  /** Writes what is gathered and closes the file for writing. */
  finish(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** The files, in the order they were appended. */
  async *read(): AsyncGenerator<SourceObject> {
    const lines = createInterface({ input: createReadStream(this.path), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      const [name, size, generation, updated, problem] = JSON.parse(line) as [string, number, string, string, string?];
      yield problem === undefined ? { name, size, generation, updated } : { name, size, generation, updated, problem };
    }
  }

  remove(): void {
    this.finish();
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.fd === undefined || this.pending.length === 0) return;
    try {
      writeSync(this.fd, this.pending.join(''));
    } catch (error) {
      // A full disk or a folder gone read-only: one line naming the folder, before anything is sent.
      const e = error as NodeJS.ErrnoException;
      const fd = this.fd;
      this.fd = undefined;
      closeSync(fd);
      rmSync(this.path, { force: true });
      throw new UserError(
        `--record-dir ${dirname(this.path)}: the plan's list of files cannot be written (${e.code ?? e.message})`,
        'Free space there, or give another --record-dir. Nothing was sent.',
      );
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** A day: a journal of the earlier naming (no process id) older than this is stale. */
const OLD_JOURNAL_MS = 24 * 60 * 60 * 1000;

/** Removes the journals in `dir` whose process is gone; never one another running backfill writes. */
function removeStaleJournals(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /^\.plan-(?:p(\d+)-)?\d+-[0-9a-f]+\.ndjson$/.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      const stale =
        m[1] !== undefined ? !isRunning(Number(m[1])) : Date.now() - statSync(path).mtimeMs > OLD_JOURNAL_MS;
      if (stale) rmSync(path, { force: true });
    } catch {
      // gone meanwhile, or not ours to remove: left alone
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
