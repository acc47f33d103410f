import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSampleBucket } from '../../src/demo/sample-bucket.js';
import { BIN, runCli } from '../helpers/run-cli.js';
import { hasTmux, TmuxSession } from './tmux.js';

/**
 * Issue 26: the wizard's map, read off a real terminal at the sizes operators use, with and
 * without colour: where the cursor starts, what is chosen (marked `@`, so a plain copy shows it),
 * what the counts cover, `m`, `u`, Home and End, no paging past the bucket's days, the warehouse it
 * reads, a legend and key help that wrap between items.
 */
let session: TmuxSession | undefined;
let dir: string | undefined;
afterEach(() => {
  session?.kill();
  session = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 60, rows: 20 },
  { columns: 200, rows: 50 },
];

/** Screen lines without the trailing newline capture-pane adds. */
const linesOf = (screen: string) => screen.replace(/\n$/, '').split('\n');
const flat = (screen: string) => screen.replace(/\s+/g, ' ');

describe.skipIf(!hasTmux())('the wizard map in a terminal', () => {
  for (const size of SIZES) {
    for (const noColor of ['1', '']) {
      it(`at ${size.columns}×${size.rows}, NO_COLOR=${noColor || '(unset)'}`, async () => {
        dir = mkdtempSync(join(tmpdir(), 'wizard-map-'));
        const bucket = join(dir, 'bucket');
        writeSampleBucket(bucket, {
          environments: ['live', 'testing'],
          categories: ['c'],
          start: '2026-03-01',
          stop: '2026-03-03',
          times: ['0-8', '8-16'],
          filesPerPartition: 1,
          eventsPerFile: 2,
          seed: 3,
        });
        const db = join(dir, 'w.duckdb');
        const records = join(dir, 'runs');
        // One cell landed first: live, 1 March, 0-8.
        const landed = await runCli([
          '-b',
          bucket,
          '-w',
          `duckdb:${db}`,
          '-c',
          'all',
          '--cells',
          'live/2026-03-01/0-8',
          '--record-dir',
          records,
          '--yes',
        ]);
        expect(landed.code, landed.stderr).toBe(0);

        session = TmuxSession.start(
          [
            process.execPath,
            BIN,
            '-b',
            bucket,
            '-w',
            `duckdb:${db}`,
            '-e',
            'all',
            '-c',
            'all',
            '--record-dir',
            records,
          ],
          {
            cwd: dir,
            env: { NO_COLOR: noColor, XDG_STATE_HOME: join(dir, 'state'), TERM: 'xterm-256color' },
            ...size,
          },
        );
        const t = session;
        let screen = await t.waitFor(/What landed[\s\S]*No cell chosen/, 30_000);
        const fits = (s: string) => {
          const lines = linesOf(s);
          expect(lines.length).toBeLessThanOrEqual(size.rows);
          expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(size.columns);
        };
        fits(screen);
        // The warehouse it reads, by its path; the month over the days; a cell is three time buckets.
        expect(flat(screen)).toContain(`Landed according to DuckDB file ${db}`);
        expect(screen).toMatch(/^ +2026-03$|^ +\d\d {2}2026-03$|2026-03/m);
        expect(flat(screen)).toContain('three cells are its time buckets 0-8, 8-16, 16-24');
        // The legend: each line starts with a glyph and its meaning; no staged state on DuckDB; @ named.
        const legend = linesOf(screen).filter((l) => /^[#*+\-!.@] [a-z]/.test(l));
        expect(legend.join('  ')).toContain('# landed');
        expect(legend.join('  ')).toContain('@ chosen');
        expect(flat(screen)).not.toContain('rest staged');
        // Every key hint shows, wrapped if need be.
        expect(flat(screen)).toContain('enter dates');
        expect(flat(screen)).toContain('u undo');
        // The cursor starts on the first cell that needs a backfill (live, 1 March, 8-16).
        expect(screen).toContain('live 2026-03-01 8-16: 1 file, 0 landed');
        t.keys('Space');
        screen = await t.waitFor('1 cell chosen: 1 file, 1 not landed.');
        expect(screen).toMatch(/^live +(\.\.\. )*#@\. /m);
        t.keys('m'); // adds every other cell not landed: live's 4 more, testing's 6
        screen = await t.waitFor('11 cells chosen: 11 files, 11 not landed.');
        expect(screen).toMatch(/^live +(\.\.\. )*#@\. @@\. @@\.$/m);
        expect(screen).toMatch(/^testing +(\.\.\. )*@@\. @@\. @@\.$/m);
        t.keys('u');
        await t.waitFor('1 cell chosen: 1 file, 1 not landed.');
        t.keys('Home');
        screen = await t.waitFor(/live \d{4}-\d\d-\d\d 0-8: no files/);
        t.keys('End');
        await t.waitFor('live 2026-03-03 16-24: no files');
        const window = /(\d{4}-\d\d-\d\d) to 2026-03-03;/.exec(flat(screen))?.[1];
        expect(window).toBeDefined();
        t.keys(']'); // the window ends on the bucket's last day: no later page
        await new Promise((r) => setTimeout(r, 300));
        expect(flat(t.screen())).toContain(`${window} to 2026-03-03;`);
        fits(t.screen());
        t.keys('Enter');
        await t.waitFor(/Preview|Destination|Confirm/, 30_000);
      }, 90_000);
    }
  }
});
