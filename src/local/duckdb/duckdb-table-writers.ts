import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { EVENT_COLUMNS, LOG_COLUMNS, type Column, type TableNames } from '../../core/schema/table-schemas.js';
import { appendColumns, type Columns, type TableKind } from './duckdb-append.js';
import { readLayout, type TableLayout } from './duckdb-layout.js';
import { addColumnSql, createTableSql, quote } from './duckdb-tables.js';

/**
 * The store's three tables as it writes them: made (or given their missing columns) once, their
 * column layouts read once, and the appenders of the open transaction.
 */
export class TableWriters {
  private appenders: Record<TableKind, DuckDBAppender> | undefined;
  /** Each table's columns lined up with the schema's, read when the tables are ensured. */
  private layouts: Record<TableKind, TableLayout> | undefined;

  private readonly tables: Record<TableKind, { schema: string; table: string; columns: readonly Column[] }>;

  constructor(n: TableNames) {
    this.tables = {
      events: { schema: n.eventsDataset, table: n.eventsTable, columns: EVENT_COLUMNS },
      debug: { schema: n.logsDataset, table: n.debugTable, columns: LOG_COLUMNS },
      logs: { schema: n.logsDataset, table: n.logsTable, columns: LOG_COLUMNS },
    };
  }

  /** Creates the schemas and tables, adds the columns they lack, and reads their layouts. */
  async ensure(connection: DuckDBConnection): Promise<void> {
    const tables = this.tables;
    for (const t of Object.values(tables)) {
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(t.schema)}`);
      await connection.run(createTableSql(t.schema, t.table, t.columns));
      for (const c of t.columns) await connection.run(addColumnSql(t.schema, t.table, c));
    }
    const appenders = await this.open(connection);
    try {
      const layout = (kind: TableKind) => {
        const t = tables[kind];
        return readLayout(connection, t.schema, t.table, t.columns, appenders[kind]);
      };
      this.layouts = { events: await layout('events'), debug: await layout('debug'), logs: await layout('logs') };
    } finally {
      this.drop();
    }
  }

  /**
   * The three appenders of the open transaction. Made anew in each transaction and closed before
   * its commit: an appender kept across commits left a gap in a table's row ids after a checkpoint
   * (DuckDB then failed every later commit: "Could not find node in column segment tree").
   */
  async open(connection: DuckDBConnection): Promise<Record<TableKind, DuckDBAppender>> {
    if (this.appenders) return this.appenders;
    const t = this.tables;
    this.appenders = {
      events: await connection.createAppender(t.events.table, t.events.schema),
      debug: await connection.createAppender(t.debug.table, t.debug.schema),
      logs: await connection.createAppender(t.logs.table, t.logs.schema),
    };
    return this.appenders;
  }

  /** Rows of the open transaction, as columns, into the table's appender (see `appendColumns`). */
  async append(
    kind: TableKind,
    columns: Columns,
    before: (bytes: number, rows: number) => Promise<void>,
  ): Promise<void> {
    const appender = this.appenders?.[kind];
    const layout = this.layouts?.[kind];
    if (!appender || !layout) throw new Error('no appender: ensure() and open() first');
    await appendColumns(appender, layout, this.tables[kind].columns, columns, before);
  }

  /** Hands the events appended so far to DuckDB, so a large file's rows are not buffered twice. */
  flushEvents(): void {
    this.appenders?.events.flushSync();
  }

  /** Flushes and closes the transaction's appenders (a failure here fails the transaction). */
  close(): void {
    const appenders = this.appenders;
    this.appenders = undefined;
    for (const a of Object.values(appenders ?? {})) a.closeSync();
  }

  /** Closes the appenders of a transaction being abandoned, whatever they hold. */
  drop(): void {
    for (const a of Object.values(this.appenders ?? {})) {
      try {
        a.closeSync();
      } catch {
        // an appender that failed to flush is rolled back with the transaction
      }
    }
    this.appenders = undefined;
  }
}
