import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { countRows, queryDuckDb } from '../helpers/duckdb-query.js';
import { runMain } from '../helpers/run-main.js';
import { parseJsonOutput } from '../helpers/json-output.js';

// Issue 11, item 3: a local file replaced with its modification time restored (`cp -p`, `rsync -t`).

const PART = join(
  'data_type=json',
  'analytics_environment=live',
  'event_category=c',
  'event_ds=2026-03-01',
  'event_time=0-8',
);
const lines = (name: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${JSON.stringify({ eventClass: 'c', eventId: `${name}-${i}` })}\n`).join('');

function setUp() {
  const base = mkdtempSync(join(tmpdir(), 'replaced-'));
  const b = join(base, 'bucket');
  mkdirSync(join(b, PART), { recursive: true });
  writeFileSync(join(b, PART, 'a'), lines('a', 2));
  writeFileSync(join(b, PART, 'b'), lines('b', 1));
  const w = join(base, 'w.duckdb');
  const selection = '-e live -c c -s 2026-03-01 -u 2026-03-01 --yes --json'.split(' ');
  const run = (...extra: string[]) =>
    runMain(['-b', b, '-w', `duckdb:${w}`, ...selection, '--record-dir', join(base, 'runs'), ...extra]);
  return { base, b, w, run };
}

const sent = (stdout: string) => {
  const t = parseJsonOutput<{ totals: { toSend: number; landed: number } }>(stdout).totals;
  return { toSend: t.toSend, alreadyIngested: t.landed };
};

describe('a local file replaced with its modification time restored', () => {
  it('lands its new content once when its size differs (cp -p), and a later run adds nothing', async () => {
    const { base, b, w, run } = setUp();
    expect((await run()).code).toBe(0);
    expect(await countRows(w, 'events.events_function')).toBe(3);

    // New content copied over `a` with the old file's time kept, as `cp -p` does.
    const fresh = join(base, 'fresh');
    writeFileSync(fresh, lines('a2', 5));
    const before = statSync(join(b, PART, 'a'), { bigint: true }).mtimeNs;
    execFileSync('touch', ['-r', join(b, PART, 'a'), fresh]); // to the nanosecond
    execFileSync('cp', ['-p', fresh, join(b, PART, 'a')]);
    expect(statSync(join(b, PART, 'a'), { bigint: true }).mtimeNs).toBe(before);

    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(sent(second.stdout)).toMatchObject({ toSend: 1, alreadyIngested: 1 });
    const ids = await queryDuckDb(
      w,
      "SELECT event_id FROM events.events_function WHERE event_id LIKE 'a2-%' ORDER BY 1",
    );
    expect(ids.map(([id]) => id)).toEqual(['a2-0', 'a2-1', 'a2-2', 'a2-3', 'a2-4']);

    const third = await run();
    expect(sent(third.stdout)).toMatchObject({ toSend: 0, alreadyIngested: 2 });
    expect(await countRows(w, 'events.events_function')).toBe(8);
  });

  it('still counts as landed every file a DuckDB file of an earlier version recorded by its time alone', async () => {
    const { w, run } = setUp();
    expect((await run()).code).toBe(0);
    // Earlier versions wrote a local file's generation as its modification time in microseconds.
    const instance = await DuckDBInstance.create(w);
    const c = await instance.connect();
    await c.run("UPDATE logs.events_logs_function SET file_generation = split_part(file_generation, ':', 1)");
    const former = (
      await c.runAndReadAll("SELECT count(*) FROM logs.events_logs_function WHERE file_generation NOT LIKE '%:%'")
    ).getRowsJS()[0]?.[0];
    c.closeSync();
    instance.closeSync();
    expect(Number(former)).toBe(4); // two log rows per file

    const again = await run();
    expect(sent(again.stdout)).toMatchObject({ toSend: 0, alreadyIngested: 2 });
    // Sent anyway (--reprocess), the files' own transactions find them landed: nothing twice.
    const forced = await run('--reprocess');
    expect(forced.code, forced.stderr).toBe(0);
    expect(await countRows(w, 'events.events_function')).toBe(3);
  });
});
