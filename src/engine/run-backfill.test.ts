import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryText } from '../cli/report.js';
import type { Publisher } from '../ports/publisher.js';
import { planOf } from '../../test/helpers/ui/plans.js';
import { FAILURES_KEPT, runBackfill } from './run-backfill.js';
import { RunRecord } from './run-record.js';

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
    const record = RunRecord.create(dir, {
      type: 'start',
      runId: 'r1',
      createdAt: '',
      source: 's',
      publisher: 'test:',
      selection: plan.selection,
      reprocess: false,
      planned: plan.totals.toSend,
    });
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
