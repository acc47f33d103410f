import { stripVTControlCharacters } from 'node:util';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planOf } from '../../../test/helpers/ui/plans.js';
import { KEY, press, waitForFrame } from '../../../test/helpers/ui/frames.js';
import { ColorProvider } from '../components/color.js';
import { CoverageStep } from './CoverageStep.js';

afterEach(cleanup);

const WINDOW = { start: '2026-03-01', stop: '2026-03-28' };
const plan = planOf([
  { env: 'testing', ds: '2026-03-01', time: '0-8', files: 2, already: 2 },
  { env: 'testing', ds: '2026-03-01', time: '8-16', files: 2 },
  { env: 'live', ds: '2026-03-02', time: '16-24', files: 1 },
]);

describe('CoverageStep', () => {
  it('moves a cursor over the cells, says what each holds, and submits the cells chosen with their span', async () => {
    const onSubmit = vi.fn();
    const onShift = vi.fn();
    const { lastFrame, stdin } = render(
      <ColorProvider color={false}>
        <CoverageStep state={{ status: 'done', value: plan }} window={WINDOW} onSubmit={onSubmit} onShift={onShift} />
      </ColorProvider>,
    );
    // The cursor starts on the first cell that needs a backfill.
    await waitForFrame(lastFrame, 'testing 2026-03-01 8-16: 2 files, 0 landed');
    await press(stdin, KEY.left);
    let frame = await waitForFrame(lastFrame, 'testing 2026-03-01 0-8: 2 files, 2 landed');
    // NO_COLOR: no colours, the cursor in inverse video.
    for (const color of [31, 32, 33, 34, 35, 36]) expect(frame).not.toContain(`\u001B[${color}m`);
    expect(frame).toContain('\u001B[7m#\u001B[27m');
    await press(stdin, KEY.right);
    await waitForFrame(lastFrame, 'testing 2026-03-01 8-16: 2 files, 0 landed');
    await press(stdin, KEY.space);
    frame = await waitForFrame(lastFrame, '1 cell chosen: 2 files, 2 not landed.');
    // A chosen cell reads as @ without colour or underline (a plain copy of the screen), and the legend says so.
    expect(stripVTControlCharacters(frame)).toMatch(/^testing +#@/m);
    expect(frame).toContain('@ chosen');
    expect(frame).toContain('enter backfill');
    await press(stdin, KEY.down);
    await waitForFrame(lastFrame, 'live 2026-03-01 8-16: no files');
    await press(stdin, '[');
    expect(onShift).toHaveBeenLastCalledWith(-1);
    await press(stdin, KEY.enter);
    await vi.waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith(['testing/2026-03-01/8-16'], {
        environments: ['testing'],
        start: '2026-03-01',
        stop: '2026-03-01',
        times: ['8-16'],
      }),
    );
  });

  it('m chooses every cell not landed; c clears; enter with none goes on to the dates', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <CoverageStep state={{ status: 'done', value: plan }} window={WINDOW} onSubmit={onSubmit} onShift={() => {}} />,
    );
    await waitForFrame(lastFrame, 'No cell chosen');
    await press(stdin, 'm');
    await waitForFrame(lastFrame, '2 cells chosen: 3 files, 3 not landed.');
    await press(stdin, 'c');
    await waitForFrame(lastFrame, 'No cell chosen');
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith([], undefined));
  });

  it('with more environments than the screen holds, shows the rows around the cursor, within 24 lines', async () => {
    const many = planOf(
      Array.from({ length: 20 }, (_, i) => ({ env: `env${String(i).padStart(2, '0')}`, ds: '2026-03-01', files: 1 })),
    );
    const { lastFrame, stdin } = render(
      <CoverageStep
        state={{ status: 'done', value: many }}
        window={{ start: '2026-03-01', stop: '2026-03-10' }}
        onSubmit={() => {}}
        onShift={() => {}}
      />,
    );
    let frame = await waitForFrame(lastFrame, 'env00 2026-03-01 0-8: 1 file, 0 landed (environments 1-6 of 20)');
    expect(frame).toMatch(/^env05 /m);
    expect(frame).not.toMatch(/^env06 /m);
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    await press(stdin, ...Array.from({ length: 12 }, () => KEY.down));
    frame = await waitForFrame(lastFrame, 'env12 2026-03-01 0-8: 1 file, 0 landed (environments 8-13 of 20)');
    expect(frame).not.toMatch(/^env06 /m);
    expect(frame).toMatch(/^env12 /m);
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('says why it cannot draw the map, and r retries', async () => {
    const onRetry = vi.fn();
    const { lastFrame, stdin } = render(
      <CoverageStep
        state={{ status: 'failed', error: 'the ledger did not answer' }}
        window={WINDOW}
        onSubmit={() => {}}
        onShift={() => {}}
        onRetry={onRetry}
      />,
    );
    await waitForFrame(lastFrame, 'Could not read what landed: the ledger did not answer (r to retry)');
    await press(stdin, 'r');
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('counts every chosen cell, in other windows too; m adds to what is chosen; u undoes; [ ] stop at the bucket', async () => {
    const later = planOf([{ env: 'testing', ds: '2026-04-01', time: '0-8', files: 5 }]);
    const onShift = vi.fn();
    const props = { onSubmit: vi.fn(), onShift, canShift: { earlier: true, later: false } };
    const { lastFrame, stdin, rerender } = render(
      <CoverageStep state={{ status: 'done', value: plan }} window={WINDOW} {...props} />,
    );
    await waitForFrame(lastFrame, 'testing 2026-03-01 8-16: 2 files, 0 landed');
    await press(stdin, KEY.space);
    await waitForFrame(lastFrame, '1 cell chosen: 2 files, 2 not landed.');
    await press(stdin, ']'); // the window already ends on the bucket's last day
    expect(onShift).not.toHaveBeenCalled();
    rerender(
      <CoverageStep
        state={{ status: 'done', value: later }}
        window={{ start: '2026-03-29', stop: '2026-04-25' }}
        {...props}
      />,
    );
    await waitForFrame(lastFrame, 'testing 2026-04-01 0-8: 5 files, 0 landed');
    await press(stdin, 'm');
    await waitForFrame(lastFrame, '2 cells chosen: 7 files, 7 not landed.');
    await press(stdin, 'u');
    await waitForFrame(lastFrame, '1 cell chosen: 2 files, 2 not landed.');
    await press(stdin, 'm', 'm');
    await waitForFrame(lastFrame, '2 cells chosen: 7 files, 7 not landed.');
    await press(stdin, KEY.enter);
    await vi.waitFor(() =>
      expect(props.onSubmit).toHaveBeenCalledWith(
        ['testing/2026-03-01/8-16', 'testing/2026-04-01/0-8'],
        expect.anything(),
      ),
    );
  });
});
