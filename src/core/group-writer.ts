/**
 * Many files per commit, each file whole or not at all: the grouping shared by the warehouses'
 * writers. A file's rows are gathered in memory until its batches end; then it joins the open
 * group. The group commits when it holds `maxFiles` files or `maxBytes` of rows, when its first
 * file has waited `maxWaitMs`, or when files stop coming (none joined for `IDLE_MS` and none is
 * being read: the caller has nothing more to send for now). A file whose rows pass a quarter of `maxBytes` goes alone, streamed, in its own
 * commit.
 */
import type { FileKey, FileWriter, GroupLimits, RowBatch, WriteOutcome } from '../ports/warehouse.js';

export const DEFAULT_GROUP_LIMITS: GroupLimits = { maxFiles: 1000, maxBytes: 16 * 1024 * 1024, maxWaitMs: 1000 };

/** A group that no file joined for this long, while none is being read, commits. */
const IDLE_MS = 3;

/** A file whose rows pass this share of a group's bytes goes alone: gathering it would only hold memory. */
const ALONE_SHARE = 4;

/** One gathered file: its key and its rows, in order. */
export interface GatheredFile {
  file: FileKey;
  batches: RowBatch[];
  bytes: number;
}

/** What a warehouse does with a group; calls may overlap, the warehouse orders them. */
export interface GroupCommitter {
  /** One transaction for every file; the outcome of each, in order. Throws if nothing landed. */
  commitGroup(files: readonly GatheredFile[]): Promise<WriteOutcome[]>;
  /** One file in a transaction of its own, streamed: `batches` may be long. */
  writeAlone(file: FileKey, batches: AsyncIterable<RowBatch>): Promise<WriteOutcome>;
}

/** Timers, passed in so tests can drive them. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Waiting extends GatheredFile {
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

/** The bytes a batch's rows hold: every text column's length, plus 64 bytes per row for the rest. */
export function estimateBatchBytes(batch: RowBatch): number {
  let n = 64 * (batch.events.length + batch.debug.length + batch.logs.length);
  for (const r of batch.events) {
    n += len(r.analytics_environment) + len(r.batch_id) + len(r.event_id) + len(r.event_source) + len(r.event_class) + len(r.event_type);
    n += len(r.session_id) + len(r.build_version) + len(r.event_environment) + len(r.job_name) + len(r.event_attributes);
  }
  for (const rows of [batch.debug, batch.logs]) {
    for (const r of rows) n += len(r.job_name) + len(r.batch_id) + len(r.analytics_environment) + len(r.event_category) + len(r.event) + len(r.file_path) + 40;
  }
  return n;
}

const len = (s: string | null | undefined): number => s?.length ?? 0;

export function createGroupWriter(committer: GroupCommitter, limits: Partial<GroupLimits> = {}, timers: Timers = globalThis): FileWriter {
  const max: GroupLimits = { ...DEFAULT_GROUP_LIMITS, ...limits };
  let group: Waiting[] = [];
  let groupBytes = 0;
  let timer: unknown;
  let idleTimer: unknown;
  /** Files that joined since the idle check last looked. */
  let joined = 0;
  /** Writes still reading their batches. */
  let reading = 0;
  let closed = false;
  const commits = new Set<Promise<void>>();

  const commit = () => {
    if (group.length === 0) return;
    timers.clearTimeout(timer);
    timers.clearTimeout(idleTimer);
    idleTimer = undefined;
    const files = group;
    group = [];
    groupBytes = 0;
    const done = committer.commitGroup(files).then(
      (outcomes) => files.forEach((f, i) => f.resolve(outcomes[i] ?? 'written')),
      async (error: unknown) => {
        if (files.length === 1) return files[0]!.reject(error);
        // Something in one file's rows broke the group's commit: each again alone, so only it fails.
        for (const f of files) await committer.commitGroup([f]).then((o) => f.resolve(o[0] ?? 'written'), f.reject);
      },
    );
    const tracked = done.finally(() => commits.delete(tracked));
    commits.add(tracked);
  };

  const maybeCommit = () => {
    if (group.length >= max.maxFiles || groupBytes >= max.maxBytes) commit();
  };

  /** Commits the group once files stop joining it (the caller waits on it, or has nothing left). */
  const idleCheck = () => {
    idleTimer = undefined;
    if (group.length === 0) return;
    if (joined === 0 && reading === 0) return commit();
    joined = 0;
    idleTimer = timers.setTimeout(idleCheck, IDLE_MS);
  };

  async function write(file: FileKey, batches: AsyncIterable<RowBatch>): Promise<WriteOutcome> {
    if (closed) throw new Error('write after the writer was closed');
    reading++;
    const gathered: GatheredFile = { file, batches: [], bytes: 0 };
    const iterator = batches[Symbol.asyncIterator]();
    let alone = false;
    try {
      for (;;) {
        const step = await iterator.next();
        if (step.done === true) break;
        gathered.batches.push(step.value);
        gathered.bytes += estimateBatchBytes(step.value);
        if (gathered.bytes > max.maxBytes / ALONE_SHARE || max.maxFiles <= 1) {
          alone = true;
          break;
        }
      }
    } finally {
      reading--;
    }
    if (alone) {
      maybeCommit();
      const rest = { [Symbol.asyncIterator]: () => iterator };
      if (group.length > 0 && idleTimer === undefined) idleTimer = timers.setTimeout(idleCheck, IDLE_MS);
      return committer.writeAlone(file, (async function* () {
        yield* gathered.batches.splice(0);
        yield* rest;
      })());
    }
    return new Promise<WriteOutcome>((resolve, reject) => {
      group.push({ ...gathered, resolve, reject });
      groupBytes += gathered.bytes;
      joined++;
      if (group.length === 1) timer = timers.setTimeout(commit, max.maxWaitMs);
      if (idleTimer === undefined) idleTimer = timers.setTimeout(idleCheck, IDLE_MS);
      maybeCommit();
    });
  }

  return {
    async write(file, batches) {
      try {
        return await write(file, batches);
      } finally {
        // A file that failed or went alone may have been the one the group waited for.
        if (group.length > 0 && idleTimer === undefined) idleTimer = timers.setTimeout(idleCheck, IDLE_MS);
      }
    },
    async close() {
      closed = true;
      commit();
      while (commits.size > 0) await Promise.all(commits);
    },
  };
}

/** A writer that commits each file on its own, as `writeFile` does: for warehouses without groups. */
export function createPerFileWriter(writeFile: (file: FileKey, batches: AsyncIterable<RowBatch>) => Promise<WriteOutcome>): FileWriter {
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  return {
    write(file, batches) {
      if (closed) return Promise.reject(new Error('write after the writer was closed'));
      const written = writeFile(file, batches);
      const tracked = written.catch(() => undefined).finally(() => pending.delete(tracked));
      pending.add(tracked);
      return written;
    },
    async close() {
      closed = true;
      await Promise.all(pending);
    },
  };
}
