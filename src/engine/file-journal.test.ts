import { existsSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileJournal } from './file-journal.js';

describe('the plan journal', () => {
  it('gives back every file in order, with its problem, from disk; a dotfile that remove() deletes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const journal = FileJournal.create(dir);
    const files = Array.from({ length: 5000 }, (_, i) => ({
      name: `n/${i} "quoted"\u00e9`,
      size: i,
      generation: `${i}7`,
      updated: '2026-03-01T00:00:00Z',
    }));
    for (const f of files) journal.append(f);
    journal.append({ name: 'bad', size: 0, generation: '0', updated: '', problem: 'name is not UTF-8' });
    journal.finish();
    expect(readdirSync(dir).every((n) => n.startsWith('.'))).toBe(true);
    const back = [];
    for await (const f of journal.read()) back.push(f);
    expect(back.slice(0, 5000)).toEqual(files);
    expect(back[5000]).toEqual({ name: 'bad', size: 0, generation: '0', updated: '', problem: 'name is not UTF-8' });
    expect(journal.count).toBe(5001);
    journal.remove();
    expect(existsSync(journal.path)).toBe(false);
  });

  it('removes the journals of processes that are gone, never one a running backfill writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid!; // a process that has ended
    const names = {
      gone: `.plan-p${gone}-1700000000000-0a1b2c3d.ndjson`,
      running: `.plan-p${process.pid}-1700000000000-0a1b2c3e.ndjson`,
      oldNaming: '.plan-1700000000000-0a1b2c3f.ndjson',
      recentOldNaming: '.plan-1700000000001-0a1b2c40.ndjson',
      record: 'run-1.ndjson',
    };
    for (const n of Object.values(names)) writeFileSync(join(dir, n), '');
    const dayAgo = (Date.now() - 25 * 3600_000) / 1000;
    utimesSync(join(dir, names.oldNaming), dayAgo, dayAgo);
    const journal = FileJournal.create(dir);
    const left = readdirSync(dir).sort();
    expect(left).toEqual([names.running, names.recentOldNaming, journal.path.split('/').at(-1)!, names.record].sort());
    journal.remove();
  });
});
