import { describe, expect, it } from 'vitest';
import { datesOf } from './selection.js';
import { cellState, legendLines, renderCoverageMap, type CellCounts } from './coverage-map.js';

describe('the coverage map', () => {
  it('says per cell whether every file landed, the rest is staged, some, none, or there are no files', () => {
    const c = (files: number, landed: number, staged = 0): CellCounts => ({ files, landed, staged });
    expect(cellState(undefined)).toBe('empty');
    expect(cellState(c(0, 0))).toBe('empty');
    expect(cellState(c(3, 3))).toBe('landed');
    expect(cellState(c(3, 1, 2))).toBe('staged');
    expect(cellState(c(3, 1))).toBe('partial');
    expect(cellState(c(3, 0, 1))).toBe('missing');
  });

  it('shows a failed file before anything else, and a landed cell with rejected lines apart from a clean one', () => {
    expect(cellState({ files: 3, landed: 2, staged: 0, failed: 1 })).toBe('failed');
    expect(cellState({ files: 3, landed: 0, staged: 0, failed: 1 })).toBe('failed');
    expect(cellState({ files: 3, landed: 3, staged: 0, failed: 0, rejecting: 1 })).toBe('rejecting');
    expect(cellState({ files: 3, landed: 2, staged: 0, failed: 0, rejecting: 1 })).toBe('partial');
    const row = renderCoverageMap(
      {
        environments: ['live'],
        days: ['2026-03-01'],
        times: ['0-8', '8-16', '16-24'],
        cell: (_e, _ds, time) =>
          time === '0-8'
            ? { files: 2, landed: 2, staged: 0, rejecting: 1 }
            : time === '8-16'
              ? { files: 2, landed: 1, staged: 0, failed: 1 }
              : { files: 1, landed: 1, staged: 0 },
      },
      { columns: 80, color: false },
    ).find((l) => l.startsWith('live'));
    expect(row).toBe('live *!#');
  });

  it('fits 80 columns: a row per environment, three cells per day, wrapped into blocks of days', () => {
    const days = datesOf('2026-02-20', '2026-04-10'); // 50 days
    const lines = renderCoverageMap(
      {
        environments: ['live', 'a-very-long-environment-name'],
        days,
        times: ['0-8', '8-16', '16-24'],
        cell: (env, ds, time) =>
          env === 'live' && ds === '2026-03-01' && time === '8-16' ? { files: 2, landed: 2, staged: 0 } : undefined,
      },
      { columns: 80, color: false },
    );
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    const blocks = lines
      .join('\n')
      .split('\n\n')
      .filter((b) => b.trim() !== '');
    expect(blocks).toHaveLength(Math.ceil(50 / 15));
    expect(blocks[0]!.split('\n')[0]).toMatch(/^\s+2026-02\s+2026-03$/);
    const live = lines.find((l) => l.startsWith('live'))!;
    expect(live.split(/\s+/).slice(1, 11)).toEqual([
      '...',
      '...',
      '...',
      '...',
      '...',
      '...',
      '...',
      '...',
      '...',
      '.#.',
    ]);
    expect(lines.some((l) => l.startsWith('a-very-long-env…'))).toBe(true);
  });

  it('colours the glyphs on a terminal, and leaves a bucket not selected blank', () => {
    const input = {
      environments: ['live'],
      days: ['2026-03-01'],
      times: ['0-8', '16-24'] as const,
      cell: () => ({ files: 1, landed: 0, staged: 0 }),
    };
    const [, , row] = renderCoverageMap({ ...input, times: [...input.times] }, { columns: 80, color: true });
    expect(row).toBe('live \u001B[31m-\u001B[39m \u001B[31m-\u001B[39m');
    const [, , plain] = renderCoverageMap({ ...input, times: [...input.times] }, { columns: 80, color: false });
    expect(plain).toBe('live - -');
  });

  it('labels every month, also a block that starts the day before a 1st', () => {
    const lines = renderCoverageMap(
      {
        environments: ['live'],
        days: datesOf('2026-10-31', '2026-11-20'),
        times: ['0-8', '8-16', '16-24'],
        cell: () => undefined,
      },
      { columns: 80, color: false },
    );
    expect(lines[0]).toBe('     10  2026-11');
    expect(lines[1]).toMatch(/^ +31 {2}01 {2}02/);
  });

  it('wraps the legend between items only, and names staged only where files can be staged', () => {
    for (const columns of [40, 60, 80]) {
      const lines = legendLines(columns, { staging: false, choosing: true });
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(columns);
      expect(lines.every((l) => /^[#*+\-!.@] [a-z]/.test(l))).toBe(true); // each line starts with a glyph and its meaning
      expect(lines.join('  ')).not.toContain('staged');
      expect(lines.join('  ')).toContain('@ chosen');
    }
    expect(legendLines(200, { staging: true }).join('')).toContain('~ rest staged');
  });
});
