/**
 * Many files per commit, each file whole or not at all: the grouping shared by the warehouses'
 * writers. A file's rows are gathered until its batches end; then they are handed to the open
 * group at once (a few files per hand-over), so the warehouse holds a group's rows, not this
 * thread. The group commits when it holds `maxFiles` files or `maxBytes` of rows, when its first
 * file has waited `maxWaitMs`, or when files stop coming (none joined for `IDLE_MS` and none is
 * being read). A file whose rows pass a quarter of `maxBytes` goes alone, streamed, in its own
 * commit. A write resolves only once its group committed.
 */
import { estimateBatchBytes } from './batch-bytes.js';
import type { FileBatches, FileKey, FileWriter, GroupLimits, RowBatch, WriteOutcome } from '../ports/warehouse.js';

export const DEFAULT_GROUP_LIMITS: GroupLimits = { maxFiles: 1000, maxBytes: 16 * 1024 * 1024, maxWaitMs: 1000 };

/** A group that no file joined for this long, while none is being read, commits; hand-overs wait at most this. */
const IDLE_MS = 3;

/** A file whose rows pass this share of a group's bytes goes alone: gathering it would only hold memory. */
const ALONE_SHARE = 4;

/** Files (or bytes of rows) handed to the open group at once. */
const HANDOVER_FILES = 64;
const HANDOVER_BYTES = 512 * 1024;

/** One gathered file: its key and its rows, in order. */
export interface GatheredFile {
  file: FileKey;
  batches: RowBatch[];
  bytes: number;
}

/** What a warehouse does with groups; calls come in order and the warehouse runs them in that order. */
export interface GroupCommitter {
  /**
   * Adds whole files to group `group` (the first call opens it). Each file's outcome, in order, if
   * the group commits: `already-ingested` for a file the ledger (or the group) has. A rejection, or
   * a rejected `commit`, means nothing of the group landed.
   */
  append(group: number, files: readonly GatheredFile[]): Promise<WriteOutcome[]>;
  /** Commits group `group`: every file appended to it lands, or none. */
  commit(group: number): Promise<void>;
  /** One file in a transaction of its own, streamed: `batches` may be long. */
  writeAlone(file: FileKey, batches: FileBatches): Promise<WriteOutcome>;
}

/** Timers, passed in so tests can drive them. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Member {
  file: FileKey;
  again: (() => AsyncIterable<RowBatch>) | undefined;
  outcome?: Promise<WriteOutcome>;
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

interface OpenGroup {
  id: number;
  members: Member[];
  bytes: number;
  /** Gathered files not yet handed over, and their members. */
  handover: GatheredFile[];
  handoverMembers: Member[];
  handoverBytes: number;
  appended: Promise<unknown>[];
}

