import { describe, expect, it } from 'vitest';
import type { Source } from '../ports/source.js';
import { reach, reachingSource } from './reach.js';

describe('a source the wizard lists through reach', () => {
  it('fails in the one line the --yes path prints, not with the client’s raw message', async () => {
    const refused = Object.assign(
      new Error(
        'request to http://127.0.0.1:1/storage/v1/b/my-events/o?prefix=x failed, reason: connect ECONNREFUSED 127.0.0.1:1',
      ),
      {
        code: 'ECONNREFUSED',
      },
    );
    const source = {
      url: 'gs://my-events',
      bucket: 'my-events',
      discover: () => Promise.reject(refused),
    } as unknown as Source;
    const wrapped = reachingSource(source);
    expect(wrapped.url).toBe('gs://my-events');
    await expect(wrapped.discover('data_type=json/')).rejects.toMatchObject({
      message: 'could not reach Cloud Storage (gs://my-events): connect ECONNREFUSED 127.0.0.1:1',
      hint: expect.stringContaining('STORAGE_EMULATOR_ENDPOINT'),
    });
  });
});

describe('a service that answers with a server failure', () => {
  const overloaded = () => Object.assign(new Error('read tcp 127.0.0.1:1->127.0.0.1:2: i/o timeout'), { code: 500 });

  it('is asked again, and what it then answers is used', async () => {
    let calls = 0;
    const waits: number[] = [];
    const value = await reach(
      'storage',
      'gs://my-events',
      async () => {
        if (++calls < 3) throw overloaded();
        return 'listed';
      },
      () => {},
      0,
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(value).toBe('listed');
    expect(waits).toEqual([1000, 2000]);
  });

  it('fails in one line naming the service once it kept failing', async () => {
    await expect(
      reach(
        'storage',
        'gs://my-events',
        () => Promise.reject(overloaded()),
        () => {},
        0,
        { forMs: 1, sleep: async () => {} },
      ),
    ).rejects.toMatchObject({
      message: expect.stringMatching(
        /^Cloud Storage \(gs:\/\/my-events\) kept failing for \d+ s: read tcp .*i\/o timeout$/,
      ),
    });
  });

  it('is not asked again about a refusal of what was asked (a 404)', async () => {
    let calls = 0;
    const missing = Object.assign(new Error('Not Found'), { code: 404 });
    await expect(
      reach(
        'storage',
        'gs://x',
        () => (calls++, Promise.reject(missing)),
        () => {},
        0,
        { sleep: async () => {} },
      ),
    ).rejects.toBe(missing);
    expect(calls).toBe(1);
  });
});
