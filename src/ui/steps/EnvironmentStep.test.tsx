import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { EnvironmentStep } from './EnvironmentStep.js';
import { KEY, press, waitForFrame } from '../../../test/helpers/ui/frames.js';

afterEach(cleanup);

describe('EnvironmentStep', () => {
  it('lists every environment folder in the bucket (qa too, as -e all and -e qa take it), the usual ones first, and none that is absent', async () => {
    const { lastFrame } = render(<EnvironmentStep present={['qa', 'staging', 'testing']} onSubmit={() => {}} />);
    const frame = await waitForFrame(lastFrame, '0 of 3 selected');
    const lines = frame.split('\n');
    const row = (env: string) => lines.findIndex((l) => l.includes(env));
    expect(row('testing')).toBeLessThan(row('staging'));
    expect(row('staging')).toBeLessThan(row('qa'));
    expect(frame).not.toContain('production');
  });

  it('says so when the bucket holds no environment folder', async () => {
    const { lastFrame } = render(<EnvironmentStep present={[]} onSubmit={() => {}} />);
    await waitForFrame(lastFrame, 'No analytics_environment= folders');
  });

  it('shows a spinner while looking', async () => {
    const { lastFrame } = render(<EnvironmentStep present={undefined} onSubmit={() => {}} />);
    await waitForFrame(lastFrame, 'Looking in the bucket');
  });

  it('refuses to go on with nothing selected, then submits what space selected', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(<EnvironmentStep present={['staging', 'testing']} onSubmit={onSubmit} />);
    await waitForFrame(lastFrame, 'of 2 selected');
    await press(stdin, KEY.enter);
    await waitForFrame(lastFrame, 'Choose at least one');
    expect(onSubmit).not.toHaveBeenCalled();
    await press(stdin, KEY.down, KEY.space);
    await waitForFrame(lastFrame, '1 of 2 selected');
    expect(lastFrame()).not.toContain('Choose at least one');
    await press(stdin, KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith(['staging']);
  });

  it('selects every environment in the bucket with a, and none with a again', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(<EnvironmentStep present={['staging', 'testing']} onSubmit={onSubmit} />);
    await waitForFrame(lastFrame, '0 of 2 selected');
    await press(stdin, 'a');
    await waitForFrame(lastFrame, '2 of 2 selected');
    await press(stdin, 'a');
    await waitForFrame(lastFrame, '0 of 2 selected');
    await press(stdin, 'a', KEY.enter);
    expect(onSubmit).toHaveBeenCalledWith(['testing', 'staging']);
  });

  it('takes a and Enter, or space and Enter, arriving in one read', async () => {
    const all = vi.fn();
    const first = render(<EnvironmentStep present={['staging', 'testing']} onSubmit={all} />);
    await waitForFrame(first.lastFrame, '0 of 2 selected');
    first.stdin.write('a\r');
    await vi.waitFor(() => expect(all).toHaveBeenCalledWith(['testing', 'staging']));
    const one = vi.fn();
    const second = render(<EnvironmentStep present={['staging', 'testing']} onSubmit={one} />);
    await waitForFrame(second.lastFrame, '0 of 2 selected');
    second.stdin.write('\u001B[B'); // down
    second.stdin.write(' \r');
    await vi.waitFor(() => expect(one).toHaveBeenCalledWith(['staging']));
  });

  it('offers retry and back when the bucket could not be read', async () => {
    const onRetry = vi.fn();
    const onBack = vi.fn();
    const { lastFrame, stdin } = render(
      <EnvironmentStep
        present={undefined}
        error="could not reach Cloud Storage"
        onSubmit={() => {}}
        onRetry={onRetry}
        onBack={onBack}
      />,
    );
    const frame = await waitForFrame(lastFrame, 'could not reach Cloud Storage');
    expect(frame).toMatch(/r retry.*esc back/);
    await press(stdin, 'r');
    await vi.waitFor(() => expect(onRetry).toHaveBeenCalledOnce());
    await press(stdin, KEY.esc);
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledOnce());
  });

  it('keeps an earlier choice and goes back on esc', async () => {
    const onBack = vi.fn();
    const { lastFrame, stdin } = render(
      <EnvironmentStep
        present={['staging', 'testing']}
        defaultValue={['testing']}
        onSubmit={() => {}}
        onBack={onBack}
      />,
    );
    await waitForFrame(lastFrame, '1 of 2 selected');
    expect(lastFrame()).toContain('esc back');
    await press(stdin, KEY.esc);
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledOnce());
  });
});
