import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { countRows } from '../../test/helpers/duckdb-query.js';
import { writeSampleBucket, type SampleTally } from '../demo/sample-bucket.js';
import { createDuckDbWarehouse } from '../local/duckdb/duckdb-warehouse.js';
import { createFolderSource } from '../local/folder/folder-source.js';
import type { Warehouse } from '../ports/warehouse.js';
import { engineDeps } from '../../test/helpers/ui/engine-deps.js';
import { KEY, press, type, waitForFrame } from '../../test/helpers/ui/frames.js';
import { Wizard } from './Wizard.js';
import { planBackfill } from '../engine/plan-backfill.js';
import type { WizardDeps, WizardInput, WizardResult } from './model/wizard-types.js';

let dir: string;
let bucket: string;
let tally: SampleTally;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wizard-'));
  bucket = join(dir, 'bucket');
  tally = writeSampleBucket(bucket, {
    environments: ['testing', 'staging'],
    categories: ['gameplay', 'economy'],
    start: '2026-03-01',
    stop: '2026-03-03',
    times: ['0-8', '8-16'],
    filesPerPartition: 2,
    eventsPerFile: 5,
    seed: 3,
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(cleanup);

/** Nothing chosen but the destination (its step has a test of its own, the whole backfill). */
const BLANK: WizardInput = { dataType: 'json', reprocess: false, destination: 'duckdb:chosen.duckdb' };

async function withWarehouse<T>(
  name: string,
  body: (w: Warehouse, records: string, db: string) => Promise<T>,
): Promise<T> {
  const db = join(dir, `${name}.duckdb`);
  const warehouse = await createDuckDbWarehouse(db);
  try {
    return await body(warehouse, join(dir, `${name}-runs`), db);
  } finally {
    await warehouse.close();
  }
}

function mount(initial: WizardInput, deps: WizardDeps) {
  const onExit = vi.fn<(r: WizardResult) => void>();
  const onFail = vi.fn();
  const app = render(<Wizard initial={initial} deps={deps} onExit={onExit} onFail={onFail} />);
  return { ...app, onExit, onFail };
}

describe('Wizard', () => {
  it('goes through a whole backfill of a folder into DuckDB, with a step back on the way', async () => {
    const db = await withWarehouse('whole', async (warehouse, records, db) => {
      const { lastFrame, stdin, onExit } = mount(
        { dataType: 'json', reprocess: false },
        engineDeps(warehouse, records),
      );
      await waitForFrame(lastFrame, 'Bucket ›');
      await type(stdin, bucket);
      await press(stdin, KEY.enter);
      let frame = await waitForFrame(lastFrame, /Which analytics environments\?[\s\S]*0 of 2 selected/);
      expect(frame).toMatch(/testing[\s\S]*staging/);
      expect(frame).not.toContain('production');
      await press(stdin, KEY.space, KEY.enter); // testing
      frame = await waitForFrame(lastFrame, '0 of 2 selected');
      expect(frame).toContain('economy');
      expect(frame).toContain('gameplay');
      await press(stdin, KEY.esc); // back: the environment stays chosen
      await waitForFrame(lastFrame, '1 of 2 selected');
      await press(stdin, KEY.enter);
      await waitForFrame(lastFrame, '0 of 2 selected');
      await press(stdin, KEY.down, KEY.space, KEY.enter); // gameplay
      await waitForFrame(lastFrame, 'In the bucket: 2026-03-01 to 2026-03-03.');
      await press(stdin, KEY.up);
      await waitForFrame(lastFrame, /❯ Every date in the bucket/);
      await press(stdin, KEY.enter);
      await waitForFrame(lastFrame, '3 days');
      await press(stdin, KEY.enter);
      frame = await waitForFrame(lastFrame, 'Which times of day');
      expect(frame).toContain('3 of 3 selected');
      await press(stdin, KEY.enter);
      // Where the rows go is asked, not assumed: the DuckDB file by its absolute path, or BigQuery by project.
      frame = await waitForFrame(lastFrame, 'Where should the rows land?');
      expect(frame).toContain('Destination (6/6)');
      expect(frame).toMatch(/❯ DuckDB file \/\S+whole\.duckdb/);
      expect(frame).toContain('BigQuery, project test-project');
      await press(stdin, KEY.enter);
      frame = await waitForFrame(lastFrame, 'Total: 6 partitions');
      // 2 files per partition, 3 days × 2 time buckets with files (16-24 has none)
      expect(frame).toMatch(/Total: 6 partitions\s+12\s+[\d.]+ KiB\s+0\s+12/);
      expect(frame).toContain(`${bucket} · testing · gameplay · 2026-03-01…2026-03-03 · 0-8,8-16,16-24 → duckdb:`);
      await press(stdin, KEY.enter);
      frame = await waitForFrame(lastFrame, 'Start the backfill?');
      expect(frame).toContain('printed when the wizard ends');
      await press(stdin, KEY.enter);
      frame = await waitForFrame(lastFrame, 'Done in');
      expect(frame).toContain('12 ingested, 0 failed');
      expect(frame).toContain('60 events landed in events.events_function.');
      expect(frame).toContain(`Run record: ${records}`);
      await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(expect.objectContaining({ kind: 'ran' })));
      return db;
    });
    expect(await countRows(db, 'events.events_function')).toBe(12 * 5);
    expect(tally.files).toBe(48);
  });

  it('a run that cannot start (a lock taken since the preview) goes back to Confirm with the reason; y tries again', async () => {
    await withWarehouse('locked', async (warehouse, records) => {
      const deps = engineDeps(warehouse, records);
      const run = deps.run;
      let attempts = 0;
      deps.run = (...args) =>
        ++attempts === 1 ? Promise.reject(new Error('Could not set lock on file "w.duckdb"')) : run(...args);
      const initial: WizardInput = {
        ...BLANK,
        bucket,
        environments: ['staging'],
        categories: 'all',
        start: '2026-03-02',
        stop: '2026-03-02',
        times: ['8-16'],
      };
      const { lastFrame, stdin, onExit } = mount(initial, deps);
      await waitForFrame(lastFrame, 'Total: 2 partitions');
      await press(stdin, KEY.enter, KEY.enter);
      const frame = await waitForFrame(lastFrame, 'Try again?');
      expect(frame.replace(/\s+/g, ' ')).toContain(
        'Could not start: Could not set lock on file "w.duckdb" (nothing was sent; y tries again)',
      );
      expect(onExit).not.toHaveBeenCalled();
      await press(stdin, KEY.enter);
      await waitForFrame(lastFrame, 'Done in');
      expect(attempts).toBe(2);
    });
  });

  it('skips the steps the flags fixed, and the preview sees what is already ingested', async () => {
    await withWarehouse('fixed', async (warehouse, records) => {
      const initial: WizardInput = {
        ...BLANK,
        bucket,
        environments: ['staging'],
        categories: 'all',
        start: '2026-03-02',
        stop: '2026-03-02',
        times: ['8-16'],
      };
      const first = mount(initial, engineDeps(warehouse, records));
      let frame = await waitForFrame(first.lastFrame, 'Total: 2 partitions');
      expect(frame).not.toContain('esc back');
      await press(first.stdin, KEY.enter, KEY.enter);
      await waitForFrame(first.lastFrame, 'Done in');
      first.unmount();

      const again = mount(initial, engineDeps(warehouse, records));
      frame = await waitForFrame(again.lastFrame, 'Total: 2 partitions');
      expect(frame).toMatch(/Total: 2 partitions\s+4\s+[\d.]+ KiB\s+4\s+0/);
      expect(frame.replace(/\s+/g, ' ')).toContain(
        'Note: 4 files already ingested are skipped: each file generation lands once',
      );
      expect(frame).not.toContain('r reprocess');
    });
  });

  it('opens at the first open step, numbers the steps, and goes back only to open ones', async () => {
    await withWarehouse('partial', async (warehouse, records) => {
      const { lastFrame, stdin } = mount(
        { ...BLANK, bucket, start: '2026-03-01', stop: '2026-03-03' },
        engineDeps(warehouse, records),
      );
      const frame = await waitForFrame(lastFrame, /Which analytics environments\?[\s\S]*0 of 2 selected/);
      expect(frame).toContain('Environments (1/3)');
      expect(frame).not.toContain('esc back');
      await press(stdin, 'a', KEY.enter);
      await waitForFrame(lastFrame, /Categories \(2\/3\)[\s\S]*0 of 2 selected/);
      await press(stdin, 'a', KEY.enter);
      await waitForFrame(lastFrame, 'Time buckets (3/3)'); // dates came from the flags
      await press(stdin, KEY.esc);
      await waitForFrame(lastFrame, /Categories \(2\/3\)[\s\S]*2 of 2 selected/);
    });
  });

  it('shows why a bucket from the flags does not open, and takes another', async () => {
    await withWarehouse('bad', async (warehouse, records) => {
      const { lastFrame, stdin } = mount({ ...BLANK, bucket: join(dir, 'nope') }, engineDeps(warehouse, records));
      await waitForFrame(lastFrame, 'does not exist');
      await press(stdin, ...Array.from({ length: 4 }, () => KEY.backspace));
      await type(stdin, 'bucket');
      await press(stdin, KEY.enter);
      await waitForFrame(lastFrame, 'Which analytics environments?');
    });
  });

  it('looks again on r after the bucket could not be read, and goes on', async () => {
    await withWarehouse('retry', async (warehouse, records) => {
      let failures = 1;
      const openSource = async (b: string) => {
        const real = await createFolderSource(b);
        return {
          ...real,
          list: real.list.bind(real),
          read: real.read.bind(real),
          filePath: real.filePath.bind(real),
          discover: async (prefix: string, signal?: AbortSignal) => {
            if (failures-- > 0) throw new Error('could not reach the bucket');
            return real.discover(prefix, signal);
          },
        };
      };
      const { lastFrame, stdin } = mount({ ...BLANK, bucket }, engineDeps(warehouse, records, { openSource }));
      await waitForFrame(lastFrame, /could not reach the bucket[\s\S]*r retry/);
      await press(stdin, 'r');
      await waitForFrame(lastFrame, /Which analytics environments\?[\s\S]*0 of 2 selected/);
    });
  });

  it('prefills the bucket it was given as a suggestion, saying where from', async () => {
    await withWarehouse('suggested', async (warehouse, records) => {
      const { lastFrame, stdin } = mount(
        BLANK,
        engineDeps(warehouse, records, { suggestedBucket: { bucket, from: 'the last run' } }),
      );
      const frame = await waitForFrame(lastFrame, 'Prefilled from the last run.');
      expect(frame).toContain(`Bucket › ${bucket}`);
      await press(stdin, KEY.enter);
      await waitForFrame(lastFrame, /Which analytics environments\?[\s\S]*of 2 selected/);
    });
  });

  it('ends a dry run at the preview, sending nothing', async () => {
    const db = await withWarehouse('dry', async (warehouse, records, db) => {
      const initial: WizardInput = {
        ...BLANK,
        dryRun: true,
        bucket,
        environments: ['testing'],
        categories: ['economy'],
        start: '2026-03-01',
        stop: '2026-03-01',
        times: 'all',
      };
      const { lastFrame, stdin, onExit } = mount(initial, engineDeps(warehouse, records));
      const frame = await waitForFrame(lastFrame, 'Total: 2 partitions');
      expect(frame).toContain('enter finish (dry run: nothing is sent)');
      await press(stdin, KEY.enter);
      await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(expect.objectContaining({ kind: 'previewed' })));
      return db;
    });
    expect(await countRows(db, 'events.events_function')).toBe(0);
  });

  it('quits on Ctrl-C before anything is sent', async () => {
    await withWarehouse('cancel', async (warehouse, records) => {
      const { lastFrame, stdin, onExit } = mount({ ...BLANK, bucket }, engineDeps(warehouse, records));
      await waitForFrame(lastFrame, /Which analytics environments\?[\s\S]*of 2 selected/);
      await press(stdin, KEY.ctrlC);
      await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith({ kind: 'cancelled' }));
    });
  });

  it('shows what landed before the dates: the cells chosen on the map are the backfill, dates and times skipped', async () => {
    await withWarehouse('map', async (warehouse, records) => {
      const plans: string[] = [];
      const deps = engineDeps(warehouse, records, {
        coverage: (_bucket, selection, source, signal) =>
          planBackfill({ source, warehouse, selection, signal, coverage: { failed: new Map() } }),
      });
      const plan = deps.plan;
      deps.plan = (choices, ...rest) => {
        plans.push(JSON.stringify(choices.selection.cells));
        return plan(choices, ...rest);
      };
      const { lastFrame, stdin } = mount({ ...BLANK, bucket, environments: ['testing'], categories: 'all' }, deps);
      let frame = await waitForFrame(lastFrame, 'No cell chosen');
      // As many days as 100×24 holds for one environment (2 blocks of 23), ending on the bucket's
      // last day (today, 15 March, is later).
      expect(frame).toContain("2026-01-17 to 2026-03-03; a day's three cells are its time buckets");
      // 1 to 3 March hold files in the 0-8 and 8-16 buckets, none landed; the cursor on the first
      // cell that needs a backfill.
      expect(stripVTControlCharacters(frame)).toMatch(/^testing( \.\.\.)+ --\. --\. --\.$/m);
      expect(frame).toContain('testing 2026-03-01 0-8: 4 files, 0 landed');
      await press(stdin, 'm'); // every cell not landed: 3 days x 2 buckets, 2 categories x 2 files each
      frame = await waitForFrame(lastFrame, '6 cells chosen: 24 files, 24 not landed.');
      expect(stripVTControlCharacters(frame)).toMatch(/^testing( \.\.\.)+ @@\. @@\. @@\.$/m);
      await press(stdin, KEY.enter);
      frame = await waitForFrame(lastFrame, 'Total: 12 partitions');
      expect(frame).toContain('testing · all · 6 cells');
      expect(plans.at(-1)).toContain('testing/2026-03-01/0-8');
      await press(stdin, KEY.esc); // back past the skipped dates and times, to the map, cells kept
      await waitForFrame(lastFrame, '6 cells chosen');
      await press(stdin, 'c', KEY.enter); // none: the dates are chosen instead
      await waitForFrame(lastFrame, 'In the bucket: 2026-03-01 to 2026-03-03.');
    });
  });
});
