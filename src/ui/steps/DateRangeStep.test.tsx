import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DateRangeStep } from './DateRangeStep.js';
import { KEY, press, type, waitForFrame } from '../../../test/helpers/ui/frames.js';

afterEach(cleanup);
const NOW = new Date('2026-03-15T12:00:00Z');

describe('DateRangeStep', () => {
  it('validates as you type: incomplete, impossible, out of order, then the day count', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <DateRangeStep now={NOW} span={{ first: '2026-03-01', last: '2026-03-10' }} onSubmit={onSubmit} />,
    );
    await waitForFrame(lastFrame, 'In the bucket: 2026-03-01 to 2026-03-10');
    await type(stdin, '2026-02');
    await waitForFrame(lastFrame, 'keep typing: YYYY-MM-DD');
    await type(stdin, '-30');
    await waitForFrame(lastFrame, '2026-02-30 is not a calendar date');
    await press(stdin, KEY.enter);
    expect(onSubmit).not.toHaveBeenCalled();
    await press(stdin, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    await type(stdin, '3-09');
    await waitForFrame(lastFrame, (f) => !f.includes('not a calendar date'));
    await press(stdin, KEY.enter); // start is valid: on to stop
    await waitForFrame(lastFrame, /› Stop/);
    await type(stdin, '2026-03-01');
    await waitForFrame(lastFrame, 'The stop date 2026-03-01 is before the start date 2026-03-09.');
    await press(stdin, KEY.enter);
    expect(onSubmit).not.toHaveBeenCalled();
    await press(stdin, KEY.backspace);
    await type(stdin, '2');
    await waitForFrame(lastFrame, 'The stop date 2026-03-02 is before');
    await press(stdin, KEY.backspace, KEY.backspace, KEY.backspace);
    await type(stdin, '-12');
    await waitForFrame(lastFrame, '4 days');
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('2026-03-09', '2026-03-12'));
  });

  it('takes both dates typed with their Enters in one burst, before any frame, as a terminal sends them', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <DateRangeStep now={NOW} span={{ first: '2026-03-01', last: '2026-03-10' }} onSubmit={onSubmit} />,
    );
    await waitForFrame(lastFrame, 'In the bucket: 2026-03-01 to 2026-03-10');
    for (const key of ['2026-03-02', '\r', '2026-03-03', '\r']) stdin.write(key); // no frame in between
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('2026-03-02', '2026-03-03'));
  });

  it('applies Backspaces that arrive together and ctrl-u, never typing them as invisible characters', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <DateRangeStep now={NOW} span={{ first: '2026-03-01', last: '2026-03-10' }} onSubmit={onSubmit} />,
    );
    await waitForFrame(lastFrame, 'In the bucket: 2026-03-01 to 2026-03-10');
    stdin.write('2026-03-0299');
    stdin.write('\x7f\x7f'); // two Backspaces in one read
    stdin.write('\r');
    stdin.write('1999-01-01');
    stdin.write('\x15'); // ctrl-u clears the field
    stdin.write('2026-03-04\r');
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('2026-03-02', '2026-03-04'));
  });

  it('takes a paste of both dates, each ending in a newline', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <DateRangeStep now={NOW} span={{ first: '2026-03-01', last: '2026-03-10' }} onSubmit={onSubmit} />,
    );
    await waitForFrame(lastFrame, 'In the bucket: 2026-03-01 to 2026-03-10');
    stdin.write('2026-03-04\n2026-03-06\n');
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('2026-03-04', '2026-03-06'));
  });

  it('fills both dates from a preset, including the span of dates in the bucket', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <DateRangeStep now={NOW} span={{ first: '2026-03-01', last: '2026-03-10' }} onSubmit={onSubmit} />,
    );
    const frame = await waitForFrame(lastFrame, 'Every date in the bucket');
    expect(frame).toMatch(/Yesterday\s+2026-03-14/);
    expect(frame).toMatch(/Last 7 days\s+2026-03-09 to 2026-03-15/);
    expect(frame).toMatch(/This month\s+2026-03-01 to 2026-03-15/);
    await press(stdin, KEY.up); // from Start, up goes to the presets, the dates in the bucket first
    await waitForFrame(lastFrame, /❯ Every date in the bucket/);
    expect(lastFrame()).toContain('enter use preset');
    await press(stdin, KEY.enter);
    await waitForFrame(lastFrame, '10 days');
    expect(lastFrame()).toMatch(/› Start\s+2026-03-01/);
    expect(lastFrame()).toMatch(/Stop\s+2026-03-10/);
    await press(stdin, KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('2026-03-01', '2026-03-10'));
  });

  it('moves between the fields and the presets with tab, and takes any preset', async () => {
    const { lastFrame, stdin } = render(
      <DateRangeStep now={NOW} span={{ first: '2026-03-01', last: '2026-03-10' }} onSubmit={() => {}} />,
    );
    await waitForFrame(lastFrame, 'Presets (↑ or tab):');
    await press(stdin, KEY.tab);
    await waitForFrame(lastFrame, /› Stop/);
    await press(stdin, KEY.tab);
    await waitForFrame(lastFrame, /❯ Every date in the bucket/);
    expect(lastFrame()).toContain('tab back to the dates');
    await press(stdin, KEY.down, KEY.down, KEY.down);
    await waitForFrame(lastFrame, /❯ Last 7 days/);
    await press(stdin, KEY.enter);
    const frame = await waitForFrame(lastFrame, '7 days');
    expect(frame).toMatch(/› Start\s+2026-03-09/);
    expect(frame).toMatch(/Stop\s+2026-03-15/);
    expect(frame).not.toContain('no data in the bucket'); // 03-09..03-15 overlaps 03-01..03-10
  });

  it('takes two tabs sent in one burst as two moves', async () => {
    const { lastFrame, stdin } = render(
      <DateRangeStep now={NOW} span={{ first: '2026-03-01', last: '2026-03-10' }} onSubmit={() => {}} />,
    );
    await waitForFrame(lastFrame, 'Presets (↑ or tab):');
    stdin.write('\t\t');
    await waitForFrame(lastFrame, /❯ Every date in the bucket/);
  });

  it('warns when the range misses every date in the bucket, and goes back on esc keeping earlier dates', async () => {
    const onBack = vi.fn();
    const { lastFrame, stdin } = render(
      <DateRangeStep
        now={NOW}
        span={{ first: '2026-03-01', last: '2026-03-10' }}
        defaultStart="2026-04-01"
        defaultStop="2026-04-02"
        onSubmit={() => {}}
        onBack={onBack}
      />,
    );
    await waitForFrame(lastFrame, '2 days  — no data in the bucket in this range');
    await press(stdin, KEY.esc);
    await vi.waitFor(() => expect(onBack).toHaveBeenCalledOnce());
  });

  it('shows a spinner while the dates in the bucket are looked up', async () => {
    const { lastFrame } = render(<DateRangeStep now={NOW} span={undefined} onSubmit={() => {}} />);
    const frame = await waitForFrame(lastFrame, 'Looking for the dates in the bucket');
    expect(frame).not.toContain('Every date in the bucket');
  });
});
