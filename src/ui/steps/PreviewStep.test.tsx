import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PreviewStep } from './PreviewStep.js';
import { KEY, press, waitForFrame } from '../../../test/helpers/ui/frames.js';
import { planOf } from '../../../test/helpers/ui/plans.js';

afterEach(cleanup);
const noop = () => {};

describe('PreviewStep', () => {
  it('shows a spinner with listing progress, then per partition and total numbers', async () => {
    const { lastFrame, rerender } = render(
      <PreviewStep
        plan={undefined}
        progress={{ listedPartitions: 2, totalPartitions: 6, matched: 14 }}
        largeSelection={10_000}
        onSubmit={noop}
        onBack={noop}
      />,
    );
    await waitForFrame(lastFrame, 'Listing files… 2/6 partitions, 14 files so far');
    const plan = planOf([
      { ds: '2026-03-01', files: 3, size: 2048, already: 1 },
      { ds: '2026-03-02', time: '8-16', files: 5, size: 1024 },
    ]);
    rerender(<PreviewStep plan={plan} largeSelection={10_000} onSubmit={noop} onBack={noop} />);
    const frame = await waitForFrame(lastFrame, 'Total: 2 partitions');
    expect(frame).toMatch(/testing\s+gameplay\s+2026-03-01\s+0-8\s+3\s+6\.0 KiB\s+1\s+2/);
    expect(frame).toMatch(/testing\s+gameplay\s+2026-03-02\s+8-16\s+5\s+5\.0 KiB\s+0\s+5/);
    expect(frame).toMatch(/Total: 2 partitions\s+8\s+11 KiB\s+1\s+7/);
    expect(frame).toContain('To send: 7 files, 9.0 KiB');
    expect(frame).toContain('Note: 1 files already ingested are skipped: each file generation lands once');
  });

  it('with nothing to send, offers finish (q, exit 0) and back instead of leaving only ctrl-c', async () => {
    const onFinish = vi.fn();
    const { lastFrame, stdin } = render(
      <PreviewStep
        plan={planOf([{ ds: '2026-03-01', files: 3, already: 3 }])}
        largeSelection={10_000}
        onSubmit={noop}
        onFinish={onFinish}
        onBack={noop}
      />,
    );
    const frame = await waitForFrame(lastFrame, 'Nothing to send');
    expect(frame).toMatch(/q finish \(nothing to send\).*esc back/);
    await press(stdin, 'q');
    await vi.waitFor(() => expect(onFinish).toHaveBeenCalledOnce());
  });

  it('offers retry when planning failed', async () => {
    const onRetry = vi.fn();
    const { lastFrame, stdin } = render(
      <PreviewStep
        plan={undefined}
        error="could not reach BigQuery"
        largeSelection={10}
        onSubmit={noop}
        onRetry={onRetry}
        onBack={noop}
      />,
    );
    await waitForFrame(lastFrame, /r retry/);
    await press(stdin, 'r');
    await vi.waitFor(() => expect(onRetry).toHaveBeenCalledOnce());
  });

  it('offers no reprocess key (it would land nothing), and says what --reprocess really does', async () => {
    const onSubmit = vi.fn();
    const plan = planOf([{ ds: '2026-03-01', files: 3, already: 3 }]);
    const { lastFrame, stdin, rerender } = render(
      <PreviewStep plan={plan} largeSelection={10_000} onSubmit={onSubmit} onBack={noop} />,
    );
    await waitForFrame(lastFrame, 'Nothing to send: every matched file is already ingested.');
    expect(lastFrame()).not.toContain('enter continue');
    expect(lastFrame()).not.toMatch(/\br\b.*reprocess/);
    await press(stdin, KEY.enter);
    expect(onSubmit).not.toHaveBeenCalled();
    rerender(
      <PreviewStep
        plan={planOf([{ ds: '2026-03-01', files: 3, already: 3 }], true)}
        largeSelection={10_000}
        onSubmit={onSubmit}
        onBack={noop}
      />,
    );
    const frame = await waitForFrame(lastFrame, 'they land nothing new');
    expect(frame.replace(/\s+/g, ' ')).toContain(
      'Warning: --reprocess sends 3 files already ingested again, but they land nothing new',
    );
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledOnce());
  });

  it('warns when nothing matched and when the selection is very large', async () => {
    const { lastFrame, rerender } = render(
      <PreviewStep plan={planOf([])} largeSelection={10} onSubmit={noop} onBack={noop} />,
    );
    await waitForFrame(lastFrame, 'Warning: Nothing matched the selection');
    rerender(
      <PreviewStep
        plan={planOf([{ ds: '2026-03-01', files: 11, size: 1 << 20 }])}
        largeSelection={10}
        onSubmit={noop}
        onBack={noop}
      />,
    );
    await waitForFrame(lastFrame, 'Warning: Very large selection: 11 files (11 MiB) to send.');
  });

  it('scrolls a long list inside 24 rows instead of overflowing', async () => {
    const days = Array.from({ length: 40 }, (_, i) => ({
      ds: `2026-03-${String((i % 28) + 1).padStart(2, '0')}`,
      category: `c${i}`,
      files: 1,
    }));
    const { lastFrame, stdin } = render(
      <PreviewStep plan={planOf(days)} largeSelection={10_000} onSubmit={noop} onBack={noop} />,
    );
    const first = await waitForFrame(lastFrame, /rows 1–\d+ of 40/);
    expect(first.split('\n').length).toBeLessThanOrEqual(24);
    expect(first).toMatch(/\bc0\b/);
    await press(stdin, KEY.pageDown);
    const next = await waitForFrame(lastFrame, (f) => !/rows 1–/.test(f));
    expect(next).not.toMatch(/\bc0\b/);
    expect(next).toMatch(/↑ \d+ more/);
    await press(stdin, KEY.up);
    await waitForFrame(lastFrame, (f) => f !== next);
  });

  it('shows a listing failure and goes back on esc', async () => {
    const onBack = vi.fn();
    const { lastFrame, stdin } = render(
      <PreviewStep plan={undefined} error="permission denied" largeSelection={10} onSubmit={noop} onBack={onBack} />,
    );
    await waitForFrame(lastFrame, 'Could not plan the backfill: permission denied');
    await press(stdin, KEY.esc);
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledOnce());
  });
});
