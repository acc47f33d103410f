import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TransientError } from '../core/errors.js';
import { defaultReadIdleMs, idleGuarded } from './idle-read.js';

describe('reads that stall', () => {
  it('pass every chunk of a stream that keeps coming', async () => {
    const got: string[] = [];
    for await (const c of idleGuarded(Readable.from(['a', 'b', 'c']), 1000, 'gs://b/f')) got.push(String(c));
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('fail as a transient error, and end the stream, when the next chunk does not come', async () => {
    const stream = new Readable({ read() {} });
    stream.push('first');
    const got: string[] = [];
    const reading = (async () => {
      for await (const c of idleGuarded(stream, 50, 'gs://b/f')) got.push(String(c));
    })();
    await expect(reading).rejects.toThrow(TransientError);
    await expect(reading).rejects.toThrow('gs://b/f: no data for 50 ms');
    expect(got).toEqual(['first']);
    expect(stream.destroyed).toBe(true);
  });

  it('GCS_READ_IDLE_MS sets the wait; nonsense falls back to 60 s', () => {
    expect(defaultReadIdleMs({ GCS_READ_IDLE_MS: '5000' })).toBe(5000);
    expect(defaultReadIdleMs({ GCS_READ_IDLE_MS: 'soon' })).toBe(60_000);
    expect(defaultReadIdleMs({})).toBe(60_000);
  });
});
