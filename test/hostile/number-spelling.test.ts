import { describe, expect, it } from 'vitest';
import { parse } from '../helpers/parse-text.js';

// Issue 27, item 9: a number is written one way whatever else is in the event. A big integer
// elsewhere makes the parser keep lossy numbers' source text; that must not keep `2.0` or `1E2`.

const line = (extra: string) =>
  `{"eventClass":2.0,"eventId":"1","eventAttributes":{"a":2.0,"b":1E2,"c":1.0000000000000001,"d":-0.50${extra}}}\n`;

describe('one spelling per number', () => {
  it('attributes and columns read the same with or without a big integer beside them; the big one exact', async () => {
    const plain = (await parse(line(''))).events[0]!;
    const withBig = (await parse(line(',"big":12345678901234567890'))).events[0]!;
    expect(plain.event_attributes).toBe('{"a":2,"b":100,"c":1,"d":-0.5}');
    expect(withBig.event_attributes).toBe('{"a":2,"b":100,"c":1,"d":-0.5,"big":12345678901234567890}');
    expect([plain.event_class, withBig.event_class]).toEqual(['2', '2']);
  });
});
