import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEY, press, waitForFrame } from '../../../test/helpers/ui/frames.js';
import { TimeStep } from './TimeStep.js';

afterEach(cleanup);

describe('TimeStep', () => {
  it('starts with all three buckets, with their hours, and submits what is left selected', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(<TimeStep onSubmit={onSubmit} />);
    const frame = await waitForFrame(lastFrame, '3 of 3 selected');
    expect(frame).toContain('0-8    00:00–08:00 UTC');
    expect(frame).toContain('16-24  16:00–24:00 UTC');
    await press(stdin, KEY.down, KEY.space); // drop 8-16
    await waitForFrame(lastFrame, '2 of 3 selected');
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith(['0-8', '16-24']));
  });

  it('refuses none, keeps an earlier choice, and goes back on esc', async () => {
    const onBack = vi.fn();
    const { lastFrame, stdin } = render(<TimeStep defaultValue={['8-16']} onSubmit={() => {}} onBack={onBack} />);
    await waitForFrame(lastFrame, '1 of 3 selected');
    await press(stdin, 'a', 'a'); // all, then none
    await waitForFrame(lastFrame, '0 of 3 selected');
    await press(stdin, KEY.enter);
    await waitForFrame(lastFrame, 'Choose at least one');
    await press(stdin, KEY.esc);
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledOnce());
  });
});
