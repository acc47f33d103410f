import { describe, expect, it } from 'vitest';
import { progressLine } from './run-non-interactive.js';

describe('progress of a --yes run', () => {
  it('says files, bytes, rate, and the time left from the bytes still to read', () => {
    const line = progressLine({
      total: 9000,
      totalBytes: 90 * 2 ** 20,
      done: 1000,
      doneBytes: 10 * 2 ** 20,
      failed: 2,
      elapsedMs: 5000,
    });
    expect(line).toBe('1,000/9,000 files, 10 MiB/90 MiB, 200 files/s, 5s elapsed, ~40s left, 2 failed');
    expect(line.length).toBeLessThan(80);
    expect(progressLine({ total: 3, totalBytes: 30, done: 3, doneBytes: 30, failed: 0, elapsedMs: 1000 })).toBe(
      '3/3 files, 30 B/30 B, 3 files/s, 1s elapsed',
    );
  });
});

describe('one rule for the time left, in both shells', () => {
  it("the wizard's ETA is the --yes line's: from the bytes still to read, not the files", async () => {
    const { runStats } = await import('../engine/run-stats.js');
    // Few big files left: the files' rate would say 1s; the bytes say 36s.
    const p = { total: 10, totalBytes: 100 * 2 ** 20, done: 9, doneBytes: 10 * 2 ** 20, failed: 0, elapsedMs: 4000 };
    expect(runStats(p, p.elapsedMs).eta).toBe('36s');
    expect(progressLine(p)).toContain('~36s left');
  });
});
