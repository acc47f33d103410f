import { describe, expect, it } from 'vitest';
import { countOf, formatCount } from './format.js';

describe('formatCount', () => {
  it('writes every count as en-US locale formatting does', () => {
    const counts = [0, 1, 9, 10, 99, 100, 999, 1_000, 9_999, 10_000, 123_456, 1_000_000, 2 ** 53 - 1, -1, -999, -1_000];
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 2_000; i++) counts.push(Math.floor(random() * 10 ** (1 + (i % 16))) * (i % 3 === 0 ? -1 : 1));
    counts.push(0.5, 1234.5678, -0, Number.MAX_VALUE, 2 ** 60);
    for (const n of counts) expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
  });

  it('names one thing in the singular', () => {
    expect(countOf(1, 'file')).toBe('1 file');
    expect(countOf(2_000, 'file')).toBe('2,000 files');
  });
});
