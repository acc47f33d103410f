import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { SummaryStep } from './SummaryStep.js';
import { waitForFrame } from './testing/frames.js';
import { summaryOf } from './testing/plans.js';

afterEach(cleanup);

describe('SummaryStep', () => {
  it('shows counts, the run record and the command line; no resume when all went out', async () => {
    const s = summaryOf({ counts: { published: 0, ingested: 12, 'already-ingested': 0, failed: 0 }, bytes: 12 * 1024 });
    const { lastFrame } = render(<SummaryStep summary={s} commandLine="npx analytics-backfill --gcs-bucket b --yes" resumeCommand="RESUME" />);
    const frame = await waitForFrame(lastFrame, 'Done in 12s: 12 ingested, 0 failed (12 KiB).');
    expect(frame).toContain('Run record: /state/runs/20260315-120000-abcd.ndjson');
    expect(frame).toContain('npx analytics-backfill --gcs-bucket b --yes');
    expect(frame).not.toContain('RESUME');
  });

  it('lists failures with reasons and how to resume', async () => {
    const s = summaryOf({
      counts: { published: 3, ingested: 0, 'already-ingested': 0, failed: 2 },
      failures: [
        { name: 'data_type=json/a', generation: '1', error: 'permission denied' },
        { name: 'data_type=json/b', generation: '1', error: 'topic not found' },
      ],
    });
    const { lastFrame } = render(<SummaryStep summary={s} commandLine="CMD" resumeCommand="npx analytics-backfill --resume 20260315-120000-abcd --yes" />);
    const frame = await waitForFrame(lastFrame, 'Failures:');
    expect(frame).toContain('3 published, 2 failed');
    expect(frame).toContain('✗ data_type=json/a: permission denied');
    expect(frame).toContain('✗ data_type=json/b: topic not found');
    expect(frame).toContain('npx analytics-backfill --resume 20260315-120000-abcd --yes');
  });

  it('fits 24 rows however many files failed, pointing to the run record for the rest', async () => {
    const failures = Array.from({ length: 50 }, (_, i) => ({ name: `data_type=json/f${i}`, generation: '1', error: 'refused' }));
    const s = summaryOf({ counts: { published: 0, ingested: 0, 'already-ingested': 0, failed: 50 }, failures });
    const { lastFrame } = render(<SummaryStep summary={s} commandLine={`npx analytics-backfill ${'--flag value '.repeat(15)}--yes`} resumeCommand="npx analytics-backfill --resume 20260315-120000-abcd --record-dir /state/runs --yes" />);
    const frame = await waitForFrame(lastFrame, 'more in the run record');
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame).toContain('✗ data_type=json/f0: refused');
    expect(frame).toContain('--resume 20260315-120000-abcd');
  });

  it('reports an interrupted run: what went out and what did not', async () => {
    const s = summaryOf({ interrupted: true, notSent: 7, elapsedMs: 3000, counts: { published: 0, ingested: 5, 'already-ingested': 0, failed: 0 } });
    const { lastFrame } = render(<SummaryStep summary={s} commandLine="CMD" resumeCommand="RESUME-CMD" />);
    const frame = await waitForFrame(lastFrame, 'Interrupted after 3s: 5 ingested, 0 failed, 7 not sent');
    expect(frame).toContain('5 files went out; 7 were not sent.');
    expect(frame).toContain('RESUME-CMD');
  });
});
