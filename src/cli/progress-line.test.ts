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
