import { DuckDBInstance } from '@duckdb/node-api';

/** Reads a DuckDB file read-only, as an operator inspecting the warehouse would. */
export async function queryDuckDb(file: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function countRows(file: string, table: string): Promise<number> {
  const rows = await queryDuckDb(file, `SELECT count(*) FROM ${table}`);
  return Number(rows[0]?.[0]);
}
