import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, expect, it } from 'vitest';
import { engineDeps } from '../../test/helpers/ui/engine-deps.js';
import { waitForFrame } from '../../test/helpers/ui/frames.js';
import { writeSampleBucket } from '../demo/sample-bucket.js';
import { createDuckDbWarehouse } from '../local/duckdb/duckdb-warehouse.js';
import { createFolderSource } from '../local/folder/folder-source.js';
import { Wizard } from '../ui/Wizard.js';
import { requestFromOptions } from './backfill-request.js';
import { parseArgs } from './parse-args.js';
import { previewForecast } from './preview-forecast.js';
import { requestOfChoices, wizardInputOf } from './wizard-request.js';

const dir = mkdtempSync(join(tmpdir(), 'wizard-forecast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(cleanup);

it("the wizard's preview shows the cost and time lines the --yes preview prints", async () => {
  const bucket = join(dir, 'bucket');
  writeSampleBucket(bucket, {
    environments: ['testing'],
    categories: ['gameplay'],
    start: '2026-03-01',
    stop: '2026-03-02',
    times: ['0-8'],
    filesPerPartition: 3,
    eventsPerFile: 5,
    seed: 9,
  });
  const db = join(dir, 'w.duckdb');
  const argv = [
    '-b',
    bucket,
    '-w',
    `duckdb:${db}`,
    '-e',
    'all',
    '-c',
    'all',
    '-s',
    '2026-03-01',
    '-u',
    '2026-03-02',
    '-T',
    'all',
  ];
  const opts = parseArgs(argv, {});
  const warehouse = await createDuckDbWarehouse(db);
  try {
    const source = await createFolderSource(bucket);
    const deps = engineDeps(warehouse, join(dir, 'runs'), {
      forecast: (c, plan) => previewForecast(plan, requestOfChoices(c, opts), source),
    });
    const app = render(
      <Wizard initial={wizardInputOf(opts, {})} deps={deps} onExit={() => undefined} onFail={() => undefined} />,
    );
    const frame = stripVTControlCharacters(await waitForFrame(app.lastFrame, /Time: about/, 15_000));
    // What the --yes path prints for the same flags: its cost line, and a time forecast.
    const plan = await deps.plan(
      { bucket, selection: requestFromOptions(opts).selection, reprocess: false, destination: `duckdb:${db}` },
      source,
      new AbortController().signal,
      () => undefined,
    );
    const yes = await previewForecast(plan, requestFromOptions(opts), source);
    const costLine = yes.split('\n')[0]!;
    expect(costLine).toBe('Cost on Google Cloud: none (a folder into DuckDB stays on this machine).');
    expect(frame).toContain(costLine);
    expect(yes).toMatch(/^Time: about /m);
    expect(frame).toMatch(/Time: about \d+s to read, parse and write into DuckDB/);
  } finally {
    await warehouse.close();
  }
});
