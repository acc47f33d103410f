import { describe, expect, it } from 'vitest';
import { NEEDS_EXACT, type RowDefaults, toEventRow, toIntegerColumn, toStringColumn } from './event-columns.js';
import { parseExact } from './json-exact.js';
import type { EventRow } from '../schema/rows.js';

const defaults: RowDefaults = {
  analyticsEnvironment: 'live',
  batchId: 'md5-of-path',
  jobName: 'job-1',
  insertedAt: 42n,
};

/** The row for a JSON text, going through the exact re-parse when asked, as the parser does. */
function row(json: string): EventRow | null {
  const first = toEventRow(JSON.parse(json) as Record<string, unknown>, defaults, false);
  if (first !== NEEDS_EXACT) return first;
  const again = toEventRow(parseExact(json) as Record<string, unknown>, defaults, true);
  if (again === NEEDS_EXACT) throw new Error('exact parse asked again');
  return again;
}

const COLUMNS: [column: keyof EventRow, camel: string, snake: string, value: unknown, expected: unknown][] = [
  ['analytics_environment', 'analyticsEnvironment', 'analytics_environment', 'staging', 'staging'],
  ['batch_id', 'batchId', 'batch_id', 'b-1', 'b-1'],
  ['event_id', 'eventId', 'event_id', 'e-1', 'e-1'],
  ['event_index', 'eventIndex', 'event_index', 7, 7n],
  ['event_source', 'eventSource', 'event_source', 'client', 'client'],
  ['event_class', 'eventClass', 'event_class', 'gameplay', 'gameplay'],
  ['event_type', 'eventType', 'event_type', 'level_up', 'level_up'],
  ['session_id', 'sessionId', 'session_id', 's-1', 's-1'],
  ['build_version', 'buildVersion', 'build_version', '1.2.3', '1.2.3'],
  ['event_environment', 'eventEnvironment', 'event_environment', 'prod', 'prod'],
  ['event_timestamp', 'eventTimestamp', 'event_timestamp', '2024-05-01T00:00:00Z', 1714521600000000n],
  ['received_timestamp', 'receivedTimestamp', 'received_timestamp', 1714521600, 1714521600000000n],
  ['event_attributes', 'eventAttributes', 'event_attributes', { a: [1, 'x'] }, '{"a":[1,"x"]}'],
];

describe('the column table (contract §3)', () => {
  it.each(COLUMNS)('%s reads %s', (column, camel, _snake, value, expected) => {
    const r = row(JSON.stringify({ eventClass: 'c', [camel]: value }));
    expect(r?.[column]).toEqual(expected);
  });

  it.each(COLUMNS)('%s falls back to %s when the camelCase key is absent', (column, _camel, snake, value, expected) => {
    const r = row(JSON.stringify({ event_class: 'c', [snake]: value }));
    expect(r?.[column]).toEqual(expected);
  });

  it.each(COLUMNS)(
    '%s falls back to the snake_case key when the camelCase one is null',
    (column, camel, snake, value, expected) => {
      const r = row(JSON.stringify({ eventClass: null, event_class: 'c', [camel]: null, [snake]: value }));
      expect(r?.[column]).toEqual(expected);
    },
  );

  it('prefers the camelCase key when both are non-null', () => {
    const r = row('{"eventClass":"camel","event_class":"snake","eventId":"a","event_id":"b"}');
    expect(r).toMatchObject({ event_class: 'camel', event_id: 'a' });
  });

  it('makes absent columns NULL and fills the file columns', () => {
    expect(row('{"eventClass":"c"}')).toEqual({
      analytics_environment: 'live',
      batch_id: 'md5-of-path',
      event_id: null,
      event_index: null,
      event_source: null,
      event_class: 'c',
      event_type: null,
      session_id: null,
      build_version: null,
      event_environment: null,
      event_timestamp: null,
      received_timestamp: null,
      inserted_timestamp: 42n,
      job_name: 'job-1',
      event_attributes: null,
    });
  });

  it('ignores unknown keys, and the file columns cannot be set by the candidate', () => {
    const r = row(
      '{"eventClass":"c","jobName":"x","job_name":"x","insertedTimestamp":1,"inserted_timestamp":1,"Event_Id":"x","extra":{"a":1}}',
    );
    expect(r).toMatchObject({ job_name: 'job-1', inserted_timestamp: 42n, event_id: null });
  });

  it('uses the path environment and batch id only when the candidate has none (or null)', () => {
    expect(row('{"eventClass":"c","analyticsEnvironment":null,"batchId":null}')).toMatchObject({
      analytics_environment: 'live',
      batch_id: 'md5-of-path',
    });
    expect(row('{"eventClass":"c","analytics_environment":"dev","batch_id":""}')).toMatchObject({
      analytics_environment: 'dev',
      batch_id: '',
    });
  });
});

