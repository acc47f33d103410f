import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent, RunSummary } from '../../engine/run-backfill.js';
import { RunStep } from './RunStep.js';
import { waitForFrame } from '../../../test/helpers/ui/frames.js';
import { summaryOf } from '../../../test/helpers/ui/plans.js';

afterEach(cleanup);

function controlledRun() {
  let emit: (e: RunEvent) => void = () => {};
  let finish: (s: RunSummary) => void = () => {};
  const start = (onEvent: (e: RunEvent) => void) => {
    emit = onEvent;
    return new Promise<RunSummary>((resolve) => (finish = resolve));
  };
  return { start, emit: (e: RunEvent) => emit(e), finish: (s: RunSummary) => finish(s) };
}

const file = (i: number) => ({
  name: `data_type=json/analytics_environment=testing/event_category=gameplay/event_ds=2026-03-01/event_time=0-8/s/${i}`,
  size: 1024,
  generation: '1',
  updated: '',
});

describe('RunStep', () => {
  it('draws the bar with files/s, bytes, elapsed and ETA, and failures as they happen', async () => {
    const run = controlledRun();
    const onDone = vi.fn();
    let clock = 0;
    const { lastFrame } = render(
      <RunStep
        start={run.start}
        total={10}
        totalBytes={10 * 1024}
        stopping={false}
        onDone={onDone}
        onFail={() => {}}
        now={() => clock}
      />,
    );
    await waitForFrame(lastFrame, '0/10 files · 0 B/10 KiB · 0.0 files/s · 0s elapsed · ETA …');
    expect(lastFrame()).toContain('ctrl-c stop (finishes the files in flight)');
    clock = 4000;
    run.emit({ type: 'file', object: file(1), status: 'failed', error: 'not JSON at line 1' });
    run.emit({
      type: 'progress',
      progress: { total: 10, totalBytes: 10 * 1024, done: 4, doneBytes: 4 * 1024, failed: 1, elapsedMs: 4000 },
    });
    const frame = await waitForFrame(lastFrame, '4/10 files');
    expect(frame).toContain('4/10 files · 4.0 KiB/10 KiB · 1.0 files/s · 4s elapsed · ETA 6s');
    expect(frame).toMatch(/ 40%/);
    expect(frame).toContain('Failures (1):');
    expect(frame).toContain('✗ event_ds=2026-03-01/event_time=0-8/s/1: not JSON at line 1');
    const summary = summaryOf();
    run.finish(summary);
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith(summary));
  });

  it('says it is stopping after the first Ctrl-C, and how to quit at once', async () => {
    const run = controlledRun();
    const { lastFrame, rerender } = render(
      <RunStep start={run.start} total={3} totalBytes={3} stopping={false} onDone={() => {}} onFail={() => {}} />,
    );
    await waitForFrame(lastFrame, 'Running');
    rerender(
      <RunStep start={run.start} total={3} totalBytes={3} stopping={true} onDone={() => {}} onFail={() => {}} />,
    );
    const frame = await waitForFrame(lastFrame, 'Stopping: no new files are sent; waiting for the files in flight.');
    expect(frame).toContain('ctrl-c quit now');
  });

  it('hands a failed run to onFail', async () => {
    const onFail = vi.fn();
    render(
      <RunStep
        start={() => Promise.reject(new Error('no publisher'))}
        total={1}
        totalBytes={1}
        stopping={false}
        onDone={() => {}}
        onFail={onFail}
      />,
    );
    await vi.waitFor(() => expect(onFail).toHaveBeenCalledWith(new Error('no publisher'), 0)); // nothing went out
  });
});
