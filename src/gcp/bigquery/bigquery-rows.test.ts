import { describe, expect, it } from 'vitest';
import { PermanentFileError } from '../../core/errors.js';
import type { EventRow, LogRow } from '../../core/schema/rows.js';
import { EVENT_COLUMNS, LOG_COLUMNS } from '../../core/schema/table-schemas.js';
import { Cutter, encodeEvent, encodeLog } from './bigquery-rows.js';

const event: EventRow = {
  analytics_environment: 'live',
  batch_id: 'b',
  event_id: 'e1',
  event_index: 9007199254740993n,
  event_source: null,
  event_class: 'session',
  event_type: 'start',
  session_id: 's',
  build_version: null,
  event_environment: null,
  event_timestamp: 1_772_323_200_123_456n,
  received_timestamp: null,
  inserted_timestamp: -62_135_596_800_000_000n,
  job_name: 'job',
  event_attributes: '{"a":1}',
};
const log: LogRow = {
  job_name: 'job',
  processed_timestamp: 1_772_323_200_000_001n,
  batch_id: null,
  analytics_environment: 'live',
  event_category: 'c',
  event_time: '0-8',
  event_ds: '2026-03-01',
  event: 'ingested: 1 events',
  file_path: 'gs://b/f',
  file_generation: '17',
};

describe('BigQuery rows as query parameters', () => {
  it('every column of the table, by name: text as is, integers exact, timestamps to the microsecond', () => {
    const e = encodeEvent(event);
    expect(Object.keys(e)).toEqual(EVENT_COLUMNS.map((c) => c.name));
    expect(e).toMatchObject({
      event_index: '9007199254740993',
      event_timestamp: '2026-03-01T00:00:00.123456Z',
      inserted_timestamp: '0001-01-01T00:00:00.000000Z',
      received_timestamp: null,
      event_attributes: '{"a":1}',
    });
    const l = encodeLog(log);
    expect(Object.keys(l)).toEqual(LOG_COLUMNS.map((c) => c.name));
    expect(l).toMatchObject({
      processed_timestamp: '2026-03-01T00:00:00.000001Z',
      event_ds: '2026-03-01',
      batch_id: null,
    });
  });

  it('cuts rows into parts by stable size and count, the same way on every attempt', () => {
    const cut = () => {
      const c = new Cutter(600, 3);
      for (let i = 0; i < 7; i++)
        c.push(encodeEvent({ ...event, event_id: `e${i}`, job_name: `attempt-${Math.random()}` }));
      return c.all().map((p) => p.rows.map((r) => r.event_id));
    };
    const first = cut();
    expect(first.flat()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(first.every((p) => p.length <= 3)).toBe(true);
    expect(cut()).toEqual(first); // job_name differs between attempts: the cut does not
  });

  it('refuses a row no BigQuery request can carry', () => {
    expect(() => new Cutter(1e9, 10).push(encodeEvent({ ...event, event_attributes: 'x'.repeat(10_000_000) }))).toThrow(
      PermanentFileError,
    );
  });
});
