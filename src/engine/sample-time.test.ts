import { describe, expect, it } from 'vitest';
import { forecastSeconds, Largest, Reservoir } from './sample-time.js';

describe('the time forecast', () => {
  it('keeps a uniform sample of any stream in bounded memory', () => {
    let seed = 1;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const counts = new Array<number>(10).fill(0);
    for (let run = 0; run < 2000; run++) {
      const r = new Reservoir<number>(3, random);
      for (let i = 0; i < 10; i++) r.add(i);
      expect(r.items).toHaveLength(3);
      for (const i of r.items) counts[i]!++;
    }
    // Each of the 10 items is kept 3/10 of the time: 600 of 2,000 runs, within sampling noise.
    for (const c of counts) expect(Math.abs(c - 600)).toBeLessThan(90);
  });

  it('fits a cost per file and a cost per byte to the sample, and extrapolates to the whole run', () => {
    // 1 ms per file plus 1 s per 100 MB, exactly.
    const points = [1e3, 1e5, 1e6, 1e7].map((bytes) => ({ bytes, seconds: 0.001 + bytes / 1e8 }));
    expect(forecastSeconds({ points }, 10_000, 5e9)).toBeCloseTo(10 + 50, 6);
    // Files all alike: everything per byte.
    expect(
      forecastSeconds(
        {
          points: [
            { bytes: 100, seconds: 0.002 },
            { bytes: 100, seconds: 0.002 },
          ],
        },
        1000,
        100_000,
      ),
    ).toBeCloseTo(2, 6);
    expect(forecastSeconds({ points: [] }, 10, 10)).toBeUndefined();
  });

  it('keeps the largest files beside the uniform sample, so a few large files among many small ones are timed', () => {
    const largest = new Largest<{ size: number }>(3);
    const sizes = [5, 40e6, 7, 3, 41e6, 9, 2, 42e6, 8, 1];
    for (const size of sizes) largest.add({ size });
    expect(largest.items.map((i) => i.size).sort()).toEqual([40e6, 41e6, 42e6]);
  });
});
