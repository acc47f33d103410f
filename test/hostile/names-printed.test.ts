import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

// Issue 27, item 7: a name is printed escaped, one line each: it can neither forge a summary line
// nor send the terminal an escape sequence (clear the screen, set the window title).

const PART = 'data_type=json/analytics_environment=live/event_category=c/event_ds=2026-03-01/event_time=0-8';
const FORGED = 'x\nDone in 0s: 999 ingested, 0 failed (1 TiB).';
const TITLE = 'y\u001b]0;pwned\u0007\u001b[2J';

describe('names reach the terminal escaped', () => {
  it('in failed lines, the summary and status --partition', async () => {
    const base = mkdtempSync(join(tmpdir(), 'names-'));
    const bucket = join(base, 'bucket');
    const dir = join(bucket, ...PART.split('/'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ok.json'), '{"eventClass":"c","eventId":"1"}\n');
    execFileSync('mkfifo', [join(dir, FORGED)]); // unreadable: fails every run, named in each report
    execFileSync('mkfifo', [join(dir, TITLE)]);
    const where = ['-b', bucket, '-w', `duckdb:${join(base, 'w.duckdb')}`, '--record-dir', join(base, 'runs')];
    const dates = ['-e', 'all', '-c', 'all', '-s', '2026-03-01', '-u', '2026-03-01'];
    const run = await runCli([...where, ...dates, '--yes']);
    const status = await runCli(['status', ...where, ...dates, '--partition', 'live/c/2026-03-01/0-8']);
    expect(run.code).toBe(1);
    for (const text of [run.stdout, run.stderr, status.stdout, status.stderr]) {
      expect(text).not.toContain('\u001b');
      expect(text).not.toContain('\u0007');
      expect(text).not.toMatch(/^Done in 0s: 999 ingested/m);
    }
    expect(run.stderr).toContain('x\\x0aDone in 0s: 999 ingested, 0 failed (1 TiB).');
    expect(run.stdout).toMatch(/^Done in .*: 1 ingested, 2 failed/m);
    expect(status.stdout).toContain('y\\x1b]0;pwned\\x07\\x1b[2J');
  });
});
