import { describe, expect, it } from 'vitest';
import type { Source } from '../ports/source.js';
import { reachingSource } from './reach.js';

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
