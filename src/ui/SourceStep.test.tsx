import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SourceStep } from './SourceStep.js';
import { KEY, press, type, waitForFrame } from './testing/frames.js';

afterEach(cleanup);

describe('SourceStep', () => {
  it('is prefilled and says where from', async () => {
    const { lastFrame } = render(<SourceStep defaultValue="gs://game-events" defaultFrom="the last run" checking={false} onSubmit={() => {}} />);
    const frame = await waitForFrame(lastFrame, 'Prefilled from the last run');
    expect(frame).toContain('gs://game-events');
    expect(frame).toContain('enter open');
  });

  it('validates as you type and submits only a usable bucket', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(<SourceStep defaultValue="" checking={false} onSubmit={onSubmit} />);
    await waitForFrame(lastFrame, 'Bucket ›');
    await press(stdin, KEY.enter);
    await waitForFrame(lastFrame, 'Give gs://BUCKET or the path');
    await type(stdin, 'gs://A');
    await waitForFrame(lastFrame, '"A" is not a valid bucket name');
    await press(stdin, KEY.enter);
    expect(onSubmit).not.toHaveBeenCalled();
    await press(stdin, KEY.backspace);
    await type(stdin, 'game-events');
    await waitForFrame(lastFrame, (f) => f.includes('gs://game-events') && !f.includes('not a valid'));
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('gs://game-events'));
  });

  it('shows a spinner while opening, then the reason it failed', async () => {
    const { lastFrame, rerender } = render(<SourceStep defaultValue="/no/such" checking={true} onSubmit={() => {}} />);
    await waitForFrame(lastFrame, 'Opening /no/such');
    rerender(<SourceStep defaultValue="/no/such" checking={false} error={{ bucket: '/no/such', message: 'folder /no/such does not exist' }} onSubmit={() => {}} />);
    await waitForFrame(lastFrame, 'folder /no/such does not exist');
  });
});
