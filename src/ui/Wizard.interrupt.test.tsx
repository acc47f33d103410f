import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../engine/run-backfill.js';
import type { Source } from '../ports/source.js';
import { KEY, press, waitForFrame } from '../../test/helpers/ui/frames.js';
import { planOf, summaryOf } from '../../test/helpers/ui/plans.js';
import { Wizard } from './Wizard.js';
import type { WizardDeps, WizardInput, WizardResult } from './model/wizard-types.js';

afterEach(cleanup);

const FLAGS: WizardInput = {
  dataType: 'json',
  reprocess: false,
  bucket: '/b',
  environments: ['testing'],
  categories: ['gameplay'],
  start: '2026-03-01',
  stop: '2026-03-01',
  times: 'all',
  destination: 'duckdb:w.duckdb',
};
const plan = planOf([{ ds: '2026-03-01', files: 10, size: 100 }]);
const source = { url: 'file:///b' } as Source;

/** Deps whose run sends nothing until told, and ends (interrupted) when its signal aborts. */
function stoppableDeps(onSignal: (s: AbortSignal) => void): WizardDeps {
  return {
    openSource: async () => source,
    plan: async () => plan,
    run: (_c, _p, signal, onEvent) =>
      new Promise<RunSummary>((resolve) => {
        onSignal(signal);
        onEvent({
          type: 'progress',
          progress: { total: 10, totalBytes: 1000, done: 3, doneBytes: 300, failed: 0, elapsedMs: 1000 },
        });
        signal.addEventListener('abort', () =>
          setTimeout(
            () =>
              resolve(
                summaryOf({
                  interrupted: true,
                  notSent: 7,
                  counts: { published: 0, ingested: 3, staged: 0, 'already-ingested': 0, failed: 0 },
                }),
              ),
            50,
          ),
        );
      }),
    destination: () => 'duckdb:w.duckdb',
    destinations: () => [],
  };
}

async function startRun(deps: WizardDeps, interrupt?: AbortSignal) {
  const onExit = vi.fn<(r: WizardResult) => void>();
  const app = render(
    <Wizard initial={FLAGS} deps={deps} onExit={onExit} onFail={() => {}} {...(interrupt ? { interrupt } : {})} />,
  );
  await waitForFrame(app.lastFrame, 'Total: 1 partition');
  await press(app.stdin, KEY.enter);
  await waitForFrame(app.lastFrame, 'Start the backfill?');
  await press(app.stdin, KEY.enter);
  await waitForFrame(app.lastFrame, '3/10 files');
  return { ...app, onExit };
}

describe('Ctrl-C during a run', () => {
  it('stops sending, waits for what is in flight, and reports what went out (the resume command follows the wizard)', async () => {
    let signal: AbortSignal | undefined;
    const { lastFrame, stdin, onExit } = await startRun(stoppableDeps((s) => (signal = s)));
    expect(signal?.aborted).toBe(false);
    await press(stdin, KEY.ctrlC);
    expect(signal?.aborted).toBe(true);
    const frame = await waitForFrame(lastFrame, 'Interrupted after');
    expect(frame).toContain('3 ingested, 0 failed, 7 not sent');
    expect(frame).toContain('3 files went out; 7 were not sent.');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(expect.objectContaining({ kind: 'ran' })));
  });

  it('quits at once on a second Ctrl-C', async () => {
    const deps = stoppableDeps(() => {});
    deps.run = (_c, _p, _signal, onEvent) => {
      onEvent({
        type: 'progress',
        progress: { total: 10, totalBytes: 1000, done: 3, doneBytes: 300, failed: 0, elapsedMs: 1000 },
      });
      return new Promise<RunSummary>(() => {}); // a file in flight that never finishes
    };
    const { lastFrame, stdin, onExit } = await startRun(deps);
    await press(stdin, KEY.ctrlC);
    await waitForFrame(lastFrame, 'Stopping: no new files are sent');
    expect(onExit).not.toHaveBeenCalled();
    await press(stdin, KEY.ctrlC);
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith({ kind: 'quit' }));
  });

  it('counts two Ctrl-Cs that arrive in one read as two: it quits', async () => {
    const deps = stoppableDeps(() => {});
    deps.run = (_c, _p, _signal, onEvent) => {
      onEvent({
        type: 'progress',
        progress: { total: 10, totalBytes: 1000, done: 3, doneBytes: 300, failed: 0, elapsedMs: 1000 },
      });
      return new Promise<RunSummary>(() => {});
    };
    const { stdin, onExit } = await startRun(deps);
    stdin.write('\x03\x03');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith({ kind: 'quit' }));
  });

  it('treats an outside SIGINT (the interrupt signal) like Ctrl-C', async () => {
    let signal: AbortSignal | undefined;
    const interrupt = new AbortController();
    const { lastFrame } = await startRun(
      stoppableDeps((s) => (signal = s)),
      interrupt.signal,
    );
    interrupt.abort();
    await waitForFrame(lastFrame, 'Interrupted after');
    expect(signal?.aborted).toBe(true);
  });
});
