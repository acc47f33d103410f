import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeadLetter } from '../ports/dead-letters.js';
import { ledgerKey, type Landing, type Warehouse } from '../ports/warehouse.js';
import { readRunRecord, RunRecord, type RunHeader } from './run-record.js';
import { followLanding } from './follow-landing.js';

/** A warehouse whose ledger gains `perLook` of the files at each look, and counts the looks. */
function landingWarehouse(keys: string[], perLook: number, staged = 0) {
  let looks = 0;
  const warehouse = {
    landingSince: async (): Promise<Landing> => {
      looks++;
      const upTo = Math.min(keys.length, looks * perLook);
      return {
        landed: new Map(keys.slice(0, upTo).map((k, i) => [k, i % 2 === 0])),
        staged: new Set(keys.slice(upTo, upTo + staged)),
      };
    },
  } as unknown as Warehouse;
  return { warehouse, looks: () => looks };
}

const filesOf = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ filePath: `gs://b/f-${i}`, generation: '1', day: '2026-03-01' }));

describe('followLanding', () => {
  it('looks once per interval until every file landed, counting rejected and staged files', async () => {
    const files = filesOf(10);
    const { warehouse, looks } = landingWarehouse(files.map(ledgerKey), 4, 3);
    const seen: string[] = [];
    const r = await followLanding({
      warehouse,
      files,
      startedAt: new Date(),
      intervalMs: 1000,
      timeoutMs: 60_000,
      sleep: async () => undefined,
      onProgress: (p) => seen.push(`${p.landed}/${p.staged}/${p.waiting}`),
    });
    expect(r.outcome).toBe('landed');
    expect(seen).toEqual(['4/3/3', '8/2/0', '10/0/0']);
    expect(r.progress).toMatchObject({ published: 10, landed: 10, rejecting: 5, looks: 3 });
    expect(looks()).toBe(3);
  });

  it('asks the same number of times for 100 files as for 100,000', async () => {
    const counts: number[] = [];
    for (const n of [100, 100_000]) {
      const files = filesOf(n);
      const { warehouse, looks } = landingWarehouse(files.map(ledgerKey), Math.ceil(n / 5));
      await followLanding({
        warehouse,
        files,
        startedAt: new Date(),
        intervalMs: 1,
        timeoutMs: 60_000,
        sleep: async () => undefined,
      });
      counts.push(looks());
    }
    expect(counts).toEqual([5, 5]);
  });

  it('ends at the timeout with what is still waiting, and at once when interrupted', async () => {
    const files = filesOf(4);
    let clock = 0;
    const slow = landingWarehouse(files.map(ledgerKey), 1);
    const timedOut = await followLanding({
      warehouse: slow.warehouse,
      files,
      startedAt: new Date(),
      intervalMs: 1000,
      timeoutMs: 2500,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    expect(timedOut.outcome).toBe('timed-out');
    expect(timedOut.progress).toMatchObject({ landed: 3, waiting: 1, looks: 3 }); // at 0, 1 and 2 s
    const stop = new AbortController();
    const interrupted = followLanding({
      warehouse: landingWarehouse(files.map(ledgerKey), 1).warehouse,
      files,
      startedAt: new Date(),
      intervalMs: 60_000,
      timeoutMs: 600_000,
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(), 10);
    expect((await interrupted).outcome).toBe('interrupted');
  });

  it('names the dead-lettered files of its own run, acknowledges only those, and ends "failed" once none is waiting', async () => {
    const files = filesOf(6);
    const keys = files.map(ledgerKey);
    const acked: string[] = [];
    const letter = (i: number, runId: string): DeadLetter => ({
      name: `f-${i}`,
      generation: '1',
      runId,
      deliveries: 5,
      ack: () => acked.push(`${runId}/${i}`),
    });
    let looks = 0;
    const warehouse = {
      landingSince: async (): Promise<Landing> => {
        looks++;
        return { landed: new Map(keys.slice(0, 4).map((k) => [k, false])), staged: new Set() };
      },
    } as unknown as Warehouse;
    const queue = [[letter(4, 'other-run'), letter(4, 'run-1')], [letter(5, 'run-1')]];
    const r = await followLanding({
      warehouse,
      files,
      startedAt: new Date(),
      intervalMs: 1,
      timeoutMs: 60_000,
      sleep: async () => undefined,
      deadLetters: {
        reader: { subscription: 's', take: () => queue.shift() ?? [], close: async () => undefined },
        runId: 'run-1',
        filePathOf: (name) => `gs://b/${name}`,
      },
    });
    expect(r.outcome).toBe('failed');
    expect(r.failures.map((f) => f.name)).toEqual(['f-4', 'f-5']);
    expect(r.failures[0]!.error).toMatch(/^dead-lettered after 5 delivery attempts/);
    expect(acked).toEqual(['run-1/4', 'run-1/5']);
    expect(r.progress).toMatchObject({ landed: 4, failed: 2, waiting: 0 });
    expect(looks).toBe(2);
  });

  it('a file marked failed after it was sent is sent again by a resume', () => {
    const dir = mkdtempSync(join(tmpdir(), 'follow-record-'));
    const header = {
      type: 'start',
      runId: 'run-1',
      createdAt: '',
      source: 'gs://b',
      publisher: 'pubsub:t',
    } as RunHeader;
    const record = RunRecord.create(dir, header);
    for (const name of ['a', 'b']) record.append({ type: 'file', name, generation: '1', status: 'published' });
    record.close();
    expect([...readRunRecord('run-1', dir).sent].sort()).toEqual(['a#1', 'b#1']);
    RunRecord.addTo(record.path, [
      { type: 'file', name: 'b', generation: '1', status: 'failed', error: 'dead-lettered' },
    ]);
    expect([...readRunRecord('run-1', dir).sent]).toEqual(['a#1']);
  });
});
