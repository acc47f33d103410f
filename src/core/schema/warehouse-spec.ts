import { UsageError } from '../errors.js';
import { isProjectId } from './names.js';

/**
 * Where rows land, as `--warehouse` names it: `duckdb:PATH` (an embedded DuckDB file) or
 * `bigquery[:PROJECT]`. Parsed here once; everything else reads the typed value.
 */
export type WarehouseSpec = { kind: 'duckdb'; path: string } | { kind: 'bigquery'; project?: string };

const DUCKDB = 'duckdb:';
const BIGQUERY = 'bigquery';

/** Parses a `--warehouse` value; a usage error (exit 2) names what is wrong with it. */
export function parseWarehouseSpec(spec: string): WarehouseSpec {
  if (spec.startsWith(DUCKDB)) {
    const path = spec.slice(DUCKDB.length);
    if (path.trim() === '')
      throw new UsageError(`--warehouse "${spec}": no file named after duckdb:`, 'Pass --warehouse duckdb:PATH.');
    if (path.trim() !== path)
      throw new UsageError(
        `--warehouse "${spec}": the path starts or ends with a space`,
        'Pass the path without surrounding spaces (quote it if it holds spaces).',
      );
    return { kind: 'duckdb', path };
  }
  if (spec === BIGQUERY) return { kind: 'bigquery' };
  if (spec.startsWith(`${BIGQUERY}:`)) {
    const project = spec.slice(BIGQUERY.length + 1);
    if (!isProjectId(project)) throw new UsageError(`--warehouse: "${project}" is not a valid project id`);
    return { kind: 'bigquery', project };
  }
  throw new UsageError(`--warehouse: "${spec}" is not duckdb:PATH or bigquery[:PROJECT]`);
}

/** The `--warehouse` value of a spec (what records and command lines carry). */
export function warehouseSpecText(w: WarehouseSpec): string {
  if (w.kind === 'duckdb') return `${DUCKDB}${w.path}`;
  return w.project === undefined ? BIGQUERY : `${BIGQUERY}:${w.project}`;
}

/** The DuckDB file a spec names, or undefined for BigQuery. */
export function duckDbFile(spec: string): string | undefined {
  const w = parseWarehouseSpec(spec);
  return w.kind === 'duckdb' ? w.path : undefined;
}
