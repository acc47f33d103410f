import { describe, expect, it } from 'vitest';
import { FLAGS } from './parse-args.js';
import { HELP_TEXT } from './help-text.js';

describe('--help', () => {
  it('fits an 80-column terminal, names every flag, and ends with examples', () => {
    for (const line of HELP_TEXT.split('\n')) expect(line.length, line).toBeLessThan(80);
    for (const flag of Object.keys(FLAGS)) expect(HELP_TEXT).toContain(`--${flag}`);
    expect(HELP_TEXT).toMatch(/Examples:\n {2}analytics-backfill /);
    expect(HELP_TEXT).toContain('nothing is written or published unless --yes is given');
  });
});
