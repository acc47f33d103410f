import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CategoryStep } from './CategoryStep.js';
import { KEY, press, waitForFrame } from '../../../test/helpers/ui/frames.js';

afterEach(cleanup);

describe('CategoryStep', () => {
  it('lists the categories found, keeps an earlier choice, and submits in list order', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <CategoryStep present={['economy', 'gameplay', 'social']} defaultValue={['social']} onSubmit={onSubmit} />,
    );
    const frame = await waitForFrame(lastFrame, '1 of 3 selected');
    expect(frame).toMatch(/economy[\s\S]*gameplay[\s\S]*social/);
    await press(stdin, KEY.space); // economy
    await waitForFrame(lastFrame, '2 of 3 selected');
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith(['economy', 'social']));
  });

  it('says so when nothing is there, and shows a discovery failure', async () => {
    const { lastFrame, rerender } = render(<CategoryStep present={[]} onSubmit={() => {}} />);
    await waitForFrame(lastFrame, 'No event categories under the chosen environments: esc to choose others.');
    rerender(<CategoryStep present={undefined} error="permission denied on gs://b" onSubmit={() => {}} />);
    await waitForFrame(lastFrame, 'permission denied on gs://b');
  });

  it('scrolls a long list inside 24 rows', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `category-${String(i).padStart(2, '0')}`);
    const { lastFrame, stdin } = render(<CategoryStep present={many} onSubmit={() => {}} />);
    const first = await waitForFrame(lastFrame, '(↑↓ to see all 40)');
    expect(first.split('\n').length).toBeLessThanOrEqual(24);
    expect(first).not.toContain('category-39');
    await press(stdin, ...Array.from({ length: 39 }, () => KEY.down));
    await waitForFrame(lastFrame, 'category-39');
  });
});
