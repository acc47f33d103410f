import { describe, expect, it } from 'vitest';
import { HashFilter } from './hash-filter.js';

/** 48-bit hashes from a seeded generator: the same every run. */
function hashes(seed: number, n: number): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0; // a Weyl step, then a 32-bit mix
    let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return Array.from({ length: n }, () => (next() % 2 ** 24) * 2 ** 24 + (next() % 2 ** 24));
}

describe('HashFilter', () => {
  it('finds every hash added, across filters added as it grows, and few it was not given', () => {
    const f = new HashFilter(1_000);
    const added = hashes(1, 50_000); // filters of 1,000, 2,000, … 32,000
    for (const h of added) f.add(h);
    expect(added.every((h) => f.has(h))).toBe(true);
    const others = hashes(2, 200_000);
    const maybe = others.filter((h) => f.has(h)).length;
    expect(maybe).toBeLessThanOrEqual(10); // ~2 in a million for its 6 filters
  });

  it('holds a million hashes in under 8 bytes each (a Set: 37)', () => {
    const f = new HashFilter();
    for (const h of hashes(3, 1_000_000)) f.add(h);
    expect(f.bytes / 1_000_000).toBeLessThan(8);
    expect(f.has(hashes(3, 1)[0]!)).toBe(true);
  });
});
