import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SourceStep } from './SourceStep.js';
import { KEY, press, type, waitForFrame } from '../../../test/helpers/ui/frames.js';

afterEach(cleanup);

describe('SourceStep', () => {
  it('is prefilled and says where from', async () => {
    const { lastFrame } = render(
      <SourceStep defaultValue="gs://game-events" defaultFrom="the last run" checking={false} onSubmit={() => {}} />,
    );
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

  it('takes keys in bursts: two Backspaces together delete two letters, a pasted path with its Enter submits', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <SourceStep defaultValue="/data/bucketXX" checking={false} onSubmit={onSubmit} />,
    );
    await waitForFrame(lastFrame, '/data/bucketXX');
    stdin.write('\x7f\x7f');
    await waitForFrame(lastFrame, /Bucket › \/data\/bucket\s*$/m);
    expect(lastFrame()).not.toContain('XX');
    stdin.write('\r');
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('/data/bucket'));
    const second = vi.fn();
    const other = render(<SourceStep defaultValue="" checking={false} onSubmit={second} />);
    await waitForFrame(other.lastFrame, 'Bucket ›');
    other.stdin.write('gs://pasted-events\r');
    await vi.waitFor(() => expect(second).toHaveBeenCalledWith('gs://pasted-events'));
  });

  it('edits like a shell: ctrl-a/e, ctrl-u/k, ctrl-w, arrows; no control letter is typed', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <SourceStep defaultValue="gs://old-bucket/extra" checking={false} onSubmit={onSubmit} />,
    );
    await waitForFrame(lastFrame, 'gs://old-bucket/extra');
    stdin.write('\x17'); // ctrl-w: the last word
    await waitForFrame(lastFrame, (f) => f.includes('gs://old-bucket/') && !f.includes('extra'));
    stdin.write('\x15'); // ctrl-u: everything before the cursor
    await waitForFrame(lastFrame, 'gs://my-analytics-bucket'); // the placeholder again
    stdin.write('events');
    stdin.write('\x01'); // ctrl-a, then type at the start
    stdin.write('gs://game-');
    await waitForFrame(lastFrame, 'gs://game-events');
    stdin.write('\x05\r'); // ctrl-e and Enter in one burst
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('gs://game-events'));
    expect(lastFrame()).not.toMatch(/[uwae]gs:/);
  });

  it('shows a spinner while opening, then the reason it failed', async () => {
    const { lastFrame, rerender } = render(<SourceStep defaultValue="/no/such" checking={true} onSubmit={() => {}} />);
    await waitForFrame(lastFrame, 'Opening /no/such');
    rerender(
      <SourceStep
        defaultValue="/no/such"
        checking={false}
        error={{ bucket: '/no/such', message: 'folder /no/such does not exist' }}
        onSubmit={() => {}}
      />,
    );
    await waitForFrame(lastFrame, 'folder /no/such does not exist');
  });
});
