import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from '../helpers/run-main.js';

// Never act without a yes (issue 13, item 1): off a terminal, nothing is written or published
// unless --yes is given; --dry-run still previews.

describe('without --yes and without a terminal', () => {
  const setup = () => {
    const base = mkdtempSync(join(tmpdir(), 'needs-yes-'));
    const dir = join(
      base,
      'bucket',
      'data_type=json',
      'analytics_environment=live',
      'event_category=c',
      'event_ds=2024-03-01',
      'event_time=0-8',
    );
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'f.json'), '{"eventClass":"c","eventId":"1"}\n');
    const args = [
      '-b',
      join(base, 'bucket'),
      '-w',
      `duckdb:${join(base, 'w.duckdb')}`,
      '--record-dir',
      join(base, 'runs'),
      '-e',
      'all',
      '-c',
      'all',
      '-s',
      '2024-03-01',
      '-u',
      '2024-03-01',
    ];
    return { base, args };
  };

  it.each([[[]], [['--json']], [['--reprocess']]])(
    'refuses to write, exit 2, one line (extra flags: %j)',
    async (extra) => {
      const { base, args } = setup();
      const result = await runMain([...args, ...extra]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe(
        'analytics-backfill: no terminal to ask in (stdin or stdout is not a terminal, or --json): nothing is written or published without --yes. Pass --yes to run, or --dry-run to preview.',
      );
      expect(existsSync(join(base, 'w.duckdb'))).toBe(false);
      expect(existsSync(join(base, 'runs'))).toBe(false);
    },
  );

  it('previews with --dry-run, and writes with --yes', async () => {
    const { base, args } = setup();
    const dry = await runMain([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: nothing was sent or written/);
    expect(existsSync(join(base, 'w.duckdb'))).toBe(false);
    const yes = await runMain([...args, '--yes']);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/1 ingested/);
  });

  it('refuses --resume without --yes', async () => {
    const { base } = setup();
    const result = await runMain(['--resume', 'some-run', '--record-dir', join(base, 'runs')]);
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      'analytics-backfill: --resume writes without asking: it needs --yes. Pass --yes to run, or --dry-run to preview.',
    ]);
  });
});
