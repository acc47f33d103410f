import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { SummaryStep } from './SummaryStep.js';
import { waitForFrame } from '../../../test/helpers/ui/frames.js';
import { summaryOf } from '../../../test/helpers/ui/plans.js';

afterEach(cleanup);

const P = 'data_type=json/analytics_environment=live/event_category=shop/event_ds=2026-03-01/event_time=0-8/';

describe('SummaryStep', () => {
  it('shows counts, events landed and the run record', async () => {
    const s = summaryOf({
      counts: { published: 0, ingested: 12, staged: 0, 'already-ingested': 0, failed: 0 },
      bytes: 12 * 1024,
      rows: { events: 84, debug: 0, filesWithDebug: 0, worst: [] },
    });
    const { lastFrame } = render(<SummaryStep summary={s} />);
    const frame = await waitForFrame(lastFrame, 'Done in 12s: 12 ingested, 0 failed (12 KiB).');
    expect(frame).toContain('84 events landed in events.events_function.\nNo line was rejected.');
    expect(frame).toContain('Run record: /state/runs/20260315-120000-abcd.ndjson');
  });

  it('makes a file that lost most of its lines visible: rejected lines, where they went, the worst file', async () => {
    const rows = {
      events: 90,
      debug: 41,
      filesWithDebug: 2,
      worst: [
        { name: `${P}s1/truncated.gz`, debug: 40, events: 2 },
        { name: `${P}s2/ok`, debug: 1, events: 88 },
      ],
    };
    const s = summaryOf({ counts: { published: 0, ingested: 2, staged: 0, 'already-ingested': 0, failed: 0 }, rows });
    const { lastFrame } = render(<SummaryStep summary={s} />);
    const frame = await waitForFrame(lastFrame, 'lines rejected into');
    expect(frame).toContain(
      '90 events landed in events.events_function.\n41 lines rejected into logs.events_debug_function, from 2 files; most from:',
    );
    expect(frame).toContain('live/shop/2026-03-01/0-8/s1/truncated.gz: 40 rejected, 2 landed');
  });

  it('groups failures by reason, naming the part of the path that differs', async () => {
    const s = summaryOf({
      counts: { published: 3, ingested: 0, staged: 0, 'already-ingested': 0, failed: 3 },
      failures: [
        { name: `${P}s1/a`, generation: '1', error: 'permission denied' },
        { name: `${P}s1/b`, generation: '1', error: 'topic not found' },
        { name: `${P}s2/c`, generation: '1', error: 'permission denied' },
      ],
    });
    const { lastFrame } = render(<SummaryStep summary={s} />);
    const frame = await waitForFrame(lastFrame, 'Failures:');
    expect(frame).toContain('3 published, 3 failed');
    expect(frame).toContain('✗ 2 failed: permission denied (e.g. live/shop/2026-03-01/0-8/s1/a)');
    expect(frame).toContain('✗ 1 failed: topic not found (live/shop/2026-03-01/0-8/s1/b)');
    expect(frame).toContain('Events land as the ingest function takes each notification');
  });

  it('fits 24 rows however many reasons there are, pointing to the run record for the rest', async () => {
    const failures = Array.from({ length: 50 }, (_, i) => ({
      name: `${P}f${i}`,
      generation: '1',
      error: `refused ${i}`,
    }));
    const s = summaryOf({
      counts: { published: 0, ingested: 0, staged: 0, 'already-ingested': 0, failed: 50 },
      failures,
    });
    const { lastFrame } = render(<SummaryStep summary={s} />);
    const frame = await waitForFrame(lastFrame, 'more in the run record');
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame).toContain('✗ 1 failed: refused 0 (live/shop/2026-03-01/0-8/f0)');
  });

  it('reports an interrupted run: what went out and what did not', async () => {
    const s = summaryOf({
      interrupted: true,
      notSent: 7,
      elapsedMs: 3000,
      counts: { published: 0, ingested: 5, staged: 0, 'already-ingested': 0, failed: 0 },
    });
    const { lastFrame } = render(<SummaryStep summary={s} />);
    const frame = await waitForFrame(lastFrame, 'Interrupted after 3s: 5 ingested, 0 failed, 7 not sent');
    expect(frame).toContain('5 files went out; 7 were not sent.');
  });
});
