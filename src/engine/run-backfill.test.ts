import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryText } from '../cli/report.js';
import type { Publisher } from '../ports/publisher.js';
import { planOf } from '../../test/helpers/ui/plans.js';
import { FAILURES_KEPT, runBackfill } from './run-backfill.js';
import type { BackfillPlan } from './plan-backfill.js';
import { RunRecord } from './run-record.js';
import { exitCodeOfRun } from './run-outcome.js';

/** A run record in `dir` for a run `r1` of `plan`. */
const recordIn = (dir: string, plan: BackfillPlan) =>
  RunRecord.create(dir, {
    type: 'start',
    runId: 'r1',
    createdAt: '',
    source: 's',
    publisher: 'test:',
    selection: plan.selection,
    reprocess: false,
    planned: plan.totals.toSend,
  });

describe('runBackfill', () => {
  it('sends the files the plan journaled; with many failures it keeps the first few, counts all, records each', async () => {
    const plan = planOf([
      { ds: '2026-03-01', files: 150 },
      { ds: '2026-03-02', files: 100, already: 40 },
    ]);
    const publisher: Publisher = {
      url: 'test:',
      concurrency: 8,
      send: async (o) => {
        if (Number(o.name.split('/').at(-1)) % 2 === 0) throw new Error('topic gone');
        return { status: 'published', messageId: o.name };
      },
      close: async () => undefined,
    };
    const dir = mkdtempSync(join(tmpdir(), 'run-'));
    const record = recordIn(dir, plan);
    const summary = await runBackfill({ plan, publisher, record, runId: 'r1' });
    expect(plan.totals.toSend).toBe(210);
    expect(summary.counts).toMatchObject({ published: 105, failed: 105 });
    expect(summary.failures).toHaveLength(FAILURES_KEPT);
    const lines = readFileSync(record.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; status?: string });
    expect(lines.filter((l) => l.status === 'failed')).toHaveLength(105);
    // One line per reason, not one per file; the rest counted.
    const text = summaryText(summary, 'resume');
    expect(text).toContain('100 failed: topic gone (e.g. testing/gameplay/2026-03-01/0-8/s/0)');
    expect(text).toContain('… and 5 more failures (see the run record)');
  });
});

describe('runBackfill, when its record can no longer be written', () => {
  /** A 64 KiB tmpfs, mounted for the test (root only; the CI runs as root): a disk that really fills. */
  const tinyDisk = (): string | undefined => {
    const dir = mkdtempSync(join(tmpdir(), 'full-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
      return dir;
    } catch {
      return undefined;
    }
  };

  /** Writes into `dir` until its disk is full. */
  const fill = (dir: string) => {
    try {
      for (let i = 0; ; i++) writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(4096));
    } catch {
      // full
    }
  };

  it.runIf(process.getuid?.() === 0)(
    'stops sending, says why (ENOSPC), and lets what was in flight finish: nothing thrown',
    async () => {
      const disk = tinyDisk();
      expect(disk, 'a tmpfs could not be mounted').toBeDefined();
      try {
        const plan = planOf([{ ds: '2026-03-01', files: 400 }]);
        let sent = 0;
        const publisher: Publisher = {
          url: 'test:',
          concurrency: 4,
          send: async (o) => {
            // After 50 files the disk is full: the record's next write fails with ENOSPC.
            if (++sent === 50) fill(disk!);
            await new Promise((r) => setImmediate(r));
            return { status: 'published', messageId: o.name };
          },
          close: async () => undefined,
        };
        const record = recordIn(disk!, plan);
        const summary = await runBackfill({ plan, publisher, record, runId: 'r1' });
        expect(summary.recordError).toMatch(/cannot be written \(ENOSPC\)/);
        expect(summary.interrupted).toBe(false);
        expect(summary.notSent).toBeGreaterThan(300);
        expect(summary.counts).toMatchObject({ failed: 0 });
        expect(summary.counts.published + summary.notSent).toBe(400);
        expect(exitCodeOfRun(summary)).toBe(1);
        const text = summaryText(summary, 'RESUME');
        expect(text.split('\n')[0]).toMatch(
          /^Stopped after .*: run record .* cannot be written \(ENOSPC\): \d+ published, 0 failed, \d+ not sent/,
        );
        expect(text).toContain('RESUME');
      } finally {
        execFileSync('umount', [disk!]);
      }
    },
  );
});
