import { describe, expect, it } from 'vitest';
import type { FileKey, RowBatch, WriteOutcome } from '../ports/warehouse.js';
import { createGroupWriter, type GatheredFile, type GroupCommitter } from './group-writer.js';

const key = (i: number): FileKey => ({ filePath: `/b/f${i}`, generation: '1' });

async function* rows(n: number, failAt?: number): AsyncGenerator<RowBatch> {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error('source went away');
    yield { events: [], debug: [], logs: [{ event: `row ${i}` } as never] };
  }
}

/** A committer that records every group it committed; `breaks` makes a group holding that file fail. */
function recorder(breaks?: string, commitMs = 0) {
  const groups: string[][] = [];
  const alone: string[] = [];
  const open = new Map<number, string[]>();
  // Calls run in the order made, as a warehouse runs them.
  let chain: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => undefined);
    return next;
  };
  const committer: GroupCommitter = {
    append: (group: number, files: readonly GatheredFile[]) =>
      inOrder(async (): Promise<WriteOutcome[]> => {
        await new Promise((r) => setTimeout(r, 1));
        open.set(group, [...(open.get(group) ?? []), ...files.map((f) => f.file.filePath)]);
        return files.map(() => 'written');
      }),
    commit: (group: number) =>
      inOrder(async () => {
        await new Promise((r) => setTimeout(r, commitMs));
        const paths = open.get(group) ?? [];
        open.delete(group);
        if (breaks !== undefined && paths.includes(breaks)) throw new Error(`cannot store ${breaks}`);
        groups.push(paths);
      }),
    writeAlone: (file, batches) =>
      inOrder(async () => {
        // As DuckDB: a file's own transaction cannot start while a group's is open.
        if (open.size > 0) throw new Error(`${file.filePath} alone while group ${[...open.keys()].join()} is open`);
        for await (const _ of batches);
        if (file.filePath === breaks) throw new Error(`cannot store ${breaks}`);
        alone.push(file.filePath);
        return 'written' as const;
      }),
  };
  return { committer, groups, alone };
}

describe('the group writer', () => {
  it('lands many files per commit, and resolves each write only once its group committed', async () => {
    const r = recorder();
    const writer = createGroupWriter(r.committer, { maxFiles: 4, maxWaitMs: 60_000 });
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => writer.write(key(i), rows(2))));
    await writer.close();
    expect(outcomes).toEqual(Array(10).fill('written'));
    expect(r.groups.map((g) => g.length)).toEqual([4, 4, 2]);
    expect(r.groups.flat().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/b/f${i}`).sort());
  });

  it('a file whose rows fail to read fails alone; the rest of its group lands', async () => {
    const r = recorder();
    const writer = createGroupWriter(r.committer, { maxFiles: 100, maxWaitMs: 60_000 });
    const results = await Promise.allSettled(
      [0, 1, 2].map((i) => writer.write(key(i), rows(3, i === 1 ? 1 : undefined))),
    );
    await writer.close();
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(r.groups.flat().sort()).toEqual(['/b/f0', '/b/f2']);
  });

  it('a group whose commit fails is written again file by file, each read anew, so only the bad file fails', async () => {
    const r = recorder('/b/f2');
    const writer = createGroupWriter(r.committer, { maxFiles: 100, maxWaitMs: 60_000 });
    const results = await Promise.allSettled([0, 1, 2, 3].map((i) => writer.write(key(i), rows(1), () => rows(1))));
    await writer.close();
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(r.groups).toEqual([]);
    expect(r.alone).toEqual(['/b/f0', '/b/f1', '/b/f3']);
  });

  it('a failed group is written again alone only after the group opened meanwhile is committed', async () => {
    const r = recorder('/b/f1', 10);
    const writer = createGroupWriter(r.committer, { maxFiles: 2, maxWaitMs: 60_000 });
    const again = () => rows(1);
    let release: () => void = () => undefined;
    const slow = (async function* () {
      await new Promise<void>((go) => (release = go));
      yield* rows(1);
    })();
    const first = [0, 1].map((i) => writer.write(key(i), rows(1), again)); // a full group: its commit fails
    const second = writer.write(key(2), rows(1), again); // the next group, handed over while f9 is read
    const pendingSlow = writer.write(key(9), slow, again);
    const settled = await Promise.allSettled(first);
    release();
    const results = [...settled, ...(await Promise.allSettled([second]))];
    await pendingSlow;
    await writer.close();
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'cannot store /b/f1' });
    expect(r.alone).toEqual(['/b/f0']);
    expect(r.groups.flat().sort()).toEqual(['/b/f2', '/b/f9']);
  });

  it('without a way to read a file again, a failed group fails its files (nothing of them landed)', async () => {
    const r = recorder('/b/f1');
    const writer = createGroupWriter(r.committer, { maxFiles: 100, maxWaitMs: 60_000 });
    const results = await Promise.allSettled([0, 1].map((i) => writer.write(key(i), rows(1))));
    await writer.close();
    expect(results.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(r.groups).toEqual([]);
  });

  it('a file larger than a group goes alone, streamed; one file per commit writes every file alone', async () => {
    const r = recorder();
    const writer = createGroupWriter(r.committer, { maxFiles: 100, maxBytes: 2000, maxWaitMs: 60_000 });
    await Promise.all([writer.write(key(0), rows(20)), writer.write(key(1), rows(1))]);
    await writer.close();
    expect(r.alone).toEqual(['/b/f0']);
    expect(r.groups).toEqual([['/b/f1']]);
    const single = recorder();
    const one = createGroupWriter(single.committer, { maxFiles: 1 });
    await one.write(key(5), rows(3));
    await one.close();
    expect(single.alone).toEqual(['/b/f5']);
  });

  it('commits a waiting group after maxWaitMs even while other files are still being read', async () => {
    const r = recorder();
    const writer = createGroupWriter(r.committer, { maxFiles: 100, maxWaitMs: 20 });
    let release: () => void = () => undefined;
    const slow = (async function* () {
      await new Promise<void>((go) => (release = go));
      yield* rows(1);
    })();
    const pendingSlow = writer.write(key(9), slow);
    expect(await writer.write(key(0), rows(1))).toBe('written'); // did not wait for the slow file
    expect(r.groups).toEqual([['/b/f0']]);
    release();
    await pendingSlow;
    await writer.close();
    expect(r.groups).toEqual([['/b/f0'], ['/b/f9']]);
  });
});
