import { describe, expect, it } from 'vitest';
import { parse } from '../../../test/helpers/parse-text.js';

// Issue 11, item 8: event_index is exact: an integer, or NULL when what was written is not one.

const line = (index: string, extra = '') => `{"eventClass":"c","eventId":"e","eventIndex":${index}${extra}}`;

describe('event_index', () => {
  it('is NULL for a written number that only rounds to an integer, however close', async () => {
    const written = [
      '1e-400',
      '1.0000000000000001',
      '4503599627370497.5',
      '0.99999999999999999',
      '-2.00000000000000001',
      '1E-400',
    ];
    const { events, debug } = await parse(written.map((w) => line(w)).join('\n'));
    expect(debug).toEqual([]);
    expect(events.map((e) => e.event_index)).toEqual(written.map(() => null));
  });

  it('keeps integers exactly, in any spelling that is one', async () => {
    const { events } = await parse(
      ['7', '2.0', '1e2', '-0', '9007199254740993', '-9223372036854775808', ' 12 '].map((w) => line(w)).join('\n'),
    );
    expect(events.map((e) => e.event_index)).toEqual([7n, 2n, 100n, 0n, 9007199254740993n, -9223372036854775808n, 12n]);
  });

  it('is exact inside an array line too, and a nested key of the same name does not confuse it', async () => {
    const { events } = await parse(
      `[${line('1.0000000000000001')},${line('3', ',"eventAttributes":{"eventIndex":1.5}')}]`,
    );
    expect(events.map((e) => e.event_index)).toEqual([null, 3n]);
    expect(events[1]!.event_attributes).toBe('{"eventIndex":1.5}');
  });

  it('reads the snake_case key exactly too, and only the key the column is read from', async () => {
    const lines = [
      '{"eventClass":"c","event_index":1.0000000000000001}', // snake only: rounded, so NULL
      '{"eventClass":"c","eventIndex":null,"event_index":1.0000000000000001}', // camel null: snake read
      '{"eventClass":"c","eventIndex":3,"event_index":1.0000000000000001}', // camel wins: 3
      '{"eventClass":"c","eventIndex":"4","event_index":1.0000000000000001}', // a string index: its text
      '{"eventClass":"c","event_index":5.0}',
    ];
    const { events } = await parse(lines.join('\n'));
    expect(events.map((e) => e.event_index)).toEqual([null, null, 3n, 4n, 5n]);
  });
});
