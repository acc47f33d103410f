import { describe, expect, it } from 'vitest';
import { runMain } from '../../test/helpers/run-main.js';
import { FLAGS } from './parse-args.js';
import { HELP_TEXT, STATUS_HELP_TEXT } from './help-text.js';

describe('--help', () => {
  it('fits an 80-column terminal, names every flag, and ends with examples', () => {
    for (const line of HELP_TEXT.split('\n')) expect(line.length, line).toBeLessThan(80);
    for (const flag of Object.keys(FLAGS)) expect(HELP_TEXT).toContain(`--${flag}`);
    expect(HELP_TEXT).toMatch(/Examples[^\n]*:\n {2}analytics-backfill /);
    expect(HELP_TEXT).toContain('nothing is written or published unless --yes is given');
  });

  it('status --help shows what status takes, not the backfill help', async () => {
    const r = await runMain(['status', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(STATUS_HELP_TEXT);
    for (const line of STATUS_HELP_TEXT.split('\n')) expect(line.length, line).toBeLessThan(80);
    for (const flag of ['--partition', '--sessions', '--json', '--cells', '--warehouse', '--record-dir'])
      expect(STATUS_HELP_TEXT).toContain(flag);
    expect(STATUS_HELP_TEXT).not.toContain('--topic');
    expect(STATUS_HELP_TEXT).not.toContain('--yes');
  });
});