describe('event class (contract §2.7)', () => {
  it.each([
    ['missing', '{"eventId":"x"}'],
    ['null', '{"eventClass":null}'],
    ['empty', '{"eventClass":""}'],
    ['null in both keys', '{"eventClass":null,"event_class":null}'],
    ['empty camelCase even with a snake_case value (first non-null wins)', '{"eventClass":"","event_class":"x"}'],
    ['only on the prototype', '{"__proto__":{"eventClass":"x"}}'],
  ])('rejects a candidate whose event class is %s', (_name, json) => {
    expect(row(json)).toBeNull();
  });

  it('treats a __proto__ key as data, never as a prototype', () => {
    const r = row('{"__proto__":{"eventClass":"x"},"eventClass":"real","eventAttributes":{"__proto__":{"a":1}}}');
    expect(r?.event_class).toBe('real');
    expect(r?.event_attributes).toBe('{"__proto__":{"a":1}}');
  });

  it('coerces a non-string event class like any STRING column', () => {
    expect(row('{"eventClass":5}')?.event_class).toBe('5');
    expect(row('{"eventClass":false}')?.event_class).toBe('false');
    expect(row('{"eventClass":{"a":1}}')?.event_class).toBe('{"a":1}');
  });
});

describe('STRING coercion', () => {
  it.each([
    ['a string as is', 'a b', 'a b'],
    ['an empty string', '', ''],
    ['an integer', 123, '123'],
    ['a fraction', 2.5, '2.5'],
    ['an integer-valued number', 2.0, '2'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['an object, compact', { b: { c: [1, 2] }, a: 'x' }, '{"b":{"c":[1,2]},"a":"x"}'],
    ['an array, compact', [1, 'two', null], '[1,"two",null]'],
    ['an empty object', {}, '{}'],
    ['null', null, null],
  ])('%s', (_name, value, expected) => {
    expect(toStringColumn(value)).toBe(expected);
  });

  it('keeps every digit of integers beyond 2^53, at the top and nested in attributes', () => {
    const r = row(
      '{"eventClass":"c","eventId":12345678901234567890,"eventAttributes":{"id":98765432109876543210,"f":0.5}}',
    );
    expect(r?.event_id).toBe('12345678901234567890');
    expect(r?.event_attributes).toBe('{"id":98765432109876543210,"f":0.5}');
    expect(row('{"eventClass":"c","eventId":1e400,"sessionId":-0}')).toMatchObject({
      event_id: '1e400',
      session_id: '0',
    });
  });

  it('writes event_attributes given as a string as is (not re-encoded)', () => {
    expect(row('{"eventClass":"c","eventAttributes":"{\\"a\\": 1}"}')?.event_attributes).toBe('{"a": 1}');
  });
});

describe('INTEGER coercion (event_index)', () => {
  it.each([
    ['an integer', 7, 7n],
    ['a negative integer', -3, -3n],
    ['an integer-valued number', 2.0, 2n],
    ['1e3', 1e3, 1000n],
    ['a numeric string', '42', 42n],
    ['a negative numeric string', '-42', -42n],
    ['an integer-valued numeric string', '2.0', 2n],
    ['a numeric string with an exponent', '1.5e1', 15n],
    ['a numeric string with leading zeros', '007', 7n],
    ['int64 max as a string', '9223372036854775807', 9223372036854775807n],
    ['int64 min as a string', '-9223372036854775808', -9223372036854775808n],
  ])('%s', (_name, value, expected) => {
    expect(toIntegerColumn(value)).toBe(expected);
  });

  it.each([
    ['a fraction', 2.5],
    ['a fractional string', '2.5'],
    ['a string with spaces', ' 2'],
    ['a word', 'two'],
    ['an empty string', ''],
    ['true', true],
    ['an object', { a: 1 }],
    ['an array', [1]],
    ['null', null],
    ['beyond int64', '9223372036854775808'],
    ['a huge exponent', '1e999999999'],
    ['a tiny fraction', '1e-40'],
  ])('NULL for %s', (_name, value) => {
    expect(toIntegerColumn(value)).toBeNull();
  });

  it('keeps every digit of a JSON integer beyond 2^53', () => {
    expect(row('{"eventClass":"c","eventIndex":9007199254740993}')?.event_index).toBe(9007199254740993n);
    expect(row('{"eventClass":"c","eventIndex":9223372036854775808}')?.event_index).toBeNull();
    expect(row('{"eventClass":"c","eventIndex":1e400}')?.event_index).toBeNull();
  });
});
