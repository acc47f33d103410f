import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfirmStep } from './ConfirmStep.js';
import { KEY, press, waitForFrame } from '../../../test/helpers/ui/frames.js';
import { planOf } from '../../../test/helpers/ui/plans.js';

afterEach(cleanup);
const totals = planOf([{ ds: '2026-03-01', files: 4, size: 512 }]).totals;

describe('ConfirmStep', () => {
  it('says what goes where, that the command line comes at the end, and starts on enter', async () => {
    const onConfirm = vi.fn();
    const { lastFrame, stdin } = render(
      <ConfirmStep
        totals={totals}
        source="/data/bucket"
        destination="duckdb:w.duckdb"
        reprocess={false}
        onConfirm={onConfirm}
        onBack={() => {}}
      />,
    );
    const frame = await waitForFrame(lastFrame, 'Start the backfill?');
    expect(frame).toContain('Send 4 files (2.0 KiB) from /data/bucket');
    expect(frame).toContain('to duckdb:w.duckdb?');
    expect(frame).toContain('printed when the wizard ends');
    expect(frame).not.toContain('Then follows');
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onConfirm).toHaveBeenCalledOnce());
  });

  it('says a --topic run is followed until its files land', async () => {
    const { lastFrame } = render(
      <ConfirmStep
        totals={totals}
        source="gs://b"
        destination="Pub/Sub topic t"
        reprocess={false}
        follows
        onConfirm={() => {}}
        onBack={() => {}}
      />,
    );
    const frame = await waitForFrame(lastFrame, 'Start the backfill?');
    expect(frame).toMatch(
      /Then follows the published files until every one landed or\s+failed \(Ctrl-C stops\s+following\)/,
    );
  });

  it('goes back on n and on esc', async () => {
    const onBack = vi.fn();
    const { lastFrame, stdin } = render(
      <ConfirmStep totals={totals} source="s" destination="d" reprocess={true} onConfirm={() => {}} onBack={onBack} />,
    );
    await waitForFrame(lastFrame, 'sending files already ingested again (they land nothing new)');
    await press(stdin, 'n');
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledTimes(1));
    await press(stdin, KEY.esc);
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledTimes(2));
  });
});
