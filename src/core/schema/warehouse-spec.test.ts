import { describe, expect, it } from 'vitest';
import { duckDbFile, parseWarehouseSpec, warehouseSpecText } from './warehouse-spec.js';

describe('the --warehouse spec, parsed once', () => {
  it('reads a DuckDB file, BigQuery with or without a project, and writes each back as it was', () => {
    for (const [text, spec] of [
      ['duckdb:w.duckdb', { kind: 'duckdb', path: 'w.duckdb' }],
      ['duckdb:/abs/dir with space/w.duckdb', { kind: 'duckdb', path: '/abs/dir with space/w.duckdb' }],
      ['bigquery', { kind: 'bigquery' }],
      ['bigquery:my-project', { kind: 'bigquery', project: 'my-project' }],
      ['bigquery:example.com:my-project', { kind: 'bigquery', project: 'example.com:my-project' }],
    ] as const) {
      expect(parseWarehouseSpec(text)).toEqual(spec);
      expect(warehouseSpecText(parseWarehouseSpec(text))).toBe(text);
    }
    expect(duckDbFile('duckdb:w.duckdb')).toBe('w.duckdb');
    expect(duckDbFile('bigquery')).toBeUndefined();
  });

  it('refuses what is neither, in one line naming it', () => {
    expect(() => parseWarehouseSpec('duckdb:')).toThrow(/no file named after duckdb:/);
    expect(() => parseWarehouseSpec('duckdb: w')).toThrow(/starts or ends with a space/);
    expect(() => parseWarehouseSpec('bigquery:X')).toThrow(/"X" is not a valid project id/);
    expect(() => parseWarehouseSpec('bigqueryx')).toThrow(/is not duckdb:PATH or bigquery\[:PROJECT\]/);
    expect(() => parseWarehouseSpec('postgres:db')).toThrow(/is not duckdb:PATH or bigquery\[:PROJECT\]/);
  });
});
