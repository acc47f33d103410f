import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAMES } from '../../core/schema/table-schemas.js';
import { tableSpecs } from './bigquery-ddl.js';
import { promotionSql, stagedSql, unpromotedSql } from './bigquery-promotion-sql.js';

const sql = (windowId = 'abf_promote_1_w29000000', lookback = 24) =>
  promotionSql('proj', DEFAULT_TABLE_NAMES, tableSpecs(DEFAULT_TABLE_NAMES), windowId, lookback);

describe('the promotion script', () => {
  it('is one transaction: the lock first, then events, debug and logs (the ledger last), then commit', () => {
    const lines = sql().split('\n');
    expect(lines[0]).toBe('BEGIN TRANSACTION;');
    expect(lines[1]).toMatch(/^UPDATE `proj.logs.events_promoter_lock` SET window_id = 'abf_promote_1_w29000000'/);
    const inserts = lines.filter((l) => l.startsWith('INSERT INTO')).map((l) => /INSERT INTO `([^`]+)`/.exec(l)?.[1]);
    expect(inserts).toEqual([
      'proj.events.events_function',
      'proj.logs.events_debug_function',
      'proj.logs.events_logs_function',
    ]);
    expect(lines.at(-1)).toBe('COMMIT TRANSACTION;');
  });

  it('takes one complete attempt per file version not in the ledger, each row number once', () => {
    const s = sql();
    expect(s).toContain(
      "HAVING COUNTIF(kind = 'done') > 0 AND COUNT(DISTINCT IF(kind != 'done', row_number, NULL)) = MAX(expected_rows)",
    );
    expect(s).toContain('MIN(attempt_id) AS attempt_id');
    expect(s).toContain("STARTS_WITH(l.event, 'ingested')");
    expect(s.match(/WHERE copy = 1;/g)).toHaveLength(3);
  });

  it('reads only recent staging rows (at least an hour), and refuses a window label it would have to quote', () => {
    expect(sql(undefined, 0.2)).toContain('INTERVAL 1 HOUR');
    expect(sql(undefined, 48)).toContain('INTERVAL 48 HOUR');
    expect(() => sql("w'; DROP TABLE x; --")).toThrow(/unsafe SQL literal/);
    expect(() => unpromotedSql('proj', DEFAULT_TABLE_NAMES, "r' OR 1=1", 24)).toThrow(/unsafe SQL literal/);
    expect(stagedSql('proj', DEFAULT_TABLE_NAMES, 6)).toContain('IN UNNEST(JSON_VALUE_ARRAY(@paths))');
  });
});
