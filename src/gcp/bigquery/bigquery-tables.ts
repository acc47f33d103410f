import type { BigQuery, TableField } from '@google-cloud/bigquery';
import { UserError } from '../../core/errors.js';
import { field, tableMetadata, type TableSpec } from './bigquery-ddl.js';
import { alreadyExists } from './bigquery-errors.js';

/** Creates a dataset when missing (in `location` when given); tolerates a concurrent creator. */
export async function ensureDataset(bq: BigQuery, id: string, location: string | undefined): Promise<void> {
  const ds = bq.dataset(id);
  const [exists] = await ds.exists();
  if (exists) return;
  try {
    await bq.createDataset(id, location ? { location } : {});
  } catch (err) {
    if (!alreadyExists(err)) throw err; // another writer created it meanwhile
  }
}

/**
 * Creates a table when missing. An existing one must have the spec's column types (else a
 * {@link UserError}); columns it lacks are added as NULLABLE.
 */
export async function ensureTable(bq: BigQuery, s: TableSpec): Promise<void> {
  const table = bq.dataset(s.dataset).table(s.table);
  const [exists] = await table.exists();
  if (!exists) {
    try {
      await bq.dataset(s.dataset).createTable(s.table, tableMetadata(s));
      return;
    } catch (err) {
      if (!alreadyExists(err)) throw err; // another writer created it meanwhile
    }
  }
  // An existing table (perhaps the replaced pipeline's): check types, add missing NULLABLE columns.
  const [md] = await table.getMetadata();
  const fields: TableField[] = md.schema?.fields ?? [];
  const byName = new Map(fields.map((f) => [String(f.name).toLowerCase(), f]));
  const missing = [];
  for (const c of s.columns) {
    const have = byName.get(c.name.toLowerCase());
    if (!have) missing.push(field(c));
    else {
      const t = String(have.type).toUpperCase();
      const same = t === c.type || (c.type === 'INTEGER' && t === 'INT64');
      if (!same) {
        throw new UserError(
          `table ${s.dataset}.${s.table}: column ${c.name} is ${t}, expected ${c.type}`,
          'Point --warehouse at tables with the pipeline schema, or choose other table names.',
        );
      }
    }
  }
  if (missing.length === 0) return;
  await table.setMetadata({ schema: { fields: [...fields, ...missing] } });
}

/** Every dataset, then every table, of `specs`, one after the other. */
export async function ensureSpecs(
  bq: BigQuery,
  specs: readonly TableSpec[],
  location: string | undefined,
): Promise<void> {
  for (const ds of new Set(specs.map((s) => s.dataset))) await ensureDataset(bq, ds, location);
  for (const s of specs) await ensureTable(bq, s);
}
