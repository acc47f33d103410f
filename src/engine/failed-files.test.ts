import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failedFiles } from './failed-files.js';

const header = (source: string, runId: string) => JSON.stringify({ type: 'start', runId, source });
const file = (name: string, status: string, error?: string) =>
  JSON.stringify({ type: 'file', name, generation: '7', status, ...(error ? { error } : {}) });

describe('failed files from the run records', () => {
  it('keeps each file whose last attempt on this source failed, with its error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failed-'));
    const source = 'file:///data/bucket';
    writeFileSync(
      join(dir, '20260301-000000-aaaa.ndjson'),
      [
        header(source, 'a'),
        file('x', 'failed', 'timed out'),
        file('y', 'failed', 'is not a regular file'),
        file('z', 'ingested'),
      ].join('\n') + '\n',
    );
    // A later run: x landed, z failed; then a torn last line.
    writeFileSync(
      join(dir, '20260302-000000-bbbb.ndjson'),
      [header(source, 'b'), file('x', 'ingested'), file('z', 'failed', 'quota'), '{"type":"file","na'].join('\n'),
    );
    // A run on another bucket, and a file that is not a record.
    writeFileSync(
      join(dir, '20260303-000000-cccc.ndjson'),
      [header('gs://other', 'c'), file('x', 'failed')].join('\n'),
    );
    writeFileSync(join(dir, 'notes.txt'), 'x failed');
    mkdirSync(join(dir, '20260304-000000-dddd.ndjson')); // unreadable as a file: passed over

    const failed = await failedFiles(dir, source);
    expect([...failed]).toEqual([
      ['y#7', 'is not a regular file'],
      ['z#7', 'quota'],
    ]);
  });

  it('finds none where there is no record folder', async () => {
    expect((await failedFiles(join(tmpdir(), 'no-such-folder-for-records'), 'file:///x')).size).toBe(0);
  });
});
