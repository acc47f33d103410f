import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Source } from '../ports/source.js';
import { exitCodeOf, runWizard } from './run-wizard.js';
import type { WizardDeps } from './run-wizard.js';
import { KEY } from '../../test/helpers/ui/frames.js';
import { summaryOf } from '../../test/helpers/ui/plans.js';

/** A terminal as ink sees one: TTY streams with a size, raw mode, and what was drawn. */
function terminal(columns = 80, rows = 24) {
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns, rows });
  let drawn = '';
  stdout.on('data', (d: Buffer) => (drawn += d.toString()));
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => stdin,
    ref: () => stdin,
    unref: () => stdin,
  });
  return {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    drawn: () => drawn,
    raw: stdout,
  };
}

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const deps: WizardDeps = {
  openSource: async () =>
    ({ url: 'file:///b', discover: async () => ({ values: ['testing'], problems: [] }) }) as unknown as Source,
  plan: () => Promise.reject(new Error('not in this test')),
  run: () => Promise.reject(new Error('not in this test')),
  destination: () => 'duckdb:w.duckdb',
  destinations: () => [],
};

describe('runWizard', () => {
  it('draws on the streams it is given and resolves when the operator quits', async () => {
    const t = terminal();
    const result = runWizard({ dataType: 'json', reprocess: false, bucket: '/b' }, deps, {
      stdin: t.stdin,
      stdout: t.stdout,
      env: {},
    });
    await until(() => /Which analytics environments\?[\s\S]*testing/.test(t.drawn()));
    t.stdin.write(KEY.ctrlC);
    expect(await result).toEqual({ kind: 'cancelled' });
    expect(exitCodeOf(await result)).toBe(130);
  });

  it('treats the process interrupt like Ctrl-C, and clears the screen when the terminal narrows', async () => {
    const t = terminal(100, 30);
    const interrupt = new AbortController();
    const result = runWizard({ dataType: 'json', reprocess: false }, deps, {
      stdin: t.stdin,
      stdout: t.stdout,
      env: { NO_COLOR: '1' },
      interrupt: interrupt.signal,
    });
    await until(() => t.drawn().includes('Bucket ›'));
    Object.assign(t.raw, { columns: 80 });
    t.raw.emit('resize');
    await until(() => t.drawn().includes('\u001B[2J'));
    interrupt.abort();
    expect(await result).toEqual({ kind: 'cancelled' });
  });

  it('maps outcomes to exit codes', () => {
    const ran = (over: Parameters<typeof summaryOf>[0]) =>
      exitCodeOf({ kind: 'ran', choices: {} as never, plan: {} as never, summary: summaryOf(over) });
    expect(ran({})).toBe(0);
    expect(ran({ counts: { published: 0, ingested: 1, staged: 0, 'already-ingested': 0, failed: 1 } })).toBe(1);
    expect(ran({ interrupted: true })).toBe(130);
    expect(exitCodeOf({ kind: 'quit' })).toBe(130);
    expect(exitCodeOf({ kind: 'previewed', choices: {} as never, plan: {} as never })).toBe(0);
  });
});
