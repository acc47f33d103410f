import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastRunBucket } from './run-record.js';

describe('lastRunBucket', () => {
  it('reads the bucket of the newest run record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'last-run-'));
    const header = (bucket: string) =>
      `${JSON.stringify({ type: 'start', runId: 'x', request: { bucket } })}\n{"type":"file"}\n`;
    writeFileSync(join(dir, '20260301-100000-aaaa.ndjson'), header('gs://older'));
    writeFileSync(join(dir, '20260302-100000-bbbb.ndjson'), header('gs://newer'));
    writeFileSync(join(dir, 'notes.txt'), 'not a record');
    expect(lastRunBucket(dir)).toBe('gs://newer');
  });

  it('suggests nothing without records, or when the newest is unreadable', () => {
    expect(lastRunBucket(join(tmpdir(), 'no-such-dir-for-last-run'))).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'last-run-'));
    mkdirSync(dir, { recursive: true });
    expect(lastRunBucket(dir)).toBeUndefined();
    writeFileSync(join(dir, '20260302-100000-bbbb.ndjson'), '{"type":"start", torn');
    expect(lastRunBucket(dir)).toBeUndefined();
  });
});