export function createGroupWriter(
  committer: GroupCommitter,
  limits: Partial<GroupLimits> = {},
  timers: Timers = globalThis,
): FileWriter {
  const max: GroupLimits = { ...DEFAULT_GROUP_LIMITS, ...limits };
  let nextId = 1;
  let group: OpenGroup | undefined;
  let timer: unknown;
  let idleTimer: unknown;
  /** Files that joined since the idle check last looked. */
  let joined = 0;
  /** Writes still reading their batches. */
  let reading = 0;
  let closed = false;
  const commits = new Set<Promise<void>>();

  const handOver = (g: OpenGroup) => {
    if (g.handover.length === 0) return;
    const files = g.handover;
    const members = g.handoverMembers;
    g.handover = [];
    g.handoverMembers = [];
    g.handoverBytes = 0;
    const appended = committer.append(g.id, files);
    appended.catch(() => undefined); // settled with the group's commit below
    g.appended.push(appended);
    members.forEach((m, i) => {
      m.outcome = appended.then((o) => o[i] ?? 'written');
      m.outcome.catch(() => undefined); // a failed group is handled as a whole, at its commit
    });
  };

  const commit = () => {
    const g = group;
    if (!g) return;
    group = undefined;
    timers.clearTimeout(timer);
    timers.clearTimeout(idleTimer);
    idleTimer = undefined;
    handOver(g);
    const committed = committer.commit(g.id);
    const done = Promise.all([...g.appended, committed]).then(
      () => Promise.all(g.members.map(async (m) => m.resolve(await m.outcome!))),
      // Nothing of the group landed: each file again in a commit of its own, so only a bad one fails.
      // The group opened meanwhile is committed first, and every retry is queued at once: a file's
      // own transaction cannot start while a group's is open, and none may open between them.
      async (error: unknown) => {
        commit();
        await Promise.all(
          g.members.map((m) =>
            m.again ? committer.writeAlone(m.file, m.again()).then(m.resolve, m.reject) : m.reject(error),
          ),
        );
      },
    );
    const tracked = done.then(() => {
      commits.delete(tracked);
    });
    commits.add(tracked);
  };

  /** Hands over what waits, and commits the group once files stop joining it. */
  const idleCheck = () => {
    idleTimer = undefined;
    if (!group) return;
    if (joined === 0 && reading === 0) return commit();
    handOver(group);
    joined = 0;
    idleTimer = timers.setTimeout(idleCheck, IDLE_MS);
  };

  const join = (gathered: GatheredFile, member: Member) => {
    if (!group) {
      group = {
        id: nextId++,
        members: [],
        bytes: 0,
        handover: [],
        handoverMembers: [],
        handoverBytes: 0,
        appended: [],
      };
      timer = timers.setTimeout(commit, max.maxWaitMs);
    }
    const g = group;
    g.members.push(member);
    g.handover.push(gathered);
    g.handoverMembers.push(member);
    g.bytes += gathered.bytes;
    g.handoverBytes += gathered.bytes;
    joined++;
    if (g.handover.length >= HANDOVER_FILES || g.handoverBytes >= HANDOVER_BYTES) handOver(g);
    if (idleTimer === undefined) idleTimer = timers.setTimeout(idleCheck, IDLE_MS);
    if (g.members.length >= max.maxFiles || g.bytes >= max.maxBytes) commit();
  };

  async function write(
    file: FileKey,
    batches: FileBatches,
    again?: () => AsyncIterable<RowBatch>,
  ): Promise<WriteOutcome> {
    if (closed) throw new Error('write after the writer was closed');
    if (!(Symbol.asyncIterator in batches)) {
      // All at hand (a small file read at once): it joins the group now, with no reading to wait for.
      const gathered: GatheredFile = { file, batches: [...batches], bytes: 0 };
      for (const b of gathered.batches) gathered.bytes += estimateBatchBytes(b);
      if (gathered.bytes > max.maxBytes / ALONE_SHARE || max.maxFiles <= 1) {
        commit();
        return committer.writeAlone(file, gathered.batches);
      }
      return new Promise<WriteOutcome>((resolve, reject) => join(gathered, { file, again, resolve, reject }));
    }
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
      commit(); // the open group first: a file's own transaction cannot share the warehouse with it
      const rest = { [Symbol.asyncIterator]: () => iterator };
      return committer.writeAlone(
        file,
        (async function* () {
          yield* gathered.batches.splice(0);
          yield* rest;
        })(),
      );
    }
    return new Promise<WriteOutcome>((resolve, reject) => join(gathered, { file, again, resolve, reject }));
  }

  return {
    async write(file, batches, again) {
      try {
        return await write(file, batches, again);
      } finally {
        // A file that failed or went alone may have been the one the group waited for.
        if (group && idleTimer === undefined) idleTimer = timers.setTimeout(idleCheck, IDLE_MS);
      }
    },
    flush: () => commit(),
    async close() {
      closed = true;
      commit();
      while (commits.size > 0) await Promise.all(commits);
    },
  };
}
