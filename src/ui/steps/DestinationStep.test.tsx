import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEY, press, waitForFrame } from '../../../test/helpers/ui/frames.js';
import { DestinationStep } from './DestinationStep.js';

afterEach(cleanup);

const OPTIONS = [
  { value: 'duckdb:/work/last.duckdb', label: "DuckDB file /work/last.duckdb, the last run's" },
  { value: 'duckdb:/work/analytics-backfill.duckdb', label: 'DuckDB file /work/analytics-backfill.duckdb (new file)' },
  { value: 'bigquery', label: 'BigQuery, project from your credentials' },
];

describe('DestinationStep', () => {
  it('offers the last run’s file first, says which file is new, and takes a typed path', async () => {
    const onSubmit = vi.fn();
    const { lastFrame, stdin } = render(
      <DestinationStep options={OPTIONS} onSubmit={onSubmit} typed={(p) => `duckdb:/abs/${p}`} />,
    );
    const frame = await waitForFrame(lastFrame, 'Another DuckDB file: type its path');
    expect(frame).toMatch(/❯ DuckDB file \/work\/last\.duckdb, the last run's/);
    expect(frame).toContain('(new file)');
    await press(stdin, KEY.down, KEY.down, KEY.down, KEY.enter);
    await waitForFrame(lastFrame, 'A path, then enter');
    await press(stdin, 'mine.duckdb', KEY.enter);
    await vi.waitFor(() => expect(onSubmit).toHaveBeenCalledWith('duckdb:/abs/mine.duckdb'));
  });
});
